//! Reads a scenario's workload once and replays it into many consumers:
//! the deployments of a `compare`, or every deployment at every point of a
//! `sweep` that shares the workload. The trace (or the generator run from
//! its seed) is read on one thread and fanned out ([`fan_out`]); each
//! consumer replays it on a thread of its own and checks the rows against
//! its own deployment's limits, as if it had read the trace alone. The
//! reading thread observes the workload once for all of them. With
//! `fill = "repeat"` the workload is read again for every copy to the
//! horizon ([`Repeated`]); a trace's days may be drawn anew with a seed
//! ([`Resampled`]), the resampled trace then tiled; a trace's traffic may be
//! scaled on the way ([`scale`]), after the resampling and the copies.

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::scenario::{Scenario, WorkloadSource};
use crate::simulation::Deployment;
use crate::workload::fill::{Tiling, check_repeatable};
use crate::workload::resample::{DayIndex, Resampled};
use crate::workload::traffic::{Scaled, TrafficFactor, scale};
use crate::workload::{
    Feed, Fill, GeneratorSpec, Observer, Repeated, Request, TraceReader, default_start, fan_out,
    fan_out_sorted,
};

/// The workload a replay reads: the scenario's, or a generator standing in
/// for the scenario's (a sweep's point with generator parameters changed),
/// and for a trace, how its traffic is scaled.
#[derive(Clone, Copy)]
pub struct Workload<'a> {
    pub scenario: &'a Scenario,
    /// Runs instead of the scenario's generator; none reads the scenario's
    /// own workload.
    pub generator: Option<&'a GeneratorSpec>,
    /// A trace's traffic scaled by a factor, with the seed of the draws.
    pub traffic: Option<(&'a TrafficFactor, u64)>,
    /// A trace's days drawn with replacement from this seed
    /// (`resample = "days"`); none reads the trace as it is. A generator
    /// is not resampled.
    pub resample: Option<u64>,
    /// The index of the trace's days a resampling reads by, when it was
    /// built once for many replays (a Monte Carlo's); none builds one.
    pub day_index: Option<&'a Arc<DayIndex>>,
}

impl<'a> Workload<'a> {
    /// The scenario's own workload.
    pub fn of(scenario: &'a Scenario) -> Self {
        Workload {
            scenario,
            generator: None,
            traffic: None,
            resample: None,
            day_index: None,
        }
    }
}

/// What a replay returns: each consumer's result in index order, and how
/// the workload was tiled to the horizon (known once it has been read).
pub struct Replayed<R> {
    pub results: Vec<Result<R>>,
    pub tiling: Option<Arc<OnceLock<Tiling>>>,
}

/// Replays `workload` into one consumer per entry of `deployments` (whose
/// limits screen the rows): `consume(index, feed, origin)`, with `origin`
/// the instant offset zero stands for. Errors before any request is read
/// (a trace that cannot be opened) are returned as such.
pub fn replay<R: Send>(
    workload: Workload,
    deployments: &[&Deployment],
    consume: impl Fn(usize, Feed, DateTime<Utc>) -> Result<R> + Sync,
) -> Result<Replayed<R>> {
    let scenario = workload.scenario;
    let fill_to = scenario.horizon.filter(|_| scenario.fill == Fill::Repeat);
    let generator = match (&scenario.workload, workload.generator) {
        (_, Some(spec)) => spec,
        (WorkloadSource::Generator(spec), None) => spec,
        (WorkloadSource::Trace { path, sort }, None) => {
            return replay_trace(path, *sort, workload, deployments, fill_to, consume);
        }
    };
    let origin = scenario.start.unwrap_or_else(default_start);
    let day_seconds = origin.timestamp().rem_euclid(86_400) as f64;
    let source = Repeated::new(
        generator.generate(day_seconds),
        || Ok(generator.generate(day_seconds)),
        fill_to,
    );
    let tiling = source.tiling();
    // The bar's total is one copy's estimate; a filled run counts on.
    let expected = fill_to
        .is_none()
        .then(|| generator.estimate().rows.round() as u64);
    let requests = Progress::requests(expected).count(source);
    let results = fan_out(
        requests,
        Observer::new(origin, scenario.horizon),
        deployments.len(),
        |_, _, _| Ok(()),
        |index, feed| consume(index, feed, origin),
    );
    Ok(Replayed {
        results,
        tiling: Some(tiling),
    })
}

/// [`replay`] of a trace file, sorted in memory first when `sort`.
fn replay_trace<R: Send>(
    path: &std::path::Path,
    sort: bool,
    workload: Workload,
    deployments: &[&Deployment],
    fill_to: Option<crate::units::Micros>,
    consume: impl Fn(usize, Feed, DateTime<Utc>) -> Result<R> + Sync,
) -> Result<Replayed<R>> {
    if let Some(seed) = workload.resample {
        return replay_resampled(path, sort, seed, workload, deployments, fill_to, consume);
    }
    let start = workload.scenario.start;
    if fill_to.is_some() {
        check_repeatable(path)?;
    }
    let reader = TraceReader::open(path, start)?;
    let origin = reader.origin();
    let screen = |reader: &TraceReader, index: usize, request: &Request| {
        deployments[index]
            .check_request(request)
            .map_err(|(field, problem)| reader.rejected(field, &problem))
    };
    let run = |index, feed| consume(index, feed, origin);
    let count = deployments.len();
    let observer = Observer::new(origin, workload.scenario.horizon);
    if sort {
        let source = reader.unordered();
        let results = match workload.traffic {
            None => fan_out_sorted(source, observer, count, screen, run),
            Some((factor, seed)) => {
                let scaled = |source: &Scaled<TraceReader>, index: usize, request: &Request| {
                    screen(source.inner(), index, request)
                };
                fan_out_sorted(scale(source, factor, seed), observer, count, scaled, run)
            }
        };
        return Ok(Replayed {
            results,
            tiling: None,
        });
    }
    let source = Repeated::new(reader, || TraceReader::open(path, start), fill_to);
    let tiling = source.tiling();
    let screen = |source: &Repeated<TraceReader, _>, index: usize, request: &Request| {
        screen(source.current(), index, request)
    };
    let results = fan_out_scaled(source, workload.traffic, observer, count, screen, run);
    Ok(Replayed {
        results,
        tiling: Some(tiling),
    })
}

/// [`replay`] of a trace whose days are drawn with replacement from `seed`
/// ([`Resampled`]); with `fill_to`, the resampled days are tiled to it.
fn replay_resampled<R: Send>(
    path: &std::path::Path,
    sort: bool,
    seed: u64,
    workload: Workload,
    deployments: &[&Deployment],
    fill_to: Option<crate::units::Micros>,
    consume: impl Fn(usize, Feed, DateTime<Utc>) -> Result<R> + Sync,
) -> Result<Replayed<R>> {
    if sort {
        return Err(Error::usage(
            "`resample = \"days\"` reads the trace's days one at a time, in order, so it cannot resample a trace that needs `--sort` (scenario `sort = true`): sort it into a new trace file first (`costsim trace import --from csv … --sort`, mapping its columns)",
        ));
    }
    let index = match workload.day_index {
        Some(index) => Arc::clone(index),
        None => Arc::new(DayIndex::build(path, workload.scenario.start)?),
    };
    let origin = index.origin();
    let first = Resampled::new(Arc::clone(&index), seed);
    let source = Repeated::new(first, || Ok(Resampled::new(Arc::clone(&index), seed)), fill_to);
    let tiling = source.tiling();
    let screen = |source: &Repeated<Resampled, _>, index: usize, request: &Request| {
        deployments[index]
            .check_request(request)
            .map_err(|(field, problem)| source.current().rejected(field, &problem))
    };
    let run = |index, feed| consume(index, feed, origin);
    let observer = Observer::new(origin, workload.scenario.horizon);
    let results = fan_out_scaled(source, workload.traffic, observer, deployments.len(), screen, run);
    Ok(Replayed {
        results,
        tiling: Some(tiling),
    })
}

/// [`fan_out`] of `source`, its traffic scaled first when `traffic` says so;
/// `screen` names a row through the unscaled source.
fn fan_out_scaled<S, R>(
    source: S,
    traffic: Option<(&TrafficFactor, u64)>,
    observer: Observer,
    count: usize,
    screen: impl Fn(&S, usize, &Request) -> Result<()>,
    run: impl Fn(usize, Feed) -> Result<R> + Sync,
) -> Vec<Result<R>>
where
    S: Iterator<Item = Result<Request>>,
    R: Send,
{
    match traffic {
        None => fan_out(source, observer, count, screen, run),
        Some((factor, seed)) => {
            let scaled =
                |source: &Scaled<S>, index: usize, request: &Request| screen(source.inner(), index, request);
            fan_out(scale(source, factor, seed), observer, count, scaled, run)
        }
    }
}
