//! Billing rules of function platforms: per-request fees, tiered GB-second
//! (and, for Google, GHz-second) duration prices, monthly free tiers,
//! provisioned capacity, extra ephemeral storage and data out, applied to
//! each calendar month's usage, in exact decimals.
//!
//! Free allowances reset each month and come off the bottom of the tiers.
//! The free tier applies to on-demand duration and to all requests (not to
//! provisioned capacity), as AWS's Provisioned Concurrency example computes
//! it.

use serde::Serialize;

use super::bill::{Bill, Charge, Idle, LineItem, accumulate, sum};
use super::cpu_time::{bill_cpu_month, cpu_ms};
use super::function_book::{ArchitectureRates, FunctionOffering, InstanceTime};
use super::money::{Decimal, from_count, per_million, ratio, times};
use super::tiers::{self, Tier};
use crate::units::MICROS_PER_SECOND;
use crate::usage::{FunctionMeters, FunctionMonthUsage, FunctionUsage};

/// What a function bill depends on besides usage: choices that change only
/// money, so one run can be priced under several of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionChoices {
    /// Whose duration prices apply (x86, arm).
    pub architecture: String,
    pub free_tier: bool,
    /// False when a service in front (API Gateway) bills the client-facing
    /// data out: the platform's traffic to it is free within a region.
    pub bill_data_out: bool,
    /// Cloud Run: instance time over each instance's whole life (at lower
    /// rates, no request fee) rather than while serving.
    pub instance_based: bool,
    /// vCPUs (thousandths) and memory per instance, for instance time.
    pub milli_vcpu: u32,
    pub memory_mb: u32,
    /// CPU-milliseconds per request where the book bills CPU time apart
    /// from wall time (Workers); none takes the billed duration.
    pub cpu_ms_per_request: Option<Decimal>,
}

/// Prices a function deployment's usage.
pub fn bill_function(
    currency: &str,
    offering: &FunctionOffering,
    choices: &FunctionChoices,
    usage: &FunctionUsage,
) -> Bill {
    let Some(rates) = offering.architectures.get(&choices.architecture) else {
        // Choices are resolved against the same offering, which checks the
        // architecture; an unknown one prices nothing rather than guessing.
        return Bill::new(currency, Vec::new(), Idle::default());
    };
    let mut items: Vec<LineItem> = Vec::new();
    let mut instance_idle = InstanceTimeIdle::default();
    for month in &usage.months {
        bill_month(offering, rates, choices, month, &mut items, &mut instance_idle);
    }
    let idle = if offering.billing.instance_time.is_some() {
        instance_idle.idle(choices.instance_based)
    } else {
        provisioned_idle(offering, rates, usage)
    };
    let mut bill = Bill::new(currency, items, idle);
    let bytes_out: u128 = usage.months.iter().map(|month| month.meters.bytes_out).sum();
    if bytes_out > 0 && (offering.billing.data_out.is_none() || !choices.bill_data_out) {
        bill.notes.push(if choices.bill_data_out {
            "Bytes sent are not priced: this book has no data-out rate.".to_owned()
        } else {
            "Data out is billed by the service in front (client-facing); the platform's traffic to it is free within a region.".to_owned()
        });
    }
    bill
}

fn bill_month(
    offering: &FunctionOffering,
    rates: &ArchitectureRates,
    choices: &FunctionChoices,
    month: &FunctionMonthUsage,
    items: &mut Vec<LineItem>,
    instance_idle: &mut InstanceTimeIdle,
) {
    let month = &month.meters;
    let billing = &offering.billing;
    let free = billing.free_tier.as_ref().filter(|_| choices.free_tier);
    let free_requests = free.map_or(0, |free| free.requests);
    if let Some(instance_time) = &billing.instance_time {
        let before = sum(items);
        bill_instance_time(instance_time, choices, month, items);
        let capacity = sum(items) - before;
        bill_idle_minimum(instance_time, choices, month, items);
        instance_idle.add(
            choices.instance_based,
            month,
            capacity,
            sum(items) - before - capacity,
        );
    }
    if !choices.instance_based {
        accumulate(
            items,
            "Requests",
            "requests",
            per_million(billing.request_price_per_million),
            Charge {
                billed: from_count(u128::from(month.requests.saturating_sub(free_requests))),
                free: from_count(u128::from(month.requests.min(free_requests))),
            },
        );
    }
    if billing.cpu_time.is_some() || billing.subscription.is_some() {
        let used_ms = cpu_ms(month, choices.cpu_ms_per_request, choices.memory_mb);
        let terms = (billing.cpu_time.as_ref(), billing.subscription.as_ref());
        bill_cpu_month(terms, used_ms, items);
    }
    let per_gb_second = u128::from(billing.mb_per_gb) * u128::from(MICROS_PER_SECOND);
    let gb_seconds = ratio(month.on_demand_mb_us, per_gb_second);
    let free_gb_seconds = free.map_or(Decimal::ZERO, |free| free.gb_seconds);
    // A book billing CPU time apart (Workers) charges no wall time.
    if billing.cpu_time.is_none() {
        tiers::bill(
            items,
            "Duration",
            "GB-s",
            gb_seconds,
            free_gb_seconds,
            &rates.duration_tiers,
        );
    }
    if !rates.cpu_tiers.is_empty() {
        // MHz·µs into GHz-s: 1,000 MHz × 1,000,000 µs.
        let ghz_seconds = ratio(month.cpu_mhz_us, 1_000_000_000);
        let free_ghz_seconds = free.map_or(Decimal::ZERO, |free| free.ghz_seconds);
        tiers::bill(
            items,
            "CPU",
            "GHz-s",
            ghz_seconds,
            free_ghz_seconds,
            &rates.cpu_tiers,
        );
    }
    bill_capacity(offering, rates, month, items);
    if let Some(data_out) = billing.data_out.as_ref().filter(|_| choices.bill_data_out) {
        data_out.bill_month("Data transfer out", month.bytes_out, items);
    }
}

/// Provisioned concurrency (configured and used) and ephemeral storage
/// above the included amount, in GB-s.
fn bill_capacity(
    offering: &FunctionOffering,
    rates: &ArchitectureRates,
    month: &FunctionMeters,
    items: &mut Vec<LineItem>,
) {
    let billing = &offering.billing;
    let per_gb_second = u128::from(billing.mb_per_gb) * u128::from(MICROS_PER_SECOND);
    if let Some(provisioned) = rates
        .provisioned
        .as_ref()
        .filter(|_| month.provisioned_configured_mb_us > 0)
    {
        accumulate(
            items,
            "Provisioned concurrency",
            "GB-s",
            provisioned.price_per_gb_s,
            Charge::billed(ratio(month.provisioned_configured_mb_us, per_gb_second)),
        );
        accumulate(
            items,
            "Provisioned duration",
            "GB-s",
            provisioned.duration_price_per_gb_s,
            Charge::billed(ratio(month.provisioned_duration_mb_us, per_gb_second)),
        );
    }
    if let Some(storage) = billing
        .ephemeral_storage
        .as_ref()
        .filter(|_| month.extra_storage_mb_us > 0)
    {
        accumulate(
            items,
            "Ephemeral storage",
            "GB-s",
            storage.price_per_gb_s,
            Charge::billed(ratio(month.extra_storage_mb_us, per_gb_second)),
        );
    }
}

/// Cloud Run's instance time: vCPU-seconds and GiB-seconds of the time
/// instances served (request-based, with idle minimum instances at idle
/// rates) or of their whole lives (instance-based), after the free tier.
fn bill_instance_time(
    instance_time: &InstanceTime,
    choices: &FunctionChoices,
    month: &FunctionMeters,
    items: &mut Vec<LineItem>,
) {
    let (rates, billed_us) = if choices.instance_based {
        (
            &instance_time.instance_based,
            month.instance_life_us + month.minimum_life_us,
        )
    } else {
        (
            &instance_time.request_based,
            month.instance_busy_us + month.minimum_busy_us,
        )
    };
    // µs × thousandths of a vCPU into vCPU-s; µs × MiB into GiB-s.
    let vcpu_seconds = ratio(billed_us * u128::from(choices.milli_vcpu), 1_000_000_000);
    let gib_seconds = ratio(billed_us * u128::from(choices.memory_mb), 1_024_000_000);
    let (free_cpu, free_memory) = if choices.free_tier {
        (rates.free_vcpu_seconds, rates.free_gib_seconds)
    } else {
        (Decimal::ZERO, Decimal::ZERO)
    };
    let tier = |price| [Tier { up_to: None, price }];
    tiers::bill(
        items,
        "CPU",
        "vCPU-s",
        vcpu_seconds,
        free_cpu,
        &tier(rates.cpu_price_per_vcpu_s),
    );
    tiers::bill(
        items,
        "Memory",
        "GiB-s",
        gib_seconds,
        free_memory,
        &tier(rates.memory_price_per_gib_s),
    );
}

/// Request-based billing: minimum instances' time not serving, at the idle
/// rates.
fn bill_idle_minimum(
    instance_time: &InstanceTime,
    choices: &FunctionChoices,
    month: &FunctionMeters,
    items: &mut Vec<LineItem>,
) {
    let idle_us = month.minimum_life_us.saturating_sub(month.minimum_busy_us);
    if !choices.instance_based && idle_us > 0 {
        accumulate(
            items,
            "Idle minimum instances, CPU",
            "vCPU-s",
            instance_time.idle_cpu_price_per_vcpu_s,
            Charge::billed(ratio(idle_us * u128::from(choices.milli_vcpu), 1_000_000_000)),
        );
        accumulate(
            items,
            "Idle minimum instances, memory",
            "GiB-s",
            instance_time.idle_memory_price_per_gib_s,
            Charge::billed(ratio(idle_us * u128::from(choices.memory_mb), 1_024_000_000)),
        );
    }
}

/// Instance time paid for and busy (Cloud Run), summed over months, with
/// what the instance time and the idle minimum instances cost.
#[derive(Debug, Default)]
struct InstanceTimeIdle {
    paid_us: u128,
    busy_us: u128,
    capacity_amount: Decimal,
    idle_minimum_amount: Decimal,
}

impl InstanceTimeIdle {
    fn add(
        &mut self,
        instance_based: bool,
        month: &FunctionMeters,
        capacity: Decimal,
        idle_minimum: Decimal,
    ) {
        let busy = month.instance_busy_us + month.minimum_busy_us;
        self.busy_us += busy;
        self.paid_us += if instance_based {
            month.instance_life_us + month.minimum_life_us
        } else {
            busy + month.minimum_life_us.saturating_sub(month.minimum_busy_us)
        };
        self.capacity_amount += capacity;
        self.idle_minimum_amount += idle_minimum;
    }

    /// Instance-based: the unused share of every instance's life, at the
    /// share of its cost; request-based: minimum instances' idle time, at
    /// what its idle rates charged.
    fn idle(&self, instance_based: bool) -> Idle {
        if instance_based {
            return Idle::share_of(self.capacity_amount, self.paid_us, self.busy_us);
        }
        Idle {
            seconds: self.paid_us.saturating_sub(self.busy_us) as f64 / MICROS_PER_SECOND as f64,
            amount: self.idle_minimum_amount,
            paid_seconds: self.paid_us as f64 / MICROS_PER_SECOND as f64,
        }
    }
}

/// Provisioned instances' time that served nothing, at the provisioned rate.
fn provisioned_idle(offering: &FunctionOffering, rates: &ArchitectureRates, usage: &FunctionUsage) -> Idle {
    let price = rates
        .provisioned
        .as_ref()
        .map_or(Decimal::ZERO, |provisioned| provisioned.price_per_gb_s);
    let mb_us = usage
        .provisioned_idle_us
        .saturating_mul(u128::from(usage.provisioned_memory_mb));
    let per_gb_second = u128::from(offering.billing.mb_per_gb) * u128::from(MICROS_PER_SECOND);
    // Instance-seconds configured: the provisioned memory's MB·µs over the
    // memory of one instance.
    let configured_mb_us: u128 = usage
        .months
        .iter()
        .map(|month| month.meters.provisioned_configured_mb_us)
        .sum();
    let paid_us = configured_mb_us / u128::from(usage.provisioned_memory_mb.max(1));
    Idle {
        seconds: usage.provisioned_idle_us as f64 / MICROS_PER_SECOND as f64,
        amount: times(ratio(mb_us, per_gb_second), price),
        paid_seconds: paid_us as f64 / MICROS_PER_SECOND as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::BillingMonth;
    use crate::pricing::resolve;

    const SEPTEMBER_2025: BillingMonth = BillingMonth { year: 2025, month: 9 };

    fn d(text: &str) -> Decimal {
        text.parse().expect("decimal")
    }

    fn month(requests: u64, gb_seconds: u128) -> FunctionMonthUsage {
        let mut usage = FunctionMonthUsage::new(SEPTEMBER_2025);
        usage.meters.requests = requests;
        // 1 GB-s = 1024 MB × 1,000,000 µs.
        usage.meters.on_demand_mb_us = gb_seconds * 1_024_000_000;
        usage
    }

    fn bill(book_id: &str, free_tier: bool, months: Vec<FunctionMonthUsage>) -> Bill {
        let book = resolve(book_id).expect("shipped book");
        let offering = book.function().expect("function book");
        let choices = FunctionChoices {
            architecture: "x86".into(),
            free_tier,
            bill_data_out: true,
            instance_based: false,
            milli_vcpu: 0,
            memory_mb: 128,
            cpu_ms_per_request: None,
        };
        let usage = FunctionUsage {
            months,
            ..FunctionUsage::new(SEPTEMBER_2025, 128)
        };
        bill_function("USD", offering, &choices, &usage)
    }

    #[test]
    fn tiers_split_monthly_usage_after_the_free_tier() {
        // 10B GB-s in a month on x86: the free 400,000 GB-s come off tier 1,
        // leaving 6e9 - 4e5 = 5,999,600,000 GB-s at $0.0000166667, then the
        // next 4e9 GB-s at $0.000015 (tier 2 spans 6e9..15e9).
        let bill = bill("aws-lambda-2025", true, vec![month(0, 10_000_000_000)]);
        let tier = |name: &str| {
            bill.line_items
                .iter()
                .find(|item| item.item == name)
                .expect(name)
                .clone()
        };
        assert_eq!(tier("Duration, tier 1").quantity, d("5999600000"));
        assert_eq!(tier("Duration, tier 2").quantity, d("4000000000"));
        assert!(!bill.line_items.iter().any(|item| item.item == "Duration, tier 3"));
        // 5,999,600,000 × 0.0000166667 = 99,993.53332; 4e9 × 0.000015 = 60,000.
        assert_eq!(bill.total, d("159993.53332"));
    }

    #[test]
    fn free_tier_resets_each_month() {
        // Two months of 1.5M requests and 500,000 GB-s each at 2016 prices:
        // each month bills 0.5M requests ($0.10) and 100,000 GB-s ($1.667).
        let bill = bill(
            "aws-lambda-2016",
            true,
            vec![month(1_500_000, 500_000), month(1_500_000, 500_000)],
        );
        assert_eq!(bill.line_items[0].quantity, d("1000000"));
        assert_eq!(bill.line_items[1].quantity, d("200000"));
        assert_eq!(bill.total, d("3.534"));
    }

    #[test]
    fn free_tier_can_be_switched_off() {
        // 1,000 requests of 100 GB-s total: $0.0002 + 100 × $0.00001667.
        let bill = bill("aws-lambda-2016", false, vec![month(1_000, 100)]);
        assert_eq!(bill.total, d("0.001867"));
    }

    #[test]
    fn data_out_fills_the_monthly_tiers() {
        // 20 TiB = 20,480 GB in one month of 2016: 1 GB free, 10,239 GB at
        // $0.09 = $921.51, then 10,240 GB at $0.085 = $870.40; total $1,791.91.
        let mut usage = month(0, 0);
        usage.meters.bytes_out = 20 * (1u128 << 40);
        let bill = bill("aws-lambda-2016", false, vec![usage]);
        let amount = |name: &str| {
            bill.line_items
                .iter()
                .find(|item| item.item == name)
                .map(|item| item.amount)
                .expect(name)
        };
        assert_eq!(amount("Data transfer out, tier 1"), d("921.51"));
        assert_eq!(amount("Data transfer out, tier 2"), d("870.40"));
        assert_eq!(bill.total, d("1791.91"));
    }
}
