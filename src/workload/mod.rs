//! Workload sources. Every source (the native trace reader, importers of
//! public formats, synthetic generators) yields the same thing: [`Request`]s
//! in arrival order, streamed, so that nothing downstream knows or cares
//! where they came from and memory does not grow with the length of a trace.

mod arrivals;
mod batch_source;
mod batches;
mod fanout;
pub mod fill;
mod generator;
mod generator_options;
mod generator_recipe;
pub mod import;
mod interner;
mod observation;
mod prefetch;
mod request;
pub mod resample;
mod row_scan;
mod stats;
mod tally;
mod trace_input;
mod trace_reader;
mod trace_rows;
mod trace_writer;
pub mod traffic;

pub use arrivals::{ArrivalProcess, Arrivals, BucketCounts, Spread, next_uniform_share};
pub use batch_source::{BatchSource, Items};
pub use batches::{Batched, RequestBatches, drain};
pub use fanout::{Feed, fan_out, fan_out_sorted};
pub use fill::{Fill, Repeated, Tiling};
pub use generator::{FunctionMix, Generator, GeneratorSpec, WorkEstimate};
pub use generator_options::{
    DEFAULT_DURATION, DEFAULT_MAX_ROWS, GeneratorOptions, GeneratorProblems, MAX_RATE, check_rows,
};
pub use generator_recipe::{GENERATOR_KEYS, GeneratorRecipe};
pub use observation::{Observation, ObservedStream, Observer, Observing, out_of_range};
pub use prefetch::{Prefetched, prefetch};
pub use request::{
    DEFAULT_FUNCTION, FunctionId, FunctionNames, MAX_ARRIVAL, MAX_DURATION, MAX_HORIZON, Request,
};
pub use stats::{FunctionShare, RatePerSecond, StatsCollector, TraceStats};
pub use tally::WorkloadTally;
pub use trace_input::open_input;
pub use trace_reader::{DEFAULT_START, RowCheck, TraceReader, TraceTime, default_start};
pub use trace_writer::TraceWriter;
