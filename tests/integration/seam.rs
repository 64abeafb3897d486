//! The platform seam and exact money: results are exact decimals in JSON,
//! one run re-prices under another book of the same model, and the billing
//! rules fixed with the seam (provisioned windows, data out behind a
//! service, granularity as a setting).

use costsim::platform::RunOptions;
use costsim::pricing::resolve;
use costsim::simulation::simulate;
use costsim::workload::{FunctionId, Request};

use crate::support::{deployment, replay};

fn request(arrival: u64, duration: u64) -> Request {
    Request {
        arrival,
        duration,
        function: FunctionId(0),
        memory_mb: None,
        bytes_out: 0,
    }
}

/// Runs `requests` through `deployment`'s model from 2016-01-01, as the
/// seam does, leaving the pricing to the test.
fn model_run(
    deployment: &costsim::simulation::Deployment,
    requests: &mut dyn Iterator<Item = costsim::error::Result<Request>>,
    seed: u64,
) -> costsim::platform::ModelRun {
    let options = RunOptions {
        origin: costsim::workload::default_start(),
        horizon: None,
        seed,
    };
    let mut batches = costsim::workload::Batched::new(requests);
    deployment
        .configured
        .run(&mut batches, &options, true)
        .expect("runs")
}

#[test]
fn a_month_of_lambda_2016_bills_exactly() {
    // 30M requests of 200 ms at 128 MB, one every 10 ms (20 at a time):
    // requests (30M − 1M free) × $0.0000002 = $5.80; duration 30M × 0.2 s
    // × 0.125 GB = 750,000 GB-s − 400,000 free = 350,000 × $0.00001667 =
    // $5.8345; total exactly 11.6345, with no binary-float noise in JSON.
    let lambda = deployment("aws-lambda-2016", &["cold_start_ms=0"]);
    let requests = (0..30_000_000u64).map(|index| Ok(request(index * 10_000, 200_000)));
    let options = RunOptions {
        origin: costsim::workload::default_start(),
        horizon: None,
        seed: 1,
    };
    let result = simulate(&lambda, requests, options).expect("runs");
    let json = serde_json::to_value(&result).expect("JSON");
    assert_eq!(json["bill"]["total"].to_string(), "11.6345");
}

#[test]
fn one_run_re_prices_like_a_second_run_under_a_book_of_the_same_metering() {
    // Azure Functions' 2016 preview book and its GA book meter alike (1 ms,
    // 100 ms and 128 MB minimums) and differ in price: a 2016 run priced
    // under the GA book equals a run of the GA book with the same
    // behaviour settings.
    let requests: Vec<Request> = (0..2_000u64)
        .map(|index| request(index * 250_000, 130_000 + index % 7 * 10_000))
        .collect();
    let settings = ["keep_alive_s=1200", "cold_start_ms=1s", "free_tier=false"];
    let preview = replay(&deployment("azure-functions-2016", &settings), &requests, 7);
    let ga = replay(&deployment("azure-functions-2025", &settings), &requests, 7);
    let ga_book = resolve("azure-functions-2025").expect("book");
    let run = model_run(
        &deployment("azure-functions-2016", &settings),
        &mut requests.iter().copied().map(Ok),
        7,
    );
    let as_ga = deployment("azure-functions-2025", &settings);
    let repriced = run
        .usage
        .reprice(&ga_book, as_ga.configured.as_ref())
        .expect("same metering");
    assert_eq!(repriced, ga.bill);
    assert_ne!(preview.bill.total, ga.bill.total, "the books' prices differ");
    // Heroku 2016 and today bill by the same proration rule.
    let dynos = [request(0, 100_000), request(3_600_000_000, 100_000)];
    let heroku = deployment("heroku-2016", &["dynos=2"]);
    let today = replay(
        &deployment("heroku-2025", &["dyno_type=standard-1x", "dynos=2", "workers=2"]),
        &dynos,
        1,
    );
    let run = model_run(&heroku, &mut dynos.iter().copied().map(Ok), 1);
    let as_today = deployment("heroku-2025", &["dyno_type=standard-1x", "dynos=2", "workers=2"]);
    let repriced = run
        .usage
        .reprice(&as_today.book, as_today.configured.as_ref())
        .expect("same rule");
    assert_eq!(repriced.total, today.bill.total);
}

#[test]
fn a_book_that_meters_otherwise_asks_for_a_new_run() {
    // Lambda 2016 rounds each request to 100 ms; since 2020 AWS rounds to
    // 1 ms and bills INIT: that is behaviour of the meter, not a price, so
    // re-pricing refuses and says why.
    let lambda = deployment("aws-lambda-2016", &[]);
    let run = model_run(&lambda, &mut [request(0, 10_000)].into_iter().map(Ok), 1);
    let as_2025 = deployment("aws-lambda-2025", &[]);
    let error = run
        .usage
        .reprice(&as_2025.book, as_2025.configured.as_ref())
        .expect_err("metering differs");
    assert!(error.to_string().contains("meters usage differently"), "{error}");
}

#[test]
fn a_provisioned_window_is_rounded_once_across_a_month_end() {
    // Provisioned concurrency 1 at 128 MB enabled at 2025-09-30T23:57:30Z for
    // 5 minutes: 150 s in September and 150 s in October, rounded up to
    // 5 minutes once for the window (not once per month): 300 s × 0.125 GB
    // = 37.5 GB-s in all.
    let lambda = deployment(
        "aws-lambda-2025",
        &["provisioned=1", "provisioned_until=5m", "cold_start_ms=0"],
    );
    let origin = "2025-09-30T23:57:30Z".parse().expect("instant");
    let result = simulate(
        &lambda,
        [Ok(request(0, 1_000))],
        RunOptions {
            origin,
            horizon: Some(600_000_000),
            seed: 1,
        },
    )
    .expect("runs");
    let item = result
        .bill
        .line_items
        .iter()
        .find(|item| item.item == "Provisioned concurrency")
        .expect("provisioned line");
    assert_eq!(item.quantity.to_string(), "37.5");
}

#[test]
fn granularity_is_a_setting() {
    // One 101 ms request at 1,024 MB on Lambda 2016 without the free tier:
    // billed 200 ms = 0.2 GB-s at the book's 100 ms, 101 ms = 0.101 GB-s
    // with granularity_ms=1 (0.101 × $0.00001667 = $0.00000168367, plus
    // $0.0000002 for the request = $0.00000188367).
    let base = ["memory_mb=1024", "free_tier=false", "cold_start_ms=0"];
    let hundred = replay(&deployment("aws-lambda-2016", &base), &[request(0, 101_000)], 1);
    let mut per_ms_settings = base.to_vec();
    per_ms_settings.push("granularity_ms=1");
    let per_ms = replay(
        &deployment("aws-lambda-2016", &per_ms_settings),
        &[request(0, 101_000)],
        1,
    );
    let duration = |result: &costsim::simulation::SimulationResult| {
        result
            .bill
            .line_items
            .iter()
            .find(|item| item.item == "Duration")
            .expect("duration")
            .quantity
            .to_string()
    };
    assert_eq!(duration(&hundred), "0.2");
    assert_eq!(duration(&per_ms), "0.101");
    assert_eq!(per_ms.bill.total.to_string(), "0.00000188367");
}
