//! Delays drawn per event, such as a cold start: a constant or a distribution,
//! written as text in price books and on the command line.
//!
//! Forms: `250` (milliseconds), `250ms`, `1.2s`, `lognormal:median=250ms,p99=1s`,
//! `uniform:min=100ms,max=400ms`, `exponential:mean=200ms`.

use std::fmt;

use rand::Rng;
use rand::distr::Distribution;
use statrs::distribution::{Exp, LogNormal, Uniform};

use crate::units::{Micros, parse_span};

/// The 99th percentile of the standard normal distribution.
const STANDARD_NORMAL_P99: f64 = 2.326_347_874_040_840_8;

/// A delay specification, validated.
#[derive(Debug, Clone, PartialEq)]
pub enum DelaySpec {
    Constant(Micros),
    LogNormal { median: Micros, p99: Micros },
    Uniform { min: Micros, max: Micros },
    Exponential { mean: Micros },
}

const EXPECTED: &str = "a delay such as 250ms, `lognormal:median=250ms,p99=1s`, `uniform:min=100ms,max=400ms` or `exponential:mean=200ms`";

impl DelaySpec {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let Some((kind, parameters)) = text.split_once(':') else {
            return parse_span(text, "ms")
                .map(DelaySpec::Constant)
                .map_err(|_| format!("expected {EXPECTED}, found `{text}`"));
        };
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
                .ok_or_else(|| format!("`{text}` lacks `{wanted}=`"))
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
            "lognormal" => DelaySpec::LogNormal {
                median: take("median")?,
                p99: take("p99")?,
            },
            "uniform" => DelaySpec::Uniform {
                min: take("min")?,
                max: take("max")?,
            },
            _ => DelaySpec::Exponential { mean: take("mean")? },
        };
        match spec {
            DelaySpec::LogNormal { median, p99 } if median == 0 || p99 <= median => {
                Err(format!("`{text}`: a lognormal needs 0 < median < p99"))
            }
            DelaySpec::Uniform { min, max } if max < min => {
                Err(format!("`{text}`: a uniform needs min <= max"))
            }
            DelaySpec::Exponential { mean: 0 } => Err(format!("`{text}`: an exponential needs mean > 0")),
            spec => Ok(spec),
        }
    }

    /// Builds the sampler used during a run.
    pub fn sampler(&self) -> DelaySampler {
        // The parameters were validated by `parse`, so the constructors below
        // succeed; should one not, the delay degrades to its central value.
        let micros = |value: Micros| value as f64;
        match *self {
            DelaySpec::Constant(value) => DelaySampler::Constant(value),
            DelaySpec::LogNormal { median, p99 } => {
                let location = micros(median).ln();
                let scale = (micros(p99).ln() - location) / STANDARD_NORMAL_P99;
                LogNormal::new(location, scale)
                    .map_or(DelaySampler::Constant(median), DelaySampler::LogNormal)
            }
            DelaySpec::Uniform { min, max } if min == max => DelaySampler::Constant(min),
            DelaySpec::Uniform { min, max } => Uniform::new(micros(min), micros(max))
                .map_or(DelaySampler::Constant(min), DelaySampler::Uniform),
            DelaySpec::Exponential { mean } => {
                Exp::new(1.0 / micros(mean)).map_or(DelaySampler::Constant(mean), DelaySampler::Exponential)
            }
        }
    }
}

impl fmt::Display for DelaySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |value: Micros| format!("{}ms", value as f64 / 1_000.0);
        match *self {
            DelaySpec::Constant(value) => write!(f, "{}", ms(value)),
            DelaySpec::LogNormal { median, p99 } => {
                write!(f, "lognormal:median={},p99={}", ms(median), ms(p99))
            }
            DelaySpec::Uniform { min, max } => write!(f, "uniform:min={},max={}", ms(min), ms(max)),
            DelaySpec::Exponential { mean } => write!(f, "exponential:mean={}", ms(mean)),
        }
    }
}

/// Draws delays; a constant draws nothing from the random stream.
#[derive(Debug, Clone)]
pub enum DelaySampler {
    Constant(Micros),
    LogNormal(LogNormal),
    Uniform(Uniform),
    Exponential(Exp),
}

impl DelaySampler {
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Micros {
        let drawn = match self {
            DelaySampler::Constant(value) => return *value,
            DelaySampler::LogNormal(distribution) => distribution.sample(rng),
            DelaySampler::Uniform(distribution) => distribution.sample(rng),
            DelaySampler::Exponential(distribution) => distribution.sample(rng),
        };
        drawn.round().max(0.0) as Micros
    }
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
        ] {
            let spec = DelaySpec::parse(text).expect(text);
            assert_eq!(spec.to_string(), text);
        }
        assert_eq!(DelaySpec::parse("0"), Ok(DelaySpec::Constant(0)));
        assert_eq!(DelaySpec::parse("1.5s"), Ok(DelaySpec::Constant(1_500_000)));
    }

    #[test]
    fn bad_forms_explain_themselves() {
        assert!(DelaySpec::parse("fast").unwrap_err().contains("expected a delay"));
        assert!(
            DelaySpec::parse("gamma:k=1")
                .unwrap_err()
                .contains("unknown distribution `gamma`")
        );
        assert!(
            DelaySpec::parse("lognormal:median=1s,p99=10ms")
                .unwrap_err()
                .contains("0 < median < p99")
        );
        assert!(
            DelaySpec::parse("lognormal:median=1s")
                .unwrap_err()
                .contains("lacks `p99=`")
        );
        assert!(
            DelaySpec::parse("exponential:mean=1s,sd=2")
                .unwrap_err()
                .contains("unknown parameter `sd`")
        );
    }

    #[test]
    fn lognormal_draws_match_median_and_p99() {
        let sampler = DelaySpec::parse("lognormal:median=250ms,p99=1s")
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
