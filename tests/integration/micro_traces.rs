//! Lifecycle tests on traces of a few requests, each checked step by step:
//! warm and cold starts, keep-alive expiry, throttling, timeouts, billing
//! granularity and provisioned instances.
//!
//! Unless a test says otherwise: AWS Lambda 2016 prices, 128 MB (0.125 GB),
//! a constant 50 ms cold start, a 10 s keep-alive and no free tier.

use crate::support::{Workspace, assert_close, line_item, number};

const EXACT: f64 = 1e-9;

fn lambda_2016(workspace: &Workspace, trace: &str, extra: &[&str]) -> serde_json::Value {
    let path = workspace.write("trace.csv", trace);
    let mut args = vec![
        "--trace",
        path.to_str().expect("utf-8 path"),
        "--platform",
        "aws-lambda-2016",
        "--set",
        "cold_start_ms=50",
        "--set",
        "keep_alive_s=10",
        "--set",
        "free_tier=false",
    ];
    args.extend_from_slice(extra);
    workspace.simulate_json(&args)
}

#[test]
fn a_warm_start_reuses_the_idle_instance() {
    let workspace = Workspace::new();
    // t=0: cold start, 50 ms start-up + 30 ms, ends at 0.08 s.
    // t=1: the instance is idle (expires at 10.08 s): warm, ends at 1.03 s.
    let result = lambda_2016(&workspace, "time,duration_ms\n0,30\n1,30\n", &[]);
    assert_eq!(number(&result, "requests.total"), 2.0);
    assert_eq!(number(&result, "requests.served"), 2.0);
    assert_eq!(number(&result, "requests.cold_starts"), 1.0);
    assert_eq!(number(&result, "latency_ms.max"), 80.0);
    assert_eq!(number(&result, "latency_ms.mean"), 55.0);
    assert_eq!(number(&result, "instances.peak"), 1.0);
    // Horizon: to the end of the last request, 1.03 s. One instance alive
    // throughout: 1.03 instance-seconds, busy 0.08 + 0.03 = 0.11 s.
    assert_close(number(&result, "horizon_s"), 1.03, EXACT);
    assert_close(number(&result, "instances.instance_seconds"), 1.03, EXACT);
    assert_close(number(&result, "instances.busy_seconds"), 0.11, EXACT);
    // Warm but unbilled: 1.03 − 0.11 = 0.92 s; nothing paid sat idle.
    assert_close(number(&result, "instances.warm_unbilled_seconds"), 0.92, EXACT);
    assert_eq!(number(&result, "bill.idle.seconds"), 0.0);
    assert_close(number(&result, "instances.mean"), 1.0, EXACT);
    // Bill: 2 requests × $0.0000002 = $0.0000004; each 30 ms bills 100 ms,
    // so 2 × 0.1 s × 0.125 GB = 0.025 GB-s × $0.00001667 = $0.00000041675.
    // The 50 ms start-up is not billed in 2016.
    assert_close(
        number(line_item(&result, "Requests"), "amount"),
        0.000_000_4,
        EXACT,
    );
    assert_close(number(line_item(&result, "Duration"), "quantity"), 0.025, EXACT);
    assert_close(number(&result, "bill.total"), 0.000_000_816_75, 1e-15);
    assert_eq!(number(&result, "bill.idle.amount"), 0.0);
}

#[test]
fn an_idle_instance_expires_a_keep_alive_after_its_last_request() {
    let workspace = Workspace::new();
    // t=0: cold, ends 0.08, expires at 10.08 exactly.
    // t=10.08: expiry comes first, so this is a second cold start; ends at
    //   10.16, expires at 20.16.
    // t=20: warm on the second instance, ends at 20.03.
    let result = lambda_2016(&workspace, "time,duration_ms\n0,30\n10.08,30\n20,30\n", &[]);
    assert_eq!(number(&result, "requests.cold_starts"), 2.0);
    assert_eq!(number(&result, "instances.peak"), 1.0);
    // Lifetimes: 0 → 10.08 and 10.08 → 20.03 (the horizon): 20.03 s.
    // Busy: 0.08 + 0.08 + 0.03 = 0.19 s.
    assert_close(number(&result, "instances.instance_seconds"), 20.03, EXACT);
    assert_close(number(&result, "instances.busy_seconds"), 0.19, EXACT);
    assert_close(
        number(&result, "latency_ms.mean"),
        (80.0 + 80.0 + 30.0) / 3.0,
        EXACT,
    );
}

#[test]
fn an_instance_still_warm_a_microsecond_before_expiry_is_reused() {
    let workspace = Workspace::new();
    // Expiry at 10.08 s; a request at 10.079999 s still finds it warm.
    let result = lambda_2016(&workspace, "time,duration_ms\n0,30\n10.079999,30\n", &[]);
    assert_eq!(number(&result, "requests.cold_starts"), 1.0);
}

#[test]
fn requests_beyond_the_concurrency_limit_are_throttled_and_not_billed() {
    let workspace = Workspace::new();
    // Limit 2. Three requests at t=0 of 1 s: two cold starts, the third is
    // throttled. Both instances finish at 1.05 s; the request at 1.05 s
    // arrives as they free up (completions come first) and is warm.
    let result = lambda_2016(
        &workspace,
        "time,duration_ms\n0,1000\n0,1000\n0,1000\n1.05,100\n",
        &["--set", "concurrency_limit=2"],
    );
    assert_eq!(number(&result, "requests.total"), 4.0);
    assert_eq!(number(&result, "requests.served"), 3.0);
    assert_eq!(number(&result, "requests.throttled"), 1.0);
    assert_eq!(number(&result, "requests.cold_starts"), 2.0);
    assert_eq!(number(&result, "instances.peak"), 2.0);
    // Billed: 3 requests ($0.0000006) and 1 s + 1 s + 0.1 s at 0.125 GB =
    // 0.2625 GB-s × $0.00001667 = $0.000004375875.
    assert_close(number(line_item(&result, "Requests"), "quantity"), 3.0, EXACT);
    assert_close(number(line_item(&result, "Duration"), "quantity"), 0.2625, EXACT);
    assert_close(
        number(&result, "bill.total"),
        0.000_000_6 + 0.000_004_375_875,
        1e-15,
    );
}

#[test]
fn a_request_past_the_time_limit_is_cut_off_and_billed_to_the_limit() {
    let workspace = Workspace::new();
    // Limit 1 s; the request wants 2.5 s. It is cut off 1 s after its
    // 50 ms start-up: latency 1,050 ms, billed 1 s × 0.125 GB = 0.125 GB-s.
    let result = lambda_2016(
        &workspace,
        "time,duration_ms\n0,2500\n",
        &["--set", "max_duration_s=1"],
    );
    assert_eq!(number(&result, "requests.timed_out"), 1.0);
    assert_eq!(number(&result, "requests.served"), 0.0);
    assert_eq!(number(&result, "latency_ms.max"), 1050.0);
    assert_close(number(line_item(&result, "Duration"), "quantity"), 0.125, EXACT);
    assert_close(number(line_item(&result, "Requests"), "quantity"), 1.0, EXACT);
}

#[test]
fn durations_round_up_to_100_ms_in_2016_and_to_1_ms_since_2020() {
    let workspace = Workspace::new();
    let trace = "time,duration_ms\n0,1\n1,100\n2,100.001\n";
    // 2016: 1 → 100 ms, 100 → 100 ms, 100.001 → 200 ms: 0.4 s × 0.125 GB.
    let result = lambda_2016(&workspace, trace, &[]);
    assert_close(number(line_item(&result, "Duration"), "quantity"), 0.05, EXACT);
    // 2025 (start-up 0 so INIT adds nothing): 1 + 100 + 101 ms = 0.202 s ×
    // 0.125 GB = 0.02525 GB-s.
    let path = workspace.write("trace.csv", trace);
    let result = workspace.simulate_json(&[
        "--trace",
        path.to_str().expect("utf-8 path"),
        "--platform",
        "aws-lambda-2025",
        "--set",
        "cold_start_ms=0",
        "--set",
        "free_tier=false",
    ]);
    assert_close(
        number(line_item(&result, "Duration, tier 1"), "quantity"),
        0.02525,
        EXACT,
    );
}

#[test]
fn init_time_is_billed_since_august_2025() {
    let workspace = Workspace::new();
    // One cold start of 250 ms before a 100 ms request: billed 350 ms at
    // 1 GB = 0.35 GB-s on the 2025 book.
    let path = workspace.write("trace.csv", "time,duration_ms\n0,100\n");
    let result = workspace.simulate_json(&[
        "--trace",
        path.to_str().expect("utf-8 path"),
        "--platform",
        "aws-lambda-2025",
        "--memory-mb",
        "1024",
        "--set",
        "cold_start_ms=250",
        "--set",
        "free_tier=false",
    ]);
    assert_close(
        number(line_item(&result, "Duration, tier 1"), "quantity"),
        0.35,
        EXACT,
    );
    assert_eq!(number(&result, "latency_ms.max"), 350.0);
}

fn provisioned_2025(workspace: &Workspace, trace: &str, extra: &[&str]) -> serde_json::Value {
    let path = workspace.write("trace.csv", trace);
    let mut args = vec![
        "--trace",
        path.to_str().expect("utf-8 path"),
        "--platform",
        "aws-lambda-2025",
        "--memory-mb",
        "1024",
        "--set",
        "provisioned=1",
        "--set",
        "cold_start_ms=100",
        "--set",
        "keep_alive_s=60",
        "--set",
        "free_tier=false",
    ];
    args.extend_from_slice(extra);
    workspace.simulate_json(&args)
}

#[test]
fn provisioned_instances_serve_first_and_bill_while_configured() {
    let workspace = Workspace::new();
    // 1 provisioned instance of 1 GB. t=0: served warm by it, ends 0.2 s.
    // t=0.1: it is busy, so an on-demand instance starts cold (100 ms, billed
    // in 2025): ends at 0.4 s, the horizon.
    let result = provisioned_2025(&workspace, "time,duration_ms\n0,200\n0.1,200\n", &[]);
    assert_eq!(number(&result, "requests.cold_starts"), 1.0);
    assert_eq!(number(&result, "instances.peak"), 2.0);
    assert_eq!(number(&result, "latency_ms.max"), 300.0);
    // Configured 0.4 s, rounded up to 5 minutes: 300 GB-s × $0.0000041667
    //   = $0.00125001.
    // Provisioned duration: 0.2 GB-s × $0.0000097222 = $0.00000194444.
    // On-demand: (100 + 200) ms × 1 GB = 0.3 GB-s × $0.0000166667
    //   = $0.00000500001.
    // Requests: 2 × $0.0000002 = $0.0000004.
    assert_close(
        number(line_item(&result, "Provisioned concurrency"), "quantity"),
        300.0,
        EXACT,
    );
    assert_close(
        number(line_item(&result, "Provisioned duration"), "quantity"),
        0.2,
        EXACT,
    );
    assert_close(
        number(line_item(&result, "Duration, tier 1"), "quantity"),
        0.3,
        EXACT,
    );
    assert_close(number(&result, "bill.total"), 0.001_257_354_45, 1e-14);
    // Lifetimes: provisioned 0 → 0.4 s, on-demand 0.1 → 0.4 s: 0.7 s;
    // busy 0.2 + 0.3 = 0.5 s. The provisioned instance idled 0.2 s, worth
    // 0.2 GB-s × $0.0000041667 = $0.00000083334.
    assert_close(number(&result, "instances.instance_seconds"), 0.7, EXACT);
    assert_close(number(&result, "instances.busy_seconds"), 0.5, EXACT);
    assert_close(number(&result, "bill.idle.seconds"), 0.2, EXACT);
    assert_close(number(&result, "bill.idle.amount"), 0.000_000_833_34, 1e-15);
}

#[test]
fn provisioned_instances_are_released_when_the_window_ends() {
    let workspace = Workspace::new();
    // Provisioned for the first second. t=0: served by it (ends 0.2 s); it
    // is released at 1 s. t=2: cold on demand, ends 2.3 s.
    let result = provisioned_2025(
        &workspace,
        "time,duration_ms\n0,200\n2,200\n",
        &["--set", "provisioned_until=1s"],
    );
    assert_eq!(number(&result, "requests.cold_starts"), 1.0);
    assert_eq!(number(&result, "instances.peak"), 1.0);
    // Lifetimes 0 → 1 s and 2 → 2.3 s; provisioned idle 1 − 0.2 = 0.8 s.
    assert_close(number(&result, "instances.instance_seconds"), 1.3, EXACT);
    assert_close(number(&result, "bill.idle.seconds"), 0.8, EXACT);
    // One second configured bills five minutes: 300 GB-s.
    assert_close(
        number(line_item(&result, "Provisioned concurrency"), "quantity"),
        300.0,
        EXACT,
    );
}

#[test]
fn concurrent_instances_pack_requests_before_starting_new_ones() {
    let workspace = Workspace::new();
    // Two requests per instance. t=0: cold (50 ms), t=0.01: joins the same
    // instance and waits for its start-up (latency 40 + 100 = 140 ms);
    // t=0.02: the instance is full, a second one starts.
    let result = lambda_2016(
        &workspace,
        "time,duration_ms\n0,100\n0.01,100\n0.02,100\n",
        &["--set", "instance_concurrency=2"],
    );
    assert_eq!(number(&result, "requests.cold_starts"), 2.0);
    assert_eq!(number(&result, "instances.peak"), 2.0);
    assert_close(
        number(&result, "latency_ms.mean"),
        (150.0 + 140.0 + 150.0) / 3.0,
        EXACT,
    );
}

#[test]
fn an_explicit_horizon_counts_later_requests_without_simulating_them() {
    let workspace = Workspace::new();
    let result = lambda_2016(
        &workspace,
        "time,duration_ms\n0,30\n5,30\n20,30\n",
        &["--horizon", "10s"],
    );
    assert_eq!(number(&result, "requests.total"), 2.0);
    assert_eq!(number(&result, "requests_beyond_horizon"), 1.0);
    assert_eq!(number(&result, "horizon_s"), 10.0);
    // The instance lives from 0 to the horizon (it would expire at 15.03 s).
    assert_close(number(&result, "instances.instance_seconds"), 10.0, EXACT);
    assert_close(number(&result, "instances.mean"), 1.0, EXACT);
}

#[test]
fn monthly_allowances_reset_at_midnight_utc_whatever_the_start() {
    // A price book whose free tier is one request a month. Starting at
    // 2016-01-31T23:30:00Z, a request at 0 s falls in January and one at
    // 3,600 s (00:30 on 1 February) in February: each month's free request
    // covers it, so none is billed. Both at 0 s and 60 s fall in January:
    // one is billed.
    let workspace = Workspace::new();
    let book = include_str!("../../pricing/aws-lambda-2016.toml")
        .replace("id = \"aws-lambda-2016\"", "id = \"one-free\"")
        .replace("requests = 1_000_000", "requests = 1");
    workspace.write("one-free.toml", &book);
    for (second, billed) in [(3_600, 0.0), (60, 1.0)] {
        let trace = workspace.write("t.csv", &format!("time,duration_ms\n0,10\n{second},10\n"));
        let result = workspace.simulate_json(&[
            "--trace",
            trace.to_str().expect("utf-8 path"),
            "--platform",
            "one-free.toml",
            "--start",
            "2016-01-31T23:30:00Z",
        ]);
        assert_eq!(
            number(line_item(&result, "Requests"), "quantity"),
            billed,
            "second {second}"
        );
    }
}
