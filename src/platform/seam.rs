//! The one seam between the generic pipeline and the platform models.
//!
//! A [`Platform`] is a model family registered once in [`REGISTRY`]: it
//! says which price books it runs, lists its settings, and configures a
//! [`Configured`] deployment from a book and the user's `KEY=VALUE`
//! settings. A configured deployment replays a request stream into a
//! [`ModelRun`]: what was observed, plus a [`Priced`] usage record that a
//! book turns into a bill at any instant, and that can be re-priced under
//! another book of the same model, or as another deployment whose settings
//! differ only in what the bill reads, without re-simulating. Nothing
//! outside a model's own file matches on its family.

use chrono::{DateTime, Utc};

use super::settings::{Setting, SettingSpec};
use crate::error::Result;
use crate::metrics::{InstanceSummary, LatencyRecorder, RequestCounts};
use crate::pricing::{Bill, PriceBook};
use crate::units::Micros;
use crate::workload::{Request, RequestBatches};

/// A model family, registered in [`REGISTRY`].
pub trait Platform: Sync {
    /// Whether this model runs the price book's offering.
    fn runs(&self, book: &PriceBook) -> bool;
    /// The settings a deployment accepts (`--set`, scenario keys).
    fn settings(&self) -> &'static [SettingSpec];
    /// Applies `settings` to the book's defaults and checks them, every
    /// problem at once.
    fn configure(&self, book: &PriceBook, settings: &[Setting]) -> Result<Box<dyn Configured>>;
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

/// A deployment: a book with resolved settings, ready to run.
pub trait Configured: Send + Sync + std::fmt::Debug {
    /// One line, e.g. `512 MB x86, keep-alive 600 s, concurrency limit 100`.
    fn describe(&self) -> String;
    /// The resolved settings, keyed as `--set` and scenarios take them.
    fn settings_json(&self) -> serde_json::Value;
    /// What decides this deployment's simulation, the bill aside: two
    /// deployments of one model with equal keys replay a workload alike,
    /// so one's run re-prices as the other ([`Priced::reprice`]). By
    /// default every setting decides it.
    fn simulation_key(&self) -> String {
        format!("{} {}", self.settings_json(), self.describe())
    }
    /// The deployment as [`Any`](std::any::Any), for its own model to read
    /// back when re-pricing a run as it.
    fn as_any(&self) -> &dyn std::any::Any;
    /// Checks a request's own fields against the platform's limits: the
    /// field and what was expected. Models whose limits no row can exceed
    /// accept every request. Only requests that set fields of their own
    /// ([`Request::has_own_fields`]) are asked about: a row of a trace
    /// without `memory_mb` or `bytes_out` columns is not checked at all, so
    /// a check must look at nothing else.
    fn check_request(&self, _request: &Request) -> std::result::Result<(), (&'static str, String)> {
        Ok(())
    }
    /// Replays `requests` (in arrival order). `bill_data_out` is false when
    /// a service in front bills the client-facing data out.
    fn run(
        &self,
        requests: &mut dyn RequestBatches,
        options: &RunOptions,
        bill_data_out: bool,
    ) -> Result<ModelRun>;
}

/// What a model observed, in the shape every exporter reads.
#[derive(Debug)]
pub struct ModelRun {
    pub counts: RequestCounts,
    /// What the client saw: served requests' latency, and timed-out ones'
    /// at the moment the client got the timeout.
    pub latency: LatencyRecorder,
    /// The served requests' own latency (timed-out ones left out).
    pub served_latency: LatencyRecorder,
    /// Waits before execution starts (queueing, cold starts, wake-ups).
    pub queueing: LatencyRecorder,
    pub instances: InstanceSummary,
    /// (time, live instances) at each change, for pools and VMs.
    pub timeline: Vec<(Micros, u32)>,
    /// Time-averaged requests in the system (pools and VMs).
    pub mean_in_system: Option<f64>,
    /// Most instances alive in each minute.
    pub instances_per_minute: Vec<u32>,
    pub horizon_end: Micros,
    /// Requests arriving after the horizon, read but not simulated.
    pub beyond_horizon: u64,
    pub usage: Box<dyn Priced>,
}

/// A run's billable usage, priced by the book it was configured with, or
/// re-priced under another book of the same model.
pub trait Priced: Send + std::fmt::Debug {
    /// The bill of the usage up to `until` (`Micros::MAX` for the whole
    /// run, tails after the horizon included).
    fn bill(&self, until: Micros) -> Bill;
    /// The whole run priced under `book` as deployment `as_deployment` (of
    /// the run's [`Configured::simulation_key`]): an error when the book is
    /// of another model or meters usage differently, or the deployment
    /// would have run otherwise (then re-simulate).
    fn reprice(&self, book: &PriceBook, as_deployment: &dyn Configured) -> Result<Bill>;
}

/// Every model, in the order `pricing list` groups them.
pub static REGISTRY: &[&dyn Platform] = &[
    &super::function_model::FunctionModel,
    &super::pool_model::PoolModel,
    &super::vm_model::VmModel,
    &super::flat_plan_model::FlatPlanModel,
];

/// The model that runs `book`, if any (service books are priced alongside a
/// deployment, not run).
pub fn model_for(book: &PriceBook) -> Option<&'static dyn Platform> {
    REGISTRY.iter().copied().find(|model| model.runs(book))
}
