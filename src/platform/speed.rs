//! The speed model: a request's recorded duration was measured on a
//! reference resource (a memory size, a vCPU count, an instance or dyno
//! type); on a deployment of another size its CPU-bound share runs faster
//! or slower in proportion to the CPU it gets:
//!
//! duration = recorded × (cpu_fraction × cpu(reference) / cpu(size) + (1 − cpu_fraction)),
//!
//! with each cpu() capped at the `threads` the work can use. The factor is
//! worked out once per deployment and applied per request as a 32.32
//! fixed-point multiply: no float on the per-request path, and none at all
//! when `cpu_fraction` is 0 (the default: durations as recorded).

use std::collections::{BTreeMap, BTreeSet};

use super::settings::{Kind, SettingSpec};
use crate::pricing::PriceBook;
use crate::pricing::function_book::CpuScaling;
use crate::units::Micros;

/// The share of a request's duration that scales with CPU.
pub const CPU_FRACTION: SettingSpec = SettingSpec {
    key: "cpu_fraction",
    kind: Kind::Number {
        unit: "shares of the duration",
        min: 0.0,
        max: 1.0,
    },
    doc: "share of each request's recorded duration that scales with CPU (0: durations as recorded whatever the size, the default; 1: CPU-bound)",
};

/// The threads a request's work can use at once.
pub const THREADS: SettingSpec = SettingSpec {
    key: "threads",
    kind: Kind::Whole {
        unit: "threads",
        min: 1,
        max: 1_024,
    },
    doc: "threads a request's work can use: CPU beyond this many vCPUs does not speed it up (default 1)",
};

/// A warning when deployments of a book whose CPU grows with memory are
/// compared at several memory sizes with `cpu_fraction` 0: their durations
/// then do not depend on memory, so more memory can only cost more.
pub fn memory_sweep_warning<'a>(
    deployments: impl IntoIterator<Item = (&'a PriceBook, serde_json::Value)>,
) -> Option<String> {
    let mut sizes: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
    for (book, settings) in deployments {
        let scales = book
            .function()
            .is_some_and(|offering| offering.limits.cpu != CpuScaling::Fixed);
        let unset = settings["cpu_fraction"].as_f64() == Some(0.0);
        if let (true, true, Some(memory)) = (scales, unset, settings["memory_mb"].as_u64()) {
            sizes.entry(&book.id).or_default().insert(memory);
        }
    }
    let swept: Vec<String> = sizes
        .iter()
        .filter(|(_, sizes)| sizes.len() > 1)
        .map(|(book, sizes)| {
            let list: Vec<String> = sizes.iter().map(u64::to_string).collect();
            format!("{book} at {} MB", list.join(", "))
        })
        .collect();
    (!swept.is_empty()).then(|| {
        format!(
            "{} compared with cpu_fraction unset (0): durations do not depend on memory, so more memory only costs more; set cpu_fraction (and threads, reference_memory_mb) to let CPU grow with memory",
            swept.join("; ")
        )
    })
}

/// How many fractional bits the fixed-point factor keeps.
const FRACTION_BITS: u32 = 32;
const ONE: u64 = 1 << FRACTION_BITS;

/// What the speed model needs of a deployment's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpeedSettings {
    pub cpu_fraction: f64,
    pub threads: u32,
}

impl Default for SpeedSettings {
    fn default() -> Self {
        SpeedSettings {
            cpu_fraction: 0.0,
            threads: 1,
        }
    }
}

impl SpeedSettings {
    /// The factor from a duration recorded with `reference_vcpus` to one
    /// run with `size_vcpus`.
    pub fn scale(&self, reference_vcpus: f64, size_vcpus: f64) -> DurationScale {
        if self.cpu_fraction == 0.0 || reference_vcpus <= 0.0 || size_vcpus <= 0.0 {
            return DurationScale::UNCHANGED;
        }
        let threads = f64::from(self.threads);
        let ratio = reference_vcpus.min(threads) / size_vcpus.min(threads);
        DurationScale::of(self.cpu_fraction * ratio + (1.0 - self.cpu_fraction))
    }

    /// The assumption, for a deployment's one-line description: nothing at
    /// the default (durations as recorded), else e.g. `, cpu_fraction 0.5
    /// over 2 threads, recorded on 1769 MB`.
    pub fn describe(&self, reference: &str) -> String {
        if self.cpu_fraction == 0.0 {
            return String::new();
        }
        format!(
            ", cpu_fraction {} over {} thread{}, recorded on {reference}",
            self.cpu_fraction,
            self.threads,
            if self.threads == 1 { "" } else { "s" }
        )
    }
}

/// A factor applied to each request's duration, in 32.32 fixed point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationScale(u64);

impl DurationScale {
    pub const UNCHANGED: DurationScale = DurationScale(ONE);

    /// `factor` (positive and finite) in fixed point, rounded to nearest.
    pub fn of(factor: f64) -> Self {
        // A factor beyond 2^31 would need durations of a microsecond to
        // last half an hour: capped there, as a duration is capped at
        // u64::MAX µs when applied.
        DurationScale((factor.clamp(0.0, f64::from(u32::MAX >> 1)) * ONE as f64).round() as u64)
    }

    pub fn is_unchanged(self) -> bool {
        self == DurationScale::UNCHANGED
    }

    /// `micros` scaled, rounded to the nearest microsecond.
    #[inline]
    pub fn apply(self, micros: Micros) -> Micros {
        if self.is_unchanged() {
            return micros;
        }
        let scaled = (u128::from(micros) * u128::from(self.0) + u128::from(ONE / 2)) >> FRACTION_BITS;
        Micros::try_from(scaled).unwrap_or(Micros::MAX)
    }

    /// The factor, for display.
    pub fn factor(self) -> f64 {
        self.0 as f64 / ONE as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpu_bound(threads: u32) -> SpeedSettings {
        SpeedSettings {
            cpu_fraction: 1.0,
            threads,
        }
    }

    #[test]
    fn cpu_bound_work_scales_with_cpu_up_to_the_threads() {
        // Lambda, 1 vCPU per 1,769 MB. Recorded at 1,769 MB (1 vCPU), run
        // at 885 MB (885 / 1,769 vCPU): 1,769 / 885 = 1.998870056... as long;
        // 1,000,000 µs → 1,998,870.056 → 1,998,870 µs.
        let half = cpu_bound(1).scale(1.0, 885.0 / 1_769.0);
        assert_eq!(half.apply(1_000_000), 1_998_870);
        // At 3,538 MB (2 vCPUs) one thread uses one: as recorded; two
        // threads use both: 500,000 µs.
        assert_eq!(cpu_bound(1).scale(1.0, 2.0).apply(1_000_000), 1_000_000);
        assert_eq!(cpu_bound(2).scale(1.0, 2.0).apply(1_000_000), 500_000);
    }

    #[test]
    fn only_the_cpu_share_scales() {
        // Half CPU-bound, on half the CPU: 0.5 × 2 + 0.5 = 1.5 × 200 ms.
        let settings = SpeedSettings {
            cpu_fraction: 0.5,
            threads: 1,
        };
        assert_eq!(settings.scale(1.0, 0.5).apply(200_000), 300_000);
        // No CPU share: every duration as recorded, and no arithmetic.
        assert!(SpeedSettings::default().scale(1.0, 0.5).is_unchanged());
    }

    #[test]
    fn a_memory_sweep_without_a_cpu_fraction_warns() {
        let lambda = crate::pricing::resolve("aws-lambda-2025").expect("shipped");
        let azure = crate::pricing::resolve("azure-functions-2016").expect("shipped");
        let at =
            |memory: u32, fraction: f64| serde_json::json!({"memory_mb": memory, "cpu_fraction": fraction});
        let warning = memory_sweep_warning([(&lambda, at(128, 0.0)), (&lambda, at(1024, 0.0))]);
        assert!(warning.is_some_and(|text| text.starts_with("aws-lambda-2025 at 128, 1024 MB compared")),);
        // With a CPU share, or on a platform whose CPU does not grow with
        // memory, there is nothing to warn about.
        assert_eq!(
            memory_sweep_warning([(&lambda, at(128, 0.5)), (&lambda, at(1024, 0.5))]),
            None
        );
        assert_eq!(
            memory_sweep_warning([(&azure, at(128, 0.0)), (&azure, at(1024, 0.0))]),
            None
        );
    }

    #[test]
    fn huge_durations_saturate_instead_of_wrapping() {
        let slower = cpu_bound(1).scale(1.0, 0.001);
        assert_eq!(slower.apply(Micros::MAX), Micros::MAX);
        assert_eq!(slower.apply(1_000), 1_000_000);
    }
}
