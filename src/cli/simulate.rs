//! `costsim simulate`: replay one trace on one platform.
//!
//! Everything the user typed is checked before the trace is read (platform,
//! settings, horizon, start); the trace is then streamed, so its length does
//! not matter to memory, and the report is written only once complete.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use clap::Args;

use super::{FormatArg, at_most_one_stdin, parse_horizon, resolve_book, write_output};
use crate::compare::MAX_SEED;
use crate::error::{Error, Result};
use crate::platform::Setting;
use crate::report;
use crate::simulation::{Deployment, RunOptions, simulate, simulate_stream};
use crate::slo::Slo;
use crate::units::Micros;
use crate::verdict;
use crate::workload::fill::check_repeatable;
use crate::workload::{Fill, Observer, Repeated, TraceReader, prefetch};

/// The sample trace used when `--trace` is not given, built into the binary.
const BUNDLED_TRACE: &[u8] = include_bytes!("../../traces/api-sample.csv");
const BUNDLED_TRACE_NAME: &str = "traces/api-sample.csv (bundled)";

#[derive(Debug, Args)]
#[command(after_help = concat!("Examples:\n  \
    costsim simulate\n  \
    costsim simulate --trace traces/api-sample.csv --platform aws-lambda-2016 --memory-mb 512\n  \
    costsim simulate --trace my.csv.gz --platform aws-lambda-2025 --set keep_alive_s=600 --format json\n  \
    costsim trace gen --rate 50 --span 1h -o - | costsim simulate --trace - --format csv -o result.csv\n\n",
    exit_codes!()))]
pub struct SimulateArgs {
    /// Trace CSV (or .csv.gz), or `-` for standard input, with columns time, duration_ms and
    /// optionally function, memory_mb, bytes_out [default: the bundled traces/api-sample.csv]
    #[arg(long, value_name = "FILE|-")]
    trace: Option<PathBuf>,

    /// Price book id (see `costsim pricing list`), path to a price-book .toml, or `-` for standard input
    #[arg(long, default_value = "aws-lambda-2016", value_name = "ID|FILE|-")]
    platform: String,

    /// Memory per instance in MB (the same as --set memory_mb=N)
    #[arg(long, value_name = "MB")]
    memory_mb: Option<u32>,

    /// A deployment setting, e.g. --set keep_alive_s=600 (repeatable; `costsim
    /// pricing show ID` lists the keys)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    settings: Vec<String>,

    /// Form of what is printed
    #[arg(long, value_enum, default_value = "table")]
    format: FormatArg,

    /// Simulated span from the trace start, e.g. 30d, 12h, 90m [default: until the last request ends]
    #[arg(long, value_name = "SPAN")]
    horizon: Option<String>,

    /// When a relative-time trace starts (RFC 3339) [default: 2016-01-01T00:00:00Z];
    /// for an absolute-time trace, an instant at or before its first row to measure
    /// from [default: its first row]
    #[arg(long, value_name = "TIME")]
    start: Option<String>,

    /// A service priced alongside, e.g. --service aws-api-gateway-2016, with its counts after a colon:
    /// --service dynamodb-2025:reads_per_request=2,writes_per_request=1 (repeatable)
    #[arg(long = "service", value_name = "ID|FILE")]
    services: Vec<String>,

    /// Seed for random draws (cold-start delays, routing), 0 to 2^53 - 1; the same seed gives
    /// the same output (a compare result's `seed` replays that deployment alone)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(..=MAX_SEED))]
    seed: u64,

    /// Load the whole trace and sort it by arrival instead of requiring arrival order
    #[arg(long)]
    sort: bool,

    /// Write what is printed to FILE (atomically), or `-` for standard output [default: standard output]
    #[arg(long, short = 'o', value_name = "FILE|-")]
    output: Option<PathBuf>,

    /// Service-level objectives to judge the result by: latencies with units
    /// and the failed share as a percentage, e.g. p99=1s,failed=0.1% (keys
    /// p50, p95, p99, max, failed) [default: flag it degraded when failures
    /// exceed 0.1% or p99 twice the trace's own p99 duration]
    #[arg(long, value_name = "OBJECTIVES")]
    slo: Option<String>,

    /// `repeat`: tile the trace to --horizon (by whole days, or whole weeks
    /// from a week), keeping time of day and day of week
    #[arg(long, value_name = "repeat|none")]
    fill: Option<String>,
}

pub fn run(args: SimulateArgs) -> Result<()> {
    let platform = PathBuf::from(&args.platform);
    let services: Vec<PathBuf> = args.services.iter().map(PathBuf::from).collect();
    at_most_one_stdin(
        [("--trace", args.trace.as_ref()), ("--platform", Some(&platform))]
            .into_iter()
            .chain(services.iter().map(|service| ("--service", Some(service)))),
    )?;
    let book = resolve_book(&args.platform)?;
    let mut settings = Vec::new();
    if let Some(memory_mb) = args.memory_mb {
        settings.push(Setting {
            key: "memory_mb".into(),
            value: memory_mb.to_string(),
        });
    }
    let mut problems = Vec::new();
    for text in &args.settings {
        match Setting::parse(text) {
            Ok(setting) => settings.push(setting),
            Err(problem) => problems.push(format!("--set: {problem}")),
        }
    }
    if !problems.is_empty() {
        return Err(Error::usage(problems.join("\n")));
    }
    let services = args
        .services
        .iter()
        .map(|text| {
            let (id, settings) =
                crate::pricing::service_settings::parse_service_argument(text).map_err(Error::usage)?;
            Ok((resolve_book(id)?, settings))
        })
        .collect::<Result<Vec<_>>>()?;
    let deployment = Arc::new(Deployment::resolve(book, &settings)?.with_configured_services(services)?);
    let horizon: Option<Micros> = args.horizon.as_deref().map(parse_horizon).transpose()?;
    let start: Option<DateTime<Utc>> = args.start.as_deref().map(parse_start).transpose()?;
    let slo = args
        .slo
        .as_deref()
        .map(|text| Slo::parse_flag(text).map_err(|problem| Error::usage(format!("--slo: {problem}"))))
        .transpose()?;
    let fill_to = fill_horizon(&args, horizon)?;
    let mut open = trace_opener(args.trace.clone(), start, Arc::clone(&deployment));
    let reader = open()?;
    let options = |origin| RunOptions {
        origin,
        horizon,
        seed: args.seed,
    };
    let mut result = if args.sort {
        let (requests, _, origin) = reader.into_sorted()?;
        simulate(&deployment, requests.into_iter().map(Ok), options(origin))?
    } else {
        // Parse (and observe the workload) on a second thread while the
        // model runs on this one.
        let origin = reader.origin();
        let source = Repeated::new(reader, open, fill_to);
        let tiling = source.tiling();
        let stream = prefetch(source, Observer::new(origin, horizon));
        let mut result = simulate_stream(&deployment, stream, options(origin))?;
        if let Some(tiling) = tiling.get().filter(|tiling| tiling.repeats()) {
            result.warnings.insert(0, tiling.warning());
        }
        result
    };
    if slo.is_some() {
        verdict::apply(&mut result, slo.as_ref());
    }
    for line in verdict::warning_lines(&[("", &result.warnings)]) {
        crate::progress::warn(line);
    }
    let bytes = report::render(&result, args.format.into())?;
    write_output(args.output.as_deref(), &bytes)
}

/// Opens the trace (the bundled one without `--trace`) with the
/// deployment's row checks, as often as `--fill repeat` needs it.
fn trace_opener(
    path: Option<PathBuf>,
    start: Option<DateTime<Utc>>,
    deployment: Arc<Deployment>,
) -> impl FnMut() -> Result<TraceReader> + Send + 'static {
    move || {
        let reader = match &path {
            Some(path) => TraceReader::open(path, start)?,
            None => TraceReader::from_reader(
                BUNDLED_TRACE_NAME.into(),
                Box::new(Cursor::new(BUNDLED_TRACE)),
                start,
            )?,
        };
        let checker = Arc::clone(&deployment);
        Ok(reader.with_row_check(Box::new(move |request| checker.check_request(request))))
    }
}

/// The horizon `--fill repeat` fills: it needs one, a trace read in
/// arrival order, and a trace that can be read again (not standard input).
fn fill_horizon(args: &SimulateArgs, horizon: Option<Micros>) -> Result<Option<Micros>> {
    let fill = match &args.fill {
        Some(text) => Fill::parse(text).map_err(|problem| Error::usage(format!("--fill: {problem}")))?,
        None => Fill::None,
    };
    if fill == Fill::None {
        return Ok(None);
    }
    if args.sort {
        return Err(Error::usage(
            "--fill repeat reads the trace again for every copy, in arrival order, and cannot be combined with --sort",
        ));
    }
    if let Some(path) = &args.trace {
        check_repeatable(path)?;
    }
    match horizon {
        Some(horizon) => Ok(Some(horizon)),
        None => Err(Error::usage(
            "--fill repeat needs --horizon, the span to fill (e.g. --horizon 30d)",
        )),
    }
}

fn parse_start(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|moment| moment.with_timezone(&Utc))
        .map_err(|_| {
            Error::usage(format!(
                "--start: expected an RFC 3339 timestamp such as 2016-01-01T00:00:00Z, found `{text}`"
            ))
        })
}
