//! Where finished output goes: standard output (a closed pipe is not an
//! error) or a file written atomically, via a temporary file in the same
//! folder renamed into place, so a reader never sees half a report and a
//! failed run leaves the previous file intact.

use std::io::{ErrorKind, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to standard output. A reader that went away (`| head`)
/// ends the output quietly.
pub fn to_stdout(bytes: &[u8]) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != ErrorKind::BrokenPipe => Err(Error::io("standard output", error)),
        _ => Ok(()),
    }
}

/// Replaces `path` with `bytes` atomically.
pub fn to_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::NamedTempFile::new_in(folder).map_err(|error| Error::io(folder, error))?;
    temporary
        .write_all(bytes)
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|error| Error::io(temporary.path(), error))?;
    temporary
        .persist(path)
        .map_err(|error| Error::io(path, error.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_replaced_whole() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join("out.json");
        to_file(&path, b"first").expect("written");
        to_file(&path, b"second").expect("rewritten");
        assert_eq!(std::fs::read(&path).expect("readable"), b"second");
        assert_eq!(std::fs::read_dir(folder.path()).expect("listable").count(), 1);
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let error = to_file(Path::new("/nonexistent-costsim/out.json"), b"x").expect_err("no folder");
        assert!(error.to_string().starts_with("/nonexistent-costsim"), "{error}");
    }
}
