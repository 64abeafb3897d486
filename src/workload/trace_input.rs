//! Opens a trace's bytes: a file, or standard input for the path `-`,
//! decompressed when gzipped (detected by its first bytes, whatever its
//! name). A gzip file may hold several members one after another (as
//! `cat a.gz b.gz` makes); anything after the last member that is not
//! another member is an error saying so, and a truncated or corrupt member
//! is an error saying which, rather than a bare "unexpected end of file".

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use flate2::bufread::GzDecoder;

use crate::error::{Error, Result};

/// The path that stands for standard input.
pub const STDIN_PATH: &str = "-";
/// How standard input is named in messages.
pub const STDIN_LABEL: &str = "standard input";
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const READ_BUFFER: usize = 256 * 1024;

/// How `path` is named in messages.
pub fn input_label(path: &Path) -> String {
    if is_stdin(path) {
        STDIN_LABEL.to_owned()
    } else {
        path.display().to_string()
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN_PATH
}

/// Opens `path` (standard input for `-`) for reading, decompressing it when
/// it is gzipped; buffered, for readers that ask for a few bytes at a time.
pub fn open_input(path: &Path) -> Result<Box<dyn Read + Send>> {
    open(path, Buffering::Buffered)
}

/// [`open_input`] for a reader with a buffer of its own, asking for large
/// reads: past the bytes looked at to detect gzip, a plain file's reads go
/// straight to the file, rather than through a second buffer and a copy of
/// every byte.
pub fn open_input_unbuffered(path: &Path) -> Result<Box<dyn Read + Send>> {
    open(path, Buffering::Unbuffered)
}

/// Whether a plain file's bytes pass through a buffer of [`READ_BUFFER`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Buffering {
    Buffered,
    Unbuffered,
}

fn open(path: &Path, buffering: Buffering) -> Result<Box<dyn Read + Send>> {
    let raw: Box<dyn Read + Send> = if is_stdin(path) {
        crate::progress::watch(Box::new(io::stdin()), None)
    } else {
        let file = File::open(path).map_err(|source| Error::io(path, source))?;
        let length = file
            .metadata()
            .ok()
            .filter(|metadata| metadata.is_file())
            .map(|metadata| metadata.len());
        crate::progress::watch(Box::new(file), length)
    };
    let mut buffered = BufReader::with_capacity(READ_BUFFER, raw);
    let magic = buffered.fill_buf().map_err(|source| Error::io(path, source))?;
    Ok(if magic.starts_with(&GZIP_MAGIC) {
        Box::new(GzipMembers::new(buffered))
    } else if buffering == Buffering::Unbuffered {
        let looked_at = io::Cursor::new(buffered.buffer().to_vec());
        Box::new(looked_at.chain(buffered.into_inner()))
    } else {
        Box::new(buffered)
    })
}

/// The concatenated contents of the gzip members of a stream.
pub struct GzipMembers<R: BufRead> {
    /// The member being read; none once the stream has ended or failed.
    member: Option<GzDecoder<R>>,
}

impl<R: BufRead> GzipMembers<R> {
    pub fn new(input: R) -> Self {
        GzipMembers {
            member: Some(GzDecoder::new(input)),
        }
    }

    /// After a member's end: starts the next member, or ends the stream, or
    /// fails on bytes that are not a member.
    fn next_member(&mut self) -> io::Result<bool> {
        let Some(finished) = self.member.take() else {
            return Ok(false);
        };
        let mut input = finished.into_inner();
        let rest = input.fill_buf()?;
        if rest.is_empty() {
            return Ok(false);
        }
        // The first byte suffices: a member's header is checked as it is read.
        if rest[0] == GZIP_MAGIC[0] {
            self.member = Some(GzDecoder::new(input));
            return Ok(true);
        }
        let mut trailing = 0u64;
        loop {
            let length = input.fill_buf()?.len();
            if length == 0 {
                break;
            }
            trailing += length as u64;
            input.consume(length);
        }
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{trailing} byte{} after the end of the gzip data {} not gzip (trailing garbage)",
                if trailing == 1 { "" } else { "s" },
                if trailing == 1 { "is" } else { "are" }
            ),
        ))
    }
}

impl<R: BufRead> Read for GzipMembers<R> {
    fn read(&mut self, into: &mut [u8]) -> io::Result<usize> {
        if into.is_empty() {
            return Ok(0);
        }
        loop {
            let Some(member) = self.member.as_mut() else {
                return Ok(0);
            };
            match member.read(into) {
                Ok(0) => {
                    if !self.next_member()? {
                        return Ok(0);
                    }
                }
                Ok(read) => return Ok(read),
                Err(error) => {
                    self.member = None;
                    return Err(explain_gzip_error(error));
                }
            }
        }
    }
}

fn explain_gzip_error(error: io::Error) -> io::Error {
    let message = if error.kind() == io::ErrorKind::UnexpectedEof {
        "the gzip data ends before its end marker (a truncated file?)".to_owned()
    } else {
        format!("corrupt gzip data ({error})")
    };
    io::Error::new(error.kind(), message)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::*;

    fn gzip(text: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(text).expect("in memory");
        encoder.finish().expect("in memory")
    }

    fn inflate(bytes: Vec<u8>) -> io::Result<Vec<u8>> {
        let mut text = Vec::new();
        GzipMembers::new(io::Cursor::new(bytes)).read_to_end(&mut text)?;
        Ok(text)
    }

    #[test]
    fn members_are_concatenated() {
        let mut bytes = gzip(b"time,duration_ms\n");
        bytes.extend(gzip(b"0,1\n"));
        assert_eq!(inflate(bytes).expect("two members"), b"time,duration_ms\n0,1\n");
    }

    #[test]
    fn trailing_bytes_are_named_as_such() {
        let mut bytes = gzip(b"0,1\n");
        bytes.extend(b"junk");
        let error = inflate(bytes).expect_err("trailing garbage");
        assert_eq!(
            error.to_string(),
            "4 bytes after the end of the gzip data are not gzip (trailing garbage)"
        );
    }

    #[test]
    fn a_truncated_member_is_named_as_such() {
        let mut bytes = gzip(b"time,duration_ms\n0,1\n");
        bytes.truncate(bytes.len() - 5);
        let error = inflate(bytes).expect_err("truncated");
        assert!(error.to_string().contains("truncated file"), "{error}");
    }
}
