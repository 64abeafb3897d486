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
use crate::error::Result;
use crate::output;
use crate::report::{Dialect, charts, comparison, html};
use crate::scenario::{Scenario, WorkloadSource};

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
    let configured = scenario.deployments.iter().map(|named| {
        let deployment = &named.deployment;
        (&deployment.book, deployment.configured.settings_json())
    });
    if let Some(warning) = crate::platform::speed::memory_sweep_warning(configured) {
        eprintln!("costsim: warning: {warning}");
    }
    let results = compare(&scenario)?;
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
            html::render(&scenario.name, &results, &charts).into_bytes(),
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
