//! Runs a Monte Carlo's runs (or one shard's) and collects the outcome.
//! Every run is a point of the sweep machinery ([`plan`], [`run_plans`]):
//! its workload read once and fanned out to every deployment. Runs are
//! independent, so they go to rayon's workers; each result is reduced to
//! its rows at once, so memory holds the rows, never the runs' full
//! results, and the outcome is in index order whatever the thread count.

use std::sync::Arc;

use rayon::prelude::*;

use super::outcome::{InputEntry, McManifest, McOutcome, McRow, McRun};
use super::runs::{PlannedRun, every_run};
use crate::error::{Error, Result};
use crate::pricing::Decimal;
use crate::progress::Progress;
use crate::scenario::{Scenario, WorkloadSource};
use crate::sweep::collect::books_of;
use crate::sweep::outcome::{BookEntry, Shard};
use crate::sweep::plan::{PointPlan, plan};
use crate::sweep::run::run_plans;
use crate::sweep::shard::holds;
use crate::workload::resample::DayIndex;

/// What a Monte Carlo run is, apart from its runs.
pub struct McSpec<'a> {
    pub scenario: &'a Scenario,
    pub replications: usize,
    /// Quantiles to report, in percent, increasing.
    pub percents: Vec<Decimal>,
    pub budget: Option<Decimal>,
    /// A hash of the scenario's text and the command line's changes.
    pub scenario_hash: String,
    pub shard: Option<Shard>,
}

/// Plans every run (every problem reported before anything runs), runs
/// the shard's, and collects them.
pub fn monte_carlo(spec: &McSpec) -> Result<McOutcome> {
    let scenario = spec.scenario;
    check_uncertain(scenario)?;
    let runs = every_run(scenario, spec.replications);
    let run_count = runs.len();
    let selected: Vec<PlannedRun> = runs
        .into_iter()
        .filter(|run| holds(spec.shard, run.point.index))
        .collect();
    let plans = plan(scenario, selected.iter().map(|run| run.point.clone()).collect()).map_err(|error| {
        Error::usage(format!(
            "--replications: values drawn from [uncertain] do not fit the scenario (each run is named as a point, by its index):\n{error}"
        ))
    })?;
    let day_index = day_index(scenario)?;
    let plans: Vec<PointPlan> = plans
        .into_iter()
        .zip(&selected)
        .map(|(plan, run)| PointPlan {
            resample: run.resample,
            day_index: run.resample.and(day_index.clone()),
            ..plan
        })
        .collect();
    let books = books_of(&plans);
    let horizon_s = scenario.horizon.map(|horizon| horizon as f64 / 1e6);
    let progress = Progress::items(plans.len() as u64, "runs");
    let rows: Vec<Result<(f64, Vec<McRow>)>> = plans
        .par_iter()
        .map(|plan| {
            let rows = rows_of(scenario, plan, horizon_s);
            progress.add(1);
            rows
        })
        .collect();
    progress.finish();
    let mut outcome_runs = Vec::with_capacity(plans.len());
    for ((run, plan), outcome) in selected.into_iter().zip(plans).zip(rows) {
        let (horizon_s, rows) = outcome?;
        outcome_runs.push(McRun {
            index: run.point.index,
            role: run.role,
            seed: run.seed,
            values: plan.point.values,
            horizon_s,
            rows,
        });
    }
    let manifest = manifest(spec, run_count, books, horizon_s);
    Ok(McOutcome {
        manifest,
        runs: outcome_runs,
    })
}

/// One run's simulated span (the scenario's horizon, else the first
/// result's) and rows.
fn rows_of(scenario: &Scenario, plan: &PointPlan, horizon_s: Option<f64>) -> Result<(f64, Vec<McRow>)> {
    let results = run_plans(scenario, std::slice::from_ref(plan))?;
    let results = results.into_iter().next().unwrap_or_default();
    let span = horizon_s
        .or_else(|| results.first().map(|named| named.result.horizon_s))
        .unwrap_or(0.0);
    Ok((span, results.iter().map(|named| McRow::of(named, span)).collect()))
}

/// The trace's days, indexed once for every replication that resamples
/// them (a trace that needs sorting is left to the replay, which refuses it).
fn day_index(scenario: &Scenario) -> Result<Option<Arc<DayIndex>>> {
    let resamples = scenario
        .uncertainty
        .as_ref()
        .is_some_and(|uncertainty| uncertainty.resample_days);
    match &scenario.workload {
        WorkloadSource::Trace { path, sort: false } if resamples => {
            Ok(Some(Arc::new(DayIndex::build(path, scenario.start)?)))
        }
        _ => Ok(None),
    }
}

/// A trace replays the same requests in every replication unless something
/// about it is uncertain.
fn check_uncertain(scenario: &Scenario) -> Result<()> {
    let declared = scenario
        .uncertainty
        .as_ref()
        .is_some_and(|uncertainty| uncertainty.resample_days || !uncertainty.inputs.is_empty());
    if matches!(scenario.workload, WorkloadSource::Trace { .. }) && !declared {
        return Err(Error::usage(format!(
            "--replications: scenario `{}` replays a trace and declares nothing uncertain, so every \
             replication would bill the same requests; add an [uncertain] table to the scenario \
             (e.g. resample = \"days\", or traffic = {{ low = 0.8, high = 1.5 }})",
            scenario.name
        )));
    }
    Ok(())
}

fn manifest(spec: &McSpec, run_count: usize, books: Vec<BookEntry>, horizon_s: Option<f64>) -> McManifest {
    let scenario = spec.scenario;
    let uncertainty = scenario.uncertainty.clone().unwrap_or_default();
    McManifest {
        costsim_version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario: scenario.name.clone(),
        scenario_hash: spec.scenario_hash.clone(),
        seed: scenario.seed,
        replications: spec.replications,
        run_count,
        percents: spec.percents.clone(),
        budget: spec.budget,
        slo: scenario.slo.as_ref().map(|slo| slo.describe()),
        inputs: uncertainty
            .inputs
            .iter()
            .map(|input| InputEntry {
                name: input.name.clone(),
                low: input.low_value(),
                high: input.high_value(),
                median: input.median(),
                distribution: input.shape.name().to_owned(),
            })
            .collect(),
        resample: uncertainty.resample_days.then(|| "days".to_owned()),
        horizon_s,
        books,
        shard: spec.shard,
    }
}
