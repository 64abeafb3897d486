//! Any CSV (or TSV) with a column mapping: which column holds the time and
//! in what format, which the duration and in what unit (or a distribution
//! to draw durations from), which the function name and bytes sent, and
//! filters on other columns (`--filter predict_status=SUCCEED`). Reads, for
//! instance, the Alibaba GenTD26 trace and the NASA TSV log.

use std::path::Path;

use chrono::{DateTime, NaiveDateTime, Utc};
use rand::SeedableRng;
use rand_pcg::Pcg64;

use super::{BadRows, DURATION_RANGE, ImportReport, TimedSink, micros_from};
use crate::distribution::DurationSpec;
use crate::error::{Error, Result};
use crate::units::Micros;
use crate::workload::{FunctionId, Request, TraceWriter, open_input};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeFormat {
    EpochSeconds,
    EpochMillis,
    Rfc3339,
    /// A strftime pattern such as `%Y-%m-%d %H:%M:%S` (UTC unless it has %z).
    Pattern(String),
}

impl TimeFormat {
    pub fn parse(text: &str) -> Self {
        match text {
            "epoch-s" | "epoch_s" | "epoch" => TimeFormat::EpochSeconds,
            "epoch-ms" | "epoch_ms" => TimeFormat::EpochMillis,
            "rfc3339" => TimeFormat::Rfc3339,
            pattern => TimeFormat::Pattern(pattern.to_owned()),
        }
    }

    /// Microseconds since the Unix epoch, within the years a timestamp can
    /// hold (-262143 to 262142); none otherwise.
    fn read(&self, text: &str) -> Option<i64> {
        let text = text.trim();
        let epoch = |micros_per_unit: f64| {
            let micros = (text.parse::<f64>().ok()? * micros_per_unit).round();
            // Beyond ±2^63 µs no i64 holds it; chrono's range is narrower still.
            let micros = (micros.abs() < 9.2e18).then_some(micros as i64)?;
            DateTime::from_timestamp_micros(micros).map(|_| micros)
        };
        match self {
            TimeFormat::EpochSeconds => epoch(1e6),
            TimeFormat::EpochMillis => epoch(1e3),
            TimeFormat::Rfc3339 => DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|time| time.timestamp_micros()),
            TimeFormat::Pattern(pattern) => NaiveDateTime::parse_from_str(text, pattern)
                .map(|time| time.and_utc().timestamp_micros())
                .or_else(|_| DateTime::parse_from_str(text, pattern).map(|time| time.timestamp_micros()))
                .ok(),
        }
    }

    fn describe(&self) -> String {
        match self {
            TimeFormat::EpochSeconds => "seconds since 1970 (in the years -262143 to 262142)".into(),
            TimeFormat::EpochMillis => "milliseconds since 1970 (in the years -262143 to 262142)".into(),
            TimeFormat::Rfc3339 => "an RFC 3339 timestamp".into(),
            TimeFormat::Pattern(pattern) => format!("a time like `{pattern}`"),
        }
    }
}

pub struct CsvMapping {
    pub delimiter: u8,
    pub time_column: String,
    pub time_format: TimeFormat,
    pub duration_column: Option<String>,
    /// Microseconds per unit of the duration column.
    pub duration_unit: Micros,
    /// Durations when there is no duration column.
    pub duration: Option<DurationSpec>,
    pub function_column: Option<String>,
    pub bytes_column: Option<String>,
    pub filters: Vec<(String, String)>,
    pub start: Option<DateTime<Utc>>,
    pub sort: bool,
    pub seed: u64,
    pub bad_rows: BadRows,
}

/// The columns a mapping reads, by position.
struct Columns<'m> {
    time: usize,
    duration: Option<usize>,
    function: Option<usize>,
    bytes: Option<usize>,
    /// (column, the value a row must hold there).
    filters: Vec<(usize, &'m str)>,
}

impl<'m> Columns<'m> {
    /// Finds every column `mapping` names among `headers`.
    fn find(headers: &csv::StringRecord, mapping: &'m CsvMapping, label: &str) -> Result<Self> {
        if headers.iter().all(|header| header.trim().is_empty()) {
            return Err(Error::input(
                label,
                1,
                "header: the file is empty or its first line names no columns",
            ));
        }
        let find = |name: &str| {
            headers
                .iter()
                .position(|header| header.trim() == name)
                .ok_or_else(|| {
                    Error::usage(format!(
                        "{label}: no column `{name}`; the columns are: {}",
                        headers.iter().collect::<Vec<_>>().join(", ")
                    ))
                })
        };
        Ok(Columns {
            time: find(&mapping.time_column)?,
            duration: mapping.duration_column.as_deref().map(find).transpose()?,
            function: mapping.function_column.as_deref().map(find).transpose()?,
            bytes: mapping.bytes_column.as_deref().map(find).transpose()?,
            filters: mapping
                .filters
                .iter()
                .map(|(column, value)| Ok((find(column)?, value.as_str())))
                .collect::<Result<Vec<_>>>()?,
        })
    }

    fn kept(&self, record: &csv::StringRecord) -> bool {
        self.filters
            .iter()
            .all(|(column, value)| record.get(*column).map(str::trim) == Some(*value))
    }
}

/// Why a row is bad: the reason it is counted under when skipped, and the
/// error when it is not.
type RowProblem = (&'static str, Error);

/// Where one row is in the file, for messages.
struct At<'a> {
    label: &'a str,
    line: u64,
}

impl At<'_> {
    fn problem(&self, reason: &'static str, message: String) -> RowProblem {
        (reason, Error::input(self.label, self.line, message))
    }
}

/// The row's arrival, as the time format reads it.
fn row_time(
    record: &csv::StringRecord,
    columns: &Columns,
    mapping: &CsvMapping,
    at: &At,
) -> std::result::Result<i64, RowProblem> {
    let text = record.get(columns.time).unwrap_or("");
    mapping.time_format.read(text).ok_or_else(|| {
        at.problem(
            "bad time",
            format!(
                "field `{}`: expected {}, found `{text}`",
                mapping.time_column,
                mapping.time_format.describe()
            ),
        )
    })
}

/// The row's duration: its column in the mapping's unit, or a draw.
fn row_duration(
    record: &csv::StringRecord,
    columns: &Columns,
    mapping: &CsvMapping,
    draw: &mut dyn FnMut() -> Micros,
    at: &At,
) -> std::result::Result<Micros, RowProblem> {
    let Some(column) = columns.duration else {
        return Ok(draw());
    };
    let text = record.get(column).unwrap_or("").trim();
    text.parse::<f64>()
        .ok()
        .and_then(|value| micros_from(value, mapping.duration_unit as f64))
        .ok_or_else(|| {
            let name = mapping.duration_column.as_deref().unwrap_or("");
            at.problem(
                "bad duration",
                format!("field `{name}`: expected a duration {DURATION_RANGE}, found `{text}`"),
            )
        })
}

/// The row's bytes sent (empty or `-` is none).
fn row_bytes(
    record: &csv::StringRecord,
    columns: &Columns,
    mapping: &CsvMapping,
    at: &At,
) -> std::result::Result<u64, RowProblem> {
    let Some(column) = columns.bytes else {
        return Ok(0);
    };
    let text = record.get(column).unwrap_or("").trim();
    if text.is_empty() || text == "-" {
        return Ok(0);
    }
    text.parse::<u64>().map_err(|_| {
        let name = mapping.bytes_column.as_deref().unwrap_or("");
        at.problem(
            "bad bytes",
            format!("field `{name}`: expected bytes, found `{text}`"),
        )
    })
}

pub fn import_mapped_csv(
    path: &Path,
    mapping: &CsvMapping,
    writer: &mut TraceWriter,
) -> Result<ImportReport> {
    let label = path.display().to_string();
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(mapping.delimiter)
        .flexible(true)
        .from_reader(open_input(path)?);
    let headers = csv
        .headers()
        .map_err(|error| Error::input(&label, 1, format!("header: {error}")))?
        .clone();
    let columns = Columns::find(&headers, mapping, &label)?;
    let sampler = match (columns.duration, &mapping.duration) {
        (Some(_), _) => None,
        (None, Some(spec)) => Some(spec.sampler()),
        (None, None) => {
            return Err(Error::usage(
                "give --duration-col (with --duration-unit) or --duration to draw durations from (e.g. lognormal:median=50ms,p99=400ms)",
            ));
        }
    };
    let mut rng = Pcg64::seed_from_u64(mapping.seed);
    let mut draw = || sampler.as_ref().map_or(0, |sampler| sampler.sample(&mut rng));
    let mut report = ImportReport::default();
    let mut sink = TimedSink::new(writer, mapping.start, mapping.sort);
    let mut record = csv::StringRecord::new();
    while report.next_record(&mut csv, &mut record, &label, mapping.bad_rows)? {
        let line = record.position().map_or(0, |position| position.line());
        if !columns.kept(&record) {
            *report.skipped.entry("filtered out".into()).or_default() += 1;
            continue;
        }
        let at = At { label: &label, line };
        let fields = row_time(&record, &columns, mapping, &at).and_then(|epoch| {
            let duration = row_duration(&record, &columns, mapping, &mut draw, &at)?;
            Ok((epoch, duration, row_bytes(&record, &columns, mapping, &at)?))
        });
        let (epoch, duration, bytes_out) = match fields {
            Ok(fields) => fields,
            Err((reason, error)) => {
                report.bad_row(mapping.bad_rows, reason, error)?;
                continue;
            }
        };
        let name = columns
            .function
            .and_then(|column| record.get(column))
            .map(str::trim)
            .unwrap_or("");
        let request = Request {
            arrival: 0,
            duration,
            function: FunctionId(0),
            memory_mb: None,
            bytes_out,
        };
        sink.put(
            epoch,
            request,
            if name.is_empty() { "default" } else { name },
            || (label.clone(), line),
        )?;
        report.rows += 1;
    }
    report.origin = sink.finish()?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_formats_read_to_epoch_microseconds() {
        assert_eq!(TimeFormat::parse("epoch-s").read("1.5"), Some(1_500_000));
        assert_eq!(TimeFormat::parse("epoch-ms").read("1500"), Some(1_500_000));
        assert_eq!(
            TimeFormat::parse("rfc3339").read("1970-01-01T00:00:02Z"),
            Some(2_000_000)
        );
        assert_eq!(
            TimeFormat::parse("%Y-%m-%d %H:%M:%S").read("1970-01-01 00:01:00"),
            Some(60_000_000)
        );
        assert_eq!(
            TimeFormat::parse("%Y-%m-%d %H:%M:%S%.f").read("1970-01-01 00:00:03.9799600"),
            Some(3_979_960)
        );
        assert_eq!(TimeFormat::parse("%Y-%m-%d").read("yesterday"), None);
    }
}
