//! Runs a grid (or one shard of it) over a scenario and collects the
//! outcome: the manifest that names what was swept, and each point's
//! summary rows and full results, in grid order.

use std::collections::BTreeMap;

use super::outcome::{BookEntry, Manifest, PointOutcome, Shard, SweepOutcome, SweepRow};
use super::plan::{PointPlan, plan};
use super::point::Point;
use super::run::run_plans;
use crate::compare::NamedResult;
use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::slo::Slo;

/// What a sweep is, apart from its points.
pub struct SweepSpec<'a> {
    pub scenario: &'a Scenario,
    /// The grid as the manifest records it.
    pub grid: serde_json::Value,
    /// Every point of the grid, whatever the shard.
    pub point_count: usize,
    /// A hash of the scenario's text and the command line's changes.
    pub scenario_hash: String,
    pub shard: Option<Shard>,
}

/// Plans and runs `points` (the shard's), every problem with a point
/// reported before anything runs.
pub fn sweep(spec: &SweepSpec, points: Vec<Point>) -> Result<SweepOutcome> {
    let plans = plan(spec.scenario, points)?;
    let results = run_plans(spec.scenario, &plans)?;
    let manifest = manifest(spec, &plans);
    let points = plans
        .into_iter()
        .zip(results)
        .map(|(plan, results)| point_outcome(plan, &results))
        .collect::<Result<Vec<_>>>()?;
    Ok(SweepOutcome { manifest, points })
}

fn manifest(spec: &SweepSpec, plans: &[PointPlan]) -> Manifest {
    let scenario = spec.scenario;
    Manifest {
        costsim_version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario: scenario.name.clone(),
        scenario_hash: spec.scenario_hash.clone(),
        grid: spec.grid.clone(),
        point_count: spec.point_count,
        seed: scenario.seed,
        slo: scenario.slo.as_ref().map(|slo| slo.describe()),
        slo_p99_ms: scenario.slo.as_ref().and_then(Slo::p99_ms),
        books: books_of(plans),
        shard: spec.shard,
    }
}

/// Every price book the plans price with (the deployments' and their
/// services'), in id order.
pub fn books_of(plans: &[PointPlan]) -> Vec<BookEntry> {
    let mut books = BTreeMap::new();
    let every_book = plans
        .iter()
        .flat_map(|plan| &plan.deployments)
        .flat_map(|named| std::iter::once(&named.deployment.book).chain(&named.deployment.services));
    for book in every_book {
        books.entry(book.id.clone()).or_insert_with(|| BookEntry {
            id: book.id.clone(),
            title: book.title.clone(),
            effective_date: book.effective_date.to_string(),
        });
    }
    books.into_values().collect()
}

fn point_outcome(plan: PointPlan, results: &[NamedResult]) -> Result<PointOutcome> {
    let json = results
        .iter()
        .map(|named| {
            serde_json::to_value(named)
                .map_err(|error| Error::usage(format!("cannot write a result as JSON: {error}")))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(PointOutcome {
        index: plan.point.index,
        id: plan.point.id,
        params: plan.point.values,
        rows: results.iter().map(SweepRow::of).collect(),
        results: json,
    })
}

/// FNV-1a 64 of `parts`, each ended by a newline, as 16 hex digits: stable
/// across runs and releases, unlike the standard hasher.
pub fn content_hash<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let hash = parts
        .into_iter()
        .flat_map(|part| part.bytes().chain(std::iter::once(b'\n')))
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{hash:016x}")
}
