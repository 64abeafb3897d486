//! Random durations, such as cold-start delays and request execution times:
//! a constant or a distribution, written as text in price books, settings
//! and generator options.
//!
//! Forms: `250` (milliseconds), `250ms`, `1.2s`, `lognormal:median=250ms,p99=1s`,
//! `uniform:min=100ms,max=400ms`, `exponential:mean=200ms`,
//! `pareto:scale=50ms,shape=2.5` and `empirical:p0=10ms,p50=100ms,p99=900ms,p100=2s`
//! (percentile points, linear in between).

use std::fmt;

use rand::distr::Distribution;
use rand::{Rng, RngExt};
use statrs::distribution::{Exp, LogNormal, Pareto, Uniform};

use crate::units::{Micros, parse_span};

/// The 99th percentile of the standard normal distribution.
const STANDARD_NORMAL_P99: f64 = 2.326_347_874_040_840_8;

/// A duration distribution, validated.
#[derive(Debug, Clone, PartialEq)]
pub enum DurationSpec {
    Constant(Micros),
    LogNormal {
        median: Micros,
        p99: Micros,
    },
    Uniform {
        min: Micros,
        max: Micros,
    },
    Exponential {
        mean: Micros,
    },
    /// Pareto with minimum `scale` and tail index `shape`.
    Pareto {
        scale: Micros,
        shape: f64,
    },
    /// Percentile points (percentile 0-100, value), percentiles increasing.
    Empirical {
        points: Vec<(f64, Micros)>,
    },
}

const EXPECTED: &str = "a duration such as 250ms, `lognormal:median=250ms,p99=1s`, `uniform:min=100ms,max=400ms`, `exponential:mean=200ms`, `pareto:scale=50ms,shape=2.5` or `empirical:p0=10ms,p50=100ms,p100=2s`";

impl DurationSpec {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let Some((kind, parameters)) = text.split_once(':') else {
            return parse_span(text, "ms")
                .map(DurationSpec::Constant)
                .map_err(|_| format!("expected {EXPECTED}, found `{text}`"));
        };
        match kind {
            "pareto" => return parse_pareto(text, parameters),
            "empirical" => return parse_empirical(text, parameters),
            _ => {}
        }
        let mut values = Vec::new();
        for pair in parameters.split(',') {
            let (name, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("expected name=value in `{pair}` of `{text}`"))?;
            let value = parse_span(value, "ms").map_err(|error| format!("`{name}` of `{text}`: {error}"))?;
            values.push((name.trim(), value));
        }
        let take = |wanted: &str| {
            values
                .iter()
                .find(|(name, _)| *name == wanted)
                .map(|(_, value)| *value)
                .ok_or_else(|| format!("`{text}` lacks `{wanted}=`: expected {EXPECTED}"))
        };
        let known: &[&str] = match kind {
            "lognormal" => &["median", "p99"],
            "uniform" => &["min", "max"],
            "exponential" => &["mean"],
            _ => return Err(format!("unknown distribution `{kind}`: expected {EXPECTED}")),
        };
        if let Some((name, _)) = values.iter().find(|(name, _)| !known.contains(name)) {
            return Err(format!(
                "`{text}`: unknown parameter `{name}` (expected {})",
                known.join(", ")
            ));
        }
        let spec = match kind {
            "lognormal" => DurationSpec::LogNormal {
                median: take("median")?,
                p99: take("p99")?,
            },
            "uniform" => DurationSpec::Uniform {
                min: take("min")?,
                max: take("max")?,
            },
            _ => DurationSpec::Exponential { mean: take("mean")? },
        };
        match spec {
            DurationSpec::LogNormal { median, p99 } if median == 0 || p99 <= median => {
                Err(format!("`{text}`: a lognormal needs 0 < median < p99"))
            }
            DurationSpec::Uniform { min, max } if max < min => {
                Err(format!("`{text}`: a uniform needs min <= max"))
            }
            DurationSpec::Exponential { mean: 0 } => Err(format!("`{text}`: an exponential needs mean > 0")),
            spec => Ok(spec),
        }
    }

    /// Builds the sampler used during a run.
    pub fn sampler(&self) -> DurationSampler {
        // The parameters were validated by `parse`, so the constructors below
        // succeed; should one not, the delay degrades to its central value.
        let micros = |value: Micros| value as f64;
        match *self {
            DurationSpec::Constant(value) => DurationSampler::Constant(value),
            DurationSpec::LogNormal { median, p99 } => {
                let location = micros(median).ln();
                let scale = (micros(p99).ln() - location) / STANDARD_NORMAL_P99;
                LogNormal::new(location, scale)
                    .map_or(DurationSampler::Constant(median), DurationSampler::LogNormal)
            }
            DurationSpec::Uniform { min, max } if min == max => DurationSampler::Constant(min),
            DurationSpec::Uniform { min, max } => Uniform::new(micros(min), micros(max))
                .map_or(DurationSampler::Constant(min), DurationSampler::Uniform),
            DurationSpec::Exponential { mean } => Exp::new(1.0 / micros(mean))
                .map_or(DurationSampler::Constant(mean), DurationSampler::Exponential),
            DurationSpec::Pareto { scale, shape } => Pareto::new(micros(scale), shape)
                .map_or(DurationSampler::Constant(scale), DurationSampler::Pareto),
            DurationSpec::Empirical { ref points } => DurationSampler::Empirical(points.clone()),
        }
    }

    /// The spec for percentile points, as the Azure Functions dataset gives
    /// them; `None` unless the points are usable (increasing percentiles,
    /// non-decreasing values, 0 and 100 present).
    pub fn from_percentiles(points: Vec<(f64, Micros)>) -> Option<Self> {
        let valid = points.len() >= 2
            && points.first().is_some_and(|(p, _)| *p == 0.0)
            && points.last().is_some_and(|(p, _)| *p == 100.0)
            && points
                .windows(2)
                .all(|pair| pair[0].0 < pair[1].0 && pair[0].1 <= pair[1].1);
        valid.then_some(DurationSpec::Empirical { points })
    }
}

fn parse_pareto(text: &str, parameters: &str) -> Result<DurationSpec, String> {
    let mut scale = None;
    let mut shape = None;
    for pair in parameters.split(',') {
        match pair.split_once('=') {
            Some(("scale", value)) => {
                scale =
                    Some(parse_span(value, "ms").map_err(|error| format!("`scale` of `{text}`: {error}"))?);
            }
            Some(("shape", value)) => {
                shape = Some(
                    value
                        .parse::<f64>()
                        .ok()
                        .filter(|shape| shape.is_finite() && *shape > 0.0)
                        .ok_or_else(|| {
                            format!("`shape` of `{text}`: expected a number above 0, found `{value}`")
                        })?,
                );
            }
            _ => {
                return Err(format!(
                    "`{text}`: expected pareto:scale=…,shape=…, found `{pair}`"
                ));
            }
        }
    }
    match (scale, shape) {
        (Some(scale), Some(shape)) if scale > 0 => Ok(DurationSpec::Pareto { scale, shape }),
        (Some(_), Some(_)) => Err(format!("`{text}`: a pareto needs scale > 0")),
        _ => Err(format!("`{text}` needs both `scale=` and `shape=`")),
    }
}

fn parse_empirical(text: &str, parameters: &str) -> Result<DurationSpec, String> {
    let mut points = Vec::new();
    for pair in parameters.split(',') {
        let (name, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("expected pN=duration in `{pair}` of `{text}`"))?;
        let percentile = name
            .strip_prefix('p')
            .and_then(|number| number.parse::<f64>().ok())
            .filter(|p| (0.0..=100.0).contains(p))
            .ok_or_else(|| format!("`{text}`: `{name}` is not a percentile p0 to p100"))?;
        let value = parse_span(value, "ms").map_err(|error| format!("`{name}` of `{text}`: {error}"))?;
        points.push((percentile, value));
    }
    DurationSpec::from_percentiles(points).ok_or_else(|| {
        format!("`{text}`: percentile points must include p0 and p100, with percentiles increasing and durations not decreasing")
    })
}

impl fmt::Display for DurationSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |value: Micros| format!("{}ms", value as f64 / 1_000.0);
        match *self {
            DurationSpec::Constant(value) => write!(f, "{}", ms(value)),
            DurationSpec::LogNormal { median, p99 } => {
                write!(f, "lognormal:median={},p99={}", ms(median), ms(p99))
            }
            DurationSpec::Uniform { min, max } => write!(f, "uniform:min={},max={}", ms(min), ms(max)),
            DurationSpec::Exponential { mean } => write!(f, "exponential:mean={}", ms(mean)),
            DurationSpec::Pareto { scale, shape } => write!(f, "pareto:scale={},shape={shape}", ms(scale)),
            DurationSpec::Empirical { ref points } => {
                let points: Vec<String> = points
                    .iter()
                    .map(|(p, value)| format!("p{p}={}", ms(*value)))
                    .collect();
                write!(f, "empirical:{}", points.join(","))
            }
        }
    }
}

/// Draws durations; a constant draws nothing from the random stream.
#[derive(Debug, Clone)]
pub enum DurationSampler {
    Constant(Micros),
    LogNormal(LogNormal),
    Uniform(Uniform),
    Exponential(Exp),
    Pareto(Pareto),
    /// Inverse CDF through the percentile points, linear in between.
    Empirical(Vec<(f64, Micros)>),
}

impl DurationSampler {
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Micros {
        let drawn = match self {
            DurationSampler::Constant(value) => return *value,
            DurationSampler::LogNormal(distribution) => distribution.sample(rng),
            DurationSampler::Uniform(distribution) => distribution.sample(rng),
            DurationSampler::Exponential(distribution) => distribution.sample(rng),
            DurationSampler::Pareto(distribution) => distribution.sample(rng),
            DurationSampler::Empirical(points) => {
                let uniform: f64 = rng.random::<f64>() * 100.0;
                interpolate(points, uniform)
            }
        };
        // At most the longest request a workload may hold (ten years): a
        // heavy tail (Pareto of shape 1e-300) draws beyond any time the
        // engine can add.
        (drawn.round().max(0.0) as Micros).min(crate::workload::MAX_DURATION)
    }
}

/// The value at `percentile` on the piecewise-linear curve through `points`.
fn interpolate(points: &[(f64, Micros)], percentile: f64) -> f64 {
    let upper = points
        .partition_point(|(p, _)| *p < percentile)
        .clamp(1, points.len() - 1);
    let (p0, v0) = points[upper - 1];
    let (p1, v1) = points[upper];
    let share = if p1 > p0 {
        ((percentile - p0) / (p1 - p0)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    v0 as f64 + share * (v1 as f64 - v0 as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_pcg::Pcg64;

    #[test]
    fn forms_parse_and_print_back() {
        for text in [
            "250ms",
            "lognormal:median=250ms,p99=1000ms",
            "uniform:min=100ms,max=400ms",
            "exponential:mean=200ms",
            "pareto:scale=50ms,shape=2.5",
            "empirical:p0=10ms,p50=100ms,p99=900ms,p100=2000ms",
        ] {
            let spec = DurationSpec::parse(text).expect(text);
            assert_eq!(spec.to_string(), text);
        }
        assert_eq!(DurationSpec::parse("0"), Ok(DurationSpec::Constant(0)));
        assert_eq!(DurationSpec::parse("1.5s"), Ok(DurationSpec::Constant(1_500_000)));
    }

    #[test]
    fn bad_forms_explain_themselves() {
        assert!(
            DurationSpec::parse("fast")
                .unwrap_err()
                .contains("expected a duration")
        );
        assert!(
            DurationSpec::parse("empirical:p50=1s,p100=2s")
                .unwrap_err()
                .contains("must include p0 and p100")
        );
        assert!(
            DurationSpec::parse("empirical:p0=3s,p100=2s")
                .unwrap_err()
                .contains("not decreasing")
        );
        assert!(
            DurationSpec::parse("pareto:scale=1s")
                .unwrap_err()
                .contains("needs both")
        );
        assert!(
            DurationSpec::parse("gamma:k=1")
                .unwrap_err()
                .contains("unknown distribution `gamma`")
        );
        assert!(
            DurationSpec::parse("lognormal:median=1s,p99=10ms")
                .unwrap_err()
                .contains("0 < median < p99")
        );
        assert!(
            DurationSpec::parse("lognormal:median=1s")
                .unwrap_err()
                .contains("lacks `p99=`")
        );
        // A case the fuzzer found: the message also says what is expected.
        let missing = DurationSpec::parse("lognormal:median=250\n").unwrap_err();
        assert!(
            missing.contains("lacks `p99=`: expected a duration such as"),
            "{missing}"
        );
        assert!(
            DurationSpec::parse("exponential:mean=1s,sd=2")
                .unwrap_err()
                .contains("unknown parameter `sd`")
        );
    }

    #[test]
    fn empirical_draws_follow_the_percentile_points() {
        let sampler = DurationSpec::parse("empirical:p0=0ms,p50=100ms,p100=1000ms")
            .expect("valid")
            .sampler();
        let mut rng = Pcg64::seed_from_u64(3);
        let mut draws: Vec<Micros> = (0..100_000).map(|_| sampler.sample(&mut rng)).collect();
        draws.sort_unstable();
        // Half the draws fall below 100 ms; the 75th percentile is halfway
        // from 100 ms to 1 s: 550 ms.
        assert!((draws[50_000] as f64 / 100_000.0 - 1.0).abs() < 0.02);
        assert!((draws[75_000] as f64 / 550_000.0 - 1.0).abs() < 0.02);
        assert!(*draws.last().expect("draws") <= 1_000_000);
    }

    #[test]
    fn pareto_draws_start_at_the_scale() {
        // Pareto(scale 50 ms, shape 2): median = 50 × 2^(1/2) = 70.7 ms.
        let sampler = DurationSpec::parse("pareto:scale=50ms,shape=2")
            .expect("valid")
            .sampler();
        let mut rng = Pcg64::seed_from_u64(4);
        let mut draws: Vec<Micros> = (0..100_000).map(|_| sampler.sample(&mut rng)).collect();
        draws.sort_unstable();
        assert!(draws[0] >= 50_000);
        assert!(
            (draws[50_000] as f64 / 70_710.7 - 1.0).abs() < 0.02,
            "{}",
            draws[50_000]
        );
    }

    #[test]
    fn lognormal_draws_match_median_and_p99() {
        let sampler = DurationSpec::parse("lognormal:median=250ms,p99=1s")
            .expect("valid")
            .sampler();
        let mut rng = Pcg64::seed_from_u64(7);
        let mut draws: Vec<Micros> = (0..200_000).map(|_| sampler.sample(&mut rng)).collect();
        draws.sort_unstable();
        let median = draws[draws.len() / 2] as f64;
        let p99 = draws[draws.len() * 99 / 100] as f64;
        // 200,000 draws put the sample quantiles within about 1% of the truth.
        assert!((median / 250_000.0 - 1.0).abs() < 0.02, "median {median}");
        assert!((p99 / 1_000_000.0 - 1.0).abs() < 0.04, "p99 {p99}");
    }
}
