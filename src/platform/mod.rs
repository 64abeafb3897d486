//! Platform models, one per family, each a state machine driven by the
//! engine, with the deployment settings that configure them.

mod autoscale;
mod farm;
mod free_slots;
mod function;
mod function_settings;
mod keepalive;
mod pool_settings;
mod settings;
mod vm_settings;

pub use farm::{FarmConfig, FarmEvent, FarmRun, FarmUsage, IntervalEnd, Routing, ServerFarm, ServerInterval};
pub use function::{FunctionEvent, FunctionPlatform, FunctionRun};
pub use function_settings::{FUNCTION_SETTING_KEYS, FunctionSettings};
pub use pool_settings::{POOL_SETTING_KEYS, PoolAutoscale, PoolSettings};
pub use settings::{Setting, SettingKey};
pub use vm_settings::{VM_SETTING_KEYS, VmAutoscale, VmSettings};
