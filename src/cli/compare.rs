//! `costsim compare`: one workload, several deployments, side by side. The
//! main job: without arguments it runs the bundled default scenario (a small
//! web API in January 2016 on Lambda + API Gateway, Heroku and EC2).
//!
//! Everything is computed before anything is written, and each file is
//! replaced atomically, so a failed run leaves earlier reports intact.

use std::path::{Path, PathBuf};

use clap::Args;

use super::FormatArg;
use crate::compare::compare;
use crate::error::{Error, Result};
use crate::output;
use crate::report::workload::Workload;
use crate::report::{Dialect, charts, comparison, html};
use crate::scenario::{Scenario, WorkloadSource};
use crate::slo::Slo;
use crate::verdict;
use crate::workload::Fill;
use crate::workload::fill::check_repeatable;

/// The bundled default scenario.
const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/api-2016.toml");

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    costsim compare\n  \
    costsim compare scenarios/api-2016.toml --trace traces/api-sample.csv --out /tmp/report\n  \
    costsim compare my-scenario.toml --format json")]
pub struct CompareArgs {
    /// Scenario file (TOML) [default: the bundled scenarios/api-2016.toml]
    #[arg(value_name = "SCENARIO")]
    scenario: Option<PathBuf>,
    /// Replay this trace instead of the scenario's workload
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// Folder for the report files [default: reports/<scenario name>]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Format of what is printed
    #[arg(long, value_enum, default_value = "table")]
    format: FormatArg,
    /// Print only; write no report files
    #[arg(long)]
    no_report: bool,
    /// Service-level objectives, replacing the scenario's [slo]: latencies
    /// with units and the failed share as a percentage, e.g. p99=1s,failed=0.1%
    /// (keys p50, p95, p99, max, failed)
    #[arg(long, value_name = "OBJECTIVES")]
    slo: Option<String>,
    /// `repeat`: tile the trace to the scenario's horizon (by whole days, or
    /// whole weeks from a week), overriding the scenario's `fill`
    #[arg(long, value_name = "repeat|none")]
    fill: Option<String>,
}

pub fn run(args: CompareArgs) -> Result<()> {
    let mut scenario = match &args.scenario {
        Some(path) => Scenario::load(path)?,
        None => Scenario::from_toml(
            "scenarios/api-2016.toml (bundled)",
            DEFAULT_SCENARIO,
            Path::new("."),
        )?,
    };
    if let Some(trace) = &args.trace {
        scenario.workload = WorkloadSource::Trace {
            path: trace.clone(),
            sort: false,
        };
    }
    verdict_options(&args, &mut scenario)?;
    let configured = scenario.deployments.iter().map(|named| {
        let deployment = &named.deployment;
        (&deployment.book, deployment.configured.settings_json())
    });
    if let Some(warning) = crate::platform::speed::memory_sweep_warning(configured) {
        eprintln!("costsim: warning: {warning}");
    }
    let results = compare(&scenario)?;
    let warnings: Vec<(&str, &[String])> = results
        .iter()
        .map(|named| (named.name.as_str(), named.result.warnings.as_slice()))
        .collect();
    for line in verdict::warning_lines(&warnings) {
        eprintln!("{line}");
    }
    let printed = match args.format {
        FormatArg::Table => {
            comparison::render_tables(&scenario.name, &results, Dialect::Terminal).into_bytes()
        }
        FormatArg::Markdown => {
            comparison::render_tables(&scenario.name, &results, Dialect::Markdown).into_bytes()
        }
        FormatArg::Json => comparison::render_json(&results)?,
        FormatArg::Csv => comparison::render_csv(&results)?,
    };
    if !args.no_report {
        let folder = args
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("reports").join(scenario.folder_name()));
        let charts = charts::comparison_charts(&results)?;
        let mut files: Vec<(String, Vec<u8>)> = vec![
            ("summary.csv".into(), comparison::render_csv(&results)?),
            ("summary.json".into(), comparison::render_json(&results)?),
            (
                "summary.md".into(),
                comparison::render_tables(&scenario.name, &results, Dialect::Markdown).into_bytes(),
            ),
        ];
        for chart in &charts {
            files.push((format!("{}.svg", chart.name), chart.svg.clone().into_bytes()));
            files.push((format!("{}.png", chart.name), chart.png.clone()));
        }
        files.push((
            "report.html".into(),
            html::render(
                &scenario.name,
                &results,
                &charts,
                &Workload::describe(&scenario, &results),
            )
            .into_bytes(),
        ));
        output::replace_folder(&folder, &files)?;
        eprintln!(
            "costsim: wrote {} files to {} (open {})",
            files.len(),
            folder.display(),
            folder.join("report.html").display()
        );
    }
    output::to_stdout(&printed)
}

/// Applies `--slo` and `--fill` to the scenario.
fn verdict_options(args: &CompareArgs, scenario: &mut Scenario) -> Result<()> {
    if let Some(text) = &args.slo {
        scenario.slo =
            Some(Slo::parse_flag(text).map_err(|problem| Error::usage(format!("--slo: {problem}")))?);
    }
    if let Some(text) = &args.fill {
        scenario.fill = Fill::parse(text).map_err(|problem| Error::usage(format!("--fill: {problem}")))?;
    }
    if scenario.fill == Fill::Repeat && scenario.horizon.is_none() {
        return Err(Error::usage(
            "--fill repeat: the scenario has no `horizon` to fill; add one to its [workload], e.g. horizon = \"30d\"",
        ));
    }
    if let (Fill::Repeat, WorkloadSource::Trace { path, sort }) = (scenario.fill, &scenario.workload) {
        if *sort {
            return Err(Error::usage(
                "--fill repeat reads the trace again for every copy, in arrival order, and cannot be combined with the scenario's `sort = true`",
            ));
        }
        check_repeatable(path)?;
    }
    Ok(())
}
