//! Where finished output goes: standard output (a closed pipe is not an
//! error), a file replaced atomically, or a report folder replaced whole.
//!
//! A destination of `-` is standard output; a FIFO or a character device is
//! written in place (streamed); a symbolic link is followed and its target
//! replaced. Everything else is written into a temporary beside its target
//! and renamed over it when complete, so a reader sees the old version or
//! the new one, never a mix, and a failed run leaves the old one intact.
//! Temporaries are named `.costsim-tmp-<name>-<pid>-<n>`: those of this run
//! are removed on SIGINT, SIGTERM and SIGHUP, and those a killed run left
//! are removed by the next run that writes to the same place.

mod cleanup;
mod file;
mod folder;
mod temporary;

use std::io::{ErrorKind, Write};

pub use file::{Destination, PendingFile, destination, open_stream, to_file};
pub use folder::replace_folder;

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
