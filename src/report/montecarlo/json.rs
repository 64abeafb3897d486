//! `montecarlo.json`: the manifest, the summary (every statistic the
//! report shows) and every run's rows. A shard's file carries no summary
//! (a part of the runs says nothing on its own); `costsim merge` reads the
//! runs back and summarises them whole.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::montecarlo::outcome::{McManifest, McOutcome, McRun};
use crate::montecarlo::summary::Summary;

#[derive(Serialize)]
struct File<'a> {
    manifest: &'a McManifest,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a Summary>,
    runs: &'a [McRun],
}

/// The file's bytes; `summary` none for a shard.
pub fn render_json(outcome: &McOutcome, summary: Option<&Summary>) -> Result<Vec<u8>> {
    let file = File {
        manifest: &outcome.manifest,
        summary,
        runs: &outcome.runs,
    };
    let mut bytes = serde_json::to_vec_pretty(&file)
        .map_err(|error| Error::usage(format!("cannot write the Monte Carlo as JSON: {error}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}
