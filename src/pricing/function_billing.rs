//! Billing rules of function platforms: per-request fees, tiered GB-second
//! duration prices, monthly free tiers, provisioned capacity, extra ephemeral
//! storage and data out, applied to each calendar month's usage.
//!
//! Free allowances reset each month and are deducted at first-tier prices:
//! of a month's GB-seconds, those within the free allowance cost nothing and
//! the rest fall into the tiers by their cumulative position. The free tier
//! applies to on-demand duration and to all requests (not to provisioned
//! capacity), as AWS's Provisioned Concurrency example computes it.

use super::bill::{Bill, Charge, Idle, LineItem, accumulate};
use super::book::FunctionOffering;
use crate::platform::FunctionSettings;
use crate::units::MICROS_PER_SECOND;
use crate::usage::FunctionUsage;

const BYTES_PER_GB: f64 = 1_073_741_824.0;

/// The price of one request from the price per million, as the nearest
/// double to the decimal value ($0.20/M → 2e-7 exactly as written, where a
/// floating division would give 2.0000000000000002e-7).
fn per_request(price_per_million: f64) -> f64 {
    format!("{price_per_million}e-6")
        .parse()
        .unwrap_or(price_per_million / 1_000_000.0)
}

/// Prices a function deployment's usage.
pub fn bill_function(
    currency: &str,
    offering: &FunctionOffering,
    settings: &FunctionSettings,
    usage: &FunctionUsage,
) -> Bill {
    let billing = &offering.billing;
    let Some(rates) = offering.architectures.get(&settings.architecture) else {
        // Settings are resolved against the same offering, which checks the
        // architecture; an unknown one prices nothing rather than guessing.
        return Bill::new(currency, Vec::new(), Idle::default());
    };
    let megabyte_micros_per_gb_second = f64::from(billing.mb_per_gb) * MICROS_PER_SECOND as f64;
    let gb_seconds = |megabyte_micros: u128| megabyte_micros as f64 / megabyte_micros_per_gb_second;
    let free = billing.free_tier.as_ref().filter(|_| settings.free_tier);
    let mut items: Vec<LineItem> = Vec::new();

    for month in &usage.months {
        let free_requests = free.map_or(0, |free| free.requests);
        accumulate(
            &mut items,
            "Requests",
            "requests",
            per_request(billing.request_price_per_million),
            Charge {
                billed: month.requests.saturating_sub(free_requests) as f64,
                free: month.requests.min(free_requests) as f64,
            },
        );

        let used = gb_seconds(month.on_demand_mb_us);
        let free_gb_seconds = free.map_or(0.0, |free| free.gb_seconds);
        let mut tier_start = 0.0;
        for (index, tier) in rates.duration_tiers.iter().enumerate() {
            let tier_end = tier.up_to_gb_s.unwrap_or(f64::INFINITY);
            let billed = (used.min(tier_end) - free_gb_seconds.max(tier_start)).max(0.0);
            let free = if index == 0 {
                used.min(free_gb_seconds)
            } else {
                0.0
            };
            if index == 0 || billed > 0.0 {
                let name = if rates.duration_tiers.len() == 1 {
                    "Duration".to_owned()
                } else {
                    format!("Duration, tier {}", index + 1)
                };
                accumulate(
                    &mut items,
                    &name,
                    "GB-s",
                    tier.price_per_gb_s,
                    Charge { billed, free },
                );
            }
            tier_start = tier_end;
        }

        if let Some(provisioned) = rates.provisioned.as_ref().filter(|_| settings.provisioned > 0) {
            accumulate(
                &mut items,
                "Provisioned concurrency",
                "GB-s",
                provisioned.price_per_gb_s,
                Charge::billed(gb_seconds(month.provisioned_configured_mb_us)),
            );
            accumulate(
                &mut items,
                "Provisioned duration",
                "GB-s",
                provisioned.duration_price_per_gb_s,
                Charge::billed(gb_seconds(month.provisioned_duration_mb_us)),
            );
        }
        if let Some(storage) = billing
            .ephemeral_storage
            .as_ref()
            .filter(|_| month.extra_storage_mb_us > 0)
        {
            accumulate(
                &mut items,
                "Ephemeral storage",
                "GB-s",
                storage.price_per_gb_s,
                Charge::billed(gb_seconds(month.extra_storage_mb_us)),
            );
        }
        if let Some(price) = billing.data_out_price_per_gb.filter(|_| month.bytes_out > 0) {
            accumulate(
                &mut items,
                "Data transfer out",
                "GB",
                price,
                Charge::billed(month.bytes_out as f64 / BYTES_PER_GB),
            );
        }
    }

    let idle_seconds = usage.provisioned_idle_us as f64 / MICROS_PER_SECOND as f64;
    let idle_price = rates
        .provisioned
        .as_ref()
        .map_or(0.0, |provisioned| provisioned.price_per_gb_s);
    let idle = Idle {
        seconds: idle_seconds,
        amount: idle_seconds * f64::from(usage.provisioned_memory_mb) / f64::from(billing.mb_per_gb)
            * idle_price,
    };
    Bill::new(currency, items, idle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::BillingMonth;
    use crate::platform::Setting;
    use crate::pricing::resolve;
    use crate::usage::FunctionMonthUsage;

    const SEPTEMBER_2025: BillingMonth = BillingMonth { year: 2025, month: 9 };

    fn month(requests: u64, gb_seconds: u128) -> FunctionMonthUsage {
        FunctionMonthUsage {
            requests,
            // 1 GB-s = 1024 MB × 1,000,000 µs.
            on_demand_mb_us: gb_seconds * 1_024_000_000,
            ..FunctionMonthUsage::new(SEPTEMBER_2025)
        }
    }

    fn bill(book_id: &str, settings: &[&str], months: Vec<FunctionMonthUsage>) -> Bill {
        let book = resolve(book_id).expect("shipped book");
        let offering = book.function().expect("function book");
        let settings: Vec<Setting> = settings
            .iter()
            .map(|text| Setting::parse(text).expect("pair"))
            .collect();
        let settings = FunctionSettings::resolve(&book.id, offering, &settings).expect("valid settings");
        let usage = FunctionUsage {
            months,
            ..FunctionUsage::new(SEPTEMBER_2025, 128)
        };
        bill_function("USD", offering, &settings, &usage)
    }

    #[test]
    fn tiers_split_monthly_usage_after_the_free_tier() {
        // 10B GB-s in a month on x86: the free 400,000 GB-s come off tier 1,
        // leaving 6e9 - 4e5 = 5,999,600,000 GB-s at $0.0000166667, then the
        // next 4e9 GB-s at $0.000015 (tier 2 spans 6e9..15e9).
        let bill = bill("aws-lambda-2025", &[], vec![month(0, 10_000_000_000)]);
        let tier = |name: &str| {
            bill.line_items
                .iter()
                .find(|item| item.item == name)
                .expect(name)
                .clone()
        };
        assert_eq!(tier("Duration, tier 1").quantity, 5_999_600_000.0);
        assert_eq!(tier("Duration, tier 2").quantity, 4_000_000_000.0);
        assert!(!bill.line_items.iter().any(|item| item.item == "Duration, tier 3"));
        // 5,999,600,000 × 0.0000166667 = 6e9 × 0.0000166667 − 4e5 × 0.0000166667
        //   = 100,000.2 − 6.66668 = 99,993.53332; 4e9 × 0.000015 = 60,000.
        assert!((bill.total - 159_993.533_32).abs() < 1e-6, "{}", bill.total);
    }

    #[test]
    fn free_tier_resets_each_month() {
        // Two months of 1.5M requests and 500,000 GB-s each at 2016 prices:
        // each month bills 0.5M requests ($0.10) and 100,000 GB-s ($1.667).
        let bill = bill(
            "aws-lambda-2016",
            &[],
            vec![month(1_500_000, 500_000), month(1_500_000, 500_000)],
        );
        assert_eq!(bill.line_items[0].quantity, 1_000_000.0);
        assert_eq!(bill.line_items[1].quantity, 200_000.0);
        assert!((bill.total - (0.20 + 3.334)).abs() < 1e-9, "{}", bill.total);
    }

    #[test]
    fn free_tier_can_be_switched_off() {
        // 1,000 requests of 100 GB-s total: $0.0002 + 100 × $0.00001667.
        let bill = bill("aws-lambda-2016", &["free_tier=false"], vec![month(1_000, 100)]);
        assert!((bill.total - (0.0002 + 0.001667)).abs() < 1e-12, "{}", bill.total);
    }
}
