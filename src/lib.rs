//! costsim replays request traces through a discrete-event engine against
//! models of platform families (serverless functions first) and prices what
//! each would bill, line item by line item, with the latency, scaling and idle
//! capacity behind the numbers.
//!
//! The flow runs left to right: a workload ([`workload`]: trace files,
//! importers, generators) yields requests in arrival order; the engine
//! ([`engine`]) drives a platform model ([`platform`]) that records billable
//! [`usage`], [`metrics`] and chart [`series`]; a price book ([`pricing`])
//! turns usage into a bill; exporters ([`report`]) turn results into bytes.
//! [`simulation`] ties one deployment's run together, and [`compare`] runs a
//! [`scenario`]'s deployments side by side.

pub mod breakeven;
pub mod cache;
pub mod calendar;
pub mod cli;
pub mod compare;
pub mod distribution;
pub mod engine;
pub mod error;
pub mod metrics;
pub mod montecarlo;
pub mod output;
pub mod platform;
pub mod pricing;
pub mod progress;
pub mod replay;
pub mod report;
pub mod scenario;
pub mod series;
pub mod simulation;
pub mod slo;
pub mod sweep;
pub mod units;
pub mod usage;
pub mod verdict;
pub mod workload;
