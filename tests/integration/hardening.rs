//! Regression tests of issue 14's defects in the workload commands, the
//! output files and the latency metrics: each asserts the exit code and the
//! place the message names, and that nothing panics, hangs or is left behind.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Workspace, number};

/// Runs costsim in `workspace`, failing the test if it takes over 20 s
/// (the defects included runs that never ended).
fn run_bounded(workspace: &Workspace, args: &[&str]) -> Output {
    let started = Instant::now();
    let output = workspace.run(args);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "costsim {args:?} took {:?}",
        started.elapsed()
    );
    output
}

#[track_caller]
fn assert_fails(output: &Output, code: i32, message: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    assert!(stderr.contains(message), "expected `{message}` in: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Files in the workspace whose names mark them as costsim's temporaries.
fn temporaries(folder: &Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .expect("listable")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".costsim-"))
        .collect()
}

#[test]
fn huge_bucket_counts_are_refused_with_the_estimate_not_a_panic() {
    let workspace = Workspace::new();
    workspace.write("c.txt", "18446744073709551615\n");
    let import = [
        "trace",
        "import",
        "--from",
        "rate-series",
        "c.txt",
        "--interval",
        "1s",
        "--duration",
        "50ms",
        "-o",
        "x.csv",
    ];
    assert_fails(
        &run_bounded(&workspace, &import),
        2,
        "the import would produce about 1.84e19 requests, above the limit of 200000000 rows",
    );
    let generate = [
        "trace",
        "gen",
        "--arrivals",
        "series",
        "--series",
        "c.txt",
        "--interval",
        "1s",
    ];
    assert_fails(
        &run_bounded(&workspace, &generate),
        2,
        "the generator would produce about 1.84e19 requests",
    );
    assert!(!workspace.path("x.csv").exists());
    // A trillion in one bucket, streamed: the first requests come at once
    // (1e12 spread equidistantly over 1 s: one every 1e-6 µs, all at 0).
    workspace.write("t.txt", "1000000000000\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_costsim"))
        .args([
            "trace",
            "gen",
            "--arrivals",
            "series",
            "--series",
            "t.txt",
            "--interval",
            "1s",
            "--spread",
            "equidistant",
            "--duration",
            "5ms",
            "--max-rows",
            "1000000000000",
        ])
        .current_dir(workspace.path(""))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
    let rows: Vec<String> = lines.by_ref().take(3).map(|line| line.expect("text")).collect();
    drop(lines);
    let status = child.wait().expect("ends");
    assert_eq!(
        rows,
        [
            "time,duration_ms,function",
            "0.000000,5.000,default",
            "0.000000,5.000,default"
        ]
    );
    assert_eq!(status.code(), Some(0), "a closed pipe is success");
}

#[test]
fn generator_parameters_out_of_range_are_named() {
    let workspace = Workspace::new();
    let span = ["--span", "1h"];
    for (args, message) in [
        (
            &["--rate", "1e300", "--span", "1s"][..],
            "rate: expected a rate above 0 and at most 1e9 per second, found 1e300",
        ),
        (
            &["--rate", "1e9", "--span", "1s"][..],
            "the generator would produce about 1000000000 requests, above the limit of 200000000 rows",
        ),
        (
            &[
                "--arrivals",
                "onoff",
                "--on-rate",
                "1e-300",
                "--mean-on",
                "1us",
                "--mean-off",
                "1us",
                "--count",
                "5",
            ][..],
            "candidates or state changes), above the limit",
        ),
        (
            &[
                "--arrivals",
                "mmpp",
                "--rates",
                "5,nan",
                "--dwell",
                "1m,1m",
                "--span",
                "1h",
            ][..],
            "rates: `nan` is not a rate from 0 to 1e9",
        ),
        (
            &[
                "--arrivals",
                "mmpp",
                "--rates",
                "5,5",
                "--dwell",
                "1m,0s",
                "--span",
                "1h",
            ][..],
            "dwell: expected a span above zero, found `0s`",
        ),
    ] {
        assert_fails(
            &run_bounded(&workspace, &[&["trace", "gen"][..], args].concat()),
            2,
            message,
        );
    }
    for hour in ["nan", "inf", "25", "-1", "24"] {
        let peak_hour = format!("--peak-hour={hour}");
        let args = [
            &[
                "trace",
                "gen",
                "--arrivals",
                "sinusoid",
                "--trough",
                "1",
                "--peak",
                "5",
                &peak_hour,
            ][..],
            &span[..],
        ]
        .concat();
        assert_fails(
            &run_bounded(&workspace, &args),
            2,
            "peak-hour: expected an hour of day from 0 to below 24",
        );
    }
    // Processes that rarely fire end at their span: an on-rate of 1e-300
    // and two mmpp states of 1e-300 give no request in an hour.
    for args in [
        &[
            "--arrivals",
            "onoff",
            "--on-rate",
            "1e-300",
            "--mean-on",
            "30s",
            "--mean-off",
            "30s",
        ][..],
        &[
            "--arrivals",
            "mmpp",
            "--rates",
            "1e-300,1e-300",
            "--dwell",
            "1m,1m",
        ][..],
    ] {
        let output = run_bounded(&workspace, &[&["trace", "gen"][..], args, &span[..]].concat());
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "time,duration_ms,function\n"
        );
    }
}

#[test]
fn a_scenario_generator_beyond_the_limit_names_its_section() {
    let workspace = Workspace::new();
    workspace.write(
        "s.toml",
        "name = \"huge\"\n[workload]\nhorizon = \"1d\"\n[workload.generator]\narrivals = \"sinusoid\"\ntrough = 1\npeak = 9223372036854775807\nspan = \"1d\"\n[[deployment]]\nname = \"L\"\nplatform = \"aws-lambda-2016\"\n",
    );
    let output = run_bounded(&workspace, &["compare", "s.toml", "--no-report"]);
    // The peak is above 1e9/s; the section starts on line 4.
    assert_fails(&output, 1, "s.toml: line 4:");
    assert_fails(
        &output,
        1,
        "[workload.generator] peak: expected a rate above 0 and at most 1e9 per second, found 9.223372036854776e18",
    );
    // Within the ranges but beyond the rows: a mean of (1 + 1e6) / 2 per
    // second for 86,400 s is 43,200,043,200 requests.
    let text = std::fs::read_to_string(workspace.path("s.toml")).expect("read");
    workspace.write(
        "s.toml",
        &text.replace("peak = 9223372036854775807", "peak = 1000000"),
    );
    assert_fails(
        &run_bounded(&workspace, &["compare", "s.toml", "--no-report"]),
        1,
        "[workload.generator] the generator would produce about 43200043200 requests",
    );
}

#[test]
fn closed_pipes_are_success_and_dash_means_standard_streams() {
    let workspace = Workspace::new();
    workspace.write(
        "access.log",
        "h - - [01/Jul/1995:00:00:01 -0400] \"GET / HTTP/1.0\" 200 10\n"
            .repeat(200_000)
            .as_str(),
    );
    for args in [
        &["trace", "gen", "--rate", "100", "--span", "1h"][..],
        &["trace", "gen", "--rate", "100", "--span", "1h", "-o", "-"][..],
        &[
            "trace",
            "import",
            "--from",
            "clf",
            "access.log",
            "--duration",
            "5ms",
            "-o",
            "-",
        ][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_costsim"))
            .args(args)
            .current_dir(workspace.path(""))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut first)
            .expect("a line");
        let output = child.wait_with_output().expect("ends");
        assert!(
            first.starts_with("time,duration_ms,function"),
            "{args:?}: {first}"
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(!workspace.path("-").exists(), "`-o -` wrote a file named -");
    // `trace stats -` reads standard input: 3 rows, 2 s apart at most.
    let mut child = Command::new(env!("CARGO_BIN_EXE_costsim"))
        .args(["trace", "stats", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(b"time,duration_ms\n0,10\n1,20\n2,30\n")
        .expect("written");
    let output = child.wait_with_output().expect("ends");
    let stats: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!((number(&stats, "rows"), number(&stats, "span_s")), (3.0, 2.0));
}

#[test]
fn fifos_and_links_are_written_through_and_stale_temporaries_removed() {
    let workspace = Workspace::new();
    // A symbolic link keeps pointing at the trace it names.
    std::fs::write(workspace.path("real.csv"), "old").expect("write");
    std::os::unix::fs::symlink("real.csv", workspace.path("link.csv")).expect("link");
    // What a killed run left (process ids above 2^22 never run).
    std::fs::write(workspace.path(".costsim-tmp-real.csv-99999999-0"), "half").expect("write");
    let output = run_bounded(
        &workspace,
        &[
            "trace", "gen", "--rate", "1", "--span", "2s", "--seed", "3", "-o", "link.csv",
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        std::fs::symlink_metadata(workspace.path("link.csv"))
            .expect("exists")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(workspace.path("real.csv"))
            .expect("read")
            .starts_with("time,duration_ms,function\n")
    );
    assert_eq!(temporaries(&workspace.path("")), Vec::<String>::new());
    // A FIFO is streamed into, not replaced by a file.
    let fifo = workspace.path("pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs")
            .success()
    );
    let reader = std::thread::spawn({
        let fifo = fifo.clone();
        move || std::fs::read_to_string(fifo).expect("readable")
    });
    let output = run_bounded(
        &workspace,
        &[
            "trace", "gen", "--rate", "1", "--span", "2s", "--seed", "3", "-o", "pipe",
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let streamed = reader.join().expect("reader ends");
    assert_eq!(
        streamed,
        std::fs::read_to_string(workspace.path("real.csv")).expect("read")
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).expect("exists").file_type().is_fifo());
}

#[test]
fn an_interrupted_generation_removes_its_temporary() {
    let workspace = Workspace::new();
    // 1e6/s for 150 s is 1.5e8 rows (~5 GB): far from done when stopped.
    let mut child = Command::new(env!("CARGO_BIN_EXE_costsim"))
        .args([
            "trace", "gen", "--rate", "1000000", "--span", "150s", "-o", "big.csv",
        ])
        .current_dir(workspace.path(""))
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let started = Instant::now();
    while temporaries(&workspace.path("")).is_empty() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(temporaries(&workspace.path("")).len(), 1, "the temporary appears");
    std::thread::sleep(Duration::from_millis(200));
    let pid = i32::try_from(child.id()).expect("a pid");
    // SAFETY: SIGTERM to our own child, which has not been waited for.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let status = child.wait().expect("ends");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGTERM), "ends as terminated");
    assert_eq!(temporaries(&workspace.path("")), Vec::<String>::new());
    assert!(!workspace.path("big.csv").exists());
}

#[test]
fn importer_rows_out_of_order_or_out_of_range_name_their_line() {
    let workspace = Workspace::new();
    workspace.write("jobs.csv", "t,d\n10,5\n12,5\n11,5\n");
    let csv = [
        "trace",
        "import",
        "--from",
        "csv",
        "jobs.csv",
        "--time-col",
        "t",
        "--duration-col",
        "d",
    ];
    assert_fails(
        &run_bounded(&workspace, &csv),
        1,
        "jobs.csv:4: field `time`: this row is 1 s earlier than the one before it; the source is not in arrival order: import with --sort",
    );
    workspace.write(
        "access.log",
        "h - - [01/Jul/1995:00:00:05 -0400] \"GET / HTTP/1.0\" 200 1\nh - - [01/Jul/1995:00:00:09 -0400] \"GET / HTTP/1.0\" 200 1\nh - - [01/Jul/1995:00:00:07 -0400] \"GET / HTTP/1.0\" 200 1\n",
    );
    assert_fails(
        &run_bounded(
            &workspace,
            &[
                "trace",
                "import",
                "--from",
                "clf",
                "access.log",
                "--duration",
                "5ms",
            ],
        ),
        1,
        "access.log:3: field `time`: this row is 2 s earlier than the one before it",
    );
    workspace.write("jobs.csv", "t,d\n10,5\n1e300,5\n");
    assert_fails(
        &run_bounded(&workspace, &csv),
        1,
        "jobs.csv:3: field `t`: expected seconds since 1970 (in the years -262143 to 262142), found `1e300`",
    );
    workspace.write("jobs.csv", "t,d\n10,5\n11,1e300\n");
    assert_fails(
        &run_bounded(&workspace, &csv),
        1,
        "jobs.csv:3: field `d`: expected a duration from 0 to 18,446,744,073,709 s, found `1e300`",
    );
    workspace.write("az.csv", "app,func,end_timestamp,duration\na,f,1e300,1\n");
    assert_fails(
        &run_bounded(&workspace, &["trace", "import", "--from", "azure-2021", "az.csv"]),
        1,
        "az.csv:2: field `end_timestamp`: expected seconds from 0 to 18,446,744,073,709 s, found `1e300`",
    );
    workspace.write("empty.csv", "");
    assert_fails(
        &run_bounded(
            &workspace,
            &[
                "trace",
                "import",
                "--from",
                "csv",
                "empty.csv",
                "--time-col",
                "t",
                "--duration",
                "5ms",
            ],
        ),
        1,
        "empty.csv:1: header: the file is empty or its first line names no columns",
    );
    // -2 is bad data in a series, for both commands.
    workspace.write("neg.txt", "3\n-2\n");
    assert_fails(
        &run_bounded(
            &workspace,
            &[
                "trace",
                "gen",
                "--arrivals",
                "series",
                "--series",
                "neg.txt",
                "--interval",
                "1s",
            ],
        ),
        1,
        "neg.txt:2: expected a whole-number count from 0 to 2^64 - 1, found `-2`",
    );
    assert_fails(
        &run_bounded(
            &workspace,
            &[
                "trace",
                "import",
                "--from",
                "rate-series",
                "neg.txt",
                "--interval",
                "1s",
                "--duration",
                "5ms",
            ],
        ),
        1,
        "neg.txt:2: expected a whole-number count from 0 to 2^64 - 1, found `-2`",
    );
}

#[test]
fn a_hundred_day_request_reports_its_latency_as_every_percentile() {
    let workspace = Workspace::new();
    // 100 days = 100 × 86,400 s = 8,640,000,000 ms.
    workspace.write("long.csv", "time,duration_ms\n0,8640000000\n");
    let result = workspace.simulate_json(&[
        "--trace",
        "long.csv",
        "--platform",
        "ec2-2016",
        "--set",
        "client_timeout_s=0",
    ]);
    for field in ["p50", "p95", "p99", "max"] {
        assert_eq!(number(&result, &format!("latency_ms.{field}")), 8.64e9, "{field}");
    }
}

#[test]
fn an_azure_2019_minute_of_four_billion_streams_its_first_requests() {
    let workspace = Workspace::new();
    workspace.write(
        "inv.csv",
        "HashOwner,HashApp,HashFunction,Trigger,1\no,a,f,http,4294967295\n",
    );
    workspace.write(
        "dur.csv",
        "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\no,a,f,100,1,100,100,100,100,100,100,100,100,100\n",
    );
    let import = [
        "trace",
        "import",
        "--from",
        "azure-2019",
        "--invocations",
        "inv.csv",
        "--durations",
        "dur.csv",
    ];
    assert_fails(
        &run_bounded(&workspace, &[&import[..], &["-o", "x.csv"]].concat()),
        2,
        "the import would produce about 4294967295 requests, above the limit of 200000000 rows",
    );
    // Allowed, it streams: 4,294,967,295 requests spread evenly over 60 s
    // are 13.97 ns apart, so the first three arrive at 0 µs (each 100 ms).
    let mut child = Command::new(env!("CARGO_BIN_EXE_costsim"))
        .args(
            [
                &import[..],
                &["--spread", "equidistant", "--max-rows", "5000000000"],
            ]
            .concat(),
        )
        .current_dir(workspace.path(""))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let lines: Vec<String> = BufReader::new(child.stdout.take().expect("piped"))
        .lines()
        .take(3)
        .map(|line| line.expect("text"))
        .collect();
    assert_eq!(child.wait().expect("ends").code(), Some(0));
    assert_eq!(
        lines,
        [
            "time,duration_ms,function",
            "0.000000,100.000,f",
            "0.000000,100.000,f"
        ]
    );
}

#[test]
fn compare_replaces_only_a_report_folder_and_cleans_a_killed_runs_leftovers() {
    let workspace = Workspace::new();
    workspace.write("t.csv", "time,duration_ms\n0,10\n");
    workspace.write(
        "s.toml",
        "name = \"small\"\n[workload]\ntrace = \"t.csv\"\n[[deployment]]\nname = \"L\"\nplatform = \"aws-lambda-2016\"\n",
    );
    // A folder of the user's own is refused and left as it was.
    std::fs::create_dir(workspace.path("mine")).expect("create");
    workspace.write("mine/notes.txt", "keep me");
    let output = run_bounded(&workspace, &["compare", "s.toml", "--out", "mine"]);
    assert_fails(
        &output,
        2,
        "mine: holds `notes.txt`, which is not part of a report",
    );
    assert_eq!(
        std::fs::read_to_string(workspace.path("mine/notes.txt")).expect("kept"),
        "keep me"
    );
    // A report folder with what a killed run left beside it (a half-written
    // new folder of a process that no longer runs): replaced, cleaned.
    std::fs::create_dir(workspace.path(".costsim-tmp-out-99999999-0")).expect("create");
    workspace.write(".costsim-tmp-out-99999999-0/summary.csv", "half");
    for _ in 0..2 {
        let output = run_bounded(&workspace, &["compare", "s.toml", "--out", "out"]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(temporaries(&workspace.path("")), Vec::<String>::new());
    assert!(workspace.path("out/report.html").is_file());
}
