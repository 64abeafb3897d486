//! CPU time billed apart from wall time (Cloudflare Workers): a function
//! book's `[function.billing.cpu_time]` prices CPU-milliseconds per million
//! after a monthly allowance, and `[function.billing.subscription]` a
//! monthly base price that includes the allowances. A request's CPU time is
//! the deployment's `cpu_ms_per_request`, or else its whole billed duration
//! (an upper bound: waiting on I/O costs no CPU).

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::bill::{Charge, LineItem, accumulate};
use super::book::Checker;
use super::money::{Decimal, from_count, per_million, ratio};
use super::tiers::{self, Tier};
use crate::usage::FunctionMeters;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCpuTime {
    included_ms_per_month: Spanned<f64>,
    price_per_million_ms: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSubscription {
    name: String,
    monthly_price: Spanned<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CpuTime {
    pub included_ms_per_month: Decimal,
    pub price_per_million_ms: Decimal,
}

/// A monthly base price, billed for every calendar month of the run.
#[derive(Debug, Clone, Serialize)]
pub struct Subscription {
    pub name: String,
    pub monthly_price: Decimal,
}

pub(super) fn validate_cpu_time(raw: &RawCpuTime, checker: &mut Checker) -> CpuTime {
    CpuTime {
        included_ms_per_month: checker.quantity(
            &raw.included_ms_per_month,
            "function.billing.cpu_time.included_ms_per_month",
        ),
        price_per_million_ms: checker.price(
            &raw.price_per_million_ms,
            "function.billing.cpu_time.price_per_million_ms",
        ),
    }
}

pub(super) fn validate_subscription(raw: &RawSubscription, checker: &mut Checker) -> Subscription {
    Subscription {
        name: raw.name.clone(),
        monthly_price: checker.price(&raw.monthly_price, "function.billing.subscription.monthly_price"),
    }
}

/// One month's CPU-milliseconds: `cpu_ms_per_request` × requests, or the
/// billed duration (MB·µs over the configured memory) when none is given.
pub fn cpu_ms(month: &FunctionMeters, cpu_ms_per_request: Option<Decimal>, memory_mb: u32) -> Decimal {
    match cpu_ms_per_request {
        Some(per_request) => from_count(u128::from(month.requests)) * per_request,
        None => ratio(month.on_demand_mb_us, u128::from(memory_mb.max(1)) * 1_000),
    }
}

/// The month's subscription and CPU time beyond the allowance.
pub fn bill_cpu_month(
    (cpu_time, subscription): (Option<&CpuTime>, Option<&Subscription>),
    used_ms: Decimal,
    items: &mut Vec<LineItem>,
) {
    if let Some(subscription) = subscription {
        accumulate(
            items,
            &subscription.name,
            "months",
            subscription.monthly_price,
            Charge::count(1),
        );
    }
    if let Some(cpu_time) = cpu_time {
        let tier = [Tier {
            up_to: None,
            price: per_million(cpu_time.price_per_million_ms),
        }];
        tiers::bill(
            items,
            "CPU time",
            "CPU-ms",
            used_ms,
            cpu_time.included_ms_per_month,
            &tier,
        );
    }
}

/// Lines for `pricing show`: the monthly base and the CPU-time rate.
pub fn describe(billing: &super::function_book::FunctionBilling) -> String {
    let mut out = String::new();
    if let Some(subscription) = &billing.subscription {
        out.push_str(&format!(
            "\n{}: ${} a month, including the free allowances.",
            subscription.name,
            subscription.monthly_price.normalize()
        ));
    }
    if let Some(cpu_time) = &billing.cpu_time {
        out.push_str(&format!(
            "\nCPU time: ${} per million CPU-ms after {} CPU-ms a month (cpu_ms_per_request; wall time is not billed).",
            cpu_time.price_per_million_ms.normalize(),
            cpu_time.included_ms_per_month.normalize()
        ));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}
