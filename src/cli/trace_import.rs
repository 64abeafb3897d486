//! `costsim trace import`: public traces and logs to the native trace CSV.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};

use crate::distribution::DurationSpec;
use crate::error::{Error, Result};
use crate::progress::note;
use crate::units::{MICROS_PER_MS, MICROS_PER_SECOND, Micros, parse_span};
use crate::workload::import::{
    Azure2019Files, Azure2019Options, BadRows, ClfOptions, CsvMapping, DurationSource, ImportReport,
    RateSeriesOptions, TimeFormat, describe_instant, import_azure_2019, import_azure_2021, import_clf,
    import_mapped_csv, import_rate_series, read_rate_series,
};
use crate::workload::{Spread, TraceWriter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceFormat {
    /// Azure Functions 2019: --invocations, --durations, [--memory]
    #[value(name = "azure-2019")]
    Azure2019,
    /// Azure Functions 2021: app,func,end_timestamp,duration
    #[value(name = "azure-2021")]
    Azure2021,
    /// Common or Combined Log Format web server logs
    Clf,
    /// Any CSV with a column mapping (--time-col, --time-format, …)
    Csv,
    /// Counts per interval (per-minute CSV or a list of counts)
    #[value(name = "rate-series")]
    RateSeries,
}

#[derive(Debug, Args)]
#[command(after_help = concat!("Examples:\n  \
    costsim trace import --from azure-2019 --invocations invocations.csv --durations durations.csv --memory memory.csv -o azure.csv.gz\n  \
    costsim trace import --from clf access.log --duration lognormal:median=40ms,p99=300ms -o web.csv\n  \
    costsim trace import --from csv lora_request_trace.csv --time-col gmt_create --time-format '%Y-%m-%d %H:%M:%S' \\\n      \
    --duration-col exec_time_seconds --duration-unit s --filter predict_status=SUCCEED -o genai.csv\n  \
    costsim trace import --from rate-series invocation_count_per_minute.csv --duration exponential:mean=50ms -o wc98.csv.gz\n  \
    zcat access.log.gz | costsim trace import --from clf - -o - | costsim trace stats -\n\n",
    exit_codes!()))]
pub struct ImportArgs {
    /// Source format
    #[arg(long, value_enum)]
    from: SourceFormat,
    /// Input file (every format but azure-2019), or `-` for standard input
    #[arg(value_name = "IN|-")]
    input: Option<PathBuf>,
    /// Output file (.gz to compress), or `-` for standard output [default: standard output]
    #[arg(long, short = 'o', value_name = "OUT")]
    output: Option<PathBuf>,
    /// azure-2019: invocation counts per minute, e.g. --invocations invocations.csv
    #[arg(long, value_name = "FILE")]
    invocations: Option<PathBuf>,
    /// azure-2019: duration percentiles per function, e.g. --durations durations.csv
    #[arg(long, value_name = "FILE")]
    durations: Option<PathBuf>,
    /// azure-2019: memory per application, e.g. --memory memory.csv
    #[arg(long, value_name = "FILE")]
    memory: Option<PathBuf>,
    /// azure-2019: draw each duration from the function's `percentiles`, or use its `average`, e.g. --durations-from average
    #[arg(long, default_value = "percentiles")]
    durations_from: String,
    /// Placement of arrivals inside a minute or bucket: uniform, equidistant or poisson, e.g. --spread equidistant
    #[arg(long, default_value = "uniform")]
    spread: String,
    /// Durations to draw where the source has none, e.g. --duration lognormal:median=40ms,p99=300ms
    #[arg(long, value_name = "SPEC")]
    duration: Option<String>,
    /// clf: the last field is a response time in this unit (us, ms or s), e.g. --response-time-unit us
    #[arg(long, value_name = "UNIT")]
    response_time_unit: Option<String>,
    /// csv: column of the arrival time, e.g. --time-col gmt_create
    #[arg(long, value_name = "COLUMN")]
    time_col: Option<String>,
    /// csv: epoch-s, epoch-ms, rfc3339 or a strftime pattern, e.g. --time-format '%Y-%m-%d %H:%M:%S'
    #[arg(long, value_name = "FORMAT", default_value = "epoch-s")]
    time_format: String,
    /// csv: column of the duration, e.g. --duration-col exec_time_seconds
    #[arg(long, value_name = "COLUMN")]
    duration_col: Option<String>,
    /// csv: unit of the duration column (us, ms or s), e.g. --duration-unit s
    #[arg(long, value_name = "UNIT", default_value = "ms")]
    duration_unit: String,
    /// csv: column naming the function, e.g. --function-col checkpoint_model_version_id
    #[arg(long, value_name = "COLUMN")]
    function_col: Option<String>,
    /// csv: column of bytes sent, e.g. --bytes-col bytes
    #[arg(long, value_name = "COLUMN")]
    bytes_col: Option<String>,
    /// csv: keep only rows where COLUMN equals VALUE (repeatable), e.g. --filter predict_status=SUCCEED
    #[arg(long = "filter", value_name = "COLUMN=VALUE")]
    filters: Vec<String>,
    /// csv: field separator: a character, or `tab`, e.g. --delimiter tab
    #[arg(long, default_value = ",")]
    delimiter: String,
    /// rate-series: bucket length when the file does not say, e.g. --interval 1s
    #[arg(long, value_name = "SPAN")]
    interval: Option<String>,
    /// rate-series: first bucket to import (0-based), e.g. --first-bucket 1440
    #[arg(long, default_value_t = 0)]
    first_bucket: u64,
    /// rate-series: how many buckets to import, e.g. --buckets 60
    #[arg(long)]
    buckets: Option<u64>,
    /// rate-series, azure-2019: the most requests to write; an import estimated above it stops before writing
    #[arg(long, value_name = "ROWS", default_value_t = crate::workload::DEFAULT_MAX_ROWS)]
    max_rows: u64,
    /// Function name where the source has none, e.g. --function web
    #[arg(long, default_value = "default")]
    function: String,
    /// clf, csv: instant that time 0 stands for [default: the first row], e.g. --start 1995-07-01T00:00:00Z
    #[arg(long, value_name = "TIME")]
    start: Option<String>,
    /// Load the whole source and sort it by arrival (for sources out of order)
    #[arg(long)]
    sort: bool,
    /// Skip malformed rows and report how many, by reason, instead of failing
    #[arg(long)]
    skip_bad_rows: bool,
    /// Seed for spreading arrivals and drawing durations, e.g. --seed 7
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn unit(flag: &str, text: &str) -> Result<Micros> {
    match text {
        "us" => Ok(1),
        "ms" => Ok(MICROS_PER_MS),
        "s" => Ok(MICROS_PER_SECOND),
        _ => Err(Error::usage(format!(
            "{flag}: expected us, ms or s, found `{text}`"
        ))),
    }
}

fn need_input(args: &ImportArgs) -> Result<PathBuf> {
    args.input
        .clone()
        .ok_or_else(|| Error::usage("give the input file after the options (IN)"))
}

fn duration(args: &ImportArgs) -> Result<Option<DurationSpec>> {
    args.duration
        .as_deref()
        .map(|text| {
            DurationSpec::parse(text).map_err(|problem| Error::usage(format!("--duration: {problem}")))
        })
        .transpose()
}

/// What every importer shares: bad-row policy, spreading, start, output.
struct Common<'a> {
    bad_rows: BadRows,
    spread: Spread,
    start: Option<DateTime<Utc>>,
    output: Option<&'a std::path::Path>,
}

pub fn run(args: ImportArgs) -> Result<()> {
    super::at_most_one_stdin([
        ("IN", args.input.as_ref()),
        ("--invocations", args.invocations.as_ref()),
        ("--durations", args.durations.as_ref()),
        ("--memory", args.memory.as_ref()),
    ])?;
    let common = Common {
        bad_rows: if args.skip_bad_rows {
            BadRows::Skip
        } else {
            BadRows::Fail
        },
        spread: Spread::parse(&args.spread)
            .map_err(|problem| Error::usage(format!("--spread: {problem}")))?,
        start: args
            .start
            .as_deref()
            .map(|text| {
                DateTime::parse_from_rfc3339(text)
                    .map(|time| time.with_timezone(&Utc))
                    .map_err(|_| {
                        Error::usage(format!("--start: expected an RFC 3339 timestamp, found `{text}`"))
                    })
            })
            .transpose()?,
        output: args.output.as_deref(),
    };
    let report = match args.from {
        SourceFormat::Azure2019 => from_azure_2019(&args, &common)?,
        SourceFormat::Azure2021 => from_azure_2021(&args, &common)?,
        SourceFormat::Clf => from_clf(&args, &common)?,
        SourceFormat::Csv => from_csv(&args, &common)?,
        SourceFormat::RateSeries => from_rate_series(&args, &common)?,
    };
    note(format_args!("imported {} requests", report.rows));
    for (reason, count) in &report.skipped {
        note(format_args!("skipped {count} ({reason})"));
    }
    if let Some(origin) = report.origin {
        note(format_args!(
            "time 0 is {}; replay with --start {}",
            describe_instant(origin),
            describe_instant(origin)
        ));
    }
    Ok(())
}

/// The Azure Functions 2019 dataset: invocation counts, duration percentiles and memory per function.
fn from_azure_2019(args: &ImportArgs, common: &Common) -> Result<ImportReport> {
    let files = Azure2019Files {
        invocations: args
            .invocations
            .clone()
            .ok_or_else(|| Error::usage("--from azure-2019 needs --invocations and --durations"))?,
        durations: args
            .durations
            .clone()
            .ok_or_else(|| Error::usage("--from azure-2019 needs --invocations and --durations"))?,
        memory: args.memory.clone(),
    };
    let durations_from = match args.durations_from.as_str() {
        "percentiles" => DurationSource::Percentiles,
        "average" => DurationSource::Average,
        other => {
            return Err(Error::usage(format!(
                "--durations-from: expected percentiles or average, found `{other}`"
            )));
        }
    };
    let mut writer = TraceWriter::create(common.output, files.memory.is_some(), false)?;
    let options = Azure2019Options {
        durations_from,
        spread: common.spread,
        seed: args.seed,
        bad_rows: common.bad_rows,
        max_rows: args.max_rows,
    };
    let report = import_azure_2019(&files, &options, &mut writer)?;
    writer.finish()?;
    Ok(report)
}

/// The Azure Functions 2021 trace: one row per invocation.
fn from_azure_2021(args: &ImportArgs, common: &Common) -> Result<ImportReport> {
    let input = need_input(args)?;
    let mut writer = TraceWriter::create(common.output, false, false)?;
    let report = import_azure_2021(&input, common.bad_rows, &mut writer)?;
    writer.finish()?;
    Ok(report)
}

/// A web server's access log (Common or Combined Log Format).
fn from_clf(args: &ImportArgs, common: &Common) -> Result<ImportReport> {
    let input = need_input(args)?;
    let options = ClfOptions {
        response_time_unit: args
            .response_time_unit
            .as_deref()
            .map(|text| unit("--response-time-unit", text))
            .transpose()?,
        duration: duration(args)?,
        function: args.function.clone(),
        start: common.start,
        sort: args.sort,
        seed: args.seed,
        bad_rows: common.bad_rows,
    };
    let mut writer = TraceWriter::create(common.output, false, true)?;
    let report = import_clf(&input, &options, &mut writer)?;
    writer.finish()?;
    Ok(report)
}

/// Any CSV, its columns mapped by the flags.
fn from_csv(args: &ImportArgs, common: &Common) -> Result<ImportReport> {
    let input = need_input(args)?;
    let delimiter = match args.delimiter.as_str() {
        "tab" | "\\t" => b'\t',
        text if text.len() == 1 => text.as_bytes()[0],
        text => {
            return Err(Error::usage(format!(
                "--delimiter: expected one character or `tab`, found `{text}`"
            )));
        }
    };
    let filters = args
        .filters
        .iter()
        .map(|text| {
            text.split_once('=')
                .map(|(column, value)| (column.trim().to_owned(), value.trim().to_owned()))
                .ok_or_else(|| Error::usage(format!("--filter: expected COLUMN=VALUE, found `{text}`")))
        })
        .collect::<Result<Vec<_>>>()?;
    let mapping = CsvMapping {
        delimiter,
        time_column: args
            .time_col
            .clone()
            .ok_or_else(|| Error::usage("--from csv needs --time-col (and --time-format)"))?,
        time_format: TimeFormat::parse(&args.time_format),
        duration_column: args.duration_col.clone(),
        duration_unit: unit("--duration-unit", &args.duration_unit)?,
        duration: duration(args)?,
        function_column: args.function_col.clone(),
        bytes_column: args.bytes_col.clone(),
        filters,
        start: common.start,
        sort: args.sort,
        seed: args.seed,
        bad_rows: common.bad_rows,
    };
    let mut writer = TraceWriter::create(common.output, false, mapping.bytes_column.is_some())?;
    let report = import_mapped_csv(&input, &mapping, &mut writer)?;
    writer.finish()?;
    Ok(report)
}

/// A series of counts per interval, spread into arrivals.
fn from_rate_series(args: &ImportArgs, common: &Common) -> Result<ImportReport> {
    let input = need_input(args)?;
    let interval = args
        .interval
        .as_deref()
        .map(|text| parse_span(text, "s").map_err(|problem| Error::usage(format!("--interval: {problem}"))))
        .transpose()?;
    let duration = duration(args)?.ok_or_else(|| {
        Error::usage("a rate series has no durations: give --duration (e.g. exponential:mean=50ms)")
    })?;
    let series = read_rate_series(&input, interval)?;
    let options = RateSeriesOptions {
        spread: common.spread,
        duration,
        function: args.function.clone(),
        seed: args.seed,
        first_bucket: args.first_bucket,
        buckets: args.buckets,
        max_rows: args.max_rows,
    };
    let mut writer = TraceWriter::create(common.output, false, false)?;
    let report = import_rate_series(&series, &options, &mut writer)?;
    writer.finish()?;
    Ok(report)
}
