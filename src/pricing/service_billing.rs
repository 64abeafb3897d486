//! Billing of services priced alongside a deployment:
//!
//! - requests (API Gateway): each calendar month's requests fall into the
//!   monthly tiers by their cumulative position; client-facing bytes are
//!   priced by the data-out tiers;
//! - units per request (DynamoDB request units, S3 GETs/PUTs): the month's
//!   requests × the deployment's count per request, after a monthly allowance;
//! - storage: the deployment's GB for the part of each month the horizon
//!   covers (GB-months prorated by time), less the free GB likewise prorated;
//! - provisioned capacity: units above the free ones × hours of the horizon;
//! - node fees (Docker Cloud): the platform's live instances × hours, from
//!   its instance timeline, or a share of its instance-hour charges.

use chrono::{DateTime, Utc};

use super::bill::{Bill, Charge, LineItem, accumulate};
use super::money::{Decimal, from_count, per_million, ratio};
use super::service_book::ServiceOffering;
use super::service_meters::{NodeFee, ServiceMeters};
use super::service_settings::ServiceSettings;
use super::tiers::{self, Tier};
use crate::calendar::split_by_month;
use crate::units::{MICROS_PER_SECOND, Micros};
use crate::usage::ServiceUsage;

const HOUR: u128 = 3_600 * MICROS_PER_SECOND as u128;

/// What a service's time-based charges read from the run underneath.
#[derive(Debug, Clone, Copy)]
pub struct ServiceContext<'a> {
    pub origin: DateTime<Utc>,
    /// The end of the billed span: the horizon, or an earlier instant for
    /// the cost curve.
    pub until: Micros,
    /// (time, live instances) at each change, from the platform's model.
    pub timeline: &'a [(Micros, u32)],
    /// The platform's own bill over the same span.
    pub platform: &'a Bill,
}

/// The line items `service` adds for `usage`.
pub fn bill_service(
    service: &ServiceOffering,
    settings: &ServiceSettings,
    usage: &ServiceUsage,
    context: &ServiceContext,
) -> Vec<LineItem> {
    // Tiers in millions become tiers in requests at a price per request.
    let per_request: Vec<Tier> = service
        .request_tiers
        .iter()
        .map(|tier| Tier {
            up_to: tier.up_to.map(|millions| millions * Decimal::from(1_000_000)),
            price: per_million(tier.price),
        })
        .collect();
    let mut items = Vec::new();
    for month in &usage.months {
        let requests = from_count(u128::from(month.requests));
        if !per_request.is_empty() {
            let label = format!("{} requests", service.name);
            tiers::bill(
                &mut items,
                &label,
                "requests",
                requests,
                Decimal::ZERO,
                &per_request,
            );
        }
        bill_units(&service.meters, settings, requests, &mut items);
        if let Some(data_out) = &service.data_out {
            data_out.bill_month(
                &format!("{} data transfer out", service.name),
                month.bytes_out,
                &mut items,
            );
        }
    }
    bill_time(service, settings, context, &mut items);
    bill_node_fee(&service.meters, context, &mut items);
    items
}

/// One month's units per request, after the monthly allowance.
fn bill_units(
    meters: &ServiceMeters,
    settings: &ServiceSettings,
    requests: Decimal,
    items: &mut Vec<LineItem>,
) {
    for unit in &meters.units {
        let per_request = settings
            .per_request
            .get(&unit.count)
            .copied()
            .unwrap_or(Decimal::ZERO);
        let used = requests * per_request;
        let tier = [Tier {
            up_to: None,
            price: unit.price_per_unit,
        }];
        tiers::bill(
            items,
            &unit.label,
            unit.count.name(),
            used,
            unit.free_per_month,
            &tier,
        );
    }
}

/// Storage (GB-months) and provisioned capacity (unit-hours) over the
/// billed span, month by month.
fn bill_time(
    service: &ServiceOffering,
    settings: &ServiceSettings,
    context: &ServiceContext,
    items: &mut Vec<LineItem>,
) {
    let meters = &service.meters;
    if meters.storage.is_none() && meters.capacity.is_empty() {
        return;
    }
    for piece in split_by_month(context.origin, 0, context.until) {
        let span = u128::from(piece.until - piece.from);
        let month_length = piece.month.next().start_epoch_micros() - piece.month.start_epoch_micros();
        let share_of_month = ratio(span, u128::try_from(month_length).unwrap_or(u128::MAX).max(1));
        if let Some(storage) = &meters.storage {
            let billed = (settings.storage_gb - storage.free_gb).max(Decimal::ZERO) * share_of_month;
            let free = settings.storage_gb.min(storage.free_gb) * share_of_month;
            accumulate(
                items,
                &format!("{} storage", service.name),
                "GB-months",
                storage.price_per_gb_month,
                Charge { billed, free },
            );
        }
        let hours = ratio(span, HOUR);
        for rate in &meters.capacity {
            let units = settings.capacity_units.get(&rate.count).copied().unwrap_or(0);
            let billed = units.saturating_sub(rate.free_units);
            accumulate(
                items,
                &rate.label,
                "unit-hours",
                rate.price_per_unit_hour,
                Charge {
                    billed: Decimal::from(billed) * hours,
                    free: Decimal::from(units - billed) * hours,
                },
            );
        }
    }
}

/// Live instances × time from a timeline of (time, count) changes, to `until`.
fn node_micros(timeline: &[(Micros, u32)], until: Micros) -> u128 {
    let mut total = 0u128;
    for (index, &(time, count)) in timeline.iter().enumerate() {
        let next = timeline
            .get(index + 1)
            .map_or(until, |&(next, _)| next.min(until));
        if time < next {
            total += u128::from(next - time) * u128::from(count);
        }
    }
    total
}

fn bill_node_fee(meters: &ServiceMeters, context: &ServiceContext, items: &mut Vec<LineItem>) {
    match &meters.node_fee {
        Some(NodeFee::PerNodeHour { label, price }) => {
            let node_hours = ratio(node_micros(context.timeline, context.until), HOUR);
            accumulate(items, label, "node-hours", *price, Charge::billed(node_hours));
        }
        Some(NodeFee::ShareOfInstancePrice { label, share }) => {
            let instances: Decimal = context
                .platform
                .line_items
                .iter()
                .filter(|item| item.unit == "instance-hours")
                .map(|item| item.amount)
                .sum();
            accumulate(
                items,
                label,
                "USD of instance charges",
                *share,
                Charge::billed(instances),
            );
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_time_integrates_the_timeline_up_to_the_end() {
        // 2 nodes for 10 µs, then 3 for 5 µs, cut at 15: 20 + 15 = 35.
        assert_eq!(node_micros(&[(0, 2), (10, 3), (20, 1)], 15), 35);
        // Nothing before the first change; the last change lasts to the end.
        assert_eq!(node_micros(&[(5, 1)], 8), 3);
    }
}
