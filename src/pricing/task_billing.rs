//! Billing of task sizes on the VM model (AWS Fargate): each launch's
//! seconds (at least its rate set's minimum: 1 minute on Linux, 5 on
//! Windows) × its vCPUs and GB at per-second rates, the Windows OS licence
//! per vCPU-second, and ephemeral storage above the included GB per task.
//! Spot takes the book's spot discount off vCPU and memory.

use super::bill::{Charge, LineItem, accumulate};
use super::money::{Decimal, ratio};
use super::task_book::TaskPrice;
use super::vm_book::VmOffering;
use crate::units::MICROS_PER_SECOND;

/// Adds the line items of `billed_us` task-microseconds of a `vcpus`-vCPU
/// size priced by `task`, with `ephemeral_gb` of storage per task.
pub fn bill_tasks(
    offering: &VmOffering,
    task: &TaskPrice,
    vcpus: u32,
    (billed_us, ephemeral_gb, spot): (u128, u32, bool),
    items: &mut Vec<LineItem>,
) {
    let seconds = ratio(billed_us, u128::from(MICROS_PER_SECOND));
    let rates = &task.rates;
    let discount = if spot {
        Decimal::ONE - offering.spot_discount
    } else {
        Decimal::ONE
    };
    let name = &task.rates_name;
    accumulate(
        items,
        &format!("Tasks vCPU ({name})"),
        "vCPU-s",
        rates.vcpu_price_per_s * discount,
        Charge::billed(seconds * Decimal::from(vcpus)),
    );
    accumulate(
        items,
        &format!("Tasks memory ({name})"),
        "GB-s",
        rates.gb_price_per_s * discount,
        Charge::billed(seconds * task.memory_gb),
    );
    if !rates.os_license_price_per_vcpu_s.is_zero() {
        accumulate(
            items,
            &format!("OS licence ({name})"),
            "vCPU-s",
            rates.os_license_price_per_vcpu_s,
            Charge::billed(seconds * Decimal::from(vcpus)),
        );
    }
    if let Some(storage) = &offering.ephemeral_storage {
        let extra = ephemeral_gb.saturating_sub(storage.included_gb);
        if extra > 0 {
            accumulate(
                items,
                &format!("Ephemeral storage above {} GB", storage.included_gb),
                "GB-s",
                storage.price_per_gb_s,
                Charge::billed(seconds * Decimal::from(extra)),
            );
        }
    }
}
