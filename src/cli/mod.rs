//! The command line: argument types (clap stays inside this folder) and the
//! dispatch to one file per subcommand.
//!
//! Every subcommand spells output the same way: `-o/--output FILE` for what
//! it prints (`-` or no `-o`: standard output), `--format` for its form, and
//! for `compare` `--report DIR` for the report folder. Every input path takes
//! `-` for standard input (one input per command at most). Notes and
//! progress go to standard error; `--quiet` silences them.

/// The exit codes, as every `--help` ends (defined before the subcommand
/// modules, so that they can use it).
macro_rules! exit_codes {
    () => {
        "Exit codes: 0 success; 1 bad input data (a file, line and field are named) or a failed run; 2 bad usage."
    };
}

mod breakeven;
mod compare;
mod merge;
mod overrides;
mod pricing;
mod replications;
mod simulate;
mod sweep;
mod trace;
mod trace_gen;
mod trace_import;
mod trace_stats;

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::{Error, Result};
use crate::output;
use crate::pricing::PriceBook;
use crate::report::Format;
use crate::units::{Micros, parse_span};
use crate::workload::MAX_HORIZON;

#[derive(Debug, Parser)]
#[command(
    name = "costsim",
    version,
    about = "What would this workload cost on serverless functions, dyno pools or virtual machines, and why?",
    long_about = "costsim replays request traces through a discrete-event model of a platform and prices what the \
                  vendor would bill, line item by line item, with the latency and idle capacity behind it.",
    after_help = concat!(
        "Output: -o/--output FILE (or -) for what a command prints, --format for its form, \
         compare's --report DIR for its report folder; `-` reads standard input wherever a file is read.\n\n",
        exit_codes!()
    )
)]
pub struct Cli {
    /// No notes or progress bars on standard error (errors are still shown)
    #[arg(long, short = 'q', global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compare deployments of one workload side by side, with a report.
    Compare(compare::CompareArgs),
    /// Replay a trace on one platform and print its bill and behaviour.
    Simulate(simulate::SimulateArgs),
    /// Sweep a grid of settings, price books, traffic levels and seeds over a scenario.
    Sweep(Box<sweep::SweepArgs>),
    /// Find the traffic at which two deployments cost the same.
    Breakeven(Box<breakeven::BreakevenArgs>),
    /// Merge the shard files of a sweep into the report the whole sweep writes.
    Merge(merge::MergeArgs),
    /// List and inspect price books.
    #[command(subcommand)]
    Pricing(pricing::PricingCommand),
    /// Generate, import and describe request traces.
    #[command(subcommand)]
    Trace(Box<trace::TraceCommand>),
}

/// Output formats of results, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// Aligned text tables for a terminal, money rounded to the cent
    Table,
    /// The JSON contract (docs/JSON.md): exact amounts, every setting
    Json,
    /// The summary: one row per result, fixed columns, exact amounts
    Csv,
    /// The bills' line items as a long CSV table (deployment, item, quantity, unit, unit_price, amount)
    LineItems,
    /// The tables as GitHub-flavoured Markdown
    Markdown,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
            FormatArg::LineItems => Format::LineItems,
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
    crate::progress::configure(cli.quiet);
    let result = match cli.command {
        Command::Compare(args) => compare::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Sweep(args) => sweep::run(*args),
        Command::Merge(args) => merge::run(args),
        Command::Breakeven(args) => breakeven::run(*args),
        Command::Pricing(command) => pricing::run(command),
        Command::Trace(command) => trace::run(*command),
    };
    crate::progress::finish_inputs();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report_error(&error),
    }
}

fn report_error(error: &Error) -> ExitCode {
    eprintln!("costsim: error: {error}");
    ExitCode::from(if error.is_usage() { 2 } else { 1 })
}

/// Writes what a command prints to `output` (replaced atomically), or to
/// standard output for `-` or none.
fn write_output(output: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match output {
        Some(path) => output::to_file(path, bytes),
        None => output::to_stdout(bytes),
    }
}

/// Whether `path` is `-`, standard input or output.
fn is_dash(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Refuses more than one input read from standard input: `(flag, path)`.
fn at_most_one_stdin<'a>(inputs: impl IntoIterator<Item = (&'a str, Option<&'a PathBuf>)>) -> Result<()> {
    let on_stdin: Vec<&str> = inputs
        .into_iter()
        .filter(|(_, path)| path.is_some_and(|path| is_dash(path)))
        .map(|(flag, _)| flag)
        .collect();
    if on_stdin.len() > 1 {
        return Err(Error::usage(format!(
            "{} all read standard input (`-`): give at most one of them as `-`",
            on_stdin.join(" and ")
        )));
    }
    Ok(())
}

/// A price book by id or path, or read from standard input for `-`.
fn resolve_book(platform: &str) -> Result<PriceBook> {
    if platform != "-" {
        return crate::pricing::resolve(platform);
    }
    let mut source = String::new();
    std::io::stdin()
        .read_to_string(&mut source)
        .map_err(|error| Error::io("standard input", error))?;
    PriceBook::from_toml("standard input", &source)
}

/// A `--horizon` span: above zero, at most 100 years.
fn parse_horizon(text: &str) -> Result<Micros> {
    let span = parse_span(text, "s").map_err(|problem| Error::usage(format!("--horizon: {problem}")))?;
    if span == 0 || span > MAX_HORIZON {
        return Err(Error::usage(
            "--horizon: expected a span above zero and at most 100 years (36525d)",
        ));
    }
    Ok(span)
}

/// The width tables are fitted to: the terminal's, when standard output
/// is one and `--wide` was not given; none (any width) otherwise.
fn table_width(wide: bool, output: Option<&Path>) -> Option<usize> {
    let to_stdout = output.is_none_or(is_dash);
    if wide || !to_stdout || !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_columns()
}

fn terminal_columns() -> Option<usize> {
    // SAFETY: TIOCGWINSZ fills the winsize it is given and reads nothing else.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let found = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    if found && size.ws_col > 0 {
        return Some(usize::from(size.ws_col));
    }
    std::env::var("COLUMNS")
        .ok()?
        .parse()
        .ok()
        .filter(|columns| *columns > 0)
}
