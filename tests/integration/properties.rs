//! Properties of the function model and its billing, over random traces,
//! through the library.

use proptest::prelude::*;

use costsim::simulation::{Deployment, SimulationResult};
use costsim::workload::{FunctionId, Request};

use crate::support::{deployment, replay};

fn run(deployment: &Deployment, requests: &[Request], seed: u64) -> SimulationResult {
    replay(deployment, requests, seed)
}

/// Sorted requests: gaps up to 2 s, durations up to 3 s, two functions.
fn trace() -> impl Strategy<Value = Vec<Request>> {
    prop::collection::vec((0u64..2_000_000, 0u64..3_000_000, 0u32..2), 1..60).prop_map(|rows| {
        let mut arrival = 0;
        rows.into_iter()
            .map(|(gap, duration, function)| {
                arrival += gap;
                Request {
                    arrival,
                    duration,
                    function: FunctionId(function),
                    memory_mb: None,
                    bytes_out: 0,
                }
            })
            .collect()
    })
}

fn duration_gb_seconds(result: &SimulationResult) -> f64 {
    result
        .bill
        .line_items
        .iter()
        .filter(|item| item.item.starts_with("Duration"))
        .map(|item| costsim::pricing::money::to_f64(item.quantity))
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Billed duration is never less than the time actually run.
    #[test]
    fn billed_duration_covers_actual_duration(requests in trace()) {
        for book in ["aws-lambda-2016", "aws-lambda-2025"] {
            let deployment = deployment(book, &["free_tier=false", "memory_mb=1024"]);
            let result = run(&deployment, &requests, 1);
            // At 1 GB, GB-s equal seconds of execution.
            let actual: f64 = requests.iter().map(|r| r.duration as f64 / 1e6).sum();
            prop_assert!(duration_gb_seconds(&result) >= actual - 1e-9);
        }
    }

    /// Lengthening one request never lowers the bill. This holds where the
    /// bill depends only on each request's own duration: with INIT unbilled
    /// (2016) and no throttling. (With INIT billed, a longer request can keep
    /// an instance warm and so save a later cold start; with a concurrency
    /// limit, it can cause a later request to be throttled and not billed.)
    #[test]
    fn a_longer_request_never_costs_less(requests in trace(), pick in any::<prop::sample::Index>(), extra in 1u64..5_000_000) {
        let deployment = deployment("aws-lambda-2016", &["free_tier=false", "concurrency_limit=1000"]);
        let before = run(&deployment, &requests, 3).bill.total;
        let mut longer = requests.clone();
        longer[pick.index(requests.len())].duration += extra;
        let after = run(&deployment, &longer, 3).bill.total;
        // Exact decimals: no tolerance is needed.
        prop_assert!(after >= before, "{before} -> {after}");
    }

    /// The same seed gives byte-identical JSON.
    #[test]
    fn the_same_seed_gives_identical_json(requests in trace(), seed in any::<u64>()) {
        let deployment = deployment("aws-lambda-2025", &[]);
        let first = serde_json::to_string(&run(&deployment, &requests, seed)).expect("json");
        let second = serde_json::to_string(&run(&deployment, &requests, seed)).expect("json");
        prop_assert_eq!(first, second);
    }

    /// Every request is accounted for, and instance time covers busy time.
    #[test]
    fn outcomes_add_up(requests in trace()) {
        let deployment = deployment("aws-lambda-2016", &["concurrency_limit=2", "max_duration_s=2"]);
        let result = run(&deployment, &requests, 5);
        let counts = result.requests;
        prop_assert_eq!(counts.total, requests.len() as u64);
        prop_assert_eq!(counts.total, counts.served + counts.throttled + counts.timed_out);
        prop_assert!(result.instances.instance_seconds + 1e-9 >= result.instances.busy_seconds);
        // A function starts an instance only when all of its own are busy, and
        // at most 2 are busy at once, so each of the 2 functions has at most 2.
        prop_assert!(result.instances.peak <= 4, "peak {}", result.instances.peak);
    }
}
