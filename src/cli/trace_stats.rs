//! `costsim trace stats FILE`: what a trace holds, in one streaming pass.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{table_width, write_output};
use crate::error::{Error, Result};
use crate::report::{Align, Dialect, TextTable, dropped_note, quantity};
use crate::workload::{StatsCollector, TraceReader, TraceStats};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    /// Aligned text tables for a terminal
    Table,
    /// One JSON object: rows, span_s, rate_per_s, duration_ms, functions, top_functions
    Json,
}

#[derive(Debug, Args)]
#[command(after_help = concat!("Examples:\n  \
    costsim trace stats traces/api-sample.csv\n  \
    costsim trace stats week.csv.gz --format json -o week-stats.json\n  \
    costsim trace gen --rate 10 --span 1m -o - | costsim trace stats -\n\n",
    exit_codes!()))]
pub struct StatsArgs {
    /// A trace in the native format (.csv or .csv.gz), or `-` for standard input
    #[arg(value_name = "FILE|-")]
    trace: PathBuf,
    /// Form of what is printed
    #[arg(long, value_enum, default_value = "table")]
    format: StatsFormat,
    /// Write what is printed to FILE (atomically), or `-` for standard output [default: standard output]
    #[arg(long, short = 'o', value_name = "FILE|-")]
    output: Option<PathBuf>,
    /// Print tables at full width even when they are wider than the terminal
    #[arg(long)]
    wide: bool,
}

pub fn run(args: StatsArgs) -> Result<()> {
    let mut reader = TraceReader::open(&args.trace, None)?;
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
        StatsFormat::Table => table(&stats, table_width(args.wide, args.output.as_deref())).into_bytes(),
    };
    write_output(args.output.as_deref(), &bytes)
}

fn table(stats: &TraceStats, width: Option<usize>) -> String {
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
    let (functions, dropped) = functions.render_fitted(width);
    let note = if dropped.is_empty() {
        String::new()
    } else {
        format!("{}\n", dropped_note(&dropped))
    };
    format!("{}\n{functions}{note}", summary.render(Dialect::Terminal))
}
