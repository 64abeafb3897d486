//! Autoscaling on hand-made traces with a step in load: instances scale out
//! after the evaluation periods and boot, and back in after the cooldown.
//! The instance-count time series is asserted point by point.

use costsim::simulation::SimulationResult;
use costsim::workload::{FunctionId, Request};

use crate::support::{deployment, replay};

/// Evenly spaced requests of `duration_s`, at `rate` per second in
/// each `(from_s, to_s, rate)` phase.
fn phases(phases: &[(f64, f64, f64)], duration_s: f64) -> Vec<Request> {
    let mut requests = Vec::new();
    for &(from, to, rate) in phases {
        let count = ((to - from) * rate).round() as u64;
        for index in 0..count {
            requests.push(Request {
                arrival: ((from + index as f64 / rate) * 1e6).round() as u64,
                duration: (duration_s * 1e6) as u64,
                function: FunctionId(0),
                memory_mb: None,
                bytes_out: 0,
            });
        }
    }
    requests
}

fn run(book: &str, settings: &[&str], requests: &[Request]) -> SimulationResult {
    replay(&deployment(book, settings), requests, 1)
}

#[test]
fn target_tracking_scales_out_after_the_alarm_and_in_after_the_cooldown() {
    // One instance of capacity 10; requests take 1 s. 2/s until 600 s
    // (utilisation 0.2), 8/s until 1,800 s (0.8 on one instance), 2/s until
    // 3,000 s. Target 0.5, 3 periods to scale out, 15 to scale in, 300 s
    // cooldown, 90 s boot.
    //
    // Ticks come each minute. The periods ending at 660, 720 and 780 s are
    // above target, so at 780 s the group wants ceil(1 × 0.8 / 0.5) = 2 and
    // launches one instance (live 2 from 780 s, serving from 870 s). After
    // that, 8 busy of 20 slots is 0.4: want ceil(2 × 0.4 / 0.5) = 2, steady.
    // From 1,800 s the load is 2 of 20 (0.1): want 1; the 15th period below
    // target ends at 2,700 s, long after the cooldown (780 + 300 s), so an
    // instance is retired then and goes once its last request ends (< 1 s).
    let requests = phases(
        &[(0.0, 600.0, 2.0), (600.0, 1_800.0, 8.0), (1_800.0, 3_000.0, 2.0)],
        1.0,
    );
    let result = run(
        "ec2-2025",
        &[
            "instance_type=m5.large",
            "instances=1",
            "capacity=10",
            "autoscale=utilization",
            "min_instances=1",
            "max_instances=5",
            "target_utilization=0.5",
            "boot_s=90",
            "cooldown_s=300",
        ],
        &requests,
    );
    let timeline = &result.instances_over_time;
    assert_eq!(timeline.len(), 3, "{timeline:?}");
    assert_eq!(timeline[0], (0.0, 1));
    assert_eq!(timeline[1], (780.0, 2));
    assert_eq!(timeline[2].1, 1);
    assert!((2_700.0..2_701.0).contains(&timeline[2].0), "{timeline:?}");
    assert_eq!(result.instances.peak, 2);
    // Nothing waits: one instance had room for the whole step.
    assert_eq!(result.queue_ms.max, 0.0);
}

#[test]
fn heroku_p95_rule_moves_one_dyno_a_minute_with_the_response_time() {
    // Performance-m dynos with 1 worker; requests take 0.4 s (2.5/s per
    // dyno); target p95 1 s over a one-minute window.
    // - 0-300 s at 1/s: p95 0.4 s, below half the target, but one dyno is
    //   the floor.
    // - 300-600 s at 4/s: one dyno falls behind by 1.5/s; the period ending
    //   at 360 s has a p95 of many seconds, so a dyno is added at 360 s, and
    //   another each minute while the backlog keeps the p95 above 1 s.
    // - 600-1,200 s at 0.5/s: once the backlog is gone the p95 is 0.4 s,
    //   under half the target, and one dyno a minute is removed down to 1.
    let requests = phases(
        &[(0.0, 300.0, 1.0), (300.0, 600.0, 4.0), (600.0, 1_200.0, 0.5)],
        0.4,
    );
    let result = run(
        "heroku-2016",
        &[
            "dyno_type=performance-m",
            "dynos=1",
            "workers=1",
            "autoscale=p95",
            "min_dynos=1",
            "max_dynos=4",
            "target_p95_ms=1000",
            "autoscale_window_s=60",
            "routing=shared",
        ],
        &requests,
    );
    let timeline = &result.instances_over_time;
    assert_eq!(timeline[0], (0.0, 1));
    assert_eq!(timeline[1], (360.0, 2), "{timeline:?}");
    for pair in timeline.windows(2).skip(1) {
        let ((before, from), (after, to)) = (pair[0], pair[1]);
        assert_eq!(from.abs_diff(to), 1, "one dyno per decision: {timeline:?}");
        assert!(after - before >= 60.0, "decisions a minute apart: {timeline:?}");
    }
    let last = timeline.last().expect("changes");
    assert_eq!(last.1, 1, "back to one dyno: {timeline:?}");
    assert!(last.0 < 1_200.0, "{timeline:?}");
    assert!(
        result.instances.peak >= 3 && result.instances.peak <= 4,
        "{timeline:?}"
    );
}
