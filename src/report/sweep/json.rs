//! `sweep.json`: the outcome as it is (manifest, points, rows and full
//! results), pretty-printed and ending with a newline. It reads back into
//! an equal [`SweepOutcome`]: amounts are written with every digit (serde_json's
//! arbitrary precision, which rust_decimal's `serde-arbitrary-precision`
//! turns on) and results are kept as JSON values, numbers as their text.
//! A shard's file is the same document with `manifest.shard` set.

use crate::error::{Error, Result};
use crate::sweep::outcome::SweepOutcome;

/// The outcome as pretty JSON with a final newline.
pub fn render_json(outcome: &SweepOutcome) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(outcome)
        .map_err(|error| Error::usage(format!("cannot encode the sweep as JSON: {error}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sweep::sample;
    use crate::sweep::outcome::Shard;

    #[test]
    fn the_document_reads_back_equal_and_writes_the_same_bytes() {
        let mut outcome = sample::outcome();
        outcome.manifest.shard = Some(Shard { index: 2, count: 4 });
        let bytes = render_json(&outcome).expect("JSON");
        assert!(bytes.ends_with(b"}\n"));
        let read: SweepOutcome = serde_json::from_slice(&bytes).expect("reads back");
        assert_eq!(read, outcome);
        assert_eq!(render_json(&read).expect("JSON"), bytes);
    }

    #[test]
    fn amounts_keep_every_digit_and_their_scale() {
        let text = String::from_utf8(render_json(&sample::outcome()).expect("JSON")).expect("UTF-8");
        // Trailing zeros and 28 decimals survive, in rows and in results.
        assert!(text.contains("\"total\": 12.5000,"), "{text}");
        assert!(text.contains("\"idle_amount\": 0.0000096450617283950617283951,"));
        assert!(text.contains("\"unit_price\": 0.0000096450617283950617283951"));
        let read: SweepOutcome = serde_json::from_str(&text).expect("reads back");
        assert_eq!(read.points[0].rows[0].total.to_string(), "12.5000");
        assert_eq!(read.points[1].rows[1].total.to_string(), "40.10");
    }

    #[test]
    fn a_whole_sweep_leaves_the_p99_limit_out_when_it_has_none() {
        let mut outcome = sample::outcome();
        outcome.manifest.slo_p99_ms = None;
        let text = String::from_utf8(render_json(&outcome).expect("JSON")).expect("UTF-8");
        assert!(!text.contains("slo_p99_ms"));
        assert!(text.contains("\"shard\": null"));
        let read: SweepOutcome = serde_json::from_str(&text).expect("reads back");
        assert_eq!(read, outcome);
    }
}
