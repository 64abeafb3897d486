//! Summary statistics of a request stream, computed in one pass with memory
//! that does not grow with its length: rows, span, mean and peak rates (the
//! busiest second and the busiest minute, in buckets aligned to the trace's
//! origin), duration percentiles and the functions with their shares.

use serde::Serialize;

use super::{FunctionNames, Request};
use crate::metrics::{LatencyRecorder, LatencySummary};
use crate::units::{MICROS_PER_SECOND, Micros, to_seconds};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RatePerSecond {
    pub mean: f64,
    pub peak_1s: f64,
    /// The busiest minute's count / 60.
    pub peak_1m: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FunctionShare {
    pub name: String,
    pub requests: u64,
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TraceStats {
    pub rows: u64,
    /// From the first arrival to the last.
    pub span_s: f64,
    pub rate_per_s: RatePerSecond,
    pub duration_ms: LatencySummary,
    pub functions: usize,
    /// Functions by share, largest first (at most 20).
    pub top_functions: Vec<FunctionShare>,
}

/// Accumulates [`TraceStats`] one request at a time.
#[derive(Debug, Default)]
pub struct StatsCollector {
    rows: u64,
    first: Option<Micros>,
    last: Micros,
    durations: LatencyRecorder,
    per_function: Vec<u64>,
    second: (Micros, u64, u64),
    minute: (Micros, u64, u64),
}

/// Counts arrivals per bucket: (current bucket, count in it, peak count).
fn count_in(bucket: &mut (Micros, u64, u64), this: Micros) {
    if this != bucket.0 {
        *bucket = (this, 0, bucket.2);
    }
    bucket.1 += 1;
    bucket.2 = bucket.2.max(bucket.1);
}

impl StatsCollector {
    pub fn add(&mut self, request: &Request) {
        self.rows += 1;
        self.first.get_or_insert(request.arrival);
        self.last = request.arrival;
        self.durations.record(request.duration);
        let index = request.function.index();
        if self.per_function.len() <= index {
            self.per_function.resize(index + 1, 0);
        }
        self.per_function[index] += 1;
        let second = request.arrival / MICROS_PER_SECOND;
        count_in(&mut self.second, second);
        count_in(&mut self.minute, second / 60);
    }

    /// The statistics, naming functions from `names`.
    pub fn finish(self, names: &FunctionNames) -> TraceStats {
        let span = self.last - self.first.unwrap_or(0);
        let rows = self.rows;
        let mut top: Vec<FunctionShare> = self
            .per_function
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(index, count)| FunctionShare {
                name: names.name(super::FunctionId(index as u32)).to_owned(),
                requests: *count,
                share: *count as f64 / rows as f64,
            })
            .collect();
        let functions = top.len();
        top.sort_by(|a, b| b.requests.cmp(&a.requests).then_with(|| a.name.cmp(&b.name)));
        top.truncate(20);
        TraceStats {
            rows,
            span_s: to_seconds(span),
            rate_per_s: RatePerSecond {
                mean: if span == 0 {
                    0.0
                } else {
                    rows as f64 / to_seconds(span)
                },
                peak_1s: self.second.2 as f64,
                peak_1m: self.minute.2 as f64 / 60.0,
            },
            duration_ms: self.durations.summary(),
            functions,
            top_functions: top,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::FunctionId;

    #[test]
    fn stats_of_a_small_stream() {
        let mut names = FunctionNames::default();
        let a = names.intern("a");
        let b = names.intern("b");
        // Arrivals (s): 0, 0.5, 0.9, 1.2, 61; durations 10, 20, 30, 40, 50 ms.
        let arrivals = [
            (0, a),
            (500_000, a),
            (900_000, b),
            (1_200_000, a),
            (61_000_000, b),
        ];
        let requests = arrivals.iter().zip([10u64, 20, 30, 40, 50]).map(
            |(&(arrival, function), ms): (&(u64, FunctionId), u64)| Request {
                arrival,
                duration: ms * 1_000,
                function,
                memory_mb: None,
                bytes_out: 0,
            },
        );
        let mut collector = StatsCollector::default();
        for request in requests {
            collector.add(&request);
        }
        let stats = collector.finish(&names);
        assert_eq!(stats.rows, 5);
        assert_eq!(stats.span_s, 61.0);
        // 3 arrivals in second 0; 4 in minute 0 (4 / 60).
        assert_eq!(stats.rate_per_s.peak_1s, 3.0);
        assert_eq!(stats.rate_per_s.peak_1m, 4.0 / 60.0);
        assert_eq!(stats.rate_per_s.mean, 5.0 / 61.0);
        assert_eq!(stats.duration_ms.mean, 30.0);
        assert_eq!(stats.functions, 2);
        assert_eq!(stats.top_functions[0].name, "a");
        assert_eq!(stats.top_functions[0].share, 0.6);
    }
}
