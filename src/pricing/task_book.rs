//! Container tasks priced by size on the VM model (AWS Fargate): a `[vm]`
//! type may name a rate set (`rates = "linux-x86"`) instead of an hourly
//! price; the set prices each vCPU-second and GB-second (plus an OS licence
//! per vCPU-second for Windows) with its own billing minimum, and
//! `[vm.ephemeral_storage]` prices storage above the included GB per task.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::book::Checker;
use super::money::{Decimal, from_book};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTaskRates {
    vcpu_price_per_s: Spanned<f64>,
    gb_price_per_s: Spanned<f64>,
    os_license_price_per_vcpu_s: Option<Spanned<f64>>,
    minimum_billed_s: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEphemeralStorage {
    included_gb: Spanned<u32>,
    max_gb: Spanned<u32>,
    price_per_gb_s: Spanned<f64>,
}

/// Per-second rates of one task platform (Linux x86, Linux Arm, Windows).
#[derive(Debug, Clone, Serialize)]
pub struct TaskRates {
    pub vcpu_price_per_s: Decimal,
    pub gb_price_per_s: Decimal,
    /// Windows: the OS licence, per vCPU-second.
    pub os_license_price_per_vcpu_s: Decimal,
    pub minimum_billed_s: u32,
}

/// A task size's prices: its rate set's name and rates, and its memory as
/// an exact decimal.
#[derive(Debug, Clone, Serialize)]
pub struct TaskPrice {
    pub rates_name: String,
    pub rates: TaskRates,
    pub memory_gb: Decimal,
}

impl TaskPrice {
    /// The size's price per hour, as `pricing show` lists types.
    pub fn hourly_price(&self, vcpus: u32) -> Decimal {
        let vcpus = Decimal::from(vcpus);
        let per_second = vcpus * (self.rates.vcpu_price_per_s + self.rates.os_license_price_per_vcpu_s)
            + self.memory_gb * self.rates.gb_price_per_s;
        per_second * Decimal::from(3_600)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EphemeralStorageRates {
    pub included_gb: u32,
    pub max_gb: u32,
    pub price_per_gb_s: Decimal,
}

pub(super) fn validate_task_rates(
    raw: &BTreeMap<String, RawTaskRates>,
    checker: &mut Checker,
) -> BTreeMap<String, TaskRates> {
    raw.iter()
        .map(|(name, rates)| {
            let key = format!("vm.task_rates.\"{name}\"");
            let validated = TaskRates {
                vcpu_price_per_s: checker.price(&rates.vcpu_price_per_s, &format!("{key}.vcpu_price_per_s")),
                gb_price_per_s: checker.price(&rates.gb_price_per_s, &format!("{key}.gb_price_per_s")),
                os_license_price_per_vcpu_s: rates
                    .os_license_price_per_vcpu_s
                    .as_ref()
                    .map_or(Decimal::ZERO, |price| {
                        checker.price(price, &format!("{key}.os_license_price_per_vcpu_s"))
                    }),
                minimum_billed_s: *rates.minimum_billed_s.get_ref(),
            };
            (name.clone(), validated)
        })
        .collect()
}

/// The task price of a type naming `rates`, or a problem if no set has it.
pub(super) fn task_price(
    rates: &Spanned<String>,
    memory_gb: f64,
    sets: &BTreeMap<String, TaskRates>,
    key: &str,
    checker: &mut Checker,
) -> Option<TaskPrice> {
    let Some(found) = sets.get(rates.get_ref()) else {
        checker.problem(
            rates,
            key,
            format!(
                "`{}` is not among the [vm.task_rates] sets ({})",
                rates.get_ref(),
                sets.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        );
        return None;
    };
    Some(TaskPrice {
        rates_name: rates.get_ref().clone(),
        rates: found.clone(),
        memory_gb: from_book(memory_gb).unwrap_or(Decimal::ZERO),
    })
}

pub(super) fn validate_ephemeral(raw: &RawEphemeralStorage, checker: &mut Checker) -> EphemeralStorageRates {
    let included_gb = *raw.included_gb.get_ref();
    let max_gb = *raw.max_gb.get_ref();
    if max_gb < included_gb {
        checker.problem(
            &raw.max_gb,
            "vm.ephemeral_storage.max_gb",
            "expected at least included_gb",
        );
    }
    EphemeralStorageRates {
        included_gb,
        max_gb,
        price_per_gb_s: checker.price(&raw.price_per_gb_s, "vm.ephemeral_storage.price_per_gb_s"),
    }
}

/// Lines for `pricing show`: each rate set a type names, and the storage.
pub fn describe_tasks(offering: &super::vm_book::VmOffering) -> String {
    let mut sets: BTreeMap<&str, &TaskRates> = BTreeMap::new();
    for task in offering.types.values().filter_map(|kind| kind.task.as_ref()) {
        sets.insert(&task.rates_name, &task.rates);
    }
    let mut out = String::new();
    for (name, rates) in sets {
        out.push_str(&format!(
            "\nTask rates {name}: ${}/vCPU-s, ${}/GB-s",
            rates.vcpu_price_per_s.normalize(),
            rates.gb_price_per_s.normalize()
        ));
        if !rates.os_license_price_per_vcpu_s.is_zero() {
            out.push_str(&format!(
                ", OS licence ${}/vCPU-s",
                rates.os_license_price_per_vcpu_s.normalize()
            ));
        }
        out.push_str(&format!("; at least {} s per task.", rates.minimum_billed_s));
    }
    if let Some(storage) = &offering.ephemeral_storage {
        out.push_str(&format!(
            "\nEphemeral storage: {} GB per task included, up to {} GB at ${}/GB-s (ephemeral_storage_gb).",
            storage.included_gb,
            storage.max_gb,
            storage.price_per_gb_s.normalize()
        ));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}
