//! Billing of per-request services (API Gateway): each calendar month's
//! requests fall into the monthly tiers by their cumulative position, and
//! bytes sent are priced per GB (2^30 bytes).

use super::bill::{Charge, LineItem, accumulate};
use super::service_book::ServiceOffering;
use crate::usage::ServiceUsage;

const BYTES_PER_GB: f64 = 1_073_741_824.0;

/// The line items `service` adds for `usage`.
pub fn bill_service(service: &ServiceOffering, usage: &ServiceUsage) -> Vec<LineItem> {
    let mut items = Vec::new();
    for month in &usage.months {
        let millions = month.requests as f64 / 1_000_000.0;
        let mut tier_start = 0.0;
        for (index, tier) in service.request_tiers.iter().enumerate() {
            let tier_end = tier.up_to_millions.unwrap_or(f64::INFINITY);
            let in_tier = (millions.min(tier_end) - tier_start).max(0.0);
            if index == 0 || in_tier > 0.0 {
                let name = if service.request_tiers.len() == 1 {
                    format!("{} requests", service.name)
                } else {
                    format!("{} requests, tier {}", service.name, index + 1)
                };
                // Quantity in requests, as the other request lines.
                accumulate(
                    &mut items,
                    &name,
                    "requests",
                    tier.price_per_million / 1_000_000.0,
                    Charge::billed(in_tier * 1_000_000.0),
                );
            }
            tier_start = tier_end;
        }
        if let Some(price) = service.data_out_price_per_gb.filter(|_| month.bytes_out > 0) {
            accumulate(
                &mut items,
                &format!("{} data transfer out", service.name),
                "GB",
                price,
                Charge::billed(month.bytes_out as f64 / BYTES_PER_GB),
            );
        }
    }
    items
}
