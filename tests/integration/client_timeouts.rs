//! What the client sees: a request that got a router or load-balancer
//! timeout counts at its timeout and as failed, the served requests' own
//! latency is reported beside it, and a full queue refuses arrivals.

use costsim::workload::{FunctionId, Request};

use crate::support::{deployment, replay};

const SECOND: u64 = 1_000_000;

/// `count` requests `gap` apart, each `duration` long.
fn evenly(count: u64, gap: u64, duration: u64) -> Vec<Request> {
    (0..count)
        .map(|index| Request {
            arrival: index * gap,
            duration,
            function: FunctionId(0),
            memory_mb: None,
            bytes_out: 0,
        })
        .collect()
}

#[test]
fn heroku_clients_see_the_router_timeout_and_served_latency_apart() {
    // One dyno, one worker, 10 s requests every 5 s: request k starts at
    // 10k s and ends at 10k + 10 s, so its latency is 5k + 10 s: 10, 15,
    // 20, 25, 30 (served: not past 30 s), then 35..55 s (k = 5..9), past the
    // 30 s router timeout: the client got an H12 at 30 s.
    let requests = evenly(10, 5 * SECOND, 10 * SECOND);
    let result = replay(
        &deployment("heroku-2016", &["dynos=1", "workers=1"]),
        &requests,
        1,
    );
    assert_eq!((result.requests.served, result.requests.timed_out), (5, 5));
    // Client: (10 + 15 + 20 + 25 + 30 + 5 × 30) / 10 = 25 s; p99 and max 30 s.
    assert_eq!(result.latency_ms.mean, 25_000.0);
    assert_eq!(result.latency_ms.max, 30_000.0);
    assert!(result.latency_ms.p99 <= 30_000.0, "{:?}", result.latency_ms);
    assert!((result.latency_ms.p99 / 30_000.0 - 1.0).abs() < 1e-3);
    // Served: (10 + 15 + 20 + 25 + 30) / 5 = 20 s, max 30 s.
    assert_eq!(result.served_latency_ms.mean, 20_000.0);
    assert_eq!(result.served_latency_ms.max, 30_000.0);
}

#[test]
fn a_full_backlog_refuses_arrivals() {
    // One dyno, one worker, backlog of 2, 9 s requests every 4 s:
    // k0 0→9; k1 @4 waits [1]; k2 @8 waits [1, 2]; k1 9→18 [2]; k3 @12
    // [2, 3]; k4 @16 finds 2 waiting: refused; k2 18→27 [3]; k5 @20 [3, 5];
    // k6 @24 refused; k3 27→36 [5]; k7 @28 [5, 7]. Refused: k4 and k6.
    let requests = evenly(8, 4 * SECOND, 9 * SECOND);
    let settings = ["dynos=1", "workers=1", "router_timeout_s=0", "backlog_limit=2"];
    let result = replay(&deployment("heroku-2016", &settings), &requests, 1);
    assert_eq!((result.requests.served, result.requests.throttled), (6, 2));
    // Served latencies 9, 14, 19, 24, then k5 36→45 (25) and k7 45→54
    // (26): max 26 s, and Little's law's queue is the one served.
    assert_eq!(result.latency_ms.max, 26_000.0);
}

#[test]
fn a_vm_queue_limit_refuses_beyond_the_waiting_room() {
    // One instance serving 1 request at a time, at most 1 waiting per
    // instance; 10 s requests every 4 s: k0 0→10; k1 @4 waits; k2 @8 finds
    // the queue full: refused; k1 10→20; k3 @12 waits; k4 @16 refused; k3
    // 20→30. Served k0, k1, k3; refused k2 and k4.
    let requests = evenly(5, 4 * SECOND, 10 * SECOND);
    let settings = [
        "instance_type=t2.small",
        "instances=1",
        "capacity=1",
        "queue_limit=1",
    ];
    let result = replay(&deployment("ec2-2016", &settings), &requests, 1);
    assert_eq!((result.requests.served, result.requests.throttled), (3, 2));
    // Latencies 10, 16 and 18 s: all within the 60 s client timeout.
    assert_eq!(result.latency_ms.max, 18_000.0);
}

/// 40 requests a second for 15 minutes, then 45 minutes quiet, for
/// `hours`; each request takes 200 ms.
fn bursty(hours: u64) -> Vec<Request> {
    let gap = SECOND / 40;
    (0..hours)
        .flat_map(|hour| (0..15 * 60 * 40).map(move |index| hour * 3_600 * SECOND + index * gap))
        .map(|arrival| Request {
            arrival,
            duration: SECOND / 5,
            function: FunctionId(0),
            memory_mb: None,
            bytes_out: 0,
        })
        .collect()
}

#[test]
fn an_autoscaled_group_on_bursts_fails_requests_at_the_client_timeout() {
    // 40 req/s × 0.2 s = 8 busy slots, against 2 × t2.small with 2 slots
    // each (1 vCPU × 2 per vCPU) at the start of each burst: the queue grows
    // by 40 − 4 / 0.2 = 20 a second while the group waits three minutes of
    // metrics and a 90 s boot, so waits pass 60 s and the load balancer
    // answers those clients with an error at 60 s.
    let requests = bursty(2);
    let settings = [
        "instance_type=t2.small",
        "autoscale=utilization",
        "min_instances=2",
    ];
    let result = replay(&deployment("ec2-2016", &settings), &requests, 1);
    assert!(result.requests.timed_out > 0, "{:?}", result.requests);
    assert_eq!(
        result.requests.total,
        result.requests.served + result.requests.timed_out
    );
    assert_eq!(result.latency_ms.max, 60_000.0);
    assert!(result.served_latency_ms.max <= 60_000.0);
    // Without the timeout the same run queues for minutes.
    let patient = [&settings[..], &["client_timeout_s=0"]].concat();
    let queued = replay(&deployment("ec2-2016", &patient), &requests, 1);
    assert_eq!(queued.requests.timed_out, 0);
    assert!(queued.latency_ms.max > 60_000.0, "{:?}", queued.latency_ms);
}
