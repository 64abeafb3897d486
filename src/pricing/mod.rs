//! Pricing: price books (data) and the billing rules that turn a run's usage
//! into a bill. Pricing is a pure function of (book, pricing choices, usage):
//! choices that change only money are kept apart from behaviour settings, so
//! one simulation can be priced under several books or choices when only
//! prices differ. Money is exact decimal ([`money`]).

mod bill;
pub mod book;
mod catalog;
pub mod cpu_time;
mod data_out;
pub mod era;
mod flat_plan_billing;
pub mod flat_plan_book;
mod function_billing;
pub mod function_book;
pub mod money;
mod pool_billing;
pub mod pool_book;
mod service_billing;
pub mod service_book;
pub mod service_meters;
pub mod service_settings;
mod task_billing;
pub mod task_book;
mod tiers;
mod vm_billing;
pub mod vm_book;

pub use bill::{Bill, Charge, Idle, LineItem, accumulate};
pub use book::{Confidence, Offering, PriceBook, Source};
pub use catalog::{built_in, resolve};
pub use flat_plan_billing::{FlatPlanMonth, FlatPlanUsage, bill_flat_plan, plan_cost};
pub use function_billing::{FunctionChoices, bill_function};
pub use function_book::FunctionOffering;
pub use money::Decimal;
pub use pool_billing::{PoolChoices, bill_pool};
pub use service_billing::{ServiceContext, bill_service};
pub use service_settings::ServiceSettings;
pub use vm_billing::{VmChoices, bill_vm};
