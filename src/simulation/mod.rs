//! One deployment over one workload, left to right: a price book and
//! settings configured through the platform seam ([`Deployment`]), requests
//! replayed into a model run, usage priced into a bill, and the result
//! every exporter reads ([`SimulationResult`]).

mod deployment;
mod result;
mod run;

pub use crate::platform::RunOptions;
pub use deployment::Deployment;
pub use result::{BookReference, SimulationResult};
pub use run::{simulate, simulate_repriced, simulate_stream};
