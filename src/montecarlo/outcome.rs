//! What a Monte Carlo run produced, in the shape `montecarlo.json` (and a
//! shard's file) carries: a manifest naming what was run and how (so shards
//! of one run can be recognised and merged), and for every run, a
//! replication or one of the tornado's one-at-a-time runs, the values it
//! drew and each deployment's exact total, line items, p99 latency, verdict
//! and cumulative cost over the period. The statistics ([`Summary`]) are
//! computed from this, so a merge of shards reports the same numbers as
//! the run done whole.
//!
//! [`Summary`]: super::summary::Summary

use serde::{Deserialize, Serialize};

use crate::compare::NamedResult;
use crate::pricing::Decimal;
use crate::sweep::merge::Sharded;
use crate::sweep::outcome::{BookEntry, ParamValue, Shard};
use crate::verdict::Status;

/// Times the cumulative cost is sampled at: 0 to the horizon in this many
/// equal steps, plus one.
pub const FAN_STEPS: usize = 100;

/// What was run, and how: equal for every shard of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McManifest {
    pub costsim_version: String,
    pub scenario: String,
    /// A hash of the scenario's text and of every command-line change.
    pub scenario_hash: String,
    /// The scenario's base seed; replication r's seed derives from it.
    pub seed: u64,
    pub replications: usize,
    /// Every run: the replications, then the tornado's.
    pub run_count: usize,
    /// The quantiles reported, in percent (5, 50, 95 and any asked for).
    pub percents: Vec<Decimal>,
    pub budget: Option<Decimal>,
    /// The SLO results are judged by, in words.
    pub slo: Option<String>,
    pub inputs: Vec<InputEntry>,
    /// `days` when each replication bootstraps a trace's days.
    pub resample: Option<String>,
    /// The scenario's horizon, in seconds; none runs each workload to its end.
    pub horizon_s: Option<f64>,
    pub books: Vec<BookEntry>,
    /// Which shard this is; none for a whole run (and for a merge).
    pub shard: Option<Shard>,
}

/// An uncertain input as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputEntry {
    pub name: String,
    pub low: String,
    pub high: String,
    pub median: String,
    pub distribution: String,
}

/// What a run is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "input")]
pub enum Role {
    /// A draw of every source of uncertainty.
    Replication,
    /// Every input at its median, the scenario's seed: the tornado's base.
    Base,
    /// One input at the low end of its range, the others at their medians.
    Low(String),
    /// One input at the high end of its range, the others at their medians.
    High(String),
}

/// One run: its position (replications first, from 0), what it is for,
/// its seed, the values it applied, and each deployment's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McRun {
    pub index: usize,
    pub role: Role,
    pub seed: u64,
    pub values: Vec<ParamValue>,
    /// The simulated span, in seconds: the cumulative costs' last time.
    pub horizon_s: f64,
    pub rows: Vec<McRow>,
}

/// One deployment in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McRow {
    pub deployment: String,
    pub currency: String,
    pub total: Decimal,
    /// Each line item's amount, in the bill's order.
    pub line_items: Vec<ItemAmount>,
    pub requests: u64,
    pub p99_ms: f64,
    /// Whether the run meets the SLO; none without an SLO.
    pub meets_slo: Option<bool>,
    /// Whether the result may be crowned cheapest, as `compare` crowns it
    /// (it meets the SLO, or without one is not degraded).
    pub acceptable: bool,
    /// Cumulative cost at `FAN_STEPS + 1` equal steps of the horizon.
    pub cumulative: Vec<f64>,
}

/// A line item's amount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemAmount {
    pub item: String,
    pub amount: Decimal,
}

/// A run's (or one shard's) outcome: what `montecarlo.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McOutcome {
    pub manifest: McManifest,
    /// In index order.
    pub runs: Vec<McRun>,
}

impl Sharded for McOutcome {
    const UNIT: &'static str = "run";
    const WHOLE: &'static str = "Monte Carlo";
    fn costsim_version(&self) -> &str {
        &self.manifest.costsim_version
    }
    fn shard(&self) -> Option<Shard> {
        self.manifest.shard
    }
    fn manifest_value(&self) -> serde_json::Value {
        serde_json::to_value(&self.manifest).unwrap_or_default()
    }
    fn unit_count(&self) -> usize {
        self.manifest.run_count
    }
    fn units(&self) -> Vec<(usize, String)> {
        self.runs
            .iter()
            .map(|run| (run.index, run.role.describe()))
            .collect()
    }
    fn assemble(first: Self, rest: Vec<Self>) -> Self {
        let mut manifest = first.manifest;
        manifest.shard = None;
        let mut runs = first.runs;
        runs.extend(rest.into_iter().flat_map(|outcome| outcome.runs));
        runs.sort_by_key(|run| run.index);
        McOutcome { manifest, runs }
    }
}

impl Role {
    /// `replication`, `base`, `traffic low`, `traffic high`.
    pub fn describe(&self) -> String {
        match self {
            Role::Replication => "replication".into(),
            Role::Base => "base".into(),
            Role::Low(input) => format!("{input} low"),
            Role::High(input) => format!("{input} high"),
        }
    }
}

impl McRow {
    /// The row of one deployment's result over a horizon of `horizon_s`.
    pub fn of(named: &NamedResult, horizon_s: f64) -> Self {
        let result = &named.result;
        McRow {
            deployment: named.name.clone(),
            currency: result.bill.currency.clone(),
            total: result.bill.total,
            line_items: result
                .bill
                .line_items
                .iter()
                .map(|item| ItemAmount {
                    item: item.item.clone(),
                    amount: item.amount,
                })
                .collect(),
            requests: result.requests.total,
            p99_ms: result.latency_ms.p99,
            meets_slo: match result.verdict.status {
                Status::Meets => Some(true),
                Status::Misses => Some(false),
                Status::Ok | Status::Degraded => None,
            },
            acceptable: result.verdict.acceptable(),
            cumulative: sampled(&result.series.cost_over_time, horizon_s),
        }
    }
}

/// A cost curve (seconds, cumulative cost) read at `FAN_STEPS + 1` equal
/// steps of the horizon, linearly between its points; rounded to the
/// micro-unit, so the JSON stays short.
fn sampled(curve: &[(f64, f64)], horizon_s: f64) -> Vec<f64> {
    (0..=FAN_STEPS)
        .map(|step| {
            let time = horizon_s * step as f64 / FAN_STEPS as f64;
            (value_at(curve, time) * 1e6).round() / 1e6
        })
        .collect()
}

fn value_at(curve: &[(f64, f64)], time: f64) -> f64 {
    let after = curve.partition_point(|&(at, _)| at <= time);
    match (after.checked_sub(1).map(|index| curve[index]), curve.get(after)) {
        (None, _) => 0.0,
        (Some((_, value)), None) => value,
        (Some((t0, v0)), Some(&(t1, v1))) if t1 > t0 => v0 + (v1 - v0) * (time - t0) / (t1 - t0),
        (Some((_, value)), Some(_)) => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_curve_is_read_between_its_points() {
        // (0, 0) to (10, 5): at 2.5 s, 5 × 2.5 / 10 = 1.25; past the end, 5.
        let curve = [(0.0, 0.0), (10.0, 5.0)];
        assert_eq!(value_at(&curve, 2.5), 1.25);
        assert_eq!(value_at(&curve, 20.0), 5.0);
        assert_eq!(value_at(&[], 1.0), 0.0);
        let fan = sampled(&curve, 10.0);
        assert_eq!(fan.len(), FAN_STEPS + 1);
        assert_eq!((fan[0], fan[50], fan[100]), (0.0, 2.5, 5.0));
    }

    #[test]
    fn roles_read_back() {
        for role in [Role::Replication, Role::Base, Role::Low("traffic".into())] {
            let text = serde_json::to_string(&role).unwrap();
            assert_eq!(serde_json::from_str::<Role>(&text).unwrap(), role);
        }
    }
}
