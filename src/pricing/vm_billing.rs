//! Billing rules of VM groups (EC2 and peers).
//!
//! - Hourly (EC2 before 2017-10-02): each instance launch bills every
//!   started hour in full; a spot instance the provider interrupts is not
//!   charged its partial last hour.
//! - Per second: each launch bills its seconds, at least the book's minimum
//!   (60 s).
//! - Reserved: `reserved` instances are billed every hour of the horizon at
//!   the reserved rate, used or not; in each clock hour they cover up to
//!   `reserved` instance-hours of use, and the rest is billed on demand.
//! - Spot: the on-demand rate less the book's spot discount.
//! - Load balancer: every started hour of the horizon, plus data processed;
//!   data out by the month's volume tiers.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::bill::{Bill, Charge, Idle, LineItem, accumulate, sum};
use super::data_out::BYTES_PER_GB;
use super::money::{Decimal, ratio};
use super::task_billing::bill_tasks;
use super::vm_book::{VmBilling, VmOffering, VmType};
use crate::calendar::MonthCursor;
use crate::metrics::InstanceTally;
use crate::platform::{FarmUsage, IntervalEnd};
use crate::units::{MICROS_PER_SECOND, Micros};

const HOUR: Micros = 3_600 * MICROS_PER_SECOND;

/// Billed instance time per clock hour (counted from the origin), in µs.
fn billed_by_hour(billing: VmBilling, minimum: Micros, usage: &FarmUsage, hours: usize) -> Vec<u128> {
    let mut buckets = vec![0u128; hours.max(1)];
    let mut add = |hour: usize, amount: u128| {
        if hour >= buckets.len() {
            buckets.resize(hour + 1, 0);
        }
        buckets[hour] += amount;
    };
    for interval in &usage.intervals {
        let length = interval.end - interval.start;
        let first_hour = (interval.start / HOUR) as usize;
        match billing {
            VmBilling::Hourly => {
                let whole = if interval.ended == IntervalEnd::Interrupted {
                    length / HOUR
                } else {
                    length.div_ceil(HOUR).max(1)
                };
                for hour in 0..whole as usize {
                    add(first_hour + hour, u128::from(HOUR));
                }
            }
            VmBilling::PerSecond => {
                let mut from = interval.start;
                while from < interval.end {
                    let until = interval.end.min((from / HOUR + 1) * HOUR);
                    add((from / HOUR) as usize, u128::from(until - from));
                    from = until;
                }
                // Whole seconds, at least the minimum, charged in the launch hour.
                let billed = length
                    .div_ceil(MICROS_PER_SECOND)
                    .max(minimum / MICROS_PER_SECOND)
                    * MICROS_PER_SECOND;
                add(first_hour, u128::from(billed - length));
            }
        }
    }
    buckets
}

/// What a VM bill depends on besides usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VmChoices {
    pub instance_type: String,
    pub billing: VmBilling,
    pub reserved: u32,
    pub spot: bool,
    pub load_balancer: bool,
    /// Ephemeral storage per task, GB (task sizes only; 0 = the included).
    pub ephemeral_storage_gb: u32,
}

/// Bytes sent per calendar month, each hour from the origin counted in the
/// month its start falls in.
fn bytes_by_month(usage: &FarmUsage, origin: DateTime<Utc>) -> Vec<u128> {
    let mut cursor = MonthCursor::new(origin);
    let mut months: Vec<u128> = Vec::new();
    for (hour, bytes) in usage.bytes_by_hour.iter().enumerate() {
        let index = cursor.advance_to(hour as Micros * HOUR);
        if months.len() <= index {
            months.resize(index + 1, 0);
        }
        months[index] += bytes;
    }
    months
}

/// The load balancer (every started hour of the horizon and data processed)
/// and data out by the month's tiers; notes for bytes no rate prices.
fn bill_traffic(
    offering: &VmOffering,
    choices: &VmChoices,
    usage: &FarmUsage,
    origin: DateTime<Utc>,
    horizon_hours: u64,
    items: &mut Vec<LineItem>,
) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(balancer) = offering.load_balancer.as_ref().filter(|_| choices.load_balancer) {
        accumulate(
            items,
            "Load balancer",
            "hours",
            balancer.hourly_price,
            Charge::count(u128::from(horizon_hours)),
        );
        if usage.bytes_out > 0 {
            accumulate(
                items,
                "Load balancer data processed",
                "GB",
                balancer.price_per_gb,
                Charge::billed(ratio(usage.bytes_out, BYTES_PER_GB)),
            );
        }
    }
    match &offering.data_out {
        Some(data_out) => {
            for bytes in bytes_by_month(usage, origin) {
                data_out.bill_month("Data transfer out", bytes, items);
            }
        }
        None if usage.bytes_out > 0 => {
            notes.push("Bytes sent are not priced: this book has no data-out rate.".to_owned())
        }
        None => {}
    }
    notes
}

pub fn bill_vm(
    currency: &str,
    offering: &VmOffering,
    choices: &VmChoices,
    usage: &FarmUsage,
    tally: &InstanceTally,
    origin: DateTime<Utc>,
    horizon_end: Micros,
) -> Bill {
    let Some(kind) = offering.types.get(&choices.instance_type) else {
        return Bill::new(currency, Vec::new(), Idle::default());
    };
    let horizon_hours = horizon_end.div_ceil(HOUR).max(1);
    let minimum_s = kind
        .task
        .as_ref()
        .map_or(offering.minimum_billed_s, |task| task.rates.minimum_billed_s);
    let minimum = u64::from(minimum_s) * MICROS_PER_SECOND;
    let buckets = billed_by_hour(choices.billing, minimum, usage, horizon_hours as usize);
    let reserved_per_hour = u128::from(choices.reserved) * u128::from(HOUR);
    let covered: u128 = buckets.iter().map(|used| (*used).min(reserved_per_hour)).sum();
    let used: u128 = buckets.iter().sum();
    let mut items: Vec<LineItem> = Vec::new();
    if let Some(task) = &kind.task {
        let terms = (used, choices.ephemeral_storage_gb, choices.spot);
        bill_tasks(offering, task, kind.vcpus, terms, &mut items);
    } else {
        bill_instances(
            offering,
            kind,
            choices,
            (used, covered, horizon_hours),
            &mut items,
        );
    }
    let compute = sum(&items);
    let notes = bill_traffic(offering, choices, usage, origin, horizon_hours, &mut items);
    // Paid capacity: the instance time billed beyond the reservations, and
    // every reserved hour, used or not.
    let paid_us = used - covered + reserved_per_hour * u128::from(horizon_hours);
    let idle = Idle::share_of(compute, paid_us, tally.busy_us);
    let mut bill = Bill::new(currency, items, idle);
    bill.notes = notes;
    bill
}

/// Instance-hours on demand or spot, and reserved instances.
fn bill_instances(
    offering: &VmOffering,
    kind: &VmType,
    choices: &VmChoices,
    (used, covered, horizon_hours): (u128, u128, u64),
    items: &mut Vec<LineItem>,
) {
    let hours = |micros: u128| ratio(micros, u128::from(HOUR));
    let (label, rate) = if choices.spot {
        (
            "spot",
            kind.hourly_price * (Decimal::ONE - offering.spot_discount),
        )
    } else {
        ("on-demand", kind.hourly_price)
    };
    accumulate(
        items,
        &format!("Instances ({}, {label})", choices.instance_type),
        "instance-hours",
        rate,
        Charge::billed(hours(used - covered)),
    );
    if choices.reserved > 0 {
        accumulate(
            items,
            &format!("Reserved instances ({})", choices.instance_type),
            "instance-hours",
            kind.hourly_price * (Decimal::ONE - offering.reserved_discount),
            Charge::count(u128::from(choices.reserved) * u128::from(horizon_hours)),
        );
    }
}
