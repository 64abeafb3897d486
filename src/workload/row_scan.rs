//! The fused reader's scanners: a plain decimal and a plain name, read from
//! a row in place. Where sixteen bytes are buffered past the start, a field
//! is read eight bytes at a time (one load, a few bit operations and three
//! multiplications for up to seven digits, instead of a branch and a
//! multiplication per digit); near the end of the buffer, and for the rare
//! decimal with eight or more digits on one side of its point, byte by
//! byte. Both ways give the same value and end for every input (a property
//! test holds them to it).

use crate::units::{Micros, POWERS_OF_TEN};

/// Most whole digits [`scan_fixed_point`] takes: 10^12 units of 10^6 µs
/// stay far below `u64::MAX`, so its sums need no overflow checks.
const SCANNED_WHOLE_DIGITS: usize = 12;

const HIGH_NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
const LOW_NIBBLES: u64 = 0x0F0F_0F0F_0F0F_0F0F;
const EVERY_BYTE: u64 = 0x0101_0101_0101_0101;

/// The plain decimal starting at `bytes[at]` (1 to 12 digits, then
/// optionally a point and more digits) up to the first other byte, in units
/// of `10^PLACES` µs, with that byte's index. Its value is what
/// [`crate::units::parse_decimal_micros`] makes of the same text; none (the
/// caller then takes the general path) for any other form, or when the text
/// runs to the end of `bytes`.
#[inline(always)]
pub fn scan_fixed_point<const PLACES: usize>(bytes: &[u8], at: usize) -> Option<(Micros, usize)> {
    const {
        assert!(
            PLACES > 0 && PLACES < POWERS_OF_TEN.len(),
            "one to six places (µs are the finest unit)"
        )
    };
    match scan_by_words::<PLACES>(bytes, at) {
        Scan::Done(scanned) => scanned,
        Scan::ByBytes => scan_by_bytes::<PLACES>(bytes, at),
    }
}

/// The index of the first byte at or after `from` that is `,` or below it
/// (a field's end: a comma, a line feed, a carriage return, a blank), if
/// any.
#[inline(always)]
pub fn field_end(bytes: &[u8], mut from: usize) -> Option<usize> {
    while let Some(word) = word_at(bytes, from) {
        // A byte below 0x2D borrows, setting its top bit, and has it clear
        // itself; bytes from 0x80 up have it set and are never flagged. A
        // borrow only runs on from a flagged byte, so the lowest flag is
        // exact.
        let flags = word.wrapping_sub(EVERY_BYTE * 0x2D) & !word & (EVERY_BYTE * 0x80);
        if flags != 0 {
            return Some(from + (flags.trailing_zeros() / 8) as usize);
        }
        from += 8;
    }
    bytes[from..]
        .iter()
        .position(|&byte| byte <= b',')
        .map(|offset| from + offset)
}

/// What the word-at-a-time scan made of a decimal.
enum Scan {
    Done(Option<(Micros, usize)>),
    /// Too near the end of the buffer, or eight digits or more in a row.
    ByBytes,
}

#[inline(always)]
fn scan_by_words<const PLACES: usize>(bytes: &[u8], at: usize) -> Scan {
    let Some(whole_word) = word_at(bytes, at) else {
        return Scan::ByBytes;
    };
    let flags = not_digit_flags(whole_word);
    let whole_digits = (flags.trailing_zeros() / 8) as usize;
    if whole_digits == 0 {
        return Scan::Done(None);
    }
    if whole_digits == 8 {
        return Scan::ByBytes;
    }
    let point = at + whole_digits;
    let is_point = bytes[point] == b'.';
    if is_point && let Some(scanned) = short_form::<PLACES>(whole_word, flags, whole_digits, at) {
        return Scan::Done(Some(scanned));
    }
    let whole = digits_value(whole_word, whole_digits) * POWERS_OF_TEN[PLACES];
    if !is_point {
        return Scan::Done(Some((whole, point)));
    }
    let Some(fraction_word) = word_at(bytes, point + 1) else {
        return Scan::ByBytes;
    };
    let fraction_digits = leading_digits(fraction_word);
    let end = point + 1 + fraction_digits;
    let fraction = match fraction_digits {
        // The form trace writers use: exactly the places of the unit.
        digits if digits == PLACES => digits_value(fraction_word, PLACES),
        0 => 0,
        8 => return Scan::ByBytes,
        digits if digits < PLACES => digits_value(fraction_word, digits) * POWERS_OF_TEN[PLACES - digits],
        _ => {
            let rounding_digit = (fraction_word >> (8 * PLACES)) & 0x0F;
            digits_value(fraction_word, PLACES) + u64::from(rounding_digit >= 5)
        }
    };
    Scan::Done(Some((whole + fraction, end)))
}

/// The decimal whose point (at byte `whole_digits`), `PLACES` fraction
/// digits and the byte after them all lie in its first word, read as one
/// number: the point is cut out and the digits on both sides read at once
/// (`183.529` is 183529 thousandths). None for any other form.
#[inline(always)]
fn short_form<const PLACES: usize>(
    word: u64,
    flags: u64,
    whole_digits: usize,
    at: usize,
) -> Option<(Micros, usize)> {
    if whole_digits + PLACES > 6 {
        return None;
    }
    // The bytes before the point stay; those after it move down one,
    // over it, and a zero byte (never a digit) comes in at the top.
    let before_point = (1u64 << (8 * whole_digits)) - 1;
    let joined = (word & before_point) | ((word >> 8) & !before_point);
    let joined_flags = (flags & before_point) | ((flags >> 8) & !before_point);
    let digits = (joined_flags.trailing_zeros() / 8) as usize;
    (digits == whole_digits + PLACES).then(|| (digits_value(joined, digits), at + digits + 1))
}

/// The byte-at-a-time scan, for the cases the words do not take.
#[cold]
fn scan_by_bytes<const PLACES: usize>(bytes: &[u8], mut at: usize) -> Option<(Micros, usize)> {
    let first = at;
    let mut whole: u64 = 0;
    while let Some(digit) = digit_at(bytes, at) {
        whole = whole * 10 + u64::from(digit);
        at += 1;
        if at - first > SCANNED_WHOLE_DIGITS {
            return None;
        }
    }
    if at == first {
        return None;
    }
    let mut micros = whole * POWERS_OF_TEN[PLACES];
    if *bytes.get(at)? == b'.' {
        at += 1;
        let fraction = at;
        while let Some(digit) = digit_at(bytes, at) {
            let place = at - fraction;
            if place < PLACES {
                micros += u64::from(digit) * POWERS_OF_TEN[PLACES - 1 - place];
            } else if place == PLACES && digit >= 5 {
                micros += 1;
            }
            at += 1;
        }
    }
    bytes.get(at)?;
    Some((micros, at))
}

#[inline(always)]
fn digit_at(bytes: &[u8], at: usize) -> Option<u8> {
    bytes
        .get(at)
        .map(|byte| byte.wrapping_sub(b'0'))
        .filter(|&digit| digit <= 9)
}

/// The eight bytes at `bytes[at..]` as a little-endian word (the first byte
/// lowest), when there are eight.
#[inline(always)]
fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let eight: [u8; 8] = bytes.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(eight))
}

/// How many of the word's bytes, from its first, are ASCII digits (0 to 8).
#[inline(always)]
fn leading_digits(word: u64) -> usize {
    (not_digit_flags(word).trailing_zeros() / 8) as usize
}

/// A word whose lowest non-zero byte is the first byte of `word` that is
/// not an ASCII digit (zero if all eight are digits). Bytes after that one
/// may be flagged wrongly; those before it are all clear.
#[inline(always)]
fn not_digit_flags(word: u64) -> u64 {
    // A digit (0x30 to 0x39) has the high nibble 3, and keeps it with 6
    // added. A carry out of a byte comes only from one above 0xF9, not a
    // digit, and only changes bytes after it.
    let threes = EVERY_BYTE * 0x30;
    ((word & HIGH_NIBBLES) ^ threes) | ((word.wrapping_add(EVERY_BYTE * 6) & HIGH_NIBBLES) ^ threes)
}

/// The number the word's first `count` bytes (1 to 7 ASCII digits) spell.
#[inline(always)]
fn digits_value(word: u64, count: usize) -> u64 {
    // The digits move to the top bytes, first digit first; the bytes below
    // become zeros, which are leading zeros of the number.
    let mut value = (word & LOW_NIBBLES) << (8 * (8 - count));
    // Pairs, then fours, then all eight: each step combines neighbouring
    // lanes (the lower lane holds the more significant digits).
    value = (value * 10 + (value >> 8)) & 0x00FF_00FF_00FF_00FF;
    value = (value * 100 + (value >> 16)) & 0x0000_FFFF_0000_FFFF;
    (value * 10_000 + (value >> 32)) & 0xFFFF_FFFF
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy;

    use super::*;
    use crate::units::{MICROS_PER_MS, MICROS_PER_SECOND, parse_decimal_micros};

    #[test]
    fn scanned_decimals_end_at_the_first_other_byte() {
        // "12.5," at 0: 12 s + 5 tenths = 12,500,000 µs, ending at the comma (4).
        assert_eq!(scan_fixed_point::<6>(b"12.5,", 0), Some((12_500_000, 4)));
        // From 3, "183.5296\n" in ms: 183,529 µs + the fourth place 6 rounds up.
        assert_eq!(scan_fixed_point::<3>(b"12,183.5296\n", 3), Some((183_530, 11)));
        assert_eq!(scan_fixed_point::<3>(b"7.\n", 0), Some((7_000, 2)));
        // No terminator, no whole digit, or 13 whole digits: the general path's.
        for (text, at) in [(&b"12.5"[..], 0), (b".5,", 0), (b"1234567890123,", 0), (b"1,", 2)] {
            assert_eq!(scan_fixed_point::<6>(text, at), None, "{text:?}");
        }
    }

    #[test]
    fn a_row_with_room_to_spare_is_read_by_words() {
        let row = b"2592000.123456,183.5296,fn12345\n0000000000000000";
        // 2,592,000 s + 123,456 µs = 2,592,000,123,456 µs, ending at the comma (14).
        assert!(matches!(
            scan_by_words::<6>(row, 0),
            Scan::Done(Some((2_592_000_123_456, 14)))
        ));
        // 183.529 ms + the fourth place 6 rounding up = 183,530 µs, ending at 23.
        assert!(matches!(
            scan_by_words::<3>(row, 15),
            Scan::Done(Some((183_530, 23)))
        ));
        // "183.529\n" fits one word: 183529 thousandths of a ms = 183,529 µs,
        // ending at the line feed (7); so does "9.5,": 9 s + 5 tenths.
        assert_eq!(
            short_form::<3>(word(b"183.529\n"), not_digit_flags(word(b"183.529\n")), 3, 0),
            Some((183_529, 7))
        );
        assert!(matches!(
            scan_by_words::<3>(b"183.529\n00000000", 0),
            Scan::Done(Some((183_529, 7)))
        ));
        assert!(matches!(
            scan_by_words::<1>(b"9.5,0000000000", 0),
            Scan::Done(Some((95, 3)))
        ));
        // Two fraction digits, not three: not the short form.
        assert_eq!(
            short_form::<3>(word(b"183.52\n0"), not_digit_flags(word(b"183.52\n0")), 3, 0),
            None
        );
        // Eight whole digits are left to the bytes.
        assert!(matches!(
            scan_by_words::<6>(b"12345678.5,0000000000", 0),
            Scan::ByBytes
        ));
        assert_eq!(field_end(row, 24), Some(31));
    }

    #[test]
    fn a_field_ends_at_a_comma_or_any_byte_below_it() {
        // Bytes above `,` (UTF-8 included) are a name's; `,`, `\n`, `\r`,
        // a blank and `"` are not (`"` is 0x22). "nom-" is 4 bytes, é and ü
        // 2 each, so the quote after "nom-é-ü_1" is byte 4 + 2 + 1 + 2 + 2 = 11.
        let text = "nom-é-ü_1\"x,".as_bytes();
        assert_eq!(field_end(text, 0), Some(11));
        assert_eq!(field_end(b"abcdefghijklmnop", 0), None);
        assert_eq!(field_end(b"abcdefghijklmno\n", 3), Some(15));
    }

    fn word(text: &[u8; 8]) -> u64 {
        u64::from_le_bytes(*text)
    }

    /// A decimal's text: whole digits, maybe a point and fraction digits,
    /// then a terminator and padding.
    fn decimal_text() -> impl Strategy<Value = Vec<u8>> {
        let digits =
            |range| proptest::collection::vec(proptest::sample::select(b"0123456789".to_vec()), range);
        let point = proptest::sample::select(vec![&b""[..], b"."]);
        let end = proptest::collection::vec(proptest::sample::select(b",\n.x9\x00".to_vec()), 1..16);
        (digits(1..9), point, digits(0..9), end)
            .prop_map(|(whole, point, fraction, end)| [&whole[..], point, &fraction[..], &end[..]].concat())
    }

    proptest::proptest! {
        #[test]
        fn decimals_are_read_alike_by_words_and_bytes(text in decimal_text(), at in 0usize..2) {
            macro_rules! agree {
                ($($places:literal)*) => {$(
                    if let Scan::Done(scanned) = scan_by_words::<$places>(&text, at) {
                        proptest::prop_assert_eq!(scanned, scan_by_bytes::<$places>(&text, at));
                    }
                )*};
            }
            agree!(1 2 3 4 5 6);
        }

        #[test]
        fn scanning_agrees_with_parsing(
            text in proptest::collection::vec(proptest::sample::select(b"0123456789.,x".to_vec()), 0..24)
        ) {
            if let Some((value, end)) = scan_fixed_point::<6>(&text, 0) {
                proptest::prop_assert_eq!(parse_decimal_micros(&text[..end], MICROS_PER_SECOND), Some(value));
            }
            if let Some((value, end)) = scan_fixed_point::<3>(&text, 0) {
                proptest::prop_assert_eq!(parse_decimal_micros(&text[..end], MICROS_PER_MS), Some(value));
            }
        }

        #[test]
        fn words_and_bytes_agree(
            text in proptest::collection::vec(
                proptest::sample::select(b"0123456789.,\n/:\xfa\xff".to_vec()), 0..40),
            at in 0usize..8,
        ) {
            if let Scan::Done(scanned) = scan_by_words::<6>(&text, at) {
                proptest::prop_assert_eq!(scanned, scan_by_bytes::<6>(&text, at));
            }
            if let Scan::Done(scanned) = scan_by_words::<3>(&text, at) {
                proptest::prop_assert_eq!(scanned, scan_by_bytes::<3>(&text, at));
            }
            let from = at.min(text.len());
            proptest::prop_assert_eq!(
                field_end(&text, from),
                text[from..].iter().position(|&byte| byte <= b',').map(|offset| from + offset)
            );
        }
    }
}
