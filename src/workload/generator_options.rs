//! The options of a synthetic workload as text, the way users write them on
//! the command line (`costsim trace gen --arrivals sinusoid --trough 5 …`)
//! or in a scenario file (`[workload.generator]`), checked and turned into a
//! [`GeneratorSpec`]. Every problem is reported at once.
//!
//! Ranges: rates are finite, from 0 (where a state or an hour may be idle)
//! or above 0 (where they drive the whole process) up to [`MAX_RATE`] per
//! second; `peak_hour` lies in [0, 24); spans and dwell times are above
//! zero. Before anything runs, the work is estimated (expected requests,
//! and the candidates or state changes drawn to make them) and refused above
//! `max_rows` ([`DEFAULT_MAX_ROWS`] unless raised), with the estimate.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::generator_recipe::GeneratorRecipe;
use super::import::read_rate_series;
use super::{ArrivalProcess, FunctionMix, GeneratorSpec, Spread};
use crate::distribution::DurationSpec;
use crate::error::Error;
use crate::units::{MICROS_PER_SECOND, Micros, parse_span};

/// Default execution times of generated requests.
pub const DEFAULT_DURATION: &str = "lognormal:median=100ms,p99=1s";

/// The highest rate accepted, per second (a thousand per microsecond).
pub const MAX_RATE: f64 = 1e9;

/// Rows a generator or an importer may produce unless the user raises the
/// limit (`--max-rows`, or `max_rows` in `[workload.generator]`): about
/// 6 GB of trace, or minutes of simulation.
pub const DEFAULT_MAX_ROWS: u64 = 200_000_000;

/// The problems of a set of generator options: the options themselves
/// (usage), or the data of a series file they name.
#[derive(Debug)]
pub struct GeneratorProblems {
    pub usage: Vec<String>,
    pub data: Option<Error>,
}

/// A problem with one option, or with the series file.
enum Problem {
    Usage(String),
    Data(Error),
}

impl From<String> for Problem {
    fn from(problem: String) -> Self {
        Problem::Usage(problem)
    }
}

/// Refuses work above `max_rows`, with the estimate and how to raise it.
pub fn check_rows(what: &str, rows: f64, draws: f64, max_rows: u64) -> Result<(), String> {
    if rows.max(draws) <= max_rows as f64 {
        return Ok(());
    }
    let draws = if draws > rows {
        format!(
            " (drawing about {} candidates or state changes)",
            describe_count(draws)
        )
    } else {
        String::new()
    };
    Err(format!(
        "{what} would produce about {} requests{draws}, above the limit of {max_rows} rows; \
         shorten the span, lower the rates or counts, or raise the limit with --max-rows \
         (`max_rows` in [workload.generator])",
        describe_count(rows)
    ))
}

/// A large count for a message: digits up to a quadrillion, then powers of ten.
fn describe_count(count: f64) -> String {
    if count < 1e15 {
        format!("{count:.0}")
    } else {
        format!("{count:.2e}")
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratorOptions {
    /// poisson, diurnal, sinusoid, onoff, mmpp or series.
    #[serde(default = "default_arrivals")]
    pub arrivals: String,
    pub rate: Option<f64>,
    /// 24 comma-separated rates.
    pub hourly: Option<String>,
    pub trough: Option<f64>,
    pub peak: Option<f64>,
    pub peak_hour: Option<f64>,
    pub on_rate: Option<f64>,
    pub mean_on: Option<String>,
    pub mean_off: Option<String>,
    pub rates: Option<String>,
    pub dwell: Option<String>,
    pub series: Option<PathBuf>,
    pub interval: Option<String>,
    pub spread: Option<String>,
    pub duration: Option<String>,
    /// `NAME:SHARE[:MB]` each.
    #[serde(default)]
    pub functions: Vec<String>,
    /// NAME=SPEC each.
    #[serde(default)]
    pub function_durations: Vec<String>,
    pub span: Option<String>,
    pub count: Option<u64>,
    pub seed: Option<u64>,
    /// The most rows the generator may produce ([`DEFAULT_MAX_ROWS`]).
    pub max_rows: Option<u64>,
}

fn default_arrivals() -> String {
    "poisson".into()
}

impl Default for GeneratorOptions {
    fn default() -> Self {
        GeneratorOptions {
            arrivals: default_arrivals(),
            rate: None,
            hourly: None,
            trough: None,
            peak: None,
            peak_hour: None,
            on_rate: None,
            mean_on: None,
            mean_off: None,
            rates: None,
            dwell: None,
            series: None,
            interval: None,
            spread: None,
            duration: None,
            functions: Vec::new(),
            function_durations: Vec::new(),
            span: None,
            count: None,
            seed: None,
            max_rows: None,
        }
    }
}

fn list(flag: &str, text: &str) -> Result<Vec<f64>, String> {
    text.split(',')
        .map(|value| {
            value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|number| (0.0..=MAX_RATE).contains(number))
                .ok_or_else(|| format!("{flag}: `{value}` is not a rate from 0 to {MAX_RATE:e} per second"))
        })
        .collect()
}

fn need<T: Clone>(value: &Option<T>, flag: &str, kind: &str) -> Result<T, String> {
    value
        .clone()
        .ok_or_else(|| format!("{kind} arrivals need `{flag}` (--{flag} on the command line)"))
}

fn span_above_zero(flag: &str, text: &str) -> Result<Micros, String> {
    match parse_span(text, "s") {
        Ok(0) => Err(format!("{flag}: expected a span above zero, found `{text}`")),
        Ok(micros) => Ok(micros),
        Err(problem) => Err(format!("{flag}: {problem}")),
    }
}

fn seconds(flag: &str, text: &str) -> Result<f64, String> {
    span_above_zero(flag, text).map(|micros| micros as f64 / MICROS_PER_SECOND as f64)
}

fn positive(flag: &str, value: f64) -> Result<f64, String> {
    if value > 0.0 && value <= MAX_RATE {
        Ok(value)
    } else {
        Err(format!(
            "{flag}: expected a rate above 0 and at most {MAX_RATE:e} per second, found {}",
            number(value)
        ))
    }
}

/// A number for a message: plain when of everyday size, else scientific.
fn number(value: f64) -> String {
    if value == 0.0 || (1e-6..1e15).contains(&value.abs()) || !value.is_finite() {
        format!("{value}")
    } else {
        format!("{value:e}")
    }
}

fn hour_of_day(value: f64) -> Result<f64, String> {
    if (0.0..24.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "peak-hour: expected an hour of day from 0 to below 24, found {}",
            number(value)
        ))
    }
}

impl GeneratorOptions {
    /// The arrival process; `base` resolves a relative series path.
    fn arrival_process(&self, base: &Path) -> Result<ArrivalProcess, Problem> {
        Ok(match self.arrivals.as_str() {
            "poisson" => ArrivalProcess::Poisson {
                rate: positive("rate", need(&self.rate, "rate", "poisson")?)?,
            },
            "diurnal" => {
                let rates = list("hourly", &need(&self.hourly, "hourly", "diurnal")?)?;
                let rates: [f64; 24] = rates
                    .try_into()
                    .map_err(|rates: Vec<f64>| format!("hourly: expected 24 rates, found {}", rates.len()))?;
                ArrivalProcess::Hourly { rates }
            }
            "sinusoid" => {
                let trough = need(&self.trough, "trough", "sinusoid")?;
                let peak = positive("peak", need(&self.peak, "peak", "sinusoid")?)?;
                if !(0.0..=peak).contains(&trough) {
                    return Err(format!(
                        "trough: expected between 0 and the peak, found {}",
                        number(trough)
                    )
                    .into());
                }
                ArrivalProcess::Sinusoid {
                    trough,
                    peak,
                    peak_hour: hour_of_day(self.peak_hour.unwrap_or(14.0))?,
                }
            }
            "onoff" => ArrivalProcess::Markov {
                rates: vec![
                    positive("on-rate", need(&self.on_rate, "on-rate", "onoff")?)?,
                    0.0,
                ],
                mean_dwell_s: vec![
                    seconds("mean-on", &need(&self.mean_on, "mean-on", "onoff")?)?,
                    seconds("mean-off", &need(&self.mean_off, "mean-off", "onoff")?)?,
                ],
            },
            "mmpp" => {
                let rates = list("rates", &need(&self.rates, "rates", "mmpp")?)?;
                let dwell = need(&self.dwell, "dwell", "mmpp")?
                    .split(',')
                    .map(|span| seconds("dwell", span))
                    .collect::<Result<Vec<_>, _>>()?;
                if rates.len() != dwell.len() || rates.len() < 2 {
                    return Err(
                        "rates and dwell: expected the same number (two or more) of states"
                            .to_owned()
                            .into(),
                    );
                }
                ArrivalProcess::Markov {
                    rates,
                    mean_dwell_s: dwell,
                }
            }
            "series" => self.series_process(base)?,
            other => {
                return Err(format!(
                    "arrivals: expected poisson, diurnal, sinusoid, onoff, mmpp or series, found `{other}`"
                )
                .into());
            }
        })
    }

    /// A series from its file; the file's problems are bad data.
    fn series_process(&self, base: &Path) -> Result<ArrivalProcess, Problem> {
        let series = need(&self.series, "series", "series")?;
        let path = if base == Path::new(".") {
            series
        } else {
            base.join(series)
        };
        let interval = self
            .interval
            .as_deref()
            .map(|text| span_above_zero("interval", text))
            .transpose()?;
        let spread = Spread::parse(self.spread.as_deref().unwrap_or("uniform"))
            .map_err(|problem| format!("spread: {problem}"))?;
        let series = read_rate_series(&path, interval).map_err(|error| match error {
            Error::Usage(problem) => Problem::Usage(format!("series: {problem}")),
            data => Problem::Data(data),
        })?;
        Ok(ArrivalProcess::Series {
            counts: series.counts,
            bucket: series.interval,
            spread,
        })
    }

    fn function_mix(&self) -> Result<Vec<FunctionMix>, String> {
        let mut mix = Vec::new();
        for text in &self.functions {
            let mut parts = text.split(':');
            let name = parts.next().unwrap_or("").trim();
            let share = parts.next().and_then(|share| share.trim().parse::<f64>().ok());
            let memory = parts
                .next()
                .map(|memory| memory.trim().parse::<u32>().ok().filter(|mb| *mb > 0));
            match (name, share, memory, parts.next()) {
                ("", ..) => return Err(format!("function: expected NAME:SHARE[:MB], found `{text}`")),
                (_, Some(share), None | Some(Some(_)), None) if share > 0.0 && share.is_finite() => {
                    mix.push(FunctionMix {
                        name: name.to_owned(),
                        share,
                        memory_mb: memory.flatten(),
                        duration: None,
                    });
                }
                _ => {
                    return Err(format!(
                        "function: expected NAME:SHARE[:MB] with a share above 0, found `{text}`"
                    ));
                }
            }
        }
        for text in &self.function_durations {
            let (name, spec) = text
                .split_once('=')
                .ok_or_else(|| format!("function-duration: expected NAME=SPEC, found `{text}`"))?;
            let spec = DurationSpec::parse(spec)
                .map_err(|problem| format!("function-duration {name}: {problem}"))?;
            let function = mix
                .iter_mut()
                .find(|function| function.name == name)
                .ok_or_else(|| format!("function-duration: `{name}` is not among the functions"))?;
            function.duration = Some(spec);
        }
        Ok(mix)
    }

    /// Checks every option; `base` is the folder relative paths start from.
    pub fn to_spec(&self, base: &Path) -> Result<GeneratorSpec, Vec<String>> {
        self.build(base).map_err(|found| {
            let mut problems = found.usage;
            problems.extend(found.data.map(|error| error.to_string()));
            problems
        })
    }

    /// Checks every option, keeping the problems of a series file (bad
    /// data) apart from those of the options (bad usage).
    pub fn build(&self, base: &Path) -> Result<GeneratorSpec, GeneratorProblems> {
        let mut problems = Vec::new();
        let mut data = None;
        let arrivals = match self.arrival_process(base) {
            Ok(arrivals) => Some(arrivals),
            Err(Problem::Usage(problem)) => {
                problems.push(problem);
                None
            }
            Err(Problem::Data(error)) => {
                data = Some(error);
                None
            }
        };
        let duration = DurationSpec::parse(self.duration.as_deref().unwrap_or(DEFAULT_DURATION))
            .map_err(|problem| problems.push(format!("duration: {problem}")))
            .ok();
        let functions = self.function_mix().map_err(|problem| problems.push(problem)).ok();
        let span = match self.span.as_deref().map(|text| parse_span(text, "s")) {
            Some(Ok(span)) => Some(span),
            Some(Err(problem)) => {
                problems.push(format!("span: {problem}"));
                None
            }
            None => None,
        };
        if self.span.is_none() && self.count.is_none() && self.arrivals != "series" {
            problems.push("give `span`, `count` or both: the process would never end".into());
        }
        match (arrivals, duration, functions) {
            (Some(arrivals), Some(duration), Some(functions)) if problems.is_empty() => {
                let spec = GeneratorSpec {
                    arrivals,
                    duration,
                    functions,
                    span,
                    count: self.count,
                    seed: self.seed.unwrap_or(1),
                    recipe: Some(Box::new(GeneratorRecipe {
                        options: self.clone(),
                        base: base.to_owned(),
                        traffic: None,
                    })),
                };
                let estimate = spec.estimate();
                let max_rows = self.max_rows.unwrap_or(DEFAULT_MAX_ROWS);
                check_rows("the generator", estimate.rows, estimate.draws, max_rows).map_err(|problem| {
                    GeneratorProblems {
                        usage: vec![problem],
                        data: None,
                    }
                })?;
                Ok(spec)
            }
            _ => Err(GeneratorProblems {
                usage: problems,
                data,
            }),
        }
    }
}
