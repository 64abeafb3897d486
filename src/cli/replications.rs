//! `costsim compare --replications N`: the Monte Carlo form of `compare`
//! ([`crate::montecarlo`]). It prints each deployment's median and 90%
//! range, the spread table, the budget, SLO and cheapest shares, and writes
//! the report folder (`reports/<scenario>-mc/`, or `--report`), replaced
//! whole; `--shard K/N` runs a share of the runs into one file that
//! `costsim merge` combines, exactly as sweep shards are.

use std::path::{Path, PathBuf};

use clap::Args;

use super::overrides;
use super::{FormatArg, write_output};
use crate::error::{Error, Result};
use crate::montecarlo::outcome::McOutcome;
use crate::montecarlo::run::{McSpec, monte_carlo};
use crate::montecarlo::summarise::summarise;
use crate::output;
use crate::pricing::Decimal;
use crate::progress::note;
use crate::report::Dialect;
use crate::report::montecarlo::{csv, json, terminal, write_report};
use crate::scenario::Scenario;
use crate::sweep::collect::content_hash;
use crate::sweep::outcome::Shard;
use crate::sweep::shard;

/// Most replications one run takes: each keeps its rows (with 101 points
/// of cumulative cost per deployment) in memory and in `montecarlo.json`,
/// about 1 kB per deployment, and 10,000 already put a quantile's standard
/// error at 1% of the sample's spread.
pub const MAX_REPLICATIONS: u32 = 10_000;

/// Quantiles always reported, in percent.
const DEFAULT_PERCENTS: [i64; 3] = [5, 50, 95];

#[derive(Debug, Args)]
pub struct ReplicationArgs {
    /// Run the scenario N times, drawing its [uncertain] inputs, a generator's
    /// seed and a trace's resampled days afresh each time, and report ranges
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_REPLICATIONS)))]
    pub replications: Option<u32>,
    /// With --replications: report the chance that a deployment's total exceeds AMOUNT
    #[arg(
        long,
        value_name = "AMOUNT",
        requires = "replications",
        allow_hyphen_values = true
    )]
    pub budget: Option<String>,
    /// With --replications: more quantiles to report, in percent, besides 5, 50 and 95 (e.g. 25,75,99)
    #[arg(long, value_name = "PERCENTS", requires = "replications")]
    pub quantiles: Option<String>,
    /// With --replications: run shard K of N of the runs (K from 1) into one file for `costsim merge`
    #[arg(
        long,
        value_name = "K/N",
        requires = "replications",
        conflicts_with = "shard_count"
    )]
    pub shard: Option<String>,
    /// With --replications: the number of shards when the index comes from JOB_COMPLETION_INDEX (Kubernetes)
    #[arg(long, value_name = "N", requires = "replications")]
    pub shard_count: Option<usize>,
}

/// What the rest of `compare`'s command line says about the output.
pub struct Output<'a> {
    pub format: FormatArg,
    pub printed_to: Option<&'a Path>,
    pub report: Option<PathBuf>,
    pub no_report: bool,
    /// The command line's changes, naming the report folder.
    pub changes: Vec<(String, String)>,
}

/// Runs the Monte Carlo of `scenario` (its text `text`) and writes it out.
pub fn run(
    args: &ReplicationArgs,
    replications: u32,
    scenario: &Scenario,
    text: &str,
    out: Output,
) -> Result<()> {
    let budget = args.budget.as_deref().map(parse_budget).transpose()?;
    let percents = parse_percents(args.quantiles.as_deref())?;
    let shard = match &args.shard {
        Some(text) => {
            Some(shard::parse_shard(text).map_err(|problem| Error::usage(format!("--shard: {problem}")))?)
        }
        None => shard::from_environment(args.shard_count, |name| std::env::var(name).ok())
            .map_err(Error::usage)?,
    };
    if matches!(out.format, FormatArg::LineItems) {
        return Err(Error::usage(
            "--format line-items: a Monte Carlo has no single bill; the line items' ranges are in --format table, json and csv",
        ));
    }
    let flags = out.changes.iter().map(|(flag, _)| flag.as_str());
    let spec = McSpec {
        scenario,
        replications: replications as usize,
        percents,
        budget,
        scenario_hash: content_hash(std::iter::once(text).chain(flags)),
        shard,
    };
    let outcome = monte_carlo(&spec)?;
    let folder = folder_of(scenario, &out);
    if let Some(shard) = shard {
        return write_shard(&outcome, shard, out.report.unwrap_or(folder), out.printed_to);
    }
    let summary = summarise(&outcome);
    if !out.no_report {
        let written = write_report(&summary, &folder, report_files(&outcome, &summary)?)?;
        note(format_args!(
            "wrote {written} files to {} (open {})",
            folder.display(),
            folder.join("report.html").display()
        ));
    }
    let printed = match out.format {
        FormatArg::Json => json::render_json(&outcome, Some(&summary))?,
        FormatArg::Csv => csv::render_summary(&summary)?,
        FormatArg::Markdown => terminal::render(&summary, Dialect::Markdown).into_bytes(),
        FormatArg::Table | FormatArg::LineItems => terminal::render(&summary, Dialect::Terminal).into_bytes(),
    };
    write_output(out.printed_to, &printed)
}

/// The files of a whole run's report besides its charts and page.
pub fn report_files(
    outcome: &McOutcome,
    summary: &crate::montecarlo::summary::Summary,
) -> Result<Vec<(String, Vec<u8>)>> {
    Ok(vec![
        (
            "montecarlo.json".into(),
            json::render_json(outcome, Some(summary))?,
        ),
        ("montecarlo.csv".into(), csv::render_runs(outcome)?),
        ("summary.csv".into(), csv::render_summary(summary)?),
    ])
}

/// `reports/<scenario>-mc[+<changes>]/`, or `--report`.
fn folder_of(scenario: &Scenario, out: &Output) -> PathBuf {
    out.report.clone().unwrap_or_else(|| {
        let named: Vec<String> = out.changes.iter().map(|(_, name)| name.clone()).collect();
        let name = format!("{}-mc", scenario.folder_name());
        PathBuf::from("reports").join(overrides::folder_name(&name, &named))
    })
}

/// A shard's file: `--report FILE`, else `shard-K-of-N.json` in the folder.
fn write_shard(outcome: &McOutcome, shard: Shard, target: PathBuf, printed_to: Option<&Path>) -> Result<()> {
    let path = match target.extension().is_some_and(|extension| extension == "json") {
        true => target,
        false => target.join(format!("shard-{}-of-{}.json", shard.index, shard.count)),
    };
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|error| Error::io(parent, error))?;
    }
    let bytes = json::render_json(outcome, None)?;
    output::to_file(&path, &bytes)?;
    note(format_args!(
        "wrote shard {} of {} ({} runs) to {}; combine the shards with costsim merge",
        shard.index,
        shard.count,
        outcome.runs.len(),
        path.display()
    ));
    match printed_to {
        Some(target) => write_output(Some(target), &bytes),
        None => Ok(()),
    }
}

/// `1500`, `1500.50` or `$1,500`: zero or more.
fn parse_budget(text: &str) -> Result<Decimal> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    match cleaned.parse::<Decimal>() {
        Ok(amount) if amount >= Decimal::ZERO => Ok(amount),
        Ok(_) => Err(Error::usage(format!(
            "--budget: expected an amount of zero or more, found `{text}`"
        ))),
        Err(_) => Err(Error::usage(format!(
            "--budget: expected an amount such as 1500 or 1500.50, found `{text}`"
        ))),
    }
}

/// 5, 50, 95 and those asked for, increasing, each above 0 and below 100.
fn parse_percents(text: Option<&str>) -> Result<Vec<Decimal>> {
    let mut percents: Vec<Decimal> = DEFAULT_PERCENTS
        .iter()
        .map(|&percent| Decimal::from(percent))
        .collect();
    for item in text
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
    {
        let number = item.trim_start_matches(['p', 'P']).trim_end_matches('%');
        match number.parse::<Decimal>() {
            Ok(percent) if percent > Decimal::ZERO && percent < Decimal::ONE_HUNDRED => {
                percents.push(percent.normalize())
            }
            _ => {
                return Err(Error::usage(format!(
                    "--quantiles: expected percentages above 0 and below 100 such as 25,75,99, found `{item}`"
                )));
            }
        }
    }
    percents.sort();
    percents.dedup();
    Ok(percents)
}
