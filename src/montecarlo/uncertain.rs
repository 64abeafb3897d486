//! An uncertain input: a parameter (named as `sweep` names them) whose
//! value is known only as a 90% range, Guesstimate's convention: `low` and
//! `high` are the 5th and 95th percentiles of a lognormal (by default, for
//! positive quantities) or the ends of a uniform. Each replication draws
//! every input afresh from a stream of its own (keyed by the input's name,
//! so declaring another input leaves these draws as they were).

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use statrs::distribution::{ContinuousCDF, Normal};

use crate::compare::deployment_seed;
use crate::pricing::Decimal;
use crate::sweep::values::canonical_number;

/// The standard normal's 95th percentile: a 90% range spans ±1.645 σ.
const Z_95: f64 = 1.644_853_626_951_472_2;

/// Significant digits a drawn value keeps.
const DRAW_DIGITS: u32 = 6;

/// How an input's values are spread over its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `low` and `high` are the 5th and 95th percentiles; the median is
    /// their geometric mean.
    Lognormal,
    /// Every value between `low` and `high` equally likely.
    Uniform,
}

impl Shape {
    pub fn name(self) -> &'static str {
        match self {
            Shape::Lognormal => "lognormal",
            Shape::Uniform => "uniform",
        }
    }
}

/// One uncertain input.
#[derive(Debug, Clone, PartialEq)]
pub struct UncertainInput {
    /// The parameter it sets, e.g. `generator.rate`, `traffic`, `Lambda.keep_alive_s`.
    pub name: String,
    pub low: Decimal,
    pub high: Decimal,
    /// Written after every value applied, e.g. `ms` (`"100ms"` in the table).
    pub unit: String,
    /// Both ends written as whole numbers: values are rounded to whole numbers.
    pub whole: bool,
    pub shape: Shape,
}

impl UncertainInput {
    /// The value at cumulative probability `share` (0 < share < 1).
    fn at(&self, share: f64) -> f64 {
        let (low, high) = (to_f64(self.low), to_f64(self.high));
        match self.shape {
            Shape::Uniform => low + share * (high - low),
            Shape::Lognormal => {
                let (mu, sigma) = ((low.ln() + high.ln()) / 2.0, (high / low).ln() / (2.0 * Z_95));
                let z = Normal::standard().inverse_cdf(share);
                (mu + sigma * z).exp()
            }
        }
    }

    /// The median, as applied.
    pub fn median(&self) -> String {
        self.text(self.at(0.5))
    }

    /// The range's ends, as applied.
    pub fn low_value(&self) -> String {
        self.exact_text(self.low)
    }

    pub fn high_value(&self) -> String {
        self.exact_text(self.high)
    }

    /// The value replication seed `seed` draws.
    pub fn draw(&self, seed: u64) -> String {
        let mut rng = Pcg64::seed_from_u64(deployment_seed(seed ^ name_hash(&self.name), 0));
        // `random` is in [0, 1); 0 would be the lognormal's −∞.
        let share = rng.random::<f64>().max(f64::MIN_POSITIVE);
        self.text(self.at(share))
    }

    fn text(&self, value: f64) -> String {
        let decimal = Decimal::try_from(value).unwrap_or(self.low);
        let rounded = match self.whole {
            true => decimal.round(),
            false => decimal.round_sf(DRAW_DIGITS).unwrap_or(decimal),
        };
        self.exact_text(rounded)
    }

    fn exact_text(&self, value: Decimal) -> String {
        format!("{}{}", canonical_number(value), self.unit)
    }
}

/// FNV-1a of the input's name: each input draws a stream of its own.
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn to_f64(value: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    value.to_f64().unwrap_or(0.0)
}

/// What a scenario declares uncertain (`[uncertain]`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Uncertainty {
    /// In the order the table writes them.
    pub inputs: Vec<UncertainInput>,
    /// `resample = "days"`: each replication bootstraps a trace's days.
    pub resample_days: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(low: i64, high: i64, shape: Shape) -> UncertainInput {
        UncertainInput {
            name: "generator.rate".into(),
            low: Decimal::from(low),
            high: Decimal::from(high),
            unit: String::new(),
            whole: false,
            shape,
        }
    }

    #[test]
    fn a_lognormal_range_has_its_ends_at_the_5th_and_95th_percentiles() {
        // median = √(80 × 125) = √10000 = 100; the ends sit at ±1.645 σ.
        let rate = input(80, 125, Shape::Lognormal);
        assert_eq!(rate.median(), "100");
        assert!((rate.at(0.05) - 80.0).abs() < 1e-9);
        assert!((rate.at(0.95) - 125.0).abs() < 1e-9);
    }

    #[test]
    fn a_uniform_range_has_its_median_in_the_middle() {
        // (80 + 120) / 2 = 100; a quarter of the way: 80 + 0.25 × 40 = 90.
        let rate = input(80, 120, Shape::Uniform);
        assert_eq!(rate.median(), "100");
        assert_eq!(rate.at(0.25), 90.0);
    }

    #[test]
    fn draws_repeat_for_a_seed_and_spread_over_the_range() {
        let rate = input(80, 120, Shape::Uniform);
        assert_eq!(rate.draw(7), rate.draw(7));
        let draws: Vec<f64> = (0..2000).map(|seed| rate.draw(seed).parse().unwrap()).collect();
        assert!(draws.iter().all(|draw| (80.0..=120.0).contains(draw)));
        // A uniform's mean is the middle, 100; 2000 draws put the sample
        // mean within 3 standard errors (40/√12/√2000 = 0.26) of it.
        let mean = draws.iter().sum::<f64>() / 2000.0;
        assert!((mean - 100.0).abs() < 0.8, "mean {mean}");
    }

    #[test]
    fn whole_inputs_draw_whole_numbers_with_their_unit() {
        let mut delay = input(100, 400, Shape::Lognormal);
        delay.whole = true;
        delay.unit = "ms".into();
        // √(100 × 400) = 200.
        assert_eq!(delay.median(), "200ms");
        let drawn = delay.draw(3);
        let number = drawn.strip_suffix("ms").unwrap();
        assert!(!number.contains('.'), "{drawn}");
    }

    #[test]
    fn inputs_draw_streams_of_their_own() {
        let rate = input(80, 120, Shape::Uniform);
        let mut other = rate.clone();
        other.name = "generator.peak".into();
        assert_ne!(rate.draw(7), other.draw(7));
    }
}
