//! `costsim sweep`: a grid of parameter values over a scenario (its
//! `[sweep]` table, `--param` flags, or both), each point run against one
//! read of its workload, with the Pareto front and the cheapest point that
//! meets the SLO. `--dry-run` prints the plan; `--shard K/N` (or Slurm's and
//! Kubernetes' array variables) runs one shard of it into a file that
//! `costsim merge` joins.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::overrides;
use super::{is_dash, parse_horizon, table_width, write_output};
use crate::compare::MAX_SEED;
use crate::error::{Error, Result};
use crate::output;
use crate::progress::note;
use crate::report::sweep as report;
use crate::scenario::Scenario;
use crate::slo::Slo;
use crate::sweep::collect::{SweepSpec, content_hash, sweep};
use crate::sweep::dry_run;
use crate::sweep::grid::Grid;
use crate::sweep::outcome::Shard;
use crate::sweep::shard;

#[derive(Debug, Args)]
#[command(after_help = concat!("Examples:\n  \
    costsim sweep scenarios/lambda-memory.toml\n  \
    costsim sweep scenarios/api-2016.toml --param Lambda.memory_mb=128,256,512,1024,1536 --param Lambda.keep_alive_s=60..600:60\n  \
    costsim sweep my.toml --param traffic=0.25..4:x2 --param platform=aws-lambda-2016,aws-lambda-2025 --slo p99=500ms\n  \
    costsim sweep my.toml --dry-run\n  \
    costsim sweep my.toml --shard 3/8 --out shard-3.json\n  \
    costsim merge shard-*.json --out sweep-report/\n\n\
    Parameters: traffic, seed, platform, NAME.platform, generator.KEY, a setting KEY (every deployment\n\
    that takes it) or NAME.KEY (one deployment). Values: 128,256,512 | 60..600:60 | 0.25..4:x2.\n\
    Points run in grid order, the last dimension varying fastest. Shards count from 1; without --shard\n\
    they come from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with --shard-count.\n\
    See docs/SWEEP.md.\n\n",
    exit_codes!()))]
pub struct SweepArgs {
    /// Scenario file (TOML), or `-` for standard input
    #[arg(value_name = "SCENARIO")]
    scenario: PathBuf,
    /// A swept parameter: NAME=VALUES (repeatable; replaces the [sweep] table's NAME)
    #[arg(long = "param", value_name = "NAME=VALUES")]
    params: Vec<String>,
    /// Parameters that move together, e.g. --zip memory_mb,Lambda.timeout_s (repeatable)
    #[arg(long, value_name = "A,B,...")]
    zip: Vec<String>,
    /// One more point, e.g. --include memory_mb=3008,keep_alive_s=60 (repeatable)
    #[arg(long, value_name = "A=v,B=w")]
    include: Vec<String>,
    /// Leave out the points that have all these values (repeatable)
    #[arg(long, value_name = "A=v,B=w")]
    exclude: Vec<String>,
    /// Service-level objectives, replacing the scenario's [slo], e.g. p99=500ms,failed=0.1%
    #[arg(long, value_name = "OBJECTIVES")]
    slo: Option<String>,
    /// Base seed of the random draws, instead of the scenario's (0 to 2^53 - 1)
    #[arg(long, value_parser = clap::value_parser!(u64).range(..=MAX_SEED))]
    seed: Option<u64>,
    /// Simulated span from the trace start, e.g. 30d, instead of the scenario's
    #[arg(long, value_name = "SPAN")]
    horizon: Option<String>,
    /// Change a setting at every point: [DEPLOYMENT.]KEY=VALUE (repeatable)
    #[arg(long = "set", value_name = "[DEPLOYMENT.]KEY=VALUE")]
    settings: Vec<String>,
    /// Print the plan (points, ids, work, estimated run time) and run nothing
    #[arg(long)]
    dry_run: bool,
    /// Run shard K of N (K from 1), e.g. 3/8
    #[arg(long, value_name = "K/N", conflicts_with = "shard_count")]
    shard: Option<String>,
    /// The number of shards when the shard's index comes from JOB_COMPLETION_INDEX (Kubernetes)
    #[arg(long, value_name = "N")]
    shard_count: Option<usize>,
    /// The report folder [default: reports/<scenario>-sweep/]; for a shard, its JSON file
    /// [default: reports/<scenario>-sweep/shard-K-of-N.json]
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Print only; write no report files (a shard still writes its file)
    #[arg(long, conflicts_with = "out")]
    no_report: bool,
    /// Form of what is printed
    #[arg(long, value_enum, default_value = "table")]
    format: SweepFormat,
    /// Write what is printed to FILE (atomically), or `-` for standard output [default: standard output]
    #[arg(long, short = 'o', value_name = "FILE|-")]
    output: Option<PathBuf>,
    /// Print tables at full width even when they are wider than the terminal
    #[arg(long)]
    wide: bool,
}

/// What `sweep` and `merge` print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SweepFormat {
    /// The Pareto front and the recommended point
    Table,
    /// sweep.json: the manifest and every point's results
    Json,
    /// sweep.csv: one row per point and deployment
    Csv,
}

pub fn run(args: SweepArgs) -> Result<()> {
    let (mut scenario, text) = load(&args.scenario)?;
    let changes = apply_flags(&args, &mut scenario)?;
    let grid = scenario
        .sweep
        .clone()
        .unwrap_or_default()
        .overlaid(Grid::from_flags(
            &args.params,
            &args.zip,
            &args.include,
            &args.exclude,
        )?);
    if grid.is_empty() {
        return Err(Error::usage(
            "nothing to sweep: give --param NAME=VALUES (e.g. --param memory_mb=128,256,512) or a [sweep] table in the scenario",
        ));
    }
    let points = grid
        .points()
        .map_err(|problems| Error::usage(problems.join("\n")))?;
    let shard = match &args.shard {
        Some(text) => {
            Some(shard::parse_shard(text).map_err(|problem| Error::usage(format!("--shard: {problem}")))?)
        }
        None => shard::from_environment(args.shard_count, |name| std::env::var(name).ok())
            .map_err(Error::usage)?,
    };
    let spec = SweepSpec {
        scenario: &scenario,
        grid: grid.to_json(),
        point_count: points.len(),
        scenario_hash: content_hash(std::iter::once(text.as_str()).chain(changes.iter().map(String::as_str))),
        shard,
    };
    let points = shard::select(points, shard);
    if args.dry_run {
        let printed = dry_run::render(&spec, points, args.format == SweepFormat::Json)?;
        return write_output(args.output.as_deref(), printed.as_bytes());
    }
    let outcome = sweep(&spec, points)?;
    write_files(&args, &scenario, shard, &outcome)?;
    let printed = match args.format {
        SweepFormat::Table => {
            report::render_terminal(&outcome, table_width(args.wide, args.output.as_deref())).into_bytes()
        }
        SweepFormat::Json => report::render_json(&outcome)?,
        SweepFormat::Csv => report::render_csv(&outcome)?,
    };
    write_output(args.output.as_deref(), &printed)
}

/// The scenario and its text (which the manifest's hash covers).
fn load(path: &Path) -> Result<(Scenario, String)> {
    let mut text = String::new();
    if is_dash(path) {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|error| Error::io("standard input", error))?;
        return Ok((
            Scenario::from_toml("standard input", &text, Path::new("."))?,
            text,
        ));
    }
    text = std::fs::read_to_string(path).map_err(|error| Error::io(path, error))?;
    let base = path.parent().unwrap_or(Path::new("."));
    Ok((
        Scenario::from_toml(&path.display().to_string(), &text, base)?,
        text,
    ))
}

/// Applies `--seed`, `--horizon`, `--set` and `--slo`; the flags as typed.
fn apply_flags(args: &SweepArgs, scenario: &mut Scenario) -> Result<Vec<String>> {
    let mut changes = Vec::new();
    if let Some(seed) = args.seed {
        scenario.seed = seed;
        changes.push(format!("--seed {seed}"));
    }
    if let Some(text) = &args.horizon {
        scenario.horizon = Some(parse_horizon(text)?);
        changes.push(format!("--horizon {text}"));
    }
    let overrides = overrides::parse_all(&args.settings)?;
    overrides::apply(scenario, &overrides)?;
    changes.extend(args.settings.iter().map(|text| format!("--set {text}")));
    if let Some(text) = &args.slo {
        scenario.slo =
            Some(Slo::parse_flag(text).map_err(|problem| Error::usage(format!("--slo: {problem}")))?);
        changes.push(format!("--slo {text}"));
    }
    // The grid's own flags are in the manifest's grid, not in the hash.
    Ok(changes)
}

/// Writes the report folder, or for a shard its file.
fn write_files(
    args: &SweepArgs,
    scenario: &Scenario,
    shard: Option<Shard>,
    outcome: &crate::sweep::outcome::SweepOutcome,
) -> Result<()> {
    let folder = PathBuf::from("reports").join(format!("{}-sweep", scenario.folder_name()));
    if let Some(shard) = shard {
        let path = args
            .out
            .clone()
            .unwrap_or_else(|| folder.join(format!("shard-{}-of-{}.json", shard.index, shard.count)));
        if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|error| Error::io(parent, error))?;
        }
        output::to_file(&path, &report::render_json(outcome)?)?;
        note(format_args!(
            "wrote shard {} of {} ({} points) to {}",
            shard.index,
            shard.count,
            outcome.points.len(),
            path.display()
        ));
        return Ok(());
    }
    if args.no_report {
        return Ok(());
    }
    let folder = args.out.clone().unwrap_or(folder);
    report::write_report(outcome, &folder)?;
    note(format_args!(
        "wrote the sweep's report to {} (open {})",
        folder.display(),
        folder.join("report.html").display()
    ));
    Ok(())
}
