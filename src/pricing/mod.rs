//! Pricing: price books (data) and the billing rules that turn a run's usage
//! into a bill. Pricing is a pure function of usage, so one simulation can be
//! priced under several books when only prices differ.

mod bill;
pub mod book;
mod catalog;
mod function_billing;
mod pool_billing;
pub mod pool_book;
mod service_billing;
pub mod service_book;
mod vm_billing;
pub mod vm_book;

pub use bill::{Bill, Charge, Idle, LineItem, accumulate};
pub use book::{FunctionOffering, Offering, PriceBook};
pub use catalog::{built_in, resolve};
pub use function_billing::bill_function;
pub use pool_billing::bill_pool;
pub use service_billing::bill_service;
pub use vm_billing::bill_vm;
