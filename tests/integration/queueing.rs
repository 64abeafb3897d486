//! Queueing theory checks of the server farm on long Poisson runs with
//! exponential service: the shared-queue pool is an M/M/c queue (Erlang C),
//! random routing makes c independent M/M/1 queues, and Little's law holds
//! on every run.

use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use costsim::simulation::SimulationResult;
use costsim::workload::{FunctionId, Request};

use crate::support::{deployment, replay};

/// `count` requests with Poisson arrivals at `rate` per second and
/// exponential service with mean `mean_service_s`.
fn poisson_trace(count: usize, rate: f64, mean_service_s: f64, seed: u64) -> Vec<Request> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut exponential = |mean: f64| -> f64 {
        let uniform: f64 = rng.random();
        -(1.0 - uniform).ln() * mean
    };
    let mut clock = 0.0;
    (0..count)
        .map(|_| {
            clock += exponential(1.0 / rate);
            Request {
                arrival: (clock * 1e6) as u64,
                duration: (exponential(mean_service_s) * 1e6) as u64,
                function: FunctionId(0),
                memory_mb: None,
                bytes_out: 0,
            }
        })
        .collect()
}

fn run(book: &str, settings: &[&str], requests: &[Request]) -> SimulationResult {
    replay(&deployment(book, settings), requests, 9)
}

/// Erlang C: the mean wait in queue of an M/M/c queue, in seconds.
fn erlang_c_mean_wait(rate: f64, service_rate: f64, servers: u32) -> f64 {
    let load = rate / service_rate;
    let utilization = load / f64::from(servers);
    let mut term = 1.0;
    let mut below = 0.0;
    for k in 0..servers {
        if k > 0 {
            term *= load / f64::from(k);
        }
        below += term;
    }
    let top = term * load / f64::from(servers) / (1.0 - utilization);
    let waiting_probability = top / (below + top);
    waiting_probability / (f64::from(servers) * service_rate - rate)
}

#[track_caller]
fn assert_littles_law(result: &SimulationResult) {
    // L = λW: the time-averaged number in the system against throughput
    // × mean time in system, both measured over the same horizon.
    let throughput = result.requests.total as f64 / result.horizon_s;
    let little = throughput * result.latency_ms.mean / 1_000.0;
    let in_system = result.mean_in_system.expect("farms measure it");
    assert!(
        (in_system - little).abs() <= 1e-6 * little.max(1.0),
        "L = {in_system} but λW = {little}"
    );
}

#[test]
fn a_shared_queue_matches_the_erlang_c_wait_of_m_m_c() {
    // c = 4, μ = 10/s, λ = 28/s (ρ = 0.7). By hand: a = 2.8;
    // Σ_{k<4} a^k/k! = 1 + 2.8 + 3.92 + 3.659 = 11.379; a^4/4! = 2.561,
    // /(1 − 0.7) = 8.537; C = 8.537 / 19.916 = 0.4287;
    // Wq = 0.4287 / (40 − 28) = 35.7 ms.
    let expected = erlang_c_mean_wait(28.0, 10.0, 4);
    assert!((expected - 0.035_72).abs() < 0.000_05, "{expected}");
    let requests = poisson_trace(1_000_000, 28.0, 0.1, 1);
    let result = run(
        "heroku-2016",
        &["dynos=4", "workers=1", "routing=shared", "router_timeout_s=0"],
        &requests,
    );
    let simulated = result.queue_ms.mean / 1_000.0;
    assert!(
        (simulated / expected - 1.0).abs() < 0.05,
        "simulated mean wait {simulated} s, Erlang C {expected} s"
    );
    assert_littles_law(&result);
}

#[test]
fn random_routing_matches_independent_m_m_1_queues() {
    // Each of 4 dynos gets a quarter of λ = 28/s: an M/M/1 queue with
    // λ = 7/s, μ = 10/s, ρ = 0.7: Wq = ρ / (μ − λ) = 0.7 / 3 = 233 ms.
    let expected = 0.7 / 3.0;
    let requests = poisson_trace(1_000_000, 28.0, 0.1, 2);
    let result = run(
        "heroku-2016",
        &["dynos=4", "workers=1", "routing=random", "router_timeout_s=0"],
        &requests,
    );
    let simulated = result.queue_ms.mean / 1_000.0;
    assert!(
        (simulated / expected - 1.0).abs() < 0.05,
        "simulated mean wait {simulated} s, M/M/1 {expected} s"
    );
    assert_littles_law(&result);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Little's law holds on every run, whatever the platform and routing
    /// (with no client timeout, since a timed-out client's latency is not
    /// its request's time in the system).
    #[test]
    fn littles_law_holds_on_every_run(
        rate in 1.0f64..50.0,
        service in 0.01f64..0.5,
        seed in any::<u64>(),
        routing in prop::sample::select(vec!["random", "shared"]),
    ) {
        let requests = poisson_trace(2_000, rate, service, seed);
        let routing = format!("routing={routing}");
        let pool = run(
            "heroku-2016",
            &["dynos=3", "workers=2", "router_timeout_s=0", &routing],
            &requests,
        );
        assert_littles_law(&pool);
        prop_assert_eq!(pool.requests.total, pool.requests.served + pool.requests.timed_out);
        let vm = run("ec2-2016", &["instances=2", "capacity=3", "client_timeout_s=0"], &requests);
        assert_littles_law(&vm);
        prop_assert_eq!(vm.requests.served, 2_000);
    }
}
