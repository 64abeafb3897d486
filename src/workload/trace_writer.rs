//! Writes requests in the native trace format (the format the trace reader
//! reads), streaming, gzipped when the file name ends in `.gz` (at the
//! fastest level: imports of millions of rows stay in seconds), and
//! atomically: into a temporary file renamed over the target at the end, so
//! a failed import or generation never leaves half a trace behind.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use tempfile::NamedTempFile;

use super::Request;
use crate::error::{Error, Result};
use crate::units::{MICROS_PER_MS, MICROS_PER_SECOND};

enum Sink {
    Plain(BufWriter<NamedTempFile>),
    // Boxed: zlib-rs's encoder state is several times the other variants.
    Gzip(Box<GzEncoder<BufWriter<NamedTempFile>>>),
    Stdout(BufWriter<std::io::Stdout>),
}

/// A trace being written.
pub struct TraceWriter {
    sink: Sink,
    target: Option<PathBuf>,
    with_memory: bool,
    with_bytes: bool,
    last_arrival: u64,
    rows: u64,
    line: String,
}

impl TraceWriter {
    /// Starts a trace at `path` (standard output when none); the optional
    /// columns are written when asked for.
    pub fn create(path: Option<&Path>, with_memory: bool, with_bytes: bool) -> Result<Self> {
        let sink = match path {
            None => Sink::Stdout(BufWriter::with_capacity(1 << 16, std::io::stdout())),
            Some(path) => {
                let temporary = crate::output::temporary_beside(path)?;
                let buffered = BufWriter::with_capacity(1 << 16, temporary);
                if path.extension().is_some_and(|extension| extension == "gz") {
                    Sink::Gzip(Box::new(GzEncoder::new(buffered, Compression::fast())))
                } else {
                    Sink::Plain(buffered)
                }
            }
        };
        let mut writer = TraceWriter {
            sink,
            target: path.map(Path::to_path_buf),
            with_memory,
            with_bytes,
            last_arrival: 0,
            rows: 0,
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
        writer.write_bytes(header.into_bytes())?;
        Ok(writer)
    }

    fn write_bytes(&mut self, bytes: Vec<u8>) -> Result<()> {
        let result = match &mut self.sink {
            Sink::Plain(out) => out.write_all(&bytes),
            Sink::Gzip(out) => out.write_all(&bytes),
            Sink::Stdout(out) => out.write_all(&bytes),
        };
        result.map_err(|error| Error::io(self.label(), error))
    }

    fn label(&self) -> PathBuf {
        self.target
            .clone()
            .unwrap_or_else(|| PathBuf::from("standard output"))
    }

    /// Appends one request of function `name`; requests must come in
    /// arrival order.
    pub fn write(&mut self, request: &Request, name: &str) -> Result<()> {
        use std::fmt::Write as _;
        if request.arrival < self.last_arrival {
            return Err(Error::usage(format!(
                "request {} arrives before the one written before it: the source is not in arrival order (use --sort)",
                self.rows + 1
            )));
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
        if name.contains([',', '"', '\n']) {
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
        let result = match &mut self.sink {
            Sink::Plain(out) => out.write_all(line.as_bytes()),
            Sink::Gzip(out) => out.write_all(line.as_bytes()),
            Sink::Stdout(out) => out.write_all(line.as_bytes()),
        };
        self.line = line;
        result.map_err(|error| Error::io(self.label(), error))
    }

    /// Finishes the file and puts it in place; returns the rows written.
    pub fn finish(self) -> Result<u64> {
        let label = self.label();
        let rows = self.rows;
        let temporary = match self.sink {
            Sink::Stdout(mut out) => {
                return match out.flush() {
                    Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
                        Err(Error::io(label, error))
                    }
                    _ => Ok(rows),
                };
            }
            Sink::Plain(out) => out
                .into_inner()
                .map_err(|error| Error::io(&label, error.into_error()))?,
            Sink::Gzip(out) => out
                .finish()
                .and_then(|buffered| buffered.into_inner().map_err(|error| error.into_error()))
                .map_err(|error| Error::io(&label, error))?,
        };
        temporary
            .as_file()
            .sync_all()
            .map_err(|error| Error::io(&label, error))?;
        if let Some(target) = &self.target {
            temporary
                .persist(target)
                .map_err(|error| Error::io(target, error.error))?;
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
