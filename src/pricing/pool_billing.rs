//! Billing rules of dyno pools.
//!
//! - Prorated (Heroku): a dyno's time is charged at its monthly price divided
//!   by the book's seconds per month (2,592,000: 30 days), "prorated to the
//!   second", and each dyno costs at most its monthly price per calendar
//!   month. Sleeping time is not charged. Types that sleep draw on a monthly
//!   pool of free dyno hours; a flat plan fee (Eco) is charged for each
//!   calendar month in which the type runs.
//! - Instance hours (App Engine): each instance accrues from its start until
//!   a tail (15 minutes) after its last request; instance-hours of a class
//!   count as multiples of the cheapest class's, and a daily allowance of
//!   those (reset at midnight Pacific time, taken here as UTC−8 all year)
//!   is free.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::bill::{Bill, Charge, Idle, LineItem, accumulate};
use super::pool_book::{PoolBilling, PoolOffering};
use crate::calendar::{BillingMonth, split_by_month};
use crate::metrics::InstanceTally;
use crate::platform::{FarmUsage, PoolSettings};
use crate::units::{MICROS_PER_SECOND, Micros};

const MICROS_PER_HOUR: f64 = 3_600_000_000.0;
const DAY: i64 = 86_400_000_000;
/// Pacific Standard Time is 8 hours behind UTC.
const PACIFIC_OFFSET: i64 = 8 * 3_600_000_000;

pub fn bill_pool(
    currency: &str,
    offering: &PoolOffering,
    settings: &PoolSettings,
    usage: &FarmUsage,
    tally: &InstanceTally,
    origin: DateTime<Utc>,
) -> Bill {
    let Some(kind) = offering.types.get(&settings.dyno_type) else {
        return Bill::new(currency, Vec::new(), Idle::default());
    };
    let mut items: Vec<LineItem> = Vec::new();
    let mut notes = Vec::new();
    match offering.billing {
        PoolBilling::Prorated { seconds_per_month } => {
            // Seconds per (dyno, month).
            let mut per_dyno_month: BTreeMap<(u32, BillingMonth), u128> = BTreeMap::new();
            for interval in &usage.intervals {
                for piece in split_by_month(origin, interval.start, interval.end) {
                    *per_dyno_month.entry((interval.server, piece.month)).or_default() +=
                        u128::from(piece.until - piece.from);
                }
            }
            let cap = f64::from(seconds_per_month);
            let rate = kind.price / cap;
            let item = format!("Dynos ({})", settings.dyno_type);
            let mut hours_by_month: BTreeMap<BillingMonth, f64> = BTreeMap::new();
            for ((_, month), micros) in &per_dyno_month {
                let seconds = *micros as f64 / MICROS_PER_SECOND as f64;
                *hours_by_month.entry(*month).or_default() += seconds / 3_600.0;
                if kind.sleeps && settings.free_tier {
                    continue; // priced below against the free-hours pool
                }
                let billed = seconds.min(cap);
                accumulate(
                    &mut items,
                    &item,
                    "dyno-s",
                    rate,
                    Charge {
                        billed,
                        free: seconds - billed,
                    },
                );
            }
            if kind.sleeps && settings.free_tier {
                let allowance = offering.free_hours_per_month.unwrap_or(0.0);
                for (month, hours) in &hours_by_month {
                    let free = hours.min(allowance);
                    accumulate(
                        &mut items,
                        &format!("Free dyno hours ({})", settings.dyno_type),
                        "dyno-hours",
                        kind.price / cap * 3_600.0,
                        Charge {
                            billed: hours - free,
                            free,
                        },
                    );
                    if *hours > allowance {
                        notes.push(format!(
                            "{month}: {hours:.1} free dyno hours used of the {allowance} allowed; Heroku would have put the app to sleep for the rest of the month"
                        ));
                    }
                }
            }
            if kind.plan_fee_per_month > 0.0 {
                accumulate(
                    &mut items,
                    &format!("Plan ({})", settings.dyno_type),
                    "months",
                    kind.plan_fee_per_month,
                    Charge::billed(hours_by_month.len() as f64),
                );
            }
        }
        PoolBilling::InstanceHours {
            daily_free_instance_hours,
            ..
        } => {
            // Instance-hours of this class per Pacific day, in units of the
            // cheapest class (an F2 hour is two F1 hours).
            let cheapest = offering
                .types
                .values()
                .map(|kind| kind.price)
                .filter(|price| *price > 0.0)
                .fold(f64::INFINITY, f64::min);
            let multiple = if cheapest.is_finite() {
                kind.price / cheapest
            } else {
                1.0
            };
            let origin_micros = origin.timestamp_micros();
            let mut per_day: BTreeMap<i64, f64> = BTreeMap::new();
            for interval in &usage.accrual {
                let mut from = interval.start;
                while from < interval.end {
                    let pacific = origin_micros + from as i64 - PACIFIC_OFFSET;
                    let day = pacific.div_euclid(DAY);
                    let day_end = ((day + 1) * DAY + PACIFIC_OFFSET - origin_micros) as Micros;
                    let until = interval.end.min(day_end);
                    *per_day.entry(day).or_default() += (until - from) as f64 / MICROS_PER_HOUR;
                    from = until;
                }
            }
            let allowance = if settings.free_tier {
                daily_free_instance_hours
            } else {
                0.0
            };
            for hours in per_day.values() {
                let free_units = (hours * multiple).min(allowance);
                let free = free_units / multiple;
                accumulate(
                    &mut items,
                    &format!("Instance hours ({})", settings.dyno_type),
                    "instance-hours",
                    kind.price,
                    Charge {
                        billed: hours - free,
                        free,
                    },
                );
            }
        }
    }
    let compute: f64 = items.iter().map(|item| item.amount).sum();
    let idle = Idle::share_of(compute, tally);
    let mut bill = Bill::new(currency, items, idle);
    bill.notes = notes;
    bill
}
