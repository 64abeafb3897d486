//! Synthetic workloads: an arrival process, a mix of functions with shares,
//! memory and durations, and a limit (a span, a request count or both),
//! drawn from a seed. The generator is a stream of requests like any trace,
//! so it can be written to a file or replayed directly.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::arrivals::{ArrivalProcess, Arrivals};
use super::generator_recipe::GeneratorRecipe;
use super::request::{FunctionId, Request};
use crate::distribution::{DurationSampler, DurationSpec};
use crate::error::Result;
use crate::units::{MICROS_PER_SECOND, Micros};

/// One function of the mix.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionMix {
    pub name: String,
    /// Relative weight; shares are normalised over the mix.
    pub share: f64,
    pub memory_mb: Option<u32>,
    /// This function's durations, instead of the generator's.
    pub duration: Option<DurationSpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GeneratorSpec {
    pub arrivals: ArrivalProcess,
    pub duration: DurationSpec,
    /// Empty means one function called `default`.
    pub functions: Vec<FunctionMix>,
    pub span: Option<Micros>,
    pub count: Option<u64>,
    pub seed: u64,
    /// The options it was built from, to build it again with one changed
    /// ([`GeneratorSpec::with_parameter`]); none for a spec made in code.
    pub recipe: Option<Box<GeneratorRecipe>>,
}

/// Seeds the independent random streams of a generator from its one seed,
/// so that changing how durations are drawn never moves the arrivals.
const DURATION_STREAM: u64 = 0x9e37_79b9_7f4a_7c15;

impl GeneratorSpec {
    /// Function names in id order.
    pub fn function_names(&self) -> Vec<String> {
        if self.functions.is_empty() {
            vec![super::DEFAULT_FUNCTION.to_owned()]
        } else {
            self.functions
                .iter()
                .map(|function| function.name.clone())
                .collect()
        }
    }

    /// The requests, `origin_day_seconds` into the origin's UTC day (for
    /// time-of-day processes).
    pub fn generate(&self, origin_day_seconds: f64) -> Generator {
        let total: f64 = self.functions.iter().map(|function| function.share).sum();
        let mut cumulative = 0.0;
        let thresholds = self
            .functions
            .iter()
            .map(|function| {
                cumulative += function.share / total;
                cumulative
            })
            .collect();
        Generator {
            arrivals: self.arrivals.clone().arrivals(
                Pcg64::seed_from_u64(self.seed),
                origin_day_seconds,
                self.span,
            ),
            rng: Pcg64::seed_from_u64(self.seed ^ DURATION_STREAM),
            default_duration: self.duration.sampler(),
            durations: self
                .functions
                .iter()
                .map(|function| function.duration.as_ref().map(DurationSpec::sampler))
                .collect(),
            memory: self.functions.iter().map(|function| function.memory_mb).collect(),
            thresholds,
            span: self.span,
            remaining: self.count,
        }
    }
}

/// What a generator would do, estimated before it runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkEstimate {
    /// Expected requests.
    pub rows: f64,
    /// Expected draws: candidate arrivals of a thinned process (at its peak
    /// rate) or state changes of a Markov process, besides the requests.
    pub draws: f64,
    /// Expected seconds of simulated time the generator runs for.
    pub seconds: f64,
}

impl WorkEstimate {
    /// The larger of rows and draws: what the run costs.
    pub fn work(&self) -> f64 {
        self.rows.max(self.draws)
    }
}

impl GeneratorSpec {
    /// The expected requests and draws, from the rates, the span and the
    /// count (for a series, its counts before the span). A generator without
    /// a span runs until its count or the largest time (about 584,542 years).
    pub fn estimate(&self) -> WorkEstimate {
        let longest = Micros::MAX as f64 / MICROS_PER_SECOND as f64;
        let span_s = self
            .span
            .map_or(longest, |span| span as f64 / MICROS_PER_SECOND as f64);
        let count = self.count.map_or(f64::INFINITY, |count| count as f64);
        if let ArrivalProcess::Series { counts, bucket, .. } = &self.arrivals {
            let end = self.span.unwrap_or(Micros::MAX);
            let rows: f64 = counts
                .iter()
                .filter(|(index, _)| index.checked_mul(*bucket).is_some_and(|start| start < end))
                .map(|(_, count)| *count as f64)
                .sum();
            let rows = rows.min(count);
            return WorkEstimate {
                rows,
                draws: rows,
                seconds: span_s,
            };
        }
        let (mean, draws_per_second) = self.arrivals.mean_and_draw_rates();
        let seconds = if mean > 0.0 { span_s.min(count / mean) } else { 0.0 };
        // A count may be reached only after slow stretches (a quiet hour of
        // a diurnal profile) during which a thinned process still draws at
        // its peak: bound the draws by that longest wait.
        let slowest = self.arrivals.slowest_rate();
        let drawing_seconds = if slowest > 0.0 && slowest.is_finite() {
            span_s.min(count / slowest).max(seconds)
        } else {
            seconds
        };
        WorkEstimate {
            rows: (mean * seconds).min(count),
            draws: draws_per_second * drawing_seconds,
            seconds,
        }
    }
}

/// The stream of generated requests.
pub struct Generator {
    arrivals: Arrivals,
    rng: Pcg64,
    default_duration: DurationSampler,
    durations: Vec<Option<DurationSampler>>,
    memory: Vec<Option<u32>>,
    thresholds: Vec<f64>,
    span: Option<Micros>,
    remaining: Option<u64>,
}

impl Iterator for Generator {
    type Item = Result<Request>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == Some(0) {
            return None;
        }
        let arrival = self.arrivals.next()?;
        if self.span.is_some_and(|span| arrival >= span) {
            return None;
        }
        if let Some(remaining) = &mut self.remaining {
            *remaining -= 1;
        }
        let function = if self.thresholds.len() > 1 {
            let draw: f64 = self.rng.random();
            self.thresholds
                .iter()
                .position(|threshold| draw < *threshold)
                .unwrap_or(self.thresholds.len() - 1)
        } else {
            0
        };
        let sampler = self
            .durations
            .get(function)
            .and_then(Option::as_ref)
            .unwrap_or(&self.default_duration);
        let duration = sampler.sample(&mut self.rng);
        Some(Ok(Request {
            arrival,
            duration,
            function: FunctionId(function as u32),
            memory_mb: self.memory.get(function).copied().flatten(),
            bytes_out: 0,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(functions: Vec<FunctionMix>) -> GeneratorSpec {
        GeneratorSpec {
            arrivals: ArrivalProcess::Poisson { rate: 200.0 },
            duration: DurationSpec::parse("lognormal:median=120ms,p99=900ms").expect("valid"),
            functions,
            span: Some(600 * MICROS_PER_SECOND),
            count: None,
            seed: 1,
            recipe: None,
        }
    }

    #[test]
    fn lognormal_durations_hit_their_median_and_p99() {
        let mut durations: Vec<Micros> = spec(Vec::new())
            .generate(0.0)
            .map(|request| request.expect("generated").duration)
            .collect();
        durations.sort_unstable();
        let n = durations.len();
        // About 120,000 draws: quantiles within a few percent.
        assert!((durations[n / 2] as f64 / 120_000.0 - 1.0).abs() < 0.02);
        assert!((durations[n * 99 / 100] as f64 / 900_000.0 - 1.0).abs() < 0.05);
    }

    #[test]
    fn shares_and_limits_are_respected() {
        let functions = vec![
            FunctionMix {
                name: "api".into(),
                share: 3.0,
                memory_mb: Some(512),
                duration: None,
            },
            FunctionMix {
                name: "batch".into(),
                share: 1.0,
                memory_mb: None,
                duration: Some(DurationSpec::Constant(5_000_000)),
            },
        ];
        let requests: Vec<Request> = spec(functions.clone())
            .generate(0.0)
            .map(|request| request.expect("generated"))
            .collect();
        let api = requests
            .iter()
            .filter(|request| request.function == FunctionId(0))
            .count() as f64;
        assert!((api / requests.len() as f64 - 0.75).abs() < 0.01);
        assert!(
            requests
                .iter()
                .all(|request| request.arrival < 600 * MICROS_PER_SECOND)
        );
        let batch = requests
            .iter()
            .find(|request| request.function == FunctionId(1))
            .expect("some");
        assert_eq!((batch.duration, batch.memory_mb), (5_000_000, None));
        let limited = GeneratorSpec {
            count: Some(10),
            ..spec(functions)
        };
        assert_eq!(limited.generate(0.0).count(), 10);
    }

    #[test]
    fn the_same_seed_gives_the_same_trace() {
        let first: Vec<Request> = spec(Vec::new()).generate(0.0).map(|r| r.expect("ok")).collect();
        let second: Vec<Request> = spec(Vec::new()).generate(0.0).map(|r| r.expect("ok")).collect();
        assert_eq!(first, second);
    }
}
