//! One deployment over one workload, left to right: settings resolved
//! against a price book, requests replayed through the family's model, usage
//! priced into a bill, and the result every exporter reads.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::engine;
use crate::error::Result;
use crate::metrics::{InstanceSummary, LatencySummary, RequestCounts};
use crate::platform::{FunctionPlatform, FunctionSettings, Setting, check_memory};
use crate::pricing::{Bill, Offering, PriceBook, bill_function};
use crate::units::{Micros, to_seconds};
use crate::workload::Request;

/// A price book with settings resolved and checked against it: everything
/// needed to build a model, validated before any request is read.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub book: PriceBook,
    pub settings: DeploymentSettings,
}

/// Resolved settings of a deployment, by platform family.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum DeploymentSettings {
    Function(FunctionSettings),
}

impl Deployment {
    pub fn resolve(book: PriceBook, settings: &[Setting]) -> Result<Self> {
        let settings = match &book.offering {
            Offering::Function(offering) => {
                DeploymentSettings::Function(FunctionSettings::resolve(&book.id, offering, settings)?)
            }
        };
        Ok(Deployment { book, settings })
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
        }
    }

    /// Checks a request's own fields against the platform's limits; the error
    /// names the field and what was expected.
    pub fn check_request(&self, request: &Request) -> std::result::Result<(), (&'static str, String)> {
        match (&self.book.offering, request.memory_mb) {
            (Offering::Function(offering), Some(memory_mb)) => {
                check_memory(offering, memory_mb).map_err(|problem| ("memory_mb", problem))
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
    pub instances: InstanceSummary,
    pub bill: Bill,
    pub price_book: BookReference,
    pub settings: DeploymentSettings,
    pub seed: u64,
}

/// Replays `requests` (in arrival order) through `deployment`.
pub fn simulate<I>(deployment: &Deployment, requests: I, options: RunOptions) -> Result<SimulationResult>
where
    I: IntoIterator<Item = Result<Request>>,
{
    let book = &deployment.book;
    let (counts, latency, instances, bill, horizon_end, beyond_horizon) =
        match (&book.offering, &deployment.settings) {
            (Offering::Function(offering), DeploymentSettings::Function(settings)) => {
                let mut model = FunctionPlatform::new(
                    settings.clone(),
                    &offering.billing,
                    options.origin,
                    options.horizon,
                    options.seed,
                );
                let outcome = engine::run(&mut model, requests, options.horizon)?;
                let run = model.finish();
                let bill = bill_function(&book.currency, offering, settings, &run.usage);
                (
                    run.counts,
                    run.latency.summary(),
                    run.instances.summary(run.horizon_end),
                    bill,
                    run.horizon_end,
                    outcome.beyond_horizon,
                )
            }
        };
    Ok(SimulationResult {
        platform: book.id.clone(),
        deployment: deployment.describe(),
        start: options.origin.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        horizon_s: to_seconds(horizon_end),
        requests: counts,
        requests_beyond_horizon: beyond_horizon,
        latency_ms: latency,
        instances,
        bill,
        price_book: BookReference {
            id: book.id.clone(),
            title: book.title.clone(),
            effective_date: book.effective_date.to_string(),
            sources: book.sources.clone(),
        },
        settings: deployment.settings.clone(),
        seed: options.seed,
    })
}
