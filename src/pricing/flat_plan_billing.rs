//! Billing rule of flat plans: the plan's monthly price for each calendar
//! month (UTC) the deployment spans, started months in full (a
//! subscription is paid by the month, not prorated), plus compute hours
//! beyond the plan's included ones where the plan meters them. Requests
//! over a soft monthly quota cost nothing extra but are reported.

use serde::Serialize;

use super::bill::{Bill, Charge, Idle, LineItem, accumulate};
use super::flat_plan_book::{Plan, Quota};
use super::money::{Decimal, ratio, times};
use crate::calendar::BillingMonth;
use crate::units::Micros;

const MICROS_PER_HOUR: u128 = 3_600_000_000;

/// One calendar month of a flat-plan deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlatPlanMonth {
    pub month: BillingMonth,
    /// Offset from the run's origin at which the month starts (0 for the
    /// origin's own month).
    pub starts_at: Micros,
    /// Requests let through (served or timed out).
    pub accepted: u64,
    /// Accepted requests beyond a soft monthly quota.
    pub over_quota: u64,
    /// Execution time of the accepted requests, µs (cut at the time limit).
    pub compute_us: u128,
}

/// A flat-plan run's billable usage: its months, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FlatPlanUsage {
    pub months: Vec<FlatPlanMonth>,
}

/// The bill of `plan` (named `name`) for the months of `usage` started by
/// `until` (a month's subscription is due at its start).
pub fn bill_flat_plan(currency: &str, name: &str, plan: &Plan, usage: &FlatPlanUsage, until: Micros) -> Bill {
    let months: Vec<&FlatPlanMonth> = usage
        .months
        .iter()
        .filter(|month| month.starts_at <= until)
        .collect();
    let mut items: Vec<LineItem> = Vec::new();
    let mut notes = Vec::new();
    accumulate(
        &mut items,
        &format!("Plan ({name})"),
        "months",
        plan.monthly_price,
        Charge::count(months.len() as u128),
    );
    for month in &months {
        if let Some(price) = plan.price_per_compute_hour {
            let hours = ratio(month.compute_us, MICROS_PER_HOUR);
            let free = hours.min(plan.included_compute_hours);
            accumulate(
                &mut items,
                &format!("Compute hours ({name})"),
                "compute-hours",
                price,
                Charge {
                    billed: hours - free,
                    free,
                },
            );
        }
        if let Some(note) = quota_note(plan, month) {
            notes.push(note);
        }
    }
    let mut bill = Bill::new(currency, items, Idle::default());
    bill.notes = notes;
    bill
}

/// What a month's requests beyond a soft quota mean.
fn quota_note(plan: &Plan, month: &FlatPlanMonth) -> Option<String> {
    let quota = plan.limits.requests_per_month?;
    (plan.limits.quota == Quota::Soft && month.over_quota > 0).then(|| {
        format!(
            "{}: {} requests, {} beyond the plan's quota of {quota} a month (a soft limit: served, but the vendor's terms call for a bigger plan)",
            month.month, month.accepted, month.over_quota
        )
    })
}

/// What `plan` would cost for months with this much compute each: its
/// price per month plus metered compute beyond the included hours.
pub fn plan_cost(plan: &Plan, compute_us_by_month: &[u128]) -> Decimal {
    let months = Decimal::from(compute_us_by_month.len() as u64);
    let compute: Decimal = match plan.price_per_compute_hour {
        Some(price) => compute_us_by_month
            .iter()
            .map(|micros| {
                let hours = ratio(*micros, MICROS_PER_HOUR);
                times(hours - hours.min(plan.included_compute_hours), price)
            })
            .sum(),
        None => Decimal::ZERO,
    };
    times(plan.monthly_price, months).saturating_add(compute)
}
