//! The library's error type.
//!
//! Two kinds of failure matter to a user: a bad command line or setting
//! (exit code 2, [`Error::Usage`]) and bad input data or a failed run (exit
//! code 1, every other variant). Each message names the file, line and field
//! it concerns and what was expected, so it can be acted on without a debugger.
//!
//! Payloads are boxed so that `Result<Request>`, returned once per trace row,
//! stays small.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag, setting or identifier on the command line is invalid.
    #[error("{0}")]
    Usage(Box<str>),

    /// Deployment settings are invalid; each problem names its key where
    /// it has one (a scenario then reports the key's line).
    #[error("{}", .0.iter().map(|problem| problem.message.as_str()).collect::<Vec<_>>().join("\n"))]
    Settings(Box<[SettingProblem]>),

    /// A row or field of an input file is malformed.
    #[error("{}:{}: {}", .0.path, .0.line, .0.message)]
    Input(Box<InputError>),

    /// A whole file is unusable; every defect found is listed.
    #[error("{}: {}", .0.path, .0.problems.join(&format!("\n{}: ", .0.path)))]
    File(Box<FileError>),

    /// Several files are unusable together (shards that do not merge);
    /// each line names its file.
    #[error("{}", .0.join("\n"))]
    Files(Box<[String]>),

    /// Reading or writing a file failed.
    #[error("{}: {}", .0.path.display(), .0.source)]
    Io(Box<IoError>),
}

/// One problem with a deployment's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingProblem {
    /// The setting the problem is about, if one.
    pub key: Option<String>,
    pub message: String,
}

impl SettingProblem {
    pub fn at(key: &str, message: impl Into<String>) -> Self {
        SettingProblem {
            key: Some(key.to_owned()),
            message: message.into(),
        }
    }
}

#[derive(Debug)]
pub struct InputError {
    pub path: String,
    pub line: u64,
    pub message: String,
}

#[derive(Debug)]
pub struct FileError {
    pub path: String,
    pub problems: Vec<String>,
}

#[derive(Debug)]
pub struct IoError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

impl Error {
    /// Settings problems, or Ok when there are none.
    pub fn settings(problems: Vec<SettingProblem>) -> Result<()> {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Settings(problems.into_boxed_slice()))
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into().into_boxed_str())
    }

    /// A problem at `line` of the file `path`.
    pub fn input(path: impl Into<String>, line: u64, message: impl Into<String>) -> Self {
        Error::Input(Box::new(InputError {
            path: path.into(),
            line,
            message: message.into(),
        }))
    }

    pub fn file(path: impl Into<String>, problems: Vec<String>) -> Self {
        Error::File(Box::new(FileError {
            path: path.into(),
            problems,
        }))
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io(Box::new(IoError {
            path: path.into(),
            source,
        }))
    }

    /// Whether the error is the user's command line (exit code 2) rather than
    /// the data or the run (exit code 1).
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::Usage(_) | Error::Settings(_))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
