//! The options of a synthetic workload as text, the way users write them on
//! the command line (`costsim trace gen --arrivals sinusoid --trough 5 …`)
//! or in a scenario file (`[workload.generator]`), checked and turned into a
//! [`GeneratorSpec`]. Every problem is reported at once.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::import::read_rate_series;
use super::{ArrivalProcess, FunctionMix, GeneratorSpec, Spread};
use crate::distribution::DurationSpec;
use crate::units::{MICROS_PER_SECOND, parse_span};

/// Default execution times of generated requests.
pub const DEFAULT_DURATION: &str = "lognormal:median=100ms,p99=1s";

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
                .filter(|number| number.is_finite() && *number >= 0.0)
                .ok_or_else(|| format!("{flag}: `{value}` is not a rate of zero or more"))
        })
        .collect()
}

fn need<T: Clone>(value: &Option<T>, flag: &str, kind: &str) -> Result<T, String> {
    value
        .clone()
        .ok_or_else(|| format!("{kind} arrivals need `{flag}` (--{flag} on the command line)"))
}

fn seconds(flag: &str, text: &str) -> Result<f64, String> {
    parse_span(text, "s")
        .map(|micros| micros as f64 / MICROS_PER_SECOND as f64)
        .map_err(|problem| format!("{flag}: {problem}"))
        .and_then(|value| {
            if value > 0.0 {
                Ok(value)
            } else {
                Err(format!("{flag}: expected a span above zero"))
            }
        })
}

fn positive(flag: &str, value: f64) -> Result<f64, String> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(format!("{flag}: expected a rate above zero, found {value}"))
    }
}

impl GeneratorOptions {
    /// The arrival process; `base` resolves a relative series path.
    fn arrival_process(&self, base: &Path) -> Result<ArrivalProcess, String> {
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
                    return Err("trough: expected between 0 and the peak".into());
                }
                ArrivalProcess::Sinusoid {
                    trough,
                    peak,
                    peak_hour: self.peak_hour.unwrap_or(14.0),
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
                    return Err("rates and dwell: expected the same number (two or more) of states".into());
                }
                ArrivalProcess::Markov {
                    rates,
                    mean_dwell_s: dwell,
                }
            }
            "series" => {
                let path = base.join(need(&self.series, "series", "series")?);
                let interval = self
                    .interval
                    .as_deref()
                    .map(|text| parse_span(text, "s").map_err(|problem| format!("interval: {problem}")))
                    .transpose()?;
                let series = read_rate_series(&path, interval).map_err(|error| error.to_string())?;
                ArrivalProcess::Series {
                    counts: series.counts,
                    bucket: series.interval,
                    spread: Spread::parse(self.spread.as_deref().unwrap_or("uniform"))
                        .map_err(|problem| format!("spread: {problem}"))?,
                }
            }
            other => {
                return Err(format!(
                    "arrivals: expected poisson, diurnal, sinusoid, onoff, mmpp or series, found `{other}`"
                ));
            }
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
        let mut problems = Vec::new();
        let arrivals = self
            .arrival_process(base)
            .map_err(|problem| problems.push(problem))
            .ok();
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
            (Some(arrivals), Some(duration), Some(functions)) if problems.is_empty() => Ok(GeneratorSpec {
                arrivals,
                duration,
                functions,
                span,
                count: self.count,
                seed: self.seed.unwrap_or(1),
            }),
            _ => Err(problems),
        }
    }
}
