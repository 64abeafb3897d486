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
//!   data out per GB.

use super::bill::{Bill, Charge, Idle, LineItem, accumulate};
use super::vm_book::{VmBilling, VmOffering};
use crate::metrics::InstanceTally;
use crate::platform::{FarmUsage, IntervalEnd, VmSettings};
use crate::units::{MICROS_PER_SECOND, Micros};

const HOUR: Micros = 3_600 * MICROS_PER_SECOND;
const BYTES_PER_GB: f64 = 1_073_741_824.0;

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

pub fn bill_vm(
    currency: &str,
    offering: &VmOffering,
    settings: &VmSettings,
    usage: &FarmUsage,
    tally: &InstanceTally,
    horizon_end: Micros,
) -> Bill {
    let Some(kind) = offering.types.get(&settings.instance_type) else {
        return Bill::new(currency, Vec::new(), Idle::default());
    };
    let horizon_hours = horizon_end.div_ceil(HOUR).max(1);
    let minimum = u64::from(offering.minimum_billed_s) * MICROS_PER_SECOND;
    let buckets = billed_by_hour(settings.billing, minimum, usage, horizon_hours as usize);
    let reserved_per_hour = u128::from(settings.reserved) * u128::from(HOUR);
    let covered: u128 = buckets.iter().map(|used| (*used).min(reserved_per_hour)).sum();
    let used: u128 = buckets.iter().sum();
    let hours = |micros: u128| micros as f64 / HOUR as f64;

    let mut items: Vec<LineItem> = Vec::new();
    let (label, rate) = if settings.spot {
        ("spot", kind.hourly_price * (1.0 - offering.spot_discount))
    } else {
        ("on-demand", kind.hourly_price)
    };
    accumulate(
        &mut items,
        &format!("Instances ({}, {label})", settings.instance_type),
        "instance-hours",
        rate,
        Charge {
            billed: hours(used - covered),
            free: 0.0,
        },
    );
    if settings.reserved > 0 {
        accumulate(
            &mut items,
            &format!("Reserved instances ({})", settings.instance_type),
            "instance-hours",
            kind.hourly_price * (1.0 - offering.reserved_discount),
            Charge::billed(f64::from(settings.reserved) * horizon_hours as f64),
        );
    }
    let compute: f64 = items.iter().map(|item| item.amount).sum();
    let gigabytes = usage.bytes_out as f64 / BYTES_PER_GB;
    if let Some(balancer) = offering.load_balancer.as_ref().filter(|_| settings.load_balancer) {
        accumulate(
            &mut items,
            "Load balancer",
            "hours",
            balancer.hourly_price,
            Charge::billed(horizon_hours as f64),
        );
        if gigabytes > 0.0 {
            accumulate(
                &mut items,
                "Load balancer data processed",
                "GB",
                balancer.price_per_gb,
                Charge::billed(gigabytes),
            );
        }
    }
    if let Some(price) = offering.data_out_price_per_gb.filter(|_| gigabytes > 0.0) {
        accumulate(
            &mut items,
            "Data transfer out",
            "GB",
            price,
            Charge::billed(gigabytes),
        );
    }
    let idle = Idle::share_of(compute, tally);
    Bill::new(currency, items, idle)
}
