//! The command line: argument types (clap stays inside this folder) and the
//! dispatch to one file per subcommand.

mod compare;
mod pricing;
mod simulate;
mod trace;
mod trace_gen;
mod trace_import;
mod trace_stats;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::Error;
use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "costsim",
    version,
    about = "What would this workload cost on serverless functions, dyno pools or virtual machines, and why?",
    long_about = "costsim replays request traces through a discrete-event model of a platform and prices what the \
                  vendor would bill, line item by line item, with the latency and idle capacity behind it."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compare deployments of one workload side by side, with a report.
    Compare(compare::CompareArgs),
    /// Replay a trace on one platform and print its bill and behaviour.
    Simulate(simulate::SimulateArgs),
    /// List and inspect price books.
    #[command(subcommand)]
    Pricing(pricing::PricingCommand),
    /// Generate, import and describe request traces.
    #[command(subcommand)]
    Trace(Box<trace::TraceCommand>),
}

/// Output formats, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Table,
    Json,
    Csv,
    Markdown,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
            FormatArg::Markdown => Format::Markdown,
        }
    }
}

/// Parses the command line and runs it: exit code 0 on success, 1 when the
/// run or its input failed, 2 for bad usage.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version go to stdout with status 0; usage errors to
            // stderr with status 2.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Compare(args) => compare::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Pricing(command) => pricing::run(command),
        Command::Trace(command) => trace::run(*command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report_error(&error),
    }
}

fn report_error(error: &Error) -> ExitCode {
    eprintln!("costsim: error: {error}");
    ExitCode::from(if error.is_usage() { 2 } else { 1 })
}
