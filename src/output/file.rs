//! One output file: where it really goes ([`destination`]: standard output,
//! a stream written in place, or a regular file to replace) and the
//! temporary that replaces a regular file atomically ([`PendingFile`]).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::cleanup::{self, Registration};
use super::temporary::{self, Kind};
use super::to_stdout;
use crate::error::{Error, Result};

/// Where output named on the command line goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// `-`.
    Stdout,
    /// A FIFO or a character device, written in place.
    Stream(PathBuf),
    /// A regular file (existing or not), replaced atomically; symbolic links
    /// already followed.
    Replace(PathBuf),
}

/// Symbolic links followed at most, as the kernel does.
const MAX_LINKS: usize = 40;

/// `path` with symbolic links followed (the final target may not exist).
pub fn follow_links(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link = std::fs::read_link(&current).map_err(|error| Error::io(&current, error))?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(Error::io(
        path,
        std::io::Error::other("too many levels of symbolic links"),
    ))
}

/// Where output to `path` goes.
pub fn destination(path: &Path) -> Result<Destination> {
    if path.as_os_str() == "-" {
        return Ok(Destination::Stdout);
    }
    let target = follow_links(path)?;
    let streamed = std::fs::metadata(&target).is_ok_and(|metadata| {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        kind.is_fifo() || kind.is_char_device() || kind.is_socket()
    });
    Ok(if streamed {
        Destination::Stream(target)
    } else {
        Destination::Replace(target)
    })
}

/// The folder and file name of a target path.
fn split(target: &Path) -> Result<(&Path, &std::ffi::OsStr)> {
    let name = target
        .file_name()
        .ok_or_else(|| Error::io(target, std::io::Error::other("not a file name")))?;
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Ok((folder, name))
}

/// A file being written beside its target, renamed over it by
/// [`PendingFile::persist`]; removed if dropped before that.
#[derive(Debug)]
pub struct PendingFile {
    file: File,
    temporary: PathBuf,
    target: PathBuf,
    persisted: bool,
    _cleanup: Registration,
}

impl PendingFile {
    /// Starts replacing `target` (a regular file's path, links followed),
    /// after removing the temporaries a killed run left for it. The file is
    /// readable by all, as a file created in place would be.
    pub fn beside(target: &Path) -> Result<Self> {
        let (folder, name) = split(target)?;
        temporary::sweep(folder, name, Kind::New);
        let temporary = temporary::beside(folder, name, Kind::New);
        let cleanup = cleanup::register(&temporary);
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&temporary)
            .map_err(|error| Error::io(folder, error))?;
        let pending = PendingFile {
            file,
            temporary,
            target: target.to_path_buf(),
            persisted: false,
            _cleanup: cleanup,
        };
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pending.temporary, std::fs::Permissions::from_mode(0o644))
            .map_err(|error| Error::io(&pending.temporary, error))?;
        Ok(pending)
    }

    /// The temporary's path.
    pub fn path(&self) -> &Path {
        &self.temporary
    }

    /// Flushes the file to disk and renames it over the target.
    pub fn persist(mut self) -> Result<()> {
        self.file
            .sync_all()
            .map_err(|error| Error::io(&self.temporary, error))?;
        std::fs::rename(&self.temporary, &self.target).map_err(|error| Error::io(&self.target, error))?;
        self.persisted = true;
        Ok(())
    }
}

impl Write for PendingFile {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.file.write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

/// Opens a FIFO or device for writing in place.
pub fn open_stream(target: &Path) -> Result<File> {
    File::options()
        .write(true)
        .open(target)
        .map_err(|error| Error::io(target, error))
}

/// Writes `bytes` to `path`: replaced atomically, or streamed (see
/// [`destination`]). A reader that went away ends a stream quietly.
pub fn to_file(path: &Path, bytes: &[u8]) -> Result<()> {
    match destination(path)? {
        Destination::Stdout => to_stdout(bytes),
        Destination::Stream(target) => match open_stream(&target)?.write_all(bytes) {
            Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io(&target, error)),
            _ => Ok(()),
        },
        Destination::Replace(target) => {
            let mut pending = PendingFile::beside(&target)?;
            pending
                .write_all(bytes)
                .map_err(|error| Error::io(pending.path(), error))?;
            pending.persist()
        }
    }
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
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("exists").permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let error = to_file(Path::new("/nonexistent-costsim/out.json"), b"x").expect_err("no folder");
        assert!(error.to_string().starts_with("/nonexistent-costsim"), "{error}");
    }

    #[test]
    fn a_symlink_is_followed_and_its_target_replaced() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let target = folder.path().join("real.csv");
        std::fs::write(&target, "old").expect("write");
        let link = folder.path().join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).expect("symlink");
        to_file(&link, b"new").expect("written");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("exists")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&target).expect("readable"), b"new");
    }

    #[test]
    fn devices_and_dash_are_streams() {
        assert_eq!(destination(Path::new("-")).expect("valid"), Destination::Stdout);
        assert_eq!(
            destination(Path::new("/dev/null")).expect("valid"),
            Destination::Stream(PathBuf::from("/dev/null"))
        );
        to_file(Path::new("/dev/null"), b"discarded").expect("written in place");
        assert!(Path::new("/dev/null").exists());
    }
}
