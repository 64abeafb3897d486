//! Replays a request stream through a deployment and assembles the result:
//! the model's run, its bill (with the services in front), the cost curve
//! sampled for charts, the workload's own tally and recorded durations, the
//! verdict without an SLO, and the warnings (a horizon past the trace, books
//! out of their era).

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};

use super::{BookReference, Deployment, SimulationResult};
use crate::error::{Error, Result};
use crate::metrics::LatencyRecorder;
use crate::platform::{ModelRun, RunOptions};
use crate::pricing::era::{self, PricedPeriod};
use crate::pricing::money::to_f64;
use crate::pricing::{Bill, Decimal, Offering, ServiceContext, bill_service};
use crate::series::{Buckets, RunSeries, bucket_width, sample_times};
use crate::units::{Micros, to_seconds};
use crate::verdict::{self, Observed};
use crate::workload::fill::horizon_warning;
use crate::workload::{MAX_ARRIVAL, MAX_DURATION, Request, WorkloadTally};

/// Points of the latency CDF chart.
const CDF_POINTS: usize = 200;

/// What the stream itself showed, whatever the model made of it.
struct Observer {
    tally: WorkloadTally,
    /// Recorded durations of the requests within the horizon.
    recorded: LatencyRecorder,
    last_arrival: Option<Micros>,
    /// Requests seen so far (the position of the next one, less one).
    seen: u64,
}

impl Observer {
    fn new(options: &RunOptions) -> Self {
        Observer {
            tally: WorkloadTally::new(options.origin),
            recorded: LatencyRecorder::default(),
            last_arrival: None,
            seen: 0,
        }
    }

    /// Checks the next request's range and notes it.
    #[inline]
    fn see(&mut self, request: Result<Request>, horizon: Option<Micros>) -> Result<Request> {
        self.seen += 1;
        let request = request?;
        if request.arrival > MAX_ARRIVAL || request.duration > MAX_DURATION {
            return Err(out_of_range(self.seen));
        }
        if horizon.is_none_or(|end| request.arrival < end) {
            self.tally.add(&request);
            self.recorded.record(request.duration);
        }
        self.last_arrival = Some(request.arrival);
        Ok(request)
    }
}

/// The error of the `position`-th request, out of the simulated range.
#[cold]
fn out_of_range(position: u64) -> Error {
    Error::input(
        "request stream",
        position,
        "a request arrives more than 100 years after the start or runs longer than ten years",
    )
}

/// Replays `requests` (in arrival order) through `deployment`.
pub fn simulate<I>(deployment: &Deployment, requests: I, options: RunOptions) -> Result<SimulationResult>
where
    I: IntoIterator<Item = Result<Request>>,
{
    simulate_repriced(deployment, &[], requests, options).map(|(result, _)| result)
}

/// Replays `requests` through `deployment` once and prices the run under
/// its own book and under each of `others` (the same model with the same
/// settings, another book), without simulating again: the first result is
/// `deployment`'s, then one per book of `others`, an error where a book
/// meters usage differently (simulate that one instead). A re-priced
/// result's cost curve is left empty: only its bill is re-priced.
pub fn simulate_repriced<I>(
    deployment: &Deployment,
    others: &[&Deployment],
    requests: I,
    options: RunOptions,
) -> Result<(SimulationResult, Vec<Result<SimulationResult>>)>
where
    I: IntoIterator<Item = Result<Request>>,
{
    let (run, seen) = replay(deployment, requests, &options)?;
    let mut bill = run.usage.bill(Micros::MAX);
    bill.extend(service_items(deployment, &seen.tally, &run, &bill, Micros::MAX));
    let series = series(&run, &bill, deployment, &seen.tally);
    let repriced = others
        .iter()
        .map(|other| {
            let mut bill = run.usage.reprice(&other.book)?;
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

/// The model's run of `requests` and what the stream itself showed.
fn replay<I>(deployment: &Deployment, requests: I, options: &RunOptions) -> Result<(ModelRun, Observer)>
where
    I: IntoIterator<Item = Result<Request>>,
{
    let mut seen = Observer::new(options);
    let mut requests = requests
        .into_iter()
        .map(|request| seen.see(request, options.horizon));
    let run = deployment
        .configured
        .run(&mut requests, options, deployment.bills_own_data_out())?;
    drop(requests);
    Ok((run, seen))
}

/// The result of `run` billed as `bill`: the verdict without an SLO and the
/// warnings (a horizon past the trace, books out of their era).
fn assemble(
    deployment: &Deployment,
    run: &ModelRun,
    seen: &Observer,
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
