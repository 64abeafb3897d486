//! A temporary folder to write traces into and run `costsim` in, and the
//! rule for tests whose inputs (../shared/traces, Chromium) are missing.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

pub struct Workspace {
    folder: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        Workspace {
            folder: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    /// A fresh workspace holding copies of `other`'s files.
    pub fn clone_of(other: &Workspace) -> Self {
        let copy = Workspace::new();
        for entry in std::fs::read_dir(other.folder.path())
            .expect("listable")
            .flatten()
        {
            if entry.path().is_file() {
                std::fs::copy(entry.path(), copy.path(&entry.file_name().to_string_lossy())).expect("copy");
            }
        }
        copy
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.folder.path().join(name)
    }

    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).expect("writable temporary folder");
        path
    }

    /// Writes a trace of `rows` (already formatted) under `header`, streaming,
    /// so that traces of millions of rows cost no memory.
    pub fn write_rows(&self, name: &str, header: &str, rows: impl Iterator<Item = String>) -> PathBuf {
        let path = self.path(name);
        let file = std::fs::File::create(&path).expect("writable temporary folder");
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        writeln!(out, "{header}").expect("write");
        for row in rows {
            out.write_all(row.as_bytes()).expect("write");
            out.write_all(b"\n").expect("write");
        }
        out.flush().expect("flush");
        path
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_costsim"))
            .args(args)
            .current_dir(self.folder.path())
            .output()
            .expect("costsim runs")
    }

    /// Runs `simulate --format json` with `args` and parses the result,
    /// failing with costsim's message when it does not succeed.
    pub fn simulate_json(&self, args: &[&str]) -> Value {
        let mut all = vec!["simulate", "--format", "json"];
        all.extend_from_slice(args);
        let output = self.run(&all);
        assert!(
            output.status.success(),
            "costsim {all:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("JSON on stdout")
    }
}

/// A number at a JSON path such as `bill.total` or `requests.cold_starts`.
pub fn number(value: &Value, path: &str) -> f64 {
    let mut current = value;
    for key in path.split('.') {
        current = &current[key];
    }
    current
        .as_f64()
        .unwrap_or_else(|| panic!("no number at `{path}` in {value:#}"))
}

/// The line item called `item` of a result's bill.
pub fn line_item<'a>(result: &'a Value, item: &str) -> &'a Value {
    result["bill"]["line_items"]
        .as_array()
        .and_then(|items| items.iter().find(|line| line["item"] == item))
        .unwrap_or_else(|| panic!("no line item `{item}` in {:#}", result["bill"]))
}

/// Asserts `actual` is `expected` to within `tolerance`.
#[track_caller]
pub fn assert_close(actual: f64, expected: f64, tolerance: f64) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "expected {expected} ± {tolerance}, got {actual}"
    );
}

/// Dollars rounded to the cent, as an invoice shows them.
pub fn cents(amount: f64) -> f64 {
    (amount * 100.0).round() / 100.0
}

/// Asserts that `item`'s amount (or, for `total`, the bill's total) rounds
/// to `expected` dollars and cents.
#[track_caller]
pub fn assert_cents(result: &Value, item: &str, expected: f64) {
    let amount = if item == "total" {
        number(result, "bill.total")
    } else {
        number(line_item(result, item), "amount")
    };
    assert_eq!(cents(amount), expected, "{item}: {amount}");
}

/// A deployment of a shipped price book with `KEY=VALUE` settings.
pub fn deployment(book: &str, settings: &[&str]) -> costsim::simulation::Deployment {
    let settings: Vec<costsim::platform::Setting> = settings
        .iter()
        .map(|text| costsim::platform::Setting::parse(text).expect("a KEY=VALUE pair"))
        .collect();
    let book = costsim::pricing::resolve(book).expect("a shipped price book");
    costsim::simulation::Deployment::resolve(book, &settings).expect("valid settings")
}

/// Replays in-memory `requests` through `deployment` from 2016-01-01, with
/// the library rather than the binary.
pub fn replay(
    deployment: &costsim::simulation::Deployment,
    requests: &[costsim::workload::Request],
    seed: u64,
) -> costsim::simulation::SimulationResult {
    let origin = costsim::workload::default_start();
    costsim::simulation::simulate(
        deployment,
        requests.iter().copied().map(Ok),
        costsim::simulation::RunOptions {
            origin,
            horizon: None,
            seed,
        },
    )
    .expect("in-memory runs succeed")
}

/// Whether the tests run under CI (`CI=true`), where every input must be
/// present.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false" && value != "0")
}

/// A test's input is missing: under CI that fails the test; elsewhere the
/// test is skipped with a notice written straight to the terminal (not
/// captured, so `cargo test` shows it beside the test's "ok").
#[track_caller]
pub fn missing_input(test: &str, input: &str) {
    assert!(
        !under_ci(),
        "{test}: {input} is missing, and CI=true requires it (.ci/run provides it)"
    );
    let notice = format!("\nSKIPPED {test}: {input} is missing (under CI=true this fails)\n");
    let _ = std::io::stderr().write_all(notice.as_bytes());
}
