//! `costsim sweep` end to end: a grid from flags and from the scenario's
//! `[sweep]` table, its report folder, a dry run that runs nothing, shards
//! (from `--shard` and from Slurm's variables) that merge into the bytes of
//! the whole sweep, and bad grids refused with exit 2 before anything runs.

use std::process::Output;

use crate::support::Workspace;

/// Lambda 2016 at 512 MB and one Heroku dyno over a generated hour (about
/// 1,800 requests), with a `[sweep]` table of two memory sizes.
const SCENARIO: &str = r#"name = "sweep-check"
seed = 5
[workload]
start = "2016-07-01T00:00:00Z"
[workload.generator]
arrivals = "poisson"
rate = 0.5
span = "1h"
duration = "lognormal:median=80ms,p99=600ms"
seed = 9
[slo]
p99_ms = 1000
[[deployment]]
name = "Lambda"
platform = "aws-lambda-2016"
memory_mb = 512
[[deployment]]
name = "Heroku"
platform = "heroku-2016"
dynos = 1
[sweep]
"Lambda.memory_mb" = [128, 256]
"#;

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "costsim failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn read(space: &Workspace, name: &str) -> Vec<u8> {
    std::fs::read(space.path(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

#[test]
fn a_sweep_writes_its_report_and_prints_the_front() {
    let space = Workspace::new();
    space.write("s.toml", SCENARIO);
    let printed = ok(&space.run(&["-q", "sweep", "s.toml", "--param", "Lambda.keep_alive_s=60,600"]));
    assert!(
        printed.contains("sweep-check: 4 points × 2 deployments = 8 results"),
        "{printed}"
    );
    for file in [
        "sweep.csv",
        "sweep.json",
        "report.html",
        "cost-vs-p99.png",
        "cost-vs-p99.svg",
    ] {
        assert!(
            space.path(&format!("reports/sweep-check-sweep/{file}")).exists(),
            "{file}"
        );
    }
    let csv = String::from_utf8(read(&space, "reports/sweep-check-sweep/sweep.csv")).expect("UTF-8");
    let lines: Vec<&str> = csv.lines().collect();
    // A header and 4 points × 2 deployments, the last dimension fastest.
    assert_eq!(lines.len(), 9, "{csv}");
    assert!(
        lines[0]
            .starts_with("point_index,point_id,param_Lambda.memory_mb,param_Lambda.keep_alive_s,deployment")
    );
    assert!(
        lines[1].starts_with("0,") && lines[1].contains(",128,60,Lambda,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[3].starts_with("1,") && lines[3].contains(",128,600,Lambda,"),
        "{}",
        lines[3]
    );
    assert!(
        lines[5].starts_with("2,") && lines[5].contains(",256,60,Lambda,"),
        "{}",
        lines[5]
    );
}

#[test]
fn a_point_that_changes_nothing_is_what_compare_gives() {
    let space = Workspace::new();
    space.write("s.toml", SCENARIO);
    ok(&space.run(&[
        "-q",
        "sweep",
        "s.toml",
        "--param",
        "Lambda.memory_mb=512",
        "--no-report",
        "--format",
        "json",
        "-o",
        "sweep.json",
    ]));
    ok(&space.run(&[
        "-q",
        "compare",
        "s.toml",
        "--no-report",
        "--format",
        "json",
        "-o",
        "compare.json",
    ]));
    let sweep: serde_json::Value = serde_json::from_slice(&read(&space, "sweep.json")).expect("JSON");
    let mut compare: serde_json::Value = serde_json::from_slice(&read(&space, "compare.json")).expect("JSON");
    // compare's document adds two comparisons across its deployments.
    for result in compare["results"].as_array_mut().expect("results") {
        let result = result.as_object_mut().expect("a result");
        assert!(result.remove("cost_per_million_requests").is_some());
        assert!(result.remove("ratio_to_cheapest").is_some());
    }
    assert_eq!(sweep["points"][0]["results"], compare["results"]);
}

#[test]
fn shards_merge_into_the_bytes_of_the_whole_sweep() {
    let space = Workspace::new();
    space.write("s.toml", SCENARIO);
    let grid = ["--param", "Lambda.keep_alive_s=60..300:60"];
    let mut whole = vec!["-q", "sweep", "s.toml", "--out", "whole"];
    whole.extend(grid);
    ok(&space.run(&whole));
    for shard in ["1/3", "2/3", "3/3"] {
        let file = format!("shard-{}.json", &shard[..1]);
        let mut args = vec!["-q", "sweep", "s.toml", "--shard", shard, "--out", &file];
        args.extend(grid);
        ok(&space.run(&args));
    }
    ok(&space.run(&[
        "-q",
        "merge",
        "shard-1.json",
        "shard-2.json",
        "shard-3.json",
        "--out",
        "merged",
    ]));
    for file in ["sweep.csv", "sweep.json"] {
        assert_eq!(
            read(&space, &format!("whole/{file}")),
            read(&space, &format!("merged/{file}")),
            "{file}"
        );
    }
}

#[test]
fn slurm_array_variables_choose_the_shard() {
    let space = Workspace::new();
    space.write("s.toml", SCENARIO);
    let run = |task: &str, out: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_costsim"))
            .args(["-q", "sweep", "s.toml", "--out", out])
            .env("SLURM_ARRAY_TASK_ID", task)
            .env("SLURM_ARRAY_TASK_MIN", "0")
            .env("SLURM_ARRAY_TASK_COUNT", "2")
            .current_dir(space.path("."))
            .output()
            .expect("costsim runs")
    };
    ok(&run("0", "a.json"));
    ok(&run("1", "b.json"));
    let shard: serde_json::Value = serde_json::from_slice(&read(&space, "b.json")).expect("JSON");
    assert_eq!(
        shard["manifest"]["shard"],
        serde_json::json!({"index": 2, "count": 2})
    );
    // Two points, round robin: point 1 (256 MB) is shard 2's.
    assert_eq!(shard["points"][0]["index"], 1);
    assert_eq!(shard["points"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_dry_run_lists_the_points_and_runs_nothing() {
    let space = Workspace::new();
    space.write("s.toml", SCENARIO);
    let printed = ok(&space.run(&["sweep", "s.toml", "--param", "traffic=0.5,1,2", "--dry-run"]));
    // 2 memory sizes × 3 traffic levels; each traffic level is its own read;
    // Lambda's durations do not depend on its size, so its second size is
    // re-priced from the first's run; Heroku, untouched by memory, is
    // simulated once per read.
    assert!(
        printed.contains("Sweep of sweep-check: 6 points, 2 deployments each"),
        "{printed}"
    );
    assert!(printed.contains("Work: 3 reads of the workload, 6 simulations (3 results re-priced from those runs under another book or memory size, 3 shared"), "{printed}");
    assert!(printed.contains("Lambda.memory_mb=256, traffic=2"), "{printed}");
    assert!(!space.path("reports").exists());
}

#[test]
fn bad_grids_are_refused_before_anything_runs() {
    let space = Workspace::new();
    space.write("s.toml", SCENARIO);
    for (args, expected) in [
        (
            vec!["--param", "Lambda.memory_mb=lots"],
            "expected a whole number",
        ),
        (
            vec!["--param", "Nobody.dynos=1,2"],
            "no deployment is named `Nobody`",
        ),
        (vec!["--param", "traffic=0..2:0"], "traffic"),
        (
            vec!["--param", "duration_scale=0,1"],
            "duration_scale: expected a factor above 0",
        ),
        (vec!["--shard", "4/3"], "--shard"),
    ] {
        let mut all = vec!["sweep", "s.toml"];
        all.extend(args.iter().copied());
        let output = space.run(&all);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!space.path("reports").exists(), "{args:?} wrote a report");
    }
}

#[test]
fn a_duration_scale_lengthens_every_request_and_shares_one_read() {
    // Ten requests of 150 ms on Lambda 2016 at 128 MB without the free
    // tier. ×1: each bills 200 ms (rounded up to 100 ms steps):
    //   10 × 0.20 / 1e6 + 10 × 0.2 s × 0.125 GB × 0.00001667 = 0.000002 +
    //   0.0000041675 = $0.0000061675.
    // ×2: 300 ms each: 0.000002 + 10 × 0.3 × 0.125 × 0.00001667 =
    //   0.000002 + 0.00000625125 = $0.00000825125.
    let space = Workspace::new();
    space.write_rows(
        "t.csv",
        "time,duration_ms",
        (0..10).map(|second| format!("{second},150")),
    );
    space.write(
        "s.toml",
        "name = \"d\"\n[workload]\ntrace = \"t.csv\"\n[[deployment]]\nname = \"Lambda\"\n\
         platform = \"aws-lambda-2016\"\nmemory_mb = 128\nfree_tier = false\n",
    );
    let plan = ok(&space.run(&["sweep", "s.toml", "--param", "duration_scale=1,2", "--dry-run"]));
    assert!(plan.contains("1 read"), "{plan}");
    let csv = ok(&space.run(&[
        "-q",
        "sweep",
        "s.toml",
        "--param",
        "duration_scale=1,2",
        "--format",
        "csv",
        "--no-report",
    ]));
    let totals: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|line| line.split(',').nth(6).expect("a total column"))
        .collect();
    assert_eq!(totals, ["0.0000061675", "0.00000825125"], "{csv}");
}
