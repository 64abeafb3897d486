//! Time quantities and their textual forms.
//!
//! The engine counts time in integer microseconds ([`Micros`]) so that sums over
//! billions of requests never drift. This module turns the decimal numbers found
//! in traces ("0.864", "120.5") and the spans users type ("30d", "250ms") into
//! microseconds exactly, without passing through floating point.

/// A point or span of simulated time, in microseconds.
pub type Micros = u64;

pub const MICROS_PER_MS: Micros = 1_000;
pub const MICROS_PER_SECOND: Micros = 1_000_000;

/// Converts microseconds to (floating) seconds for display and reports.
pub fn to_seconds(micros: impl Into<u128>) -> f64 {
    micros.into() as f64 / MICROS_PER_SECOND as f64
}

/// Converts microseconds to (floating) milliseconds for display and reports.
pub fn to_millis(micros: u64) -> f64 {
    micros as f64 / MICROS_PER_MS as f64
}

/// Parses a non-negative decimal number (`"12"`, `"0.864"`, `"1e3"` is not
/// accepted) and scales it to microseconds, where one unit of the input is
/// `micros_per_unit` microseconds. Digits finer than a microsecond are rounded
/// half up. Returns `None` for anything that is not a plain decimal.
///
/// Inlined, so that a caller's constant unit (seconds, milliseconds, µs: the
/// two numeric fields of every trace row) selects the fixed-point parse at
/// compile time.
#[inline(always)]
pub fn parse_decimal_micros(text: &[u8], micros_per_unit: u64) -> Option<Micros> {
    match micros_per_unit {
        1 => parse_fixed_point::<0>(text),
        MICROS_PER_MS => parse_fixed_point::<3>(text),
        MICROS_PER_SECOND => parse_fixed_point::<6>(text),
        _ => parse_rational(text, micros_per_unit),
    }
}

/// `10^PLACES` for the units of [`parse_fixed_point`].
pub(crate) const POWERS_OF_TEN: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/// The whole part of a decimal and the fraction after its point: none when
/// the whole part overflows, a byte other than the point follows it, or
/// there are no digits at all.
#[inline(always)]
fn split_decimal(text: &[u8]) -> Option<(u64, &[u8])> {
    let text = text.trim_ascii();
    let mut whole: u64 = 0;
    let mut digits = 0;
    for &byte in text {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        whole = whole.checked_mul(10)?.checked_add(u64::from(digit))?;
        digits += 1;
    }
    let fraction = match text.get(digits) {
        None => &[][..],
        Some(b'.') => &text[digits + 1..],
        Some(_) => return None,
    };
    if digits == 0 && fraction.is_empty() {
        return None;
    }
    Some((whole, fraction))
}

/// A decimal in units of `10^PLACES` µs: the first `PLACES` digits after the
/// point are whole microseconds (missing ones are zeros) and the next one
/// rounds half up; every byte after the point must be a digit.
#[inline(always)]
fn parse_fixed_point<const PLACES: usize>(text: &[u8]) -> Option<Micros> {
    let (whole, fraction) = split_decimal(text)?;
    let (places, rest) = fraction.split_at(fraction.len().min(PLACES));
    let mut micros: u64 = 0;
    for &byte in places {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        micros = micros * 10 + u64::from(digit);
    }
    micros *= POWERS_OF_TEN[PLACES - places.len()];
    if !rest.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let round_up = rest.first().is_some_and(|&digit| digit >= b'5');
    whole
        .checked_mul(POWERS_OF_TEN[PLACES])?
        .checked_add(micros + u64::from(round_up))
}

/// A decimal in other units (minutes, hours, days): the fraction × unit /
/// 10^digits, as a rational on at most 18 digits (far below a microsecond
/// for any unit), rounded half up.
#[cold]
fn parse_rational(text: &[u8], micros_per_unit: u64) -> Option<Micros> {
    let (whole, fraction) = split_decimal(text)?;
    if !fraction.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut numerator: u128 = 0;
    let mut denominator: u128 = 1;
    for &digit in fraction.iter().take(18) {
        numerator = numerator * 10 + u128::from(digit - b'0');
        denominator *= 10;
    }
    let scaled = numerator * u128::from(micros_per_unit);
    let fraction_micros = u64::try_from((scaled + denominator / 2) / denominator).ok()?;
    whole.checked_mul(micros_per_unit)?.checked_add(fraction_micros)
}

/// Parses a span such as `30d`, `12h`, `90m`, `45s`, `250ms`, `1.5s` or `800us`.
/// A bare number is read in `default_unit` (`"s"` or `"ms"`).
pub fn parse_span(text: &str, default_unit: &str) -> Result<Micros, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let unit = if unit.is_empty() { default_unit } else { unit };
    let micros_per_unit = match unit {
        "us" => 1,
        "ms" => MICROS_PER_MS,
        "s" => MICROS_PER_SECOND,
        "m" | "min" => 60 * MICROS_PER_SECOND,
        "h" => 3_600 * MICROS_PER_SECOND,
        "d" => 86_400 * MICROS_PER_SECOND,
        _ => {
            return Err(format!(
                "expected a span such as 30d, 12h, 90m, 45s or 250ms, found `{text}` (unknown unit `{unit}`)"
            ));
        }
    };
    parse_decimal_micros(number.as_bytes(), micros_per_unit)
        .ok_or_else(|| format!("expected a span such as 30d, 12h, 90m, 45s or 250ms, found `{text}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_seconds_become_exact_microseconds() {
        assert_eq!(parse_decimal_micros(b"0.864", MICROS_PER_SECOND), Some(864_000));
        assert_eq!(parse_decimal_micros(b"12", MICROS_PER_SECOND), Some(12_000_000));
        assert_eq!(parse_decimal_micros(b".5", MICROS_PER_SECOND), Some(500_000));
        assert_eq!(parse_decimal_micros(b"7.", MICROS_PER_MS), Some(7_000));
        // 0.0005 ms = 0.5 us rounds half up to 1 us; 0.0004 ms rounds to 0.
        assert_eq!(parse_decimal_micros(b"0.0005", MICROS_PER_MS), Some(1));
        assert_eq!(parse_decimal_micros(b"0.0004", MICROS_PER_MS), Some(0));
        assert_eq!(parse_decimal_micros(b" 120.25 ", MICROS_PER_MS), Some(120_250));
    }

    #[test]
    fn malformed_decimals_are_rejected() {
        for bad in [
            &b""[..],
            b".",
            b"-1",
            b"1e3",
            b"abc",
            b"1.2.3",
            b"99999999999999999999",
        ] {
            assert_eq!(parse_decimal_micros(bad, MICROS_PER_SECOND), None, "{bad:?}");
        }
    }

    #[test]
    fn fixed_point_units_pad_round_and_overflow() {
        // µs: no places, so "3.5" is 3 µs rounded up to 4; "3.49" stays 3.
        assert_eq!(parse_decimal_micros(b"3.5", 1), Some(4));
        assert_eq!(parse_decimal_micros(b"3.49", 1), Some(3));
        // ms: "1.2" pads to 1 ms + 200 µs = 1,200 µs.
        assert_eq!(parse_decimal_micros(b"1.2", MICROS_PER_MS), Some(1_200));
        // A non-digit after the microsecond places is still refused.
        assert_eq!(parse_decimal_micros(b"1.0000001x", MICROS_PER_SECOND), None);
        // 18,446,744,073,709 s is 18,446,744,073,709,000,000 µs, which fits in
        // a u64 (max 18,446,744,073,709,551,615); one second more does not.
        assert_eq!(
            parse_decimal_micros(b"18446744073709", MICROS_PER_SECOND),
            Some(18_446_744_073_709_000_000)
        );
        assert_eq!(parse_decimal_micros(b"18446744073710", MICROS_PER_SECOND), None);
        // Rounding up the last microsecond can overflow too: ...551,615 + 1.
        assert_eq!(parse_decimal_micros(b"18446744073709551615.5", 1), None);
    }

    #[test]
    fn fractions_of_any_unit_are_exact() {
        // 0.5 min = 30 s; 0.1 h = 360 s; 1.25 d = 108,000 s.
        assert_eq!(parse_span("0.5m", "s"), Ok(30 * MICROS_PER_SECOND));
        assert_eq!(parse_span("0.1h", "s"), Ok(360 * MICROS_PER_SECOND));
        assert_eq!(parse_span("1.25d", "s"), Ok(108_000 * MICROS_PER_SECOND));
        assert_eq!(
            parse_decimal_micros(b"1.0000015", MICROS_PER_SECOND),
            Some(1_000_002)
        );
        assert_eq!(
            parse_decimal_micros(b"1.0000014999", MICROS_PER_SECOND),
            Some(1_000_001)
        );
    }

    #[test]
    fn spans_accept_every_unit() {
        assert_eq!(parse_span("30d", "s"), Ok(30 * 86_400 * MICROS_PER_SECOND));
        assert_eq!(parse_span("8h", "s"), Ok(28_800 * MICROS_PER_SECOND));
        assert_eq!(parse_span("90m", "s"), Ok(5_400 * MICROS_PER_SECOND));
        assert_eq!(parse_span("250ms", "s"), Ok(250_000));
        assert_eq!(parse_span("1.5s", "ms"), Ok(1_500_000));
        assert_eq!(parse_span("250", "ms"), Ok(250_000));
        assert!(parse_span("3 weeks", "s").is_err());
        assert!(parse_span("", "s").is_err());
    }
}
