//! `costsim trace gen`: a synthetic workload written as a native trace.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Timelike, Utc};
use clap::{Args, ValueEnum};

use crate::error::{Error, Result};
use crate::progress::{Progress, note};
use crate::workload::{GeneratorOptions, TraceWriter};

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
#[command(after_help = concat!("Examples:\n  \
    costsim trace gen --arrivals poisson --rate 100 --span 1h \\\n    --duration lognormal:median=120ms,p99=900ms --seed 1 -o api.csv\n  \
    costsim trace gen --rate 10 --span 1m | costsim trace stats -\n\n",
    exit_codes!()))]
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
    #[arg(long, default_value = crate::workload::DEFAULT_DURATION)]
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
    /// The most requests to generate: a run estimated above it stops before writing
    #[arg(long, value_name = "ROWS", default_value_t = crate::workload::DEFAULT_MAX_ROWS)]
    max_rows: u64,
    /// Seed of the random draws, e.g. --seed 7
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// What time 0 stands for, e.g. --start 2016-01-01T00:00:00Z (sets the hour of day for diurnal shapes)
    #[arg(long, default_value = crate::workload::DEFAULT_START)]
    start: String,
    /// Output file (.gz to compress), or `-` for standard output [default: standard output]
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

impl ArrivalKind {
    fn name(self) -> &'static str {
        match self {
            ArrivalKind::Poisson => "poisson",
            ArrivalKind::Diurnal => "diurnal",
            ArrivalKind::Sinusoid => "sinusoid",
            ArrivalKind::Onoff => "onoff",
            ArrivalKind::Mmpp => "mmpp",
            ArrivalKind::Series => "series",
        }
    }
}

pub fn run(args: GenArgs) -> Result<()> {
    let options = GeneratorOptions {
        arrivals: args.arrivals.name().into(),
        rate: args.rate,
        hourly: args.hourly,
        trough: args.trough,
        peak: args.peak,
        peak_hour: Some(args.peak_hour),
        on_rate: args.on_rate,
        mean_on: args.mean_on,
        mean_off: args.mean_off,
        rates: args.rates,
        dwell: args.dwell,
        series: args.series,
        interval: args.interval,
        spread: Some(args.spread),
        duration: Some(args.duration),
        functions: args.functions,
        function_durations: args.function_durations,
        span: args.span,
        count: args.count,
        seed: Some(args.seed),
        max_rows: Some(args.max_rows),
    };
    let mut problems = Vec::new();
    let start: Option<DateTime<Utc>> = DateTime::parse_from_rfc3339(&args.start)
        .map(|start| start.with_timezone(&Utc))
        .map_err(|_| {
            problems.push(format!(
                "--start: expected an RFC 3339 timestamp, found `{}`",
                args.start
            ))
        })
        .ok();
    let spec = match options.build(Path::new(".")) {
        Ok(spec) => Some(spec),
        Err(found) if found.usage.is_empty() && problems.is_empty() => {
            // Only the series file is at fault: bad data, not bad usage.
            return Err(found
                .data
                .unwrap_or_else(|| Error::usage("invalid generator options")));
        }
        Err(found) => {
            problems.extend(found.usage);
            problems.extend(found.data.map(|error| error.to_string()));
            None
        }
    };
    let (Some(spec), Some(start), true) = (spec, start, problems.is_empty()) else {
        return Err(Error::usage(problems.join("\n")));
    };
    let names = spec.function_names();
    let with_memory = spec.functions.iter().any(|function| function.memory_mb.is_some());
    let mut writer = TraceWriter::create(args.output.as_deref(), with_memory, false)?;
    let origin_day_seconds = f64::from(start.num_seconds_from_midnight());
    let expected = spec.estimate().rows.round() as u64;
    let progress = Progress::requests(Some(expected));
    for request in progress.clone().count(spec.generate(origin_day_seconds)) {
        let request = request?;
        writer.write(&request, &names[request.function.index()])?;
        if writer.closed() {
            break;
        }
    }
    progress.finish();
    let rows = writer.finish()?;
    if args.output.as_deref().is_some_and(|path| path.as_os_str() != "-") {
        note(format_args!("wrote {rows} requests"));
    }
    Ok(())
}
