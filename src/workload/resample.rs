//! Bootstrap resampling of a trace's days (`resample = "days"`), for Monte
//! Carlo replications over a trace: each replication replays a month made
//! of the trace's own days, drawn again with replacement.
//!
//! The trace's span is cut into whole days counted from its origin (day j
//! holds the arrivals in [j·24 h, (j+1)·24 h) after the origin), and D is the
//! number of days it covers: the last arrival's day plus one, so a partial
//! last day counts as a day, and so do empty days inside the span. The
//! resampled stream has D days too: output day k takes every request of a
//! source day j_k drawn uniformly from 0..D with replacement (a `Pcg64`
//! seeded with the replication's seed, one draw per output day in order),
//! each arrival shifted by (k − j_k) days, so the time of day is kept. The
//! requests come out in arrival order; a one-day trace comes out unchanged.
//!
//! Streaming: [`DayIndex::build`] reads the trace once, checking every row
//! as a plain read would (so a malformed row fails the replay whatever days
//! are drawn), to learn D, the line each day starts on and the function
//! names (so a function keeps its id whichever day it is met in). A second,
//! raw pass finds the byte each day starts at, and [`Resampled`] reads a
//! drawn day by seeking there, the header put in front, reading just that
//! day's bytes; it holds one reader at a time. A gzipped trace is
//! decompressed once, during the first pass, into a temporary file (as
//! large as the trace uncompressed, deleted with the index) that days are
//! read from. Where a line break need not end a row (a quote, or a lone
//! carriage return, in the file) the days are read from the file's start
//! instead, skipping the rows before the day and stopping after it. Either
//! way a row is named by the trace's own name and line in messages. Memory
//! grows with D, never with the number of rows. Standard input cannot be
//! read again, and is refused.
//!
//! With `fill = "repeat"` the resampled days are tiled to the horizon, every
//! copy the same draws; the tile period is then the resampled sample's span
//! rounded up as for any sample, so it is shorter when the last output
//! days drew days without requests. Traffic scaling applies to the
//! resampled stream. A trace that needs sorting in memory is refused.

use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use tempfile::{NamedTempFile, TempPath};

use super::fill::DAY;
use super::request::{FunctionId, FunctionNames, Request};
use super::trace_input::{STDIN_PATH, input_label, open_input};
use super::trace_reader::TraceReader;
use crate::error::{Error, Result};
use crate::units::Micros;

/// Bytes read at a time by the pass that finds where days start.
const SCAN_BUFFER: usize = 256 * 1024;
/// The first bytes of a gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// The longest header (with the blank lines before the first row) put in
/// front of a day read by seeking; a longer one reads from the start.
const MAX_HEADER: u64 = 1 << 20;

/// What one read of a trace tells about its days: enough to read any day
/// again on its own.
#[derive(Debug)]
pub struct DayIndex {
    /// The file days are read from: the trace, or its decompressed copy.
    path: PathBuf,
    /// The decompressed copy of a gzipped trace, deleted with the index.
    _spool: Option<TempPath>,
    /// The trace's name in messages.
    label: String,
    origin: DateTime<Utc>,
    /// The line each day's first row starts on (an empty day has the line
    /// of the next day's first row); one entry per day, D in all.
    lines: Vec<u64>,
    /// Function names in the order a plain read meets them.
    functions: FunctionNames,
    /// Where the days start in the file, when it can be read by seeking.
    seeks: Option<Seeks>,
}

/// A plain file's bytes: the header and where each day starts.
#[derive(Debug)]
struct Seeks {
    /// The bytes before the first row (the header, blank lines).
    header: Vec<u8>,
    /// The byte each day's first line starts at, one per day.
    offsets: Vec<u64>,
    /// The file's length.
    end: u64,
}

impl DayIndex {
    /// Reads the trace at `path` once (with `start` as a trace reader
    /// takes it), checking every row, and indexes its days.
    pub fn build(path: &Path, start: Option<DateTime<Utc>>) -> Result<DayIndex> {
        if path == Path::new(STDIN_PATH) {
            return Err(Error::usage(
                "`resample = \"days\"` reads the trace again for every day it draws, so it cannot read standard input (`-`): save the trace to a file first",
            ));
        }
        let io = |source| Error::io(path, source);
        let spool = match is_gzipped(path)? {
            true => Some(NamedTempFile::new().map_err(io)?),
            false => None,
        };
        let mut input = open_input(path)?;
        if let Some(spool) = &spool {
            let copy = spool.as_file().try_clone().map_err(io)?;
            input = Box::new(Spooling { input, copy });
        }
        let mut reader = TraceReader::from_reader(input_label(path), input, start)?;
        let lines = day_lines(&mut reader)?;
        let spool = spool.map(NamedTempFile::into_temp_path);
        let source = spool.as_ref().map_or(path, |spool| spool.as_ref());
        Ok(DayIndex {
            seeks: locate_days(source, &lines)?,
            path: source.to_owned(),
            _spool: spool,
            label: input_label(path),
            origin: reader.origin(),
            lines,
            functions: reader.functions().clone(),
        })
    }

    /// The number of days D the trace covers, a partial last day included.
    pub fn days(&self) -> u64 {
        self.lines.len() as u64
    }

    /// The instant offset zero stands for.
    pub fn origin(&self) -> DateTime<Utc> {
        self.origin
    }

    /// Whether days are read by seeking to them (a plain file).
    pub fn seeks(&self) -> bool {
        self.seeks.is_some()
    }

    fn is_empty(&self, day: usize) -> bool {
        self.lines.get(day + 1) == self.lines.get(day)
    }

    /// A reader of source day `source` laid at output day `output`, or none
    /// for a day without requests.
    fn open_day(&self, source: u64, output: u64) -> Result<Option<DayReader>> {
        let day = source as usize;
        if self.is_empty(day) {
            return Ok(None);
        }
        let (reader, line_offset) = match &self.seeks {
            Some(seeks) => (self.seek_day(seeks, day)?, self.lines[day] - self.lines[0]),
            None => {
                let input = open_input(&self.path)?;
                let reader = TraceReader::from_reader(self.label.clone(), input, Some(self.origin))?;
                (reader, 0)
            }
        };
        Ok(Some(DayReader {
            reader,
            start: source * DAY,
            output_start: output * DAY,
            line_offset,
            ids: Vec::new(),
        }))
    }

    /// A reader of the header followed by day `day`'s bytes alone. Its lines
    /// count from the first row's line: the header's lines come first.
    fn seek_day(&self, seeks: &Seeks, day: usize) -> Result<TraceReader> {
        let io = |source| Error::io(&self.path, source);
        let mut file = File::open(&self.path).map_err(io)?;
        let start = seeks.offsets[day];
        let end = seeks.offsets.get(day + 1).copied().unwrap_or(seeks.end);
        file.seek(SeekFrom::Start(start)).map_err(io)?;
        let length = end - start;
        let day_bytes = crate::progress::watch(Box::new(file.take(length)), Some(length));
        let input = Cursor::new(seeks.header.clone()).chain(day_bytes);
        TraceReader::from_reader(self.label.clone(), Box::new(input), Some(self.origin))
    }
}

/// The line each day's first row starts on, reading every row of `reader`
/// (an empty day gets the line of the next day's first row).
fn day_lines(reader: &mut TraceReader) -> Result<Vec<u64>> {
    let mut lines: Vec<u64> = Vec::new();
    while let Some(request) = reader.next() {
        let day = request?.arrival / DAY;
        while lines.len() as u64 <= day {
            lines.push(reader.line());
        }
    }
    Ok(lines)
}

/// Whether the file at `path` starts as a gzip stream does.
fn is_gzipped(path: &Path) -> Result<bool> {
    let io = |source| Error::io(path, source);
    let mut magic = Vec::with_capacity(GZIP_MAGIC.len());
    File::open(path)
        .map_err(io)?
        .take(GZIP_MAGIC.len() as u64)
        .read_to_end(&mut magic)
        .map_err(io)?;
    Ok(magic == GZIP_MAGIC)
}

/// A decompressed trace's bytes, copied to a file as they are read.
struct Spooling {
    input: Box<dyn Read + Send>,
    copy: File,
}

impl Read for Spooling {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.input.read(buffer)?;
        self.copy.write_all(&buffer[..read])?;
        Ok(read)
    }
}

/// Where the days whose first rows start on `lines` start in the file at
/// `path`, or none when it cannot be read by seeking: gzipped, or with a
/// quote or a lone carriage return (then a line break need not end a row).
fn locate_days(path: &Path, lines: &[u64]) -> Result<Option<Seeks>> {
    let io = |source| Error::io(path, source);
    let mut file = File::open(path).map_err(io)?;
    let mut buffer = vec![0; SCAN_BUFFER];
    let mut offsets = Vec::with_capacity(lines.len());
    let (mut line, mut position, mut after_cr) = (1u64, 0u64, false);
    loop {
        let read = file.read(&mut buffer).map_err(io)?;
        let chunk = &buffer[..read];
        if chunk.is_empty() {
            break;
        }
        let gzipped = position == 0 && chunk.starts_with(&GZIP_MAGIC);
        if gzipped || (after_cr && chunk[0] != b'\n') || !plain(chunk) {
            return Ok(None);
        }
        after_cr = chunk.last() == Some(&b'\r');
        for newline in memchr::memchr_iter(b'\n', chunk) {
            line += 1;
            while lines.get(offsets.len()) == Some(&line) {
                offsets.push(position + newline as u64 + 1);
            }
        }
        position += read as u64;
    }
    let header_length = offsets.first().copied().unwrap_or(0);
    if offsets.len() < lines.len() || header_length > MAX_HEADER {
        return Ok(None);
    }
    let mut header = vec![0; header_length as usize];
    let mut file = File::open(path).map_err(io)?;
    file.read_exact(&mut header).map_err(io)?;
    Ok(Some(Seeks {
        header,
        offsets,
        end: position,
    }))
}

/// Whether every line break in `chunk` ends a row: no quote, and every
/// carriage return followed by a line feed (one at the very end is checked
/// against the next chunk).
fn plain(chunk: &[u8]) -> bool {
    memchr::memchr2_iter(b'"', b'\r', chunk).all(|at| match chunk[at] {
        b'"' => false,
        _ => chunk.get(at + 1).is_none_or(|&next| next == b'\n'),
    })
}

/// One source day's requests, shifted to their output day.
struct DayReader {
    reader: TraceReader,
    /// The source day's first instant (offset from the origin).
    start: Micros,
    /// The output day's first instant.
    output_start: Micros,
    /// Lines to add to the reader's line numbers to name the file's lines.
    line_offset: u64,
    /// The trace-wide id of each function id of `reader`.
    ids: Vec<FunctionId>,
}

impl DayReader {
    /// The day's next request, shifted, with its trace-wide function id;
    /// none after the day's last.
    fn next_request(&mut self, functions: &mut FunctionNames) -> Option<Result<Request>> {
        loop {
            let mut request = match self.reader.next()? {
                Ok(request) => request,
                Err(error) => return Some(Err(self.relined(error))),
            };
            if request.arrival < self.start {
                continue;
            }
            if request.arrival - self.start >= DAY {
                return None;
            }
            request.arrival = request.arrival - self.start + self.output_start;
            request.function = self.trace_id(request.function, functions);
            return Some(Ok(request));
        }
    }

    fn trace_id(&mut self, local: FunctionId, functions: &mut FunctionNames) -> FunctionId {
        while self.ids.len() <= local.index() {
            let name = self.reader.functions().name(FunctionId(self.ids.len() as u32));
            self.ids.push(functions.intern(name));
        }
        self.ids[local.index()]
    }

    /// `error` with its line counted in the whole file.
    fn relined(&self, mut error: Error) -> Error {
        if let Error::Input(input) = &mut error {
            input.line = input.line.saturating_add(self.line_offset);
        }
        error
    }
}

/// A trace's days drawn with replacement (see the module's documentation).
pub struct Resampled {
    index: Arc<DayIndex>,
    rng: Pcg64,
    functions: FunctionNames,
    /// The output day being read.
    day: u64,
    current: Option<DayReader>,
    finished: bool,
}

impl Resampled {
    /// The days of `index` drawn from `seed`.
    pub fn new(index: Arc<DayIndex>, seed: u64) -> Self {
        Resampled {
            functions: index.functions.clone(),
            index,
            rng: Pcg64::seed_from_u64(seed),
            day: 0,
            current: None,
            finished: false,
        }
    }

    /// The error for the row just read when a check of `field` rejects it,
    /// naming the row's file and line.
    #[cold]
    pub fn rejected(&self, field: &str, problem: &str) -> Error {
        match &self.current {
            Some(day) => day.relined(day.reader.rejected(field, problem)),
            None => Error::input(
                self.index.label.clone(),
                0,
                format!("field `{field}`: {problem} (in a resampled day)"),
            ),
        }
    }

    /// Draws the next output day's source and opens it; false at the end.
    fn next_day(&mut self) -> Result<bool> {
        while self.current.is_none() {
            if self.day == self.index.days() {
                return Ok(false);
            }
            let source = self.rng.random_range(0..self.index.days());
            self.current = self.index.open_day(source, self.day)?;
            if self.current.is_none() {
                self.day += 1;
            }
        }
        Ok(true)
    }
}

impl Iterator for Resampled {
    type Item = Result<Request>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.finished {
            match self.next_day() {
                Ok(true) => {}
                Ok(false) => self.finished = true,
                Err(error) => {
                    self.finished = true;
                    return Some(Err(error));
                }
            }
            let Some(day) = self.current.as_mut() else {
                continue;
            };
            match day.next_request(&mut self.functions) {
                Some(Ok(request)) => return Some(Ok(request)),
                Some(Err(error)) => {
                    self.finished = true;
                    return Some(Err(error));
                }
                None => {
                    self.current = None;
                    self.day += 1;
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three days of 1, 2 and 3 requests, on lines 2 to 7 (times in
    /// seconds from the origin, so day 1 starts at 86,400 and day 2 at
    /// 172,800); functions a, b, c get ids 0, 1, 2 in a plain read.
    const THREE_DAYS: &str = "time,duration_ms,function\n\
        3600,10,a\n\
        86400,20,b\n\
        129600,30,a\n\
        172800,40,c\n\
        180000,50,b\n\
        255600,60,a\n";

    /// (arrival in s, duration in ms, function id) of each request.
    type Row = (u64, u64, u32);

    fn row(request: &Request) -> Row {
        (
            request.arrival / 1_000_000,
            request.duration / 1_000,
            request.function.0,
        )
    }

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("written");
        path
    }

    fn write_gzipped(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let path = dir.path().join(name);
        let file = File::create(&path).expect("created");
        let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        encoder.write_all(text.as_bytes()).expect("compressed");
        encoder.finish().expect("finished");
        path
    }

    fn index(path: &Path) -> Arc<DayIndex> {
        Arc::new(DayIndex::build(path, None).expect("a valid trace"))
    }

    fn resampled(index: &Arc<DayIndex>, seed: u64) -> Vec<Row> {
        Resampled::new(Arc::clone(index), seed)
            .map(|request| row(&request.expect("readable")))
            .collect()
    }

    #[test]
    fn days_are_drawn_with_replacement_and_keep_their_time_of_day() {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = index(&write(&dir, "three.csv", THREE_DAYS));
        assert_eq!(index.days(), 3);
        assert!(index.seeks());
        // Pcg64 from seed 9 draws source days [2, 1, 1] (printed once):
        // output day 0 takes day 2's three requests shifted back 2 days
        // (172,800 s → 0, 180,000 → 7,200, 255,600 → 82,800); day 1 is day
        // 1 as it is; day 2 is day 1 again, one day later (86,400 + 86,400 =
        // 172,800; 129,600 + 86,400 = 216,000). 3 + 2 + 2 = 7 requests.
        // Function c keeps its id 2 though it is met first.
        assert_eq!(
            resampled(&index, 9),
            vec![
                (0, 40, 2),
                (7_200, 50, 1),
                (82_800, 60, 0),
                (86_400, 20, 1),
                (129_600, 30, 0),
                (172_800, 20, 1),
                (216_000, 30, 0),
            ]
        );
        // Seed 1 draws [2, 0, 0]: 3 + 1 + 1 = 5 requests; day 0's 3,600 s
        // lands at 86,400 + 3,600 = 90,000 and 172,800 + 3,600 = 176,400.
        assert_eq!(
            resampled(&index, 1),
            vec![
                (0, 40, 2),
                (7_200, 50, 1),
                (82_800, 60, 0),
                (90_000, 10, 0),
                (176_400, 10, 0)
            ]
        );
        // Seed 0 draws [0, 1, 2]: the trace itself.
        let plain: Vec<Row> = TraceReader::open(&index.path, None)
            .expect("opens")
            .map(|request| row(&request.expect("readable")))
            .collect();
        assert_eq!(resampled(&index, 0), plain);
    }

    #[test]
    fn every_seed_keeps_times_of_day_in_order_and_repeats_itself() {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = index(&write(&dir, "three.csv", THREE_DAYS));
        // Each row's duration names it; its time of day is the source's.
        let time_of_day = |duration: u64| match duration {
            10 => 3_600,
            20 | 40 => 0,
            30 => 43_200,
            50 => 7_200,
            _ => 82_800,
        };
        let mut outputs = std::collections::BTreeSet::new();
        for seed in 0..40 {
            let rows = resampled(&index, seed);
            for &(arrival, duration, _) in &rows {
                assert_eq!(arrival % 86_400, time_of_day(duration), "seed {seed}: {rows:?}");
                assert!(arrival < 3 * 86_400);
            }
            assert!(rows.is_sorted_by_key(|row| row.0), "seed {seed}: {rows:?}");
            assert_eq!(resampled(&index, seed), rows, "seed {seed} repeats");
            outputs.insert(rows);
        }
        // 3³ = 27 possible draws; 40 seeds meet many of them.
        assert!(outputs.len() > 10, "{} distinct outputs", outputs.len());
        assert_ne!(resampled(&index, 9), resampled(&index, 1));
    }

    #[test]
    fn a_one_day_trace_comes_out_unchanged() {
        let dir = tempfile::tempdir().expect("temp dir");
        let text = "time,duration_ms\n0,1\n40000,2\n86399.999999,3\n";
        let index = index(&write(&dir, "day.csv", text));
        assert_eq!(index.days(), 1);
        for seed in 0..20 {
            assert_eq!(
                resampled(&index, seed),
                vec![(0, 1, 0), (40_000, 2, 0), (86_399, 3, 0)]
            );
        }
    }

    #[test]
    fn gzipped_quoted_and_crlf_traces_read_alike() {
        let dir = tempfile::tempdir().expect("temp dir");
        let plain = index(&write(&dir, "three.csv", THREE_DAYS));
        let gzipped = index(&write_gzipped(&dir, "three.csv.gz", THREE_DAYS));
        let quoted = index(&write(
            &dir,
            "quoted.csv",
            &THREE_DAYS.replace(",c\n", ",\"c\"\n"),
        ));
        let crlf = index(&write(&dir, "crlf.csv", &THREE_DAYS.replace('\n', "\r\n")));
        let quoted_gzipped = index(&write_gzipped(
            &dir,
            "quoted.csv.gz",
            &THREE_DAYS.replace(",c\n", ",\"c\"\n"),
        ));
        assert!(gzipped.seeks() && crlf.seeks());
        assert!(!quoted.seeks() && !quoted_gzipped.seeks());
        for seed in [1, 9, 11] {
            let expected = resampled(&plain, seed);
            assert_eq!(resampled(&gzipped, seed), expected);
            assert_eq!(resampled(&quoted, seed), expected);
            assert_eq!(resampled(&quoted_gzipped, seed), expected);
            assert_eq!(resampled(&crlf, seed), expected);
        }
    }

    #[test]
    fn an_empty_day_inside_the_span_is_a_day() {
        let dir = tempfile::tempdir().expect("temp dir");
        // Rows on days 0 and 2 only, after two blank lines: D = 3. Seed 1
        // draws [2, 0, 0]; seed 10 draws [0, 1, 1]: day 1, empty, twice.
        let text = "time,duration_ms\n\n\n100,1\n172900,2\n";
        let index = index(&write(&dir, "gap.csv", text));
        assert_eq!(index.days(), 3);
        assert_eq!(
            resampled(&index, 1),
            vec![(100, 2, 0), (86_500, 1, 0), (172_900, 1, 0)]
        );
        assert_eq!(resampled(&index, 10), vec![(100, 1, 0)]);
    }

    /// What `check` says of each row of seed 9's output that has a 50 ms
    /// duration (line 6 of the file, drawn for output day 0).
    fn rejection(index: &Arc<DayIndex>) -> String {
        let mut resampled = Resampled::new(Arc::clone(index), 9);
        while let Some(request) = resampled.next() {
            if request.expect("readable").duration == 50_000 {
                return resampled.rejected("duration_ms", "too long").to_string();
            }
        }
        "no such row".into()
    }

    #[test]
    fn a_rejected_row_is_named_by_its_file_and_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        let plain = write(&dir, "three.csv", THREE_DAYS);
        assert_eq!(
            rejection(&index(&plain)),
            format!("{}:6: field `duration_ms`: too long", plain.display())
        );
        // Two blank lines before the header and one before day 2 move the
        // row to line 9, read by seeking or from the start.
        let spaced = format!("\n\n{}", THREE_DAYS.replace("172800,", "\n172800,"));
        let plain = write(&dir, "spaced.csv", &spaced);
        let gzipped = write_gzipped(&dir, "spaced.csv.gz", &spaced);
        let quoted = write(&dir, "spaced-quoted.csv", &spaced.replace(",60,", ",\"60\","));
        assert!(!index(&quoted).seeks());
        for path in [plain, gzipped, quoted] {
            assert_eq!(
                rejection(&index(&path)),
                format!("{}:9: field `duration_ms`: too long", path.display())
            );
        }
        // A malformed row fails the index, whichever days are drawn later.
        let bad = write(&dir, "bad.csv", &THREE_DAYS.replace("180000,50", "180000,x"));
        let error = DayIndex::build(&bad, None).expect_err("malformed");
        assert_eq!(
            error.to_string(),
            format!(
                "{}:6: field `duration_ms`: expected a non-negative number of milliseconds, at most ten years, found `x`",
                bad.display()
            )
        );
    }

    #[test]
    fn standard_input_is_refused_and_an_empty_trace_is_empty() {
        let error = DayIndex::build(Path::new("-"), None).expect_err("stdin");
        assert!(error.is_usage());
        assert!(
            error.to_string().contains("cannot read standard input"),
            "{error}"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let empty = index(&write(&dir, "empty.csv", "time,duration_ms\n"));
        assert_eq!(empty.days(), 0);
        assert_eq!(resampled(&empty, 3), vec![]);
    }
}
