//! What a run observed, next to what it costs: request outcomes, latency
//! percentiles from a fixed-memory histogram, and instance counts and time.

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::units::{Micros, to_millis, to_seconds};

/// Outcomes of the requests of a run.
/// `total = served + throttled + timed_out + interrupted`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RequestCounts {
    pub total: u64,
    /// Completed within the time limit.
    pub served: u64,
    /// Served by an instance that had to start first.
    pub cold_starts: u64,
    /// Refused because the concurrency limit was reached; not billed.
    pub throttled: u64,
    /// Past the time limit: cut off and billed up to it (functions), or
    /// answered with an error by the router while the server finished the
    /// work (pools).
    pub timed_out: u64,
    /// Lost with a server the provider terminated (spot).
    pub interrupted: u64,
}

/// Response time from arrival to completion (queueing, cold start and
/// execution), in a histogram whose memory does not grow with the count.
#[derive(Debug, Clone)]
pub struct LatencyRecorder {
    histogram: Histogram<u64>,
    sum: u128,
    max: Micros,
}

/// Latency summary in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LatencySummary {
    pub mean: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Default for LatencyRecorder {
    fn default() -> Self {
        // Three significant digits: percentiles within 0.1%. The histogram
        // grows its range as longer latencies come (a few kilobytes per
        // doubling), so it covers every latency up to 2^64 - 1 µs, the
        // longest time there is, with memory set by the longest one seen.
        let mut histogram = Histogram::new(3).unwrap_or_else(|_| unreachable_bounds());
        histogram.auto(true);
        LatencyRecorder {
            histogram,
            sum: 0,
            max: 0,
        }
    }
}

/// Three significant digits are always valid histogram bounds.
#[cold]
fn unreachable_bounds() -> Histogram<u64> {
    unreachable!("a histogram of 3 significant digits is valid")
}

impl LatencyRecorder {
    pub fn record(&mut self, latency: Micros) {
        // Recording fails only if the histogram cannot grow (out of
        // memory); the value is then kept at the largest it can hold.
        if self.histogram.record(latency).is_err() {
            self.histogram.saturating_record(latency);
        }
        self.sum += u128::from(latency);
        self.max = self.max.max(latency);
    }

    /// (latency in ms, share of requests at or below it) at `points`
    /// evenly spaced quantiles, for a CDF chart.
    pub fn cdf(&self, points: usize) -> Vec<(f64, f64)> {
        if self.histogram.is_empty() {
            return Vec::new();
        }
        (0..=points)
            .map(|index| {
                let quantile = index as f64 / points as f64;
                let value = self.histogram.value_at_quantile(quantile).min(self.max);
                (to_millis(value), quantile)
            })
            .collect()
    }

    pub fn summary(&self) -> LatencySummary {
        let count = self.histogram.len();
        if count == 0 {
            return LatencySummary::default();
        }
        let quantile = |q: f64| to_millis(self.histogram.value_at_quantile(q).min(self.max));
        LatencySummary {
            mean: self.sum as f64 / count as f64 / 1_000.0,
            p50: quantile(0.50),
            p95: quantile(0.95),
            p99: quantile(0.99),
            max: to_millis(self.max),
        }
    }
}

/// Instance counts and time over a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InstanceTally {
    /// Most instances alive at once.
    pub peak: u64,
    /// Sum over instances of their lifetime within the horizon, µs.
    pub instance_us: u128,
    /// Sum over instances of time spent starting or serving, µs.
    pub busy_us: u128,
}

/// Instance summary in seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct InstanceSummary {
    pub peak: u64,
    /// Time-averaged number of live instances over the horizon.
    pub mean: f64,
    pub instance_seconds: f64,
    pub busy_seconds: f64,
    pub idle_seconds: f64,
}

impl InstanceTally {
    pub fn summary(&self, horizon: Micros) -> InstanceSummary {
        let idle = self.instance_us.saturating_sub(self.busy_us);
        InstanceSummary {
            peak: self.peak,
            mean: if horizon == 0 {
                0.0
            } else {
                self.instance_us as f64 / horizon as f64
            },
            instance_seconds: to_seconds(self.instance_us),
            busy_seconds: to_seconds(self.busy_us),
            idle_seconds: to_seconds(idle),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_summary_of_known_values() {
        let mut recorder = LatencyRecorder::default();
        for millis in 1..=100 {
            recorder.record(millis * 1_000);
        }
        let summary = recorder.summary();
        // Mean of 1..=100 ms is 50.5 ms; the 50th value is 50 ms, the 95th
        // 95 ms, the 99th 99 ms (histogram buckets are exact at 3 digits here).
        assert_eq!(summary.mean, 50.5);
        assert!((summary.p50 - 50.0).abs() < 0.05, "{summary:?}");
        assert!((summary.p95 - 95.0).abs() < 0.1, "{summary:?}");
        assert!((summary.p99 - 99.0).abs() < 0.1, "{summary:?}");
        assert_eq!(summary.max, 100.0);
    }

    #[test]
    fn latencies_beyond_a_week_keep_their_percentiles() {
        // One request of 100 days: 100 × 86,400 s = 8,640,000,000 ms.
        let mut recorder = LatencyRecorder::default();
        recorder.record(100 * 86_400 * 1_000_000);
        let summary = recorder.summary();
        assert_eq!((summary.p50, summary.p99, summary.max), (8.64e9, 8.64e9, 8.64e9));
        // The longest time there is, beside a short one: p99 within 0.1%.
        let mut recorder = LatencyRecorder::default();
        recorder.record(1_000);
        recorder.record(Micros::MAX);
        let summary = recorder.summary();
        assert_eq!(summary.p50, 1.0);
        assert!(
            (summary.p99 / to_millis(Micros::MAX) - 1.0).abs() < 1e-3,
            "{summary:?}"
        );
    }
}
