//! The `[vm]` section of a price book: instance types with their prices,
//! the billing granularity, reserved and spot terms, the load balancer and
//! autoscaling-group defaults, raw (as parsed) and validated.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::book::Checker;
use super::data_out::{self, DataOut, RawDataOut};
use super::money::Decimal;
use super::task_book::{
    EphemeralStorageRates, RawEphemeralStorage, RawTaskRates, TaskPrice, TaskRates, task_price,
    validate_ephemeral, validate_task_rates,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVm {
    billing: Spanned<String>,
    minimum_billed_s: Option<Spanned<u32>>,
    reserved_discount: Spanned<f64>,
    spot_discount: Spanned<f64>,
    data_out: Option<RawDataOut>,
    load_balancer: Option<RawLoadBalancer>,
    defaults: RawVmDefaults,
    types: Spanned<BTreeMap<String, RawVmType>>,
    /// Task sizes priced per vCPU-second and GB-second (Fargate).
    task_rates: Option<BTreeMap<String, RawTaskRates>>,
    ephemeral_storage: Option<RawEphemeralStorage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLoadBalancer {
    hourly_price: Spanned<f64>,
    price_per_gb: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVmDefaults {
    instance_type: Spanned<String>,
    instances: Spanned<u32>,
    requests_per_vcpu: Spanned<u32>,
    boot_s: Spanned<f64>,
    cooldown_s: Spanned<f64>,
    target_utilization: Spanned<f64>,
    evaluation_periods: Spanned<u32>,
    scale_in_periods: Spanned<u32>,
    load_balancer: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVmType {
    vcpus: Spanned<u32>,
    memory_gb: Spanned<f64>,
    /// An instance's price, or `rates` naming a task rate set.
    hourly_price: Option<Spanned<f64>>,
    rates: Option<Spanned<String>>,
}

/// How instance time is billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VmBilling {
    /// Every started instance-hour in full (EC2 before 2017-10-02).
    Hourly,
    /// Per second with a minimum per instance launch (EC2 Linux since).
    PerSecond,
}

#[derive(Debug, Clone, Serialize)]
pub struct VmOffering {
    pub billing: VmBilling,
    pub minimum_billed_s: u32,
    /// Reserved rate = on-demand × (1 − this).
    pub reserved_discount: Decimal,
    /// Spot rate = on-demand × (1 − this).
    pub spot_discount: Decimal,
    pub data_out: Option<DataOut>,
    pub load_balancer: Option<LoadBalancerRates>,
    pub defaults: VmDefaults,
    pub types: BTreeMap<String, VmType>,
    /// Storage above the included GB per task (Fargate).
    pub ephemeral_storage: Option<EphemeralStorageRates>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoadBalancerRates {
    pub hourly_price: Decimal,
    pub price_per_gb: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct VmDefaults {
    pub instance_type: String,
    pub instances: u32,
    pub requests_per_vcpu: u32,
    pub boot_s: f64,
    pub cooldown_s: f64,
    pub target_utilization: f64,
    pub evaluation_periods: u32,
    pub scale_in_periods: u32,
    pub load_balancer: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct VmType {
    pub vcpus: u32,
    pub memory_gb: f64,
    /// For a task size, its per-second price as an hourly figure.
    pub hourly_price: Decimal,
    /// Set for task sizes priced per vCPU-second and GB-second.
    pub task: Option<TaskPrice>,
}

pub(super) fn validate_vm(raw: RawVm, checker: &mut Checker) -> VmOffering {
    let billing = match raw.billing.get_ref().as_str() {
        "hourly" => VmBilling::Hourly,
        "per_second" => VmBilling::PerSecond,
        other => {
            checker.problem(
                &raw.billing,
                "vm.billing",
                format!("expected `hourly` or `per_second`, found `{other}`"),
            );
            VmBilling::PerSecond
        }
    };
    let mut types = BTreeMap::new();
    if raw.types.get_ref().is_empty() {
        checker.problem(&raw.types, "vm.types", "expected at least one instance type");
    }
    let task_rates = raw
        .task_rates
        .as_ref()
        .map(|rates| validate_task_rates(rates, checker))
        .unwrap_or_default();
    for (name, kind) in raw.types.into_inner() {
        let vm_type = validate_type(&name, &kind, &task_rates, checker);
        types.insert(name, vm_type);
    }
    let defaults = validate_defaults(&raw.defaults, &types, checker);
    VmOffering {
        billing,
        minimum_billed_s: raw.minimum_billed_s.as_ref().map_or(0, |value| *value.get_ref()),
        reserved_discount: checker.discount(&raw.reserved_discount, "vm.reserved_discount"),
        spot_discount: checker.discount(&raw.spot_discount, "vm.spot_discount"),
        data_out: raw
            .data_out
            .as_ref()
            .map(|raw| data_out::validate(raw, "vm.data_out", checker)),
        load_balancer: raw.load_balancer.as_ref().map(|rates| LoadBalancerRates {
            hourly_price: checker.price(&rates.hourly_price, "vm.load_balancer.hourly_price"),
            price_per_gb: checker.price(&rates.price_per_gb, "vm.load_balancer.price_per_gb"),
        }),
        defaults,
        types,
        ephemeral_storage: raw
            .ephemeral_storage
            .as_ref()
            .map(|raw| validate_ephemeral(raw, checker)),
    }
}

/// One instance type: its vCPUs and memory, and an hourly price or a task
/// size priced by a rate set.
fn validate_type(
    name: &str,
    kind: &RawVmType,
    task_rates: &BTreeMap<String, TaskRates>,
    checker: &mut Checker,
) -> VmType {
    let key = format!("vm.types.\"{name}\"");
    let vcpus = checker.positive(&kind.vcpus, &format!("{key}.vcpus"));
    let memory_gb = checker.positive(&kind.memory_gb, &format!("{key}.memory_gb"));
    let (hourly_price, task) = match (&kind.hourly_price, &kind.rates) {
        (Some(price), None) => (checker.price(price, &format!("{key}.hourly_price")), None),
        (None, Some(rates)) => {
            let task = task_price(rates, memory_gb, task_rates, &format!("{key}.rates"), checker);
            let hourly = task
                .as_ref()
                .map_or(Decimal::ZERO, |task| task.hourly_price(vcpus));
            (hourly, task)
        }
        _ => {
            checker.problem(&kind.vcpus, &key, "give exactly one of hourly_price and rates");
            (Decimal::ZERO, None)
        }
    };
    VmType {
        vcpus,
        memory_gb,
        hourly_price,
        task,
    }
}

/// `[vm.defaults]`, its instance type one of `types`.
fn validate_defaults(
    defaults: &RawVmDefaults,
    types: &BTreeMap<String, VmType>,
    checker: &mut Checker,
) -> VmDefaults {
    if !types.contains_key(defaults.instance_type.get_ref()) {
        checker.problem(
            &defaults.instance_type,
            "vm.defaults.instance_type",
            format!("`{}` is not among the types", defaults.instance_type.get_ref()),
        );
    }
    VmDefaults {
        instance_type: defaults.instance_type.get_ref().clone(),
        instances: checker.positive(&defaults.instances, "vm.defaults.instances"),
        requests_per_vcpu: checker.positive(&defaults.requests_per_vcpu, "vm.defaults.requests_per_vcpu"),
        boot_s: checker.seconds(&defaults.boot_s, "vm.defaults.boot_s"),
        cooldown_s: checker.seconds(&defaults.cooldown_s, "vm.defaults.cooldown_s"),
        target_utilization: checker.fraction(&defaults.target_utilization, "vm.defaults.target_utilization"),
        evaluation_periods: checker.positive(&defaults.evaluation_periods, "vm.defaults.evaluation_periods"),
        scale_in_periods: checker.positive(&defaults.scale_in_periods, "vm.defaults.scale_in_periods"),
        load_balancer: defaults.load_balancer,
    }
}
