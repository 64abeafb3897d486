//! `costsim trace`: make, import and describe request traces.

use clap::Subcommand;

use super::{trace_gen, trace_import, trace_stats};
use crate::error::Result;

#[derive(Debug, Subcommand)]
pub enum TraceCommand {
    /// Generate a synthetic trace (seeded, reproducible).
    Gen(trace_gen::GenArgs),
    /// Convert a public trace or a log to the native trace format.
    Import(trace_import::ImportArgs),
    /// Rows, span, rates, duration percentiles and functions of a trace.
    Stats(trace_stats::StatsArgs),
}

pub fn run(command: TraceCommand) -> Result<()> {
    match command {
        TraceCommand::Gen(args) => trace_gen::run(args),
        TraceCommand::Import(args) => trace_import::run(args),
        TraceCommand::Stats(args) => trace_stats::run(args),
    }
}
