//! Replays a request stream through a deployment and assembles the result:
//! the model's run, its bill (with the services in front), the cost curve
//! sampled for charts, and the workload's own tally.

use chrono::SecondsFormat;

use super::{BookReference, Deployment, SimulationResult};
use crate::error::{Error, Result};
use crate::platform::{ModelRun, RunOptions};
use crate::pricing::money::to_f64;
use crate::pricing::{Bill, Decimal, Offering, PriceBook, bill_service};
use crate::series::{Buckets, RunSeries, bucket_width, sample_times};
use crate::units::{Micros, to_seconds};
use crate::workload::{MAX_ARRIVAL, MAX_DURATION, Request, WorkloadTally};

/// Points of the latency CDF chart.
const CDF_POINTS: usize = 200;

/// Replays `requests` (in arrival order) through `deployment`.
pub fn simulate<I>(deployment: &Deployment, requests: I, options: RunOptions) -> Result<SimulationResult>
where
    I: IntoIterator<Item = Result<Request>>,
{
    let mut tally = WorkloadTally::new(options.origin);
    let mut position = 0u64;
    let mut requests = requests.into_iter().map(|request| {
        position += 1;
        let request = request?;
        if request.arrival > MAX_ARRIVAL || request.duration > MAX_DURATION {
            return Err(Error::input(
                "request stream",
                position,
                "a request arrives more than 100 years after the start or runs longer than ten years",
            ));
        }
        if options.horizon.is_none_or(|end| request.arrival < end) {
            tally.add(&request);
        }
        Ok(request)
    });
    let run = deployment
        .configured
        .run(&mut requests, &options, deployment.bills_own_data_out())?;
    drop(requests);
    let mut bill = run.usage.bill(Micros::MAX);
    bill.extend(service_items(&deployment.services, &tally, Micros::MAX));
    let series = RunSeries {
        cost_over_time: cost_curve(&run, &bill, &deployment.services, &tally),
        // Models record levels with `LevelRecorder::finish(horizon_end)`.
        instances: Buckets {
            width: bucket_width(run.horizon_end),
            values: run.instances_per_minute.clone(),
        },
        latency_cdf: run.latency.cdf(CDF_POINTS),
        requests: tally.requests_over_time(),
    };
    Ok(SimulationResult {
        platform: deployment.book.id.clone(),
        deployment: deployment.describe(),
        start: options.origin.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        horizon_s: to_seconds(run.horizon_end),
        requests: run.counts,
        requests_beyond_horizon: run.beyond_horizon,
        latency_ms: run.latency.summary(),
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
        series,
    })
}

/// The line items the services in front add for the requests of the clock
/// hours starting before `until`.
fn service_items(
    services: &[PriceBook],
    tally: &WorkloadTally,
    until: Micros,
) -> Vec<crate::pricing::LineItem> {
    if services.is_empty() {
        return Vec::new();
    }
    let usage = tally.service_usage_until(until);
    services
        .iter()
        .filter_map(|book| match &book.offering {
            Offering::Service(offering) => Some(bill_service(offering, &usage)),
            _ => None,
        })
        .flatten()
        .collect()
}

/// (seconds, cost so far) at the sample times. The curve ends at the bill
/// itself (App Engine's tail after the horizon and exact calendar months of
/// services included).
fn cost_curve(run: &ModelRun, bill: &Bill, services: &[PriceBook], tally: &WorkloadTally) -> Vec<(f64, f64)> {
    let mut curve: Vec<(f64, f64)> = sample_times(run.horizon_end)
        .into_iter()
        .map(|time| {
            let platform = run.usage.bill(time).total;
            let services: Decimal = service_items(services, tally, time)
                .iter()
                .map(|item| item.amount)
                .sum();
            (to_seconds(time), to_f64(platform + services))
        })
        .collect();
    if let Some(last) = curve.last_mut() {
        last.1 = to_f64(bill.total);
    }
    curve
}
