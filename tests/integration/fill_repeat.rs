//! `--fill repeat`: a one-day trace repeated over 30 days bills exactly as
//! the 30-day trace made by writing the day out 30 times, and says so;
//! without fill, a horizon past the trace's last day warns.
//!
//! Streaming: the repetition re-opens the trace for every copy and holds one
//! reader at a time (the unit tests of `workload::fill` count the sources
//! alive and the requests read ahead); here a decade's fill of a day (3,650
//! copies) runs as any other run does.

use serde_json::Value;

use crate::support::{Workspace, number};

/// Four requests in a day (seconds after the start, milliseconds).
const DAY_ROWS: [(f64, u32); 4] = [(0.5, 150), (3_600.0, 300), (43_200.25, 1_000), (86_399.0, 50)];

fn write_traces(workspace: &Workspace) {
    let row = |offset: f64, (time, duration): (f64, u32)| format!("{:.2},{duration}", offset + time);
    workspace.write_rows(
        "day.csv",
        "time,duration_ms",
        DAY_ROWS.iter().map(|&entry| row(0.0, entry)),
    );
    let month = (0..30u32).flat_map(|day| {
        DAY_ROWS
            .iter()
            .map(move |&entry| row(f64::from(day) * 86_400.0, entry))
    });
    workspace.write_rows("month.csv", "time,duration_ms", month);
}

fn simulate(workspace: &Workspace, trace: &str, platform: &[&str], fill: bool) -> Value {
    let mut args = vec![
        "--trace",
        trace,
        "--horizon",
        "30d",
        "--start",
        "2016-07-01T00:00:00Z",
    ];
    args.extend_from_slice(platform);
    if fill {
        args.extend(["--fill", "repeat"]);
    }
    workspace.simulate_json(&args)
}

#[test]
fn a_day_repeated_over_30_days_bills_as_the_30_days_written_out() {
    let workspace = Workspace::new();
    write_traces(&workspace);
    for platform in [
        &["--platform", "aws-lambda-2016", "--set", "free_tier=false"][..],
        &["--platform", "heroku-2016", "--set", "dynos=1"][..],
        &[
            "--platform",
            "ec2-2016",
            "--set",
            "instance_type=t2.micro",
            "--set",
            "instances=1",
        ][..],
    ] {
        let filled = simulate(&workspace, "day.csv", platform, true);
        let written = simulate(&workspace, "month.csv", platform, false);
        for key in [
            "bill",
            "requests",
            "latency_ms",
            "instances",
            "horizon_s",
            "verdict",
        ] {
            assert_eq!(filled[key], written[key], "{platform:?}: `{key}` differs");
        }
        assert_eq!(number(&filled, "requests.total"), 120.0);
        assert_eq!(
            filled["warnings"][0],
            "the trace was repeated 30 times to fill the 30-day horizon (copies of a 1-day period, the trace's span rounded up), keeping the time of day (not the day of the week: the trace spans less than a week)"
        );
        assert!(written.get("warnings").is_none(), "{}", written["warnings"]);
    }
    // Lambda 2016 without its free tier, 128 MB: each day's durations
    // rounded up to 100 ms are 200 + 300 + 1,000 + 100 = 1,600 ms, so 30
    // days are 48 s × 0.125 GB = 6 GB-s × $0.00001667 = $0.00010002, plus
    // 120 requests × $0.0000002 = $0.000024: $0.00012402.
    let lambda = simulate(
        &workspace,
        "day.csv",
        &["--platform", "aws-lambda-2016", "--set", "free_tier=false"],
        true,
    );
    assert_eq!(lambda["bill"]["total"].to_string(), "0.00012402");
}

#[test]
fn without_fill_a_horizon_past_the_trace_warns_on_stderr_and_in_the_result() {
    let workspace = Workspace::new();
    write_traces(&workspace);
    let args = [
        "simulate",
        "--trace",
        "day.csv",
        "--horizon",
        "30d",
        "--platform",
        "heroku-2016",
    ];
    let output = workspace.run(
        &[
            &args[..],
            &["--start", "2016-07-01T00:00:00Z", "--format", "json"],
        ]
        .concat(),
    );
    assert!(output.status.success());
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    // The last request at 86,399 s: 30 d − 86,399 s = 2,505,601 s = 29.00 days.
    let expected =
        "the 30-day horizon runs 29.00 days past the trace's last request (1.00 days after the start)";
    assert!(
        result["warnings"][0]
            .as_str()
            .is_some_and(|text| text.starts_with(expected)),
        "{}",
        result["warnings"]
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("costsim: warning: {expected}")),
        "{stderr}"
    );
    // The 30-day trace fills its horizon: no warning.
    let output = workspace.run(&[
        "simulate",
        "--trace",
        "month.csv",
        "--horizon",
        "30d",
        "--platform",
        "heroku-2016",
        "--start",
        "2016-07-01T00:00:00Z",
    ]);
    assert!(
        String::from_utf8_lossy(&output.stderr).is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_week_is_tiled_by_weeks_in_a_scenario() {
    // Requests on the first and the seventh day (Friday 2016-07-01 and
    // Thursday 07-07): the span rounds up to one week, so the copies keep
    // the day of the week; 28 days hold 4 copies of the 2 requests.
    let workspace = Workspace::new();
    workspace.write("week.csv", "time,duration_ms\n10,100\n561600,100\n");
    workspace.write(
        "s.toml",
        "name = \"week\"\n[workload]\ntrace = \"week.csv\"\nstart = \"2016-07-01T00:00:00Z\"\nhorizon = \"28d\"\nfill = \"repeat\"\n\n[[deployment]]\nname = \"Heroku\"\nplatform = \"heroku-2016\"\n",
    );
    let output = workspace.run(&["compare", "s.toml", "--no-report", "--format", "json"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let results = document["results"].as_array().expect("results").clone();
    assert_eq!(number(&results[0], "requests.total"), 8.0);
    assert!(
        results[0]["warnings"][0]
            .as_str()
            .is_some_and(|text| text.starts_with(
                "the trace was repeated 4 times to fill the 28-day horizon (copies of a 1-week period"
            ) && text.ends_with("keeping the day of the week and the time of day")),
        "{}",
        results[0]["warnings"]
    );
    // `--fill none` on the command line turns the scenario's fill off.
    let output = workspace.run(&[
        "compare",
        "s.toml",
        "--no-report",
        "--format",
        "json",
        "--fill",
        "none",
    ]);
    let document: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let results = document["results"].as_array().expect("results").clone();
    assert_eq!(number(&results[0], "requests.total"), 2.0);
}

#[test]
fn a_decade_of_one_day_streams() {
    // 3,650 copies of the 4-request day; one reader at a time.
    let workspace = Workspace::new();
    write_traces(&workspace);
    let result = workspace.simulate_json(&[
        "--trace",
        "day.csv",
        "--horizon",
        "3650d",
        "--fill",
        "repeat",
        "--platform",
        "aws-lambda-2016",
    ]);
    assert_eq!(number(&result, "requests.total"), 4.0 * 3_650.0);
}

#[test]
fn fill_refuses_what_it_cannot_repeat() {
    let workspace = Workspace::new();
    write_traces(&workspace);
    for (args, expected) in [
        (
            &["--trace", "day.csv", "--fill", "repeat"][..],
            "--fill repeat needs --horizon",
        ),
        (
            &["--trace", "-", "--fill", "repeat", "--horizon", "2d"][..],
            "cannot read standard input (`-`)",
        ),
        (
            &[
                "--trace",
                "day.csv",
                "--fill",
                "repeat",
                "--horizon",
                "2d",
                "--sort",
            ][..],
            "cannot be combined with --sort",
        ),
        (
            &["--trace", "day.csv", "--fill", "twice", "--horizon", "2d"][..],
            "--fill: expected `repeat` or `none`, found `twice`",
        ),
    ] {
        let output = workspace.run(&[&["simulate"][..], args].concat());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = String::from_utf8_lossy(&output.stderr);
        assert!(message.contains(expected), "{args:?}: {message}");
    }
    workspace.write(
        "s.toml",
        "name = \"bad\"\n[workload]\ntrace = \"day.csv\"\nfill = \"again\"\n\n[[deployment]]\nname = \"Heroku\"\nplatform = \"heroku-2016\"\n",
    );
    let output = workspace.run(&["compare", "s.toml", "--no-report"]);
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("s.toml: line 4: `workload.fill`: expected `repeat` or `none`, found `again`"),
        "{message}"
    );
    workspace.write(
        "s.toml",
        &std::fs::read_to_string(workspace.path("s.toml"))
            .expect("read")
            .replace("again", "repeat"),
    );
    let output = workspace.run(&["compare", "s.toml", "--no-report"]);
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("s.toml: line 4: `workload.fill`: `repeat` needs a `horizon`"),
        "{message}"
    );
}
