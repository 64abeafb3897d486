//! `costsim sweep`: a grid of parameter values over a scenario (settings of
//! any deployment, price books, the traffic level, generator parameters,
//! seeds), every point run against one read of its workload, and the
//! outcome as a tidy table, a cost–latency Pareto front and the cheapest
//! point that meets the SLO. Sweeps split into shards that run apart (Slurm
//! array jobs, Kubernetes Indexed Jobs) and merge into the same bytes.

pub mod collect;
pub mod dry_run;
pub mod grid;
pub mod grid_toml;
pub mod merge;
pub mod outcome;
pub mod plan;
pub mod point;
pub mod point_id;
pub mod run;
mod scaled_feed;
pub mod shard;
pub mod values;
