//! Cloud Run on hand-computed traces: instance time billed by vCPU-s and
//! GiB-s while serving (request-based) or for the whole life
//! (instance-based), many requests sharing one instance's billed time,
//! queueing at max instances, idle minimum instances, and FACTS §14.2's
//! worked example.

use costsim::simulation::{RunOptions, SimulationResult, simulate};
use costsim::workload::{FunctionId, Request};

use crate::support::{deployment, replay};

fn request(arrival_ms: u64, duration_ms: u64) -> Request {
    Request {
        arrival: arrival_ms * 1_000,
        duration: duration_ms * 1_000,
        function: FunctionId(0),
        memory_mb: None,
        bytes_out: 0,
    }
}

fn amount(result: &SimulationResult, item: &str) -> String {
    result
        .bill
        .line_items
        .iter()
        .find(|line| line.item == item)
        .map_or_else(
            || panic!("no `{item}` in {:?}", result.bill),
            |line| line.amount.to_string(),
        )
}

#[test]
fn eighty_concurrent_requests_share_one_instance_s_billed_time() {
    // 80 requests of 1 s at t = 0 on one instance (concurrency 80): one busy
    // second. 1 vCPU-s × $0.000024 = $0.000024; 0.5 GiB-s × $0.0000025 =
    // $0.00000125; 80 × $0.0000004 = $0.000032; total $0.00005725.
    let run = deployment("cloud-run-2025", &["free_tier=false", "cold_start_ms=0"]);
    let requests: Vec<Request> = (0..80).map(|_| request(0, 1_000)).collect();
    let result = replay(&run, &requests, 1);
    assert_eq!(result.instances.peak, 1);
    assert_eq!(amount(&result, "CPU"), "0.000024");
    assert_eq!(amount(&result, "Memory"), "0.00000125");
    assert_eq!(amount(&result, "Requests"), "0.000032");
    assert_eq!(result.bill.total.to_string(), "0.00005725");
    assert_eq!(result.latency_ms.max, 1_000.0);
}

#[test]
fn requests_beyond_max_instances_wait_in_order() {
    // max_instances 1, one request per instance: three 1 s requests at t = 0
    // run one after another (latencies 1, 2 and 3 s); the instance is busy
    // for 3 s without a break: 3 vCPU-s × $0.000024 = $0.000072.
    let settings = [
        "free_tier=false",
        "cold_start_ms=0",
        "max_instances=1",
        "instance_concurrency=1",
    ];
    let result = replay(
        &deployment("cloud-run-2025", &settings),
        &[request(0, 1_000), request(0, 1_000), request(0, 1_000)],
        1,
    );
    assert_eq!((result.requests.served, result.requests.throttled), (3, 0));
    assert_eq!(result.latency_ms.max, 3_000.0);
    assert_eq!(result.latency_ms.mean, 2_000.0);
    assert_eq!(amount(&result, "CPU"), "0.000072");
    // With a 2.5 s request timeout the third, which waited 2 s, is cut off
    // after 0.5 s: timed out at 2.5 s; the instance was busy 2.5 s.
    let mut limited = settings.to_vec();
    limited.push("max_duration_s=2.5");
    let result = replay(
        &deployment("cloud-run-2025", &limited),
        &[request(0, 1_000), request(0, 1_000), request(0, 1_000)],
        1,
    );
    assert_eq!((result.requests.served, result.requests.timed_out), (2, 1));
    assert_eq!(result.latency_ms.max, 2_500.0);
    assert_eq!(amount(&result, "CPU"), "0.00006");
    // Throttling instead, as Lambda does: the two others are refused.
    limited.push("at_limit=throttle");
    let result = replay(
        &deployment("cloud-run-2025", &limited),
        &[request(0, 1_000), request(0, 1_000), request(0, 1_000)],
        1,
    );
    assert_eq!((result.requests.served, result.requests.throttled), (1, 2));
}

fn one_request_with_a_minimum_instance(billing: &str) -> SimulationResult {
    let run = deployment(
        "cloud-run-2025",
        &[
            "free_tier=false",
            "cold_start_ms=0",
            "min_instances=1",
            &format!("billing={billing}"),
        ],
    );
    simulate(
        &run,
        [Ok(request(0, 100))],
        RunOptions {
            origin: costsim::workload::default_start(),
            horizon: Some(3_600_000_000),
            seed: 1,
        },
    )
    .expect("runs")
}

#[test]
fn a_minimum_instance_is_billed_idle_or_for_its_life() {
    // One minimum instance for an hour serving one 100 ms request.
    // Request-based: busy 0.1 vCPU-s × $0.000024 = $0.0000024 and
    // 0.05 GiB-s × $0.0000025 = $0.000000125; idle 3,599.9 s at idle rates:
    // 3,599.9 vCPU-s × $0.0000025 = $0.00899975 and 1,799.95 GiB-s ×
    // $0.0000025 = $0.004499875; request $0.0000004. Total $0.01350255.
    let request_based = one_request_with_a_minimum_instance("request");
    assert_eq!(
        amount(&request_based, "Idle minimum instances, CPU"),
        "0.00899975"
    );
    assert_eq!(
        amount(&request_based, "Idle minimum instances, memory"),
        "0.004499875"
    );
    assert_eq!(request_based.bill.total.to_string(), "0.01350255");
    // Instance-based: the whole hour, 3,600 vCPU-s × $0.000018 = $0.0648 and
    // 1,800 GiB-s × $0.000002 = $0.0036, and no request fee: $0.0684.
    let instance_based = one_request_with_a_minimum_instance("instance");
    assert!(
        !instance_based
            .bill
            .line_items
            .iter()
            .any(|line| line.item == "Requests")
    );
    assert_eq!(instance_based.bill.total.to_string(), "0.0684");
}

#[test]
fn facts_14_2_ten_million_requests_at_one_per_instance() {
    // 10M requests of 200 ms at 512 MiB and 1 vCPU, one request per instance
    // at a time (one every 250 ms, so each instance busy period is exactly
    // 200 ms), 5 GB sent: CPU 2M vCPU-s − 180,000 free = 1,820,000 ×
    // $0.000024 = $43.68; memory 1M GiB-s − 360,000 = 640,000 × $0.0000025
    // = $1.60; requests (10M − 2M) × $0.0000004 = $3.20; egress (5 − 1 free)
    // GB × $0.12 = $0.48; total $48.96.
    let run = deployment("cloud-run-2025", &["instance_concurrency=1", "cold_start_ms=0"]);
    let requests = (0..10_000_000u64).map(|index| {
        Ok(Request {
            bytes_out: if index == 0 { 5 << 30 } else { 0 },
            ..request(index * 250, 200)
        })
    });
    let options = RunOptions {
        origin: costsim::workload::default_start(),
        horizon: None,
        seed: 1,
    };
    let result = simulate(&run, requests, options).expect("runs");
    assert_eq!(amount(&result, "CPU"), "43.68");
    assert_eq!(amount(&result, "Memory"), "1.6");
    assert_eq!(amount(&result, "Requests"), "3.2");
    assert_eq!(amount(&result, "Data transfer out"), "0.48");
    assert_eq!(result.bill.total.to_string(), "48.96");
}
