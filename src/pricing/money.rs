//! Exact decimal money and quantities. Prices are read as the decimals the
//! vendor printed (a book's `0.00001667` is exactly 0.00001667, never the
//! nearest double), usage integers convert exactly, and every amount is a
//! product or sum of those, so a bill is the vendor's own arithmetic. Amounts
//! are rounded to cents only for display.
//!
//! `rust_decimal` holds 28 significant digits; a quantity beyond that range
//! (more than about 7.9e28 units) saturates at the largest value instead of
//! wrapping or panicking.

pub use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// The decimal a price book's number stands for: the shortest text that
/// reads back as the same double, so `0.00001667` is exactly that. None for
/// values no decimal holds (NaN, infinities, beyond about 7.9e28).
pub fn from_book(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    // Rust prints doubles without an exponent, as the shortest round trip.
    Decimal::from_str_exact(&format!("{value}"))
        .ok()
        .or_else(|| Decimal::from_f64_retain(value))
        .map(|decimal| decimal.normalize())
}

/// An integer usage quantity, exactly (saturating beyond 28 digits).
pub fn from_count(count: u128) -> Decimal {
    i128::try_from(count)
        .ok()
        .and_then(|count| Decimal::try_from_i128_with_scale(count, 0).ok())
        .unwrap_or(Decimal::MAX)
}

/// `numerator / denominator` of integer units (MB·µs into GB-s, bytes into
/// GB): exact whenever the quotient has at most 28 digits, as the powers of
/// two and ten of the vendors' units do.
pub fn ratio(numerator: u128, denominator: u128) -> Decimal {
    from_count(numerator)
        .checked_div(from_count(denominator))
        .unwrap_or(Decimal::MAX)
        .normalize()
}

/// `quantity × price`, saturating.
pub fn times(quantity: Decimal, price: Decimal) -> Decimal {
    quantity.saturating_mul(price).normalize()
}

/// The price of one unit from a price per million ($0.20/M → 0.0000002).
pub fn per_million(price: Decimal) -> Decimal {
    (price / Decimal::from(1_000_000)).normalize()
}

/// For charts and ratios, where a double is close enough.
pub fn to_f64(amount: Decimal) -> f64 {
    amount.to_f64().unwrap_or(f64::MAX)
}

/// Rounds to `places` decimals, half away from zero, as invoices round.
pub fn round(amount: Decimal, places: u32) -> Decimal {
    amount.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(text: &str) -> Decimal {
        text.parse().expect("decimal literal")
    }

    #[test]
    fn book_numbers_are_the_decimals_written() {
        assert_eq!(from_book(0.00001667), Some(exact("0.00001667")));
        assert_eq!(from_book(0.20), Some(exact("0.2")));
        assert_eq!(from_book(1_000_000.0), Some(exact("1000000")));
        assert_eq!(from_book(f64::NAN), None);
        assert_eq!(from_book(1e300), None);
    }

    #[test]
    fn unit_conversions_are_exact() {
        // 697,916.015625 GB-s = 714,666,000,000,000 MB·µs / (1,024 × 1,000,000).
        assert_eq!(ratio(714_666_000_000_000, 1_024_000_000), exact("697916.015625"));
        assert_eq!(per_million(exact("0.20")), exact("0.0000002"));
        // 30M requests at $0.0000002 = $6 exactly.
        assert_eq!(times(from_count(30_000_000), exact("0.0000002")), exact("6"));
        assert_eq!(from_count(u128::MAX), Decimal::MAX);
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round(exact("18.335"), 2), exact("18.34"));
        assert_eq!(round(exact("-0.005"), 2), exact("-0.01"));
    }
}
