//! Monte Carlo ranges on a bill: `compare --replications N` runs the
//! scenario's deployments N times, each replication with the uncertain
//! inputs of the scenario's `[uncertain]` table drawn afresh from their 90%
//! ranges, a new generator seed, and for a trace its days resampled, and
//! summarises what the totals, line items and p99 latencies spread over:
//! quantiles with their Monte Carlo standard errors, the chance of
//! exceeding a budget or meeting the SLO, how often each deployment was the
//! cheapest, a fan of cumulative cost over the period and, one input at a
//! time, which input moves the total most.

pub mod outcome;
pub mod run;
pub mod runs;
pub mod statistics;
pub mod summarise;
pub mod summary;
pub mod uncertain;
pub mod uncertain_toml;
