//! What a Monte Carlo run says about each deployment, computed from the
//! replications' exact bills: the spread of the total, of each line item
//! and of p99 latency (mean, standard deviation, quantiles, each with its
//! Monte Carlo standard error), the chance of exceeding the budget and of
//! meeting the SLO, how often the deployment was the cheapest, the fan of
//! cumulative cost over the period, and the one-at-a-time swings of the
//! tornado chart. Charts, tables and files are all drawn from this.

use serde::Serialize;

use crate::pricing::Decimal;

/// Everything the Monte Carlo report shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub scenario: String,
    /// Replications summarised.
    pub replications: usize,
    /// The simulated span, in seconds (the fan's x axis ends there).
    pub horizon_s: f64,
    /// The budget `--budget` gave, in the deployments' currency.
    pub budget: Option<Decimal>,
    /// The SLO results were judged by, in words.
    pub slo: Option<String>,
    /// The uncertain inputs, in the scenario's order.
    pub inputs: Vec<InputSummary>,
    /// One per deployment, in scenario order.
    pub deployments: Vec<DeploymentSummary>,
    /// One-at-a-time swings, one entry per (input, deployment), inputs in
    /// scenario order; empty without uncertain inputs.
    pub tornado: Vec<TornadoBar>,
}

/// An uncertain input as declared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputSummary {
    /// The parameter it sets (a sweep parameter's name, e.g. `generator.rate`).
    pub name: String,
    /// The 90% range, as written (with its unit, if any).
    pub low: String,
    pub high: String,
    /// The median the tornado's base run uses, as applied.
    pub median: String,
    /// `lognormal` or `uniform`.
    pub distribution: String,
}

/// One deployment over every replication.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeploymentSummary {
    pub name: String,
    pub currency: String,
    /// The total bill.
    pub total: Spread<Decimal>,
    /// Every replication's total, in replication order (the histogram and
    /// box plot read these).
    pub totals: Vec<Decimal>,
    /// Each line item's amount, in the order of the first replication's
    /// bill (an item missing from a replication's bill counts as zero).
    pub line_items: Vec<(String, Spread<Decimal>)>,
    /// p99 latency of the replication, in milliseconds.
    pub p99_ms: Spread<f64>,
    /// P(total > budget), with a budget.
    pub over_budget: Option<Probability>,
    /// P(the replication meets the SLO), with an SLO.
    pub meets_slo: Option<Probability>,
    /// The share of replications in which this deployment had the lowest
    /// total among the results that may be crowned cheapest (meeting the
    /// SLO, or without one not degraded); ties go to the earlier deployment.
    pub cheapest: Probability,
    /// Cumulative cost over the period.
    pub fan: Fan,
}

/// How a quantity spreads over the replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spread<T> {
    pub mean: T,
    pub standard_deviation: T,
    /// The mean's standard error: standard deviation / √n.
    pub mean_standard_error: T,
    /// The quantiles asked for (P5, P50, P95 by default), in level order.
    pub quantiles: Vec<Quantile<T>>,
}

/// A quantile estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantile<T> {
    /// Its level in percent, e.g. 5, 50, 95.
    pub percent: Decimal,
    pub value: T,
    /// Monte Carlo standard error, from the order statistics that bound a
    /// 95% confidence interval of the quantile (their distance / (2 × 1.96)).
    pub standard_error: T,
}

/// A probability estimated as a share of replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Probability {
    /// Share of replications, 0 to 1.
    pub value: f64,
    /// √(p(1 − p)/n).
    pub standard_error: f64,
}

/// Cumulative cost over the period, across replications: at each time, the
/// P5, P25, P50, P75 and P95 of the replications' cumulative cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fan {
    /// Seconds since the start, increasing, from 0 to the horizon.
    pub times_s: Vec<f64>,
    /// In the deployment's currency, one value per time.
    pub p5: Vec<f64>,
    pub p25: Vec<f64>,
    pub p50: Vec<f64>,
    pub p75: Vec<f64>,
    pub p95: Vec<f64>,
}

/// One input's swing of one deployment's total: the input at the low and at
/// the high end of its 90% range, every other input at its median, the
/// scenario's seed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TornadoBar {
    pub input: String,
    pub deployment: String,
    /// The values applied, with units.
    pub low_value: String,
    pub high_value: String,
    pub at_low: Decimal,
    pub at_high: Decimal,
    /// Every input at its median.
    pub base: Decimal,
}

impl TornadoBar {
    /// How far the input moves the total: |at_high − at_low|.
    pub fn swing(&self) -> Decimal {
        (self.at_high - self.at_low).abs()
    }
}
