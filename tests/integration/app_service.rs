//! Azure App Service on the pool model: instances billed per hour of their
//! life for the plan's tier whether they serve or not, fixed or scaled on
//! a schedule, and the portal's monthly prices (744 h in 2016, 730 h
//! later) from FACTS §6.2 and §14.3, to the cent. Traces start at
//! 2016-01-01T00:00:00Z.

use crate::support::{Workspace, assert_close, line_item, number};

const EXACT: f64 = 1e-9;

fn app_service(book: &str, horizon: &str, settings: &[&str]) -> serde_json::Value {
    let workspace = Workspace::new();
    let trace = workspace.write("trace.csv", "time,duration_ms\n0,200\n");
    let mut args = vec![
        "--trace",
        trace.to_str().expect("utf-8 path"),
        "--platform",
        book,
        "--horizon",
        horizon,
    ];
    for setting in settings {
        args.extend_from_slice(&["--set", setting]);
    }
    workspace.simulate_json(&args)
}

#[track_caller]
fn assert_note(result: &serde_json::Value, expected: &str) {
    let notes = result["bill"]["notes"].to_string();
    assert!(notes.contains(expected), "no note `{expected}` in {notes}");
}

#[test]
fn a_b1_instance_for_january_2016_costs_the_portals_744_hour_month() {
    // FACTS §6.2: B1 about $0.075/h, "≈$56/mo" [R]; §14.3: the portal's
    // month was 744 h until 2019. January has 31 × 24 = 744 h:
    // 744 × $0.075 = $55.80, one request or none.
    let result = app_service("app-service-2016", "31d", &[]);
    let hours = line_item(&result, "Instance hours (B1)");
    assert_close(number(hours, "quantity"), 744.0, EXACT);
    assert_close(number(&result, "bill.total"), 55.80, EXACT);
    assert_note(
        &result,
        "The portal's month is 744 hours: one B1 instance, 744 × $0.075 = $55.80 a month",
    );
    // Nearly all of it is idle: the one request kept one of the eight
    // workers busy for 0.2 s, 0.025 instance-seconds of 744 × 3,600.
    assert_close(
        number(&result, "bill.idle.amount"),
        55.80 * (1.0 - 0.025 / (744.0 * 3600.0)),
        1e-9,
    );
}

#[test]
fn an_s1_instance_for_730_hours_costs_73_dollars() {
    // FACTS §6.2: S1 about $0.10/h, "≈$73/mo" [R]: 730 h × $0.10 = $73.00
    // (730 h = 30 days and 10 hours).
    let result = app_service("app-service-2016", "730h", &["dyno_type=S1"]);
    assert_close(number(&result, "bill.total"), 73.0, EXACT);
}

#[test]
fn a_shared_d1_instance_for_730_hours_costs_9_49() {
    // FACTS §6.2 [V]: Shared D1 $0.013/h, "≈$9.49/mo at 730 h":
    // 730 × $0.013 = $9.49 exactly; the 2025 portal's month is 730 h.
    let result = app_service("app-service-2025", "730h", &["dyno_type=D1"]);
    assert_close(number(&result, "bill.total"), 9.49, EXACT);
    assert_note(
        &result,
        "The portal's month is 730 hours: one D1 instance, 730 × $0.013 = $9.49 a month",
    );
}

#[test]
fn every_instance_is_billed_whether_it_serves_or_not() {
    // Two B1 instances for 10 hours, one request: 20 instance-hours ×
    // $0.075 = $1.50. WebJobs on the plan add nothing.
    let result = app_service("app-service-2016", "10h", &["dynos=2"]);
    assert_close(
        number(line_item(&result, "Instance hours (B1)"), "quantity"),
        20.0,
        EXACT,
    );
    assert_close(number(&result, "bill.total"), 1.50, EXACT);
    assert_eq!(result["bill"]["line_items"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_schedule_scales_standard_instances_by_the_hour() {
    // S1 on a schedule: one instance 00-07 and 20-23, three 08-19. Over
    // one day: 24 h for the first instance, 12 h each for two more
    // (launched at 08:00, removed at 20:00): 48 instance-hours × $0.10 =
    // $4.80.
    let result = app_service(
        "app-service-2016",
        "24h",
        &[
            "dyno_type=S1",
            "autoscale=schedule",
            "schedule=0-7:1,8-19:3,20-23:1",
            "max_dynos=3",
        ],
    );
    assert_eq!(number(&result, "instances.peak"), 3.0);
    assert_close(
        number(line_item(&result, "Instance hours (S1)"), "quantity"),
        48.0,
        EXACT,
    );
    assert_close(number(&result, "bill.total"), 4.80, EXACT);
}

#[test]
fn basic_tiers_do_not_autoscale_and_schedules_need_autoscale() {
    let workspace = Workspace::new();
    let trace = workspace.write("trace.csv", "time,duration_ms\n0,200\n");
    let trace = trace.to_str().expect("utf-8 path");
    let base = [
        "simulate",
        "--trace",
        trace,
        "--platform",
        "app-service-2016",
        "--set",
    ];
    let cases = [
        ("autoscale=schedule", "autoscales only S1, S2, S3 dynos, not B1"),
        ("schedule=0-23:2", "setting `schedule`: needs autoscale=schedule"),
    ];
    for (setting, expected) in cases {
        let mut args = base.to_vec();
        args.push(setting);
        let output = workspace.run(&args);
        assert_eq!(output.status.code(), Some(2), "{setting}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{setting}: {stderr}");
    }
}

#[test]
fn pricing_show_marks_the_unconfirmed_2016_rates() {
    let workspace = Workspace::new();
    let output = workspace.run(&["pricing", "show", "app-service-2016"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("The portal quoted monthly prices for 744 hours."),
        "{text}"
    );
    assert!(text.contains("[R] unconfirmed"), "{text}");
    let output = workspace.run(&["pricing", "show", "app-service-2016", "--format", "json"]);
    let book: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(book["offering"]["types"]["B1"]["confidence"], "unconfirmed");
    assert_eq!(book["offering"]["types"]["F1"]["confidence"], "confirmed");
}

#[test]
fn a_2016_run_re_prices_under_the_2025_book_but_not_under_heroku() {
    // Both App Service books bill by the hourly rule: a 2016 run of one B1
    // for 10 h re-prices under 2025 (10 × $0.075 = $0.75 in both; the
    // portal's month becomes 730 h); Heroku prorates monthly prices, so
    // its book asks for a new run.
    let book = costsim::pricing::resolve("app-service-2016").expect("book");
    let deployment = costsim::simulation::Deployment::resolve(book, &[]).expect("valid settings");
    let options = costsim::platform::RunOptions {
        origin: costsim::workload::default_start(),
        horizon: Some(10 * 3_600_000_000),
        seed: 1,
    };
    let mut requests = costsim::workload::Batched::new(std::iter::once(Ok(costsim::workload::Request {
        arrival: 0,
        duration: 200_000,
        function: costsim::workload::FunctionId(0),
        memory_mb: None,
        bytes_out: 0,
    })));
    let run = deployment
        .configured
        .run(&mut requests, &options, true)
        .expect("runs");
    let today = costsim::pricing::resolve("app-service-2025").expect("book");
    let as_today = costsim::simulation::Deployment::resolve(today.clone(), &[]).expect("valid settings");
    let repriced = run
        .usage
        .reprice(&today, as_today.configured.as_ref())
        .expect("same rule");
    assert_eq!(repriced.total.to_string(), "0.75");
    assert!(
        repriced
            .notes
            .iter()
            .any(|note| note.contains("730 × $0.075 = $54.75")),
        "{:?}",
        repriced.notes
    );
    let heroku = costsim::pricing::resolve("heroku-2016").expect("book");
    let as_heroku = costsim::simulation::Deployment::resolve(heroku.clone(), &[]).expect("valid settings");
    let error = run
        .usage
        .reprice(&heroku, as_heroku.configured.as_ref())
        .expect_err("another rule");
    assert!(error.to_string().contains("another rule"), "{error}");
}
