//! How numbers are written for people: dollars to the cent, quantities with
//! thousands separators, unit prices with every significant digit.

use crate::pricing::Decimal;
use crate::pricing::money::{round, to_f64};

/// Dollars rounded to the cent, half away from zero, as invoices round:
/// `18.337` → `$18.34`, `-0.005` → `-$0.01`.
pub fn dollars(amount: Decimal) -> String {
    let cents = round(amount, 2);
    let sign = if cents.is_sign_negative() && !cents.is_zero() {
        "-"
    } else {
        ""
    };
    let text = format!("{:.2}", cents.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "00"));
    format!("{sign}${}.{fraction}", group_thousands(whole))
}

/// An exact decimal quantity, as [`quantity`] writes it.
pub fn decimal_quantity(value: Decimal) -> String {
    quantity(to_f64(value))
}

/// A quantity: whole numbers grouped (`1,100,000`), fractions to three
/// decimals (`14.305`).
pub fn quantity(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e18 {
        let text = format!("{}", value.abs() as u128);
        let sign = if value < 0.0 { "-" } else { "" };
        return format!("{sign}{}", group_thousands(&text));
    }
    let text = format!("{value:.3}");
    match text.split_once('.') {
        Some((whole, fraction)) => format!("{}.{fraction}", group_signed(whole)),
        None => text,
    }
}

/// A unit price with its significant digits and no trailing zeros:
/// `0.0000002`, `0.00001667`, `0.09`.
/// A price that does not terminate (Heroku's monthly price per second) is
/// shown to 12 decimals; the bill itself keeps every digit.
pub fn unit_price(price: Decimal) -> String {
    format!("${}", round(price, 12).normalize())
}

/// A plain number to `decimals` places.
pub fn fixed(value: f64, decimals: usize) -> String {
    format!("{value:.decimals$}")
}

fn group_signed(whole: &str) -> String {
    match whole.strip_prefix('-') {
        Some(digits) => format!("-{}", group_thousands(digits)),
        None => group_thousands(whole),
    }
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().expect("decimal")
    }

    #[test]
    fn dollars_round_half_away_from_zero() {
        assert_eq!(dollars(d("18.337")), "$18.34");
        assert_eq!(dollars(d("0.625")), "$0.63");
        assert_eq!(dollars(d("1234567.891")), "$1,234,567.89");
        assert_eq!(dollars(Decimal::ZERO), "$0.00");
        assert_eq!(dollars(d("-0.005")), "-$0.01");
        assert_eq!(dollars(d("-0.004")), "$0.00");
    }

    #[test]
    fn quantities_and_prices_read_naturally() {
        assert_eq!(quantity(1_100_000.0), "1,100,000");
        assert_eq!(quantity(14.305_114), "14.305");
        assert_eq!(quantity(12_345.5), "12,345.500");
        assert_eq!(unit_price(d("0.0000002")), "$0.0000002");
        assert_eq!(unit_price(d("0.000016670")), "$0.00001667");
        assert_eq!(unit_price(d("0.09")), "$0.09");
    }
}
