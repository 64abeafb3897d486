//! Platform models, one per family, each a state machine driven by the
//! engine, with the deployment settings that configure them.

mod delay;
mod function;
mod function_settings;
mod keepalive;
mod settings;

pub use delay::{DelaySampler, DelaySpec};
pub use function::{FunctionEvent, FunctionPlatform, FunctionRun};
pub use function_settings::{FUNCTION_SETTING_KEYS, FunctionSettings, check_memory};
pub use settings::{Setting, SettingKey};
