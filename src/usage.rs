//! Billable quantities: what a platform model records and a price book reads.
//!
//! Quantities are exact integers in the vendor's units (requests, MB·µs of
//! billed duration, bytes) kept per calendar month, because monthly
//! allowances reset at each month. Money is computed from these totals at the
//! end, as a vendor's invoice is, so nothing drifts over a billion requests.

use serde::Serialize;

use crate::calendar::BillingMonth;

/// One month of a function deployment's billable usage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FunctionMonthUsage {
    pub month: Option<BillingMonth>,
    /// Billed invocations (served and timed out; throttled ones are free).
    pub requests: u64,
    /// Billed duration × billed memory of on-demand instances, in MB·µs.
    pub on_demand_mb_us: u128,
    /// Billed duration × billed memory of requests served by provisioned
    /// instances, in MB·µs.
    pub provisioned_duration_mb_us: u128,
    /// Provisioned memory × the time it was configured (rounded up to the
    /// book's granularity), in MB·µs.
    pub provisioned_configured_mb_us: u128,
    /// Ephemeral storage above the included amount × billed duration, MB·µs.
    pub extra_storage_mb_us: u128,
    pub bytes_out: u128,
}

/// A function deployment's usage over a run: one entry per calendar month
/// from the origin's month on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FunctionUsage {
    pub months: Vec<FunctionMonthUsage>,
    /// Memory of the provisioned instances, for pricing their idle time.
    pub provisioned_memory_mb: u32,
    /// Instance-time of provisioned instances not serving requests, in µs.
    pub provisioned_idle_us: u128,
}

impl FunctionUsage {
    /// The month at `index` (counted from the origin's month), created with
    /// the months before it as needed.
    pub fn month_mut(&mut self, index: usize, month: BillingMonth) -> &mut FunctionMonthUsage {
        while self.months.len() <= index {
            self.months.push(FunctionMonthUsage::default());
        }
        let entry = &mut self.months[index];
        entry.month = Some(month);
        entry
    }
}
