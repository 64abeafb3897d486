//! Platform models, each a state machine driven by the engine, behind one
//! seam ([`Platform`], [`REGISTRY`]): the function model, and the server
//! farm shared by dyno pools and VM groups, with the settings that
//! configure them.

mod autoscale;
mod farm;
mod flat_plan_fit;
mod flat_plan_limits;
mod flat_plan_model;
mod flat_plan_rate;
mod flat_plan_run;
mod flat_plan_settings;
mod free_slots;
mod function;
mod function_model;
mod function_settings;
mod keepalive;
mod pool_model;
mod pool_settings;
mod seam;
mod settings;
pub mod speed;
mod vm_model;
mod vm_settings;

pub use farm::{FarmConfig, FarmEvent, FarmRun, FarmUsage, IntervalEnd, Routing, ServerFarm, ServerInterval};
pub use function::{FunctionEvent, FunctionPlatform, FunctionRun};
pub use function_settings::FunctionSettings;
pub use pool_settings::{PoolAutoscale, PoolSettings};
pub use seam::{Configured, ModelRun, Platform, Priced, REGISTRY, RunOptions, model_for};
pub use settings::{Kind, Setting, SettingSpec};
pub use vm_settings::{VmAutoscale, VmSettings};

use chrono::{DateTime, Utc};

use crate::units::Micros;

/// How far into its UTC day `origin` lies (for scaling schedules).
fn origin_into_day(origin: DateTime<Utc>) -> Micros {
    const DAY: i64 = 86_400_000_000;
    origin.timestamp_micros().rem_euclid(DAY) as Micros
}

/// Replays `requests` through a server farm configured by `config`, its
/// usage priced by `priced` (the pool and VM models differ only there).
fn run_farm(
    config: FarmConfig,
    requests: &mut dyn crate::workload::RequestBatches,
    options: &RunOptions,
    priced: impl FnOnce(FarmRun) -> Box<dyn Priced>,
) -> crate::error::Result<ModelRun> {
    let mut farm = ServerFarm::new(config, options.horizon, options.seed);
    let outcome = crate::engine::run(&mut farm, requests, options.horizon)?;
    Ok(farm_model_run(farm.finish(), outcome.beyond_horizon, priced))
}

/// The seam's view of a farm run, its usage priced by `priced`.
fn farm_model_run(
    run: FarmRun,
    beyond_horizon: u64,
    priced: impl FnOnce(FarmRun) -> Box<dyn Priced>,
) -> ModelRun {
    let mut run = run;
    let served_latency = std::mem::take(&mut run.latency);
    let mut latency = served_latency.clone();
    latency.merge(&run.timed_out_latency);
    ModelRun {
        counts: run.counts,
        latency,
        served_latency,
        queueing: std::mem::take(&mut run.queueing),
        instances: run.instances.summary(run.horizon_end),
        timeline: std::mem::take(&mut run.timeline),
        mean_in_system: Some(run.mean_in_system),
        instances_per_minute: std::mem::take(&mut run.instances_per_minute),
        horizon_end: run.horizon_end,
        beyond_horizon,
        usage: priced(run),
    }
}
