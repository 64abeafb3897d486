//! `costsim compare`: one workload, several deployments, side by side. The
//! main job: without arguments it runs the bundled default scenario (a small
//! web API in January 2016 on Lambda + API Gateway, Heroku and EC2).
//!
//! The command line may change the scenario (`--trace`, `--seed`,
//! `--horizon`, `--set`; see [`overrides`]); a changed scenario's report goes
//! to a folder named after the changes. Everything is computed before
//! anything is written, and each file is replaced atomically, so a failed
//! run leaves earlier reports intact.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;

use super::overrides::{self, SetOverride};
use super::replications::{self, ReplicationArgs};
use super::{FormatArg, at_most_one_stdin, is_dash, parse_horizon, table_width, write_output};
use crate::compare::{MAX_SEED, NamedResult, compare};
use crate::error::{Error, Result};
use crate::output;
use crate::progress::{note, warn};
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
#[command(after_help = concat!("Examples:\n  \
    costsim compare\n  \
    costsim compare scenarios/api-2016.toml --trace traces/api-sample.csv --report /tmp/report\n  \
    costsim compare my-scenario.toml --set Heroku.dynos=3 --set free_tier=false --seed 7\n  \
    costsim compare my-scenario.toml --format json -o - --no-report | jq '.results[] | {name, total: .bill.total}'\n\n\
    A report goes to reports/<scenario name>/, or with --trace, --seed, --horizon or --set to\n\
    reports/<scenario name>+<each change>/ (e.g. reports/api-2016+trace-api-sample/).\n\n",
    exit_codes!()))]
pub struct CompareArgs {
    /// Scenario file (TOML), or `-` for standard input [default: the bundled scenarios/api-2016.toml]
    #[arg(value_name = "SCENARIO")]
    scenario: Option<PathBuf>,
    /// Replay this trace (or `-`, standard input) instead of the scenario's workload
    #[arg(long, value_name = "FILE|-")]
    trace: Option<PathBuf>,
    /// Base seed of the random draws, instead of the scenario's (0 to 2^53 - 1)
    #[arg(long, value_parser = clap::value_parser!(u64).range(..=MAX_SEED))]
    seed: Option<u64>,
    /// Simulated span from the trace start, e.g. 30d, instead of the scenario's
    #[arg(long, value_name = "SPAN")]
    horizon: Option<String>,
    /// Change a setting: DEPLOYMENT.KEY=VALUE for one deployment (its name or a
    /// unique prefix, e.g. Heroku.dynos=3), or KEY=VALUE for every deployment
    /// whose platform takes KEY (repeatable)
    #[arg(long = "set", value_name = "[DEPLOYMENT.]KEY=VALUE")]
    settings: Vec<String>,
    /// Form of what is printed
    #[arg(long, value_enum, default_value = "table")]
    format: FormatArg,
    /// Write what is printed to FILE (atomically), or `-` for standard output [default: standard output]
    #[arg(long, short = 'o', value_name = "FILE|-")]
    output: Option<PathBuf>,
    /// Folder for the report files [default: reports/<scenario name>[+<changes>]]
    /// (`--out` is an older name for it)
    #[arg(long, visible_alias = "out", value_name = "DIR")]
    report: Option<PathBuf>,
    /// Print only; write no report files
    #[arg(long, conflicts_with = "report")]
    no_report: bool,
    /// Print tables at full width even when they are wider than the terminal
    #[arg(long)]
    wide: bool,
    /// Service-level objectives, replacing the scenario's [slo]: latencies
    /// with units and the failed share as a percentage, e.g. p99=1s,failed=0.1%
    /// (keys p50, p95, p99, max, failed)
    #[arg(long, value_name = "OBJECTIVES")]
    slo: Option<String>,
    /// `repeat`: tile the trace to the scenario's horizon (by whole days, or
    /// whole weeks from a week), overriding the scenario's `fill`
    #[arg(long, value_name = "repeat|none")]
    fill: Option<String>,
    #[command(flatten)]
    monte_carlo: ReplicationArgs,
}

pub fn run(args: CompareArgs) -> Result<()> {
    at_most_one_stdin([
        ("SCENARIO", args.scenario.as_ref()),
        ("--trace", args.trace.as_ref()),
    ])?;
    if args.report.as_deref().is_some_and(is_dash) {
        return Err(Error::usage(
            "--report -: a report is a folder of files and cannot go to standard output; \
             give a folder, or print with --format and -o -",
        ));
    }
    let overrides = overrides::parse_all(&args.settings)?;
    let horizon = args.horizon.as_deref().map(parse_horizon).transpose()?;
    let (mut scenario, text) = load(args.scenario.as_deref())?;
    let changes = changed(&args, &mut scenario, horizon, &overrides)?;
    if let Some(count) = args.monte_carlo.replications {
        let out = replications::Output {
            format: args.format,
            printed_to: args.output.as_deref(),
            report: args.report.clone(),
            no_report: args.no_report,
            changes,
        };
        return replications::run(&args.monte_carlo, count, &scenario, &text, out);
    }
    let context = comparison::ComparisonContext {
        name: scenario.name.clone(),
        seed: scenario.seed,
        workload_source: match &scenario.workload {
            WorkloadSource::Trace { path, .. } => format!("trace {}", path.display()),
            WorkloadSource::Generator(_) => "generator".into(),
        },
        overrides: changes.iter().map(|(flag, _)| flag.clone()).collect(),
    };
    let configured = scenario.deployments.iter().map(|named| {
        let deployment = &named.deployment;
        (&deployment.book, deployment.configured.settings_json())
    });
    if let Some(warning) = crate::platform::speed::memory_sweep_warning(configured) {
        warn(format_args!("costsim: warning: {warning}"));
    }
    let results = compare(&scenario)?;
    let warnings: Vec<(&str, &[String])> = results
        .iter()
        .map(|named| (named.name.as_str(), named.result.warnings.as_slice()))
        .collect();
    for line in verdict::warning_lines(&warnings) {
        warn(line);
    }
    let printed = match args.format {
        FormatArg::Table => comparison::render_terminal(
            &scenario.name,
            &results,
            table_width(args.wide, args.output.as_deref()),
        )
        .into_bytes(),
        FormatArg::Markdown => {
            comparison::render_tables(&scenario.name, &results, Dialect::Markdown).into_bytes()
        }
        FormatArg::Json => comparison::render_json(&context, &results)?,
        FormatArg::Csv => comparison::render_csv(&results)?,
        FormatArg::LineItems => comparison::render_line_items_csv(&results)?,
    };
    if !args.no_report {
        let folder = args.report.clone().unwrap_or_else(|| {
            let named: Vec<String> = changes.into_iter().map(|(_, name)| name).collect();
            PathBuf::from("reports").join(overrides::folder_name(&scenario.folder_name(), &named))
        });
        write_report(&folder, &context, &scenario, &results)?;
    }
    write_output(args.output.as_deref(), &printed)
}

/// The scenario at `path` (standard input for `-`), or the bundled one,
/// and its text.
fn load(path: Option<&Path>) -> Result<(Scenario, String)> {
    match path {
        Some(path) if is_dash(path) => {
            let mut source = String::new();
            std::io::stdin()
                .read_to_string(&mut source)
                .map_err(|error| Error::io("standard input", error))?;
            let scenario = Scenario::from_toml("standard input", &source, Path::new("."))?;
            Ok((scenario, source))
        }
        Some(path) => {
            let source = std::fs::read_to_string(path).map_err(|error| Error::io(path, error))?;
            let base = path.parent().unwrap_or(Path::new("."));
            let scenario = Scenario::from_toml(&path.display().to_string(), &source, base)?;
            Ok((scenario, source))
        }
        None => {
            let label = "scenarios/api-2016.toml (bundled)";
            let scenario = Scenario::from_toml(label, DEFAULT_SCENARIO, Path::new("."))?;
            Ok((scenario, DEFAULT_SCENARIO.to_owned()))
        }
    }
}

/// Applies the command line's changes to `scenario`; each as (the flag as
/// typed, its part of the report folder's name).
fn changed(
    args: &CompareArgs,
    scenario: &mut Scenario,
    horizon: Option<u64>,
    overrides: &[SetOverride],
) -> Result<Vec<(String, String)>> {
    let mut changes = Vec::new();
    if let Some(trace) = &args.trace {
        scenario.workload = WorkloadSource::Trace {
            path: trace.clone(),
            sort: false,
        };
        let stem = trace_stem(trace);
        changes.push((format!("--trace {}", trace.display()), format!("trace-{stem}")));
    }
    if let Some(seed) = args.seed {
        scenario.seed = seed;
        changes.push((format!("--seed {seed}"), format!("seed-{seed}")));
    }
    if let (Some(span), Some(text)) = (horizon, &args.horizon) {
        scenario.horizon = Some(span);
        changes.push((format!("--horizon {text}"), format!("horizon-{text}")));
    }
    overrides::apply(scenario, overrides)?;
    for text in &args.settings {
        changes.push((format!("--set {text}"), text.clone()));
    }
    verdict_options(args, scenario, &mut changes)?;
    Ok(changes)
}

/// A trace's name without folders and `.csv`/`.gz` endings; `stdin` for `-`.
fn trace_stem(trace: &Path) -> String {
    if is_dash(trace) {
        return "stdin".into();
    }
    let name = trace
        .file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.strip_suffix(".csv").unwrap_or(name).to_owned()
}

/// Writes the report folder: summaries, line items, charts and the page.
fn write_report(
    folder: &Path,
    context: &comparison::ComparisonContext,
    scenario: &Scenario,
    results: &[NamedResult],
) -> Result<()> {
    let name = scenario.name.as_str();
    let charts = charts::comparison_charts(results)?;
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("summary.csv".into(), comparison::render_csv(results)?),
        (
            "line_items.csv".into(),
            comparison::render_line_items_csv(results)?,
        ),
        ("summary.json".into(), comparison::render_json(context, results)?),
        (
            "summary.md".into(),
            comparison::render_tables(name, results, Dialect::Markdown).into_bytes(),
        ),
    ];
    for chart in &charts {
        files.push((format!("{}.svg", chart.name), chart.svg.clone().into_bytes()));
        files.push((format!("{}.png", chart.name), chart.png.clone()));
    }
    files.push((
        "report.html".into(),
        html::render(name, results, &charts, &Workload::describe(scenario, results)).into_bytes(),
    ));
    output::replace_folder(folder, &files)?;
    note(format_args!(
        "wrote {} files to {} (open {})",
        files.len(),
        folder.display(),
        folder.join("report.html").display()
    ));
    Ok(())
}

/// Applies `--slo` and `--fill` to the scenario, each a change that names
/// the report folder.
fn verdict_options(
    args: &CompareArgs,
    scenario: &mut Scenario,
    changes: &mut Vec<(String, String)>,
) -> Result<()> {
    if let Some(text) = &args.slo {
        scenario.slo =
            Some(Slo::parse_flag(text).map_err(|problem| Error::usage(format!("--slo: {problem}")))?);
        changes.push((format!("--slo {text}"), format!("slo-{text}")));
    }
    if let Some(text) = &args.fill {
        scenario.fill = Fill::parse(text).map_err(|problem| Error::usage(format!("--fill: {problem}")))?;
        changes.push((format!("--fill {text}"), format!("fill-{text}")));
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
