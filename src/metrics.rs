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
    /// Of the served, those beyond a flat plan's soft monthly quota: served,
    /// but the vendor's terms call for a bigger plan (not in the sum above).
    #[serde(skip_serializing_if = "is_zero")]
    pub over_quota: u64,
}

fn is_zero(count: &u64) -> bool {
    *count == 0
}

/// Response time from arrival to completion (queueing, cold start and
/// execution), counted in the buckets of a three-significant-digit HDR
/// histogram, whose memory does not grow with the count.
///
/// Recording is on the per-request hot path, so it only bumps a counter:
/// the bucket index is the histogram's own (values below 2,048 µs exact,
/// then 1,024 sub-buckets per power of two), and the `hdrhistogram`
/// histogram that answers percentiles is built from these counts when they
/// are read. Its answers are the same as if every value had been recorded
/// into it, because it sees the same count in every bucket.
#[derive(Debug, Clone, Default)]
pub struct LatencyRecorder {
    /// Requests per histogram bucket; grows as longer latencies come (8 KiB
    /// per doubling), up to 2^64 - 1 µs, the longest time there is. Their
    /// sum is the count, worked out when read rather than kept per request.
    buckets: Vec<u64>,
    sum: u128,
    max: Micros,
}

/// log2 of half the sub-buckets of a three-significant-digit histogram
/// (2,048 sub-buckets, the smallest power of two above 2 × 10^3).
const HALF_SUB_BUCKETS_LOG2: u32 = 10;

/// The histogram's bucket index of `value`: the power of two by which it
/// exceeds the 2,048 exact values, times 1,024, plus its leading 11 bits.
#[inline]
fn bucket_of(value: Micros) -> usize {
    let sub_bucket_mask = (1 << (HALF_SUB_BUCKETS_LOG2 + 1)) - 1;
    let power = 64 - (HALF_SUB_BUCKETS_LOG2 + 1) - (value | sub_bucket_mask).leading_zeros();
    ((power as usize) << HALF_SUB_BUCKETS_LOG2) + (value >> power) as usize
}

/// The smallest value in bucket `index` (the inverse of [`bucket_of`]).
fn lowest_in_bucket(index: usize) -> Micros {
    let exact = 2 << HALF_SUB_BUCKETS_LOG2;
    if index < exact {
        return index as Micros;
    }
    let power = (index >> HALF_SUB_BUCKETS_LOG2) - 1;
    let leading = (index & ((1 << HALF_SUB_BUCKETS_LOG2) - 1)) + (1 << HALF_SUB_BUCKETS_LOG2);
    (leading as Micros) << power
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

/// Three significant digits are always valid histogram bounds.
#[cold]
fn unreachable_bounds() -> Histogram<u64> {
    unreachable!("a histogram of 3 significant digits is valid")
}

impl LatencyRecorder {
    #[inline]
    pub fn record(&mut self, latency: Micros) {
        let bucket = bucket_of(latency);
        match self.buckets.get_mut(bucket) {
            Some(count) => *count += 1,
            None => self.grow_and_count(bucket, 1),
        }
        self.sum += u128::from(latency);
        self.max = self.max.max(latency);
    }

    /// Records `count` latencies of 0 µs at once: the same as `count` calls
    /// of [`Self::record`] with 0.
    pub fn record_zeros(&mut self, count: u64) {
        match self.buckets.first_mut() {
            Some(zeros) => *zeros += count,
            None if count > 0 => self.grow_and_count(0, count),
            None => {}
        }
    }

    /// How many latencies were recorded.
    pub fn count(&self) -> u64 {
        self.buckets.iter().sum()
    }

    /// Adds `other`'s requests: the recorder of both sets of latencies
    /// (the client's view is the served requests' plus the timed-out ones').
    pub fn merge(&mut self, other: &LatencyRecorder) {
        if self.buckets.len() < other.buckets.len() {
            self.buckets.resize(other.buckets.len(), 0);
        }
        for (mine, theirs) in self.buckets.iter_mut().zip(&other.buckets) {
            *mine += theirs;
        }
        self.sum += other.sum;
        self.max = self.max.max(other.max);
    }

    #[cold]
    fn grow_and_count(&mut self, bucket: usize, count: u64) {
        // Whole powers of two at a time, as the histogram itself grows.
        let size = (bucket | ((1 << HALF_SUB_BUCKETS_LOG2) - 1)) + 1;
        self.buckets.resize(size, 0);
        self.buckets[bucket] += count;
    }

    /// The histogram of the recorded counts, for percentiles.
    fn histogram(&self) -> Histogram<u64> {
        // Three significant digits: percentiles within 0.1%; the histogram
        // grows its range to the longest latency recorded.
        let mut histogram = Histogram::new(3).unwrap_or_else(|_| unreachable_bounds());
        histogram.auto(true);
        for (index, &count) in self.buckets.iter().enumerate() {
            // Recording fails only if the histogram cannot grow (out of
            // memory); the value is then kept at the largest it can hold.
            let value = lowest_in_bucket(index);
            if count > 0 && histogram.record_n(value, count).is_err() {
                histogram.saturating_record_n(value, count);
            }
        }
        histogram
    }

    /// (latency in ms, share of requests at or below it) at `points`
    /// evenly spaced quantiles and, beyond the last of them, in the tail
    /// (four quantiles a decade, down to one request in the count), for a
    /// CDF chart and its complement on a log axis.
    pub fn cdf(&self, points: usize) -> Vec<(f64, f64)> {
        let count = self.count();
        if count == 0 {
            return Vec::new();
        }
        let histogram = self.histogram();
        let points = points.max(1);
        let resolution = 1.0 / count as f64;
        let tail = (1..)
            .map(|quarter| (points as f64).recip() * 10f64.powf(-f64::from(quarter) / 4.0))
            .take_while(|slower| *slower >= resolution * (1.0 - 1e-9))
            .map(|slower| 1.0 - slower);
        (0..points)
            .map(|index| index as f64 / points as f64)
            .chain(tail.take(40))
            .chain(std::iter::once(1.0))
            .map(|quantile| {
                let value = histogram.value_at_quantile(quantile).min(self.max);
                (to_millis(value), quantile)
            })
            .collect()
    }

    pub fn summary(&self) -> LatencySummary {
        let count = self.count();
        if count == 0 {
            return LatencySummary::default();
        }
        let histogram = self.histogram();
        let quantile = |q: f64| to_millis(histogram.value_at_quantile(q).min(self.max));
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

/// Instance summary in seconds. Idle capacity (paid time that served
/// nothing) is the bill's, `bill.idle`, counted in the unit the vendor
/// bills; here are only the instances' own times.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct InstanceSummary {
    pub peak: u64,
    /// Time-averaged number of live instances over the horizon.
    pub mean: f64,
    pub instance_seconds: f64,
    pub busy_seconds: f64,
    /// Function platforms: time instances were alive (warm) without
    /// serving and without being billed for it; none for platforms that
    /// bill every second an instance is alive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_unbilled_seconds: Option<f64>,
}

impl InstanceTally {
    pub fn summary(&self, horizon: Micros) -> InstanceSummary {
        InstanceSummary {
            peak: self.peak,
            mean: if horizon == 0 {
                0.0
            } else {
                self.instance_us as f64 / horizon as f64
            },
            instance_seconds: to_seconds(self.instance_us),
            busy_seconds: to_seconds(self.busy_us),
            warm_unbilled_seconds: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cdf_reaches_into_the_tail() {
        // 1,000 requests of 1..=1,000 ms and 10 even points: quantiles 0,
        // 0.1, …, 0.9; then the tail, four a decade below 0.1 slower:
        // 0.1 × 10^(−q/4) for q = 1..8 (q = 8 is 0.001, one request of
        // 1,000); then 1.0, the slowest. 10 + 8 + 1 = 19 points.
        let mut recorder = LatencyRecorder::default();
        for ms in 1..=1_000u64 {
            recorder.record(ms * 1_000);
        }
        let cdf = recorder.cdf(10);
        assert_eq!(cdf.len(), 19);
        assert!((cdf[10].1 - (1.0 - 0.1 * 10f64.powf(-0.25))).abs() < 1e-12);
        assert!((cdf[17].1 - 0.999).abs() < 1e-12);
        assert_eq!(cdf[18], (1_000.0, 1.0));
        // Quantile 0.999 is the 999th request, within the histogram's 0.1%.
        assert!((cdf[17].0 - 999.0).abs() <= 1.0, "{}", cdf[17].0);
    }

    #[test]
    fn buckets_are_the_histograms_own() {
        // Below 2,048 µs every value has its own bucket.
        assert_eq!((bucket_of(0), bucket_of(2_047)), (0, 2_047));
        // 2,048..4,096 µs: 1,024 buckets of 2 µs, from index 2,048:
        // 2,048 -> 2,048, 2,049 -> 2,048, 4,095 -> 2,048 + 1,023 = 3,071.
        assert_eq!(
            (bucket_of(2_048), bucket_of(2_049), bucket_of(4_095)),
            (2_048, 2_048, 3_071)
        );
        // 4,096 µs starts the next power of two: 3,072, in 4 µs steps.
        assert_eq!(
            (bucket_of(4_096), lowest_in_bucket(3_072), lowest_in_bucket(3_073)),
            (3_072, 4_096, 4_100)
        );
        // The longest time: power 53, leading bits 2,047: 53 × 1,024 + 2,047 = 56,319.
        assert_eq!(bucket_of(Micros::MAX), 56_319);
        for value in [0, 1, 2_047, 2_048, 2_050, 4_096, 123_456_789, Micros::MAX] {
            let index = bucket_of(value);
            assert!(lowest_in_bucket(index) <= value);
            assert_eq!(bucket_of(lowest_in_bucket(index)), index);
        }
    }

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
    fn zeros_recorded_at_once_count_as_recorded_one_by_one() {
        // Three waits of 0 µs and one of 10 µs: count 4, mean 10 / 4 =
        // 2.5 µs = 0.0025 ms, median 0, max 0.01 ms.
        let mut at_once = LatencyRecorder::default();
        at_once.record_zeros(3);
        at_once.record(10);
        at_once.record_zeros(0);
        let mut one_by_one = LatencyRecorder::default();
        for latency in [0, 0, 10, 0] {
            one_by_one.record(latency);
        }
        assert_eq!((at_once.count(), one_by_one.count()), (4, 4));
        let summary = at_once.summary();
        assert_eq!((summary.mean, summary.p50, summary.max), (0.0025, 0.0, 0.01));
        assert_eq!(summary, one_by_one.summary());
        assert_eq!(at_once.cdf(4), one_by_one.cdf(4));
    }

    #[test]
    fn merged_recorders_count_both() {
        // Served 10 ms and 20 ms, one timed out at 30 s: mean (10 + 20 +
        // 30,000) / 3 = 10,010 ms, max 30,000 ms.
        let mut served = LatencyRecorder::default();
        served.record(10_000);
        served.record(20_000);
        let mut timed_out = LatencyRecorder::default();
        timed_out.record(30_000_000);
        served.merge(&timed_out);
        let summary = served.summary();
        assert_eq!((summary.mean, summary.max), (10_010.0, 30_000.0));
        // The median is the 20 ms one, within its 16 µs histogram bucket.
        assert!((summary.p50 - 20.0).abs() < 0.02, "{summary:?}");
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
