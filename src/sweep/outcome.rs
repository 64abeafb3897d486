//! What a sweep produced, in the shape its files carry: a manifest naming
//! what was swept and how (so shards of one sweep can be recognised and
//! merged), and for each point its parameter values, one summary row per
//! deployment (what `sweep.csv`, the charts and the Pareto front read) and
//! the deployments' full results as JSON (what `sweep.json` carries).
//!
//! Everything here reads back from JSON exactly (amounts are exact decimals,
//! results are kept as JSON values), so a merge of shards writes the same
//! bytes as the sweep run whole.

use serde::{Deserialize, Serialize};

use crate::compare::NamedResult;
use crate::pricing::Decimal;
use crate::report::comparison::{cost_per_million, failed};
use crate::verdict::Status;

/// What was swept, and how: equal for every shard of one sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub costsim_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// A hash of the scenario's text and of every command-line change, so
    /// shards of different scenarios are told apart.
    pub scenario_hash: String,
    /// The grid as swept (dimensions and their values, zip groups, included
    /// and excluded points).
    pub grid: serde_json::Value,
    /// Every point of the grid, whatever the shard.
    pub point_count: usize,
    /// The scenario's base seed.
    pub seed: u64,
    /// The SLO results are judged by, in words; none without one.
    pub slo: Option<String>,
    /// The SLO's p99 limit in milliseconds, if it sets one (the latency
    /// charts shade what misses it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slo_p99_ms: Option<f64>,
    /// Every price book the sweep priced with, in id order.
    pub books: Vec<BookEntry>,
    /// Which shard this is; none for a whole sweep (and for a merge).
    pub shard: Option<Shard>,
}

/// A price book a sweep priced with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookEntry {
    pub id: String,
    pub title: String,
    pub effective_date: String,
}

/// One shard of a sweep: `index` counts from 1 to `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

/// One point of the grid and what every deployment did at it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointOutcome {
    /// The point's position in grid order (from 0).
    pub index: usize,
    /// The point's stable id, derived from its values.
    pub id: String,
    /// Each swept parameter's value at this point, in the grid's dimension
    /// order; none where an included point leaves a parameter as the
    /// scenario has it.
    pub params: Vec<ParamValue>,
    /// One summary per deployment, in scenario order.
    pub rows: Vec<SweepRow>,
    /// The deployments' full results (the JSON contract of `compare`), in
    /// scenario order.
    pub results: Vec<serde_json::Value>,
}

/// A swept parameter's value at a point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamValue {
    pub name: String,
    pub value: Option<String>,
}

/// What one deployment did at one point: a row of `sweep.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    pub deployment: String,
    /// The price book's id.
    pub platform: String,
    pub currency: String,
    pub total: Decimal,
    /// Dollars per million requests.
    pub per_million: Decimal,
    /// What paid capacity that served nothing cost (`bill.idle.amount`).
    pub idle_amount: Decimal,
    pub requests: u64,
    pub cold_starts: u64,
    /// Requests throttled, timed out or interrupted.
    pub failed: u64,
    /// Client-observed latency percentiles, in milliseconds.
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    /// `meets`, `misses`, `ok` or `degraded`.
    pub verdict: String,
    /// Whether the result meets the SLO; none without an SLO.
    pub meets_slo: Option<bool>,
    /// Whether the result may be crowned cheapest (meets the SLO, or
    /// without one is not degraded).
    pub acceptable: bool,
}

impl SweepRow {
    /// The summary of one deployment's result.
    pub fn of(named: &NamedResult) -> Self {
        let result = &named.result;
        let status = result.verdict.status;
        SweepRow {
            deployment: named.name.clone(),
            platform: result.price_book.id.clone(),
            currency: result.bill.currency.clone(),
            total: result.bill.total,
            per_million: cost_per_million(result),
            idle_amount: result.bill.idle.amount,
            requests: result.requests.total,
            cold_starts: result.requests.cold_starts,
            failed: failed(result),
            p50_ms: result.latency_ms.p50,
            p95_ms: result.latency_ms.p95,
            p99_ms: result.latency_ms.p99,
            verdict: status.name().to_owned(),
            meets_slo: match status {
                Status::Meets => Some(true),
                Status::Misses => Some(false),
                Status::Ok | Status::Degraded => None,
            },
            acceptable: result.verdict.acceptable(),
        }
    }
}

/// A sweep's (or one shard's) outcome: what `sweep.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepOutcome {
    pub manifest: Manifest,
    /// The points run, in grid order.
    pub points: Vec<PointOutcome>,
}
