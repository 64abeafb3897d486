//! What a break-even search produced, in the shape `breakeven.json`
//! carries: every sample of the two cost curves (the log-spaced ones and
//! the bisection's), each crossing with both deployments' bills there,
//! where the comparison ends (a deployment stops meeting the SLO), and the
//! calculators' closed form beside it.

use serde::Serialize;

use super::analytic::Analytic;
use crate::compare::NamedResult;
use crate::pricing::Decimal;
use crate::verdict::Status;
use rust_decimal::prelude::ToPrimitive;

/// One deployment at one sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub deployment: String,
    pub total: Decimal,
    /// `(item, amount)` of each line item, as billed.
    pub line_items: Vec<LineAmount>,
    /// The most instances (dynos, VMs, function instances) live at once.
    pub peak_instances: u64,
    /// `meets`, `misses`, `ok` or `degraded`.
    pub verdict: String,
    pub meets_slo: Option<bool>,
    /// Whether the result may be crowned cheapest (meets the SLO, or
    /// without one is not degraded).
    pub acceptable: bool,
    /// What idle capacity cost, as a share of the total (0 for a zero bill).
    pub idle_share: f64,
    /// The workload's own mean duration, in milliseconds.
    pub mean_duration_ms: f64,
}

/// One line item's amount.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineAmount {
    pub item: String,
    pub amount: Decimal,
}

impl Side {
    pub fn of(named: &NamedResult) -> Self {
        let result = &named.result;
        let bill = &result.bill;
        let idle_share = if bill.total.is_zero() {
            0.0
        } else {
            (bill.idle.amount / bill.total).to_f64().unwrap_or(0.0)
        };
        Side {
            deployment: named.name.clone(),
            total: bill.total,
            line_items: bill
                .line_items
                .iter()
                .map(|line| LineAmount {
                    item: line.item.clone(),
                    amount: line.amount,
                })
                .collect(),
            peak_instances: result.instances.peak,
            verdict: result.verdict.status.name().to_owned(),
            meets_slo: match result.verdict.status {
                Status::Meets => Some(true),
                Status::Misses => Some(false),
                Status::Ok | Status::Degraded => None,
            },
            acceptable: result.verdict.acceptable(),
            idle_share,
            mean_duration_ms: result.recorded_duration_ms.mean,
        }
    }
}

/// Both deployments at one value of the dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sample {
    /// When the simulated span starts (RFC 3339).
    #[serde(skip)]
    pub start: String,
    /// The value as the point set it (canonical decimal text).
    pub value: String,
    pub factor: f64,
    /// Requests in the simulated span, and per second of it.
    pub requests: u64,
    pub requests_per_second: f64,
    /// `[A, B]`.
    pub sides: [Side; 2],
}

impl Sample {
    /// total(A) − total(B).
    pub fn difference(&self) -> Decimal {
        self.sides[0].total - self.sides[1].total
    }

    /// −1, 0 or 1: the sign of total(A) − total(B).
    pub fn sign(&self) -> i8 {
        let difference = self.difference();
        if difference.is_zero() {
            0
        } else if difference.is_sign_negative() {
            -1
        } else {
            1
        }
    }
}

/// A crossing, bracketed to the tolerance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Crossing {
    /// The bracket's ends: the sign of total(A) − total(B) differs between them.
    pub low: f64,
    pub high: f64,
    /// The bracket's geometric midpoint, where the crossing is reported.
    pub at: Sample,
    /// Requests per month at the crossing (per second × the month's length).
    pub requests_per_month: f64,
    /// Which deployment is cheaper just below and just above.
    pub cheaper_below: String,
    pub cheaper_above: String,
    /// Past the end of the comparison (a deployment no longer acceptable).
    pub beyond_end: bool,
}

/// Where one deployment stops being acceptable for the rest of the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct End {
    /// The last sampled value at which both were acceptable.
    pub factor: f64,
    pub deployment: String,
    /// `misses` or `degraded`.
    pub verdict: String,
}

impl End {
    /// "the comparison ends at traffic ×F: B misses the SLO beyond".
    pub fn describe(&self, dimension: &str) -> String {
        let what = if self.verdict == "misses" {
            "misses the SLO"
        } else {
            "is degraded"
        };
        format!(
            "the comparison ends at {dimension} ×{}: {} {what} beyond",
            short(self.factor),
            self.deployment
        )
    }
}

/// A value with at most 4 significant digits, for prose.
pub fn short(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let digits = (3 - value.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{value:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A break-even search's outcome: what `breakeven.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakeven {
    pub costsim_version: String,
    pub scenario: String,
    /// The two deployments, `[A, B]`.
    pub deployments: [String; 2],
    /// What was varied (`traffic` or a sweep parameter).
    pub dimension: String,
    pub range: [f64; 2],
    pub tolerance: f64,
    /// The month requests per month are counted in, in hours.
    pub month: String,
    pub month_hours: u32,
    /// The SLO in words; none without one.
    pub slo: Option<String>,
    /// The log-spaced samples, in order.
    pub samples: Vec<Sample>,
    /// The bisection's points, in the order they ran.
    pub bisection: Vec<Sample>,
    pub crossings: Vec<Crossing>,
    pub end: Option<End>,
    /// Without a crossing in the comparison: the deployment cheaper over
    /// the whole of it.
    pub cheaper_throughout: Option<String>,
    pub analytic: Option<Analytic>,
}
