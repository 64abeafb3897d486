//! `costsim trace stats FILE`: what a trace holds, in one streaming pass.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use flate2::read::MultiGzDecoder;

use crate::error::{Error, Result};
use crate::output;
use crate::report::{Align, Dialect, TextTable, quantity};
use crate::workload::{StatsCollector, TraceReader, TraceStats};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  costsim trace stats traces/api-sample.csv --format json\n  costsim trace gen --rate 10 --span 1m -o - | costsim trace stats -"
)]
pub struct StatsArgs {
    /// A trace in the native format (.csv or .csv.gz), or `-` for standard input
    #[arg(value_name = "FILE")]
    trace: PathBuf,
    #[arg(long, value_enum, default_value = "table")]
    format: StatsFormat,
}

/// The trace at `path`, or on standard input for `-` (gzipped or not).
fn open(path: &Path) -> Result<TraceReader> {
    if path.as_os_str() != "-" {
        return TraceReader::open(path, None);
    }
    let label = "standard input";
    let mut input = BufReader::with_capacity(256 * 1024, std::io::stdin());
    let magic = input.fill_buf().map_err(|error| Error::io(label, error))?;
    let input: Box<dyn Read + Send> = if magic.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::new(MultiGzDecoder::new(input)))
    } else {
        Box::new(input)
    };
    TraceReader::from_reader(label.to_owned(), input, None)
}

pub fn run(args: StatsArgs) -> Result<()> {
    let mut reader = open(&args.trace)?;
    let mut collector = StatsCollector::default();
    for request in reader.by_ref() {
        collector.add(&request?);
    }
    let stats = collector.finish(reader.functions());
    let bytes = match args.format {
        StatsFormat::Json => {
            let mut bytes = serde_json::to_vec_pretty(&stats)
                .map_err(|error| Error::usage(format!("cannot encode as JSON: {error}")))?;
            bytes.push(b'\n');
            bytes
        }
        StatsFormat::Table => table(&stats).into_bytes(),
    };
    output::to_stdout(&bytes)
}

fn table(stats: &TraceStats) -> String {
    let mut summary = TextTable::new(&[("Measure", Align::Left), ("Value", Align::Right)]);
    for (name, value) in [
        ("Rows", quantity(stats.rows as f64)),
        ("Span (s)", format!("{:.3}", stats.span_s)),
        ("Mean rate (/s)", format!("{:.3}", stats.rate_per_s.mean)),
        ("Busiest second (/s)", quantity(stats.rate_per_s.peak_1s)),
        ("Busiest minute (/s)", format!("{:.3}", stats.rate_per_s.peak_1m)),
        ("Duration mean (ms)", format!("{:.1}", stats.duration_ms.mean)),
        ("Duration p50 (ms)", format!("{:.1}", stats.duration_ms.p50)),
        ("Duration p99 (ms)", format!("{:.1}", stats.duration_ms.p99)),
        ("Duration max (ms)", format!("{:.1}", stats.duration_ms.max)),
        ("Functions", quantity(stats.functions as f64)),
    ] {
        summary.row(vec![name.to_owned(), value]);
    }
    let mut functions = TextTable::new(&[
        ("Function", Align::Left),
        ("Requests", Align::Right),
        ("Share", Align::Right),
    ]);
    for function in &stats.top_functions {
        functions.row(vec![
            function.name.clone(),
            quantity(function.requests as f64),
            format!("{:.1}%", function.share * 100.0),
        ]);
    }
    format!(
        "{}\n{}",
        summary.render(Dialect::Terminal),
        functions.render(Dialect::Terminal)
    )
}
