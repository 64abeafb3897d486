//! A generator built again with one `[workload.generator]` key changed (the
//! sweep's `generator.KEY` dimensions) or with its traffic scaled (the
//! `traffic` dimension).
//!
//! A spec built from options keeps them in a [`GeneratorRecipe`], with the
//! folder relative paths start from and the traffic factor applied since.
//! Changing a key re-runs the scenario's own checks on the options with the
//! key changed, then applies the recipe's factor, so changing keys and
//! scaling traffic commute. Scaling multiplies every rate of the arrival
//! process (or a series' counts) and the `count` by the factor, keeping
//! times of day, dwell times, buckets and the span.
//!
//! Values are text, as on a command line: numbers (`rate`, `trough`, `peak`,
//! `peak_hour`, `on_rate`), whole numbers (`count`, `seed`, `max_rows`), the
//! entries of `functions` and `function_durations` separated by `;`
//! (`api:3:512;batch:1`), and every other key its string.

use std::path::PathBuf;

use super::GeneratorSpec;
use super::generator_options::{DEFAULT_MAX_ROWS, GeneratorOptions, check_rows};
use super::traffic::TrafficFactor;

/// What a spec was built from.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratorRecipe {
    pub options: GeneratorOptions,
    /// The folder a relative `series` path starts from.
    pub base: PathBuf,
    /// The traffic factor applied after building; none for the options as
    /// they are.
    pub traffic: Option<TrafficFactor>,
}

/// The keys of `[workload.generator]`, in the order of its documentation.
pub const GENERATOR_KEYS: [&str; 21] = [
    "arrivals",
    "rate",
    "hourly",
    "trough",
    "peak",
    "peak_hour",
    "on_rate",
    "mean_on",
    "mean_off",
    "rates",
    "dwell",
    "series",
    "interval",
    "spread",
    "duration",
    "functions",
    "function_durations",
    "span",
    "count",
    "seed",
    "max_rows",
];

impl GeneratorRecipe {
    /// The spec it describes: the options checked as a scenario checks
    /// them, then scaled.
    pub fn build(&self) -> Result<GeneratorSpec, String> {
        let spec = self
            .options
            .to_spec(&self.base)
            .map_err(|problems| problems.join("; "))?;
        let Some(factor) = &self.traffic else {
            return Ok(spec);
        };
        let max_rows = self.options.max_rows.unwrap_or(DEFAULT_MAX_ROWS);
        Ok(GeneratorSpec {
            recipe: Some(Box::new(self.clone())),
            ..spec.scaled_directly(factor, max_rows)?
        })
    }
}

impl GeneratorSpec {
    /// The spec with its traffic scaled by `factor` and its span kept: every
    /// rate (a series' counts) and the count × the factor.
    pub fn scaled(&self, factor: &TrafficFactor) -> Result<GeneratorSpec, String> {
        let Some(recipe) = &self.recipe else {
            return self.scaled_directly(factor, DEFAULT_MAX_ROWS);
        };
        let traffic = match &recipe.traffic {
            Some(before) => before.times(factor)?,
            None => *factor,
        };
        GeneratorRecipe {
            traffic: Some(traffic),
            ..(**recipe).clone()
        }
        .build()
    }

    /// The spec built again with the `[workload.generator]` key `key` set
    /// to `value`, checked as the scenario checks its options.
    pub fn with_parameter(&self, key: &str, value: &str) -> Result<GeneratorSpec, String> {
        let recipe = self.recipe.as_ref().ok_or_else(|| {
            format!("generator.{key}: this generator was not built from [workload.generator] options")
        })?;
        let mut options = recipe.options.clone();
        set_option(&mut options, key, value)?;
        GeneratorRecipe {
            options,
            ..(**recipe).clone()
        }
        .build()
        .map_err(|problem| format!("generator.{key} = {value}: {problem}"))
    }

    /// Scales the process and the count, refusing more than `max_rows`.
    fn scaled_directly(&self, factor: &TrafficFactor, max_rows: u64) -> Result<GeneratorSpec, String> {
        let count = self
            .count
            .map(|count| {
                factor
                    .scale_count(count.into())
                    .and_then(|scaled| u64::try_from(scaled).ok())
                    .ok_or_else(|| format!("traffic {factor}: `count` {count} would exceed {}", u64::MAX))
            })
            .transpose()?;
        let spec = GeneratorSpec {
            arrivals: self.arrivals.scaled(factor)?,
            count,
            ..self.clone()
        };
        let estimate = spec.estimate();
        check_rows(
            &format!("the generator at traffic {factor}"),
            estimate.rows,
            estimate.draws,
            max_rows,
        )?;
        Ok(spec)
    }
}

/// Sets `key` of `options` to the text `value`.
fn set_option(options: &mut GeneratorOptions, key: &str, value: &str) -> Result<(), String> {
    let text = || Some(value.to_owned());
    let list = || value.split(';').map(|entry| entry.trim().to_owned()).collect();
    match key {
        "arrivals" => options.arrivals = value.to_owned(),
        "rate" => options.rate = Some(number(key, value)?),
        "hourly" => options.hourly = text(),
        "trough" => options.trough = Some(number(key, value)?),
        "peak" => options.peak = Some(number(key, value)?),
        "peak_hour" => options.peak_hour = Some(number(key, value)?),
        "on_rate" => options.on_rate = Some(number(key, value)?),
        "mean_on" => options.mean_on = text(),
        "mean_off" => options.mean_off = text(),
        "rates" => options.rates = text(),
        "dwell" => options.dwell = text(),
        "series" => options.series = Some(PathBuf::from(value)),
        "interval" => options.interval = text(),
        "spread" => options.spread = text(),
        "duration" => options.duration = text(),
        "functions" => options.functions = list(),
        "function_durations" => options.function_durations = list(),
        "span" => options.span = text(),
        "count" => options.count = Some(whole(key, value)?),
        "seed" => options.seed = Some(whole(key, value)?),
        "max_rows" => options.max_rows = Some(whole(key, value)?),
        _ => {
            return Err(format!(
                "generator.{key}: unknown [workload.generator] key; expected one of {}",
                GENERATOR_KEYS.join(", ")
            ));
        }
    }
    Ok(())
}

fn number(key: &str, value: &str) -> Result<f64, String> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|number| number.is_finite())
        .ok_or_else(|| format!("generator.{key}: expected a number, found `{value}`"))
}

fn whole(key: &str, value: &str) -> Result<u64, String> {
    value.trim().parse::<u64>().map_err(|_| {
        format!(
            "generator.{key}: expected a whole number from 0 to {}, found `{value}`",
            u64::MAX
        )
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::{Scenario, WorkloadSource};
    use crate::workload::{ArrivalProcess, Request};

    fn factor(text: &str) -> TrafficFactor {
        TrafficFactor::parse(text).expect("a valid factor")
    }

    fn options(arrivals: &str, span: &str) -> GeneratorOptions {
        GeneratorOptions {
            arrivals: arrivals.into(),
            span: Some(span.into()),
            ..GeneratorOptions::default()
        }
    }

    fn built(options: &GeneratorOptions) -> GeneratorSpec {
        options.to_spec(Path::new(".")).expect("valid options")
    }

    fn requests(spec: &GeneratorSpec) -> Vec<Request> {
        spec.generate(0.0)
            .map(|request| request.expect("generated"))
            .collect()
    }

    /// The generator of a scenario whose [workload.generator] has `rate`.
    fn scenario_generator(rate: &str) -> GeneratorSpec {
        let source = format!(
            "name = \"g\"\n[workload.generator]\narrivals = \"poisson\"\nrate = {rate}\nspan = \"1min\"\nseed = 3\n\n[[deployment]]\nname = \"L\"\nplatform = \"aws-lambda-2016\"\n"
        );
        let scenario = Scenario::from_toml("g.toml", &source, Path::new(".")).expect("valid scenario");
        match scenario.workload {
            WorkloadSource::Generator(spec) => *spec,
            WorkloadSource::Trace { .. } => panic!("a generator scenario"),
        }
    }

    #[test]
    fn doubling_a_poisson_generator_doubles_its_requests_over_the_same_hour() {
        // Rate 10/s × 2 = 20/s over 3,600 s: Poisson with mean 72,000 and
        // σ = sqrt(72,000) = 268.3, so ±4σ = ±1,073.
        let spec = built(&GeneratorOptions {
            rate: Some(10.0),
            ..options("poisson", "1h")
        });
        let doubled = spec.scaled(&factor("2")).expect("scalable");
        assert_eq!(doubled.arrivals, ArrivalProcess::Poisson { rate: 20.0 });
        assert_eq!(doubled.span, Some(3_600_000_000));
        let count = requests(&doubled).len() as f64;
        assert!((count - 72_000.0).abs() <= 4.0 * 268.3, "{count}");
    }

    #[test]
    fn a_sinusoid_scales_its_trough_and_peak_and_keeps_its_hour() {
        // 5 and 20 per second × 1.5 = 7.5 and 30; 0.1 × 3 is 0.3, exactly.
        let spec = built(&GeneratorOptions {
            trough: Some(5.0),
            peak: Some(20.0),
            peak_hour: Some(9.0),
            ..options("sinusoid", "1d")
        });
        let scaled = spec.scaled(&factor("1.5")).expect("scalable");
        assert_eq!(
            scaled.arrivals,
            ArrivalProcess::Sinusoid {
                trough: 7.5,
                peak: 30.0,
                peak_hour: 9.0
            }
        );
        let low = built(&GeneratorOptions {
            trough: Some(0.1),
            peak: Some(0.1),
            ..options("sinusoid", "1d")
        });
        let tripled = low.scaled(&factor("3")).expect("scalable");
        assert!(
            matches!(tripled.arrivals, ArrivalProcess::Sinusoid { trough, peak, .. } if trough == 0.3 && peak == 0.3)
        );
    }

    #[test]
    fn bursts_scale_their_rates_not_their_dwell_times_and_counts_scale_too() {
        let onoff = built(&GeneratorOptions {
            on_rate: Some(40.0),
            mean_on: Some("10s".into()),
            mean_off: Some("30s".into()),
            count: Some(1_001),
            ..options("onoff", "1h")
        });
        // 40 × 0.25 = 10 on, 0 stays 0; 1,001 × 0.25 = 250.25 → 250.
        let quarter = onoff.scaled(&factor("0.25")).expect("scalable");
        assert_eq!(
            quarter.arrivals,
            ArrivalProcess::Markov {
                rates: vec![10.0, 0.0],
                mean_dwell_s: vec![10.0, 30.0]
            }
        );
        assert_eq!(quarter.count, Some(250));
        let mut hourly = vec!["1"; 24];
        hourly[5] = "2.5";
        let diurnal = built(&GeneratorOptions {
            hourly: Some(hourly.join(",")),
            ..options("diurnal", "1d")
        });
        let ArrivalProcess::Hourly { rates } = diurnal.scaled(&factor("4")).expect("scalable").arrivals
        else {
            panic!("hourly");
        };
        assert_eq!((rates[0], rates[5], rates[23]), (4.0, 10.0, 4.0));
    }

    #[test]
    fn rates_scaled_past_the_highest_are_refused() {
        let spec = built(&GeneratorOptions {
            rate: Some(6e8),
            count: Some(10),
            ..GeneratorOptions::default()
        });
        let problem = spec.scaled(&factor("2")).expect_err("too fast");
        assert_eq!(
            problem,
            "traffic 2: `rate` 600000000 would become 1.2e9, above the highest rate (1e9 per second)"
        );
        let big = built(&GeneratorOptions {
            rate: Some(10_000.0),
            ..options("poisson", "1h")
        });
        // 10,000/s × 1,000 × 3,600 s = 36,000,000,000 requests, above 200,000,000.
        let problem = big.scaled(&factor("1000")).expect_err("too many rows");
        assert!(
            problem.starts_with("the generator at traffic 1000 would produce about 36000000000 requests"),
            "{problem}"
        );
    }

    #[test]
    fn changing_the_rate_equals_a_scenario_written_with_that_rate() {
        let changed = scenario_generator("10")
            .with_parameter("rate", "20")
            .expect("valid");
        let written = scenario_generator("20");
        assert_eq!(changed, written);
        let requests = requests(&changed);
        // 20/s over 60 s: about 1,200.
        assert!((1_000..1_400).contains(&requests.len()), "{}", requests.len());
        assert_eq!(requests, self::requests(&written));
    }

    #[test]
    fn changing_a_key_and_scaling_commute() {
        let spec = scenario_generator("10");
        let two = factor("2");
        let scaled_then_changed = spec
            .scaled(&two)
            .and_then(|scaled| scaled.with_parameter("rate", "20"))
            .expect("valid");
        let changed_then_scaled = spec
            .with_parameter("rate", "20")
            .and_then(|changed| changed.scaled(&two))
            .expect("valid");
        assert_eq!(scaled_then_changed, changed_then_scaled);
        assert_eq!(
            scaled_then_changed.arrivals,
            ArrivalProcess::Poisson { rate: 40.0 }
        );
        // Twice ×2 is ×4 on the options as written: 10 × 4 = 40.
        let twice = spec
            .scaled(&two)
            .and_then(|scaled| scaled.scaled(&two))
            .expect("valid");
        assert_eq!(twice.arrivals, ArrivalProcess::Poisson { rate: 40.0 });
        assert_eq!(twice.recipe.and_then(|recipe| recipe.traffic), Some(factor("4")));
    }

    #[test]
    fn lists_take_entries_separated_by_semicolons() {
        let spec = scenario_generator("10")
            .with_parameter("functions", "api:3:512; batch:1")
            .expect("valid");
        let names: Vec<(String, Option<u32>)> = spec
            .functions
            .iter()
            .map(|function| (function.name.clone(), function.memory_mb))
            .collect();
        assert_eq!(names, [("api".to_owned(), Some(512)), ("batch".to_owned(), None)]);
    }

    #[test]
    fn bad_keys_and_values_say_what_was_expected() {
        let spec = scenario_generator("10");
        assert_eq!(
            spec.with_parameter("speed", "2").expect_err("unknown key"),
            format!(
                "generator.speed: unknown [workload.generator] key; expected one of {}",
                GENERATOR_KEYS.join(", ")
            )
        );
        assert_eq!(
            spec.with_parameter("rate", "fast").expect_err("not a number"),
            "generator.rate: expected a number, found `fast`"
        );
        assert_eq!(
            spec.with_parameter("count", "1.5").expect_err("not whole"),
            "generator.count: expected a whole number from 0 to 18446744073709551615, found `1.5`"
        );
        assert_eq!(
            spec.with_parameter("rate", "-5").expect_err("out of range"),
            "generator.rate = -5: rate: expected a rate above 0 and at most 1e9 per second, found -5"
        );
        assert_eq!(
            spec.with_parameter("arrivals", "sinusoid")
                .expect_err("missing keys"),
            "generator.arrivals = sinusoid: sinusoid arrivals need `trough` (--trough on the command line)"
        );
        let in_code = GeneratorSpec { recipe: None, ..spec };
        assert_eq!(
            in_code.with_parameter("rate", "20").expect_err("no options"),
            "generator.rate: this generator was not built from [workload.generator] options"
        );
        assert_eq!(
            in_code.scaled(&factor("2")).expect("scaled directly").arrivals,
            ArrivalProcess::Poisson { rate: 20.0 }
        );
    }

    #[test]
    fn the_keys_are_exactly_those_of_the_scenario_table() {
        // serde lists every field when it meets an unknown one.
        let error = toml::from_str::<GeneratorOptions>("speed = 1").expect_err("unknown");
        let listed: Vec<String> = GENERATOR_KEYS.iter().map(|key| format!("`{key}`")).collect();
        assert!(
            error
                .to_string()
                .contains(&format!("expected one of {}", listed.join(", "))),
            "{error}"
        );
    }
}
