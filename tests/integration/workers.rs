//! Cloudflare Workers (`cloudflare-workers-2025`, the function model with
//! CPU time billed apart from wall time) to the cent through trace →
//! simulate, against the vendor's worked examples (../shared/pricing/FACTS.md
//! §11 #24–#26). Each trace spreads the month's requests evenly over 30 days
//! of January 2016 (one calendar month).

use crate::support::{Workspace, assert_cents, line_item, number};

const MONTH_S: f64 = 30.0 * 86_400.0;

fn even_rows(count: u64, duration_ms: &str) -> impl Iterator<Item = String> + '_ {
    let spacing = MONTH_S / count as f64;
    (0..count).map(move |index| format!("{:.6},{duration_ms}", index as f64 * spacing))
}

fn simulate(workspace: &Workspace, count: u64, duration_ms: &str, args: &[&str]) -> serde_json::Value {
    let trace = workspace.write_rows("month.csv", "time,duration_ms", even_rows(count, duration_ms));
    let mut all = vec![
        "--trace",
        trace.to_str().expect("utf-8 path"),
        "--platform",
        "cloudflare-workers-2025",
    ];
    all.extend_from_slice(args);
    workspace.simulate_json(&all)
}

#[test]
fn example_24_fifteen_million_requests_of_seven_cpu_ms() {
    // 15M requests, 7 CPU-ms each (30 ms of wall time, not billed):
    // $5 base + requests (15M − 10M) × $0.30/M = $1.50 + CPU
    // (15M × 7 = 105M − 30M) × $0.02/M = $1.50; total $8.00.
    let workspace = Workspace::new();
    let result = simulate(&workspace, 15_000_000, "30", &["--set", "cpu_ms_per_request=7"]);
    assert_eq!(number(line_item(&result, "CPU time"), "quantity"), 75_000_000.0);
    assert_eq!(number(line_item(&result, "Requests"), "quantity"), 5_000_000.0);
    assert_cents(&result, "Workers Paid plan", 5.00);
    assert_cents(&result, "Requests", 1.50);
    assert_cents(&result, "CPU time", 1.50);
    assert_cents(&result, "total", 8.00);
}

#[test]
fn example_25_static_assets_are_not_worker_requests() {
    // 15M requests of which 80% are static assets, served without the Worker
    // and unbilled: the trace holds the 3M Worker requests at 7 CPU-ms.
    // 3M < 10M included requests; 21M < 30M included CPU-ms: $5.00.
    let workspace = Workspace::new();
    let result = simulate(&workspace, 3_000_000, "30", &["--set", "cpu_ms_per_request=7"]);
    assert_eq!(number(line_item(&result, "CPU time"), "quantity"), 0.0);
    assert_cents(&result, "total", 5.00);
}

#[test]
fn example_26_a_cron_worker_using_three_cpu_minutes_an_hour() {
    // 720 runs a month of 180,000 ms, all CPU (no cpu_ms_per_request: the
    // whole duration counts): 129.6M − 30M = 99.6M CPU-ms × $0.02/M =
    // $1.992 → $1.99; requests within the 10M; total $6.992 → $6.99.
    let workspace = Workspace::new();
    let result = simulate(&workspace, 720, "180000", &[]);
    assert_eq!(number(line_item(&result, "CPU time"), "quantity"), 99_600_000.0);
    assert_cents(&result, "CPU time", 1.99);
    assert_cents(&result, "total", 6.99);
}

#[test]
fn cpu_time_is_not_wall_time_and_other_books_refuse_it() {
    // 1,000 requests of 50 ms wall time with 2 CPU-ms each: 2,000 CPU-ms,
    // not 50,000; no duration line. On Lambda the setting is refused.
    let workspace = Workspace::new();
    let result = simulate(&workspace, 1_000, "50", &["--set", "cpu_ms_per_request=2"]);
    assert_eq!(number(line_item(&result, "CPU time"), "free_quantity"), 2_000.0);
    let items = result["bill"]["line_items"].as_array().expect("line items");
    assert!(!items.iter().any(|item| item["item"] == "Duration"), "{items:?}");
    let trace = workspace.write("one.csv", "time,duration_ms\n0,10\n");
    let output = workspace.run(&[
        "simulate",
        "--trace",
        trace.to_str().expect("utf-8 path"),
        "--platform",
        "aws-lambda-2025",
        "--set",
        "cpu_ms_per_request=2",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bills no CPU time apart from duration"),
        "{stderr}"
    );
}
