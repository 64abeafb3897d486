//! Dyno-pool and VM bills to the cent, through the real trace → simulate
//! path, against the worked examples in ../shared/pricing/FACTS.md and the
//! billing rules the issue names.

use crate::support::{Workspace, assert_close, cents, line_item, number};

const EXACT: f64 = 1e-9;

/// One 10 ms request at t=0; `--horizon` sets how long the servers run.
fn simulate(workspace: &Workspace, args: &[&str]) -> serde_json::Value {
    let trace = workspace.write("one.csv", "time,duration_ms\n0,10\n");
    let mut all = vec!["--trace", trace.to_str().expect("utf-8 path")];
    all.extend_from_slice(args);
    workspace.simulate_json(&all)
}

#[test]
fn heroku_basic_dyno_for_two_hours_costs_about_two_cents() {
    // FACTS.md §11 #28: 1 Basic dyno ($7/month) for 2 hours, "approximately
    // $0.02". 7,200 s × $7 / 2,592,000 s = $0.019444 → $0.02.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--platform",
            "heroku-2025",
            "--set",
            "dyno_type=basic",
            "--horizon",
            "2h",
        ],
    );
    assert_eq!(number(line_item(&result, "Dynos (basic)"), "quantity"), 7_200.0);
    assert_close(number(&result, "bill.total"), 7_200.0 * 7.0 / 2_592_000.0, EXACT);
    assert_eq!(cents(number(&result, "bill.total")), 0.02);
}

#[test]
fn heroku_basic_dyno_for_a_day() {
    // FACTS.md §11 #30: "roughly $0.25/day"; the arithmetic is $7 / 30 =
    // $0.2333 (the vendor rounds up in prose) → $0.23.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--platform",
            "heroku-2025",
            "--set",
            "dyno_type=basic",
            "--horizon",
            "1d",
        ],
    );
    assert_eq!(cents(number(&result, "bill.total")), 0.23);
}

#[test]
fn heroku_standard_dyno_accrues_to_the_second() {
    // FACTS.md §11 #31: a standard-1x dyno up from 00:00:00 to 01:15:30
    // accrues 01:15:30 = 4,530 dyno-seconds: 4,530 × $25 / 2,592,000 =
    // $0.043692 → $0.04.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--platform",
            "heroku-2016",
            "--set",
            "dynos=1",
            "--horizon",
            "4530s",
        ],
    );
    assert_eq!(
        number(line_item(&result, "Dynos (standard-1x)"), "quantity"),
        4_530.0
    );
    assert_close(number(&result, "bill.total"), 0.043_692_129_6, 1e-9);
}

#[test]
fn heroku_performance_l_for_100_seconds() {
    // FACTS.md §11 #33: Performance-L $500/month, 100 s of a 30-day month:
    // 100 × 500 / 2,592,000 = $0.01929.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--platform",
            "heroku-2016",
            "--set",
            "dyno_type=performance-l",
            "--horizon",
            "100s",
        ],
    );
    assert_close(number(&result, "bill.total"), 0.019_290_123, 1e-9);
}

#[test]
fn heroku_caps_a_dyno_at_its_monthly_price() {
    // Two standard-1x dynos for all of January 2016 (31 days = 2,678,400 s
    // each): each is capped at 2,592,000 s = $25, so exactly $50; the
    // 86,400 s beyond the cap are a cap (a note), not a free allowance.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--platform",
            "heroku-2016",
            "--set",
            "dynos=2",
            "--horizon",
            "31d",
        ],
    );
    let dynos = line_item(&result, "Dynos (standard-1x)");
    assert_eq!(number(dynos, "quantity"), 2.0 * 2_592_000.0);
    assert_eq!(number(dynos, "free_quantity"), 0.0);
    assert_eq!(result["bill"]["total"].to_string(), "50");
    let notes = result["bill"]["notes"].to_string();
    assert!(
        notes.contains("2016-01: monthly cap: 2 dyno(s)") && notes.contains("172800 dyno-s beyond the cap"),
        "{notes}"
    );
}

#[test]
fn heroku_free_dyno_sleeps_and_wakes() {
    // A free dyno sleeps 30 min after its last request and takes 10 s to
    // wake. Requests at 0 and at 3,600 s: the dyno is up 0 → 1,800.01 s
    // (10 ms of work, then 30 min), asleep, then woken at 3,600 s and up
    // until the horizon at 3,610.01 s: 1,800.01 + 10.01 = 1,810.02 s, all
    // within the 550 free hours.
    let workspace = Workspace::new();
    let trace = workspace.write("sleepy.csv", "time,duration_ms\n0,10\n3600,10\n");
    let result = workspace.simulate_json(&[
        "--trace",
        trace.to_str().expect("utf-8 path"),
        "--platform",
        "heroku-2016",
        "--set",
        "dyno_type=free",
    ]);
    assert_eq!(number(&result, "requests.cold_starts"), 1.0);
    assert_eq!(number(&result, "latency_ms.max"), 10_010.0);
    assert_close(number(&result, "instances.instance_seconds"), 1_810.02, EXACT);
    assert_close(
        number(line_item(&result, "Free dyno hours (free)"), "free_quantity"),
        1_810.02 / 3_600.0,
        EXACT,
    );
    assert_eq!(number(&result, "bill.total"), 0.0);
}

#[test]
fn heroku_router_times_out_slow_responses() {
    // One worker; two 20 s requests at t=0: the second waits 20 s and
    // finishes at 40 s, past the 30 s router timeout (H12).
    let workspace = Workspace::new();
    let trace = workspace.write("slow.csv", "time,duration_ms\n0,20000\n0,20000\n");
    let result = workspace.simulate_json(&[
        "--trace",
        trace.to_str().expect("utf-8 path"),
        "--platform",
        "heroku-2016",
        "--set",
        "workers=1",
    ]);
    assert_eq!(number(&result, "requests.served"), 1.0);
    assert_eq!(number(&result, "requests.timed_out"), 1.0);
    assert_eq!(number(&result, "queue_ms.max"), 20_000.0);
}

#[test]
fn app_engine_bills_fifteen_minutes_after_the_last_request() {
    // FACTS.md §11 #34: an instance up 30 min then stopped is billed 45 min.
    // Requests every 5 minutes from 0 to 29:59 (10 ms each at F4, speed 1)
    // keep it busy for 30 min; accrual ends 15 min after the last one ends:
    // 29:59.01 + 15:00 ≈ 0.75 h × $0.20 (free tier off).
    let workspace = Workspace::new();
    let rows: String = [0, 300, 600, 900, 1200, 1500, 1799]
        .iter()
        .map(|second| format!("{second},10\n"))
        .collect();
    let trace = workspace.write("gae.csv", &format!("time,duration_ms\n{rows}"));
    let result = workspace.simulate_json(&[
        "--trace",
        trace.to_str().expect("utf-8 path"),
        "--platform",
        "gae-2016",
        "--set",
        "dyno_type=F4",
        "--set",
        "free_tier=false",
    ]);
    let hours = number(line_item(&result, "Instance hours (F4)"), "quantity");
    assert_close(hours, (1_799.01 + 900.0) / 3_600.0, 1e-9);
    assert_eq!(cents(number(&result, "bill.total")), 0.15);
}

#[test]
fn app_engine_never_counts_short_downtime_twice() {
    // Requests at 0 and at 10 min (F4, 10 ms): the gap is under 15 min, so
    // accrual runs on from 0 to 10:00.01 + 15:00 = 25:00.01 (not 15 + 15).
    // Requests at 0 and 20 min: accrual 0 → 15:00.01, then 20:00 →
    // 35:00.01: 30:00.02 in all.
    let workspace = Workspace::new();
    for (second, expected_s) in [(600, 1_500.01), (1_200, 1_800.02)] {
        let trace = workspace.write("gae.csv", &format!("time,duration_ms\n0,10\n{second},10\n"));
        let result = workspace.simulate_json(&[
            "--trace",
            trace.to_str().expect("utf-8 path"),
            "--platform",
            "gae-2016",
            "--set",
            "dyno_type=F4",
            "--set",
            "free_tier=false",
        ]);
        let hours = number(line_item(&result, "Instance hours (F4)"), "quantity");
        assert_close(hours, expected_s / 3_600.0, 1e-9);
    }
}

#[test]
fn app_engine_free_hours_are_counted_in_f1_units_per_day() {
    // An F2 instance kept busy all day from 08:00 UTC (midnight PST) by a
    // request every 10 minutes (10 ms in the trace, 20 ms at F2's half
    // speed; the last at 23:50). Day one accrues 24 F2-hours = 48 F1-hours,
    // of which 28 are free: 14 F2-hours free and 10 billed at $0.10 = $1.00.
    // The tail after the last request (23:50:00.02 + 15 min) spills
    // 300.02 s into day two, which is free.
    let workspace = Workspace::new();
    let rows: String = (0..144).map(|k| format!("{},10\n", k * 600)).collect();
    let trace = workspace.write("gae.csv", &format!("time,duration_ms\n{rows}"));
    let result = workspace.simulate_json(&[
        "--trace",
        trace.to_str().expect("utf-8 path"),
        "--platform",
        "gae-2016",
        "--set",
        "dyno_type=F2",
        "--start",
        "2016-03-01T08:00:00Z",
    ]);
    let hours = line_item(&result, "Instance hours (F2)");
    assert_close(number(hours, "quantity"), 10.0, 1e-9);
    assert_close(number(hours, "free_quantity"), 14.0 + 300.02 / 3_600.0, 1e-9);
    assert_close(number(&result, "bill.total"), 1.0, 1e-9);
}

#[test]
fn ec2_2016_bills_every_started_hour() {
    // One t2.small for 61 minutes in 2016 bills 2 hours: 2 × $0.026 = $0.052.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--platform",
            "ec2-2016",
            "--set",
            "instance_type=t2.small",
            "--set",
            "instances=1",
            "--set",
            "load_balancer=false",
            "--horizon",
            "61m",
        ],
    );
    assert_eq!(
        number(line_item(&result, "Instances (t2.small, on-demand)"), "quantity"),
        2.0
    );
    assert_close(number(&result, "bill.total"), 0.052, EXACT);
}

#[test]
fn ec2_per_second_billing_has_a_60_second_minimum() {
    // A t3.micro for 30 s bills 60 s: 60 / 3,600 h × $0.0104 = $0.000173.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--platform",
            "ec2-2025",
            "--set",
            "instance_type=t3.micro",
            "--set",
            "instances=1",
            "--set",
            "load_balancer=false",
            "--horizon",
            "30s",
        ],
    );
    assert_close(
        number(line_item(&result, "Instances (t3.micro, on-demand)"), "quantity"),
        60.0 / 3_600.0,
        EXACT,
    );
    assert_close(number(&result, "bill.total"), 60.0 / 3_600.0 * 0.0104, 1e-12);
}

#[test]
fn ec2_reserved_instances_are_billed_used_or_not_and_cover_usage() {
    // Two m4.large for 10 h in 2016 with 3 reserved: the reservation bills
    // 3 × 10 h at $0.120 × 0.6 = $0.072/h = $2.16 and covers both running
    // instances, so nothing is billed on demand.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--platform",
            "ec2-2016",
            "--set",
            "reserved=3",
            "--set",
            "load_balancer=false",
            "--horizon",
            "10h",
        ],
    );
    assert_eq!(
        number(line_item(&result, "Instances (m4.large, on-demand)"), "quantity"),
        0.0
    );
    assert_eq!(
        number(line_item(&result, "Reserved instances (m4.large)"), "quantity"),
        30.0
    );
    assert_close(number(&result, "bill.total"), 2.16, 1e-9);
    // One reserved of two: 10 h reserved ($0.72) + 10 h on demand ($1.20).
    let result = simulate(
        &workspace,
        &[
            "--platform",
            "ec2-2016",
            "--set",
            "reserved=1",
            "--set",
            "load_balancer=false",
            "--horizon",
            "10h",
        ],
    );
    assert_close(number(&result, "bill.total"), 0.72 + 1.20, 1e-9);
}

#[test]
fn ec2_spot_and_the_load_balancer() {
    // Two m4.large on spot (70% off: $0.036/h) for 5 h, with a classic load
    // balancer at $0.025/h: 10 × 0.036 + 5 × 0.025 = $0.485.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &["--platform", "ec2-2016", "--set", "spot=true", "--horizon", "5h"],
    );
    assert_close(number(&result, "bill.total"), 10.0 * 0.036 + 5.0 * 0.025, 1e-9);
}

#[test]
fn bad_pool_and_vm_settings_are_named() {
    let workspace = Workspace::new();
    for (args, message) in [
        (
            vec!["--platform", "heroku-2016", "--set", "dynos=0"],
            "setting `dynos`: expected a whole number of dynos from 1 to 10000, found `0`",
        ),
        (
            vec![
                "--platform",
                "heroku-2016",
                "--set",
                "dyno_type=performance-m",
                "--set",
                "autoscale=p95",
                "--set",
                "min_dynos=5",
                "--set",
                "max_dynos=2",
            ],
            "settings `min_dynos` and `max_dynos`: expected min_dynos <= max_dynos, found 5 and 2",
        ),
        (
            vec!["--platform", "heroku-2016", "--set", "autoscale=p95"],
            "heroku-2016 autoscales only performance-l, performance-m dynos, not standard-1x",
        ),
        (
            vec!["--platform", "heroku-2016", "--set", "routing=fastest"],
            "setting `routing`: expected one of random, shared, found `fastest`",
        ),
        (
            vec!["--platform", "ec2-2016", "--set", "instance_type=m9.huge"],
            "ec2-2016 has no type `m9.huge`",
        ),
        (
            vec!["--platform", "ec2-2016", "--set", "instances=0"],
            "setting `instances`: expected a whole number of instances from 1 to 10000, found `0`",
        ),
        (
            vec![
                "--platform",
                "ec2-2016",
                "--set",
                "spot=true",
                "--set",
                "reserved=1",
            ],
            "either spot or on-demand",
        ),
        (
            vec!["--platform", "ec2-2016", "--set", "keep_alive_s=5"],
            "unknown setting `keep_alive_s` for a vm platform; valid settings: instance_type",
        ),
        (
            vec!["--platform", "ec2-2016", "--set", "autoscale=schedule"],
            "schedule needs a `schedule`",
        ),
    ] {
        let mut all = vec!["simulate"];
        all.extend_from_slice(&args);
        let output = workspace.run(&all);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(message),
            "{args:?}: expected `{message}` in {stderr}"
        );
    }
}

#[test]
fn app_engine_bills_the_full_tail_of_an_instance_the_autoscaler_removes() {
    // Two F1 instances from t = 0, one 1 s request (4 s of work at F1's
    // quarter speed) on the first; the autoscaler removes the idle second
    // one at its first tick (60 s). Google bills each instance until 15
    // minutes after its last request: the first 0 to 4 + 900 = 904 s, the
    // second 0 to 0 + 900 = 900 s even though it stopped at 60 s (before the
    // fix: 60 s). 1,804 s = 0.50111 h × $0.05 = $0.025056.
    let workspace = Workspace::new();
    workspace.write("one.csv", "time,duration_ms\n0,1000\n");
    let result = workspace.simulate_json(&[
        "--trace",
        "one.csv",
        "--platform",
        "gae-2016",
        "--set",
        "dynos=2",
        "--set",
        "min_dynos=1",
        "--set",
        "autoscale=utilization",
        "--set",
        "boot_s=0",
        "--set",
        "free_tier=false",
        "--horizon",
        "1h",
    ]);
    assert_eq!(result["instances_over_time"].to_string(), "[[0.0,2],[60.0,1]]");
    let hours = number(line_item(&result, "Instance hours (F1)"), "quantity");
    assert_close(hours * 3_600.0, 1_804.0, 1e-9);
    assert_eq!(cents(number(&result, "bill.total")), 0.03);
}

#[test]
fn bytes_no_book_prices_are_noted_not_silently_free() {
    // Heroku and Azure Functions books price no data out: the bill says so.
    let workspace = Workspace::new();
    workspace.write("bytes.csv", "time,duration_ms,bytes_out\n0,100,1048576\n");
    for platform in ["heroku-2016", "azure-functions-2025"] {
        let result = workspace.simulate_json(&["--trace", "bytes.csv", "--platform", platform]);
        let notes = result["bill"]["notes"].to_string();
        assert!(notes.contains("Bytes sent are not priced"), "{platform}: {notes}");
    }
}
