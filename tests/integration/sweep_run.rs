//! Running a sweep's points: every point's result is the one `compare`
//! gives for the scenario changed as the point says; work is shared where
//! the grid allows (one read per workload, one simulation for a deployment
//! a dimension does not touch, one simulation re-priced per price book);
//! every bad point is reported before anything runs.

use std::path::Path;

use costsim::compare::{NamedResult, compare};
use costsim::pricing::Decimal;
use costsim::scenario::Scenario;
use costsim::sweep::outcome::ParamValue;
use costsim::sweep::plan::plan;
use costsim::sweep::point::Point;
use costsim::sweep::run::{Work, run_plans, work};

use crate::support::Workspace;

/// Lambda 2016 and Heroku over ten requests of 100 ms, one a minute.
const SCENARIO: &str = r#"name = "small"
seed = 3
[workload]
trace = "t.csv"
[[deployment]]
name = "Lambda"
platform = "aws-lambda-2016"
memory_mb = 512
free_tier = false
[[deployment]]
name = "Heroku"
platform = "heroku-2016"
dynos = 1
"#;

fn trace() -> String {
    let mut text = String::from("time,duration_ms\n");
    for minute in 0..10 {
        text.push_str(&format!("{},100\n", minute * 60));
    }
    text
}

fn point(index: usize, values: &[(&str, &str)]) -> Point {
    Point {
        index,
        id: format!("p{index}"),
        values: values
            .iter()
            .map(|(name, value)| ParamValue {
                name: (*name).to_owned(),
                value: Some((*value).to_owned()),
            })
            .collect(),
    }
}

fn scenario_in(space: &Workspace, text: &str) -> Scenario {
    space.write("t.csv", &trace());
    let path = space.write("s.toml", text);
    Scenario::load(&path).expect("valid scenario")
}

fn json(results: &[NamedResult]) -> Vec<serde_json::Value> {
    results
        .iter()
        .map(|named| serde_json::to_value(named).expect("JSON"))
        .collect()
}

/// `scenario` with `Lambda.memory_mb` set to `memory`, as `compare --set` would.
fn compared_at(space: &Workspace, memory: u32) -> Vec<NamedResult> {
    let text = SCENARIO.replace("memory_mb = 512", &format!("memory_mb = {memory}"));
    compare(&scenario_in(space, &text)).expect("compare runs")
}

#[test]
fn each_point_is_what_compare_gives_for_its_changes() {
    let space = Workspace::new();
    let scenario = scenario_in(&space, SCENARIO);
    let points = vec![
        point(0, &[("Lambda.memory_mb", "128")]),
        point(1, &[("Lambda.memory_mb", "512")]),
        point(2, &[("Lambda.memory_mb", "1024")]),
    ];
    let plans = plan(&scenario, points).expect("valid points");
    // Lambda's durations do not depend on its size (no speed model): one
    // simulation, re-priced at the two other sizes; Heroku, the same at
    // every point, once.
    assert_eq!(
        work(&plans),
        Work {
            reads: 1,
            simulations: 2,
            repriced: 2,
            shared: 2
        }
    );
    let results = run_plans(&scenario, &plans).expect("runs");
    for (results, memory) in results.iter().zip([128, 512, 1024]) {
        assert_eq!(json(results), json(&compared_at(&space, memory)), "{memory} MB");
    }
    // Lambda 2016, 512 MB, no free tier: 10 requests × $0.20/M = $0.000002;
    // 10 × 0.1 s (100 ms slices) × 0.5 GB = 0.5 GB-s × $0.00001667 =
    // $0.000008335; total $0.000010335.
    assert_eq!(results[1][0].result.bill.total, Decimal::new(10_335, 9));
}

/// A one-deployment scenario on `platform` with `settings`, over a trace of
/// 40 requests (one every 20 s, 50 to 1,950 ms) whose every fifth row names
/// its own memory (256 MB).
fn sized_scenario(space: &Workspace, platform: &str, settings: &str) -> Scenario {
    let mut trace = String::from("time,duration_ms,memory_mb\n");
    for row in 0..40 {
        let memory = if row % 5 == 4 { "256" } else { "" };
        trace.push_str(&format!("{},{},{memory}\n", row * 20, 50 + row * 50));
    }
    space.write("sized.csv", &trace);
    let text = format!(
        "name = \"sized\"\nseed = 5\n[workload]\ntrace = \"sized.csv\"\n[[deployment]]\nname = \"F\"\nplatform = \"{platform}\"\n{settings}\n"
    );
    let path = space.write("sized.toml", &text);
    Scenario::load(&path).expect("valid scenario")
}

#[test]
fn a_size_re_priced_from_another_bills_what_its_own_simulation_bills() {
    // Per-request GB-s (Lambda, Azure's 128 MB rounding), Google's GHz-s by
    // size, provisioned concurrency (its configured MB·s and its requests),
    // Cloud Run's instance-based billing: each memory point re-priced from
    // the first one's simulation gives the JSON `compare` gives at that size.
    let cases = [
        ("aws-lambda-2016", "", ["128", "512", "1536"]),
        (
            "aws-lambda-2025",
            "provisioned = 1\nprovisioned_until = \"10m\"",
            ["128", "1024", "3008"],
        ),
        ("azure-functions-2016", "", ["128", "640", "1536"]),
        ("gcf-2017", "", ["128", "512", "2048"]),
        (
            "cloud-run-2025",
            "billing = \"instance\"",
            ["512", "1024", "4096"],
        ),
    ];
    for (platform, settings, sizes) in cases {
        // Without the free tiers, which these few requests stay within.
        let settings = format!("free_tier = false\n{settings}");
        let settings = settings.as_str();
        let space = Workspace::new();
        let scenario = sized_scenario(&space, platform, settings);
        let points: Vec<Point> = sizes
            .iter()
            .enumerate()
            .map(|(index, size)| point(index, &[("memory_mb", size)]))
            .collect();
        let plans = plan(&scenario, points).expect("valid points");
        let done = work(&plans);
        assert_eq!((done.simulations, done.repriced), (1, 2), "{platform}");
        let results = run_plans(&scenario, &plans).expect("runs");
        for (results, size) in results.iter().zip(sizes) {
            let text = format!("{settings}\nmemory_mb = {size}");
            let alone = compare(&sized_scenario(&space, platform, &text)).expect("compare runs");
            assert_eq!(json(results), json(&alone), "{platform} at {size} MB");
        }
        let totals: Vec<Decimal> = results.iter().map(|row| row[0].result.bill.total).collect();
        assert!(
            totals[0] < totals[2],
            "{platform}: a larger size costs more: {totals:?}"
        );
    }
}

#[test]
fn sizes_that_change_durations_are_simulated_apart() {
    // With the speed model (half of each duration scales with CPU, recorded
    // at 1,024 MB), 512 MB runs slower than 1,024 MB: two simulations, each
    // what `compare` gives.
    let space = Workspace::new();
    let settings = "cpu_fraction = 0.5\nreference_memory_mb = 1024";
    let scenario = sized_scenario(&space, "aws-lambda-2025", settings);
    let points = vec![
        point(0, &[("memory_mb", "512")]),
        point(1, &[("memory_mb", "1024")]),
    ];
    let plans = plan(&scenario, points).expect("valid points");
    assert_eq!(work(&plans).simulations, 2);
    let results = run_plans(&scenario, &plans).expect("runs");
    for (results, size) in results.iter().zip(["512", "1024"]) {
        let text = format!("{settings}\nmemory_mb = {size}");
        let alone = compare(&sized_scenario(&space, "aws-lambda-2025", &text)).expect("compare runs");
        assert_eq!(json(results), json(&alone), "{size} MB");
    }
    assert!(results[0][0].result.latency_ms.p50 > results[1][0].result.latency_ms.p50);
}

#[test]
fn books_of_one_model_are_priced_from_one_simulation() {
    let space = Workspace::new();
    let scenario = scenario_in(&space, SCENARIO);
    // A what-if book: Lambda 2016 with the GB-s at $0.00002.
    let shipped = std::fs::read_to_string(Path::new("pricing/aws-lambda-2016.toml")).expect("book");
    assert!(shipped.contains("0.00001667"), "the shipped book's GB-s rate");
    let what_if = shipped
        .replace("0.00001667", "0.00002")
        .replace("id = \"aws-lambda-2016\"", "id = \"lambda-what-if\"");
    let what_if = space.write("what-if.toml", &what_if);
    let what_if = what_if.display().to_string();
    let points = vec![
        point(0, &[("platform", "aws-lambda-2016")]),
        point(1, &[("platform", &what_if)]),
    ];
    let plans = plan(&scenario, points).expect("valid points");
    let done = work(&plans);
    assert_eq!((done.simulations, done.repriced, done.shared), (2, 1, 1));
    let results = run_plans(&scenario, &plans).expect("runs");
    // 0.5 GB-s × $0.00002 = $0.00001, plus $0.000002 of requests.
    assert_eq!(results[1][0].result.bill.total, Decimal::new(12, 6));
    assert_eq!(results[0][0].result.bill.total, Decimal::new(10_335, 9));
    assert_eq!(results[1][0].result.price_book.id, "lambda-what-if");
    // Latency and counts come from the one simulation.
    assert_eq!(results[1][0].result.latency_ms, results[0][0].result.latency_ms);
}

#[test]
fn doubled_traffic_doubles_every_request() {
    let space = Workspace::new();
    let scenario = scenario_in(&space, SCENARIO);
    let plans = plan(
        &scenario,
        vec![point(0, &[("traffic", "1")]), point(1, &[("traffic", "2")])],
    )
    .expect("valid points");
    assert_eq!(work(&plans).reads, 2);
    let results = run_plans(&scenario, &plans).expect("runs");
    assert_eq!(results[0][0].result.requests.total, 10);
    assert_eq!(results[1][0].result.requests.total, 20);
    assert_eq!(results[1][1].result.requests.total, 20);
}

#[test]
fn a_swept_seed_changes_the_draws_and_the_scenario_seed_reproduces_compare() {
    let space = Workspace::new();
    let scenario = scenario_in(&space, SCENARIO);
    let plans = plan(
        &scenario,
        vec![point(0, &[("seed", "3")]), point(1, &[("seed", "4")])],
    )
    .expect("valid");
    let results = run_plans(&scenario, &plans).expect("runs");
    assert_eq!(json(&results[0]), json(&compare(&scenario).expect("runs")));
    assert_eq!(results[1][0].result.seed, costsim::compare::deployment_seed(4, 0));
}

#[test]
fn every_bad_point_is_reported_before_anything_runs() {
    let space = Workspace::new();
    let scenario = scenario_in(&space, SCENARIO);
    let points = vec![
        point(0, &[("Lambda.memory_mb", "lots")]),
        point(1, &[("no_such_key", "1")]),
        point(2, &[("Lambda.platform", "heroku-2016")]),
        point(3, &[("generator.rate", "5")]),
        point(4, &[("traffic", "-1")]),
        point(5, &[("Nobody.dynos", "2")]),
        point(6, &[("seed", "x")]),
    ];
    let error = plan(&scenario, points).expect_err("bad points");
    assert!(error.is_usage());
    let message = error.to_string();
    for expected in [
        "point 0 (Lambda.memory_mb=lots): deployment `Lambda`: setting `memory_mb`: expected a whole number",
        "point 1 (no_such_key=1): no_such_key: no deployment's platform takes `no_such_key`",
        "point 2 (Lambda.platform=heroku-2016): Lambda.platform: heroku-2016 is a pool price book",
        "point 3 (generator.rate=5): generator.rate: the scenario's workload is a trace",
        "point 4 (traffic=-1): traffic:",
        "point 5 (Nobody.dynos=2): Nobody.dynos: no deployment is named `Nobody`",
        "point 6 (seed=x): seed: expected a whole number",
    ] {
        assert!(message.contains(expected), "missing `{expected}` in:\n{message}");
    }
}
