//! The `[flat_plan]` section of a price book: subscription plans with
//! quotas and limits (hook.io, Webtask, Webscript, IronWorker), raw (as
//! parsed) and validated. A plan is a monthly price (or none) with, where
//! the vendor had them, a monthly request quota (soft: counted as overage;
//! hard: rejected beyond it), a concurrency limit (rejecting or queueing at
//! it), a per-request time limit, a memory limit, rate limits per
//! second/minute/hour/day/week, a script lifetime (requests after it rejected),
//! and compute hours metered beyond an included amount.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::book::Checker;
use super::money::Decimal;
use crate::units::MICROS_PER_SECOND;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFlatPlan {
    default_plan: Spanned<String>,
    plans: Spanned<BTreeMap<String, RawPlan>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    monthly_price: Spanned<f64>,
    requests_per_month: Option<Spanned<u64>>,
    #[serde(default)]
    quota: Option<Spanned<String>>,
    concurrency: Option<Spanned<u32>>,
    #[serde(default)]
    at_limit: Option<Spanned<String>>,
    time_limit_s: Option<Spanned<f64>>,
    memory_mb: Option<Spanned<u32>>,
    #[serde(default)]
    rate_limits: Vec<RawRateLimit>,
    script_lifetime_days: Option<Spanned<u32>>,
    included_compute_hours: Option<Spanned<f64>>,
    price_per_compute_hour: Option<Spanned<f64>>,
    #[serde(default)]
    unconfirmed: bool,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRateLimit {
    per: Spanned<String>,
    requests: Spanned<u64>,
}

/// What happens to requests beyond the monthly quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quota {
    /// Served and counted as overage ("you would have needed plan X").
    Soft,
    /// Rejected.
    Hard,
}

/// What happens to a request arriving when the concurrency limit is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AtLimit {
    Reject,
    /// Waits, first come first served, for a running request to finish
    /// (IronWorker's task queue).
    Queue,
}

/// At most `requests` accepted within any `window_s` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RateLimit {
    pub per: &'static str,
    pub window_s: u64,
    pub requests: u64,
}

/// Whether a plan's figures were read in the vendor's own text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Confirmed,
    /// An [R] figure: recalled or inferred, not confirmed.
    Unconfirmed,
}

/// What a plan lets through: the part of a plan that changes behaviour,
/// not money.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanLimits {
    pub requests_per_month: Option<u64>,
    pub quota: Quota,
    pub concurrency: Option<u32>,
    pub at_limit: AtLimit,
    pub time_limit_s: Option<f64>,
    pub memory_mb: Option<u32>,
    pub rate_limits: Vec<RateLimit>,
    pub script_lifetime_days: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub monthly_price: Decimal,
    pub limits: PlanLimits,
    /// Compute hours a month covered by the plan's price.
    pub included_compute_hours: Decimal,
    /// Price of each compute hour beyond the included ones; none when
    /// compute time is not metered.
    pub price_per_compute_hour: Option<Decimal>,
    pub confidence: Confidence,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlatPlanOffering {
    pub default_plan: String,
    pub plans: BTreeMap<String, Plan>,
}

/// The rate-limit windows a book may name, in seconds.
const WINDOWS: &[(&str, u64)] = &[
    ("second", 1),
    ("minute", 60),
    ("hour", 3_600),
    ("day", 86_400),
    ("week", 604_800),
];

pub(super) fn validate_flat_plan(raw: RawFlatPlan, checker: &mut Checker) -> FlatPlanOffering {
    if raw.plans.get_ref().is_empty() {
        checker.problem(&raw.plans, "flat_plan.plans", "expected at least one plan");
    }
    if !raw.plans.get_ref().contains_key(raw.default_plan.get_ref()) {
        checker.problem(
            &raw.default_plan,
            "flat_plan.default_plan",
            format!("`{}` is not among the plans", raw.default_plan.get_ref()),
        );
    }
    let plans = raw
        .plans
        .get_ref()
        .iter()
        .map(|(name, plan)| {
            (
                name.clone(),
                validate_plan(plan, &format!("flat_plan.plans.{name}"), checker),
            )
        })
        .collect();
    FlatPlanOffering {
        default_plan: raw.default_plan.into_inner(),
        plans,
    }
}

fn validate_plan(raw: &RawPlan, key: &str, checker: &mut Checker) -> Plan {
    let quota = match raw.quota.as_ref().map(|value| (value, value.get_ref().as_str())) {
        None | Some((_, "soft")) => Quota::Soft,
        Some((_, "hard")) => Quota::Hard,
        Some((value, other)) => {
            checker.problem(
                value,
                &format!("{key}.quota"),
                format!("expected `soft` or `hard`, found `{other}`"),
            );
            Quota::Soft
        }
    };
    let at_limit = match raw
        .at_limit
        .as_ref()
        .map(|value| (value, value.get_ref().as_str()))
    {
        None | Some((_, "reject")) => AtLimit::Reject,
        Some((_, "queue")) => AtLimit::Queue,
        Some((value, other)) => {
            checker.problem(
                value,
                &format!("{key}.at_limit"),
                format!("expected `reject` or `queue`, found `{other}`"),
            );
            AtLimit::Reject
        }
    };
    let limits = PlanLimits {
        requests_per_month: raw.requests_per_month.as_ref().map(|value| *value.get_ref()),
        quota,
        concurrency: raw
            .concurrency
            .as_ref()
            .map(|value| checker.positive(value, &format!("{key}.concurrency"))),
        at_limit,
        time_limit_s: raw.time_limit_s.as_ref().map(|value| {
            let seconds = checker.seconds(value, &format!("{key}.time_limit_s"));
            checker.positive(value, &format!("{key}.time_limit_s"));
            seconds
        }),
        memory_mb: raw
            .memory_mb
            .as_ref()
            .map(|value| checker.positive(value, &format!("{key}.memory_mb"))),
        rate_limits: raw
            .rate_limits
            .iter()
            .map(|limit| validate_rate_limit(limit, &format!("{key}.rate_limits"), checker))
            .collect(),
        script_lifetime_days: raw
            .script_lifetime_days
            .as_ref()
            .map(|value| checker.positive(value, &format!("{key}.script_lifetime_days"))),
    };
    Plan {
        monthly_price: checker.price(&raw.monthly_price, &format!("{key}.monthly_price")),
        limits,
        included_compute_hours: raw
            .included_compute_hours
            .as_ref()
            .map_or(Decimal::ZERO, |value| {
                checker.quantity(value, &format!("{key}.included_compute_hours"))
            }),
        price_per_compute_hour: raw
            .price_per_compute_hour
            .as_ref()
            .map(|value| checker.price(value, &format!("{key}.price_per_compute_hour"))),
        confidence: if raw.unconfirmed {
            Confidence::Unconfirmed
        } else {
            Confidence::Confirmed
        },
        note: raw.note.clone(),
    }
}

fn validate_rate_limit(raw: &RawRateLimit, key: &str, checker: &mut Checker) -> RateLimit {
    let requests = checker.positive(&raw.requests, &format!("{key}.requests"));
    match WINDOWS.iter().find(|(name, _)| name == raw.per.get_ref()) {
        Some(&(per, window_s)) => RateLimit {
            per,
            window_s,
            requests,
        },
        None => {
            checker.problem(
                &raw.per,
                &format!("{key}.per"),
                format!(
                    "expected `second`, `minute`, `hour`, `day` or `week`, found `{}`",
                    raw.per.get_ref()
                ),
            );
            RateLimit {
                per: "second",
                window_s: 1,
                requests,
            }
        }
    }
}

impl RateLimit {
    /// The window in microseconds.
    pub fn window_us(&self) -> u64 {
        self.window_s * MICROS_PER_SECOND
    }
}
