//! What a sweep costs against the runs it replaces, as `cargo bench --bench
//! sweep` runs it, on the Azure Functions 2019 slice (3,037,902 requests
//! over 500 functions, 8 hours; `../shared/traces`, imported here once):
//!
//! - the floor: a bare parse of the imported file with the csv crate;
//! - one run: a single deployment simulated once (what `simulate` does);
//! - 64 separate runs of a 64-point settings grid (Lambda memory × keep-alive),
//!   each reading the trace again;
//! - the same 64 points as one sweep (one read; without a speed model the
//!   memory size changes only the bill, so 8 simulations, one per
//!   keep-alive, each re-priced at the 8 sizes);
//! - the same grid and its 64 separate runs with the speed model on
//!   (`cpu_fraction = 0.5`, durations recorded at 1,024 MB), where every
//!   point is a simulation of its own;
//! - a 10-point price-only sweep (ten what-if price books of one model:
//!   one simulation, nine re-pricings).
//!
//! Each case reports wall and process CPU seconds (every thread) and its
//! ratio to one run: the median of three runs, the 64 separate runs once.
//! Under `CI=true` a missing trace fails; elsewhere the bench says it was
//! skipped and why.

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;

use costsim::scenario::Scenario;
use costsim::sweep::outcome::ParamValue;
use costsim::sweep::plan::plan;
use costsim::sweep::point::Point;
use costsim::sweep::run::{run_plans, work};
use support::{Sample, bare_csv_parse, measure, median};

const SLICE: &str = "../shared/traces/azure-functions-2019/original-500fn-8h";

/// Imports the slice (durations from each function's average, no memory
/// column, so the swept memory size applies) into `folder`.
fn import_slice(folder: &Path) -> PathBuf {
    let trace = folder.join("azure-2019.csv");
    let status = Command::new(env!("CARGO_BIN_EXE_costsim"))
        .args(["--quiet", "trace", "import", "--from", "azure-2019"])
        .arg("--invocations")
        .arg(Path::new(SLICE).join("invocations.csv"))
        .arg("--durations")
        .arg(Path::new(SLICE).join("durations.csv"))
        .args(["--durations-from", "average", "-o"])
        .arg(&trace)
        .status()
        .expect("costsim runs");
    assert!(status.success(), "the import succeeds");
    trace
}

/// One Lambda 2025 deployment over `trace`, with `settings` (TOML lines).
fn scenario(folder: &Path, trace: &Path, settings: &str) -> Scenario {
    let text = format!(
        "name = \"bench\"\n[workload]\ntrace = \"{}\"\n[[deployment]]\nname = \"Lambda\"\nplatform = \"aws-lambda-2025\"\n{settings}\n",
        trace.display()
    );
    Scenario::from_toml("bench.toml", &text, folder).expect("valid scenario")
}

/// The settings grid run as 64 separate runs (each reading the trace) and
/// as one sweep: (separate, sweep, simulations in the sweep).
fn grid_cases(scenario: &Scenario) -> (Sample, Sample, usize) {
    let separate = measure(|| {
        settings_grid()
            .into_iter()
            .map(|point| sweep(scenario, vec![point]))
            .sum()
    });
    let grid = settings_grid();
    let simulations = work(&plan(scenario, grid.clone()).expect("valid")).simulations;
    let together = median(3, || sweep(scenario, grid.clone()));
    assert_eq!(
        together.rows, separate.rows,
        "the sweep simulates what the separate runs do"
    );
    (separate, together, simulations)
}

fn point(index: usize, values: Vec<(&str, String)>) -> Point {
    Point {
        index,
        id: format!("{index}"),
        values: values
            .into_iter()
            .map(|(name, value)| ParamValue {
                name: name.to_owned(),
                value: Some(value),
            })
            .collect(),
    }
}

/// Runs `points` as one sweep; the requests simulated.
fn sweep(scenario: &Scenario, points: Vec<Point>) -> u64 {
    let plans = plan(scenario, points).expect("valid points");
    let results = run_plans(scenario, &plans).expect("runs");
    results
        .iter()
        .flatten()
        .map(|named| named.result.requests.total)
        .sum()
}

/// 8 memory sizes × 8 keep-alives.
fn settings_grid() -> Vec<Point> {
    let mut points = Vec::new();
    for memory in [128, 256, 512, 1024, 1536, 2048, 3008, 4096] {
        for keep_alive in (1..=8).map(|step| step * 60) {
            let values = vec![
                ("memory_mb", memory.to_string()),
                ("keep_alive_s", keep_alive.to_string()),
            ];
            points.push(point(points.len(), values));
        }
    }
    points
}

/// Ten what-if copies of Lambda 2025 with the x86 GB-s rate at 50% to 140%.
fn what_if_books(folder: &Path) -> Vec<Point> {
    let shipped = std::fs::read_to_string("pricing/aws-lambda-2025.toml").expect("shipped book");
    (0..10)
        .map(|index| {
            let percent = 50 + index * 10;
            let rate = rust_decimal::Decimal::new(166_667, 10) * rust_decimal::Decimal::new(percent, 2);
            let text = shipped
                .replacen("0.0000166667", &rate.normalize().to_string(), 1)
                .replacen(
                    "id = \"aws-lambda-2025\"",
                    &format!("id = \"lambda-at-{percent}\""),
                    1,
                );
            let path = folder.join(format!("lambda-at-{percent}.toml"));
            std::fs::write(&path, text).expect("written");
            point(index as usize, vec![("platform", path.display().to_string())])
        })
        .collect()
}

fn main() {
    if !Path::new(SLICE).join("invocations.csv").exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true: {SLICE} is missing"
        );
        eprintln!("sweep bench skipped: {SLICE} is missing (it ships beside the repository)");
        return;
    }
    let folder = tempfile::tempdir().expect("temporary folder");
    let trace = import_slice(folder.path());
    let scenario = scenario(folder.path(), &trace, "");
    let floor = median(3, || bare_csv_parse(&trace));
    let one = median(3, || {
        sweep(&scenario, vec![point(0, vec![("memory_mb", "128".into())])])
    });
    let (separate, together, simulations) = grid_cases(&scenario);
    let speed = self::scenario(
        folder.path(),
        &trace,
        "cpu_fraction = 0.5\nreference_memory_mb = 1024",
    );
    let (speed_separate, speed_together, speed_simulations) = grid_cases(&speed);
    let books = what_if_books(folder.path());
    let book_work = work(&plan(&scenario, books.clone()).expect("valid"));
    let priced = median(3, || sweep(&scenario, books.clone()));
    assert_eq!(priced.rows, 10 * one.rows);
    println!("\nSweeps on the Azure Functions 2019 slice (3,037,902 requests, 500 functions), 2 cores\n");
    println!("| case | wall s | CPU s | wall / one run | CPU / one run |");
    println!("|---|---:|---:|---:|---:|");
    let row = |name: &str, sample: &Sample| {
        println!(
            "| {name} | {:.2} | {:.2} | {:.2}x | {:.2}x |",
            sample.wall,
            sample.cpu,
            sample.wall / one.wall,
            sample.cpu / one.cpu
        );
    };
    row("floor: bare csv parse", &floor);
    row("one run (1 point, 1 deployment)", &one);
    row("64 separate runs", &separate);
    row(
        &format!("64-point settings sweep (1 read, {simulations} simulations)"),
        &together,
    );
    row("64 separate runs, speed model on", &speed_separate);
    row(
        &format!("64-point settings sweep, speed model on (1 read, {speed_simulations} simulations)"),
        &speed_together,
    );
    row(
        &format!(
            "10-point price-only sweep ({} simulation, {} re-priced)",
            book_work.simulations, book_work.repriced
        ),
        &priced,
    );
    for (case, sweep, separate) in [
        ("sweep / separate runs", &together, &separate),
        (
            "speed model on: sweep / separate runs",
            &speed_together,
            &speed_separate,
        ),
    ] {
        println!(
            "\n{case}: wall {:.3}, CPU {:.3} (target at most 0.25)",
            sweep.wall / separate.wall,
            sweep.cpu / separate.cpu
        );
    }
}
