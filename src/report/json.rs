//! JSON: the contract other tools and tests read. Amounts are unrounded.

use crate::error::{Error, Result};
use crate::simulation::SimulationResult;

pub fn render(result: &SimulationResult) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(result)
        .map_err(|error| Error::usage(format!("cannot encode the result as JSON: {error}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}
