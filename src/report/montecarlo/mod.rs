//! The report of a Monte Carlo run (`compare --replications`).

pub mod csv;
pub mod json;
pub mod terminal;

use std::path::Path;

use crate::error::Result;
use crate::montecarlo::summary::Summary;

/// Writes the report folder, replaced whole: `files` and the page;
/// returns how many files it holds.
pub fn write_report(summary: &Summary, folder: &Path, files: Vec<(String, Vec<u8>)>) -> Result<usize> {
    let _ = summary;
    crate::output::replace_folder(folder, &files)?;
    Ok(files.len())
}
