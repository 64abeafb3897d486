//! Splits a CSV byte stream into rows, fast: the plain rows that make up
//! nearly every trace (no quotes, `\n` or `\r\n` endings) are found with
//! `memchr` and cut at their commas in one pass over a buffer, keeping only
//! the fields the caller asked for, with no copy and no allocation per row.
//! A row with a quote or a lone `\r` is handed to the csv crate's own parser
//! (`csv_core`) from where it begins, so the two paths accept exactly the
//! same inputs and split them the same way; blank lines are skipped, as the
//! csv crate skips them.
//!
//! Lines are counted by `\n`, so a row's line number is the line it starts
//! on, whatever its line endings or the blank lines before it.

use std::io::{self, Read};
use std::ops::Range;

use super::row_scan::{field_end, scan_fixed_point};
use crate::units::Micros;

/// The most fields a caller can ask to keep.
pub const MAX_KEPT: usize = 8;
const NOT_KEPT: u8 = u8::MAX;
/// The working buffer: a few hundred rows' worth would do; this size makes
/// `read` calls rare.
const BUFFER: usize = 256 * 1024;
/// The buffer used while opening (header and first row), before the rows are
/// read, possibly on another thread.
const OPENING_BUFFER: usize = 16 * 1024;
const BOM: &[u8] = b"\xef\xbb\xbf";

/// Why a row could not be read.
#[derive(Debug)]
pub enum RowError {
    /// Reading the stream failed (a truncated or corrupt gzip file, …).
    Io(io::Error),
    /// The row's field count differs from the header's.
    UnequalLengths { expected: usize, found: usize },
}

/// Where the current row's kept fields are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowStorage {
    /// In the stream buffer.
    Buffer,
    /// In `quoted`, decoded by `csv_core`.
    Quoted,
}

/// A row reader over a byte stream: call [`RowReader::next_row`], then read
/// fields with [`RowReader::field`].
pub struct RowReader {
    input: Box<dyn Read + Send>,
    buffer: Vec<u8>,
    /// Unread bytes are `buffer[start..end]`.
    start: usize,
    end: usize,
    at_eof: bool,
    /// Whether the working buffer replaced the opening one yet.
    settled: bool,
    /// Line number of the next unread byte.
    next_line: u64,
    /// Line the current row starts on.
    line: u64,
    /// For each column, its slot among the kept fields, or [`NOT_KEPT`].
    slots: Vec<u8>,
    /// For each slot, its column.
    columns: Vec<usize>,
    /// Fields in the current row.
    found: usize,
    /// Field count every row must have (none while reading the header).
    expected: Option<usize>,
    storage: RowStorage,
    kept: [Range<usize>; MAX_KEPT],
    quoted: QuotedRow,
}

/// The csv crate's parser and the last row it decoded.
struct QuotedRow {
    parser: csv_core::Reader,
    fields: Vec<u8>,
    ends: Vec<usize>,
    count: usize,
}

impl RowReader {
    pub fn new(input: Box<dyn Read + Send>) -> Self {
        RowReader {
            input,
            buffer: vec![0; OPENING_BUFFER],
            start: 0,
            end: 0,
            at_eof: false,
            settled: false,
            next_line: 1,
            line: 1,
            slots: Vec::new(),
            columns: Vec::new(),
            found: 0,
            expected: None,
            storage: RowStorage::Buffer,
            kept: std::array::from_fn(|_| 0..0),
            quoted: QuotedRow {
                parser: csv_core::Reader::new(),
                fields: Vec::new(),
                ends: Vec::new(),
                count: 0,
            },
        }
    }

    /// Reads the header row: every field, owned (none at the end of the
    /// stream). A UTF-8 byte order mark before it is skipped.
    pub fn read_header(&mut self) -> Result<Vec<Vec<u8>>, RowError> {
        self.fill_at_least(BOM.len())?;
        if self.buffer[self.start..self.end].starts_with(BOM) {
            self.start += BOM.len();
        }
        // One row: the general parser reads it, quoted or not.
        self.read_quoted()?;
        let quoted = &self.quoted;
        Ok((0..quoted.count)
            .map(|column| quoted.column(column).to_vec())
            .collect())
    }

    /// Keeps the fields of `columns` (by position in the header) in slots
    /// 0, 1, …; every later row must have `expected` fields.
    pub fn keep(&mut self, columns: &[usize], expected: usize) {
        debug_assert!(columns.len() <= MAX_KEPT);
        self.slots = vec![NOT_KEPT; expected];
        for (slot, &column) in columns.iter().enumerate() {
            self.slots[column] = slot as u8;
        }
        self.columns = columns.to_vec();
        self.expected = Some(expected);
    }

    /// The line the current row starts on.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The line being read when the stream failed: the one after the last
    /// complete row.
    pub fn failing_line(&self) -> u64 {
        self.next_line
    }

    /// A kept field of the current row (empty if the row had no such field).
    #[inline(always)]
    pub fn field(&self, slot: usize) -> &[u8] {
        match self.storage {
            RowStorage::Buffer => &self.buffer[self.kept[slot].clone()],
            RowStorage::Quoted => self.quoted.column(self.columns[slot]),
        }
    }

    /// Where in the buffer a kept field of the current row lies, if the row
    /// was read from the buffer (as [`Self::next_decimal_row`] reads one):
    /// see [`Self::buffered`].
    #[inline(always)]
    pub fn field_range(&self, slot: usize) -> Range<usize> {
        debug_assert_eq!(self.storage, RowStorage::Buffer);
        self.kept[slot].clone()
    }

    /// The buffered bytes of a [`Self::field_range`] of this row or of an
    /// earlier one: they stay until [`Self::next_row`] reads on (only it
    /// refills the buffer).
    #[inline(always)]
    pub fn buffered(&self, range: Range<usize>) -> &[u8] {
        &self.buffer[range]
    }

    /// Advances to the next row; false at the end of the stream.
    #[inline]
    pub fn next_row(&mut self) -> Result<bool, RowError> {
        loop {
            let Some(line_end) = self.find_line_end()? else {
                return Ok(false);
            };
            let line_start = self.start;
            let mut line = line_start..line_end;
            if line.end > line.start && self.buffer[line.end - 1] == b'\r' {
                line.end -= 1;
            }
            if line.is_empty() {
                self.start = (line_end + 1).min(self.end);
                self.next_line += u64::from(line_end < self.end);
                continue;
            }
            self.line = self.next_line;
            self.found = match self.split_plain(line.clone()) {
                Some(found) => {
                    self.start = (line_end + 1).min(self.end);
                    self.next_line += u64::from(line_end < self.end);
                    self.storage = RowStorage::Buffer;
                    found
                }
                None if self.buffer[line].iter().all(|&byte| byte == b'\r') => {
                    // A blank line with stray carriage returns.
                    self.start = (line_end + 1).min(self.end);
                    self.next_line += u64::from(line_end < self.end);
                    continue;
                }
                None => {
                    self.read_quoted()?;
                    self.storage = RowStorage::Quoted;
                    self.quoted.count
                }
            };
            return self.check_length(self.found);
        }
    }

    /// Reads the next row in one pass if it is of the plain form nearly
    /// every trace has: `SECONDS,MILLISECONDS\n`, or with `,NAME` before the
    /// `\n` when `named` (two plain decimals, see [`scan_fixed_point`], and
    /// a name of bytes above `,`, so neither blank nor padded), and returns its two fields in µs;
    /// fields 0, 1 (and 2) are then its columns 0, 1 (and 2) as
    /// [`Self::next_row`] would have kept them. Anything else, or a row
    /// running past the buffered bytes, is left unread for
    /// [`Self::next_row`]. The caller asks only when the header has exactly
    /// those columns, kept in that order.
    #[inline(always)]
    pub fn next_decimal_row(&mut self, named: bool) -> Option<(Micros, Micros)> {
        let bytes = &self.buffer[self.start..self.end];
        let (seconds, comma) = scan_fixed_point::<6>(bytes, 0)?;
        if bytes[comma] != b',' {
            return None;
        }
        let (millis, after) = scan_fixed_point::<3>(bytes, comma + 1)?;
        let line_end = match (bytes[after], named) {
            (b'\n', false) => after,
            (b',', true) => {
                let name = after + 1;
                let length = field_end(bytes, name)? - name;
                if length == 0 || bytes[name + length] != b'\n' {
                    return None;
                }
                self.kept[2] = self.start + name..self.start + name + length;
                name + length
            }
            _ => return None,
        };
        self.kept[0] = self.start..self.start + comma;
        self.kept[1] = self.start + comma + 1..self.start + after;
        self.start += line_end + 1;
        self.line = self.next_line;
        self.next_line += 1;
        self.storage = RowStorage::Buffer;
        self.found = 2 + usize::from(named);
        Some((seconds, millis))
    }

    fn check_length(&self, found: usize) -> Result<bool, RowError> {
        match self.expected {
            Some(expected) if expected != found => Err(RowError::UnequalLengths { expected, found }),
            _ => Ok(true),
        }
    }

    /// Cuts a plain line at its commas, keeping the wanted fields; none if
    /// the line needs the general parser (a quote or a lone `\r`).
    #[inline(always)]
    fn split_plain(&mut self, line: Range<usize>) -> Option<usize> {
        let bytes = &self.buffer[line.clone()];
        let mut field = 0;
        let mut field_start = line.start;
        for (offset, &byte) in bytes.iter().enumerate() {
            if byte > b',' {
                continue;
            }
            match byte {
                b',' => {
                    let at = line.start + offset;
                    if let Some(&slot) = self.slots.get(field)
                        && slot != NOT_KEPT
                    {
                        self.kept[usize::from(slot)] = field_start..at;
                    }
                    field += 1;
                    field_start = at + 1;
                }
                b'"' | b'\r' => return None,
                _ => {}
            }
        }
        if let Some(&slot) = self.slots.get(field)
            && slot != NOT_KEPT
        {
            self.kept[usize::from(slot)] = field_start..line.end;
        }
        let found = field + 1;
        Some(found)
    }

    /// Decodes one row with the csv crate's parser, from `start`.
    #[cold]
    fn read_quoted(&mut self) -> Result<(), RowError> {
        use csv_core::ReadRecordResult;
        let quoted = &mut self.quoted;
        quoted.fields.resize(quoted.fields.len().max(256), 0);
        quoted.ends.resize(quoted.ends.len().max(16), 0);
        let (mut written, mut ended) = (0, 0);
        loop {
            let input = &self.buffer[self.start..self.end];
            let quoted = &mut self.quoted;
            let (result, read, wrote, ends) =
                quoted
                    .parser
                    .read_record(input, &mut quoted.fields[written..], &mut quoted.ends[ended..]);
            self.next_line += memchr::memchr_iter(b'\n', &input[..read]).count() as u64;
            self.start += read;
            written += wrote;
            ended += ends;
            match result {
                // At the end of the stream the parser is given no input,
                // which ends the row.
                ReadRecordResult::InputEmpty => {
                    self.refill()?;
                }
                ReadRecordResult::OutputFull => {
                    let grown = quoted.fields.len() * 2;
                    quoted.fields.resize(grown, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let grown = quoted.ends.len() * 2;
                    quoted.ends.resize(grown, 0);
                }
                ReadRecordResult::Record | ReadRecordResult::End => {
                    quoted.count = ended;
                    return Ok(());
                }
            }
        }
    }

    /// The position of the `\n` ending the line at `start` (or the end of
    /// the data for a last line without one); none at the end of the stream.
    #[inline(always)]
    fn find_line_end(&mut self) -> Result<Option<usize>, RowError> {
        loop {
            if let Some(offset) = memchr::memchr(b'\n', &self.buffer[self.start..self.end]) {
                return Ok(Some(self.start + offset));
            }
            if !self.refill()? {
                return Ok((self.start < self.end).then_some(self.end));
            }
        }
    }

    /// Makes sure `wanted` bytes are buffered, unless the stream is shorter.
    fn fill_at_least(&mut self, wanted: usize) -> Result<(), RowError> {
        while self.end - self.start < wanted && self.refill()? {}
        Ok(())
    }

    /// Reads more of the stream, keeping the unread bytes; false at its end.
    #[cold]
    fn refill(&mut self) -> Result<bool, RowError> {
        if self.at_eof {
            return Ok(false);
        }
        let unread = self.end - self.start;
        if !self.settled && self.expected.is_some() {
            // The rows are being read now: allocate the working buffer here,
            // on the reading thread, rather than where the trace was opened.
            let mut working = vec![0; BUFFER.max(unread * 2)];
            working[..unread].copy_from_slice(&self.buffer[self.start..self.end]);
            self.buffer = working;
            self.settled = true;
        } else {
            self.buffer.copy_within(self.start..self.end, 0);
            if unread * 2 > self.buffer.len() {
                let grown = self.buffer.len() * 2;
                self.buffer.resize(grown, 0);
            }
        }
        self.start = 0;
        self.end = unread;
        loop {
            match self.input.read(&mut self.buffer[self.end..]) {
                Ok(0) => {
                    self.at_eof = true;
                    return Ok(false);
                }
                Ok(read) => {
                    self.end += read;
                    return Ok(true);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(RowError::Io(error)),
            }
        }
    }
}

impl QuotedRow {
    /// A field of the last decoded row by its column (empty beyond its end).
    fn column(&self, column: usize) -> &[u8] {
        if column >= self.count {
            return &[];
        }
        let from = if column == 0 { 0 } else { self.ends[column - 1] };
        &self.fields[from..self.ends[column]]
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn reader(text: &[u8]) -> RowReader {
        RowReader::new(Box::new(io::Cursor::new(text.to_vec())))
    }

    /// Every row, every field (up to [`MAX_KEPT`]), read through this
    /// reader and through the csv crate, with field counts unchecked.
    type Rows = Vec<Vec<Vec<u8>>>;

    fn both_ways(text: &[u8]) -> (Rows, Rows) {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        let expected: Rows = csv
            .byte_records()
            .map(|record| {
                let record = record.expect("in memory");
                record.iter().take(MAX_KEPT).map(<[u8]>::to_vec).collect()
            })
            .collect();
        let mut rows = reader(text);
        let header = rows.read_header().expect("in memory");
        let mut found = Vec::new();
        if !header.is_empty() {
            found.push(header.into_iter().take(MAX_KEPT).collect());
        }
        rows.slots = (0..MAX_KEPT as u8).collect();
        rows.columns = (0..MAX_KEPT).collect();
        while rows.next_row().expect("in memory") {
            found.push(
                (0..rows.found.min(MAX_KEPT))
                    .map(|slot| rows.field(slot).to_vec())
                    .collect(),
            );
        }
        (expected, found)
    }

    #[test]
    fn plain_quoted_and_blank_rows_split_like_the_csv_crate() {
        let text = b"a,b,c\n1,2,3\r\n\n\"x,y\",\"multi\nline\",z\n4,5,6";
        let mut rows = reader(text);
        let header = rows.read_header().expect("header");
        assert_eq!(header, vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
        rows.keep(&[2, 0], 3);
        let mut seen = Vec::new();
        while rows.next_row().expect("row") {
            seen.push((rows.line(), rows.field(0).to_vec(), rows.field(1).to_vec()));
        }
        // Line 3 is blank; the quoted row spans lines 4-5.
        assert_eq!(
            seen,
            vec![
                (2, b"3".to_vec(), b"1".to_vec()),
                (4, b"z".to_vec(), b"x,y".to_vec()),
                (6, b"6".to_vec(), b"4".to_vec()),
            ]
        );
    }

    #[test]
    fn a_row_of_another_width_is_an_error() {
        let mut rows = reader(b"a,b\n1,2\n1,2,3\n");
        rows.read_header().expect("header");
        rows.keep(&[0, 1], 2);
        assert!(rows.next_row().expect("row"));
        match rows.next_row() {
            Err(RowError::UnequalLengths { expected, found }) => assert_eq!((expected, found), (2, 3)),
            other => panic!("expected a width error, got {other:?}"),
        }
        assert_eq!(rows.line(), 3);
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let mut rows = reader(b"\xef\xbb\xbftime,x\n");
        assert_eq!(rows.read_header().expect("header")[0], b"time");
    }

    proptest! {
        #[test]
        fn any_text_splits_like_the_csv_crate(text in proptest::collection::vec(
            prop::sample::select(vec![b'1', b'.', b',', b',', b'\n', b'\r', b'"', b'a', b' ']), 0..60)
        ) {
            let (expected, found) = both_ways(&text);
            prop_assert_eq!(found, expected);
        }
    }
}
