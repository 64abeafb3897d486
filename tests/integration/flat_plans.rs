//! The flat-plan model on traces of a few requests, each outcome worked out
//! by hand: soft and hard monthly quotas, rate limits, the concurrency
//! limit (rejecting and queueing), the time limit, memory, script expiry,
//! billing by started calendar month, metered compute hours, and the
//! cheapest plan that fits. Traces start at 2016-01-01T00:00:00Z.

use serde_json::Value;

use crate::support::{Workspace, assert_close, line_item, number};

const EXACT: f64 = 1e-9;

/// A book of plans for the micro traces (prices in whole dollars).
const TEST_BOOK: &str = r#"
id = "test-plans"
family = "flat_plan"
title = "Test plans"
vendor = "Test"
region = "global"
era = "2016"
effective_date = "2016-01-01"
currency = "USD"
sources = ["https://example.com/plans (accessed 2026-12-01)"]

[flat_plan]
default_plan = "soft3"

[flat_plan.plans.soft3]
monthly_price = 10
requests_per_month = 3
quota = "soft"

[flat_plan.plans.hard3]
monthly_price = 7
requests_per_month = 3
quota = "hard"

[flat_plan.plans.rate2]
monthly_price = 1
rate_limits = [{ per = "second", requests = 2 }]

[flat_plan.plans.one-at-a-time]
monthly_price = 2
concurrency = 1

[flat_plan.plans.queue1]
monthly_price = 3
concurrency = 1
at_limit = "queue"
time_limit_s = 10
memory_mb = 256
included_compute_hours = 0.001
price_per_compute_hour = 36
"#;

fn run(workspace: &Workspace, trace: &str, book: &str, extra: &[&str]) -> Value {
    let trace = workspace.write("trace.csv", trace);
    let mut args = vec!["--trace", trace.to_str().expect("utf-8 path"), "--platform", book];
    args.extend_from_slice(extra);
    workspace.simulate_json(&args)
}

fn test_plan(trace: &str, plan: &str) -> Value {
    test_plan_with(trace, plan, &[])
}

fn test_plan_with(trace: &str, plan: &str, extra: &[&str]) -> Value {
    let workspace = Workspace::new();
    let book = workspace.write("plans.toml", TEST_BOOK);
    let setting = format!("plan={plan}");
    let mut args = vec!["--set", setting.as_str()];
    args.extend_from_slice(extra);
    run(&workspace, trace, book.to_str().expect("utf-8 path"), &args)
}

fn notes(result: &Value) -> Vec<String> {
    result["bill"]["notes"]
        .as_array()
        .map(|notes| {
            notes
                .iter()
                .filter_map(|note| note.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[track_caller]
fn assert_note(result: &Value, expected: &str) {
    let notes = notes(result);
    assert!(
        notes.iter().any(|note| note.contains(expected)),
        "no note containing `{expected}` in {notes:#?}"
    );
}

#[test]
fn a_soft_quota_serves_every_request_and_reports_the_overage() {
    // Five requests in January on a quota of three: all served, the 4th and
    // 5th over the quota. One month at $10.
    let result = test_plan("time,duration_ms\n0,100\n1,100\n2,100\n3,100\n4,100\n", "soft3");
    assert_eq!(number(&result, "requests.served"), 5.0);
    assert_eq!(number(&result, "requests.throttled"), 0.0);
    assert_note(
        &result,
        "2016-01: 5 requests, 2 beyond the plan's quota of 3 a month",
    );
    assert_eq!(number(line_item(&result, "Plan (soft3)"), "quantity"), 1.0);
    assert_eq!(number(&result, "bill.total"), 10.0);
    // The only plan without a limit the trace exceeds: rate2 ($1; at most
    // one request a second here, under its 2).
    assert_note(&result, "you would have needed plan rate2 ($1.00 for 1 month(s))");
    // A plan the workload outgrew is never crowned: the two beyond the
    // quota make the verdict degraded (no SLO), with an SLO a miss.
    assert_eq!(number(&result, "requests.over_quota"), 2.0);
    assert_eq!(result["verdict"]["status"], "degraded", "{}", result["verdict"]);
    assert_eq!(number(&result, "verdict.over_quota"), 2.0);
    let judged = test_plan_with(
        "time,duration_ms\n0,100\n1,100\n2,100\n3,100\n4,100\n",
        "soft3",
        &["--slo", "p99=1s"],
    );
    assert_eq!(judged["verdict"]["status"], "misses", "{}", judged["verdict"]);
}

#[test]
fn a_hard_quota_rejects_until_the_next_month() {
    // Four requests on 31 Jan (the 4th rejected), two on 1 Feb (a new
    // quota): 5 served, 1 rejected, two months at $7 = $14.
    let day = 86_400;
    let jan31 = 30 * day;
    let feb1 = 31 * day;
    let trace = format!(
        "time,duration_ms\n{jan31},10\n{},10\n{},10\n{},10\n{feb1},10\n{},10\n",
        jan31 + 1,
        jan31 + 2,
        jan31 + 3,
        feb1 + 1
    );
    let result = test_plan(&trace, "hard3");
    assert_eq!(number(&result, "requests.served"), 5.0);
    assert_eq!(number(&result, "requests.throttled"), 1.0);
    assert_note(
        &result,
        "1 requests rejected: they arrived after the month's quota of 3 was used",
    );
    assert_eq!(number(line_item(&result, "Plan (hard3)"), "quantity"), 2.0);
    assert_eq!(number(&result, "bill.total"), 14.0);
}

#[test]
fn a_rate_limit_counts_the_requests_of_the_last_window() {
    // 2 a second. 0.0 and 0.1 s pass; 0.2 s finds two in the window: out.
    // At 1.0 s the window starts at 0.01 s: only 0.1 s is in it, so 1.0
    // passes; at 1.05 s, 0.1 and 1.0 are in it: out; at 1.1 s the window
    // starts at 0.11 s: only 1.0 is left, so 1.1 passes.
    let trace = "time,duration_ms\n0,1\n0.1,1\n0.2,1\n1.0,1\n1.05,1\n1.1,1\n";
    let result = test_plan(trace, "rate2");
    assert_eq!(number(&result, "requests.served"), 4.0);
    assert_eq!(number(&result, "requests.throttled"), 2.0);
    assert_note(
        &result,
        "2 requests rejected: they exceeded the rate limit of 2 per second",
    );
    // Counting every request, the busiest window is the one at 1.05 s
    // (0.1, 0.2, 1.0, 1.05): four. soft3 and hard3 have no rate limit but
    // a quota of 3, under the trace's 6; one-at-a-time's concurrency of 1
    // holds (1 ms each), so at $2 it is the cheapest that fits.
    assert_note(
        &result,
        "does not fit plan rate2 (4 requests in a second, over its rate limit of 2); you would have needed plan one-at-a-time ($2.00 for 1 month(s))",
    );
}

#[test]
fn the_concurrency_limit_rejects_a_request_while_one_runs() {
    // A runs 0-2 s; B at 1 s finds A running: rejected; C at 2 s finds A
    // ended at 2 s: served.
    let result = test_plan("time,duration_ms\n0,2000\n1,500\n2,500\n", "one-at-a-time");
    assert_eq!(number(&result, "requests.served"), 2.0);
    assert_eq!(number(&result, "requests.throttled"), 1.0);
    assert_note(
        &result,
        "1 requests rejected: they arrived with 1 requests running (the concurrency limit)",
    );
    assert_eq!(number(&result, "instances.peak"), 1.0);
}

#[test]
fn a_queueing_plan_makes_requests_wait_and_meters_compute() {
    // A runs 0-2 s; B arrives at 1 s, waits for A (1 s) and runs 2-4 s;
    // latency 3 s. C (15 s) arrives at 5 s, after B ended, and is cut at
    // the 10 s time limit: it runs 5-15 s, timed out, latency 10 s.
    // D asks for 512 MB, over 256: rejected.
    // Compute: 2 + 2 + 10 = 14 s = 0.003888… h, of which 0.001 h is
    // included: (14/3600 − 0.001) × $36 = $0.14 − $0.036 = $0.104; plus the
    // plan's $3: $3.104.
    let trace = "time,duration_ms,memory_mb\n0,2000,128\n1,2000,128\n5,15000,128\n6,100,512\n";
    let result = test_plan(trace, "queue1");
    assert_eq!(number(&result, "requests.served"), 2.0);
    assert_eq!(number(&result, "requests.timed_out"), 1.0);
    assert_eq!(number(&result, "requests.throttled"), 1.0);
    assert_note(
        &result,
        "1 requests rejected: they asked for more than the plan's 256 MB",
    );
    assert_eq!(number(&result, "latency_ms.max"), 10_000.0);
    assert_eq!(number(&result, "queue_ms.max"), 1_000.0);
    let compute = line_item(&result, "Compute hours (queue1)");
    assert_close(number(compute, "free_quantity"), 0.001, EXACT);
    assert_close(number(compute, "amount"), 0.104, EXACT);
    assert_close(number(&result, "bill.total"), 3.104, EXACT);
}

#[test]
fn free_webscript_scripts_expire_seven_days_after_their_first_request() {
    let workspace = Workspace::new();
    // Script a: day 0 and 6.99 served, day 7 rejected (7 × 86,400 s after
    // its first request). Script b starts on day 7: served.
    let day = 86_400.0;
    let trace = format!(
        "time,duration_ms,function\n0,50,a\n{},50,a\n{},50,a\n{},50,b\n",
        6.99 * day,
        7.0 * day,
        7.0 * day + 1.0
    );
    let free = run(&workspace, &trace, "webscript-2016", &[]);
    assert_eq!(number(&free, "requests.served"), 3.0);
    assert_eq!(number(&free, "requests.throttled"), 1.0);
    assert_note(
        &free,
        "1 requests rejected: they arrived after their script expired (7 days after its first request)",
    );
    assert_eq!(number(&free, "bill.total"), 0.0);
    assert_note(
        &free,
        "does not fit plan free (scripts in use for more than its 7-day lifetime); you would have needed plan unlimited ($5.00 for 1 month(s))",
    );
    // On Unlimited nothing expires: 4 served, one month at $5 [R].
    let unlimited = run(&workspace, &trace, "webscript-2016", &["--set", "plan=unlimited"]);
    assert_eq!(number(&unlimited, "requests.served"), 4.0);
    assert_eq!(number(&unlimited, "bill.total"), 5.0);
}

#[test]
fn hookio_names_the_cheapest_plan_that_fits() {
    let workspace = Workspace::new();
    // 1,500 requests in January: over Free's 1,000; Small (10,000, $20) is
    // the cheapest that fits; Medium $50 and Large $100 fit too.
    let rows: String = (0..1_500).map(|second| format!("{second},100\n")).collect();
    let trace = format!("time,duration_ms\n{rows}");
    let free = run(&workspace, &trace, "hookio-2016", &[]);
    assert_eq!(number(&free, "requests.served"), 1_500.0);
    assert_note(
        &free,
        "2016-01: 1500 requests, 500 beyond the plan's quota of 1000 a month",
    );
    assert_note(&free, "you would have needed plan small ($20.00 for 1 month(s))");
    let large = run(&workspace, &trace, "hookio-2016", &["--set", "plan=large"]);
    assert_eq!(number(&large, "bill.total"), 100.0);
    assert_note(
        &large,
        "Plan large fits this workload, but the cheapest plan that fits is small ($20.00 for 1 month(s))",
    );
    let small = run(&workspace, &trace, "hookio-2016", &["--set", "plan=small"]);
    assert_note(
        &small,
        "Plan small fits this workload and is the cheapest that does ($20.00 for 1 month(s))",
    );
    // The March 2016 table: Bronze ($10, 10,000 requests) is the cheapest.
    let march = run(
        &workspace,
        &trace,
        "hookio-2016-03",
        &["--start", "2016-03-10T00:00:00Z"],
    );
    assert_note(
        &march,
        "you would have needed plan bronze ($10.00 for 1 month(s))",
    );
}

#[test]
fn hookio_free_cuts_requests_at_its_time_limit() {
    let workspace = Workspace::new();
    // 10 s on the May 2016 table, 15 s on the March one: a 12 s request is
    // cut off on the first and served on the second.
    let may = run(&workspace, "time,duration_ms\n0,12000\n", "hookio-2016", &[]);
    assert_eq!(number(&may, "requests.timed_out"), 1.0);
    assert_eq!(number(&may, "latency_ms.max"), 10_000.0);
    assert_note(&may, "a request of 12 s, over its time limit of 10 s");
    let march = run(&workspace, "time,duration_ms\n0,12000\n", "hookio-2016-03", &[]);
    assert_eq!(number(&march, "requests.served"), 1.0);
}

#[test]
fn ironworker_bills_compute_hours_beyond_ten() {
    let workspace = Workspace::new();
    // Eleven one-hour tasks at once, five workers: 11 compute-hours, 10
    // free, 1 × $0.05 = $0.05 [R]. The last task starts after two rounds:
    // at 7,200 s, and ends at 10,800 s.
    let rows: String = (0..11).map(|_| "0,3600000\n".to_owned()).collect();
    let trace = format!("time,duration_ms\n{rows}");
    let result = run(&workspace, &trace, "ironworker-2016", &[]);
    assert_eq!(number(&result, "requests.served"), 11.0);
    let compute = line_item(&result, "Compute hours (compute-hours)");
    assert_close(number(compute, "quantity"), 1.0, EXACT);
    assert_close(number(compute, "free_quantity"), 10.0, EXACT);
    assert_close(number(&result, "bill.total"), 0.05, EXACT);
    assert_close(number(&result, "horizon_s"), 10_800.0, EXACT);
    assert_eq!(number(&result, "queue_ms.max"), 7_200_000.0);
}

#[test]
fn webtask_rejects_beyond_its_rate_limits() {
    let workspace = Workspace::new();
    // Twelve requests in the first half second: the limit of 10 a second
    // [R] turns the 11th and 12th away.
    let rows: String = (0..12)
        .map(|index| format!("{:.2},5\n", f64::from(index) * 0.04))
        .collect();
    let trace = format!("time,duration_ms\n{rows}");
    let result = run(&workspace, &trace, "webtask-2016", &[]);
    assert_eq!(number(&result, "requests.served"), 10.0);
    assert_eq!(number(&result, "requests.throttled"), 2.0);
    assert_note(
        &result,
        "does not fit plan free (12 requests in a second, over its rate limit of 10)",
    );
}

#[test]
fn an_unknown_plan_is_bad_usage_naming_the_plans() {
    let workspace = Workspace::new();
    let trace = workspace.write("trace.csv", "time,duration_ms\n0,1\n");
    let output = workspace.run(&[
        "simulate",
        "--trace",
        trace.to_str().expect("utf-8 path"),
        "--platform",
        "hookio-2016",
        "--set",
        "plan=gold",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("hookio-2016 has no plan `gold`; its plans: free, large, medium, small"),
        "{stderr}"
    );
}

#[test]
fn a_bad_plan_book_names_the_line_and_key() {
    let workspace = Workspace::new();
    let book = TEST_BOOK.replace(r#"per = "second""#, r#"per = "fortnight""#);
    let path = workspace.write("plans.toml", &book);
    let output = workspace.run(&["pricing", "show", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`flat_plan.plans.rate2.rate_limits.per`: expected `second`, `minute`, `hour`, `day` or `week`, found `fortnight`"),
        "{stderr}"
    );
}

#[test]
fn pricing_show_lists_the_plans_and_marks_unconfirmed_ones() {
    let workspace = Workspace::new();
    let output = workspace.run(&["pricing", "show", "webscript-2016"]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("scripts expire after 7 days"), "{text}");
    assert!(text.contains("[R] unconfirmed"), "{text}");
    let output = workspace.run(&["pricing", "show", "webscript-2016", "--format", "json"]);
    let book: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        book["offering"]["plans"]["unlimited"]["confidence"],
        "unconfirmed"
    );
    assert_eq!(book["offering"]["plans"]["free"]["confidence"], "confirmed");
}

/// The model's own run of `requests` (arrival, duration in µs) on `book`
/// from 2016-01-01, for re-pricing.
fn model_run(book: &str, requests: &[(u64, u64)]) -> costsim::platform::ModelRun {
    let book = costsim::pricing::resolve(book).expect("a price book");
    let deployment = costsim::simulation::Deployment::resolve(book, &[]).expect("valid settings");
    let options = costsim::platform::RunOptions {
        origin: costsim::workload::default_start(),
        horizon: None,
        seed: 1,
    };
    let mut requests = costsim::workload::Batched::new(requests.iter().map(|&(arrival, duration)| {
        Ok(costsim::workload::Request {
            arrival,
            duration,
            function: costsim::workload::FunctionId(0),
            memory_mb: None,
            bytes_out: 0,
        })
    }));
    deployment
        .configured
        .run(&mut requests, &options, true)
        .expect("runs")
}

#[test]
fn a_run_re_prices_under_a_plan_of_the_same_limits_only() {
    let workspace = Workspace::new();
    let book = workspace.write("plans.toml", TEST_BOOK);
    let dearer = workspace.write(
        "dearer.toml",
        &TEST_BOOK
            .replace(r#"id = "test-plans""#, r#"id = "dearer-plans""#)
            .replace("monthly_price = 10", "monthly_price = 12"),
    );
    // Five requests on soft3 (the default plan) in January: one month, at
    // $10 in the book and at $12 in the dearer one, same limits.
    let requests: Vec<(u64, u64)> = (0..5).map(|second| (second * 1_000_000, 1_000)).collect();
    let run = model_run(book.to_str().expect("utf-8 path"), &requests);
    assert_eq!(run.usage.bill(u64::MAX).total.to_string(), "10");
    let dearer = costsim::pricing::resolve(dearer.to_str().expect("utf-8 path")).expect("book");
    let as_dearer = costsim::simulation::Deployment::resolve(dearer.clone(), &[]).expect("valid settings");
    let repriced = run
        .usage
        .reprice(&dearer, as_dearer.configured.as_ref())
        .expect("same limits");
    assert_eq!(repriced.total.to_string(), "12");
    assert!(
        repriced
            .notes
            .iter()
            .any(|note| note.contains("5 requests, 2 beyond the plan's quota of 3")),
        "{:?}",
        repriced.notes
    );
    // hook.io's free plan had a 15 s limit in March 2016 and 10 s from May:
    // a run under one is not a run under the other.
    let run = model_run("hookio-2016", &requests);
    let march = costsim::pricing::resolve("hookio-2016-03").expect("book");
    let as_march = costsim::simulation::Deployment::resolve(march.clone(), &[]).expect("valid settings");
    let error = run
        .usage
        .reprice(&march, as_march.configured.as_ref())
        .expect_err("other limits");
    assert!(
        error.to_string().contains("has other limits than this run's"),
        "{error}"
    );
}
