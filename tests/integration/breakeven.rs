//! `costsim breakeven` against arithmetic done by hand: a constant-rate
//! trace of 100 ms requests (ten a second for an hour, so traffic ×f is
//! 10f requests a second) on Lambda 2016 at 512 MB without the free tier
//! against t2.small instances billed by the started hour ($0.026 each).
//!
//! Lambda per request: 0.20 / 1e6 + 0.5 GB × 0.1 s × 0.00001667 $/GB-s =
//! 0.0000002 + 0.0000008335 = $0.0000010335. k instances for the hour cost
//! k × $0.026, so the costs cross where 3600 × r × 0.0000010335 = 0.026 k,
//! r = 0.026 k / 0.0037206 = 6.98812… k requests a second: 6.988 for one
//! instance, 13.976 for two.

use serde_json::Value;

use crate::support::{Workspace, number};

const FIXED: &str = r#"name = "check"
seed = 1
[workload]
trace = "t.csv"
start = "2016-07-01T00:00:00Z"
horizon = "1h"
[[deployment]]
name = "Lambda 512"
platform = "aws-lambda-2016"
memory_mb = 512
free_tier = false
[[deployment]]
name = "EC2 t2.small"
platform = "ec2-2016"
instance_type = "t2.small"
instances = 1
load_balancer = false
"#;

/// One instance to start, a second (and third) launched by target
/// tracking as the traffic grows; booting takes no time.
const AUTOSCALED: &str =
    "instances = 1\nautoscale = \"utilization\"\nmin_instances = 1\nmax_instances = 6\nboot_s = 0\n";

/// Requests a second where k instances cost what Lambda does (see above).
fn crossing_rate(instances: u32) -> f64 {
    0.026 * f64::from(instances) / (3600.0 * 0.0000010335)
}

fn workspace(scenario: &str) -> Workspace {
    let space = Workspace::new();
    // Ten requests a second, evenly spaced, for an hour: 36,000 rows.
    space.write_rows(
        "t.csv",
        "time,duration_ms",
        (0..36_000).map(|tenth| format!("{}.{},100", tenth / 10, tenth % 10)),
    );
    space.write("s.toml", scenario);
    space
}

fn run_json(space: &Workspace, extra: &[&str]) -> Value {
    let mut args = vec![
        "breakeven",
        "s.toml",
        "--between",
        "lambda",
        "--and",
        "ec2",
        "--slo",
        "p99=2s",
        "--format",
        "json",
        "--no-report",
        "-q",
    ];
    args.extend_from_slice(extra);
    let output = space.run(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON")
}

fn relative(actual: f64, expected: f64) -> f64 {
    (actual / expected - 1.0).abs()
}

#[test]
fn one_instance_crosses_where_the_calculators_division_says() {
    let space = workspace(FIXED);
    let outcome = run_json(
        &space,
        &[
            "--range",
            "0.25..1",
            "--samples",
            "5",
            "--analytic",
            "--month",
            "calendar",
        ],
    );
    // July 2016: 31 days, 744 h; 744 × 0.026 = 19.344 a month, and
    // 19.344 / 0.0000010335 = 19344000000 / 1033.5 = 18,716,981.132… requests.
    assert_eq!(number(&outcome, "month_hours"), 744.0);
    let analytic = &outcome["analytic"]["crossings"];
    assert_eq!(analytic.as_array().map(Vec::len), Some(1));
    let requests = analytic[0]["requests_per_month"].to_string();
    assert!(requests.starts_with("18716981.1320754716981"), "{requests}");
    // 18,716,981.13 / (744 × 3600 s) = 6.98812 a second, ×0.698812 of 10.
    assert!(relative(number(&analytic[0], "requests_per_second"), crossing_rate(1)) < 1e-9);
    let crossings = outcome["crossings"].as_array().expect("crossings");
    assert_eq!(crossings.len(), 1);
    let crossing = &crossings[0];
    // Simulated: within the 1% tolerance (and the thinning's noise) of it,
    // one instance keeping up and meeting the SLO.
    assert!(relative(number(&crossing["at"], "requests_per_second"), crossing_rate(1)) < 0.01);
    assert!(relative(number(crossing, "requests_per_month"), 18_716_981.13) < 0.01);
    assert!(number(crossing, "high") / number(crossing, "low") <= 1.01);
    let ec2 = &crossing["at"]["sides"][1];
    assert_eq!(number(ec2, "peak_instances"), 1.0);
    assert_eq!(ec2["verdict"], "meets");
    assert_eq!(ec2["total"].to_string(), "0.026");
    assert_eq!(crossing["cheaper_below"], "Lambda 512");
    assert_eq!(crossing["cheaper_above"], "EC2 t2.small");
}

#[test]
fn every_instance_the_autoscaler_adds_brings_its_own_crossings() {
    let space = workspace(&FIXED.replace("instances = 1\n", AUTOSCALED));
    let outcome = run_json(&space, &["--range", "0.5..2", "--samples", "25"]);
    let crossings = outcome["crossings"].as_array().expect("crossings");
    assert_eq!(crossings.len(), 3, "{crossings:?}");
    // 1: Lambda passes one instance's $0.026 at 6.988 requests a second.
    assert!(
        relative(
            number(&crossings[0]["at"], "requests_per_second"),
            crossing_rate(1)
        ) < 0.01
    );
    assert_eq!(crossings[0]["cheaper_above"], "EC2 t2.small");
    // 2: the second instance starts (a step to $0.052) while Lambda costs
    // less than that: between the two other crossings, EC2 dearer above.
    let step = number(&crossings[1]["at"], "requests_per_second");
    assert!(step > crossing_rate(1) && step < crossing_rate(2), "{step}");
    assert_eq!(crossings[1]["cheaper_above"], "Lambda 512");
    assert_eq!(crossings[1]["at"]["sides"][1]["total"].to_string(), "0.052");
    assert_eq!(number(&crossings[1]["at"]["sides"][1], "peak_instances"), 2.0);
    // 3: Lambda passes two instances' $0.052 at 13.976 a second.
    assert!(
        relative(
            number(&crossings[2]["at"], "requests_per_second"),
            crossing_rate(2)
        ) < 0.01
    );
    assert_eq!(crossings[2]["cheaper_above"], "EC2 t2.small");
}

#[test]
fn the_same_search_writes_the_same_bytes() {
    let space = workspace(FIXED);
    let run = |folder: &str| {
        let output = space.run(&[
            "breakeven",
            "s.toml",
            "--between",
            "Lambda",
            "--and",
            "EC2",
            "--range",
            "0.25..1",
            "--samples",
            "5",
            "--analytic",
            "--format",
            "json",
            "--out",
            folder,
            "-q",
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    };
    assert_eq!(run("one"), run("two"));
    for file in [
        "breakeven.json",
        "breakeven.csv",
        "breakeven.svg",
        "breakeven.png",
        "report.html",
    ] {
        let one = std::fs::read(space.path("one").join(file)).expect("written");
        let two = std::fs::read(space.path("two").join(file)).expect("written");
        assert_eq!(one, two, "{file}");
    }
    let csv = std::fs::read_to_string(space.path("one").join("breakeven.csv")).expect("written");
    assert!(
        csv.starts_with("factor,requests_per_second,deployment,total,meets_slo\n0.25,"),
        "{csv}"
    );
}

#[test]
fn a_range_without_a_crossing_says_which_is_cheaper() {
    let space = workspace(FIXED);
    // ×0.1..×0.5: at most 5 requests a second, below 6.988: Lambda throughout.
    let output = space.run(&[
        "breakeven",
        "s.toml",
        "--between",
        "lambda",
        "--and",
        "ec2",
        "--range",
        "0.1..0.5",
        "--samples",
        "3",
        "--no-report",
        "-q",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("No crossing in the comparison: Lambda 512 is cheaper over the whole range."),
        "{text}"
    );
}

#[test]
fn bad_usage_is_refused_with_exit_code_two() {
    let space = workspace(FIXED);
    let refused = |args: &[&str], message: &str| {
        let mut all = vec!["breakeven", "s.toml", "--no-report", "-q"];
        all.extend_from_slice(args);
        let output = space.run(&all);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    };
    refused(
        &["--between", "gcf", "--and", "ec2"],
        "`Lambda 512`, `EC2 t2.small`",
    );
    refused(
        &["--between", "ec2", "--and", "EC2 t2.small"],
        "give two different deployments",
    );
    refused(
        &["--between", "lambda", "--and", "ec2", "--samples", "1"],
        "--samples: expected at least 3, found 1",
    );
    refused(
        &["--between", "lambda", "--and", "ec2", "--range", "0..5"],
        "traffic factors must be above 0",
    );
    refused(
        &["--between", "lambda", "--and", "ec2", "--range", "5..1"],
        "LOW below HIGH",
    );
}

#[test]
fn the_comparison_ends_where_a_deployment_stops_meeting_the_slo() {
    let space = workspace(&FIXED.replace("instances = 1\n", AUTOSCALED));
    // 25 samples over ×0.5..×4: ×0.5 × 8^(i/24), so i = 16 is ×2 (20
    // requests a second). Up to six instances keep every request within
    // 2 s there; from the next sample (×2.18) on, EC2's p99 is above 2 s.
    let outcome = run_json(&space, &["--range", "0.5..4", "--samples", "25"]);
    let end = &outcome["end"];
    assert_eq!(number(end, "factor"), 2.0);
    assert_eq!(end["deployment"], "EC2 t2.small");
    assert_eq!(end["verdict"], "misses");
    let samples = outcome["samples"].as_array().expect("samples");
    assert_eq!(samples[16]["value"], "2");
    assert_eq!(samples[16]["sides"][1]["verdict"], "meets");
    assert!(
        samples[17..]
            .iter()
            .all(|sample| sample["sides"][1]["verdict"] == "misses")
    );
    let output = space.run(&[
        "breakeven",
        "s.toml",
        "--between",
        "lambda",
        "--and",
        "ec2",
        "--slo",
        "p99=2s",
        "--range",
        "0.5..4",
        "--no-report",
        "-q",
    ]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("The comparison ends at traffic ×2: EC2 t2.small misses the SLO beyond."),
        "{text}"
    );
}
