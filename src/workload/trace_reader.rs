//! Reads the native trace format: CSV with a header, optionally gzipped.
//!
//! Columns: `time` (seconds since the trace start as a decimal, or an RFC 3339
//! timestamp), `duration_ms` (decimal), and the optional `function`,
//! `memory_mb` and `bytes_out`. Other columns are ignored. Rows are streamed one
//! at a time and must be in arrival order; an out-of-order row is an error that
//! names its line, unless the reader was asked to sort (which loads the whole
//! trace). Every error names the file, the line and the field.

use std::io::Read;
use std::ops::Range;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::batch_source::BatchSource;
use super::interner::{FunctionInterner, Lookup};
use super::request::{FunctionId, FunctionNames, MAX_ARRIVAL, MAX_DURATION, Request};
use super::trace_input::{input_label, open_input_unbuffered};
use super::trace_rows::{RowError, RowReader};
use crate::error::{Error, Result};
use crate::units::{MICROS_PER_MS, MICROS_PER_SECOND, Micros, parse_decimal_micros};

/// Plain rows read before their names are interned: with tens of
/// thousands of names most lookups miss the cache, and a group's misses
/// then overlap rather than wait one after another. The last rows of a
/// group are interned soon after their slots are asked for, so a longer
/// group leaves fewer such rows (32 rather than 8: about 3% less time
/// reading 50,000 names, near the host's noise).
const NAME_GROUP: usize = 32;

/// Where a relative-time trace begins unless `--start` says otherwise.
pub const DEFAULT_START: &str = "2016-01-01T00:00:00Z";

/// [`DEFAULT_START`] as an instant (2016-01-01T00:00:00Z is 1,451,606,400 s
/// after the Unix epoch).
pub fn default_start() -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(1_451_606_400_000_000_000)
}

/// How the `time` column of a trace is written; decided by its first row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceTime {
    /// Seconds since the trace origin.
    Relative,
    /// RFC 3339 timestamps.
    Absolute,
}

/// The reader's slots (see [`RowReader::keep`]) of the trace's columns.
struct Columns {
    time: usize,
    duration_ms: usize,
    function: Option<usize>,
    memory_mb: Option<usize>,
    bytes_out: Option<usize>,
}

/// A check of a request's own fields against what a platform accepts; on
/// failure it names the field and what was expected.
pub type RowCheck = Box<dyn Fn(&Request) -> std::result::Result<(), (&'static str, String)> + Send>;

/// A streaming reader of native trace files; an iterator of requests.
pub struct TraceReader {
    row_check: Option<RowCheck>,
    path: String,
    rows: RowReader,
    columns: Columns,
    time_kind: TraceTime,
    origin: DateTime<Utc>,
    origin_epoch_micros: i64,
    interner: FunctionInterner,
    last_arrival: Micros,
    /// The first row, read ahead to learn the time format and origin.
    first: Option<Request>,
    /// Whether rows out of arrival order are an error (see [`Self::unordered`]).
    ordered: bool,
    finished: bool,
    /// Whether rows may be read by [`RowReader::next_decimal_row`], and with
    /// a name: the header is `time,duration_ms[,function]` and times are
    /// relative.
    decimal_rows: Option<bool>,
}

impl TraceReader {
    /// Opens a trace (standard input for the path `-`). `start` is the
    /// origin of a relative-time trace (default [`DEFAULT_START`]) or, for an
    /// absolute-time trace, an optional earlier instant to measure from
    /// instead of the first row.
    pub fn open(path: &Path, start: Option<DateTime<Utc>>) -> Result<Self> {
        let input = open_input_unbuffered(path)?;
        Self::from_reader(input_label(path), input, start)
    }

    /// Reads a trace from any byte stream; `label` names it in messages.
    pub fn from_reader(
        label: String,
        input: Box<dyn Read + Send>,
        start: Option<DateTime<Utc>>,
    ) -> Result<Self> {
        let mut rows = RowReader::new(input);
        let headers = rows
            .read_header()
            .map_err(|error| row_error(&label, &rows, error))?;
        let columns = find_columns(&label, &headers)?;
        let mut kept = vec![columns.time, columns.duration_ms];
        let mut slot_of = |column: Option<usize>| {
            column.map(|column| {
                kept.push(column);
                kept.len() - 1
            })
        };
        let slots = Columns {
            time: 0,
            duration_ms: 1,
            function: slot_of(columns.function),
            memory_mb: slot_of(columns.memory_mb),
            bytes_out: slot_of(columns.bytes_out),
        };
        rows.keep(&kept, headers.len());
        let mut reader = TraceReader {
            row_check: None,
            path: label,
            rows,
            columns: slots,
            time_kind: TraceTime::Relative,
            origin: start.unwrap_or_else(default_start),
            origin_epoch_micros: 0,
            interner: FunctionInterner::default(),
            last_arrival: 0,
            first: None,
            ordered: true,
            finished: false,
            decimal_rows: None,
        };
        reader.read_first_row(start)?;
        let named = match (columns.function, headers.len()) {
            (None, 2) => Some(false),
            (Some(2), 3) => Some(true),
            _ => None,
        };
        reader.decimal_rows = named
            .filter(|_| (columns.time, columns.duration_ms, reader.time_kind) == (0, 1, TraceTime::Relative));
        Ok(reader)
    }

    fn read_first_row(&mut self, start: Option<DateTime<Utc>>) -> Result<()> {
        if !self.read_record()? {
            self.origin_epoch_micros = self.origin.timestamp_micros();
            return Ok(());
        }
        let time = self.field(self.columns.time);
        if parse_decimal_micros(time, MICROS_PER_SECOND).is_none() {
            let first = self.parse_timestamp()?;
            self.time_kind = TraceTime::Absolute;
            self.origin = start.unwrap_or(first);
        }
        self.origin_epoch_micros = self.origin.timestamp_micros();
        let request = self.parse_record()?;
        self.last_arrival = request.arrival;
        self.first = Some(request);
        Ok(())
    }

    /// Applies `check` to every row that sets fields of its own, failing on
    /// the first row it rejects.
    pub fn with_row_check(mut self, check: RowCheck) -> Self {
        self.row_check = Some(check);
        self
    }

    /// Applies the row check, if any, to `request`, if it sets fields of
    /// its own (the only ones a check may refuse: see
    /// [`Request::has_own_fields`]).
    #[inline(always)]
    fn check(&self, request: &Request) -> Result<()> {
        match &self.row_check {
            Some(check) if request.has_own_fields() => {
                check(request).map_err(|(field, problem)| self.rejected(field, &problem))
            }
            _ => Ok(()),
        }
    }

    /// Yields rows in file order whatever their arrivals, for a caller that
    /// sorts them itself (as [`Self::into_sorted`] does).
    pub fn unordered(mut self) -> Self {
        self.ordered = false;
        self
    }

    /// The error for the row just read when a check of `field` rejects it.
    #[cold]
    pub fn rejected(&self, field: &str, problem: &str) -> Error {
        Error::input(
            self.path.clone(),
            self.line(),
            format!("field `{field}`: {problem}"),
        )
    }

    /// The instant that offset zero stands for.
    pub fn origin(&self) -> DateTime<Utc> {
        self.origin
    }

    pub fn time_kind(&self) -> TraceTime {
        self.time_kind
    }

    /// Names of the functions met so far, by id.
    pub fn functions(&self) -> &FunctionNames {
        self.interner.names()
    }

    /// Reads every remaining row and sorts them by arrival (stable, so rows with
    /// equal arrivals keep their file order). Memory grows with the trace: this
    /// is what `--sort` asks for.
    pub fn into_sorted(mut self) -> Result<(Vec<Request>, FunctionNames, DateTime<Utc>)> {
        let mut requests = Vec::new();
        if let Some(first) = self.first.take() {
            self.check(&first)?;
            requests.push(first);
        }
        while self.read_record()? {
            let request = self.parse_record()?;
            self.check(&request)?;
            requests.push(request);
        }
        requests.sort_by_key(|request| request.arrival);
        Ok((requests, self.interner.into_names(), self.origin))
    }

    #[inline(always)]
    fn read_record(&mut self) -> Result<bool> {
        match self.rows.next_row() {
            Ok(more) => Ok(more),
            Err(error) => Err(row_error(&self.path, &self.rows, error)),
        }
    }

    /// The line the row just read starts on.
    pub fn line(&self) -> u64 {
        self.rows.line()
    }

    #[inline(always)]
    fn field(&self, slot: usize) -> &[u8] {
        self.rows.field(slot)
    }

    #[cold]
    fn field_error(&self, field: &str, expected: &str, slot: usize) -> Error {
        Error::input(
            self.path.clone(),
            self.line(),
            format!(
                "field `{field}`: expected {expected}, found `{}`",
                String::from_utf8_lossy(self.field(slot))
            ),
        )
    }

    fn parse_timestamp(&self) -> Result<DateTime<Utc>> {
        let slot = self.columns.time;
        std::str::from_utf8(self.field(slot))
            .ok()
            .and_then(|text| DateTime::parse_from_rfc3339(text.trim()).ok())
            .map(|moment| moment.with_timezone(&Utc))
            .ok_or_else(|| {
                self.field_error(
                    "time",
                    "seconds since the trace start (e.g. 12.5) or an RFC 3339 timestamp (e.g. 2016-01-01T00:00:12Z)",
                    slot,
                )
            })
    }

    #[inline(always)]
    fn parse_arrival(&self) -> Result<Micros> {
        let slot = self.columns.time;
        match self.time_kind {
            TraceTime::Relative => {
                parse_decimal_micros(self.field(slot), MICROS_PER_SECOND).ok_or_else(|| {
                    self.field_error(
                        "time",
                        "seconds since the trace start as a non-negative decimal, like the first row",
                        slot,
                    )
                })
            }
            TraceTime::Absolute => {
                let moment = self.parse_timestamp()?;
                u64::try_from(moment.timestamp_micros() - self.origin_epoch_micros).map_err(|_| {
                    Error::input(
                        self.path.clone(),
                        self.line(),
                        format!("field `time`: {moment} is before the trace start {}", self.origin),
                    )
                })
            }
        }
    }

    // Inlined into the row loop: returning the request through an out-of-line
    // call cost a third of the reader's time in store-forwarding stalls.
    #[inline(always)]
    fn parse_record(&mut self) -> Result<Request> {
        let arrival = self.parse_arrival()?;
        let duration_slot = self.columns.duration_ms;
        let duration = parse_decimal_micros(self.field(duration_slot), MICROS_PER_MS)
            .filter(|duration| *duration <= MAX_DURATION)
            .ok_or_else(|| {
                self.field_error(
                    "duration_ms",
                    "a non-negative number of milliseconds, at most ten years",
                    duration_slot,
                )
            })?;
        if arrival > MAX_ARRIVAL {
            return Err(self.field_error(
                "time",
                "an arrival at most 100 years after the trace start",
                self.columns.time,
            ));
        }
        let memory_mb = match self.columns.memory_mb {
            Some(slot) if !self.field(slot).trim_ascii().is_empty() => Some(
                parse_integer(self.field(slot))
                    .and_then(|value| u32::try_from(value).ok())
                    .filter(|&value| value > 0)
                    .ok_or_else(|| {
                        self.field_error("memory_mb", "a positive whole number of megabytes", slot)
                    })?,
            ),
            _ => None,
        };
        let bytes_out = match self.columns.bytes_out {
            Some(slot) if !self.field(slot).trim_ascii().is_empty() => parse_integer(self.field(slot))
                .ok_or_else(|| self.field_error("bytes_out", "a non-negative whole number of bytes", slot))?,
            _ => 0,
        };
        let name = match self.columns.function {
            Some(slot) => self.rows.field(slot).trim_ascii(),
            None => &[],
        };
        let function = self.interner.intern(name);
        Ok(Request {
            arrival,
            duration,
            function,
            memory_mb,
            bytes_out,
        })
    }

    /// The next row if it is a plain one (see [`RowReader::next_decimal_row`]),
    /// checked as [`Self::parse_record`] and [`Self::in_order`] check a row.
    /// It sets no fields of its own, so the row check has nothing to ask.
    #[inline(always)]
    fn read_decimal_row(&mut self, named: bool) -> Option<Result<Request>> {
        let (arrival, duration) = match self.decimal_row(named)? {
            Ok(row) => row,
            Err(error) => return Some(Err(error)),
        };
        let name = match named {
            true => self.rows.field(2),
            false => &[],
        };
        Some(Ok(Request {
            arrival,
            duration,
            function: self.interner.intern(name),
            memory_mb: None,
            bytes_out: 0,
        }))
    }

    /// Reads plain named rows into `batch`, up to [`NAME_GROUP`] and
    /// `limit`, stopping before a row that is not plain (as
    /// [`Self::read_decimal_row`]), starting the lookup of each name as it
    /// is read; then interns the names, so that the lookups' cache misses
    /// overlap. How many were read.
    #[inline(always)]
    fn read_named_rows(&mut self, batch: &mut Vec<Request>, limit: usize) -> Result<usize> {
        let base = batch.len();
        let mut names: [(Range<usize>, Lookup); NAME_GROUP] = Default::default();
        let mut failed = None;
        for (name, lookup) in names.iter_mut().take(limit - base) {
            match self.decimal_row(true) {
                Some(Ok((arrival, duration))) => {
                    *name = self.rows.field_range(2);
                    *lookup = self.interner.look_up(self.rows.buffered(name.clone()));
                    batch.push(Request {
                        arrival,
                        duration,
                        function: FunctionId(0),
                        memory_mb: None,
                        bytes_out: 0,
                    });
                }
                Some(Err(error)) => {
                    failed = Some(error);
                    break;
                }
                None => break,
            }
        }
        // The rows stay in the buffer until the next `next_row`.
        for (request, (name, lookup)) in batch[base..].iter_mut().zip(names) {
            request.function = self.interner.intern_looked_up(self.rows.buffered(name), lookup);
        }
        match failed {
            Some(error) => Err(error),
            None => Ok(batch.len() - base),
        }
    }

    /// The arrival and duration of the next row if it is a plain one,
    /// checked as [`Self::parse_record`] and [`Self::in_order`] check a row.
    #[inline(always)]
    fn decimal_row(&mut self, named: bool) -> Option<Result<(Micros, Micros)>> {
        let (arrival, duration) = self.rows.next_decimal_row(named)?;
        if duration > MAX_DURATION {
            return Some(Err(self.field_error(
                "duration_ms",
                "a non-negative number of milliseconds, at most ten years",
                self.columns.duration_ms,
            )));
        }
        if arrival > MAX_ARRIVAL {
            return Some(Err(self.field_error(
                "time",
                "an arrival at most 100 years after the trace start",
                self.columns.time,
            )));
        }
        Some(self.in_order(arrival).map(|()| (arrival, duration)))
    }

    /// Refuses a row arriving before the previous one (unless asked for
    /// rows in any order), and notes the arrival.
    #[inline(always)]
    fn in_order(&mut self, arrival: Micros) -> Result<()> {
        if self.ordered && arrival < self.last_arrival {
            return Err(self.out_of_order(arrival));
        }
        self.last_arrival = arrival;
        Ok(())
    }

    /// The next request read by the general path: the first row (read
    /// ahead), or a row of any form.
    fn next_request(&mut self) -> Result<Option<Request>> {
        if let Some(first) = self.first.take() {
            self.check(&first)?;
            return Ok(Some(first));
        }
        if let Some(named) = self.decimal_rows
            && let Some(request) = self.read_decimal_row(named)
        {
            return request.map(Some);
        }
        if !self.read_record()? {
            return Ok(None);
        }
        let request = self.parse_record()?;
        self.in_order(request.arrival)?;
        self.check(&request)?;
        Ok(Some(request))
    }

    #[cold]
    fn out_of_order(&self, arrival: Micros) -> Error {
        Error::input(
            self.path.clone(),
            self.line(),
            format!(
                "field `time`: rows must be in arrival order, but this row arrives {:.6} s before the previous one (use --sort to sort the trace in memory)",
                (self.last_arrival - arrival) as f64 / MICROS_PER_SECOND as f64
            ),
        )
    }
}

impl BatchSource for TraceReader {
    // The plain rows are read in this loop, the others (and the first) one
    // at a time by the general path.
    fn fill(&mut self, batch: &mut Vec<Request>, limit: usize) -> Result<bool> {
        while batch.len() < limit {
            match self.decimal_rows.filter(|_| self.first.is_none()) {
                Some(false) if let Some(request) = self.read_decimal_row(false) => {
                    batch.push(request.inspect_err(|_| self.finished = true)?);
                    continue;
                }
                Some(true)
                    if self
                        .read_named_rows(batch, limit)
                        .inspect_err(|_| self.finished = true)?
                        > 0 =>
                {
                    continue;
                }
                _ => {}
            }
            match self.next() {
                Some(request) => batch.push(request?),
                None => return Ok(false),
            }
        }
        Ok(true)
    }
}

impl Iterator for TraceReader {
    type Item = Result<Request>;

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        match self.next_request() {
            Ok(Some(request)) => Some(Ok(request)),
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(error) => {
                self.finished = true;
                Some(Err(error))
            }
        }
    }
}

fn parse_integer(text: &[u8]) -> Option<u64> {
    let text = text.trim_ascii();
    if text.is_empty() {
        return None;
    }
    text.iter().try_fold(0u64, |value, &digit| {
        if digit.is_ascii_digit() {
            value.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
        } else {
            None
        }
    })
}

fn find_columns(path: &str, headers: &[Vec<u8>]) -> Result<Columns> {
    let find = |name: &str| {
        headers
            .iter()
            .position(|header| header.trim_ascii().eq_ignore_ascii_case(name.as_bytes()))
    };
    let mut missing = Vec::new();
    let time = find("time");
    let duration_ms = find("duration_ms");
    if time.is_none() {
        missing.push("time");
    }
    if duration_ms.is_none() {
        missing.push("duration_ms");
    }
    match (time, duration_ms) {
        (Some(time), Some(duration_ms)) => Ok(Columns {
            time,
            duration_ms,
            function: find("function"),
            memory_mb: find("memory_mb"),
            bytes_out: find("bytes_out"),
        }),
        _ => Err(Error::input(
            path.to_owned(),
            1,
            format!(
                "header: missing column{} {}; a trace needs `time` and `duration_ms` (optional: `function`, `memory_mb`, `bytes_out`), found: {}",
                if missing.len() > 1 { "s" } else { "" },
                missing
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(" and "),
                headers
                    .iter()
                    .map(|header| String::from_utf8_lossy(header))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        )),
    }
}

#[cold]
fn row_error(path: &str, rows: &RowReader, error: RowError) -> Error {
    match error {
        RowError::UnequalLengths { expected, found } => Error::input(
            path.to_owned(),
            rows.line(),
            format!("row has {found} fields but the header has {expected}"),
        ),
        RowError::Io(io) => Error::input(path.to_owned(), rows.failing_line(), format!("cannot read: {io}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(text: &str) -> Result<TraceReader> {
        TraceReader::from_reader(
            "t.csv".into(),
            Box::new(std::io::Cursor::new(text.to_owned())),
            None,
        )
    }

    fn collect(text: &str) -> Result<Vec<Request>> {
        reader(text)?.collect()
    }

    #[test]
    fn relative_rows_become_requests() {
        let requests = collect(
            "time,duration_ms,function,memory_mb,bytes_out\n0,100,a,,\n0.5,20.5,b,256,3072\n0.5,1,a,,\n",
        )
        .expect("valid trace");
        assert_eq!(requests.len(), 3);
        assert_eq!(requests[1].arrival, 500_000);
        assert_eq!(requests[1].duration, 20_500);
        assert_eq!(requests[1].memory_mb, Some(256));
        assert_eq!(requests[1].bytes_out, 3072);
        assert_eq!(requests[0].function, requests[2].function);
        assert_ne!(requests[0].function, requests[1].function);
    }

    #[test]
    fn absolute_rows_are_measured_from_the_first_row() {
        let mut trace =
            reader("duration_ms,time\n5,2016-03-01T10:00:00Z\n5,2016-03-01T10:00:01.25Z\n").expect("valid");
        assert_eq!(trace.time_kind(), TraceTime::Absolute);
        assert_eq!(trace.origin().to_rfc3339(), "2016-03-01T10:00:00+00:00");
        let arrivals: Vec<_> = trace.by_ref().map(|r| r.expect("row").arrival).collect();
        assert_eq!(arrivals, vec![0, 1_250_000]);
    }

    #[test]
    fn batches_fill_with_plain_rows_and_stop_at_a_bad_one() {
        // 40 plain rows, one a second, of 1.5 ms each; the 31st (on line 32)
        // arrives at 5 s, before the 30th (29 s).
        let mut text = String::from("time,duration_ms\n");
        for second in 0..40 {
            text += &format!("{}.000000,1.500\n", if second == 30 { 5 } else { second });
        }
        let mut trace = reader(&text).expect("valid");
        let mut batch = Vec::new();
        assert!(trace.fill(&mut batch, 16).expect("16 good rows"));
        assert_eq!(batch[15], Request::at(15_000_000, 1_500));
        let error = trace.fill(&mut batch, 64).expect_err("out of order");
        assert_eq!(batch.len(), 30, "the rows before the bad one");
        assert!(
            error
                .to_string()
                .starts_with("t.csv:32: field `time`: rows must be in arrival order"),
            "{error}"
        );
        assert!(!trace.fill(&mut batch, 64).expect("ended"));
    }

    #[test]
    fn named_rows_are_read_in_groups_and_named_in_order() {
        // 40 plain rows, one a second, named f0 to f4 in turn; the 31st (line
        // 32, f0) arrives at 5 s, before the 30th.
        let mut text = String::from("time,duration_ms,function\n");
        for second in 0..40 {
            let at = if second == 30 { 5 } else { second };
            text += &format!("{at}.000000,1.500,f{}\n", second % 5);
        }
        let mut trace = reader(&text).expect("valid");
        let mut batch = Vec::new();
        // A batch of 11: the first row, then groups of 8 and 2.
        assert!(trace.fill(&mut batch, 11).expect("good rows"));
        let ids: Vec<u32> = batch.iter().map(|request| request.function.0).collect();
        assert_eq!(ids, [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0]);
        let error = trace.fill(&mut batch, 64).expect_err("out of order");
        assert_eq!(batch.len(), 30, "the rows before the bad one");
        assert!(
            batch
                .iter()
                .enumerate()
                .all(|(second, request)| request.function.0 == second as u32 % 5)
        );
        assert!(error.to_string().starts_with("t.csv:32: field `time`"), "{error}");
        let names: Vec<&str> = (0..5).map(|id| trace.functions().name(FunctionId(id))).collect();
        assert_eq!(names, ["f0", "f1", "f2", "f3", "f4"]);
    }

    #[test]
    fn only_rows_with_fields_of_their_own_are_checked() {
        let refuse_all: RowCheck = Box::new(|_| Err(("memory_mb", "expected nothing".into())));
        let plain = "time,duration_ms,memory_mb\n0,10,\n1,10,\n";
        let rows: Result<Vec<_>> = reader(plain).expect("valid").with_row_check(refuse_all).collect();
        assert_eq!(rows.expect("no row sets its memory").len(), 2);
        let refuse_all: RowCheck = Box::new(|_| Err(("memory_mb", "expected nothing".into())));
        let sized = "time,duration_ms,memory_mb\n0,10,\n1,10,512\n";
        let error = reader(sized)
            .expect("valid")
            .with_row_check(refuse_all)
            .collect::<Result<Vec<_>>>();
        assert_eq!(
            error.expect_err("refused").to_string(),
            "t.csv:3: field `memory_mb`: expected nothing"
        );
    }

    #[test]
    fn errors_name_the_line_and_field() {
        let error = collect("time,duration_ms\n0,10\n1,abc\n").expect_err("bad duration");
        assert_eq!(
            error.to_string(),
            "t.csv:3: field `duration_ms`: expected a non-negative number of milliseconds, at most ten years, found `abc`"
        );
        let error = collect("time,duration_ms\n0,10\n1,-5\n").expect_err("negative");
        assert!(
            error.to_string().starts_with("t.csv:3: field `duration_ms`"),
            "{error}"
        );
        let error = collect("time,duration_ms\n2,10\n1,5\n").expect_err("unsorted");
        assert!(
            error
                .to_string()
                .starts_with("t.csv:3: field `time`: rows must be in arrival order"),
            "{error}"
        );
        let error = collect("time,duration_ms\n0,10\n1\n").expect_err("short row");
        assert_eq!(
            error.to_string(),
            "t.csv:3: row has 1 fields but the header has 2"
        );
        let error = collect("time,duration_ms,memory_mb\n0,10,0\n").expect_err("zero memory");
        assert!(error.to_string().contains("field `memory_mb`"), "{error}");
        let error = collect("time,duration_ms\nyesterday,10\n").expect_err("bad time");
        assert!(error.to_string().starts_with("t.csv:2: field `time`"), "{error}");
    }

    #[test]
    fn missing_columns_are_named() {
        let error = reader("arrival,duration\n0,1\n").err().expect("no columns");
        assert!(
            error
                .to_string()
                .contains("missing columns `time` and `duration_ms`"),
            "{error}"
        );
    }

    #[test]
    fn sorting_loads_and_orders_rows_stably() {
        let (requests, names, _) = reader("time,duration_ms,function\n2,1,x\n1,1,y\n2,1,z\n")
            .expect("valid")
            .into_sorted()
            .expect("sortable");
        let order: Vec<_> = requests
            .iter()
            .map(|r| names.name(r.function).to_owned())
            .collect();
        assert_eq!(order, vec!["y", "x", "z"]);
    }

    #[test]
    fn empty_trace_yields_nothing() {
        assert!(collect("time,duration_ms\n").expect("empty is valid").is_empty());
    }

    /// The requests (arrival, duration, function name) of `text`, or its
    /// error's message.
    fn outcome(text: &str) -> std::result::Result<Vec<(u64, u64, String)>, String> {
        let mut reader = reader(text).map_err(|error| error.to_string())?;
        let mut requests = Vec::new();
        for request in reader.by_ref() {
            let request = request.map_err(|error| error.to_string())?;
            requests.push((request.arrival, request.duration, request.function.0));
        }
        let names = reader.functions();
        Ok(requests
            .into_iter()
            .map(|(arrival, duration, id)| (arrival, duration, names.name(FunctionId(id)).to_owned()))
            .collect())
    }

    #[test]
    fn plain_rows_read_in_one_pass_are_checked_as_any_row() {
        // Rows read in one pass and (padded fields) not; the last row's
        // arrival (1 s) is 1.5 s before the previous one's: line 6.
        let text = "time,duration_ms,function\n0,1,a\n2.0000005,120.25,bb\n2.5, 3 ,a\n2.5,1, c \n1,1,a\n";
        assert_eq!(
            outcome(text),
            Err("t.csv:6: field `time`: rows must be in arrival order, but this row arrives 1.500000 s before the previous one (use --sort to sort the trace in memory)".into())
        );
        // Ten years are 315,360,000,000 ms; one more µs is too long.
        let text = "time,duration_ms\n0,1\n1,315360000000.001\n";
        assert_eq!(
            outcome(text),
            Err("t.csv:3: field `duration_ms`: expected a non-negative number of milliseconds, at most ten years, found `315360000000.001`".into())
        );
    }

    proptest::proptest! {
        #[test]
        fn rows_read_in_one_pass_read_as_the_general_path_reads_them(
            rows in proptest::collection::vec(
                (
                    proptest::collection::vec(proptest::sample::select(b"0123456789.. x,".to_vec()), 0..8),
                    proptest::collection::vec(proptest::sample::select(b"0123456789. x".to_vec()), 0..6),
                    proptest::sample::select(vec!["a", "b", "", " a", "x\"y"]),
                ),
                0..12,
            ),
            named in proptest::bool::ANY,
        ) {
            // Columns in the header's usual order take the one-pass path;
            // the same rows with the columns reversed take the general one.
            let (mut usual, mut reversed) = match named {
                true => ("time,duration_ms,function\n".to_owned(), "function,duration_ms,time\n".to_owned()),
                false => ("time,duration_ms\n".to_owned(), "duration_ms,time\n".to_owned()),
            };
            for (time, duration, name) in &rows {
                let (time, duration) = (String::from_utf8_lossy(time), String::from_utf8_lossy(duration));
                match named {
                    true => {
                        usual += &format!("{time},{duration},{name}\n");
                        reversed += &format!("{name},{duration},{time}\n");
                    }
                    false => {
                        usual += &format!("{time},{duration}\n");
                        reversed += &format!("{duration},{time}\n");
                    }
                }
            }
            proptest::prop_assert_eq!(outcome(&usual), outcome(&reversed));
        }
    }
}
