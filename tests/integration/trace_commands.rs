//! `costsim trace gen`, `trace import` and `trace stats` through the real
//! binary: on small fixtures written here, and on the real public traces in
//! ../shared/traces when that folder exists (the statistics in its README
//! must come out of import + stats).

use std::path::PathBuf;

use serde_json::Value;

use crate::support::{Workspace, missing_input, number};

fn stats(workspace: &Workspace, trace: &str) -> Value {
    let output = workspace.run(&["trace", "stats", trace, "--format", "json"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[track_caller]
fn run_ok(workspace: &Workspace, args: &[&str]) -> String {
    let output = workspace.run(args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "costsim {args:?} failed: {stderr}");
    stderr
}

#[test]
fn generated_traces_follow_the_requested_rate_and_quantiles() {
    let workspace = Workspace::new();
    run_ok(
        &workspace,
        &[
            "trace",
            "gen",
            "--arrivals",
            "poisson",
            "--rate",
            "100",
            "--span",
            "1h",
            "--duration",
            "lognormal:median=120ms,p99=900ms",
            "--seed",
            "1",
            "-o",
            "api.csv",
        ],
    );
    let summary = stats(&workspace, "api.csv");
    // 100/s for 3,600 s: 360,000 ± 3 × 600 requests.
    assert!(
        (number(&summary, "rows") - 360_000.0).abs() < 1_800.0,
        "{summary}"
    );
    assert!(
        (number(&summary, "rate_per_s.mean") / 100.0 - 1.0).abs() < 0.005,
        "{summary}"
    );
    assert!(
        (number(&summary, "duration_ms.p50") / 120.0 - 1.0).abs() < 0.02,
        "{summary}"
    );
    assert!(
        (number(&summary, "duration_ms.p99") / 900.0 - 1.0).abs() < 0.05,
        "{summary}"
    );
    // The same seed gives the same file; another seed another.
    run_ok(
        &workspace,
        &[
            "trace",
            "gen",
            "--arrivals",
            "poisson",
            "--rate",
            "100",
            "--span",
            "1h",
            "--duration",
            "lognormal:median=120ms,p99=900ms",
            "--seed",
            "1",
            "-o",
            "again.csv",
        ],
    );
    assert_eq!(
        std::fs::read(workspace.path("api.csv")).ok(),
        std::fs::read(workspace.path("again.csv")).ok()
    );
}

#[test]
fn generated_function_mixes_and_diurnal_shapes() {
    let workspace = Workspace::new();
    let hourly: Vec<String> = (0..24)
        .map(|hour| if hour == 12 { "20".into() } else { "1".into() })
        .collect();
    run_ok(
        &workspace,
        &[
            "trace",
            "gen",
            "--arrivals",
            "diurnal",
            "--hourly",
            &hourly.join(","),
            "--span",
            "1d",
            "--function",
            "api:3:512",
            "--function",
            "batch:1",
            "--function-duration",
            "batch=2s",
            "-o",
            "day.csv.gz",
        ],
    );
    let summary = stats(&workspace, "day.csv.gz");
    // 23 hours at 1/s and one at 20/s: 82,800 + 72,000 = 154,800 requests.
    assert!(
        (number(&summary, "rows") / 154_800.0 - 1.0).abs() < 0.01,
        "{summary}"
    );
    assert_eq!(number(&summary, "functions"), 2.0);
    assert!((summary["top_functions"][0]["share"].as_f64().unwrap_or(0.0) - 0.75).abs() < 0.01);
    // The busiest minute falls in the 20/s hour.
    assert!(
        (number(&summary, "rate_per_s.peak_1m") - 20.0).abs() < 2.0,
        "{summary}"
    );
}

#[test]
fn bad_generator_options_are_usage_errors() {
    let workspace = Workspace::new();
    for (args, message) in [
        (
            vec!["trace", "gen", "--span", "1h"],
            "poisson arrivals need `rate`",
        ),
        (
            vec!["trace", "gen", "--rate", "5"],
            "give `span`, `count` or both",
        ),
        (
            vec![
                "trace",
                "gen",
                "--rate",
                "5",
                "--span",
                "1h",
                "--duration",
                "gamma:k=2",
            ],
            "duration: unknown distribution `gamma`",
        ),
        (
            vec![
                "trace",
                "gen",
                "--arrivals",
                "diurnal",
                "--hourly",
                "1,2",
                "--span",
                "1h",
            ],
            "hourly: expected 24 rates, found 2",
        ),
        (
            vec!["trace", "gen", "--rate", "5", "--span", "1h", "--function", "api"],
            "function: expected NAME:SHARE[:MB]",
        ),
    ] {
        let output = workspace.run(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(message),
            "{args:?}: expected `{message}` in {stderr}"
        );
    }
}

#[test]
fn clf_logs_import_with_response_times_or_drawn_durations() {
    let workspace = Workspace::new();
    workspace.write(
        "access.log",
        "a - - [01/Jul/1995:00:00:01 -0400] \"GET / HTTP/1.0\" 200 100 0.250\n\
         b - - [01/Jul/1995:00:00:03 -0400] \"GET /x HTTP/1.0\" 404 - 0.010\n\
         garbage line\n",
    );
    let output = workspace.run(&[
        "trace",
        "import",
        "--from",
        "clf",
        "access.log",
        "--response-time-unit",
        "s",
        "-o",
        "web.csv",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("access.log:3: no [timestamp]"));
    let stderr = run_ok(
        &workspace,
        &[
            "trace",
            "import",
            "--from",
            "clf",
            "access.log",
            "--response-time-unit",
            "s",
            "--skip-bad-rows",
            "-o",
            "web.csv",
        ],
    );
    assert!(stderr.contains("skipped 1 (no [timestamp])"), "{stderr}");
    assert!(stderr.contains("time 0 is 1995-07-01T04:00:01Z"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(workspace.path("web.csv")).expect("written"),
        "time,duration_ms,function,bytes_out\n0.000000,250.000,default,100\n2.000000,10.000,default,0\n"
    );
}

#[test]
fn mapped_csv_imports_filter_and_sort() {
    let workspace = Workspace::new();
    workspace.write(
        "jobs.csv",
        "when,state,secs,model\n2024-01-01 00:00:05,OK,1.5,m1\n2024-01-01 00:00:02,FAILED,9,m2\n2024-01-01 00:00:01,OK,0.25,m2\n",
    );
    let args = [
        "trace",
        "import",
        "--from",
        "csv",
        "jobs.csv",
        "--time-col",
        "when",
        "--time-format",
        "%Y-%m-%d %H:%M:%S",
        "--duration-col",
        "secs",
        "--duration-unit",
        "s",
        "--function-col",
        "model",
        "--filter",
        "state=OK",
        "-o",
        "jobs-out.csv",
    ];
    // Out of order without --sort: an error naming the line.
    let output = workspace.run(&args);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("jobs.csv:4: field `time`"),
        "{output:?}"
    );
    let mut sorted = args.to_vec();
    sorted.push("--sort");
    let stderr = run_ok(&workspace, &sorted);
    assert!(stderr.contains("skipped 1 (filtered out)"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(workspace.path("jobs-out.csv")).expect("written"),
        "time,duration_ms,function\n0.000000,250.000,m2\n4.000000,1500.000,m1\n"
    );
}

#[test]
fn azure_2021_rows_are_sorted_by_arrival() {
    let workspace = Workspace::new();
    workspace.write(
        "az21.csv",
        "app,func,end_timestamp,duration\na,f,10.5,0.5\na,g,3.0,2.0\nb,f,4.0,0.001\n",
    );
    run_ok(
        &workspace,
        &[
            "trace",
            "import",
            "--from",
            "azure-2021",
            "az21.csv",
            "-o",
            "az21-out.csv",
        ],
    );
    // Arrivals: 10.0, 1.0, 3.999.
    assert_eq!(
        std::fs::read_to_string(workspace.path("az21-out.csv")).expect("written"),
        "time,duration_ms,function\n1.000000,2000.000,a/g\n3.999000,1.000,b/f\n10.000000,500.000,a/f\n"
    );
}

/// The real traces, or none (a skip outside CI, a failure under it).
#[track_caller]
fn shared_traces(test: &str) -> Option<PathBuf> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/traces");
    if folder.is_dir() {
        Some(folder)
    } else {
        missing_input(test, "../shared/traces");
        None
    }
}

fn path(folder: &std::path::Path, relative: &str) -> String {
    folder.join(relative).to_string_lossy().into_owned()
}

#[test]
fn real_azure_2019_original_layout_reproduces_the_readme() {
    let Some(traces) = shared_traces("real_azure_2019_original_layout_reproduces_the_readme") else {
        return;
    };
    let workspace = Workspace::new();
    let folder = "azure-functions-2019/original-500fn-8h";
    run_ok(
        &workspace,
        &[
            "trace",
            "import",
            "--from",
            "azure-2019",
            "--invocations",
            &path(&traces, &format!("{folder}/invocations.csv")),
            "--durations",
            &path(&traces, &format!("{folder}/durations.csv")),
            "--memory",
            &path(&traces, &format!("{folder}/memory.csv")),
            "--durations-from",
            "average",
            "-o",
            "azure.csv",
        ],
    );
    let summary = stats(&workspace, "azure.csv");
    // README: 3,037,902 invocations; 500 functions; 480 min; 105.5 rps;
    // busiest minute 126.7 rps; invocation-weighted mean 504.5 ms, p50 195
    // ms, p99 1,507 ms.
    assert_eq!(number(&summary, "rows"), 3_037_902.0);
    assert_eq!(number(&summary, "functions"), 500.0);
    assert!((number(&summary, "span_s") - 28_800.0).abs() < 1.0, "{summary}");
    assert_eq!((number(&summary, "rate_per_s.mean") * 10.0).round() / 10.0, 105.5);
    assert_eq!(
        (number(&summary, "rate_per_s.peak_1m") * 10.0).round() / 10.0,
        126.7
    );
    assert_eq!(
        (number(&summary, "duration_ms.mean") * 10.0).round() / 10.0,
        504.5
    );
    // The histogram keeps 3 significant digits: 195 ms and 1,507 ms within 0.1%.
    assert!(
        (number(&summary, "duration_ms.p50") / 195.0 - 1.0).abs() < 0.002,
        "{summary}"
    );
    assert!(
        (number(&summary, "duration_ms.p99") / 1_507.0 - 1.0).abs() < 0.002,
        "{summary}"
    );
}

#[test]
fn real_azure_2019_sampled_layout_reproduces_the_readme() {
    let Some(traces) = shared_traces("real_azure_2019_sampled_layout_reproduces_the_readme") else {
        return;
    };
    let workspace = Workspace::new();
    let folder = "azure-functions-2019/sampled-1350fn-day";
    run_ok(
        &workspace,
        &[
            "trace",
            "import",
            "--from",
            "azure-2019",
            "--invocations",
            &path(&traces, &format!("{folder}/1350_inv.csv")),
            "--durations",
            &path(&traces, &format!("{folder}/1350_run.csv")),
            "--memory",
            &path(&traces, &format!("{folder}/1350_mem.csv")),
            "-o",
            "sampled.csv",
        ],
    );
    let summary = stats(&workspace, "sampled.csv");
    // README: 927,272 invocations over 1,440 min; 10.73 rps; busiest minute
    // 67.1 rps.
    assert_eq!(number(&summary, "rows"), 927_272.0);
    assert_eq!(
        (number(&summary, "rate_per_s.mean") * 100.0).round() / 100.0,
        10.73
    );
    assert_eq!(
        (number(&summary, "rate_per_s.peak_1m") * 10.0).round() / 10.0,
        67.1
    );
}

#[test]
fn real_nasa_log_alibaba_trace_and_rate_series_reproduce_the_readme() {
    let Some(traces) = shared_traces("real_nasa_log_alibaba_trace_and_rate_series_reproduce_the_readme")
    else {
        return;
    };
    let workspace = Workspace::new();
    // NASA TSV, 1 Aug 1995: 30,969 requests over 46,322 s (the README counts
    // the last second too; first to last arrival is 46,321 s), 0.669 rps,
    // 17 in one second.
    run_ok(
        &workspace,
        &[
            "trace",
            "import",
            "--from",
            "csv",
            &path(&traces, "nasa-http-1995/nasa_19950801.tsv"),
            "--delimiter",
            "tab",
            "--time-col",
            "time",
            "--time-format",
            "epoch-s",
            "--bytes-col",
            "bytes",
            "--duration",
            "lognormal:median=40ms,p99=300ms",
            "-o",
            "nasa.csv",
        ],
    );
    let nasa = stats(&workspace, "nasa.csv");
    assert_eq!(number(&nasa, "rows"), 30_969.0);
    assert_eq!(number(&nasa, "span_s"), 46_321.0);
    assert_eq!(
        (number(&nasa, "rate_per_s.mean") * 1_000.0).round() / 1_000.0,
        0.669
    );
    assert_eq!(number(&nasa, "rate_per_s.peak_1s"), 17.0);

    // Alibaba GenTD26: 26,823 requests, 2024-11-15 16:57:50 → 2024-12-08
    // 17:33:57, 8 in one second; exec time p50 23 s, p99 106 s, max 567 s,
    // mean 28.7 s. With the SUCCEED filter: 26,392.
    let alibaba = path(&traces, "alibaba-gentd26/lora_request_trace.csv");
    let base = [
        "trace",
        "import",
        "--from",
        "csv",
        alibaba.as_str(),
        "--time-col",
        "gmt_create",
        "--time-format",
        "%Y-%m-%d %H:%M:%S",
        "--duration-col",
        "exec_time_seconds",
        "--duration-unit",
        "s",
    ];
    let mut all = base.to_vec();
    all.extend(["-o", "alibaba.csv"]);
    run_ok(&workspace, &all);
    let summary = stats(&workspace, "alibaba.csv");
    assert_eq!(number(&summary, "rows"), 26_823.0);
    assert_eq!(number(&summary, "span_s"), 1_989_367.0);
    assert_eq!(number(&summary, "rate_per_s.peak_1s"), 8.0);
    assert!(
        (number(&summary, "duration_ms.p50") / 23_000.0 - 1.0).abs() < 0.002,
        "{summary}"
    );
    assert!(
        (number(&summary, "duration_ms.p99") / 106_000.0 - 1.0).abs() < 0.002,
        "{summary}"
    );
    assert_eq!(number(&summary, "duration_ms.max"), 567_000.0);
    assert_eq!(
        (number(&summary, "duration_ms.mean") / 100.0).round() / 10.0,
        28.7
    );
    let mut succeeded = base.to_vec();
    succeeded.extend(["--filter", "predict_status=SUCCEED", "-o", "succeeded.csv"]);
    run_ok(&workspace, &succeeded);
    assert_eq!(number(&stats(&workspace, "succeeded.csv"), "rows"), 26_392.0);

    // NASA per second, July + August 1995: 5,059,950 one-second bins,
    // 3,461,610 requests, 0.684 rps, 20 in one second. Equidistant spreading
    // keeps every count in its second.
    run_ok(
        &workspace,
        &[
            "trace",
            "import",
            "--from",
            "rate-series",
            &path(&traces, "nasa-http-1995/nasa_jul_aug95_requests_per_second.txt"),
            "--interval",
            "1s",
            "--spread",
            "equidistant",
            "--duration",
            "exponential:mean=50ms",
            "-o",
            "per-second.csv",
        ],
    );
    let per_second = stats(&workspace, "per-second.csv");
    assert_eq!(number(&per_second, "rows"), 3_461_610.0);
    assert_eq!(number(&per_second, "rate_per_s.peak_1s"), 20.0);
    // 3,461,610 requests over 5,059,950 s of bins.
    assert_eq!((3_461_610.0_f64 / 5_059_950.0 * 1_000.0).round() / 1_000.0, 0.684);
    assert!(number(&per_second, "span_s") > 5_059_900.0);
}

#[test]
fn real_world_cup_series_reproduces_the_readme() {
    let Some(traces) = shared_traces("real_world_cup_series_reproduces_the_readme") else {
        return;
    };
    let file = traces.join("worldcup98/invocation_count_per_minute.csv");
    // All of it would be 1.35 billion requests: check the series itself, then
    // import its busiest hour and check that every count lands in its minute.
    let series = costsim::workload::import::read_rate_series(&file, None).expect("readable");
    // Counts are kept per bucket holding any: (bucket index, count).
    let total: u64 = series.counts.iter().map(|(_, count)| count).sum();
    let busiest = series.counts.iter().map(|(_, count)| *count).max().unwrap_or(0);
    // README: 125,300 minutes; 1,352,804,107 requests; 179.9 rps; busiest
    // minute 3,823.8 rps. The rows span 1998-04-30 21:30 to 1998-07-26 21:59,
    // 87 days and 30 minutes = 125,310 minutes, so 10 minutes are missing
    // and count as zero.
    assert_eq!(series.rows, 125_300);
    assert_eq!(series.counts.last().map(|(index, _)| index + 1), Some(125_310));
    assert_eq!(total, 1_352_804_107);
    assert_eq!((total as f64 / (125_300.0 * 60.0) * 10.0).round() / 10.0, 179.9);
    assert_eq!((busiest as f64 / 60.0 * 10.0).round() / 10.0, 3_823.8);
    let peak_minute = series
        .counts
        .iter()
        .find(|(_, count)| *count == busiest)
        .map_or(0, |(index, _)| *index);
    let first = peak_minute.saturating_sub(30).to_string();
    let workspace = Workspace::new();
    run_ok(
        &workspace,
        &[
            "trace",
            "import",
            "--from",
            "rate-series",
            &file.to_string_lossy(),
            "--first-bucket",
            &first,
            "--buckets",
            "60",
            "--duration",
            "exponential:mean=20ms",
            "-o",
            "peak-hour.csv",
        ],
    );
    let summary = stats(&workspace, "peak-hour.csv");
    let window = peak_minute.saturating_sub(30)..peak_minute.saturating_sub(30) + 60;
    let expected: u64 = series
        .counts
        .iter()
        .filter(|(index, _)| window.contains(index))
        .map(|(_, count)| count)
        .sum();
    assert_eq!(number(&summary, "rows"), expected as f64);
    assert_eq!(number(&summary, "rate_per_s.peak_1m"), busiest as f64 / 60.0);
}
