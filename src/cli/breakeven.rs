//! `costsim breakeven`: the traffic (or another swept dimension) at which
//! two deployments of a scenario cost the same, every crossing bracketed
//! and bisected, with the calculators' closed form beside it on request.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::overrides;
use super::{is_dash, parse_horizon, write_output};
use crate::breakeven::{Month, Spec, breakeven, pick};
use crate::error::{Error, Result};
use crate::progress::note;
use crate::report::breakeven as report;
use crate::scenario::Scenario;
use crate::slo::Slo;

#[derive(Debug, Args)]
#[command(after_help = concat!("Examples:\n  \
    costsim breakeven scenarios/api-2016.toml --between Lambda --and EC2\n  \
    costsim breakeven my.toml --between lambda --and heroku --range 0.01..100 --slo p99=1s\n  \
    costsim breakeven my.toml --between lambda --and ec2 --analytic --month calendar\n\n\
    The dimension is sampled on a log scale; every sign change of total(A) - total(B) is bisected\n\
    (geometric midpoints) to the relative tolerance. See docs/BREAKEVEN.md.\n\n",
    exit_codes!()))]
pub struct BreakevenArgs {
    /// Scenario file (TOML)
    #[arg(value_name = "SCENARIO")]
    scenario: PathBuf,
    /// The first deployment (its name or a unique prefix)
    #[arg(long, value_name = "A")]
    between: String,
    /// The second deployment (its name or a unique prefix)
    #[arg(long = "and", value_name = "B")]
    and: String,
    /// What varies: traffic, or any sweep parameter (e.g. generator.rate)
    #[arg(long, value_name = "traffic|PARAM", default_value = "traffic")]
    over: String,
    /// The range sampled, LOW..HIGH, both above 0
    #[arg(long, value_name = "LOW..HIGH", default_value = "0.01..100")]
    range: String,
    /// Samples of the range, evenly spaced on a log scale (at least 3)
    #[arg(long, default_value_t = 25)]
    samples: usize,
    /// Relative tolerance of each crossing's bracket (0.01 = 1%)
    #[arg(long, default_value_t = 0.01)]
    tolerance: f64,
    /// Service-level objectives, replacing the scenario's [slo], e.g. p99=500ms
    #[arg(long, value_name = "OBJECTIVES")]
    slo: Option<String>,
    /// Print the calculators' closed form beside the simulated crossings
    #[arg(long)]
    analytic: bool,
    /// The month requests per month are counted in
    #[arg(long, value_enum, default_value = "730h")]
    month: MonthArg,
    /// Simulated span from the trace start, e.g. 30d, instead of the scenario's
    #[arg(long, value_name = "SPAN")]
    horizon: Option<String>,
    /// Change a setting: [DEPLOYMENT.]KEY=VALUE (repeatable)
    #[arg(long = "set", value_name = "[DEPLOYMENT.]KEY=VALUE")]
    settings: Vec<String>,
    /// Form of what is printed
    #[arg(long, value_enum, default_value = "table")]
    format: BreakevenFormat,
    /// Write what is printed to FILE (atomically), or `-` for standard output
    #[arg(long, short = 'o', value_name = "FILE|-")]
    output: Option<PathBuf>,
    /// The report folder [default: reports/<scenario>-breakeven/]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print only; write no report folder
    #[arg(long, conflicts_with = "out")]
    no_report: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MonthArg {
    /// 730 hours (AWS's pricing calculator: 8,760 h / 12)
    #[value(name = "730h")]
    Hours730,
    /// 720 hours (30 days)
    #[value(name = "720h")]
    Hours720,
    /// The calendar month the simulated span starts in
    Calendar,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BreakevenFormat {
    /// The crossings in words
    Table,
    /// breakeven.json: every sample, the bisection, crossings and closed form
    Json,
    /// breakeven.csv: the sampled curves
    Csv,
}

pub fn run(args: BreakevenArgs) -> Result<()> {
    if is_dash(&args.scenario) {
        return Err(Error::usage(
            "breakeven reads its scenario from a file, not standard input",
        ));
    }
    let mut scenario = Scenario::load(&args.scenario)?;
    apply_flags(&args, &mut scenario)?;
    let (a, b) = pick(&scenario, &args.between, &args.and)?;
    let (low, high) = parse_range(&args.range)?;
    let spec = Spec {
        a,
        b,
        dimension: args.over.clone(),
        low,
        high,
        samples: args.samples,
        tolerance: args.tolerance,
        month: match args.month {
            MonthArg::Hours730 => Month::Hours730,
            MonthArg::Hours720 => Month::Hours720,
            MonthArg::Calendar => Month::Calendar,
        },
        analytic: args.analytic,
    };
    let outcome = breakeven(&scenario, &spec)?;
    if !args.no_report {
        let folder = args.out.clone().unwrap_or_else(|| {
            PathBuf::from("reports").join(format!("{}-breakeven", scenario.folder_name()))
        });
        report::write_report(&outcome, &folder)?;
        note(format_args!(
            "wrote the break-even report to {} (open {})",
            folder.display(),
            folder.join("report.html").display()
        ));
    }
    let printed = match args.format {
        BreakevenFormat::Table => report::render_terminal(&outcome).into_bytes(),
        BreakevenFormat::Json => report::render_json(&outcome)?,
        BreakevenFormat::Csv => report::render_csv(&outcome)?,
    };
    write_output(args.output.as_deref(), &printed)
}

/// `LOW..HIGH`, two numbers.
fn parse_range(text: &str) -> Result<(f64, f64)> {
    let bad = || {
        Error::usage(format!(
            "--range: expected LOW..HIGH such as 0.01..100, found `{text}`"
        ))
    };
    let (low, high) = text.split_once("..").ok_or_else(bad)?;
    let number = |part: &str| part.trim().parse::<f64>().ok().filter(|value| value.is_finite());
    Ok((number(low).ok_or_else(bad)?, number(high).ok_or_else(bad)?))
}

/// Applies `--horizon`, `--set` and `--slo`.
fn apply_flags(args: &BreakevenArgs, scenario: &mut Scenario) -> Result<()> {
    if let Some(text) = &args.horizon {
        scenario.horizon = Some(parse_horizon(text)?);
    }
    let overrides = overrides::parse_all(&args.settings)?;
    overrides::apply(scenario, &overrides)?;
    if let Some(text) = &args.slo {
        scenario.slo =
            Some(Slo::parse_flag(text).map_err(|problem| Error::usage(format!("--slo: {problem}")))?);
    }
    Ok(())
}
