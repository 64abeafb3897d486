//! Importers: public traces and logs turned into the native trace format.
//! Each reads its format (streaming where the source is in time order),
//! hands requests to a [`Sink`] in arrival order, and reports bad rows:
//! an error naming the line, or, when the user asked to skip them, a count
//! by reason.

mod azure2019;
mod azure2021;
mod clf;
mod mapped_csv;
mod rate_series;

use std::collections::BTreeMap;

pub use azure2019::{Azure2019Files, Azure2019Options, DurationSource, import_azure_2019};
pub use azure2021::import_azure_2021;
pub use clf::{ClfOptions, import_clf};
pub use mapped_csv::{CsvMapping, TimeFormat, import_mapped_csv};
pub use rate_series::{RateSeries, RateSeriesOptions, import_rate_series, read_rate_series};

use chrono::{DateTime, SecondsFormat, Utc};

use super::{FunctionNames, Request, TraceWriter};
use crate::error::{Error, Result};
use crate::units::Micros;

/// A non-negative quantity (`value` units of `micros_per_unit` µs each) in
/// whole microseconds, or none when it is negative, not finite, or beyond
/// the largest time (2^64 - 1 µs, about 584,542 years): such a row is
/// rejected, never clamped.
pub fn micros_from(value: f64, micros_per_unit: f64) -> Option<Micros> {
    let micros = (value * micros_per_unit).round();
    // 2^64 itself is the first value that does not fit.
    (0.0..18_446_744_073_709_551_616.0)
        .contains(&micros)
        .then_some(micros as Micros)
}

/// The range [`micros_from`] accepts, for messages.
pub const DURATION_RANGE: &str = "from 0 to 18,446,744,073,709 s";

/// What to do with a malformed row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadRows {
    Fail,
    Skip,
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: u64,
    /// The instant time 0 of the output stands for, when the source says.
    pub origin: Option<DateTime<Utc>>,
    /// Rows (or functions) left out, by reason.
    pub skipped: BTreeMap<String, u64>,
}

impl ImportReport {
    /// Counts a skipped row under `reason`, or fails with `error` when bad
    /// rows are not to be skipped.
    pub fn bad_row(&mut self, policy: BadRows, reason: &str, error: Error) -> Result<()> {
        match policy {
            BadRows::Fail => Err(error),
            BadRows::Skip => {
                *self.skipped.entry(reason.to_owned()).or_default() += 1;
                Ok(())
            }
        }
    }
}

impl ImportReport {
    /// Reads the next row of `csv` into `record`, failing on (or counting
    /// and skipping) rows the CSV reader cannot read; false at the end.
    pub fn next_record<R: std::io::Read>(
        &mut self,
        csv: &mut csv::Reader<R>,
        record: &mut csv::StringRecord,
        label: &str,
        policy: BadRows,
    ) -> Result<bool> {
        loop {
            match csv.read_record(record) {
                Ok(more) => return Ok(more),
                Err(error) => {
                    let line = error.position().map_or(0, |position| position.line());
                    self.bad_row(
                        policy,
                        "malformed CSV",
                        Error::input(label, line, error.to_string()),
                    )?;
                }
            }
        }
    }
}

/// Where imported requests go: straight to the trace writer when the source
/// is in time order, or through memory to be sorted first.
pub enum Sink<'a> {
    Stream(&'a mut TraceWriter),
    Sort {
        writer: &'a mut TraceWriter,
        names: FunctionNames,
        requests: Vec<Request>,
    },
}

impl<'a> Sink<'a> {
    pub fn new(writer: &'a mut TraceWriter, sort: bool) -> Self {
        if sort {
            Sink::Sort {
                writer,
                names: FunctionNames::default(),
                requests: Vec::new(),
            }
        } else {
            Sink::Stream(writer)
        }
    }

    pub fn put(&mut self, request: Request, function: &str) -> Result<()> {
        match self {
            Sink::Stream(writer) => writer.write(&request, function),
            Sink::Sort { names, requests, .. } => {
                requests.push(Request {
                    function: names.intern(function),
                    ..request
                });
                Ok(())
            }
        }
    }

    /// Writes what was held back, sorted by arrival (stable).
    pub fn flush(self) -> Result<()> {
        if let Sink::Sort {
            writer,
            names,
            mut requests,
        } = self
        {
            requests.sort_by_key(|request| request.arrival);
            for request in &requests {
                writer.write(request, names.name(request.function))?;
            }
        }
        Ok(())
    }
}

/// A sink for sources with absolute timestamps (logs, CSV exports): arrival
/// offsets are measured from `start`, or from the first row (streaming) or
/// the earliest row (sorting) when no start is given.
pub struct TimedSink<'a> {
    writer: &'a mut TraceWriter,
    start: Option<i64>,
    sorted: Option<Vec<(i64, Request, u32)>>,
    names: FunctionNames,
    origin: Option<i64>,
    /// The time of the row before, when streaming.
    last: Option<i64>,
}

impl<'a> TimedSink<'a> {
    pub fn new(writer: &'a mut TraceWriter, start: Option<DateTime<Utc>>, sort: bool) -> Self {
        TimedSink {
            writer,
            start: start.map(|start| start.timestamp_micros()),
            sorted: sort.then(Vec::new),
            names: FunctionNames::default(),
            origin: None,
            last: None,
        }
    }

    /// Puts a request that arrived at `epoch_micros`; its `arrival` field is
    /// ignored. `where_` names the row for an error.
    pub fn put(
        &mut self,
        epoch_micros: i64,
        request: Request,
        function: &str,
        where_: impl FnOnce() -> (String, u64),
    ) -> Result<()> {
        if let Some(sorted) = &mut self.sorted {
            let id = self.names.intern(function);
            sorted.push((epoch_micros, request, id.0));
            return Ok(());
        }
        let origin = *self.origin.get_or_insert(self.start.unwrap_or(epoch_micros));
        if let Some(last) = self.last.filter(|last| epoch_micros < *last) {
            let (path, line) = where_();
            return Err(Error::input(
                path,
                line,
                format!(
                    "field `time`: this row is {} s earlier than the one before it; the source is not in arrival order: import with --sort",
                    (last as f64 - epoch_micros as f64) / 1e6
                ),
            ));
        }
        self.last = Some(epoch_micros);
        let arrival = epoch_micros
            .checked_sub(origin)
            .and_then(|offset| u64::try_from(offset).ok())
            .ok_or_else(|| {
                let (path, line) = where_();
                Error::input(
                    path,
                    line,
                    "field `time`: this row is earlier than --start; give an earlier --start or none",
                )
            })?;
        self.writer.write(&Request { arrival, ..request }, function)
    }

    /// Writes what was held back and returns the instant time 0 stands for.
    pub fn finish(mut self) -> Result<Option<DateTime<Utc>>> {
        if let Some(mut sorted) = self.sorted.take() {
            sorted.sort_by_key(|(time, _, _)| *time);
            let origin = self.start.or(sorted.first().map(|(time, _, _)| *time));
            self.origin = origin;
            for (time, request, id) in &sorted {
                let offset = origin.map_or(Some(0), |origin| time.checked_sub(origin));
                let arrival = offset
                    .and_then(|offset| u64::try_from(offset).ok())
                    .ok_or_else(|| {
                        Error::usage(
                            "--start is later than the earliest row; give an earlier --start or none",
                        )
                    })?;
                self.writer.write(
                    &Request { arrival, ..*request },
                    self.names.name(super::FunctionId(*id)),
                )?;
            }
        }
        Ok(self.origin.and_then(DateTime::from_timestamp_micros))
    }
}

/// `2016-01-01T00:00:00Z`, for messages about where time 0 lies.
pub fn describe_instant(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}
