//! Service-level objectives and verdicts: "cheapest" is the cheapest
//! deployment that meets the SLO (or, without one, is not degraded), on a
//! bursty on/off workload where an autoscaled group is cheaper but queues
//! for seconds, and where a throttled Azure Functions deployment is cheaper
//! because it drops requests.

use serde_json::Value;

use crate::support::{Workspace, assert_close, number};

/// 40 requests a second, every 25 ms, for the first 15 minutes of each of
/// 6 hours (36,000 a burst, 216,000 in all), 200 ms each: 40 × 0.2 = 8
/// requests in flight during a burst, none for the 45 minutes after.
fn write_bursty(workspace: &Workspace) {
    let rows = (0..6u64).flat_map(|hour| {
        (0..36_000u64).map(move |index| format!("{}.{:03},200", hour * 3_600 + index / 40, (index % 40) * 25))
    });
    workspace.write_rows("bursty.csv", "time,duration_ms", rows);
}

/// Three EC2 groups of t3.small (2 vCPUs, 4 requests at once each) from
/// 2025-01-01, in the era of ec2-2025 (effective 2017-10-02).
const EC2_GROUPS: &str = r#"name = "bursty"
[workload]
trace = "bursty.csv"
start = "2025-01-01T00:00:00Z"
horizon = "6h"

[slo]
p99_ms = 1000

[[deployment]]
name = "EC2 autoscaled t3.small"
platform = "ec2-2025"
instance_type = "t3.small"
instances = 1
autoscale = "utilization"
min_instances = 1
max_instances = 6
load_balancer = false

[[deployment]]
name = "EC2 3 x t3.small"
platform = "ec2-2025"
instance_type = "t3.small"
instances = 3
load_balancer = false

[[deployment]]
name = "EC2 6 x t3.small"
platform = "ec2-2025"
instance_type = "t3.small"
instances = 6
load_balancer = false
"#;

fn compare(workspace: &Workspace, args: &[&str]) -> std::process::Output {
    let mut all = vec!["compare", "scenario.toml", "--no-report"];
    all.extend_from_slice(args);
    workspace.run(&all)
}

fn compare_json(workspace: &Workspace, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let output = compare(workspace, &all);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: Value = serde_json::from_slice(&output.stdout).expect("a JSON document");
    document["results"].as_array().expect("its results").clone()
}

fn bursty_workspace(scenario: &str) -> Workspace {
    let workspace = Workspace::new();
    write_bursty(&workspace);
    workspace.write("scenario.toml", scenario);
    workspace
}

/// The summary row of deployment `name` in a terminal table.
fn row<'a>(text: &'a str, name: &str) -> &'a str {
    text.lines()
        .find(|line| line.starts_with(name))
        .unwrap_or_else(|| panic!("no row `{name}` in\n{text}"))
}

#[test]
fn an_autoscaled_group_that_queues_is_not_cheapest_under_a_p99_slo() {
    let workspace = bursty_workspace(EC2_GROUPS);
    let results = compare_json(&workspace, &[]);
    let (autoscaled, three, six) = (&results[0], &results[1], &results[2]);
    // Fixed groups: 8 requests in flight never fill 3 × 4 slots, so every
    // request takes its own 200 ms and p99 is 200 ms (within the
    // histogram's 0.1%). Per-second billing of 6 h: 3 × 6 × $0.0208 =
    // $0.3744; 6 × 6 × $0.0208 = $0.7488.
    assert_eq!(three["bill"]["total"].to_string(), "0.3744");
    assert_eq!(six["bill"]["total"].to_string(), "0.7488");
    assert_close(number(three, "latency_ms.p99"), 200.0, 0.2);
    assert_eq!(three["verdict"]["status"], "meets");
    assert_eq!(six["verdict"]["status"], "meets");
    // The autoscaled group starts each burst on one instance (4 slots for
    // 8 requests in flight), so requests queue until new instances boot
    // (90 s): cheaper than three all day, and p99 far over 1 s.
    assert!(
        number(autoscaled, "bill.total") < 0.3744,
        "autoscaled {}",
        autoscaled["bill"]["total"]
    );
    assert!(
        number(autoscaled, "latency_ms.p99") > 1_000.0,
        "{}",
        autoscaled["latency_ms"]
    );
    assert_eq!(
        autoscaled["verdict"]["status"], "misses",
        "{}",
        autoscaled["verdict"]
    );
    // Clients give up at the load balancer's 60 s idle timeout: requests
    // that waited that long fail there, the client-observed maximum is
    // exactly 60 s, and every request is served or timed out.
    assert!(
        number(autoscaled, "requests.timed_out") > 0.0,
        "{}",
        autoscaled["requests"]
    );
    assert_close(number(autoscaled, "latency_ms.max"), 60_000.0, 60.0);
    assert_eq!(
        number(autoscaled, "requests.served") + number(autoscaled, "requests.timed_out"),
        number(autoscaled, "requests.total")
    );
    let check = &autoscaled["verdict"]["checks"][0];
    assert_eq!(check["objective"], "p99_ms");
    assert_close(
        number(check, "over_by"),
        number(autoscaled, "latency_ms.p99") - 1_000.0,
        1e-9,
    );
    // The table crowns the cheapest that meets the SLO: 3 × t3.small.
    let output = compare(&workspace, &[]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(row(&text, "EC2 3 x t3.small").contains("cheapest"), "{text}");
    assert!(row(&text, "EC2 3 x t3.small").contains("meets SLO"), "{text}");
    assert!(row(&text, "EC2 6 x t3.small").contains("2.00x"), "{text}");
    let autoscaled_row = row(&text, "EC2 autoscaled t3.small");
    assert!(!autoscaled_row.contains("cheapest"), "{text}");
    assert!(autoscaled_row.contains("misses p99 +"), "{text}");
    // CSV: ratios to the crowned $0.3744, and the verdicts.
    let output = compare(&workspace, &["--format", "csv"]);
    let mut reader = csv::Reader::from_reader(&output.stdout[..]);
    let header = reader.headers().expect("header").clone();
    let column = |name: &str| header.iter().position(|cell| cell == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|row| row.expect("row")).collect();
    assert_eq!(&rows[1][column("ratio_to_cheapest")], "1");
    assert_eq!(&rows[2][column("ratio_to_cheapest")], "2");
    assert_eq!(&rows[0][column("verdict")], "misses");
}

#[test]
fn the_slo_flag_replaces_the_scenarios_and_none_may_meet_it() {
    let workspace = bursty_workspace(EC2_GROUPS);
    // p99 ≤ 100 ms: every request takes 200 ms, so no group meets it.
    let output = compare(&workspace, &["--slo", "p99=100ms"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    for name in ["EC2 autoscaled", "EC2 3 x", "EC2 6 x"] {
        assert!(
            !row(&text, name).contains("cheapest"),
            "nothing is crowned:\n{text}"
        );
    }
    assert!(text.contains("no deployment meets the SLO"), "{text}");
    // 200 ms (within 0.1%) − 100 ms ≈ 100 ms over.
    assert!(
        row(&text, "EC2 3 x t3.small").contains("misses p99 +100"),
        "{text}"
    );
    let output = compare(&workspace, &["--slo", "p99=100ms", "--format", "markdown"]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("no deployment meets the SLO"));
    // The HTML report says so too, and highlights no row.
    let output = workspace.run(&[
        "compare",
        "scenario.toml",
        "--slo",
        "p99=100ms",
        "--out",
        "report",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let html = std::fs::read_to_string(workspace.path("report/report.html")).expect("a report");
    assert!(
        html.contains("<p class=\"no-best\">no deployment meets the SLO"),
        "{html}"
    );
    assert!(!html.contains("<tr class=\"cheapest\">"), "{html}");
}

#[test]
fn a_throttled_azure_deployment_is_not_crowned_over_one_without_failures() {
    // From 2016-09-01, in the era of both books. Azure limited to 2
    // instances serves 2 / 0.2 s = 10 of the 40 requests a second and
    // throttles the rest; Lambda (limit 100) serves all.
    let scenario = r#"name = "throttled"
[workload]
trace = "bursty.csv"
start = "2016-09-01T00:00:00Z"
horizon = "6h"

[[deployment]]
name = "Azure Functions, 2 instances"
platform = "azure-functions-2016"
concurrency_limit = 2
free_tier = false

[[deployment]]
name = "Lambda 128 MB"
platform = "aws-lambda-2016"
memory_mb = 128
free_tier = false
"#;
    let workspace = bursty_workspace(scenario);
    let results = compare_json(&workspace, &[]);
    let (azure, lambda) = (&results[0], &results[1]);
    // Lambda 2016 without its free tier: 216,000 × $0.0000002 = $0.0432;
    // 216,000 × 0.2 s × 0.125 GB = 5,400 GB-s × $0.00001667 = $0.090018.
    assert_eq!(lambda["bill"]["total"].to_string(), "0.133218");
    assert_eq!(number(lambda, "requests.served"), 216_000.0);
    let failed = number(azure, "requests.total") - number(azure, "requests.served");
    assert!(failed > 0.001 * 216_000.0, "Azure failed {failed}");
    assert!(
        number(azure, "bill.total") < 0.133218,
        "{}",
        azure["bill"]["total"]
    );
    // No SLO given: Azure's failures (over 0.1%) make it degraded; Lambda
    // is ok (its few cold starts stay below the 1% tail).
    assert_eq!(azure["verdict"]["status"], "degraded", "{}", azure["verdict"]);
    assert!(
        azure["verdict"]["summary"]
            .as_str()
            .is_some_and(|summary| summary.contains("of requests failed (over 0.1%)")),
        "{}",
        azure["verdict"]
    );
    assert_eq!(lambda["verdict"]["status"], "ok", "{}", lambda["verdict"]);
    let output = compare(&workspace, &[]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(row(&text, "Lambda 128 MB").contains("cheapest"), "{text}");
    assert!(row(&text, "Azure Functions").contains("degraded:"), "{text}");
    // With an SLO on failures Azure misses it instead.
    let results = compare_json(&workspace, &["--slo", "failed=0.1%"]);
    assert_eq!(results[0]["verdict"]["status"], "misses");
    assert_eq!(results[1]["verdict"]["status"], "meets");
}

#[test]
fn simulate_judges_by_the_slo_flag() {
    let workspace = Workspace::new();
    workspace.write("t.csv", "time,duration_ms\n0,100\n1,300\n");
    // Heroku from its effective date: both requests run alone, 100 and 300 ms.
    let args = [
        "--trace",
        "t.csv",
        "--platform",
        "heroku-2016",
        "--start",
        "2016-06-01T00:00:00Z",
    ];
    let judged = |slo: &str| {
        let mut all = args.to_vec();
        all.extend(["--slo", slo]);
        workspace.simulate_json(&all)["verdict"].clone()
    };
    assert_eq!(judged("p99=1s")["status"], "meets");
    let verdict = judged("max=250ms,failed=0%");
    assert_eq!(verdict["status"], "misses");
    // max 300 ms − 250 ms = 50 ms over (300 ms is exact in the histogram).
    assert_eq!(
        verdict["summary"],
        "misses the SLO: max 300 ms is over 250 ms by 50 ms"
    );
    let text = workspace.run(&[&["simulate"][..], &args[..], &["--slo", "p99=1s"]].concat());
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("Verdict: meets the SLO (p99 ≤ 1 s)."),
        "{}",
        String::from_utf8_lossy(&text.stdout)
    );
}

#[test]
fn bad_objectives_are_usage_errors_naming_the_field() {
    let workspace = bursty_workspace(EC2_GROUPS);
    for (slo, expected) in [
        (
            "p99=1",
            "--slo: `p99`: expected a duration with its unit, such as 1s or 250ms, found `1`",
        ),
        (
            "failed=0.1",
            "--slo: `failed`: expected a percentage from 0% to 100%",
        ),
        (
            "p98=1s",
            "--slo: unknown objective `p98`: expected p50, p95, p99, max or failed",
        ),
    ] {
        for command in [
            &["compare", "scenario.toml", "--no-report"][..],
            &["simulate"][..],
        ] {
            let output = workspace.run(&[command, &["--slo", slo]].concat());
            assert_eq!(output.status.code(), Some(2), "{command:?} --slo {slo}");
            let message = String::from_utf8_lossy(&output.stderr);
            assert!(message.contains(expected), "{command:?} --slo {slo}: {message}");
        }
    }
    // In a scenario, the line is named.
    let bad = EC2_GROUPS.replace("p99_ms = 1000", "p99_ms = -5\nmax_failed_fraction = 2");
    workspace.write("bad.toml", &bad);
    let output = workspace.run(&["compare", "bad.toml", "--no-report"]);
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("bad.toml: line 8: `slo.p99_ms`: expected milliseconds"),
        "{message}"
    );
    assert!(
        message.contains("bad.toml: line 9: `slo.max_failed_fraction`: expected a fraction from 0 to 1"),
        "{message}"
    );
    workspace.write("bad.toml", &EC2_GROUPS.replace("p99_ms = 1000", "p99 = 1000"));
    let output = workspace.run(&["compare", "bad.toml", "--no-report"]);
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("unknown field `p99`"), "{message}");
}

#[test]
fn best_takes_the_first_of_equals_and_none_when_nothing_qualifies() {
    use costsim::slo::Slo;
    use costsim::verdict::{apply, best};
    use costsim::workload::{FunctionId, Request};
    // Two requests of 100 ms an hour apart on two identical Heroku pools:
    // the same bill, both ok (p99 100 ms = the work's own), so the first.
    let requests: Vec<Request> = [0u64, 3_600_000_000]
        .into_iter()
        .map(|arrival| Request {
            arrival,
            duration: 100_000,
            function: FunctionId(0),
            memory_mb: None,
            bytes_out: 0,
        })
        .collect();
    let pool = crate::support::deployment("heroku-2016", &["dynos=1"]);
    let mut results = vec![
        crate::support::replay(&pool, &requests, 1),
        crate::support::replay(&pool, &requests, 2),
    ];
    assert_eq!(results[0].bill.total, results[1].bill.total);
    assert_eq!(best(&results), Some(0));
    // p99 ≤ 50 ms: neither meets it, so none is cheapest.
    let slo = Slo::parse_flag("p99=50ms").expect("valid");
    for result in &mut results {
        apply(result, Some(&slo));
    }
    assert_eq!(best(&results), None);
}
