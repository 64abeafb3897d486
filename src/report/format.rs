//! How numbers are written for people: dollars to the cent, quantities with
//! thousands separators, unit prices with every significant digit.

/// Dollars rounded to the cent, half away from zero, as invoices round:
/// `18.337` → `$18.34`, `-0.005` → `-$0.01`.
pub fn dollars(amount: f64) -> String {
    let cents = (amount * 100.0).round();
    let sign = if cents < 0.0 { "-" } else { "" };
    let cents = cents.abs() as u128;
    format!(
        "{sign}${}.{:02}",
        group_thousands(&(cents / 100).to_string()),
        cents % 100
    )
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
pub fn unit_price(price: f64) -> String {
    let text = format!("{price:.12}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("${text}")
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

    #[test]
    fn dollars_round_half_away_from_zero() {
        assert_eq!(dollars(18.337), "$18.34");
        assert_eq!(dollars(0.625), "$0.63");
        assert_eq!(dollars(1_234_567.891), "$1,234,567.89");
        assert_eq!(dollars(0.0), "$0.00");
        assert_eq!(dollars(-0.005), "-$0.01");
    }

    #[test]
    fn quantities_and_prices_read_naturally() {
        assert_eq!(quantity(1_100_000.0), "1,100,000");
        assert_eq!(quantity(14.305_114), "14.305");
        assert_eq!(quantity(12_345.5), "12,345.500");
        assert_eq!(unit_price(0.0000002), "$0.0000002");
        assert_eq!(unit_price(0.00001667), "$0.00001667");
        assert_eq!(unit_price(0.09), "$0.09");
    }
}
