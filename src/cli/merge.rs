//! `costsim merge`: the shard files of a sweep (`costsim sweep --shard
//! K/N`, each a `sweep.json` whose manifest names its shard) merged into
//! the report the unsharded sweep writes, byte for byte; or likewise the
//! shards of a Monte Carlo (`costsim compare --replications N --shard K/N`,
//! each a `montecarlo.json` without its summary). Every file is read
//! before anything is merged, and every problem (a file that is not JSON,
//! shards of different sweeps or versions, points missing or given twice)
//! is reported at once with its file; nothing is written then.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::replications::report_files;
use super::{at_most_one_stdin, is_dash, table_width, write_output};
use crate::error::{Error, Result};
use crate::montecarlo::outcome::McOutcome;
use crate::montecarlo::summarise::summarise;
use crate::progress::note;
use crate::report::{Dialect, montecarlo, sweep};
use crate::scenario::folder_name_of;
use crate::sweep::merge::merge;
use crate::sweep::outcome::SweepOutcome;

#[derive(Debug, Args)]
#[command(after_help = concat!("Examples:\n  \
    costsim merge reports/api-2016-sweep/shard-*.json\n  \
    costsim merge shard-1-of-3.json shard-2-of-3.json shard-3-of-3.json --out sweep-report/\n  \
    costsim merge shard-*.json --format csv -o sweep.csv --no-report\n\n\
    costsim merge reports/api-2016-mc/shard-*.json\n\n\
    The report goes to reports/<scenario name>-sweep/ (or --out DIR) and holds what the unsharded\n\
    sweep writes: sweep.csv, sweep.json, the charts and report.html; a Monte Carlo's goes to\n\
    reports/<scenario name>-mc/. Shard files given from that folder stay in it. Problems with the shards exit with 1 and name each file.\n\n",
    exit_codes!()))]
pub struct MergeArgs {
    /// The shards' files (each a sweep.json or montecarlo.json with its manifest's `shard` set); `-` reads one from standard input
    #[arg(value_name = "SHARD.json", required = true)]
    shards: Vec<PathBuf>,
    /// Folder for the merged report [default: reports/<scenario name>-sweep]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print only; write no report files
    #[arg(long, conflicts_with = "out")]
    no_report: bool,
    /// Form of what is printed
    #[arg(long, value_enum, default_value = "table")]
    format: MergeFormat,
    /// Write what is printed to FILE (atomically), or `-` for standard output [default: standard output]
    #[arg(long, short = 'o', value_name = "FILE|-")]
    output: Option<PathBuf>,
    /// Print the table at full width even when it is wider than the terminal
    #[arg(long)]
    wide: bool,
}

/// What `merge` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MergeFormat {
    /// The Pareto front and the recommended point, money rounded to the cent
    Table,
    /// The merged sweep.json: manifest, points and full results, exact
    Json,
    /// The merged sweep.csv: one row per point × deployment, exact amounts
    Csv,
}

/// A file as read: its path, its bytes, and the outcome it holds.
struct ShardFile {
    path: PathBuf,
    bytes: Vec<u8>,
    outcome: Outcome,
}

/// What a shard file holds.
enum Outcome {
    Sweep(SweepOutcome),
    MonteCarlo(McOutcome),
}

/// Enough of a file to tell a Monte Carlo's (its manifest counts runs).
#[derive(serde::Deserialize)]
struct Probe {
    manifest: ProbeManifest,
}

#[derive(serde::Deserialize)]
struct ProbeManifest {
    run_count: Option<serde::de::IgnoredAny>,
}

pub fn run(args: MergeArgs) -> Result<()> {
    at_most_one_stdin(args.shards.iter().map(|path| ("SHARD.json", Some(path))))?;
    if args.out.as_deref().is_some_and(is_dash) {
        return Err(Error::usage(
            "--out -: a report is a folder of files and cannot go to standard output; \
             give a folder, or print with --format and -o -",
        ));
    }
    let files = read_all(&args.shards)?;
    let sweeps: Vec<(PathBuf, SweepOutcome)> = files
        .iter()
        .filter_map(|file| match &file.outcome {
            Outcome::Sweep(outcome) => Some((file.path.clone(), outcome.clone())),
            Outcome::MonteCarlo(_) => None,
        })
        .collect();
    let runs: Vec<(PathBuf, McOutcome)> = files
        .iter()
        .filter_map(|file| match &file.outcome {
            Outcome::MonteCarlo(outcome) => Some((file.path.clone(), outcome.clone())),
            Outcome::Sweep(_) => None,
        })
        .collect();
    match (sweeps.is_empty(), runs.is_empty()) {
        (false, true) => merge_sweep(&args, &files, sweeps),
        (true, false) => merge_monte_carlo(&args, &files, runs),
        _ => Err(Error::usage(format!(
            "{} hold a sweep's shards and {} a Monte Carlo's: merge the shards of one run at a time",
            listed(&sweeps),
            listed(&runs)
        ))),
    }
}

fn listed<T>(files: &[(PathBuf, T)]) -> String {
    let names: Vec<String> = files.iter().map(|(path, _)| path.display().to_string()).collect();
    names.join(", ")
}

fn merge_sweep(args: &MergeArgs, files: &[ShardFile], shards: Vec<(PathBuf, SweepOutcome)>) -> Result<()> {
    let outcome = merge(shards)?;
    let printed = match args.format {
        MergeFormat::Table => {
            sweep::render_terminal(&outcome, table_width(args.wide, args.output.as_deref())).into_bytes()
        }
        MergeFormat::Json => sweep::render_json(&outcome)?,
        MergeFormat::Csv => sweep::render_csv(&outcome)?,
    };
    if !args.no_report {
        let folder = args.out.clone().unwrap_or_else(|| {
            PathBuf::from("reports").join(format!("{}-sweep", folder_name_of(&outcome.manifest.scenario)))
        });
        let written = sweep::write_report_keeping(&outcome, &folder, kept(files, &folder))?;
        wrote(written, &folder);
    }
    write_output(args.output.as_deref(), &printed)
}

fn merge_monte_carlo(args: &MergeArgs, files: &[ShardFile], shards: Vec<(PathBuf, McOutcome)>) -> Result<()> {
    let outcome = merge(shards)?;
    let summary = summarise(&outcome);
    let printed = match args.format {
        MergeFormat::Table => montecarlo::terminal::render(&summary, Dialect::Terminal).into_bytes(),
        MergeFormat::Json => montecarlo::json::render_json(&outcome, Some(&summary))?,
        MergeFormat::Csv => montecarlo::csv::render_summary(&summary)?,
    };
    if !args.no_report {
        let folder = args.out.clone().unwrap_or_else(|| {
            PathBuf::from("reports").join(format!("{}-mc", folder_name_of(&outcome.manifest.scenario)))
        });
        let mut report = report_files(&outcome, &summary)?;
        report.extend(kept(files, &folder));
        let written = montecarlo::write_report(&summary, &folder, report)?;
        wrote(written, &folder);
    }
    write_output(args.output.as_deref(), &printed)
}

fn wrote(written: usize, folder: &Path) {
    note(format_args!(
        "wrote {written} files to {} (open {})",
        folder.display(),
        folder.join("report.html").display()
    ));
}

/// Files a merged report writes itself, never carried over.
const REPORT_FILES: [&str; 6] = [
    "sweep.json",
    "sweep.csv",
    "montecarlo.json",
    "montecarlo.csv",
    "summary.csv",
    "report.html",
];

/// Every file read and parsed, or every problem found.
fn read_all(paths: &[PathBuf]) -> Result<Vec<ShardFile>> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match read_one(path) {
            Ok(file) => files.push(file),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(Error::Files(problems.into_boxed_slice()))
    }
}

/// One file, or what is wrong with it: `FILE:LINE:COLUMN: …` for JSON
/// that does not parse or is not a sweep's.
fn read_one(path: &Path) -> std::result::Result<ShardFile, String> {
    let mut bytes = Vec::new();
    let read = if is_dash(path) {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut file| file.read_to_end(&mut bytes).map(|_| ()))
    };
    let name = if is_dash(path) {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    };
    read.map_err(|error| format!("{name}: {error}"))?;
    let monte_carlo =
        serde_json::from_slice::<Probe>(&bytes).is_ok_and(|probe| probe.manifest.run_count.is_some());
    let parsed = match monte_carlo {
        true => serde_json::from_slice::<McOutcome>(&bytes).map(Outcome::MonteCarlo),
        false => serde_json::from_slice::<SweepOutcome>(&bytes).map(Outcome::Sweep),
    };
    let outcome = parsed.map_err(|error| {
        let what = match (error.is_data(), monte_carlo) {
            (true, true) => "not a Monte Carlo's JSON (montecarlo.json or a shard)",
            (true, false) => "not a sweep's JSON (sweep.json or a shard)",
            (false, _) => "not valid JSON",
        };
        let message = error.to_string();
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        format!("{name}:{}:{}: {what}: {message}", error.line(), error.column())
    })?;
    Ok(ShardFile {
        path: path.to_path_buf(),
        bytes,
        outcome,
    })
}

/// The files read from `folder` itself, to carry into its new version:
/// replacing the folder would otherwise remove the shards it was made from.
fn kept(files: &[ShardFile], folder: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(folder) = std::fs::canonicalize(folder) else {
        return Vec::new();
    };
    files
        .iter()
        .filter(|file| !is_dash(&file.path))
        .filter_map(|file| {
            let path = std::fs::canonicalize(&file.path).ok()?;
            let name = path.file_name()?.to_string_lossy().into_owned();
            let reserved = REPORT_FILES.contains(&name.as_str());
            (path.parent() == Some(folder.as_path()) && !reserved).then(|| (name, file.bytes.clone()))
        })
        .collect()
}
