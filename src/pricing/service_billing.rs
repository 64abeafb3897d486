//! Billing of per-request services (API Gateway): each calendar month's
//! requests fall into the monthly tiers by their cumulative position, and
//! client-facing bytes are priced by the data-out tiers.

use super::bill::LineItem;
use super::money::{Decimal, from_count, per_million};
use super::service_book::ServiceOffering;
use super::tiers::{self, Tier};
use crate::usage::ServiceUsage;

/// The line items `service` adds for `usage`.
pub fn bill_service(service: &ServiceOffering, usage: &ServiceUsage) -> Vec<LineItem> {
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
        let label = format!("{} requests", service.name);
        tiers::bill(
            &mut items,
            &label,
            "requests",
            requests,
            Decimal::ZERO,
            &per_request,
        );
        if let Some(data_out) = &service.data_out {
            data_out.bill_month(
                &format!("{} data transfer out", service.name),
                month.bytes_out,
                &mut items,
            );
        }
    }
    items
}
