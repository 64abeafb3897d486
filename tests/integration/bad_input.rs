//! Bad input never panics: each case exits non-zero (2 for bad usage, 1 for
//! bad data) with a message naming the file, line and field, and prints no
//! partial report.

use std::process::Output;

use crate::support::{Workspace, number};

#[track_caller]
fn assert_fails(output: &Output, code: i32, message: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    assert!(stderr.contains(message), "expected `{message}` in: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        output.stdout.is_empty(),
        "partial output: {}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn an_unsorted_trace_names_its_line_and_sort_repairs_it() {
    let workspace = Workspace::new();
    workspace.write("t.csv", "time,duration_ms\n0,10\n5,10\n4,10\n");
    let output = workspace.run(&["simulate", "--trace", "t.csv"]);
    assert_fails(&output, 1, "t.csv:4: field `time`: rows must be in arrival order");
    let result = workspace.simulate_json(&["--trace", "t.csv", "--sort"]);
    assert_eq!(number(&result, "requests.total"), 3.0);
}

#[test]
fn malformed_rows_name_file_line_and_field() {
    let workspace = Workspace::new();
    for (trace, message) in [
        (
            "time,duration_ms\n0,10\n1,ten\n",
            "t.csv:3: field `duration_ms`: expected a non-negative number of milliseconds, at most ten years, found `ten`",
        ),
        ("time,duration_ms\n0,-3\n", "t.csv:2: field `duration_ms`"),
        (
            "time,duration_ms\n0,10\n1,10,extra\n",
            "t.csv:3: row has 3 fields but the header has 2",
        ),
        (
            "time,duration\n0,10\n",
            "t.csv:1: header: missing column `duration_ms`",
        ),
        (
            "time,duration_ms,memory_mb\n0,10,2000\n",
            "t.csv:2: field `memory_mb`: expected at most 1536 MB on aws-lambda-2016, found 2000",
        ),
        (
            "time,duration_ms,bytes_out\n0,10,lots\n",
            "t.csv:2: field `bytes_out`",
        ),
    ] {
        workspace.write("t.csv", trace);
        assert_fails(&workspace.run(&["simulate", "--trace", "t.csv"]), 1, message);
    }
}

#[test]
fn bad_settings_are_usage_errors_listing_what_is_valid() {
    let workspace = Workspace::new();
    assert_fails(
        &workspace.run(&["simulate", "--set", "warmth=3"]),
        2,
        "unknown setting `warmth` for a function platform; valid settings: memory_mb, architecture, keep_alive_s",
    );
    assert_fails(
        &workspace.run(&["simulate", "--memory-mb", "100"]),
        2,
        "setting `memory_mb`: expected 128 to 1536 MB in steps of 64 MB on aws-lambda-2016, found 100",
    );
    assert_fails(
        &workspace.run(&["simulate", "--set", "keep_alive_s=soon"]),
        2,
        "setting `keep_alive_s`",
    );
    assert_fails(
        &workspace.run(&["simulate", "--set", "provisioned=5"]),
        2,
        "aws-lambda-2016 has no provisioned instances",
    );
    assert_fails(
        &workspace.run(&["simulate", "--set", "memory_mb"]),
        2,
        "--set: expected KEY=VALUE",
    );
    assert_fails(
        &workspace.run(&["simulate", "--horizon", "3 weeks"]),
        2,
        "--horizon",
    );
    assert_fails(
        &workspace.run(&["simulate", "--start", "yesterday"]),
        2,
        "--start: expected an RFC 3339 timestamp",
    );
    let unknown = workspace.run(&["simulate", "--platform", "lambda"]);
    assert_fails(&unknown, 2, "unknown platform `lambda`: expected one of ");
    assert_fails(
        &unknown,
        2,
        " aws-api-gateway-2016, aws-api-gateway-2025, aws-http-api-2025, aws-lambda-2016,",
    );
    assert_fails(
        &workspace.run(&["simulate", "--format", "yaml"]),
        2,
        "invalid value 'yaml'",
    );
    assert_fails(
        &workspace.run(&["simulate", "--service", "heroku-2016"]),
        2,
        "`heroku-2016` is a pool price book, not a service",
    );
    // Every problem at once.
    let output = workspace.run(&[
        "simulate",
        "--set",
        "memory_mb=5000",
        "--set",
        "concurrency_limit=0",
    ]);
    assert_fails(&output, 2, "memory_mb");
    assert!(String::from_utf8_lossy(&output.stderr).contains("concurrency_limit"));
}

#[test]
fn missing_files_and_bad_price_books_are_named() {
    let workspace = Workspace::new();
    assert_fails(
        &workspace.run(&["simulate", "--trace", "absent.csv"]),
        1,
        "absent.csv: No such file",
    );
    let book = include_str!("../../pricing/aws-lambda-2016.toml")
        .replace("mb_per_gb = 1024", "mb_per_gb = 1024\nrebate = 0.5");
    workspace.write("book.toml", &book);
    assert_fails(
        &workspace.run(&["simulate", "--platform", "book.toml"]),
        1,
        "unknown field `rebate`",
    );
}

#[test]
fn a_failed_run_leaves_an_earlier_report_intact() {
    let workspace = Workspace::new();
    workspace.write("t.csv", "time,duration_ms\n0,10\n");
    let output = workspace.run(&[
        "simulate", "--trace", "t.csv", "--format", "json", "-o", "out.json",
    ]);
    assert!(output.status.success());
    let before = std::fs::read(workspace.path("out.json")).expect("report written");
    workspace.write("t.csv", "time,duration_ms\n0,10\n1,x\n");
    let output = workspace.run(&[
        "simulate", "--trace", "t.csv", "--format", "json", "-o", "out.json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read(workspace.path("out.json")).expect("still there"),
        before
    );
}

#[test]
fn gzipped_and_absolute_time_traces_are_read() {
    use std::io::Write;
    let workspace = Workspace::new();
    let file = std::fs::File::create(workspace.path("t.csv.gz")).expect("create");
    let mut gzip = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    gzip.write_all(b"time,duration_ms,function\n2016-02-01T10:00:00Z,10,a\n2016-02-01T10:00:01.5Z,10,b\n")
        .expect("write");
    gzip.finish().expect("finish");
    let result = workspace.simulate_json(&["--trace", "t.csv.gz"]);
    assert_eq!(number(&result, "requests.total"), 2.0);
    assert_eq!(result["start"], "2016-02-01T10:00:00Z");
    // 1.5 s to the second arrival + its start-up and 10 ms.
    assert!(number(&result, "horizon_s") > 1.51);
}
