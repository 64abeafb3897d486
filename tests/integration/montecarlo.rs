//! `costsim compare --replications` against arithmetic done by hand.
//!
//! The calibration workload is a Poisson process of 400 expected requests
//! (0.1 a second for 4,000 s) of 50 ms each on Lambda 2016 at 128 MB
//! without the free tier. Every request bills 100 ms (rounded up), so the
//! bill is linear in the request count N:
//!   N × (0.20 / 1e6 + 0.125 GB × 0.1 s × 0.00001667 $/GB-s)
//!   = N × (0.0000002 + 0.000000208375) = N × $0.000000408375,
//! and N ~ Poisson(400): the bill's quantiles are the Poisson's times that
//! price. P5 and P95 of Poisson(400) are 367 and 433 (400 ∓ 1.645 × 20 =
//! 367.1 and 432.9 by the normal approximation).

use serde_json::Value;

use crate::support::{Workspace, number};

/// The price of one request, from the arithmetic above.
const PER_REQUEST: f64 = 0.000_000_408_375;

fn calibration(extra: &str) -> String {
    format!(
        r#"name = "calibration"
seed = 11
[workload]
start = "2016-07-01T00:00:00Z"
horizon = "4000s"
[workload.generator]
arrivals = "poisson"
rate = 0.1
span = "4000s"
duration = "50ms"
seed = 5
[[deployment]]
name = "Lambda 128"
platform = "aws-lambda-2016"
memory_mb = 128
free_tier = false
{extra}"#
    )
}

fn run_json(space: &Workspace, args: &[&str]) -> Value {
    let mut all = vec!["compare", "s.toml", "--format", "json", "-o", "-", "--no-report"];
    all.extend_from_slice(args);
    let output = space.run(&all);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON")
}

/// The quantile of the first deployment's total at `percent`.
fn total_quantile(json: &Value, percent: f64) -> f64 {
    let quantiles = json["summary"]["deployments"][0]["total"]["quantiles"]
        .as_array()
        .expect("quantiles");
    let found = quantiles
        .iter()
        .find(|quantile| number(quantile, "percent") == percent)
        .expect("the quantile asked for");
    number(found, "value")
}

#[test]
fn a_poisson_bill_has_the_poisson_quantiles_within_two_percent() {
    let space = Workspace::new();
    space.write("s.toml", &calibration(""));
    let json = run_json(&space, &["--replications", "1000"]);
    for (percent, poisson) in [(5.0, 367.0), (50.0, 400.0), (95.0, 433.0)] {
        let expected = poisson * PER_REQUEST;
        let found = total_quantile(&json, percent);
        assert!(
            (found / expected - 1.0).abs() < 0.02,
            "P{percent}: {found} against {expected}"
        );
    }
    // A fixed count would put P5 at 400, 9% above 367: the spread is the
    // Poisson's, not only its middle.
    let p5 = total_quantile(&json, 5.0) / PER_REQUEST;
    assert!(p5 < 380.0, "P5 {p5} requests");
}

#[test]
fn the_same_seed_writes_the_same_bytes_with_one_or_two_threads_and_sharded() {
    let space = Workspace::new();
    space.write(
        "s.toml",
        &calibration("[uncertain]\ntraffic = { low = 0.5, high = 2 }\n"),
    );
    let whole = |threads: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_costsim"))
            .current_dir(space.path("."))
            .env("RAYON_NUM_THREADS", threads)
            .args(["compare", "s.toml", "--replications", "30", "--report", "whole"])
            .output()
            .expect("runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        ["montecarlo.json", "montecarlo.csv", "summary.csv"]
            .map(|name| std::fs::read(space.path(&format!("whole/{name}"))).expect("written"))
    };
    let one = whole("1");
    assert_eq!(one, whole("2"));
    for shard in ["1/3", "2/3", "3/3"] {
        let file = format!("shard-{}.json", &shard[..1]);
        let output = space.run(&[
            "compare",
            "s.toml",
            "--replications",
            "30",
            "--shard",
            shard,
            "--report",
            &file,
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let merged = space.run(&[
        "merge",
        "shard-1.json",
        "shard-2.json",
        "shard-3.json",
        "--out",
        "merged",
    ]);
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    for (index, name) in ["montecarlo.json", "montecarlo.csv", "summary.csv"]
        .iter()
        .enumerate()
    {
        let bytes = std::fs::read(space.path(&format!("merged/{name}"))).expect("merged");
        assert!(bytes == one[index], "{name} differs after a merge");
    }
}

#[test]
fn a_missing_shard_is_named() {
    let space = Workspace::new();
    space.write("s.toml", &calibration(""));
    for shard in ["1/3", "3/3"] {
        let file = format!("shard-{}.json", &shard[..1]);
        assert!(
            space
                .run(&[
                    "compare",
                    "s.toml",
                    "--replications",
                    "6",
                    "--shard",
                    shard,
                    "--report",
                    &file
                ])
                .status
                .success()
        );
    }
    let merged = space.run(&["merge", "shard-1.json", "shard-3.json", "--no-report"]);
    assert_eq!(merged.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&merged.stderr);
    // Runs 0..6 round robin over 3 shards: shard 2 holds runs 1 and 4.
    assert!(
        stderr.contains("runs 1, 4 of the Monte Carlo's 6 are missing: shard 2 of 3 not given?"),
        "{stderr}"
    );
}

#[test]
fn a_budget_is_exceeded_as_often_as_the_runs_say() {
    let space = Workspace::new();
    space.write(
        "s.toml",
        &calibration("[uncertain]\ntraffic = { low = 0.5, high = 2 }\n"),
    );
    // The median bill: 400 × 0.000000408375 = $0.00016335.
    let json = run_json(&space, &["--replications", "200", "--budget", "0.00016335"]);
    let runs = json["runs"].as_array().expect("runs");
    let over = runs
        .iter()
        .filter(|run| run["role"]["kind"] == "replication")
        .filter(|run| number(&run["rows"][0], "total") > 0.000_163_35)
        .count();
    let share = number(&json["summary"]["deployments"][0]["over_budget"], "value");
    assert_eq!(share, over as f64 / 200.0);
    // Traffic is lognormal around ×1 (√(0.5 × 2) = 1): about half over.
    assert!((0.35..0.65).contains(&share), "{share}");
}

#[test]
fn the_tornado_moves_the_total_with_the_traffic() {
    let space = Workspace::new();
    space.write(
        "s.toml",
        &calibration("[uncertain]\ntraffic = { low = 0.5, high = 2 }\n"),
    );
    let json = run_json(&space, &["--replications", "5"]);
    let bar = &json["summary"]["tornado"][0];
    assert_eq!(bar["input"], "traffic");
    // Half, all and twice the traffic of the same seed: about 200, 400 and
    // 800 requests (a Poisson generator's rate scaled directly).
    let (low, base, high) = (number(bar, "at_low"), number(bar, "base"), number(bar, "at_high"));
    assert!(low < base && base < high, "{low} {base} {high}");
    assert!((high / low - 4.0).abs() < 0.6, "{high} / {low}");
}

#[test]
fn bad_flags_and_tables_say_what_was_expected() {
    let space = Workspace::new();
    space.write("s.toml", &calibration(""));
    let cases: [(&[&str], i32, &str); 5] = [
        (
            &["--replications", "5", "--budget", "-3"],
            2,
            "--budget: expected an amount of zero or more, found `-3`",
        ),
        (
            &["--replications", "5", "--quantiles", "0,50"],
            2,
            "--quantiles: expected percentages above 0 and below 100",
        ),
        (&["--budget", "10"], 2, "--replications"),
        (&["--replications", "0"], 2, "--replications"),
        (
            &["--replications", "5", "--format", "line-items"],
            2,
            "a Monte Carlo has no single bill",
        ),
    ];
    for (args, code, message) in cases {
        let mut all = vec!["compare", "s.toml", "--no-report"];
        all.extend_from_slice(args);
        let output = space.run(&all);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    space.write(
        "bad.toml",
        &calibration("[uncertain]\ntraffic = { low = 2, high = 1 }\n"),
    );
    let output = space.run(&["compare", "bad.toml", "--replications", "5", "--no-report"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bad.toml")
            && stderr.contains("line 18: `uncertain.traffic`: `low` (2) must be below `high` (1)"),
        "{stderr}"
    );
}

#[test]
fn a_trace_with_nothing_uncertain_is_refused() {
    let space = Workspace::new();
    space.write_rows(
        "t.csv",
        "time,duration_ms",
        (0..10).map(|second| format!("{second},50")),
    );
    space.write(
        "s.toml",
        "name = \"t\"\n[workload]\ntrace = \"t.csv\"\n[[deployment]]\nname = \"L\"\nplatform = \"aws-lambda-2016\"\n",
    );
    let output = space.run(&["compare", "s.toml", "--replications", "5", "--no-report"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("declares nothing uncertain"), "{stderr}");
}

/// A 3-day trace whose days hold 1, 2 and 3 requests of 50 ms.
fn three_days(space: &Workspace) {
    let rows = [0, 86_400, 90_000, 172_800, 176_400, 180_000].map(|second| format!("{second},50"));
    space.write_rows("t.csv", "time,duration_ms", rows.into_iter());
}

const RESAMPLED: &str = "name = \"days\"\nseed = 4\n[workload]\ntrace = \"t.csv\"\n\
    start = \"2016-07-01T00:00:00Z\"\nhorizon = \"3d\"\n[[deployment]]\nname = \"Lambda 128\"\n\
    platform = \"aws-lambda-2016\"\nmemory_mb = 128\nfree_tier = false\n[uncertain]\nresample = \"days\"\n";

#[test]
fn resampled_days_bill_between_the_fewest_and_the_most_requests() {
    let space = Workspace::new();
    three_days(&space);
    space.write("s.toml", RESAMPLED);
    let json = run_json(&space, &["--replications", "400"]);
    let counts: Vec<f64> = json["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|run| number(&run["rows"][0], "requests"))
        .collect();
    // Three days drawn from {1, 2, 3}: from 3 to 9 requests, 6 on average
    // (3 × 2), with a variance of 3 × 2/3 = 2: the mean of 400 is within
    // 4 standard errors (4 × √2/√400 = 0.28) of 6.
    assert!(
        counts.iter().all(|count| (3.0..=9.0).contains(count)),
        "{counts:?}"
    );
    let mean = counts.iter().sum::<f64>() / counts.len() as f64;
    assert!((mean - 6.0).abs() < 0.29, "mean {mean}");
    assert!(counts.contains(&3.0) && counts.contains(&9.0));
    // Each request bills $0.000000408375 (see the top of the file).
    let p50 = total_quantile(&json, 50.0);
    assert!((p50 / PER_REQUEST - 6.0).abs() < 1.0 + 1e-9, "P50 {p50}");
}

#[test]
fn resampling_a_generator_is_refused_at_its_line() {
    let space = Workspace::new();
    space.write("s.toml", &calibration("[uncertain]\nresample = \"days\"\n"));
    let output = space.run(&["compare", "s.toml", "--replications", "5", "--no-report"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("line 18: `uncertain.resample`: resampling days needs a trace"),
        "{stderr}"
    );
}

#[test]
fn the_slo_is_met_as_often_as_the_runs_say() {
    let space = Workspace::new();
    space.write("s.toml", &calibration(""));
    // 50 ms requests against a p99 of 1 minute: every replication meets
    // it; against 1 ms, none can.
    for (slo, expected) in [("p99=1min", 1.0), ("p99=1ms", 0.0)] {
        let json = run_json(&space, &["--replications", "20", "--slo", slo]);
        let meets = &json["summary"]["deployments"][0]["meets_slo"];
        assert_eq!(number(meets, "value"), expected, "{slo}");
        assert_eq!(number(meets, "standard_error"), 0.0, "{slo}");
        let verdicts = json["runs"].as_array().expect("runs");
        assert!(
            verdicts
                .iter()
                .all(|run| run["rows"][0]["meets_slo"] == (expected == 1.0))
        );
    }
}

#[test]
fn slurm_array_variables_choose_the_shard() {
    let space = Workspace::new();
    space.write("s.toml", &calibration(""));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_costsim"))
        .current_dir(space.path("."))
        .env("SLURM_ARRAY_TASK_ID", "2")
        .env("SLURM_ARRAY_TASK_MIN", "1")
        .env("SLURM_ARRAY_TASK_COUNT", "3")
        .args([
            "compare",
            "s.toml",
            "--replications",
            "7",
            "--report",
            "shard-2.json",
        ])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let shard: Value =
        serde_json::from_slice(&std::fs::read(space.path("shard-2.json")).expect("written")).expect("JSON");
    assert_eq!(
        shard["manifest"]["shard"],
        serde_json::json!({ "index": 2, "count": 3 })
    );
    // Runs 0..7 round robin: shard 2 of 3 holds 1 and 4; no summary.
    let indices: Vec<f64> = shard["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|run| number(run, "index"))
        .collect();
    assert_eq!(indices, [1.0, 4.0]);
    assert!(shard.get("summary").is_none());
}
