//! `costsim compare`: scenarios with hand-checked totals, the report files,
//! determinism whatever the thread count and bad scenarios (the HTML report
//! in a real browser is checked in `report_browser.rs`).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{Workspace, assert_close, cents, line_item, number};

/// Two requests a day apart (10 ms each, 3 KB out) and three deployments
/// whose bills are computed by hand below. The SLO keeps Lambda's two cold
/// starts (60 ms against 10 ms of work) from counting as degraded.
const SCENARIO: &str = r#"name = "hand checked"
[workload]
trace = "two.csv"
horizon = "1d"

[[deployment]]
name = "Lambda + API Gateway"
platform = "aws-lambda-2016"
memory_mb = 128
cold_start_ms = "50ms"
free_tier = false
services = ["aws-api-gateway-2016"]

[[deployment]]
name = "Heroku"
platform = "heroku-2016"
dynos = 2

[[deployment]]
name = "EC2"
platform = "ec2-2016"
instance_type = "t2.small"
instances = 1
load_balancer = false

[slo]
p99_ms = 1000
"#;

fn write_scenario(workspace: &Workspace) {
    workspace.write("two.csv", "time,duration_ms,bytes_out\n0,10,3072\n3600,10,3072\n");
    workspace.write("scenario.toml", SCENARIO);
}

fn compare_json(workspace: &Workspace, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["compare", "scenario.toml", "--format", "json", "--report", "out"];
    args.extend_from_slice(extra);
    let output = workspace.run(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: Value = serde_json::from_slice(&output.stdout).expect("a JSON document");
    document["results"]
        .as_array()
        .expect("an array of results")
        .clone()
}

#[test]
fn totals_match_hand_computed_bills() {
    let workspace = Workspace::new();
    write_scenario(&workspace);
    let results = compare_json(&workspace, &[]);
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["name"], "Lambda + API Gateway");
    // Lambda 2016, no free tier: 2 requests × $0.0000002 = $0.0000004;
    // 2 × 100 ms × 0.125 GB = 0.025 GB-s × $0.00001667 = $0.00000041675.
    // API Gateway: 2 × $0.0000035 = $0.000007, and the client-facing data
    // out 6,144 B = 3/2^19 GB × $0.09 = $0.000000514984130859375; Lambda's
    // own traffic to API Gateway is not billed. Exact decimals throughout.
    let lambda = &results[0];
    assert_eq!(
        line_item(lambda, "API Gateway requests")["amount"].to_string(),
        "0.000007"
    );
    assert_eq!(
        line_item(lambda, "API Gateway data transfer out, tier 1")["amount"].to_string(),
        "0.000000514984130859375"
    );
    assert!(
        !lambda["bill"]["line_items"]
            .to_string()
            .contains("\"Data transfer out"),
        "{}",
        lambda["bill"]
    );
    // 0.0000004 + 0.00000041675 + 0.000007 + 0.000000514984130859375.
    assert_eq!(lambda["bill"]["total"].to_string(), "0.000008331734130859375");
    // Heroku: 2 standard-1x dynos for the 1-day horizon: 2 × 86,400 s ×
    // $25 / 2,592,000 s = $1.666…
    assert_close(
        number(&results[1], "bill.total"),
        2.0 * 86_400.0 * 25.0 / 2_592_000.0,
        1e-9,
    );
    // EC2 2016: one t2.small, 24 started hours × $0.026 = $0.624; the
    // 6,144 B of data out fall inside the free first GB of the month.
    assert_eq!(results[2]["bill"]["total"].to_string(), "0.624");
    assert_eq!(cents(number(&results[2], "bill.total")), 0.62);
}

#[test]
fn the_table_marks_the_cheapest_and_the_rest_as_ratios() {
    let workspace = Workspace::new();
    write_scenario(&workspace);
    let output = workspace.run(&["compare", "scenario.toml", "--no-report"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let row = |name: &str| {
        text.lines()
            .find(|line| line.starts_with(name))
            .map(|line| line.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    // Columns: name (several words), then Total, vs cheapest, $/M, …; the
    // name is the first 1 to 4 words, so read the cells from the right.
    let totals: Vec<f64> = compare_json(&Workspace::clone_of(&workspace), &[])
        .iter()
        .map(|result| number(result, "bill.total"))
        .collect();
    let heroku = row("Heroku");
    let ec2 = row("EC2");
    let lambda = row("Lambda");
    // Right to left: p99, p95, p50, Failed, Cold, Idle $, Idle s, $/M, the
    // verdict (`meets SLO`, two words), ratio, Total.
    let cell = |cells: &[String], from_right: usize| cells[cells.len() - from_right].clone();
    assert_eq!(cell(&lambda, 11), "cheapest", "{text}");
    assert_eq!(cell(&lambda, 10), "meets", "{text}");
    assert_eq!(cell(&heroku, 12), "$1.67", "{text}");
    assert_eq!(
        cell(&heroku, 11),
        format!("{:.2}x", totals[1] / totals[0]),
        "{text}"
    );
    assert_eq!(cell(&ec2, 12), "$0.62", "{text}");
    assert_eq!(cell(&ec2, 11), format!("{:.2}x", totals[2] / totals[0]), "{text}");
    assert!(
        !Path::new(&workspace.path("out")).exists(),
        "--no-report writes nothing"
    );
}

#[test]
fn every_report_file_is_written_and_runs_are_deterministic() {
    let workspace = Workspace::new();
    write_scenario(&workspace);
    compare_json(&workspace, &[]);
    let folder = workspace.path("out");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("report folder")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let charts = [
        "cost-by-line-item",
        "cost-over-time",
        "instances-over-time",
        "latency-cdf",
        "requests-per-minute",
    ];
    let mut expected: Vec<String> = charts
        .iter()
        .flat_map(|chart| [format!("{chart}.png"), format!("{chart}.svg")])
        .chain(
            [
                "line_items.csv",
                "report.html",
                "summary.csv",
                "summary.json",
                "summary.md",
            ]
            .map(String::from),
        )
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    for chart in charts {
        let png = std::fs::read(folder.join(format!("{chart}.png"))).expect("png");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{chart}.png is a PNG");
        let svg = std::fs::read_to_string(folder.join(format!("{chart}.svg"))).expect("svg");
        assert!(svg.trim_start().starts_with("<svg"), "{chart}.svg is an SVG");
    }
    let csv = std::fs::read_to_string(folder.join("summary.csv")).expect("csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().expect("header").clone();
    assert_eq!(&headers[0], "name");
    // No column is named after a line item (`cost_api_gateway_requests`).
    assert!(
        headers
            .iter()
            .all(|header| header == "cost_per_million_requests" || !header.starts_with("cost_"))
    );
    assert_eq!(reader.records().count(), 3);
    let items = std::fs::read_to_string(folder.join("line_items.csv")).expect("csv");
    assert!(
        items.contains("\nLambda + API Gateway,API Gateway requests,"),
        "{items}"
    );
    // The same inputs give byte-identical reports, with one thread or many.
    let first_json = std::fs::read(folder.join("summary.json")).expect("json");
    let first_html = std::fs::read(folder.join("report.html")).expect("html");
    let output = Command::new(env!("CARGO_BIN_EXE_costsim"))
        .args(["compare", "scenario.toml", "--out", "again", "--format", "json"])
        .current_dir(workspace.path(""))
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .expect("runs");
    assert!(output.status.success());
    assert_eq!(
        std::fs::read(workspace.path("again/summary.json")).ok(),
        Some(first_json)
    );
    assert_eq!(
        std::fs::read(workspace.path("again/report.html")).ok(),
        Some(first_html)
    );
}

#[test]
fn a_failed_run_leaves_the_earlier_report_intact() {
    let workspace = Workspace::new();
    write_scenario(&workspace);
    compare_json(&workspace, &[]);
    let before = std::fs::read(workspace.path("out/report.html")).expect("report");
    let output = workspace.run(&[
        "compare",
        "scenario.toml",
        "--out",
        "out",
        "--trace",
        "missing.csv",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing.csv"));
    assert_eq!(
        std::fs::read(workspace.path("out/report.html")).ok(),
        Some(before)
    );
}

#[test]
fn bad_scenarios_report_every_problem_with_its_line() {
    let workspace = Workspace::new();
    workspace.write(
        "bad.toml",
        &SCENARIO
            .replace("memory_mb = 128", "memory_mb = 100")
            .replace("dynos = 2", "dynos = 0")
            .replace("instance_type = \"t2.small\"", "instance_type = \"t9.huge\""),
    );
    let output = workspace.run(&["compare", "bad.toml"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.toml: line 9: deployment `Lambda + API Gateway`: setting `memory_mb`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bad.toml: line 17: deployment `Heroku`: setting `dynos`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bad.toml: line 22: deployment `EC2`: setting `instance_type`"),
        "{stderr}"
    );
}

#[test]
fn the_bundled_scenario_runs_without_arguments() {
    let workspace = Workspace::new();
    let output = workspace.run(&["compare", "--no-report", "--format", "csv"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let names: Vec<String> = reader
        .records()
        .map(|row| row.expect("row")[0].to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "Lambda 512 MB + API Gateway",
            "Heroku 2 x Standard-1X",
            "EC2 2 x t2.small + ELB"
        ]
    );
}

#[test]
fn the_markdown_summary_is_exactly_as_computed_by_hand() {
    // Heroku: 7,200 s × $25 / 2,592,000 s = $0.069444 → $0.07, $34,722.22 per
    // million of the 2 requests; EC2 2016: 2 started hours × $0.013 = $0.026
    // → $0.03, $13,000.00 per million; 0.069444 / 0.026 = 2.67x. Both idle
    // 7,200 − 0.15 s (0.3 s of work over 2 workers, or over capacity 2) of
    // 7,200 paid seconds (dyno-seconds; two started instance-hours).
    // Both verdicts ok (no failures; p99 200 ms is the work's own), and
    // both books priced before their effective dates, said once each.
    let workspace = Workspace::new();
    workspace.write("t.csv", "time,duration_ms\n0,100\n60,200\n");
    workspace.write(
        "s.toml",
        "name = \"literal\"\n[workload]\ntrace = \"t.csv\"\nhorizon = \"2h\"\n\n[[deployment]]\nname = \"Heroku\"\nplatform = \"heroku-2016\"\ndynos = 1\n\n[[deployment]]\nname = \"EC2\"\nplatform = \"ec2-2016\"\ninstance_type = \"t2.micro\"\ninstances = 1\nload_balancer = false\n",
    );
    let output = workspace.run(&["compare", "s.toml", "--no-report", "--format", "markdown"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "# literal

2 requests from 2016-01-01T00:00:00Z over 0.08 days.

## Summary

| Deployment | Total | vs cheapest | Verdict | $/M requests | Idle s (paid, unused) | Idle $ | Cold starts | Failed | p50 ms | p95 ms | p99 ms |
| :--------- | ----: | ----------: | :------ | -----------: | --------------------: | -----: | ----------: | -----: | -----: | -----: | -----: |
| Heroku     | $0.07 |       2.67x | ok      |   $34,722.22 |                 7,200 |  $0.07 |           0 |      0 |  100.0 |  200.0 |  200.0 |
| EC2        | $0.03 |    cheapest | ok      |   $13,000.00 |                 7,200 |  $0.03 |           0 |      0 |  100.0 |  200.0 |  200.0 |

## Line items

| Deployment | Line item                       | Quantity | Unit           |      Unit price | Amount |
| :--------- | :------------------------------ | -------: | :------------- | --------------: | -----: |
| Heroku     | Dynos (standard-1x)             |    7,200 | dyno-s         | $0.000009645062 |  $0.07 |
| EC2        | Instances (t2.micro, on-demand) |        2 | instance-hours |          $0.013 |  $0.03 |

## Warnings

- Heroku: heroku-2016 (effective 2016-06-01) prices 2016-01-01 to 2016-01-01T02:00:00Z, before its effective date: its rates may not be the ones billed then
- EC2: ec2-2016 (effective 2016-01-13) prices 2016-01-01 to 2016-01-01T02:00:00Z, before its effective date: its rates may not be the ones billed then
"
    );
}

#[test]
fn api_gateway_worked_example_16() {
    // FACTS.md §11 #16: 5M API calls a month of 3 KB responses on the 2016
    // REST price: 5M × $3.50/M = $17.50; 5M × 3,072 B = 14.305 GB × $0.09 =
    // $1.287 → $1.29; $18.79 in all.
    let workspace = Workspace::new();
    let rows = (0..5_000_000u64).map(|index| format!("{:.6},1,3072", index as f64 * 0.5));
    workspace.write_rows("calls.csv", "time,duration_ms,bytes_out", rows);
    workspace.write(
        "gateway.toml",
        "name = \"gateway\"\n[workload]\ntrace = \"calls.csv\"\n\n[[deployment]]\nname = \"Lambda\"\nplatform = \"aws-lambda-2016\"\nservices = [\"aws-api-gateway-2016\"]\n",
    );
    let output = workspace.run(&["compare", "gateway.toml", "--no-report", "--format", "json"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let results = document["results"].as_array().expect("results");
    let requests = number(line_item(&results[0], "API Gateway requests"), "amount");
    let data = number(
        line_item(&results[0], "API Gateway data transfer out, tier 1"),
        "amount",
    );
    assert_eq!(cents(requests), 17.50);
    assert_eq!(cents(data), 1.29);
    assert_eq!(cents(requests + data), 18.79);
}
