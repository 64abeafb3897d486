//! A `compare` killed (SIGKILL) at random points, many of them inside its
//! write phase, leaves the old report whole or the new one whole, never a
//! mix; the next run removes what the killed one left.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::Workspace;

const SCENARIO: &str = r#"name = "kill test"
[workload]
trace = "a.csv"
[[deployment]]
name = "Lambda"
platform = "aws-lambda-2016"
[[deployment]]
name = "EC2"
platform = "ec2-2016"
"#;

/// Every file of a report folder, by name.
fn report(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| {
                    let bytes = std::fs::read(entry.path()).expect("readable");
                    (entry.file_name().to_string_lossy().into_owned(), bytes)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn compare(workspace: &Workspace, trace: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_costsim"));
    command
        .args([
            "compare",
            "scenario.toml",
            "--trace",
            trace,
            "--out",
            "out",
            "--format",
            "csv",
        ])
        .current_dir(workspace.path(""))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// Whether a temporary report folder of this run exists yet.
fn staging(workspace: &Workspace) -> bool {
    std::fs::read_dir(workspace.path(""))
        .expect("listable")
        .flatten()
        .any(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with(".costsim-tmp-out-")
        })
}

/// A small deterministic generator of kill delays (64-bit LCG, Knuth's MMIX constants).
struct Delays(u64);

impl Delays {
    fn next_below(&mut self, bound: Duration) -> Duration {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        bound.mul_f64((self.0 >> 11) as f64 / (1u64 << 53) as f64)
    }
}

#[test]
fn a_killed_compare_leaves_the_old_report_or_the_new_one_whole() {
    let workspace = Workspace::new();
    workspace.write("scenario.toml", SCENARIO);
    workspace.write("a.csv", "time,duration_ms\n0,10\n5,20\n");
    workspace.write("b.csv", "time,duration_ms\n0,900\n1,900\n2,900\n");
    let mut whole = Vec::new();
    let started = Instant::now();
    for trace in ["a.csv", "b.csv"] {
        assert!(compare(&workspace, trace).status().expect("runs").success());
        whole.push(report(&workspace.path("out")));
    }
    let full_run = started.elapsed() / 2;
    assert_ne!(whole[0], whole[1]);
    assert!(whole[0].len() >= 10, "{:?}", whole[0].keys());
    let mut delays = Delays(14);
    let mut killed_while_staging = 0;
    for round in 0..24 {
        let trace = ["a.csv", "b.csv"][round % 2];
        let mut child = compare(&workspace, trace).spawn().expect("starts");
        if round % 2 == 0 {
            // Anywhere in the run.
            std::thread::sleep(delays.next_below(full_run.mul_f64(1.2)));
        } else {
            // Inside the write phase: once the new folder is being staged.
            let waiting = Instant::now();
            while !staging(&workspace) && waiting.elapsed() < full_run * 5 {
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(delays.next_below(Duration::from_millis(5)));
        }
        killed_while_staging += usize::from(staging(&workspace));
        let _ = child.kill();
        child.wait().expect("ends");
        let found = report(&workspace.path("out"));
        assert!(
            found == whole[0] || found == whole[1],
            "round {round}: a mix of reports: {:?}",
            found.keys()
        );
    }
    assert!(killed_while_staging > 0, "no kill landed in the write phase");
    // The next complete run removes what the killed ones left.
    assert!(compare(&workspace, "a.csv").status().expect("runs").success());
    assert_eq!(report(&workspace.path("out")), whole[0]);
    assert!(!staging(&workspace));
    let leftovers: Vec<String> = std::fs::read_dir(workspace.path(""))
        .expect("listable")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".costsim-"))
        .collect();
    assert_eq!(leftovers, Vec::<String>::new());
}

#[test]
fn a_terminated_compare_removes_its_temporary_folder() {
    let workspace = Workspace::new();
    workspace.write("scenario.toml", SCENARIO);
    workspace.write("a.csv", "time,duration_ms\n0,10\n5,20\n");
    workspace.write("b.csv", "time,duration_ms\n0,900\n1,900\n2,900\n");
    assert!(compare(&workspace, "b.csv").status().expect("runs").success());
    let new = report(&workspace.path("out"));
    assert!(compare(&workspace, "a.csv").status().expect("runs").success());
    let old = report(&workspace.path("out"));
    let mut delays = Delays(7);
    for _ in 0..6 {
        let mut child = compare(&workspace, "b.csv").spawn().expect("starts");
        let waiting = Instant::now();
        while !staging(&workspace) && waiting.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_micros(200));
        }
        std::thread::sleep(delays.next_below(Duration::from_millis(3)));
        let pid = i32::try_from(child.id()).expect("a pid");
        // SAFETY: SIGTERM to our own child, which has not been waited for.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        child.wait().expect("ends");
        // SIGTERM is caught: the staged folder goes with the run, and the
        // report is the old one or the new one.
        assert!(!staging(&workspace), "a temporary folder survived SIGTERM");
        let found = report(&workspace.path("out"));
        assert!(
            found == old || found == new,
            "a mix of reports: {:?}",
            found.keys()
        );
        assert!(compare(&workspace, "a.csv").status().expect("runs").success());
    }
}
