//! Billable quantities: what a platform model records and a price book reads.
//!
//! Quantities are exact integers in the vendor's units (requests, MB·µs of
//! billed duration, bytes) kept per calendar month, because monthly
//! allowances reset at each month. Money is computed from these totals at the
//! end, as a vendor's invoice is, so nothing drifts over a billion requests.

use serde::Serialize;

use crate::calendar::BillingMonth;
use crate::units::Micros;

/// Microseconds in an hour.
const HOUR_MICROS: Micros = 3_600_000_000;

/// A function deployment's billable quantities over some span (an hour, a
/// month): exact integers in the vendor's units. A new meter is one field
/// here and one line in [`FunctionMeters::add`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FunctionMeters {
    /// Billed invocations (served and timed out; throttled ones are free).
    pub requests: u64,
    /// Billed duration × billed memory of on-demand instances, in MB·µs.
    pub on_demand_mb_us: u128,
    /// Billed duration × the CPU clock of the size, in MHz·µs (Google's
    /// GHz-seconds); zero where the book bills no CPU.
    pub cpu_mhz_us: u128,
    /// Billed duration × billed memory of requests served by provisioned
    /// instances, in MB·µs.
    pub provisioned_duration_mb_us: u128,
    /// Provisioned memory × the time it was configured (each window rounded
    /// up to the book's granularity), in MB·µs.
    pub provisioned_configured_mb_us: u128,
    /// Ephemeral storage above the included amount × billed duration, MB·µs.
    pub extra_storage_mb_us: u128,
    pub bytes_out: u128,
    /// Time on-demand instances served at least one request, each busy
    /// period rounded up to the book's granularity, in µs (Cloud Run's
    /// request-based billing).
    pub instance_busy_us: u128,
    /// Lifetime of on-demand instances, in µs (instance-based billing).
    pub instance_life_us: u128,
    /// The same two for minimum (provisioned) instances, whose idle time
    /// is billed at idle rates.
    pub minimum_busy_us: u128,
    pub minimum_life_us: u128,
    /// Billed duration of the requests run at the deployment's own memory
    /// size (rows that name none), in µs, on on-demand and on provisioned
    /// instances: what the MB·µs above would be at another size is these
    /// times that size's billed memory (see
    /// [`FunctionUsage::at_memory`]).
    pub own_size_on_demand_us: u128,
    pub own_size_provisioned_us: u128,
}

impl FunctionMeters {
    pub fn add(&mut self, other: &FunctionMeters) {
        self.requests += other.requests;
        self.on_demand_mb_us += other.on_demand_mb_us;
        self.cpu_mhz_us += other.cpu_mhz_us;
        self.provisioned_duration_mb_us += other.provisioned_duration_mb_us;
        self.provisioned_configured_mb_us += other.provisioned_configured_mb_us;
        self.extra_storage_mb_us += other.extra_storage_mb_us;
        self.bytes_out += other.bytes_out;
        self.instance_busy_us += other.instance_busy_us;
        self.instance_life_us += other.instance_life_us;
        self.minimum_busy_us += other.minimum_busy_us;
        self.minimum_life_us += other.minimum_life_us;
        self.own_size_on_demand_us += other.own_size_on_demand_us;
        self.own_size_provisioned_us += other.own_size_provisioned_us;
    }
}

/// One hour's requests run at the deployment's own memory size, summed in
/// 64-bit counters on the per-request path and multiplied out into a
/// [`FunctionMeters`] once: the products distribute over the sums, so the
/// meters come out exactly as if each request's products had been added.
/// A request whose sum would overflow is refused, so that the tally can be
/// spilled into the meters first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OwnSizeTally {
    pub requests: u64,
    /// Billed durations on on-demand instances, µs.
    pub on_demand_us: u64,
    /// Billed durations on provisioned instances, µs.
    pub provisioned_us: u64,
    pub bytes_out: u64,
}

impl OwnSizeTally {
    /// Counts a request billed for `billed_us`; false, with nothing
    /// counted, if a sum would overflow.
    #[inline(always)]
    pub fn try_add(&mut self, billed_us: u64, provisioned: bool, bytes_out: u64) -> bool {
        let sum = if provisioned {
            &mut self.provisioned_us
        } else {
            &mut self.on_demand_us
        };
        match (sum.checked_add(billed_us), self.bytes_out.checked_add(bytes_out)) {
            (Some(new_sum), Some(new_bytes)) => {
                *sum = new_sum;
                self.bytes_out = new_bytes;
                self.requests += 1;
                true
            }
            _ => false,
        }
    }

    /// Adds the counted requests to `meters`, billed at `size` with
    /// `extra_storage_mb` of ephemeral storage beyond the included amount.
    pub fn add_to(&self, meters: &mut FunctionMeters, size: BilledSize, extra_storage_mb: u32) {
        let on_demand = u128::from(self.on_demand_us);
        let provisioned = u128::from(self.provisioned_us);
        let billed = on_demand + provisioned;
        meters.requests += self.requests;
        meters.on_demand_mb_us += on_demand * u128::from(size.memory_mb);
        meters.own_size_on_demand_us += on_demand;
        meters.provisioned_duration_mb_us += provisioned * u128::from(size.memory_mb);
        meters.own_size_provisioned_us += provisioned;
        meters.cpu_mhz_us += billed * u128::from(size.cpu_mhz);
        meters.extra_storage_mb_us += billed * u128::from(extra_storage_mb);
        meters.bytes_out += u128::from(self.bytes_out);
    }
}

/// A deployment's memory size as billed: MB, and the size's CPU clock in
/// MHz where the book bills CPU (Google), else 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BilledSize {
    pub memory_mb: u32,
    pub cpu_mhz: u32,
}

/// One month of a function deployment's billable usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionMonthUsage {
    pub month: BillingMonth,
    #[serde(flatten)]
    pub meters: FunctionMeters,
}

impl FunctionMonthUsage {
    pub fn new(month: BillingMonth) -> Self {
        FunctionMonthUsage {
            month,
            meters: FunctionMeters::default(),
        }
    }
}

/// A function deployment's usage over a run: one entry per calendar month
/// from the origin's month on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionUsage {
    /// The month of the run's origin; `months[i]` is `i` months later.
    pub first_month: BillingMonth,
    pub months: Vec<FunctionMonthUsage>,
    /// Memory of the provisioned instances, for pricing their idle time.
    pub provisioned_memory_mb: u32,
    /// Instance-time of provisioned instances not serving requests, in µs.
    pub provisioned_idle_us: u128,
}

impl FunctionUsage {
    pub fn new(first_month: BillingMonth, provisioned_memory_mb: u32) -> Self {
        FunctionUsage {
            first_month,
            months: Vec::new(),
            provisioned_memory_mb,
            provisioned_idle_us: 0,
        }
    }

    /// The month `index` months after the origin's, created with the months
    /// before it as needed.
    #[inline]
    pub fn month_mut(&mut self, index: usize) -> &mut FunctionMonthUsage {
        if index >= self.months.len() {
            self.add_months(index);
        }
        &mut self.months[index]
    }

    /// This usage as if the deployment's own size had been `to` instead of
    /// `from` (configured memory `to_memory_mb` instead of
    /// `from_memory_mb`), with every request lasting as long: the requests
    /// at the deployment's own size billed at `to`, provisioned memory
    /// scaled. Exact: each quantity is a sum of products with the size.
    pub fn at_memory(&self, from: (u32, BilledSize), to: (u32, BilledSize)) -> FunctionUsage {
        let ((from_mb, from), (to_mb, to)) = (from, to);
        let mut usage = self.clone();
        for month in &mut usage.months {
            let meters = &mut month.meters;
            let resize = |total: u128, own_us: u128, from: u32, to: u32| {
                total - own_us * u128::from(from) + own_us * u128::from(to)
            };
            let (on_demand, provisioned) = (meters.own_size_on_demand_us, meters.own_size_provisioned_us);
            meters.on_demand_mb_us = resize(meters.on_demand_mb_us, on_demand, from.memory_mb, to.memory_mb);
            meters.provisioned_duration_mb_us = resize(
                meters.provisioned_duration_mb_us,
                provisioned,
                from.memory_mb,
                to.memory_mb,
            );
            meters.cpu_mhz_us = resize(
                meters.cpu_mhz_us,
                on_demand + provisioned,
                from.cpu_mhz,
                to.cpu_mhz,
            );
            // Provisioned memory × time configured: a multiple of the size.
            meters.provisioned_configured_mb_us =
                meters.provisioned_configured_mb_us / u128::from(from_mb.max(1)) * u128::from(to_mb);
        }
        usage.provisioned_memory_mb = to_mb;
        usage
    }

    #[cold]
    fn add_months(&mut self, index: usize) {
        while self.months.len() <= index {
            let month = self
                .months
                .last()
                .map_or(self.first_month, |last| last.month.next());
            self.months.push(FunctionMonthUsage::new(month));
        }
    }
}

/// One month of requests reaching a per-request service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceMonthUsage {
    pub month: BillingMonth,
    pub requests: u64,
    pub bytes_out: u128,
}

/// Requests and bytes of a workload per calendar month, as a service in
/// front of a deployment (API Gateway) sees them: every request, whatever
/// the platform did with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ServiceUsage {
    pub months: Vec<ServiceMonthUsage>,
}

/// Why a paid interval ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalEnd {
    /// Scaled in, fell asleep, or the horizon ended.
    Stopped,
    /// Terminated by the provider (spot): a partial hour is not charged
    /// under hourly billing.
    Interrupted,
}

/// A span during which server `server` (its slot number, reused after the
/// server goes) existed and was paid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ServerInterval {
    pub server: u32,
    pub start: Micros,
    pub end: Micros,
    pub ended: IntervalEnd,
}

/// What a farm run recorded for billing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FarmUsage {
    pub intervals: Vec<ServerInterval>,
    /// App Engine accrual spans (start → last request end + tail).
    pub accrual: Vec<ServerInterval>,
    pub bytes_out: u128,
    /// Bytes sent per hour from the origin, for the cost-over-time chart.
    pub bytes_by_hour: Vec<u128>,
}

impl FarmUsage {
    /// The usage of the first `until` microseconds (bytes by whole hours).
    pub fn until(&self, until: Micros) -> FarmUsage {
        let clip = |intervals: &[ServerInterval]| {
            intervals
                .iter()
                .filter(|interval| interval.start < until)
                .map(|interval| ServerInterval {
                    end: interval.end.min(until),
                    ended: if interval.end <= until {
                        interval.ended
                    } else {
                        IntervalEnd::Stopped
                    },
                    ..*interval
                })
                .collect()
        };
        let hours = until.div_ceil(HOUR_MICROS) as usize;
        let bytes_by_hour: Vec<u128> = self.bytes_by_hour.iter().copied().take(hours).collect();
        FarmUsage {
            intervals: clip(&self.intervals),
            accrual: clip(&self.accrual),
            bytes_out: bytes_by_hour.iter().sum(),
            bytes_by_hour,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_multiplies_out_as_each_request_would() {
        let mut tally = OwnSizeTally::default();
        assert!(tally.try_add(100_000, false, 10));
        assert!(tally.try_add(200_000, false, 0));
        assert!(tally.try_add(300_000, true, 5));
        let mut meters = FunctionMeters::default();
        let size = BilledSize {
            memory_mb: 128,
            cpu_mhz: 200,
        };
        tally.add_to(&mut meters, size, 512);
        // On demand: (100,000 + 200,000) µs × 128 MB = 38,400,000 MB·µs;
        // provisioned: 300,000 × 128 = 38,400,000; CPU: 600,000 µs × 200 MHz
        // = 120,000,000; storage: 600,000 × 512 = 307,200,000.
        assert_eq!(meters.requests, 3);
        assert_eq!(meters.on_demand_mb_us, 38_400_000);
        assert_eq!(meters.own_size_on_demand_us, 300_000);
        assert_eq!(meters.provisioned_duration_mb_us, 38_400_000);
        assert_eq!(meters.own_size_provisioned_us, 300_000);
        assert_eq!(meters.cpu_mhz_us, 120_000_000);
        assert_eq!(meters.extra_storage_mb_us, 307_200_000);
        assert_eq!(meters.bytes_out, 15);
    }

    #[test]
    fn a_sum_that_would_overflow_is_refused_untouched() {
        let mut tally = OwnSizeTally::default();
        assert!(tally.try_add(u64::MAX - 1, false, 1));
        let before = tally;
        // (2^64 - 2) + 2 µs and 1 + (2^64 - 1) bytes do not fit in 64 bits.
        assert!(!tally.try_add(2, false, 0));
        assert!(!tally.try_add(0, true, u64::MAX));
        assert_eq!(tally, before);
        // The provisioned sum still has room.
        assert!(tally.try_add(2, true, 0));
        assert_eq!((tally.requests, tally.provisioned_us), (2, 2));
    }
}
