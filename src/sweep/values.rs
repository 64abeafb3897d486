//! A dimension's values, written as text: a comma list (`128,256,512`,
//! `aws-lambda-2016,aws-lambda-2025`, `true,false`, paths), an inclusive
//! decimal range with a step (`60..600:60`: 60, 120, …, 600) or a geometric
//! range with a factor above 1 (`0.25..4:x2`: 0.25, 0.5, 1, 2, 4). Ranges
//! are computed in exact decimal, so `0.1..0.3:0.1` has three points; the end
//! is included when a step lands on it exactly. Ranges ascend: a start above
//! the end is an error (list the values to sweep downwards; grid order
//! follows the list). Numbers come out in canonical form (`0.1`, `60`, `1.5`,
//! never `1.50` or `1e3`); other items are kept as written, trimmed. A text
//! is a range when it has no comma, contains `..` and either has a `:` after
//! the `..` or a number before it, so paths like `../books/a.toml` stay
//! items. At most [`MAX_VALUES`] values.

use rust_decimal::Decimal;

/// The most values one dimension may have.
pub const MAX_VALUES: usize = 10_000;

/// The values a text names, in order.
pub fn parse_values(text: &str) -> Result<Vec<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(
            "expected values: a list like `128,256,512`, a range like `60..600:60` or `0.25..4:x2`, found nothing"
                .into(),
        );
    }
    if is_range(text) {
        return parse_range(text);
    }
    let items: Vec<&str> = text.split(',').collect();
    if items.len() > MAX_VALUES {
        return Err(too_many(text));
    }
    items
        .iter()
        .enumerate()
        .map(|(position, item)| {
            if item.trim().is_empty() {
                Err(format!(
                    "expected a value between every two commas, found an empty item (item {}) in `{text}`",
                    position + 1
                ))
            } else {
                canonical_value(item)
            }
        })
        .collect()
}

/// Exactly one value (an included or excluded point's), in canonical form.
pub fn single_value(text: &str) -> Result<String, String> {
    let mut found = parse_values(text)?;
    match found.len() {
        1 => Ok(found.remove(0)),
        count => Err(format!("expected one value, found {count} in `{}`", text.trim())),
    }
}

/// One value in canonical form: a number (anything shaped like a decimal
/// number, optionally with an exponent) written normalised, anything else
/// trimmed as written.
pub fn canonical_value(item: &str) -> Result<String, String> {
    let item = item.trim();
    if item.is_empty() {
        return Err("expected a value, found nothing".into());
    }
    if !looks_numeric(item) {
        return Ok(item.to_owned());
    }
    parse_number(item).map(canonical_number)
}

/// A number as canonical text.
pub fn canonical_number(number: Decimal) -> String {
    number.normalize().to_string()
}

/// A number written in decimal or with an exponent, exactly.
fn parse_number(text: &str) -> Result<Decimal, String> {
    let parsed = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text)
    } else {
        Decimal::from_str_exact(text)
    };
    parsed.map_err(|_| {
        format!("expected a number of at most 28 significant digits and below 7.9e28 in size, found `{text}`")
    })
}

/// Whether `text` is shaped like a number: an optional sign, digits with at
/// most one decimal point (at least one digit), and an optional exponent.
fn looks_numeric(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let digits_and_point = mantissa.chars().all(|c| c.is_ascii_digit() || c == '.');
    let good_mantissa = digits_and_point
        && mantissa.matches('.').count() <= 1
        && mantissa.chars().any(|c| c.is_ascii_digit());
    let good_exponent = exponent.is_none_or(|exponent| {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    });
    good_mantissa && good_exponent
}

fn is_range(text: &str) -> bool {
    if text.contains(',') {
        return false;
    }
    match text.split_once("..") {
        Some((start, rest)) => rest.contains(':') || looks_numeric(start.trim()),
        None => false,
    }
}

fn too_many(text: &str) -> String {
    format!("expected at most {MAX_VALUES} values, found more in `{text}`")
}

/// `START..END:STEP` or `START..END:xFACTOR`.
fn parse_range(text: &str) -> Result<Vec<String>, String> {
    let shape = || {
        format!(
            "expected a range like `60..600:60` (START..END:STEP) or `0.25..4:x2` (START..END:xFACTOR), found `{text}`"
        )
    };
    let (start, rest) = text.split_once("..").ok_or_else(shape)?;
    let (end, step) = rest.split_once(':').ok_or_else(shape)?;
    let bound = |what: &str, found: &str| {
        let found = found.trim();
        if looks_numeric(found) {
            parse_number(found).map_err(|problem| format!("{problem} as the range's {what} in `{text}`"))
        } else {
            Err(format!(
                "expected a number as the range's {what}, found `{found}` in `{text}`"
            ))
        }
    };
    let start = bound("start", start)?;
    let end = bound("end", end)?;
    match step.trim().strip_prefix('x') {
        Some(factor) => geometric(start, end, bound("factor", factor)?, text),
        None => arithmetic(start, end, bound("step", step)?, text),
    }
}

/// `start, start + step, …` up to `end` inclusive.
fn arithmetic(start: Decimal, end: Decimal, step: Decimal, text: &str) -> Result<Vec<String>, String> {
    if step <= Decimal::ZERO {
        return Err(format!(
            "expected a step above zero, found `{}` in `{text}`",
            canonical_number(step)
        ));
    }
    if start > end {
        return Err(empty_range(start, end, text));
    }
    let steps = end
        .checked_sub(start)
        .and_then(|span| span.checked_div(step))
        .map(|count| count.floor())
        .filter(|count| *count < Decimal::from(MAX_VALUES))
        .ok_or_else(|| too_many(text))?;
    let steps = u32::try_from(steps).map_err(|_| too_many(text))?;
    (0..=steps)
        .map(|index| {
            Decimal::from(index)
                .checked_mul(step)
                .and_then(|offset| start.checked_add(offset))
                .map(canonical_number)
                .ok_or_else(|| too_many(text))
        })
        .collect()
}

/// `start, start × factor, …` up to `end` inclusive.
fn geometric(start: Decimal, end: Decimal, factor: Decimal, text: &str) -> Result<Vec<String>, String> {
    if factor <= Decimal::ONE {
        return Err(format!(
            "expected a factor above 1 after `x`, found `{}` in `{text}`",
            canonical_number(factor)
        ));
    }
    if start <= Decimal::ZERO {
        return Err(format!(
            "expected a geometric range to start above zero, found `{}` in `{text}`",
            canonical_number(start)
        ));
    }
    if start > end {
        return Err(empty_range(start, end, text));
    }
    let mut values = Vec::new();
    let mut value = Some(start);
    while let Some(current) = value.filter(|current| *current <= end) {
        if values.len() == MAX_VALUES {
            return Err(too_many(text));
        }
        values.push(canonical_number(current));
        value = current.checked_mul(factor);
    }
    Ok(values)
}

fn empty_range(start: Decimal, end: Decimal, text: &str) -> String {
    format!(
        "expected a range whose start ({}) is at most its end ({}), found `{text}`; ranges ascend, list the values to sweep downwards",
        canonical_number(start),
        canonical_number(end)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        parse_values(text).unwrap_or_else(|problem| panic!("{text}: {problem}"))
    }

    fn problem(text: &str) -> String {
        match parse_values(text) {
            Ok(found) => panic!("{text}: expected an error, found {found:?}"),
            Err(problem) => problem,
        }
    }

    #[test]
    fn lists_keep_their_order_and_write_numbers_canonically() {
        assert_eq!(values("128,256,512"), ["128", "256", "512"]);
        assert_eq!(values(" 512 , 128 "), ["512", "128"]);
        assert_eq!(
            values("1.50,1e3,+2,-0.0,007,.5"),
            ["1.5", "1000", "2", "0", "7", "0.5"]
        );
        assert_eq!(
            values("aws-lambda-2016,aws-lambda-2025"),
            ["aws-lambda-2016", "aws-lambda-2025"]
        );
        assert_eq!(values("true,false"), ["true", "false"]);
        assert_eq!(values("10m,1h"), ["10m", "1h"]);
    }

    #[test]
    fn paths_with_two_dots_are_items_not_ranges() {
        assert_eq!(
            values("../books/a.toml,../books/b.toml"),
            ["../books/a.toml", "../books/b.toml"]
        );
        assert_eq!(values("../books/a.toml"), ["../books/a.toml"]);
    }

    #[test]
    fn decimal_ranges_are_exact_and_inclusive() {
        // (0.3 - 0.1) / 0.1 = 2 steps exactly: three points, no 0.30000000000000004.
        assert_eq!(values("0.1..0.3:0.1"), ["0.1", "0.2", "0.3"]);
        // (600 - 60) / 60 = 9 steps: ten points.
        let keep_alive = values("60..600:60");
        assert_eq!(
            keep_alive,
            [
                "60", "120", "180", "240", "300", "360", "420", "480", "540", "600"
            ]
        );
        // (1 - 0) / 0.3 = 3.33: three steps, the end is not reached.
        assert_eq!(values("0..1:0.3"), ["0", "0.3", "0.6", "0.9"]);
        assert_eq!(values("-1..1:1"), ["-1", "0", "1"]);
        assert_eq!(values("5..5:1"), ["5"]);
        assert_eq!(values("1.50..2.00:0.25"), ["1.5", "1.75", "2"]);
    }

    #[test]
    fn geometric_ranges_multiply_up_to_the_end() {
        // 0.25 × 2 = 0.5, × 2 = 1, 2, 4: five points.
        assert_eq!(values("0.25..4:x2"), ["0.25", "0.5", "1", "2", "4"]);
        // 1, 3, 9, 27; 81 is past 50.
        assert_eq!(values("1..50:x3"), ["1", "3", "9", "27"]);
        // 1, 1.5, 2.25, 3.375; 5.0625 is past 5.
        assert_eq!(values("1..5:x1.5"), ["1", "1.5", "2.25", "3.375"]);
        assert_eq!(values("128..3008:x2"), ["128", "256", "512", "1024", "2048"]);
    }

    #[test]
    fn bad_values_say_what_was_expected_and_quote_what_was_found() {
        assert_eq!(
            problem("600..60:60"),
            "expected a range whose start (600) is at most its end (60), found `600..60:60`; ranges ascend, list the values to sweep downwards"
        );
        assert_eq!(
            problem("4..0.25:x2"),
            "expected a range whose start (4) is at most its end (0.25), found `4..0.25:x2`; ranges ascend, list the values to sweep downwards"
        );
        assert_eq!(
            problem("1..5:0"),
            "expected a step above zero, found `0` in `1..5:0`"
        );
        assert_eq!(
            problem("1..5:-1"),
            "expected a step above zero, found `-1` in `1..5:-1`"
        );
        assert_eq!(
            problem("1..5:x1"),
            "expected a factor above 1 after `x`, found `1` in `1..5:x1`"
        );
        assert_eq!(
            problem("1..5:x0.5"),
            "expected a factor above 1 after `x`, found `0.5` in `1..5:x0.5`"
        );
        assert_eq!(
            problem("0..5:x2"),
            "expected a geometric range to start above zero, found `0` in `0..5:x2`"
        );
        assert_eq!(
            problem("a..5:1"),
            "expected a number as the range's start, found `a` in `a..5:1`"
        );
        assert_eq!(
            problem("1..b:1"),
            "expected a number as the range's end, found `b` in `1..b:1`"
        );
        assert_eq!(
            problem("1..5:fast"),
            "expected a number as the range's step, found `fast` in `1..5:fast`"
        );
        assert_eq!(
            problem("1..5:xfast"),
            "expected a number as the range's factor, found `fast` in `1..5:xfast`"
        );
        assert_eq!(
            problem("60..600"),
            "expected a range like `60..600:60` (START..END:STEP) or `0.25..4:x2` (START..END:xFACTOR), found `60..600`"
        );
        assert_eq!(
            problem("128,,512"),
            "expected a value between every two commas, found an empty item (item 2) in `128,,512`"
        );
        assert_eq!(
            problem("128,256,"),
            "expected a value between every two commas, found an empty item (item 3) in `128,256,`"
        );
        assert_eq!(
            problem("  "),
            "expected values: a list like `128,256,512`, a range like `60..600:60` or `0.25..4:x2`, found nothing"
        );
        assert_eq!(
            problem("1e99"),
            "expected a number of at most 28 significant digits and below 7.9e28 in size, found `1e99`"
        );
    }

    #[test]
    fn a_single_value_is_one_item() {
        assert_eq!(single_value(" 1.50 "), Ok("1.5".into()));
        assert_eq!(single_value("../a.toml"), Ok("../a.toml".into()));
        assert_eq!(
            single_value("60..600:60"),
            Err("expected one value, found 10 in `60..600:60`".into())
        );
        assert_eq!(
            single_value(""),
            Err("expected values: a list like `128,256,512`, a range like `60..600:60` or `0.25..4:x2`, found nothing".into())
        );
    }

    #[test]
    fn more_than_ten_thousand_values_are_refused() {
        // (10000 - 1) / 1 = 9999 steps: 10,000 values, the most allowed.
        assert_eq!(values("1..10000:1").len(), 10_000);
        assert_eq!(
            problem("1..10001:1"),
            "expected at most 10000 values, found more in `1..10001:1`"
        );
        assert_eq!(
            problem("0..1:0.0000000000000000000000000001"),
            "expected at most 10000 values, found more in `0..1:0.0000000000000000000000000001`"
        );
        // 1.001^n passes 2 after ln 2 / ln 1.001 = 694 steps; 1.0000001^n after 6.9 million.
        assert_eq!(values("1..2:x1.001").len(), 694);
        assert_eq!(
            problem("1..2:x1.0000001"),
            "expected at most 10000 values, found more in `1..2:x1.0000001`"
        );
        let list = vec!["1"; 10_001].join(",");
        assert!(problem(&list).starts_with("expected at most 10000 values"));
    }
}
