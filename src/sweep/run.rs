//! Runs a sweep's points, doing as little work as the grid allows:
//! - points whose workload is the same (same generator changes, traffic and
//!   traffic seed) share one read of it, fanned out to every deployment at
//!   every such point ([`replay`]), at most [`MAX_IN_FLIGHT`] simulations at
//!   a time, so memory grows with the simulations in flight, never with the
//!   trace;
//! - a deployment configured alike at several points (a dimension that does
//!   not touch it) is simulated once and its result shared;
//! - deployments that differ only in their price book (a `platform`
//!   dimension over books of one model) or in settings only the bill reads
//!   (a function's memory size where no duration depends on it: the
//!   model's simulation key) are simulated once and re-priced as each
//!   ([`simulate_repriced`]); a book that meters usage differently is
//!   simulated in a further read.
//!
//! Every deployment's seed is `deployment_seed(point seed, its index)`: the
//! points share their random draws (common random numbers), so differences
//! between points are the settings' own, and a point that changes nothing
//! reproduces `compare`.

use std::collections::HashMap;

use super::plan::PointPlan;
use super::scaled_feed::ScaledFeed;
use crate::compare::{NamedResult, deployment_seed, finish};
use crate::error::{Error, Result};
use crate::platform::RunOptions;
use crate::progress::Progress;
use crate::replay::{Workload, replay};
use crate::scenario::Scenario;
use crate::simulation::{Deployment, SimulationResult, simulate_repriced};

/// Most simulations fed by one read of a workload.
pub const MAX_IN_FLIGHT: usize = 64;

/// One deployment at one point: `plans[plan].deployments[deployment]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    plan: usize,
    deployment: usize,
}

/// One simulation: the slot simulated, and the slots re-priced from it.
#[derive(Debug, Clone)]
struct Simulation {
    primary: Slot,
    repriced: Vec<Slot>,
}

/// Runs every plan; results per plan, in scenario order. The first failure
/// (in grid order) fails the sweep, naming its point.
pub fn run_plans(scenario: &Scenario, plans: &[PointPlan]) -> Result<Vec<Vec<NamedResult>>> {
    let mut results: Vec<Vec<Option<NamedResult>>> = plans
        .iter()
        .map(|plan| vec![None; plan.deployments.len()])
        .collect();
    let groups = workload_groups(plans);
    // One read has its own bar (the trace's bytes, or the requests made);
    // more count the points done, and their reads draw none.
    let points = match work(plans).reads {
        1 => Progress::default(),
        _ => Progress::items(plans.len() as u64, "points"),
    };
    for group in &groups {
        let (simulations, copies) = simulations_of(plans, group);
        let mut pending = simulations;
        while !pending.is_empty() {
            let mut retry = Vec::new();
            for chunk in pending.chunks(MAX_IN_FLIGHT) {
                retry.extend(run_chunk(scenario, plans, chunk, &mut results)?);
            }
            pending = retry;
        }
        for (copy, of) in copies {
            let original = results[of.plan][of.deployment].clone();
            results[copy.plan][copy.deployment] = original;
        }
        points.add(group.len() as u64);
    }
    points.finish();
    results
        .into_iter()
        .map(|row| row.into_iter().collect::<Option<Vec<_>>>())
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| Error::usage("a sweep point was left without a result"))
}

/// How much work a sweep's plans take, before any of it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    /// Reads of a workload (more when a re-priced book meters differently).
    pub reads: usize,
    /// Simulations run.
    pub simulations: usize,
    /// Results re-priced from another slot's simulation (another book, or
    /// settings only the bill reads).
    pub repriced: usize,
    /// Results shared with a deployment configured alike at another point.
    pub shared: usize,
}

/// The work `plans` take (a re-priced book that turns out to meter usage
/// differently adds a simulation and a read when it runs).
pub fn work(plans: &[PointPlan]) -> Work {
    let mut work = Work {
        reads: 0,
        simulations: 0,
        repriced: 0,
        shared: 0,
    };
    for group in workload_groups(plans) {
        let (simulations, copies) = simulations_of(plans, &group);
        work.reads += simulations.len().div_ceil(MAX_IN_FLIGHT);
        work.simulations += simulations.len();
        work.repriced += simulations
            .iter()
            .map(|simulation| simulation.repriced.len())
            .sum::<usize>();
        work.shared += copies.len();
    }
    work
}

/// The plans' indices grouped by workload, groups in order of first
/// appearance.
fn workload_groups(plans: &[PointPlan]) -> Vec<Vec<usize>> {
    let mut position: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (index, plan) in plans.iter().enumerate() {
        let next = groups.len();
        let group = *position.entry(plan.workload_key()).or_insert(next);
        if group == next {
            groups.push(Vec::new());
        }
        groups[group].push(index);
    }
    groups
}

/// The seed of a slot's deployment.
fn seed_of(plans: &[PointPlan], slot: Slot) -> u64 {
    deployment_seed(plans[slot.plan].seed, slot.deployment)
}

fn deployment_of(plans: &[PointPlan], slot: Slot) -> &Deployment {
    &plans[slot.plan].deployments[slot.deployment].deployment
}

/// The group's simulations, and the slots that copy another's result (the
/// same deployment, book and seed).
fn simulations_of(plans: &[PointPlan], group: &[usize]) -> (Vec<Simulation>, Vec<(Slot, Slot)>) {
    let mut simulations: Vec<Simulation> = Vec::new();
    let mut by_run: HashMap<String, usize> = HashMap::new();
    let mut by_book: HashMap<(String, String), Slot> = HashMap::new();
    let mut copies = Vec::new();
    for &plan in group {
        for deployment in 0..plans[plan].deployments.len() {
            let slot = Slot { plan, deployment };
            let run_key = run_key(plans, slot);
            let book_key = (identity_key(plans, slot), book_key(deployment_of(plans, slot)));
            if let Some(&original) = by_book.get(&book_key) {
                copies.push((slot, original));
                continue;
            }
            by_book.insert(book_key, slot);
            match by_run.get(&run_key) {
                Some(&simulation) => simulations[simulation].repriced.push(slot),
                None => {
                    by_run.insert(run_key, simulations.len());
                    simulations.push(Simulation {
                        primary: slot,
                        repriced: Vec::new(),
                    });
                }
            }
        }
    }
    (simulations, copies)
}

/// What decides a slot's simulation, its price book aside: the model (one
/// per family of offerings), its simulation key (the settings that change
/// how it runs), the services in front, the seed and the point's duration
/// scale.
fn run_key(plans: &[PointPlan], slot: Slot) -> String {
    let deployment = deployment_of(plans, slot);
    slot_key(plans, slot, &deployment.configured.simulation_key())
}

/// [`run_key`] with every setting: slots with equal identities (and books)
/// have equal results.
fn identity_key(plans: &[PointPlan], slot: Slot) -> String {
    let deployment = deployment_of(plans, slot);
    let settings = format!(
        "{} {}",
        deployment.configured.settings_json(),
        deployment.describe()
    );
    slot_key(plans, slot, &settings)
}

fn slot_key(plans: &[PointPlan], slot: Slot, settings: &str) -> String {
    let deployment = deployment_of(plans, slot);
    let family = deployment.book.offering.family();
    let services: Vec<&str> = deployment.services.iter().map(|book| book.id.as_str()).collect();
    format!(
        "{family} {settings} {services:?} {:?} {} {:?}",
        deployment.service_settings,
        seed_of(plans, slot),
        plans[slot.plan].duration_scale
    )
}

/// The price book's whole content (books loaded from files may share an id).
fn book_key(deployment: &Deployment) -> String {
    serde_json::to_string(&deployment.book).unwrap_or_else(|_| deployment.book.id.clone())
}

/// Runs `chunk` on one read of its workload, storing each result; returns
/// the re-priced slots whose books meter usage differently, to simulate.
fn run_chunk(
    scenario: &Scenario,
    plans: &[PointPlan],
    chunk: &[Simulation],
    results: &mut [Vec<Option<NamedResult>>],
) -> Result<Vec<Simulation>> {
    let first = &plans[chunk[0].primary.plan];
    let workload = Workload {
        scenario,
        generator: first.generator.as_ref(),
        traffic: first.trace_traffic.as_ref().map(|factor| (factor, first.seed)),
        resample: first.resample,
        day_index: first.day_index.as_ref(),
    };
    let primaries: Vec<&Deployment> = chunk
        .iter()
        .map(|simulation| deployment_of(plans, simulation.primary))
        .collect();
    let replayed = replay(workload, &primaries, |index, feed, origin| {
        let simulation = &chunk[index];
        let others: Vec<&Deployment> = simulation
            .repriced
            .iter()
            .map(|&slot| deployment_of(plans, slot))
            .collect();
        let options = RunOptions {
            origin,
            horizon: scenario.horizon,
            seed: seed_of(plans, simulation.primary),
        };
        let scale = plans[simulation.primary.plan].duration_scale;
        if scale.is_unchanged() {
            return simulate_repriced(primaries[index], &others, feed, options);
        }
        let scaled = ScaledFeed::new(feed, scale, scenario.horizon);
        simulate_repriced(primaries[index], &others, scaled, options)
    })?;
    let mut retry = Vec::new();
    for (simulation, outcome) in chunk.iter().zip(replayed.results) {
        let (primary, repriced) = outcome.map_err(|error| failed_at(plans, simulation.primary, error))?;
        let mut store = |slot: Slot, mut result: SimulationResult| {
            finish(&mut result, replayed.tiling.as_deref(), scenario.slo.as_ref());
            let name = plans[slot.plan].deployments[slot.deployment].name.clone();
            results[slot.plan][slot.deployment] = Some(NamedResult { name, result });
        };
        store(simulation.primary, primary);
        for (&slot, outcome) in simulation.repriced.iter().zip(repriced) {
            match outcome {
                Ok(result) => store(slot, result),
                Err(_) => retry.push(Simulation {
                    primary: slot,
                    repriced: Vec::new(),
                }),
            }
        }
    }
    Ok(retry)
}

/// `error` of the simulation of `slot`, naming its point and deployment
/// (errors of the input itself already name their file and line).
fn failed_at(plans: &[PointPlan], slot: Slot, error: Error) -> Error {
    match error {
        Error::Usage(message) => {
            let plan = &plans[slot.plan];
            Error::usage(format!(
                "point {} ({}), deployment `{}`: {message}",
                plan.point.index,
                super::plan::describe(&plan.point),
                plan.deployments[slot.deployment].name
            ))
        }
        other => other,
    }
}
