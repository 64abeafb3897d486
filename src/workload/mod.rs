//! Workload sources. Every source yields the same thing: [`Request`]s in
//! arrival order, streamed, so that nothing downstream knows or cares where
//! they came from and memory does not grow with the length of a trace.

mod prefetch;
mod request;
mod trace_reader;

pub use prefetch::{Prefetched, prefetch};
pub use request::{DEFAULT_FUNCTION, FunctionId, FunctionNames, Request};
pub use trace_reader::{DEFAULT_START, RowCheck, TraceReader, TraceTime, default_start};
