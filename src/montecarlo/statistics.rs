//! The statistics of a sample of replications: the mean with its standard
//! error, quantiles (linear between order statistics, Hyndman and Fan's
//! type 7, the default of R and NumPy) with a distribution-free standard
//! error (the order statistics that bound a 95% confidence interval of the
//! quantile, their distance / 3.92), and shares with their binomial
//! standard error. Money stays exact: quantiles of amounts are computed in
//! decimal; only spreads (standard deviations) go through floating point.

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};

use super::summary::{Probability, Quantile, Spread};
use crate::pricing::Decimal;

/// The standard normal's 97.5th percentile: a 95% interval spans ±1.96 σ.
const Z_975: f64 = 1.959_963_984_540_054;

/// Decimal places kept of a standard deviation or error of an amount.
const SPREAD_PLACES: u32 = 6;

/// A sample value: exact amounts or floating-point measures.
pub trait Sample: Copy + PartialOrd {
    fn to_float(self) -> f64;
    fn from_float(value: f64) -> Self;
    /// The mean of `values` (at least one).
    fn mean(values: &[Self]) -> Self;
    /// `self + (other − self) × share`.
    fn between(self, other: Self, share: Decimal) -> Self;
    fn order(a: &Self, b: &Self) -> std::cmp::Ordering;
}

impl Sample for Decimal {
    fn to_float(self) -> f64 {
        self.to_f64().unwrap_or(0.0)
    }
    fn from_float(value: f64) -> Self {
        Decimal::from_f64(value)
            .unwrap_or_default()
            .round_dp(SPREAD_PLACES)
    }
    /// Exact but for the division, to [`SPREAD_PLACES`] places.
    fn mean(values: &[Self]) -> Self {
        let sum: Decimal = values.iter().sum();
        (sum / Decimal::from(values.len().max(1))).round_dp(SPREAD_PLACES)
    }
    fn between(self, other: Self, share: Decimal) -> Self {
        self + (other - self) * share
    }
    fn order(a: &Self, b: &Self) -> std::cmp::Ordering {
        a.cmp(b)
    }
}

impl Sample for f64 {
    fn to_float(self) -> f64 {
        self
    }
    fn from_float(value: f64) -> Self {
        value
    }
    fn mean(values: &[Self]) -> Self {
        values.iter().sum::<f64>() / values.len().max(1) as f64
    }
    fn between(self, other: Self, share: Decimal) -> Self {
        self + (other - self) * share.to_f64().unwrap_or(0.0)
    }
    fn order(a: &Self, b: &Self) -> std::cmp::Ordering {
        a.total_cmp(b)
    }
}

/// The spread of `values` (at least one), with the quantiles at
/// `percents` (each in 0..=100).
pub fn spread<T: Sample>(values: &[T], percents: &[Decimal]) -> Spread<T> {
    let mut sorted = values.to_vec();
    sorted.sort_by(T::order);
    let n = sorted.len().max(1) as f64;
    let floats: Vec<f64> = sorted.iter().map(|value| value.to_float()).collect();
    let mean = floats.iter().sum::<f64>() / n;
    let variance = match sorted.len() {
        0 | 1 => 0.0,
        count => floats.iter().map(|value| (value - mean).powi(2)).sum::<f64>() / (count - 1) as f64,
    };
    let deviation = variance.sqrt();
    Spread {
        mean: T::mean(values),
        standard_deviation: T::from_float(deviation),
        mean_standard_error: T::from_float(deviation / n.sqrt()),
        quantiles: percents
            .iter()
            .map(|&percent| Quantile {
                percent,
                value: quantile(&sorted, percent),
                standard_error: quantile_error(&sorted, percent),
            })
            .collect(),
    }
}

/// The type-7 quantile of `sorted` at `percent`: position h = (n − 1) ×
/// p / 100, between the order statistics either side of h.
pub fn quantile<T: Sample>(sorted: &[T], percent: Decimal) -> T {
    if sorted.is_empty() {
        return T::from_float(0.0);
    }
    let last = sorted.len() - 1;
    let position = Decimal::from(last) * percent / Decimal::ONE_HUNDRED;
    let below = position.floor().to_usize().unwrap_or(0).min(last);
    let above = (below + 1).min(last);
    let share = position - Decimal::from(below);
    sorted[below].between(sorted[above], share)
}

/// The quantile's standard error: the 95% confidence interval of the
/// quantile runs between the order statistics of ranks np ∓ 1.96 √(np(1−p))
/// (1-based, clamped to the sample); a normal's ±1.96 σ spans it.
fn quantile_error<T: Sample>(sorted: &[T], percent: Decimal) -> T {
    let n = sorted.len() as f64;
    let p = percent.to_f64().unwrap_or(0.0) / 100.0;
    if sorted.len() < 2 {
        return T::from_float(0.0);
    }
    let half_width = Z_975 * (n * p * (1.0 - p)).sqrt();
    let rank = |value: f64| (value.clamp(1.0, n) as usize) - 1;
    let (low, high) = (
        rank((n * p - half_width).floor()),
        rank((n * p + half_width).ceil()),
    );
    T::from_float((sorted[high].to_float() - sorted[low].to_float()) / (2.0 * Z_975))
}

/// `hits` of `count` as a share, with its binomial standard error.
pub fn probability(hits: usize, count: usize) -> Probability {
    let n = count.max(1) as f64;
    let value = hits as f64 / n;
    Probability {
        value,
        standard_error: (value * (1.0 - value) / n).sqrt(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn percents(values: &[i64]) -> Vec<Decimal> {
        values.iter().map(|&value| Decimal::from(value)).collect()
    }

    #[test]
    fn quantiles_are_linear_between_order_statistics() {
        // 1..=5: P50 at h = 4 × 0.5 = 2 → 3; P5 at h = 0.2 → 1 + 0.2 = 1.2;
        // P95 at h = 3.8 → 4 + 0.8 = 4.8 (NumPy's default gives the same).
        let values: Vec<Decimal> = (1..=5).map(Decimal::from).collect();
        let found = spread(&values, &percents(&[5, 50, 95]));
        let at: Vec<Decimal> = found.quantiles.iter().map(|q| q.value.normalize()).collect();
        assert_eq!(at, [Decimal::new(12, 1), Decimal::from(3), Decimal::new(48, 1)]);
        // Mean 3; sample variance (4 + 1 + 0 + 1 + 4) / 4 = 2.5, σ = 1.581139.
        assert_eq!(found.mean, Decimal::from(3));
        assert_eq!(
            found.standard_deviation.round_dp(6),
            "1.581139".parse::<Decimal>().unwrap()
        );
        // √2.5 / √5 = √0.5 = 0.707107.
        assert_eq!(
            found.mean_standard_error.round_dp(6),
            "0.707107".parse::<Decimal>().unwrap()
        );
    }

    #[test]
    fn a_quantile_error_spans_the_order_statistics_of_its_interval() {
        // n = 100 of 1..=100, P50: ranks 50 ∓ 1.96 × √25 = 50 ∓ 9.8 → 40
        // and 60 (floor, ceil), values 40 and 60: (60 − 40) / 3.92 = 5.102.
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let found = spread(&values, &percents(&[50]));
        assert!((found.quantiles[0].standard_error - 20.0 / 3.919_928).abs() < 1e-4);
    }

    #[test]
    fn one_value_has_no_spread() {
        let found = spread(&[Decimal::from(7)], &percents(&[5, 95]));
        assert_eq!(found.standard_deviation, Decimal::ZERO);
        assert!(
            found
                .quantiles
                .iter()
                .all(|q| q.value == Decimal::from(7) && q.standard_error.is_zero())
        );
    }

    #[test]
    fn shares_carry_their_binomial_error() {
        // 30 of 200: 0.15, √(0.15 × 0.85 / 200) = 0.025249.
        let share = probability(30, 200);
        assert_eq!(share.value, 0.15);
        assert!((share.standard_error - 0.025_249).abs() < 1e-6);
    }
}
