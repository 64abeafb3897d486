//! `costsim trace gen`: a synthetic workload written as a native trace.

use std::path::PathBuf;

use chrono::{DateTime, Timelike, Utc};
use clap::{Args, ValueEnum};

use crate::distribution::DurationSpec;
use crate::error::{Error, Result};
use crate::units::{MICROS_PER_SECOND, parse_span};
use crate::workload::import::read_rate_series;
use crate::workload::{ArrivalProcess, FunctionMix, GeneratorSpec, Spread, TraceWriter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ArrivalKind {
    /// Constant rate: --rate
    Poisson,
    /// A rate per hour of day: --hourly
    Diurnal,
    /// A daily wave: --trough, --peak, --peak-hour
    Sinusoid,
    /// Bursts: --on-rate, --mean-on, --mean-off
    Onoff,
    /// Markov-modulated Poisson: --rates, --dwell
    Mmpp,
    /// Counts per bucket from a file: --series, --interval, --spread
    Series,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  costsim trace gen --arrivals poisson --rate 100 --span 1h \\\n    --duration lognormal:median=120ms,p99=900ms --seed 1 -o api.csv"
)]
pub struct GenArgs {
    /// Arrival process
    #[arg(long, value_enum, default_value = "poisson")]
    arrivals: ArrivalKind,
    /// Requests per second, e.g. --rate 100 (poisson)
    #[arg(long)]
    rate: Option<f64>,
    /// 24 comma-separated rates per second, from 00:00 UTC, e.g. --hourly 1,1,1,1,1,1,2,5,10,… (diurnal)
    #[arg(long, value_name = "R0,…,R23")]
    hourly: Option<String>,
    /// Lowest rate per second, e.g. --trough 5 (sinusoid)
    #[arg(long)]
    trough: Option<f64>,
    /// Highest rate per second, e.g. --peak 50 (sinusoid)
    #[arg(long)]
    peak: Option<f64>,
    /// Hour of day (UTC) of the peak, e.g. --peak-hour 14 (sinusoid)
    #[arg(long, default_value_t = 14.0)]
    peak_hour: f64,
    /// Rate per second while on, e.g. --on-rate 200 (onoff)
    #[arg(long)]
    on_rate: Option<f64>,
    /// Mean length of a burst, e.g. --mean-on 30s (onoff)
    #[arg(long)]
    mean_on: Option<String>,
    /// Mean pause between bursts, e.g. --mean-off 5m (onoff)
    #[arg(long)]
    mean_off: Option<String>,
    /// Rates per second of the states, e.g. --rates 5,50 (mmpp)
    #[arg(long)]
    rates: Option<String>,
    /// Mean time in each state, e.g. --dwell 10m,2m (mmpp)
    #[arg(long)]
    dwell: Option<String>,
    /// File of counts per bucket, e.g. --series counts.txt (series)
    #[arg(long, value_name = "FILE")]
    series: Option<PathBuf>,
    /// Bucket length of the series, e.g. --interval 1m (series)
    #[arg(long)]
    interval: Option<String>,
    /// Placement inside each bucket: uniform, equidistant or poisson, e.g. --spread poisson (series)
    #[arg(long, default_value = "uniform")]
    spread: String,
    /// Execution times: constant (120ms), exponential:mean=…, lognormal:median=…,p99=…,
    /// pareto:scale=…,shape=…, uniform:min=…,max=… or empirical:p0=…,p50=…,p100=…
    #[arg(long, default_value = "lognormal:median=100ms,p99=1s")]
    duration: String,
    /// A function of the mix as NAME:SHARE[:MEMORY_MB], repeatable, e.g. --function api:0.8:512
    #[arg(long = "function", value_name = "NAME:SHARE[:MB]")]
    functions: Vec<String>,
    /// A function's own durations, repeatable, e.g. --function-duration batch=exponential:mean=2s
    #[arg(long = "function-duration", value_name = "NAME=SPEC")]
    function_durations: Vec<String>,
    /// How long the trace lasts, e.g. --span 1h
    #[arg(long)]
    span: Option<String>,
    /// How many requests at most, e.g. --count 1000000
    #[arg(long)]
    count: Option<u64>,
    /// Seed of the random draws, e.g. --seed 7
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// What time 0 stands for, e.g. --start 2016-01-01T00:00:00Z (sets the hour of day for diurnal shapes)
    #[arg(long, default_value = crate::workload::DEFAULT_START)]
    start: String,
    /// Output file (.gz to compress) [default: standard output]
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

fn list(flag: &str, text: &str) -> std::result::Result<Vec<f64>, String> {
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

fn need<T: Clone>(value: &Option<T>, flag: &str, kind: &str) -> std::result::Result<T, String> {
    value
        .clone()
        .ok_or_else(|| format!("--arrivals {kind} needs {flag}"))
}

fn seconds(flag: &str, text: &str) -> std::result::Result<f64, String> {
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

fn arrival_process(args: &GenArgs) -> std::result::Result<ArrivalProcess, String> {
    let positive = |flag: &str, value: f64| {
        if value.is_finite() && value > 0.0 {
            Ok(value)
        } else {
            Err(format!("{flag}: expected a rate above zero, found {value}"))
        }
    };
    Ok(match args.arrivals {
        ArrivalKind::Poisson => ArrivalProcess::Poisson {
            rate: positive("--rate", need(&args.rate, "--rate", "poisson")?)?,
        },
        ArrivalKind::Diurnal => {
            let rates = list("--hourly", &need(&args.hourly, "--hourly", "diurnal")?)?;
            let rates: [f64; 24] = rates
                .try_into()
                .map_err(|rates: Vec<f64>| format!("--hourly: expected 24 rates, found {}", rates.len()))?;
            ArrivalProcess::Hourly { rates }
        }
        ArrivalKind::Sinusoid => {
            let trough = need(&args.trough, "--trough", "sinusoid")?;
            let peak = positive("--peak", need(&args.peak, "--peak", "sinusoid")?)?;
            if !(0.0..=peak).contains(&trough) {
                return Err("--trough: expected between 0 and --peak".into());
            }
            ArrivalProcess::Sinusoid {
                trough,
                peak,
                peak_hour: args.peak_hour,
            }
        }
        ArrivalKind::Onoff => ArrivalProcess::Markov {
            rates: vec![
                positive("--on-rate", need(&args.on_rate, "--on-rate", "onoff")?)?,
                0.0,
            ],
            mean_dwell_s: vec![
                seconds("--mean-on", &need(&args.mean_on, "--mean-on", "onoff")?)?,
                seconds("--mean-off", &need(&args.mean_off, "--mean-off", "onoff")?)?,
            ],
        },
        ArrivalKind::Mmpp => {
            let rates = list("--rates", &need(&args.rates, "--rates", "mmpp")?)?;
            let dwell = need(&args.dwell, "--dwell", "mmpp")?
                .split(',')
                .map(|span| seconds("--dwell", span))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            if rates.len() != dwell.len() || rates.len() < 2 {
                return Err("--rates and --dwell: expected the same number (two or more) of states".into());
            }
            ArrivalProcess::Markov {
                rates,
                mean_dwell_s: dwell,
            }
        }
        ArrivalKind::Series => {
            let path = need(&args.series, "--series", "series")?;
            let interval = args
                .interval
                .as_deref()
                .map(|text| parse_span(text, "s").map_err(|problem| format!("--interval: {problem}")))
                .transpose()?;
            let series = read_rate_series(&path, interval).map_err(|error| error.to_string())?;
            ArrivalProcess::Series {
                counts: series.counts,
                bucket: series.interval,
                spread: Spread::parse(&args.spread).map_err(|problem| format!("--spread: {problem}"))?,
            }
        }
    })
}

fn functions(args: &GenArgs) -> std::result::Result<Vec<FunctionMix>, String> {
    let mut mix = Vec::new();
    for text in &args.functions {
        let mut parts = text.split(':');
        let name = parts.next().unwrap_or("").trim();
        let share = parts.next().and_then(|share| share.trim().parse::<f64>().ok());
        let memory = parts
            .next()
            .map(|memory| memory.trim().parse::<u32>().ok().filter(|mb| *mb > 0));
        match (name, share, memory, parts.next()) {
            ("", ..) => return Err(format!("--function: expected NAME:SHARE[:MB], found `{text}`")),
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
                    "--function: expected NAME:SHARE[:MB] with a share above 0, found `{text}`"
                ));
            }
        }
    }
    for text in &args.function_durations {
        let (name, spec) = text
            .split_once('=')
            .ok_or_else(|| format!("--function-duration: expected NAME=SPEC, found `{text}`"))?;
        let spec =
            DurationSpec::parse(spec).map_err(|problem| format!("--function-duration {name}: {problem}"))?;
        let function = mix
            .iter_mut()
            .find(|function| function.name == name)
            .ok_or_else(|| format!("--function-duration: `{name}` is not among the --function names"))?;
        function.duration = Some(spec);
    }
    Ok(mix)
}

pub fn run(args: GenArgs) -> Result<()> {
    let mut problems = Vec::new();
    let arrivals = arrival_process(&args)
        .map_err(|problem| problems.push(problem))
        .ok();
    let duration = DurationSpec::parse(&args.duration)
        .map_err(|problem| problems.push(format!("--duration: {problem}")))
        .ok();
    let mix = functions(&args).map_err(|problem| problems.push(problem)).ok();
    let span = args
        .span
        .as_deref()
        .map(|text| parse_span(text, "s"))
        .transpose()
        .map_err(|problem| problems.push(format!("--span: {problem}")))
        .ok()
        .flatten();
    let start: Option<DateTime<Utc>> = DateTime::parse_from_rfc3339(&args.start)
        .map(|start| start.with_timezone(&Utc))
        .map_err(|_| {
            problems.push(format!(
                "--start: expected an RFC 3339 timestamp, found `{}`",
                args.start
            ))
        })
        .ok();
    if span.is_none() && args.count.is_none() && args.arrivals != ArrivalKind::Series {
        problems.push("give --span, --count or both: the process would never end".into());
    }
    let (Some(arrivals), Some(duration), Some(functions), Some(start), true) =
        (arrivals, duration, mix, start, problems.is_empty())
    else {
        return Err(Error::usage(problems.join("\n")));
    };
    let spec = GeneratorSpec {
        arrivals,
        duration,
        functions,
        span,
        count: args.count,
        seed: args.seed,
    };
    let names = spec.function_names();
    let with_memory = spec.functions.iter().any(|function| function.memory_mb.is_some());
    let mut writer = TraceWriter::create(args.output.as_deref(), with_memory, false)?;
    let origin_day_seconds = f64::from(start.num_seconds_from_midnight());
    for request in spec.generate(origin_day_seconds) {
        let request = request?;
        writer.write(&request, &names[request.function.index()])?;
    }
    let rows = writer.finish()?;
    if args.output.is_some() {
        eprintln!("costsim: wrote {rows} requests");
    }
    Ok(())
}
