//! The workload a report describes: where the requests came from (a trace
//! file, or a generator and its settings), their span, count per day, mean
//! and peak rates and duration percentiles. The statistics are what the
//! runs saw (the source is read once for every deployment and the report),
//! so a trace on standard input is described as fully as a file.

use crate::compare::NamedResult;
use crate::distribution::DurationSpec;
use crate::metrics::LatencySummary;
use crate::scenario::{Scenario, WorkloadSource};
use crate::workload::{ArrivalProcess, GeneratorSpec};

/// What the report says about the workload.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    /// "trace file traces/x.csv" or the generator's settings in words.
    pub source: String,
    pub requests: u64,
    pub span_s: f64,
    pub mean_per_s: f64,
    /// The busiest minute's requests, per second (for long spans, the
    /// busiest bucket of the request series, per second).
    pub peak_minute_per_s: f64,
    pub duration_ms: Option<LatencySummary>,
}

impl Workload {
    /// Describes `scenario`'s workload from what the runs saw of it, so the
    /// source is read once for every deployment and the report alike.
    pub fn describe(scenario: &Scenario, results: &[NamedResult]) -> Self {
        from_results(source_in_words(&scenario.workload), results)
    }

    pub fn per_day(&self) -> f64 {
        if self.span_s > 0.0 {
            self.requests as f64 * 86_400.0 / self.span_s.max(86_400.0)
        } else {
            self.requests as f64
        }
    }
}

/// The workload as the first deployment's run saw it: requests read, the
/// horizon as the span, the busiest bucket of its request series, and the
/// durations as the trace or generator recorded them.
fn from_results(source: String, results: &[NamedResult]) -> Workload {
    let first = results.first().map(|named| &named.result);
    let requests = first.map_or(0, |result| result.requests.total + result.requests_beyond_horizon);
    let span_s = first.map_or(0.0, |result| result.horizon_s);
    let peak_minute_per_s = first.map_or(0.0, |result| {
        let buckets = &result.series.requests;
        let seconds = (buckets.width / crate::series::MINUTE).max(1) as f64 * 60.0;
        buckets.values.iter().copied().max().unwrap_or(0) as f64 / seconds
    });
    Workload {
        source,
        requests,
        span_s,
        mean_per_s: if span_s > 0.0 {
            requests as f64 / span_s
        } else {
            0.0
        },
        peak_minute_per_s,
        duration_ms: first
            .filter(|_| requests > 0)
            .map(|result| result.recorded_duration_ms),
    }
}

fn source_in_words(source: &WorkloadSource) -> String {
    match source {
        WorkloadSource::Trace { path, .. } => format!("the trace file {}", path.display()),
        WorkloadSource::Generator(spec) => generator_in_words(spec),
    }
}

/// A generator's settings in words: its arrivals, durations, functions
/// and seed.
pub fn generator_in_words(spec: &GeneratorSpec) -> String {
    let arrivals = match &spec.arrivals {
        ArrivalProcess::Poisson { rate } => format!("Poisson arrivals at {rate}/s"),
        ArrivalProcess::Hourly { .. } => "arrivals at a rate per hour of the day".to_owned(),
        ArrivalProcess::Sinusoid {
            trough,
            peak,
            peak_hour,
        } => format!("a daily sinusoid from {trough}/s to {peak}/s, peaking at {peak_hour}:00 UTC"),
        ArrivalProcess::Markov { rates, .. } => format!(
            "bursts switching between rates {}",
            rates
                .iter()
                .map(|rate| format!("{rate}/s"))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        ArrivalProcess::Series { .. } => "counts per interval from a series file".to_owned(),
    };
    let mut words = format!(
        "generated: {arrivals}, durations {}",
        duration_in_words(&spec.duration)
    );
    if !spec.functions.is_empty() {
        let functions: Vec<String> = spec
            .functions
            .iter()
            .map(|function| match &function.duration {
                Some(duration) => format!(
                    "{} ({}, {})",
                    function.name,
                    function.share,
                    duration_in_words(duration)
                ),
                None => format!("{} ({})", function.name, function.share),
            })
            .collect();
        words.push_str(&format!("; functions {}", functions.join(", ")));
    }
    words.push_str(&format!("; seed {}", spec.seed));
    words
}

fn duration_in_words(duration: &DurationSpec) -> String {
    let ms = |micros: u64| crate::report::format::quantity(micros as f64 / 1_000.0);
    match duration {
        DurationSpec::Constant(value) => format!("{} ms each", ms(*value)),
        DurationSpec::LogNormal { median, p99 } => {
            format!("lognormal with median {} ms and p99 {} ms", ms(*median), ms(*p99))
        }
        DurationSpec::Uniform { min, max } => format!("uniform from {} to {} ms", ms(*min), ms(*max)),
        other => format!("{other:?}").to_lowercase(),
    }
}
