//! Replays a request stream through a deployment and assembles the result:
//! the model's run, its bill (with the services in front), the cost curve
//! sampled for charts, the workload's own tally and recorded durations (the
//! stream's [`Observation`], taken where it was read), the verdict without
//! an SLO, and the warnings (a horizon past the trace, books out of their
//! era).

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};

use super::{BookReference, Deployment, SimulationResult};
use crate::error::{Error, Result};
use crate::platform::{ModelRun, RunOptions};
use crate::pricing::era::{self, PricedPeriod};
use crate::pricing::money::to_f64;
use crate::pricing::{Bill, Decimal, Offering, ServiceContext, bill_service};
use crate::series::{Buckets, RunSeries, bucket_width, sample_times};
use crate::units::{Micros, to_seconds};
use crate::verdict::{self, Observed};
use crate::workload::fill::horizon_warning;
use crate::workload::{Observation, ObservedStream, Observer, Observing, Request, WorkloadTally};

/// Points of the latency CDF chart.
const CDF_POINTS: usize = 200;

/// Replays `requests` (in arrival order) through `deployment`, observing
/// them on this thread.
pub fn simulate<I>(deployment: &Deployment, requests: I, options: RunOptions) -> Result<SimulationResult>
where
    I: IntoIterator<Item = Result<Request>>,
{
    let observer = Observer::new(options.origin, options.horizon);
    simulate_stream(
        deployment,
        Observing::new(requests.into_iter(), observer),
        options,
    )
}

/// Replays `stream` (in arrival order, observed where it was read) through
/// `deployment`.
pub fn simulate_stream<S>(deployment: &Deployment, stream: S, options: RunOptions) -> Result<SimulationResult>
where
    S: ObservedStream,
{
    simulate_repriced(deployment, &[], stream, options).map(|(result, _)| result)
}

/// Replays `stream` through `deployment` once and prices the run as each
/// of `others` too (the same model and simulation key: another book, or
/// settings only the bill reads), without simulating again: the first
/// result is `deployment`'s, then one per deployment of `others`, an error
/// where one meters usage differently or would run otherwise (simulate that
/// one instead). A re-priced result's cost curve is left empty: only its
/// bill is re-priced.
pub fn simulate_repriced<S>(
    deployment: &Deployment,
    others: &[&Deployment],
    stream: S,
    options: RunOptions,
) -> Result<(SimulationResult, Vec<Result<SimulationResult>>)>
where
    S: ObservedStream,
{
    let (run, seen) = replay(deployment, stream, &options)?;
    let mut bill = run.usage.bill(Micros::MAX);
    bill.extend(service_items(deployment, &seen.tally, &run, &bill, Micros::MAX));
    let series = series(&run, &bill, deployment, &seen.tally);
    let repriced = others
        .iter()
        .map(|other| {
            if other.configured.simulation_key() != deployment.configured.simulation_key() {
                return Err(Error::usage(format!(
                    "{} ({}) would run otherwise than {}; simulate it instead of re-pricing",
                    other.book.id,
                    other.describe(),
                    deployment.describe()
                )));
            }
            let mut bill = run.usage.reprice(&other.book, other.configured.as_ref())?;
            bill.extend(service_items(other, &seen.tally, &run, &bill, Micros::MAX));
            let series = RunSeries {
                cost_over_time: Vec::new(),
                ..series.clone()
            };
            Ok(assemble(other, &run, &seen, bill, series, &options))
        })
        .collect();
    Ok((
        assemble(deployment, &run, &seen, bill, series, &options),
        repriced,
    ))
}

/// The model's run of `stream` and what the stream itself showed.
fn replay<S>(
    deployment: &Deployment,
    mut stream: S,
    options: &RunOptions,
) -> Result<(ModelRun, Arc<Observation>)>
where
    S: ObservedStream,
{
    let run = deployment
        .configured
        .run(&mut stream, options, deployment.bills_own_data_out())?;
    Ok((run, stream.observation()?))
}

/// The result of `run` billed as `bill`: the verdict without an SLO and the
/// warnings (a horizon past the trace, books out of their era).
fn assemble(
    deployment: &Deployment,
    run: &ModelRun,
    seen: &Observation,
    bill: Bill,
    series: RunSeries,
    options: &RunOptions,
) -> SimulationResult {
    let (price_periods, era_warnings) = era_checks(deployment, options.origin, run.horizon_end);
    let warnings = horizon_warning(seen.last_arrival, options.horizon)
        .into_iter()
        .chain(era_warnings)
        .collect();
    let recorded_duration_ms = seen.recorded.summary();
    let latency_ms = run.latency.summary();
    let observed = Observed {
        requests: &run.counts,
        latency: &latency_ms,
        recorded: &recorded_duration_ms,
    };
    let verdict = verdict::judge(observed, None);
    SimulationResult {
        platform: deployment.book.id.clone(),
        deployment: deployment.describe(),
        start: options.origin.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        horizon_s: to_seconds(run.horizon_end),
        requests: run.counts,
        requests_beyond_horizon: run.beyond_horizon,
        latency_ms,
        served_latency_ms: run.served_latency.summary(),
        queue_ms: run.queueing.summary(),
        instances: run.instances,
        instances_over_time: run
            .timeline
            .iter()
            .map(|&(time, count)| (to_seconds(time), count))
            .collect(),
        mean_in_system: run.mean_in_system,
        bill,
        price_book: BookReference::of(&deployment.book),
        services: deployment.services.iter().map(BookReference::of).collect(),
        settings: deployment.configured.settings_json(),
        seed: options.seed,
        recorded_duration_ms,
        verdict,
        price_periods,
        warnings,
        series,
    }
}

/// The data for charts: cost over time, instances, the latency CDF and
/// requests over time.
fn series(run: &ModelRun, bill: &Bill, deployment: &Deployment, tally: &WorkloadTally) -> RunSeries {
    RunSeries {
        cost_over_time: cost_curve(run, bill, deployment, tally),
        // Models record levels with `LevelRecorder::finish(horizon_end)`.
        instances: Buckets {
            width: bucket_width(run.horizon_end),
            values: run.instances_per_minute.clone(),
        },
        latency_cdf: run.latency.cdf(CDF_POINTS),
        requests: tally.requests_over_time(),
    }
}

/// The stretches of the run from `origin` over `span` each book (the
/// platform's, then the services') priced, and the warnings for those out
/// of its era.
fn era_checks(
    deployment: &Deployment,
    origin: DateTime<Utc>,
    span: Micros,
) -> (Vec<PricedPeriod>, Vec<String>) {
    let end = i64::try_from(span)
        .ok()
        .map(TimeDelta::microseconds)
        .and_then(|span| origin.checked_add_signed(span))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let mut periods = Vec::new();
    let mut warnings = Vec::new();
    for book in std::iter::once(&deployment.book).chain(&deployment.services) {
        let (found, said) = era::check(book, origin, end);
        periods.extend(found);
        warnings.extend(said);
    }
    (periods, warnings)
}

/// The line items the services in front add for the requests of the clock
/// hours starting before `until`, and for the span up to `until` (storage,
/// capacity, node fees over the platform's own bill `platform`).
fn service_items(
    deployment: &Deployment,
    tally: &WorkloadTally,
    run: &ModelRun,
    platform: &Bill,
    until: Micros,
) -> Vec<crate::pricing::LineItem> {
    if deployment.services.is_empty() {
        return Vec::new();
    }
    let usage = tally.service_usage_until(until);
    let context = ServiceContext {
        origin: tally.origin(),
        until: until.min(run.horizon_end),
        timeline: &run.timeline,
        platform,
    };
    deployment
        .services
        .iter()
        .zip(&deployment.service_settings)
        .filter_map(|(book, settings)| match &book.offering {
            Offering::Service(offering) => Some(bill_service(offering, settings, &usage, &context)),
            _ => None,
        })
        .flatten()
        .collect()
}

/// (seconds, cost so far) at the sample times. The curve ends at the bill
/// itself (App Engine's tail after the horizon and exact calendar months of
/// services included).
fn cost_curve(
    run: &ModelRun,
    bill: &Bill,
    deployment: &Deployment,
    tally: &WorkloadTally,
) -> Vec<(f64, f64)> {
    let mut curve: Vec<(f64, f64)> = sample_times(run.horizon_end)
        .into_iter()
        .map(|time| {
            let platform = run.usage.bill(time);
            let services: Decimal = service_items(deployment, tally, run, &platform, time)
                .iter()
                .map(|item| item.amount)
                .sum();
            (to_seconds(time), to_f64(platform.total + services))
        })
        .collect();
    if let Some(last) = curve.last_mut() {
        last.1 = to_f64(bill.total);
    }
    curve
}
