//! The library's error type.
//!
//! Two kinds of failure matter to a user: a bad command line or setting
//! (exit code 2, [`Error::Usage`]) and bad input data or a failed run (exit
//! code 1, every other variant). Each message names the file, line and field
//! it concerns and what was expected, so it can be acted on without a debugger.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag, setting or identifier on the command line is invalid.
    #[error("{0}")]
    Usage(String),

    /// A row or field of an input file is malformed.
    #[error("{path}:{line}: {message}")]
    Input {
        path: String,
        line: u64,
        message: String,
    },

    /// A whole file is unusable; `problems` lists every defect found.
    #[error("{path}: {}", problems.join(&format!("\n{path}: ")))]
    File { path: String, problems: Vec<String> },

    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Whether the error is the user's command line (exit code 2) rather than
    /// the data or the run (exit code 1).
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::Usage(_))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
