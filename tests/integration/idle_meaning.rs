//! Idle has one meaning on every platform: paid capacity-seconds that
//! served nothing, never more than the seconds paid for, the same in the
//! table, the JSON and the CSV.

use proptest::prelude::*;

use costsim::report::{Format, dollars, quantity, render};
use costsim::simulation::{RunOptions, SimulationResult, simulate};
use costsim::workload::{FunctionId, Request, default_start};

use crate::support::{deployment, replay};

/// One deployment of every platform family and billing rule.
const DEPLOYMENTS: &[(&str, &[&str])] = &[
    ("aws-lambda-2016", &[]),
    ("aws-lambda-2025", &["provisioned=1"]),
    ("azure-functions-2016", &[]),
    ("gcf-2017", &[]),
    ("openwhisk-2016", &[]),
    ("cloud-run-2025", &["min_instances=1"]),
    ("cloud-run-2025", &["billing=instance", "instance_concurrency=4"]),
    ("heroku-2016", &["dynos=2", "workers=2"]),
    ("heroku-2016", &["dyno_type=free", "dynos=1"]),
    ("gae-2016", &[]),
    ("ec2-2016", &["instance_type=t2.small", "billing=hourly"]),
    ("ec2-2025", &["billing=per-second", "reserved=1"]),
    ("ec2-2025", &["autoscale=utilization", "min_instances=1"]),
];

/// Sorted requests: gaps up to 20 s, durations up to 3 s.
fn trace() -> impl Strategy<Value = Vec<Request>> {
    prop::collection::vec((0u64..20_000_000, 1u64..3_000_000), 1..40).prop_map(|rows| {
        let mut arrival = 0;
        rows.into_iter()
            .map(|(gap, duration)| {
                arrival += gap;
                Request {
                    arrival,
                    duration,
                    function: FunctionId(0),
                    memory_mb: None,
                    bytes_out: 0,
                }
            })
            .collect()
    })
}

fn text_of(result: &SimulationResult, format: Format) -> String {
    String::from_utf8(render(result, format).expect("renders")).expect("UTF-8")
}

/// Idle within paid time, its dollars within the bill, and the three
/// outputs telling the same numbers.
fn assert_one_meaning(result: &SimulationResult) {
    let idle = &result.bill.idle;
    let name = &result.platform;
    assert!(idle.seconds >= 0.0, "{name}: {idle:?}");
    assert!(idle.seconds <= idle.paid_seconds, "{name}: {idle:?}");
    assert!(idle.amount >= costsim::pricing::Decimal::ZERO, "{name}: {idle:?}");
    assert!(idle.amount <= result.bill.total, "{name}: {idle:?}");

    let json: serde_json::Value = serde_json::from_str(&text_of(result, Format::Json)).expect("JSON");
    assert_eq!(
        json["bill"]["idle"]["seconds"].as_f64(),
        Some(idle.seconds),
        "{name}"
    );
    assert!(json["instances"].get("idle_seconds").is_none(), "{name}");

    let csv = text_of(result, Format::Csv);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().expect("a header").clone();
    let row = reader.records().next().expect("a row").expect("a record");
    let cell = |column: &str| {
        let index = header.iter().position(|name| name == column).expect(column);
        row[index].to_owned()
    };
    assert_eq!(cell("idle_paid_seconds"), idle.seconds.to_string(), "{name}");
    assert_eq!(cell("idle_amount"), idle.amount.to_string(), "{name}");
    let warm = result.instances.warm_unbilled_seconds;
    assert_eq!(
        cell("warm_unbilled_seconds"),
        warm.map_or(String::new(), |s| s.to_string())
    );
    assert_eq!(
        json["instances"]["warm_unbilled_seconds"].as_f64(),
        warm,
        "{name}"
    );

    let table = text_of(result, Format::Table);
    let line = table
        .lines()
        .find(|line| line.contains("Idle (paid, unused)"))
        .unwrap_or_else(|| panic!("{name}: no idle row in\n{table}"));
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert!(cells.contains(&quantity(idle.seconds).as_str()), "{name}: {line}");
    assert!(cells.contains(&dollars(idle.amount).as_str()), "{name}: {line}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn idle_is_paid_time_unused_on_every_platform(requests in trace(), seed in any::<u64>()) {
        for (book, settings) in DEPLOYMENTS {
            let result = replay(&deployment(book, settings), &requests, seed);
            assert_one_meaning(&result);
        }
    }
}

#[test]
fn heroku_idle_over_a_31_day_month_stays_within_the_capped_dyno_month() {
    // One request of 1 s on one dyno over 31 days of January 2016: the dyno
    // is alive 31 × 86,400 = 2,678,400 s but Heroku charges at most the
    // monthly price, 2,592,000 s (30 days) prorated: paid 2,592,000 s, busy
    // 1 s, idle 2,591,999 s, at $25 × 2,591,999 / 2,592,000.
    let requests = [Request {
        arrival: 0,
        duration: 1_000_000,
        function: FunctionId(0),
        memory_mb: None,
        bytes_out: 0,
    }];
    let result = simulate(
        &deployment("heroku-2016", &["dynos=1", "workers=1"]),
        requests.iter().copied().map(Ok),
        RunOptions {
            origin: default_start(),
            horizon: Some(31 * 86_400 * 1_000_000),
            seed: 1,
        },
    )
    .expect("runs");
    assert_eq!(result.bill.idle.paid_seconds, 2_592_000.0);
    assert_eq!(result.bill.idle.seconds, 2_591_999.0);
    assert_eq!(result.bill.total, "25".parse().expect("decimal"));
    assert_eq!(
        result.bill.idle.amount.round_dp(6),
        "24.999990".parse().expect("decimal")
    );
    assert_one_meaning(&result);
}
