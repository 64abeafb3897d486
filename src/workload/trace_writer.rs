//! Writes requests in the native trace format (the format the trace reader
//! reads), streaming, gzipped when the file name ends in `.gz` (at the
//! fastest level: imports of millions of rows stay in seconds).
//!
//! A regular file is written atomically, into a temporary renamed over the
//! target at the end, so a failed import or generation never leaves half a
//! trace behind; `-` is standard output, and a FIFO or a device is streamed
//! in place (see [`crate::output::destination`]). A reader that goes away
//! (`| head`) is not an error: the writer notes it, discards what follows,
//! and [`TraceWriter::closed`] tells producers they may stop.

use std::fs::File;
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

use super::Request;
use crate::error::{Error, Result};
use crate::output::{Destination, PendingFile, destination};
use crate::units::{MICROS_PER_MS, MICROS_PER_SECOND};

/// Where the bytes go.
enum Out {
    Stdout(std::io::Stdout),
    Stream(File),
    Pending(PendingFile),
}

impl Write for Out {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            Out::Stdout(out) => out.write(bytes),
            Out::Stream(out) => out.write(bytes),
            Out::Pending(out) => out.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Out::Stdout(out) => out.flush(),
            Out::Stream(out) => out.flush(),
            Out::Pending(out) => out.flush(),
        }
    }
}

enum Sink {
    Plain(BufWriter<Out>),
    // Boxed: zlib-rs's encoder state is several times the other variant.
    Gzip(Box<GzEncoder<BufWriter<Out>>>),
}

impl Sink {
    fn out(&mut self) -> &mut dyn Write {
        match self {
            Sink::Plain(out) => out,
            Sink::Gzip(out) => out,
        }
    }
}

/// A trace being written.
pub struct TraceWriter {
    sink: Sink,
    label: PathBuf,
    with_memory: bool,
    with_bytes: bool,
    last_arrival: u64,
    rows: u64,
    /// The reader of a pipe went away: further rows are discarded.
    closed: bool,
    line: String,
}

impl TraceWriter {
    /// Starts a trace at `path` (standard output when none, or `-`); the
    /// optional columns are written when asked for.
    pub fn create(path: Option<&Path>, with_memory: bool, with_bytes: bool) -> Result<Self> {
        let target = match path {
            None => Destination::Stdout,
            Some(path) => destination(path)?,
        };
        let gzip = path.is_some_and(|path| path.extension().is_some_and(|extension| extension == "gz"));
        let (out, label) = match target {
            Destination::Stdout => (Out::Stdout(std::io::stdout()), PathBuf::from("standard output")),
            Destination::Stream(target) => (Out::Stream(crate::output::open_stream(&target)?), target),
            Destination::Replace(target) => (Out::Pending(PendingFile::beside(&target)?), target),
        };
        let buffered = BufWriter::with_capacity(1 << 16, out);
        let sink = if gzip && label != Path::new("standard output") {
            Sink::Gzip(Box::new(GzEncoder::new(buffered, Compression::fast())))
        } else {
            Sink::Plain(buffered)
        };
        let mut writer = TraceWriter {
            sink,
            label,
            with_memory,
            with_bytes,
            last_arrival: 0,
            rows: 0,
            closed: false,
            line: String::with_capacity(128),
        };
        let mut header = String::from("time,duration_ms,function");
        if with_memory {
            header.push_str(",memory_mb");
        }
        if with_bytes {
            header.push_str(",bytes_out");
        }
        header.push('\n');
        writer.write_bytes(header.as_bytes())?;
        Ok(writer)
    }

    /// Whether the reader went away, so that producers can stop early.
    pub fn closed(&self) -> bool {
        self.closed
    }

    fn write_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.sink.out().write_all(bytes) {
            Err(error) if error.kind() == ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            result => result.map_err(|error| Error::io(&self.label, error)),
        }
    }

    /// Appends one request of function `name`; requests must come in
    /// arrival order.
    pub fn write(&mut self, request: &Request, name: &str) -> Result<()> {
        use std::fmt::Write as _;
        if request.arrival < self.last_arrival {
            return Err(Error::input(
                self.label.display().to_string(),
                self.rows + 2,
                format!(
                    "field `time`: request {} arrives before the one written before it: the source is not in arrival order (use --sort)",
                    self.rows + 1
                ),
            ));
        }
        self.last_arrival = request.arrival;
        self.rows += 1;
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        let _ = write!(
            line,
            "{}.{:06},{}.{:03},",
            request.arrival / MICROS_PER_SECOND,
            request.arrival % MICROS_PER_SECOND,
            request.duration / MICROS_PER_MS,
            request.duration % MICROS_PER_MS,
        );
        if name.contains([',', '"', '\n', '\r']) {
            let _ = write!(line, "\"{}\"", name.replace('"', "\"\""));
        } else {
            line.push_str(name);
        }
        if self.with_memory {
            line.push(',');
            if let Some(memory) = request.memory_mb {
                let _ = write!(line, "{memory}");
            }
        }
        if self.with_bytes {
            let _ = write!(line, ",{}", request.bytes_out);
        }
        line.push('\n');
        let result = self.write_bytes(line.as_bytes());
        self.line = line;
        result
    }

    /// Finishes the output and puts a file in place; returns the rows written.
    pub fn finish(self) -> Result<u64> {
        let TraceWriter {
            sink,
            label,
            rows,
            closed,
            ..
        } = self;
        let finished = match sink {
            Sink::Plain(out) => out.into_inner().map_err(|error| error.into_error()),
            Sink::Gzip(out) => out
                .finish()
                .and_then(|buffered| buffered.into_inner().map_err(|error| error.into_error())),
        };
        let out = match finished {
            Ok(out) => out,
            Err(error) if closed || error.kind() == ErrorKind::BrokenPipe => return Ok(rows),
            Err(error) => return Err(Error::io(&label, error)),
        };
        match out {
            Out::Pending(pending) => pending.persist()?,
            Out::Stdout(mut out) => match out.flush() {
                Err(error) if error.kind() != ErrorKind::BrokenPipe => return Err(Error::io(&label, error)),
                _ => {}
            },
            Out::Stream(_) => {}
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{FunctionId, TraceReader};

    fn request(arrival: u64, duration: u64, function: u32) -> Request {
        Request {
            arrival,
            duration,
            function: FunctionId(function),
            memory_mb: (function == 1).then_some(256),
            bytes_out: 10,
        }
    }

    #[test]
    fn written_traces_read_back_exactly_plain_and_gzipped() {
        let folder = tempfile::tempdir().expect("folder");
        for name in ["t.csv", "t.csv.gz"] {
            let path = folder.path().join(name);
            let mut writer = TraceWriter::create(Some(&path), true, true).expect("create");
            let requests = [
                request(0, 1, 0),
                request(1_500_000, 120_500, 1),
                request(1_500_000, 7, 0),
            ];
            let names = ["a", "b,c"];
            for request in &requests {
                writer
                    .write(request, names[request.function.index()])
                    .expect("write");
            }
            assert_eq!(writer.finish().expect("finish"), 3);
            let reader = TraceReader::open(&path, None).expect("open");
            let read: Vec<Request> = reader.map(|row| row.expect("valid")).collect();
            assert_eq!(read, requests, "{name}");
        }
        assert_eq!(std::fs::read_dir(folder.path()).expect("list").count(), 2);
    }

    #[test]
    fn unsorted_input_is_refused() {
        let folder = tempfile::tempdir().expect("folder");
        let path = folder.path().join("t.csv");
        let mut writer = TraceWriter::create(Some(&path), false, false).expect("create");
        writer.write(&request(5, 1, 0), "a").expect("write");
        assert!(writer.write(&request(4, 1, 0), "a").is_err());
        drop(writer);
        assert!(!path.exists(), "no partial file");
    }
}
