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

/// A temporary file in the folder of `path`, to be renamed over it when
/// complete. It is readable by all, as a file created in place would be
/// (temporary files are otherwise private to their owner).
pub fn temporary_beside(path: &Path) -> Result<tempfile::NamedTempFile> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temporary = tempfile::NamedTempFile::new_in(folder).map_err(|error| Error::io(folder, error))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(temporary.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|error| Error::io(temporary.path(), error))?;
    }
    Ok(temporary)
}

/// Replaces `path` with `bytes` atomically.
pub fn to_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut temporary = temporary_beside(path)?;
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
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("exists").permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let error = to_file(Path::new("/nonexistent-costsim/out.json"), b"x").expect_err("no folder");
        assert!(error.to_string().starts_with("/nonexistent-costsim"), "{error}");
    }
}
