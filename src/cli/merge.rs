//! `costsim merge`: the shard files of a sweep (`costsim sweep --shard
//! K/N`, each a `sweep.json` whose manifest names its shard) merged into
//! the report the unsharded sweep writes, byte for byte. Every file is read
//! before anything is merged, and every problem (a file that is not JSON,
//! shards of different sweeps or versions, points missing or given twice)
//! is reported at once with its file; nothing is written then.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{at_most_one_stdin, is_dash, table_width, write_output};
use crate::error::{Error, Result};
use crate::progress::note;
use crate::report::sweep;
use crate::scenario::folder_name_of;
use crate::sweep::merge::merge;
use crate::sweep::outcome::SweepOutcome;

#[derive(Debug, Args)]
#[command(after_help = concat!("Examples:\n  \
    costsim merge reports/api-2016-sweep/shard-*.json\n  \
    costsim merge shard-1-of-3.json shard-2-of-3.json shard-3-of-3.json --out sweep-report/\n  \
    costsim merge shard-*.json --format csv -o sweep.csv --no-report\n\n\
    The report goes to reports/<scenario name>-sweep/ (or --out DIR) and holds what the unsharded\n\
    sweep writes: sweep.csv, sweep.json, the charts and report.html. Shard files given from that\n\
    folder stay in it. Problems with the shards exit with 1 and name each file.\n\n",
    exit_codes!()))]
pub struct MergeArgs {
    /// The shards' files (each a sweep.json with its manifest's `shard` set); `-` reads one from standard input
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
    outcome: SweepOutcome,
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
    let kept_from = |folder: &Path| kept(&files, folder);
    let shards = files
        .iter()
        .map(|file| (file.path.clone(), file.outcome.clone()))
        .collect();
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
        let written = sweep::write_report_keeping(&outcome, &folder, kept_from(&folder))?;
        note(format_args!(
            "wrote {written} files to {} (open {})",
            folder.display(),
            folder.join("report.html").display()
        ));
    }
    write_output(args.output.as_deref(), &printed)
}

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
    let outcome = serde_json::from_slice::<SweepOutcome>(&bytes).map_err(|error| {
        let what = if error.is_data() {
            "not a sweep's JSON (sweep.json or a shard)"
        } else {
            "not valid JSON"
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
            let reserved = name == "sweep.json" || name == "sweep.csv" || name == "report.html";
            (path.parent() == Some(folder.as_path()) && !reserved).then(|| (name, file.bytes.clone()))
        })
        .collect()
}
