//! One deployment over one workload, left to right: settings resolved
//! against a price book, requests replayed through the family's model, usage
//! priced into a bill, and the result every exporter reads.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::engine;
use crate::error::{Error, Result};
use crate::metrics::{InstanceSummary, LatencySummary, RequestCounts};
use crate::platform::{FunctionPlatform, FunctionSettings, PoolSettings, ServerFarm, Setting, VmSettings};
use crate::pricing::{Bill, Offering, PriceBook, bill_function, bill_pool, bill_service, bill_vm};
use crate::series::{RunSeries, sample_times};
use crate::units::{Micros, to_seconds};
use crate::workload::{Request, WorkloadTally};

/// Points of the latency CDF chart.
const CDF_POINTS: usize = 200;

const DAY_MICROS: i64 = 86_400_000_000;

/// A price book with settings resolved and checked against it: everything
/// needed to build a model, validated before any request is read.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub book: PriceBook,
    pub settings: DeploymentSettings,
    /// Per-request services priced alongside (API Gateway), service books.
    pub services: Vec<PriceBook>,
}

/// Resolved settings of a deployment, by platform family.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum DeploymentSettings {
    Function(FunctionSettings),
    Pool(PoolSettings),
    Vm(VmSettings),
}

impl Deployment {
    pub fn resolve(book: PriceBook, settings: &[Setting]) -> Result<Self> {
        let settings = match &book.offering {
            Offering::Function(offering) => {
                DeploymentSettings::Function(FunctionSettings::resolve(&book.id, offering, settings)?)
            }
            Offering::Pool(offering) => {
                DeploymentSettings::Pool(PoolSettings::resolve(&book.id, offering, settings)?)
            }
            Offering::Vm(offering) => {
                DeploymentSettings::Vm(VmSettings::resolve(&book.id, offering, settings)?)
            }
            Offering::Service(_) => {
                return Err(Error::usage(format!(
                    "{} is a service priced in front of a platform, not a platform: list it under `services` in a scenario",
                    book.id
                )));
            }
        };
        Ok(Deployment {
            book,
            settings,
            services: Vec::new(),
        })
    }

    /// Adds per-request services in front of the deployment; each must be
    /// a service price book.
    pub fn with_services(mut self, services: Vec<PriceBook>) -> Result<Self> {
        if let Some(book) = services
            .iter()
            .find(|book| !matches!(book.offering, Offering::Service(_)))
        {
            return Err(Error::usage(format!(
                "`{}` is a {} price book, not a service (services: per-request price books such as aws-api-gateway-2016)",
                book.id,
                book.offering.family()
            )));
        }
        self.services = services;
        Ok(self)
    }

    /// A one-line description of the deployment, e.g.
    /// `512 MB x86, keep-alive 600 s, concurrency limit 100`.
    pub fn describe(&self) -> String {
        match &self.settings {
            DeploymentSettings::Function(settings) => {
                let mut text = format!(
                    "{} MB {}, keep-alive {} s, concurrency limit {}",
                    settings.memory_mb,
                    settings.architecture,
                    to_seconds(settings.keep_alive),
                    settings.concurrency_limit
                );
                if settings.provisioned > 0 {
                    text.push_str(&format!(", {} provisioned", settings.provisioned));
                }
                text
            }
            DeploymentSettings::Pool(settings) => {
                let mut text = format!(
                    "{} × {} with {} worker{}, {} routing",
                    settings.dynos,
                    settings.dyno_type,
                    settings.workers,
                    if settings.workers == 1 { "" } else { "s" },
                    match settings.routing {
                        crate::platform::Routing::Random => "random",
                        crate::platform::Routing::Shared => "shared-queue",
                    }
                );
                if settings.autoscale != crate::platform::PoolAutoscale::Off {
                    text.push_str(&format!(
                        ", autoscaling {}-{}",
                        settings.min_dynos, settings.max_dynos
                    ));
                }
                text
            }
            DeploymentSettings::Vm(settings) => {
                let mut text = format!(
                    "{} × {} ({} requests each), {} billing",
                    settings.instances,
                    settings.instance_type,
                    settings.capacity,
                    match settings.billing {
                        crate::pricing::vm_book::VmBilling::Hourly => "hourly",
                        crate::pricing::vm_book::VmBilling::PerSecond => "per-second",
                    }
                );
                if settings.autoscale != crate::platform::VmAutoscale::Off {
                    text.push_str(&format!(
                        ", autoscaling {}-{}",
                        settings.min_instances, settings.max_instances
                    ));
                }
                if settings.spot {
                    text.push_str(", spot");
                }
                if settings.reserved > 0 {
                    text.push_str(&format!(", {} reserved", settings.reserved));
                }
                text
            }
        }
    }

    /// Checks a request's own fields against the platform's limits; the error
    /// names the field and what was expected. A row's memory is rounded up
    /// to the next configurable size by the model, so only sizes beyond the
    /// largest are refused.
    pub fn check_request(&self, request: &Request) -> std::result::Result<(), (&'static str, String)> {
        match (&self.book.offering, request.memory_mb) {
            (Offering::Function(offering), Some(memory_mb)) => {
                let max = offering.limits.max_memory_mb;
                if memory_mb <= max {
                    Ok(())
                } else {
                    Err((
                        "memory_mb",
                        format!("expected at most {max} MB on {}, found {memory_mb}", self.book.id),
                    ))
                }
            }
            _ => Ok(()),
        }
    }
}

/// Where a run starts and stops, and its seed.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// The instant offset zero stands for.
    pub origin: DateTime<Utc>,
    /// Length of the horizon; none means until the last request ends.
    pub horizon: Option<Micros>,
    pub seed: u64,
}

/// The price book a result was priced with.
#[derive(Debug, Clone, Serialize)]
pub struct BookReference {
    pub id: String,
    pub title: String,
    pub effective_date: String,
    pub sources: Vec<String>,
}

impl BookReference {
    pub fn of(book: &PriceBook) -> Self {
        BookReference {
            id: book.id.clone(),
            title: book.title.clone(),
            effective_date: book.effective_date.to_string(),
            sources: book.sources.clone(),
        }
    }
}

/// What one deployment did and cost. This is the JSON contract.
#[derive(Debug, Clone, Serialize)]
pub struct SimulationResult {
    pub platform: String,
    pub deployment: String,
    pub start: String,
    pub horizon_s: f64,
    pub requests: RequestCounts,
    /// Requests arriving after the horizon, read but not simulated.
    pub requests_beyond_horizon: u64,
    pub latency_ms: LatencySummary,
    /// Time from arrival until a request starts executing (queueing,
    /// cold starts, wake-ups).
    pub queue_ms: LatencySummary,
    pub instances: InstanceSummary,
    /// (seconds, live instances) at each change, for dyno pools and VMs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instances_over_time: Vec<(f64, u32)>,
    /// Time-averaged number of requests queued or in service (dyno pools
    /// and VMs), which Little's law ties to throughput × mean latency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_in_system: Option<f64>,
    pub bill: Bill,
    pub price_book: BookReference,
    /// Service price books priced alongside, if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<BookReference>,
    pub settings: DeploymentSettings,
    pub seed: u64,
    /// Data for charts; not part of the JSON contract.
    #[serde(skip)]
    pub series: RunSeries,
}

/// Replays `requests` (in arrival order) through `deployment`.
pub fn simulate<I>(deployment: &Deployment, requests: I, options: RunOptions) -> Result<SimulationResult>
where
    I: IntoIterator<Item = Result<Request>>,
{
    let book = &deployment.book;
    let origin_into_day = options.origin.timestamp_micros().rem_euclid(DAY_MICROS) as Micros;
    let mut tally = WorkloadTally::new(options.origin);
    let requests = requests.into_iter().inspect(|request| {
        if let Ok(request) = request
            && options.horizon.is_none_or(|end| request.arrival < end)
        {
            tally.add(request);
        }
    });
    let farm_run = |config, requests| -> Result<(crate::platform::FarmRun, u64)> {
        let mut farm = ServerFarm::new(config, options.horizon, options.seed);
        let outcome = engine::run(&mut farm, requests, options.horizon)?;
        Ok((farm.finish(), outcome.beyond_horizon))
    };
    let observed = match (&book.offering, &deployment.settings) {
        (Offering::Function(offering), DeploymentSettings::Function(settings)) => {
            let mut model = FunctionPlatform::new(
                settings.clone(),
                offering,
                options.origin,
                options.horizon,
                options.seed,
            );
            let outcome = engine::run(&mut model, requests, options.horizon)?;
            let run = model.finish();
            let cost_curve = sample_times(run.horizon_end)
                .into_iter()
                .map(|time| {
                    let usage = run.usage_until(time);
                    (
                        time,
                        bill_function(&book.currency, offering, settings, &usage).total,
                    )
                })
                .collect();
            Observed {
                bill: bill_function(&book.currency, offering, settings, &run.usage),
                cost_curve,
                instances_per_minute: run.instances_per_minute.clone(),
                latency_cdf: run.latency.cdf(CDF_POINTS),
                counts: run.counts,
                latency: run.latency.summary(),
                queue: run.queueing.summary(),
                instances: run.instances.summary(run.horizon_end),
                timeline: Vec::new(),
                mean_in_system: None,
                horizon_end: run.horizon_end,
                beyond_horizon: outcome.beyond_horizon,
            }
        }
        (Offering::Pool(offering), DeploymentSettings::Pool(settings)) => {
            let (run, beyond_horizon) = farm_run(settings.farm_config(offering, origin_into_day), requests)?;
            let bill_until = |time| {
                bill_pool(
                    &book.currency,
                    offering,
                    settings,
                    &run.usage.until(time),
                    &run.instances,
                    options.origin,
                )
            };
            let cost_curve = sample_times(run.horizon_end)
                .into_iter()
                .map(|time| (time, bill_until(time).total))
                .collect();
            let bill = bill_pool(
                &book.currency,
                offering,
                settings,
                &run.usage,
                &run.instances,
                options.origin,
            );
            Observed::from_farm(run, bill, cost_curve, beyond_horizon)
        }
        (Offering::Vm(offering), DeploymentSettings::Vm(settings)) => {
            let (run, beyond_horizon) = farm_run(settings.farm_config(offering, origin_into_day), requests)?;
            let cost_curve = sample_times(run.horizon_end)
                .into_iter()
                .map(|time| {
                    let usage = run.usage.until(time);
                    let bill = bill_vm(
                        &book.currency,
                        offering,
                        settings,
                        &usage,
                        &run.instances,
                        time.max(1),
                    );
                    (time, if time == 0 { 0.0 } else { bill.total })
                })
                .collect();
            let bill = bill_vm(
                &book.currency,
                offering,
                settings,
                &run.usage,
                &run.instances,
                run.horizon_end,
            );
            Observed::from_farm(run, bill, cost_curve, beyond_horizon)
        }
        _ => {
            return Err(Error::usage(format!(
                "the deployment's settings are not those of a {} platform",
                book.offering.family()
            )));
        }
    };
    let mut observed = observed;
    observed.add_services(&deployment.services, &tally);
    // The curve ends at the bill itself (App Engine's tail after the
    // horizon and exact calendar months of services included).
    if let Some(last) = observed.cost_curve.last_mut() {
        last.1 = observed.bill.total;
    }
    let series = RunSeries {
        cost_over_time: observed
            .cost_curve
            .iter()
            .map(|&(time, cost)| (to_seconds(time), cost))
            .collect(),
        instances_per_minute: std::mem::take(&mut observed.instances_per_minute),
        latency_cdf: std::mem::take(&mut observed.latency_cdf),
        requests_per_minute: tally.requests_per_minute().to_vec(),
    };
    Ok(SimulationResult {
        platform: book.id.clone(),
        deployment: deployment.describe(),
        start: options.origin.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        horizon_s: to_seconds(observed.horizon_end),
        requests: observed.counts,
        requests_beyond_horizon: observed.beyond_horizon,
        latency_ms: observed.latency,
        queue_ms: observed.queue,
        instances: observed.instances,
        instances_over_time: observed
            .timeline
            .iter()
            .map(|&(time, count)| (to_seconds(time), count))
            .collect(),
        mean_in_system: observed.mean_in_system,
        bill: observed.bill,
        price_book: BookReference::of(book),
        services: deployment.services.iter().map(BookReference::of).collect(),
        settings: deployment.settings.clone(),
        seed: options.seed,
        series,
    })
}

/// What a family's run observed, in the common shape of a result.
struct Observed {
    counts: RequestCounts,
    latency: LatencySummary,
    queue: LatencySummary,
    instances: InstanceSummary,
    timeline: Vec<(Micros, u32)>,
    mean_in_system: Option<f64>,
    bill: Bill,
    /// (time, platform cost so far) at the sample times.
    cost_curve: Vec<(Micros, f64)>,
    instances_per_minute: Vec<u32>,
    latency_cdf: Vec<(f64, f64)>,
    horizon_end: Micros,
    beyond_horizon: u64,
}

impl Observed {
    /// Prices the services in front of the deployment and adds them to the
    /// bill and to the cost curve.
    fn add_services(&mut self, services: &[PriceBook], tally: &WorkloadTally) {
        let offerings: Vec<_> = services
            .iter()
            .filter_map(|book| match &book.offering {
                Offering::Service(offering) => Some(offering),
                _ => None,
            })
            .collect();
        if offerings.is_empty() {
            return;
        }
        let all_months = tally.service_usage_until(Micros::MAX);
        let mut items = std::mem::take(&mut self.bill.line_items);
        for offering in &offerings {
            items.extend(bill_service(offering, &all_months));
        }
        let notes = std::mem::take(&mut self.bill.notes);
        self.bill = Bill::new(&self.bill.currency, items, self.bill.idle);
        self.bill.notes = notes;
        for (time, cost) in &mut self.cost_curve {
            let usage = tally.service_usage_until(*time);
            *cost += offerings
                .iter()
                .flat_map(|offering| bill_service(offering, &usage))
                .map(|item| item.amount)
                .sum::<f64>();
        }
    }

    fn from_farm(
        run: crate::platform::FarmRun,
        bill: Bill,
        cost_curve: Vec<(Micros, f64)>,
        beyond_horizon: u64,
    ) -> Self {
        Observed {
            cost_curve,
            instances_per_minute: run.instances_per_minute,
            latency_cdf: run.latency.cdf(CDF_POINTS),
            counts: run.counts,
            latency: run.latency.summary(),
            queue: run.queueing.summary(),
            instances: run.instances.summary(run.horizon_end),
            timeline: run.timeline,
            mean_in_system: Some(run.mean_in_system),
            bill,
            horizon_end: run.horizon_end,
            beyond_horizon,
        }
    }
}
