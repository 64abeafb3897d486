//! The `[function]` section of a price book: a function platform's limits,
//! behaviour defaults and rates (per-request fee, duration × memory and, for
//! Google, × CPU clock, tiers, free tier, provisioned capacity, ephemeral
//! storage, data out), raw (as parsed) and validated.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::book::Checker;
use super::cpu_time::{
    CpuTime, RawCpuTime, RawSubscription, Subscription, validate_cpu_time, validate_subscription,
};
use super::data_out::{self, DataOut, RawDataOut};
use super::money::Decimal;
use super::tiers::{self, RawTierView, Tier};
use crate::distribution::DurationSpec;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFunction {
    limits: RawFunctionLimits,
    defaults: RawFunctionDefaults,
    billing: RawFunctionBilling,
    architectures: Spanned<BTreeMap<String, RawArchitecture>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFunctionLimits {
    min_memory_mb: Option<Spanned<u32>>,
    max_memory_mb: Option<Spanned<u32>>,
    memory_step_mb: Option<Spanned<u32>>,
    /// Alternatively a list of sizes, each with its CPU clock (Google).
    memory_sizes: Option<Spanned<Vec<RawMemorySize>>>,
    max_duration_s: Spanned<u32>,
    max_concurrency_limit: Option<Spanned<u32>>,
    max_ephemeral_storage_mb: Option<Spanned<u32>>,
    /// How an instance's CPU grows with its size: `memory` (in proportion,
    /// one vCPU per `mb_per_vcpu`), `table` (the memory_sizes' clocks),
    /// `setting` (the `cpu` setting, Cloud Run) or `fixed` (the default
    /// without memory_sizes: the same CPU whatever the size).
    cpu_scaling: Option<Spanned<String>>,
    mb_per_vcpu: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMemorySize {
    mb: Spanned<u32>,
    cpu_mhz: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFunctionDefaults {
    architecture: Spanned<String>,
    memory_mb: Spanned<u32>,
    keep_alive_s: Spanned<f64>,
    cold_start_ms: Spanned<String>,
    concurrency_limit: Spanned<u32>,
    instance_concurrency: Spanned<u32>,
    max_duration_s: Spanned<f64>,
    /// `throttle` (Lambda) or `queue` (Cloud Run) requests beyond the limit.
    at_limit: Option<Spanned<String>>,
    /// vCPUs per instance, where the book bills instance time by CPU.
    cpu: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstanceTime {
    cpu_price_per_vcpu_s: Spanned<f64>,
    memory_price_per_gib_s: Spanned<f64>,
    idle_cpu_price_per_vcpu_s: Spanned<f64>,
    idle_memory_price_per_gib_s: Spanned<f64>,
    free_vcpu_seconds: Spanned<f64>,
    free_gib_seconds: Spanned<f64>,
    instance_based: RawInstanceBased,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstanceBased {
    cpu_price_per_vcpu_s: Spanned<f64>,
    memory_price_per_gib_s: Spanned<f64>,
    free_vcpu_seconds: Spanned<f64>,
    free_gib_seconds: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFunctionBilling {
    request_price_per_million: Spanned<f64>,
    granularity_ms: Spanned<f64>,
    minimum_billed_ms: Spanned<f64>,
    #[serde(default)]
    memory_rounding_mb: Option<Spanned<u32>>,
    #[serde(default)]
    minimum_billed_memory_mb: Option<Spanned<u32>>,
    mb_per_gb: Spanned<u32>,
    init_billed: bool,
    free_tier: Option<RawFreeTier>,
    ephemeral_storage: Option<RawEphemeralStorage>,
    data_out: Option<RawDataOut>,
    provisioned_granularity_s: Option<Spanned<u32>>,
    /// Instance time billed by vCPU and memory (Cloud Run) instead of each
    /// request's duration × memory.
    instance_time: Option<RawInstanceTime>,
    /// CPU time apart from wall time, and a monthly base (Workers).
    cpu_time: Option<RawCpuTime>,
    subscription: Option<RawSubscription>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFreeTier {
    requests: Spanned<u64>,
    gb_seconds: Spanned<f64>,
    ghz_seconds: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEphemeralStorage {
    included_mb: Spanned<u32>,
    price_per_gb_s: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArchitecture {
    duration_tiers: Spanned<Vec<RawGbTier>>,
    cpu_tiers: Option<Spanned<Vec<RawGhzTier>>>,
    provisioned_price_per_gb_s: Option<Spanned<f64>>,
    provisioned_duration_price_per_gb_s: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGbTier {
    up_to_gb_s: Option<Spanned<f64>>,
    price_per_gb_s: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGhzTier {
    up_to_ghz_s: Option<Spanned<f64>>,
    price_per_ghz_s: Spanned<f64>,
}

/// A function platform's limits, behaviour defaults and rates.
#[derive(Debug, Clone, Serialize)]
pub struct FunctionOffering {
    pub limits: FunctionLimits,
    pub defaults: FunctionDefaults,
    pub billing: FunctionBilling,
    pub architectures: BTreeMap<String, ArchitectureRates>,
}

/// The memory sizes a deployment can be configured with.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemorySizes {
    /// From `min` to `max` in steps of `step` MB (AWS, Azure).
    Range { min: u32, max: u32, step: u32 },
    /// Listed sizes, ascending, each with its CPU clock in MHz (Google).
    Listed(Vec<(u32, u32)>),
}

impl MemorySizes {
    pub fn max(&self) -> u32 {
        match self {
            MemorySizes::Range { max, .. } => *max,
            MemorySizes::Listed(sizes) => sizes.last().map_or(0, |(mb, _)| *mb),
        }
    }

    /// The smallest configurable size of at least `megabytes`, if any.
    pub fn fitting(&self, megabytes: u32) -> Option<u32> {
        match self {
            MemorySizes::Range { min, max, step } => {
                let size = min.saturating_add(
                    megabytes
                        .saturating_sub(*min)
                        .div_ceil(*step)
                        .saturating_mul(*step),
                );
                (size <= *max).then_some(size)
            }
            MemorySizes::Listed(sizes) => sizes.iter().map(|(mb, _)| *mb).find(|mb| *mb >= megabytes),
        }
    }

    /// The CPU clock (MHz) of `megabytes`, where the book bills CPU.
    pub fn cpu_mhz(&self, megabytes: u32) -> Option<u32> {
        match self {
            MemorySizes::Range { .. } => None,
            MemorySizes::Listed(sizes) => sizes.iter().find(|(mb, _)| *mb == megabytes).map(|(_, mhz)| *mhz),
        }
    }

    /// Whether `megabytes` is a size one can configure.
    pub fn contains(&self, megabytes: u32) -> bool {
        self.fitting(megabytes) == Some(megabytes)
    }

    pub fn describe(&self) -> String {
        match self {
            MemorySizes::Range { min, max, step } => format!("{min} to {max} MB in steps of {step} MB"),
            MemorySizes::Listed(sizes) => sizes
                .iter()
                .map(|(mb, mhz)| format!("{mb} MB ({mhz} MHz)"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FunctionLimits {
    pub memory: MemorySizes,
    pub max_duration_s: u32,
    /// The highest concurrency limit a user may ask for; none means no cap.
    pub max_concurrency_limit: Option<u32>,
    /// Largest ephemeral storage; none means storage is not configurable.
    pub max_ephemeral_storage_mb: Option<u32>,
    /// How an instance's CPU grows with its size (the speed model).
    pub cpu: CpuScaling,
}

/// How a function instance's CPU depends on its configured size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CpuScaling {
    /// The same CPU whatever the size.
    Fixed,
    /// In proportion to memory: one vCPU per `mb_per_vcpu` MB (Lambda:
    /// 1,769 MB).
    Memory { mb_per_vcpu: u32 },
    /// Each listed size's clock (Cloud Functions gen 1), a vCPU being the
    /// 2,400 MHz of the largest 2016 size.
    Table,
    /// The `cpu` setting (vCPUs per instance, Cloud Run).
    Setting,
}

/// Clock of one vCPU in a size table (Cloud Functions' 2,048 MB size has
/// 2.4 GHz, taken as one vCPU [R]).
pub const MHZ_PER_VCPU: f64 = 2_400.0;

impl CpuScaling {
    /// vCPUs of an instance of `memory_mb` (a configurable size) with
    /// `milli_vcpu` thousandths of a vCPU set, where the book uses it.
    pub fn vcpus(&self, sizes: &MemorySizes, memory_mb: u32, milli_vcpu: u32) -> f64 {
        match self {
            CpuScaling::Fixed => 1.0,
            CpuScaling::Memory { mb_per_vcpu } => f64::from(memory_mb) / f64::from(*mb_per_vcpu),
            CpuScaling::Table => {
                let size = sizes.fitting(memory_mb).unwrap_or(memory_mb);
                f64::from(sizes.cpu_mhz(size).unwrap_or(0)) / MHZ_PER_VCPU
            }
            CpuScaling::Setting => f64::from(milli_vcpu) / 1_000.0,
        }
    }

    /// One line for `pricing show`.
    pub fn describe(&self) -> String {
        match self {
            CpuScaling::Fixed => "the same whatever the size".to_owned(),
            CpuScaling::Memory { mb_per_vcpu } => {
                format!("in proportion to memory, 1 vCPU per {mb_per_vcpu} MB")
            }
            CpuScaling::Table => format!("each size's clock ({MHZ_PER_VCPU} MHz = 1 vCPU)"),
            CpuScaling::Setting => "the `cpu` setting (vCPUs)".to_owned(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FunctionDefaults {
    pub architecture: String,
    pub memory_mb: u32,
    pub keep_alive_s: f64,
    #[serde(serialize_with = "super::book::display")]
    pub cold_start: DurationSpec,
    pub concurrency_limit: u32,
    pub instance_concurrency: u32,
    pub max_duration_s: f64,
    /// Requests beyond the concurrency limit wait (Cloud Run's max
    /// instances) instead of being throttled (Lambda).
    pub queue_at_limit: bool,
    /// vCPUs per instance, in thousandths (Cloud Run; 0 where unpriced).
    pub milli_vcpu: u32,
}

/// Instance time priced by vCPU-seconds and GiB-seconds (Cloud Run): in
/// request-based billing, the time an instance serves at least one request
/// (each busy period rounded up to the granularity) plus idle minimum
/// instances at idle rates; in instance-based billing, each instance's
/// whole life at lower rates and no request fee.
#[derive(Debug, Clone, Serialize)]
pub struct InstanceTime {
    pub request_based: InstanceRates,
    pub idle_cpu_price_per_vcpu_s: Decimal,
    pub idle_memory_price_per_gib_s: Decimal,
    pub instance_based: InstanceRates,
}

#[derive(Debug, Clone, Serialize)]
pub struct InstanceRates {
    pub cpu_price_per_vcpu_s: Decimal,
    pub memory_price_per_gib_s: Decimal,
    pub free_vcpu_seconds: Decimal,
    pub free_gib_seconds: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunctionBilling {
    pub request_price_per_million: Decimal,
    /// Billed duration is rounded up to a multiple of this, in microseconds.
    pub granularity_us: u64,
    pub minimum_billed_us: u64,
    /// Billed memory is rounded up to a multiple of this.
    pub memory_rounding_mb: u32,
    pub minimum_billed_memory_mb: u32,
    /// How many MB make the GB of a GB-second (1024 for AWS).
    pub mb_per_gb: u32,
    /// Whether a cold start's initialisation time is billed as duration.
    pub init_billed: bool,
    pub free_tier: Option<FreeTier>,
    pub ephemeral_storage: Option<EphemeralStorage>,
    pub data_out: Option<DataOut>,
    /// Provisioned capacity is billed from enabling to disabling, rounded up
    /// to this many seconds.
    pub provisioned_granularity_s: u32,
    pub instance_time: Option<InstanceTime>,
    /// CPU-milliseconds billed apart from wall time (Workers).
    pub cpu_time: Option<CpuTime>,
    pub subscription: Option<Subscription>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FreeTier {
    pub requests: u64,
    pub gb_seconds: Decimal,
    pub ghz_seconds: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct EphemeralStorage {
    pub included_mb: u32,
    pub price_per_gb_s: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArchitectureRates {
    /// GB-second prices by monthly volume.
    pub duration_tiers: Vec<Tier>,
    /// GHz-second prices by monthly volume (Google's CPU charge).
    pub cpu_tiers: Vec<Tier>,
    pub provisioned: Option<ProvisionedRates>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvisionedRates {
    pub price_per_gb_s: Decimal,
    pub duration_price_per_gb_s: Decimal,
}

pub(super) fn validate_function(raw: RawFunction, checker: &mut Checker) -> FunctionOffering {
    let limits = validate_limits(&raw.limits, checker);
    let billing = validate_billing(&raw.billing, checker);
    let architectures = validate_architectures(raw.architectures, billing.instance_time.is_some(), checker);
    if !matches!(limits.memory, MemorySizes::Listed(_))
        && architectures.values().any(|rates| !rates.cpu_tiers.is_empty())
    {
        checker.problem(
            &raw.limits.max_duration_s,
            "function.limits.memory_sizes",
            "CPU prices (cpu_tiers) need memory_sizes with each size's cpu_mhz",
        );
    }
    let defaults = validate_defaults(&raw.defaults, &architectures, checker);
    if defaults.memory_mb > 0 && !limits.memory.contains(defaults.memory_mb) {
        checker.problem(
            &raw.defaults.memory_mb,
            "function.defaults.memory_mb",
            format!("expected one of the sizes: {}", limits.memory.describe()),
        );
    }
    FunctionOffering {
        limits,
        defaults,
        billing,
        architectures,
    }
}

fn validate_memory(raw: &RawFunctionLimits, checker: &mut Checker) -> MemorySizes {
    let key = "function.limits";
    match (
        &raw.memory_sizes,
        &raw.min_memory_mb,
        &raw.max_memory_mb,
        &raw.memory_step_mb,
    ) {
        (Some(sizes), None, None, None) => {
            let mut listed = Vec::new();
            for (index, size) in sizes.get_ref().iter().enumerate() {
                let mb = checker.positive(&size.mb, &format!("{key}.memory_sizes[{index}].mb"));
                let mhz = checker.positive(&size.cpu_mhz, &format!("{key}.memory_sizes[{index}].cpu_mhz"));
                if listed.last().is_some_and(|(previous, _)| *previous >= mb) {
                    checker.problem(
                        &size.mb,
                        &format!("{key}.memory_sizes[{index}].mb"),
                        "sizes must increase",
                    );
                }
                listed.push((mb, mhz));
            }
            if listed.is_empty() {
                checker.problem(
                    sizes,
                    &format!("{key}.memory_sizes"),
                    "expected at least one size",
                );
            }
            MemorySizes::Listed(listed)
        }
        (None, Some(min), Some(max), Some(step)) => {
            let min_mb = checker.positive(min, &format!("{key}.min_memory_mb"));
            let max_mb = checker.positive(max, &format!("{key}.max_memory_mb"));
            let step_mb = checker.positive(step, &format!("{key}.memory_step_mb"));
            if max_mb < min_mb {
                checker.problem(
                    max,
                    &format!("{key}.max_memory_mb"),
                    "must not be below min_memory_mb",
                );
            }
            MemorySizes::Range {
                min: min_mb,
                max: max_mb,
                step: step_mb.max(1),
            }
        }
        _ => {
            checker.problem(
                &raw.max_duration_s,
                key,
                "give either memory_sizes or all of min_memory_mb, max_memory_mb and memory_step_mb",
            );
            MemorySizes::Range {
                min: 1,
                max: 1,
                step: 1,
            }
        }
    }
}

fn validate_limits(raw: &RawFunctionLimits, checker: &mut Checker) -> FunctionLimits {
    FunctionLimits {
        memory: validate_memory(raw, checker),
        max_duration_s: checker.positive(&raw.max_duration_s, "function.limits.max_duration_s"),
        max_concurrency_limit: raw
            .max_concurrency_limit
            .as_ref()
            .map(|value| checker.positive(value, "function.limits.max_concurrency_limit")),
        max_ephemeral_storage_mb: raw
            .max_ephemeral_storage_mb
            .as_ref()
            .map(|value| checker.positive(value, "function.limits.max_ephemeral_storage_mb")),
        cpu: validate_cpu_scaling(raw, checker),
    }
}

fn validate_cpu_scaling(raw: &RawFunctionLimits, checker: &mut Checker) -> CpuScaling {
    let key = "function.limits.cpu_scaling";
    let default = if raw.memory_sizes.is_some() {
        "table"
    } else {
        "fixed"
    };
    let name = raw
        .cpu_scaling
        .as_ref()
        .map_or(default, |name| name.get_ref().as_str());
    let mb_per_vcpu = raw
        .mb_per_vcpu
        .as_ref()
        .map(|value| checker.positive(value, "function.limits.mb_per_vcpu"));
    match (name, mb_per_vcpu) {
        ("memory", Some(mb_per_vcpu)) => CpuScaling::Memory { mb_per_vcpu },
        ("table", None) if raw.memory_sizes.is_some() => CpuScaling::Table,
        ("setting", None) => CpuScaling::Setting,
        ("fixed", None) => CpuScaling::Fixed,
        _ => {
            let message =
                "expected `memory` with mb_per_vcpu, `table` with memory_sizes, `setting` or `fixed`";
            match (&raw.cpu_scaling, &raw.mb_per_vcpu) {
                (Some(at), _) => checker.problem(at, key, message),
                (None, Some(at)) => checker.problem(at, "function.limits.mb_per_vcpu", message),
                (None, None) => {}
            }
            CpuScaling::Fixed
        }
    }
}

fn validate_billing(billing: &RawFunctionBilling, checker: &mut Checker) -> FunctionBilling {
    let granularity_us = checker.millis(&billing.granularity_ms, "function.billing.granularity_ms");
    if granularity_us == 0 {
        checker.problem(
            &billing.granularity_ms,
            "function.billing.granularity_ms",
            "expected a granularity above zero (1 for per-ms billing)",
        );
    }
    FunctionBilling {
        request_price_per_million: checker.price(
            &billing.request_price_per_million,
            "function.billing.request_price_per_million",
        ),
        granularity_us: granularity_us.max(1),
        minimum_billed_us: checker.millis(&billing.minimum_billed_ms, "function.billing.minimum_billed_ms"),
        memory_rounding_mb: billing.memory_rounding_mb.as_ref().map_or(1, |value| {
            checker.positive(value, "function.billing.memory_rounding_mb")
        }),
        minimum_billed_memory_mb: billing
            .minimum_billed_memory_mb
            .as_ref()
            .map_or(0, |value| *value.get_ref()),
        mb_per_gb: checker.positive(&billing.mb_per_gb, "function.billing.mb_per_gb"),
        init_billed: billing.init_billed,
        free_tier: billing.free_tier.as_ref().map(|free| FreeTier {
            requests: *free.requests.get_ref(),
            gb_seconds: checker.quantity(&free.gb_seconds, "function.billing.free_tier.gb_seconds"),
            ghz_seconds: free.ghz_seconds.as_ref().map_or(Decimal::ZERO, |value| {
                checker.quantity(value, "function.billing.free_tier.ghz_seconds")
            }),
        }),
        ephemeral_storage: billing
            .ephemeral_storage
            .as_ref()
            .map(|storage| EphemeralStorage {
                included_mb: *storage.included_mb.get_ref(),
                price_per_gb_s: checker.price(
                    &storage.price_per_gb_s,
                    "function.billing.ephemeral_storage.price_per_gb_s",
                ),
            }),
        data_out: billing
            .data_out
            .as_ref()
            .map(|raw| data_out::validate(raw, "function.billing.data_out", checker)),
        provisioned_granularity_s: billing.provisioned_granularity_s.as_ref().map_or(1, |value| {
            checker.positive(value, "function.billing.provisioned_granularity_s")
        }),
        instance_time: billing
            .instance_time
            .as_ref()
            .map(|raw| validate_instance_time(raw, checker)),
        cpu_time: billing
            .cpu_time
            .as_ref()
            .map(|raw| validate_cpu_time(raw, checker)),
        subscription: billing
            .subscription
            .as_ref()
            .map(|raw| validate_subscription(raw, checker)),
    }
}

fn validate_instance_time(raw: &RawInstanceTime, checker: &mut Checker) -> InstanceTime {
    let key = "function.billing.instance_time";
    let based = &raw.instance_based;
    InstanceTime {
        request_based: InstanceRates {
            cpu_price_per_vcpu_s: checker
                .price(&raw.cpu_price_per_vcpu_s, &format!("{key}.cpu_price_per_vcpu_s")),
            memory_price_per_gib_s: checker.price(
                &raw.memory_price_per_gib_s,
                &format!("{key}.memory_price_per_gib_s"),
            ),
            free_vcpu_seconds: checker.quantity(&raw.free_vcpu_seconds, &format!("{key}.free_vcpu_seconds")),
            free_gib_seconds: checker.quantity(&raw.free_gib_seconds, &format!("{key}.free_gib_seconds")),
        },
        idle_cpu_price_per_vcpu_s: checker.price(
            &raw.idle_cpu_price_per_vcpu_s,
            &format!("{key}.idle_cpu_price_per_vcpu_s"),
        ),
        idle_memory_price_per_gib_s: checker.price(
            &raw.idle_memory_price_per_gib_s,
            &format!("{key}.idle_memory_price_per_gib_s"),
        ),
        instance_based: InstanceRates {
            cpu_price_per_vcpu_s: checker.price(
                &based.cpu_price_per_vcpu_s,
                &format!("{key}.instance_based.cpu_price_per_vcpu_s"),
            ),
            memory_price_per_gib_s: checker.price(
                &based.memory_price_per_gib_s,
                &format!("{key}.instance_based.memory_price_per_gib_s"),
            ),
            free_vcpu_seconds: checker.quantity(
                &based.free_vcpu_seconds,
                &format!("{key}.instance_based.free_vcpu_seconds"),
            ),
            free_gib_seconds: checker.quantity(
                &based.free_gib_seconds,
                &format!("{key}.instance_based.free_gib_seconds"),
            ),
        },
    }
}

/// `instance_time`: the book bills instance time, so per-request duration
/// tiers may be absent.
fn validate_architectures(
    raw: Spanned<BTreeMap<String, RawArchitecture>>,
    instance_time: bool,
    checker: &mut Checker,
) -> BTreeMap<String, ArchitectureRates> {
    if raw.get_ref().is_empty() {
        checker.problem(
            &raw,
            "function.architectures",
            "expected at least one architecture with its duration prices",
        );
    }
    let mut architectures = BTreeMap::new();
    for (name, rates) in raw.into_inner() {
        let key = format!("function.architectures.{name}");
        let views: Vec<RawTierView> = rates
            .duration_tiers
            .get_ref()
            .iter()
            .map(|tier| RawTierView {
                up_to: tier.up_to_gb_s.as_ref(),
                price: &tier.price_per_gb_s,
            })
            .collect();
        let duration_tiers = if instance_time && views.is_empty() {
            Vec::new()
        } else {
            tiers::validate(
                &views,
                &rates.duration_tiers,
                &format!("{key}.duration_tiers"),
                ("up_to_gb_s", "price_per_gb_s"),
                checker,
            )
        };
        let cpu_tiers = rates.cpu_tiers.as_ref().map_or_else(Vec::new, |raw_tiers| {
            let views: Vec<RawTierView> = raw_tiers
                .get_ref()
                .iter()
                .map(|tier| RawTierView {
                    up_to: tier.up_to_ghz_s.as_ref(),
                    price: &tier.price_per_ghz_s,
                })
                .collect();
            tiers::validate(
                &views,
                raw_tiers,
                &format!("{key}.cpu_tiers"),
                ("up_to_ghz_s", "price_per_ghz_s"),
                checker,
            )
        });
        let provisioned = validate_provisioned(&rates, &key, checker);
        architectures.insert(
            name,
            ArchitectureRates {
                duration_tiers,
                cpu_tiers,
                provisioned,
            },
        );
    }
    architectures
}

fn validate_provisioned(
    rates: &RawArchitecture,
    key: &str,
    checker: &mut Checker,
) -> Option<ProvisionedRates> {
    match (
        &rates.provisioned_price_per_gb_s,
        &rates.provisioned_duration_price_per_gb_s,
    ) {
        (Some(price), Some(duration)) => Some(ProvisionedRates {
            price_per_gb_s: checker.price(price, &format!("{key}.provisioned_price_per_gb_s")),
            duration_price_per_gb_s: checker
                .price(duration, &format!("{key}.provisioned_duration_price_per_gb_s")),
        }),
        (None, None) => None,
        (Some(price), None) => {
            checker.problem(
                price,
                key,
                "provisioned prices come in pairs: add provisioned_duration_price_per_gb_s",
            );
            None
        }
        (None, Some(duration)) => {
            checker.problem(
                duration,
                key,
                "provisioned prices come in pairs: add provisioned_price_per_gb_s",
            );
            None
        }
    }
}

fn validate_defaults(
    defaults: &RawFunctionDefaults,
    architectures: &BTreeMap<String, ArchitectureRates>,
    checker: &mut Checker,
) -> FunctionDefaults {
    let cold_start = DurationSpec::parse(defaults.cold_start_ms.get_ref()).unwrap_or_else(|message| {
        checker.problem(
            &defaults.cold_start_ms,
            "function.defaults.cold_start_ms",
            message,
        );
        DurationSpec::Constant(0)
    });
    if !architectures.contains_key(defaults.architecture.get_ref()) && !architectures.is_empty() {
        checker.problem(
            &defaults.architecture,
            "function.defaults.architecture",
            format!(
                "`{}` is not among the architectures ({})",
                defaults.architecture.get_ref(),
                architectures.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        );
    }
    FunctionDefaults {
        architecture: defaults.architecture.get_ref().clone(),
        memory_mb: checker.positive(&defaults.memory_mb, "function.defaults.memory_mb"),
        keep_alive_s: checker.seconds(&defaults.keep_alive_s, "function.defaults.keep_alive_s"),
        cold_start,
        concurrency_limit: checker
            .positive(&defaults.concurrency_limit, "function.defaults.concurrency_limit"),
        instance_concurrency: checker.positive(
            &defaults.instance_concurrency,
            "function.defaults.instance_concurrency",
        ),
        max_duration_s: checker.seconds(&defaults.max_duration_s, "function.defaults.max_duration_s"),
        queue_at_limit: match defaults
            .at_limit
            .as_ref()
            .map(|value| (value, value.get_ref().as_str()))
        {
            None | Some((_, "throttle")) => false,
            Some((_, "queue")) => true,
            Some((value, other)) => {
                checker.problem(
                    value,
                    "function.defaults.at_limit",
                    format!("expected `throttle` or `queue`, found `{other}`"),
                );
                false
            }
        },
        milli_vcpu: defaults.cpu.as_ref().map_or(0, |cpu| {
            let vcpus = *cpu.get_ref();
            if !(vcpus.is_finite() && (0.08..=8.0).contains(&vcpus)) {
                checker.problem(
                    cpu,
                    "function.defaults.cpu",
                    format!("expected 0.08 to 8 vCPUs, found {vcpus}"),
                );
                return 0;
            }
            (vcpus * 1_000.0).round() as u32
        }),
    }
}
