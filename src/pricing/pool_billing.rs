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
//! - Hourly (Azure App Service): every second of each instance's life at
//!   the hourly price, whether it serves or not; no cap, no free hours.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::bill::{Bill, Charge, Idle, LineItem, accumulate, accumulate_amount, sum};
use super::money::{Decimal, ratio, round, times};
use super::pool_book::{PoolBilling, PoolOffering, PoolType};
use crate::calendar::{BillingMonth, split_by_month};
use crate::metrics::InstanceTally;
use crate::platform::FarmUsage;
use crate::units::Micros;

const MICROS_PER_HOUR: u128 = 3_600_000_000;
const DAY: i64 = 86_400_000_000;
/// Pacific Standard Time is 8 hours behind UTC.
const PACIFIC_OFFSET: i64 = 8 * 3_600_000_000;

/// What a pool bill depends on besides usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolChoices {
    /// The dyno type or instance class whose price applies.
    pub dyno_type: String,
    pub free_tier: bool,
}

pub fn bill_pool(
    currency: &str,
    offering: &PoolOffering,
    choices: &PoolChoices,
    usage: &FarmUsage,
    tally: &InstanceTally,
    origin: DateTime<Utc>,
) -> Bill {
    let Some(kind) = offering.types.get(&choices.dyno_type) else {
        return Bill::new(currency, Vec::new(), Idle::default());
    };
    let mut items: Vec<LineItem> = Vec::new();
    let mut notes = Vec::new();
    let paid_us = match offering.billing {
        PoolBilling::Prorated { seconds_per_month } => bill_prorated(
            offering,
            kind,
            choices,
            usage,
            origin,
            seconds_per_month,
            &mut items,
            &mut notes,
        ),
        PoolBilling::InstanceHours {
            daily_free_instance_hours,
            ..
        } => bill_instance_hours(
            offering,
            kind,
            choices,
            usage,
            origin,
            daily_free_instance_hours,
            &mut items,
        ),
        PoolBilling::Hourly { hours_per_month } => {
            bill_hourly(kind, choices, usage, hours_per_month, &mut items, &mut notes)
        }
    };
    if usage.bytes_out > 0 {
        notes.push("Bytes sent are not priced: this book has no data-out rate.".to_owned());
    }
    let idle = Idle::share_of(sum(&items), paid_us, tally.busy_us);
    let mut bill = Bill::new(currency, items, idle);
    bill.notes = notes;
    bill
}

/// Heroku: each dyno's seconds per calendar month at the monthly price over
/// the book's month, at most the monthly price; sleeping types draw on the
/// free-hours pool; plan fees per month of use. Returns the dyno time paid
/// for, µs (a dyno-month beyond the cap counts as the cap).
#[allow(clippy::too_many_arguments)]
fn bill_prorated(
    offering: &PoolOffering,
    kind: &PoolType,
    choices: &PoolChoices,
    usage: &FarmUsage,
    origin: DateTime<Utc>,
    seconds_per_month: u32,
    items: &mut Vec<LineItem>,
    notes: &mut Vec<String>,
) -> u128 {
    // Microseconds per (dyno, month).
    let mut per_dyno_month: BTreeMap<(u32, BillingMonth), u128> = BTreeMap::new();
    for interval in &usage.intervals {
        for piece in split_by_month(origin, interval.start, interval.end) {
            *per_dyno_month.entry((interval.server, piece.month)).or_default() +=
                u128::from(piece.until - piece.from);
        }
    }
    let cap_us = u128::from(seconds_per_month) * 1_000_000;
    let rate = kind.price / Decimal::from(seconds_per_month);
    let item = format!("Dynos ({})", choices.dyno_type);
    let sleeps_free = kind.sleeps && choices.free_tier;
    let mut micros_by_month: BTreeMap<BillingMonth, u128> = BTreeMap::new();
    let mut capped: BTreeMap<BillingMonth, (u32, u128)> = BTreeMap::new();
    let mut paid_us = 0;
    for ((_, month), micros) in &per_dyno_month {
        *micros_by_month.entry(*month).or_default() += micros;
        if sleeps_free {
            paid_us += micros;
            continue; // priced below against the free-hours pool
        }
        paid_us += (*micros).min(cap_us);
        if *micros > cap_us {
            let entry = capped.entry(*month).or_default();
            entry.0 += 1;
            entry.1 += micros - cap_us;
        }
        let seconds = ratio((*micros).min(cap_us), 1_000_000);
        // Prorated as Heroku does: the monthly price × seconds / month.
        let amount = times(kind.price, seconds) / Decimal::from(seconds_per_month);
        accumulate_amount(items, &item, "dyno-s", rate, Charge::billed(seconds), amount);
    }
    for (month, (dynos, over)) in &capped {
        notes.push(format!(
            "{month}: monthly cap: {dynos} dyno(s) ran longer than the book's {seconds_per_month} s month and were charged the monthly price ${} each; {} dyno-s beyond the cap are not charged",
            kind.price,
            ratio(*over, 1_000_000).round_dp(3)
        ));
    }
    if sleeps_free {
        bill_free_hours(
            offering,
            kind,
            choices,
            seconds_per_month,
            &micros_by_month,
            items,
            notes,
        );
    }
    if kind.plan_fee_per_month > Decimal::ZERO {
        accumulate(
            items,
            &format!("Plan ({})", choices.dyno_type),
            "months",
            kind.plan_fee_per_month,
            Charge::count(micros_by_month.len() as u128),
        );
    }
    paid_us
}

fn bill_free_hours(
    offering: &PoolOffering,
    kind: &PoolType,
    choices: &PoolChoices,
    seconds_per_month: u32,
    micros_by_month: &BTreeMap<BillingMonth, u128>,
    items: &mut Vec<LineItem>,
    notes: &mut Vec<String>,
) {
    let allowance = offering.free_hours_per_month.unwrap_or(Decimal::ZERO);
    let hourly = kind.price / Decimal::from(seconds_per_month) * Decimal::from(3_600);
    for (month, micros) in micros_by_month {
        let hours = ratio(*micros, MICROS_PER_HOUR);
        let free = hours.min(allowance);
        accumulate(
            items,
            &format!("Free dyno hours ({})", choices.dyno_type),
            "dyno-hours",
            hourly,
            Charge {
                billed: hours - free,
                free,
            },
        );
        if hours > allowance {
            notes.push(format!(
                "{month}: {} free dyno hours used of the {allowance} allowed; Heroku would have put the app to sleep for the rest of the month",
                hours.round_dp(1)
            ));
        }
    }
}

/// App Service: each instance's life at the hourly price, and what one
/// instance costs over the portal's month, if the book gives it. Returns
/// the instance time paid for, µs (all of it).
fn bill_hourly(
    kind: &PoolType,
    choices: &PoolChoices,
    usage: &FarmUsage,
    hours_per_month: Option<u32>,
    items: &mut Vec<LineItem>,
    notes: &mut Vec<String>,
) -> u128 {
    let micros: u128 = usage
        .intervals
        .iter()
        .map(|interval| u128::from(interval.end - interval.start))
        .sum();
    accumulate(
        items,
        &format!("Instance hours ({})", choices.dyno_type),
        "instance-hours",
        kind.price,
        Charge::billed(ratio(micros, MICROS_PER_HOUR)),
    );
    if let Some(hours) = hours_per_month {
        notes.push(format!(
            "The portal's month is {hours} hours: one {} instance, {hours} × ${} = ${:.2} a month",
            choices.dyno_type,
            kind.price,
            round(times(kind.price, Decimal::from(hours)), 2)
        ));
    }
    micros
}

/// App Engine: accrued instance-hours per Pacific day, with the daily free
/// hours counted in units of the cheapest class (an F2 hour is two F1 hours).
/// Returns the accrued instance time, µs.
fn bill_instance_hours(
    offering: &PoolOffering,
    kind: &PoolType,
    choices: &PoolChoices,
    usage: &FarmUsage,
    origin: DateTime<Utc>,
    daily_free_instance_hours: Decimal,
    items: &mut Vec<LineItem>,
) -> u128 {
    let cheapest = offering
        .types
        .values()
        .map(|kind| kind.price)
        .filter(|price| *price > Decimal::ZERO)
        .min();
    let multiple = cheapest.map_or(Decimal::ONE, |cheapest| kind.price / cheapest);
    let origin_micros = origin.timestamp_micros();
    let mut per_day: BTreeMap<i64, u128> = BTreeMap::new();
    for interval in &usage.accrual {
        let mut from = interval.start;
        while from < interval.end {
            let pacific = origin_micros + from as i64 - PACIFIC_OFFSET;
            let day = pacific.div_euclid(DAY);
            let day_end = ((day + 1) * DAY + PACIFIC_OFFSET - origin_micros) as Micros;
            let until = interval.end.min(day_end);
            *per_day.entry(day).or_default() += u128::from(until - from);
            from = until;
        }
    }
    let allowance = if choices.free_tier {
        daily_free_instance_hours
    } else {
        Decimal::ZERO
    };
    for micros in per_day.values() {
        let hours = ratio(*micros, MICROS_PER_HOUR);
        let free = (times(hours, multiple).min(allowance) / multiple).min(hours);
        accumulate(
            items,
            &format!("Instance hours ({})", choices.dyno_type),
            "instance-hours",
            kind.price,
            Charge {
                billed: hours - free,
                free,
            },
        );
    }
    per_day.values().sum()
}
