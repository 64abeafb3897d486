//! Axis tick labels: money as `$60` (decimals only where the axis needs
//! them), counts as whole numbers only, shares as percentages and
//! latencies in milliseconds or seconds.

use crate::report::format::quantity;

/// Tick labels' and axis titles' sizes in pixels.
pub const LABEL_SIZE: u32 = 14;
pub const DESC_SIZE: u32 = 15;

/// A plain tick: `5`, `2.5`, `0.25`.
pub fn plain(value: f64) -> String {
    trim(value)
}

/// A money tick on an axis that reaches `top` dollars: `$60`, `$2.5`, `$0.25`.
pub fn money(value: f64, top: f64) -> String {
    let decimals = if top >= 5.0 {
        0
    } else if top >= 0.5 {
        1
    } else {
        2
    };
    let sign = if value < -1e-9 { "-" } else { "" };
    let magnitude = value.abs();
    let digits = if decimals == 0 {
        quantity(magnitude.round())
    } else {
        format!("{magnitude:.decimals$}")
    };
    format!("{sign}${digits}")
}

/// A count tick: whole numbers of zero or more, nothing elsewhere.
pub fn count(value: f64) -> String {
    let rounded = value.round();
    if (value - rounded).abs() < 1e-6 && rounded >= 0.0 {
        quantity(rounded)
    } else {
        String::new()
    }
}

/// A share tick on a log axis: `100%`, `1%`, `0.01%`.
pub fn share(value: f64) -> String {
    let percent = value * 100.0;
    if percent >= 1.0 - 1e-9 {
        format!("{percent:.0}%")
    } else if percent > 0.0 {
        let decimals = (-percent.log10()).ceil().max(1.0) as usize;
        format!("{percent:.decimals$}%")
    } else {
        String::new()
    }
}

/// A latency tick in milliseconds: `20 ms`, `1.5 s`.
pub fn millis(value: f64) -> String {
    if value >= 1_000.0 {
        let seconds = value / 1_000.0;
        format!("{} s", trim(seconds))
    } else {
        format!("{} ms", trim(value))
    }
}

/// Up to three significant digits, no trailing zeros.
fn trim(value: f64) -> String {
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_read_as_people_write_them() {
        assert_eq!(money(60.0, 63.0), "$60");
        assert_eq!(money(1_500.0, 2_000.0), "$1,500");
        assert_eq!(money(2.5, 3.0), "$2.5");
        assert_eq!(money(0.25, 0.3), "$0.25");
        assert_eq!(count(2.0), "2");
        assert_eq!(count(2.5), "");
        assert_eq!(count(-1.0), "");
        assert_eq!(share(1.0), "100%");
        assert_eq!(share(0.01), "1%");
        assert_eq!(share(0.001), "0.1%");
        assert_eq!(share(0.0001), "0.01%");
        assert_eq!(millis(20.0), "20 ms");
        assert_eq!(millis(1_500.0), "1.5 s");
        assert_eq!(millis(2.5), "2.5 ms");
        assert_eq!(plain(5.0), "5");
        assert_eq!(plain(12.5), "12.5");
    }
}
