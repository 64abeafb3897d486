//! Service-level objectives: the latency percentiles and failed share a
//! deployment must keep to count as a defensible choice, as a scenario's
//! `[slo]` table (`p99_ms = 1000`, `max_failed_fraction = 0.001`) or the
//! `--slo p99=1s,failed=0.1%` flag gives them. Latencies are what the client
//! sees (`latency_ms`); the failed share is the requests not served over all
//! requests. [`crate::verdict`] judges results against an [`Slo`].

use serde::{Deserialize, Serialize};

use crate::units::{MICROS_PER_MS, parse_span};

/// One thing an SLO bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Median client-observed latency, ms.
    P50Ms,
    P95Ms,
    P99Ms,
    /// The slowest request, ms.
    MaxMs,
    /// Requests not served (throttled, timed out, interrupted, …) over all.
    FailedFraction,
}

impl Objective {
    /// The key `--slo` takes for it.
    pub fn flag_key(self) -> &'static str {
        match self {
            Objective::P50Ms => "p50",
            Objective::P95Ms => "p95",
            Objective::P99Ms => "p99",
            Objective::MaxMs => "max",
            Objective::FailedFraction => "failed",
        }
    }

    /// Whether the objective is a latency in milliseconds (else a share).
    pub fn is_latency(self) -> bool {
        self != Objective::FailedFraction
    }

    /// A limit as people read it: `1 s`, `250 ms`, `0.1%`.
    pub fn show(self, value: f64) -> String {
        if self.is_latency() {
            show_millis(value)
        } else {
            show_share(value)
        }
    }
}

/// Objectives with their limits, at most one limit per objective, in
/// [`Objective`] order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Slo {
    pub limits: Vec<(Objective, f64)>,
}

impl Slo {
    /// The p99 latency limit in milliseconds, if the SLO sets one.
    pub fn p99_ms(&self) -> Option<f64> {
        self.limits
            .iter()
            .find(|(objective, _)| *objective == Objective::P99Ms)
            .map(|(_, limit)| *limit)
    }
}

/// The `[slo]` table of a scenario, before its values are checked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlo {
    pub p50_ms: Option<toml::Spanned<f64>>,
    pub p95_ms: Option<toml::Spanned<f64>>,
    pub p99_ms: Option<toml::Spanned<f64>>,
    pub max_ms: Option<toml::Spanned<f64>>,
    pub max_failed_fraction: Option<toml::Spanned<f64>>,
}

/// The longest latency limit: ten years in milliseconds, as long as a
/// request may run.
const MAX_LIMIT_MS: f64 = 10.0 * 365.0 * 86_400.0 * 1_000.0;

impl RawSlo {
    /// The checked SLO, or (byte offset, message) for every bad value.
    pub fn validate(&self) -> Result<Slo, Vec<(usize, String)>> {
        let mut limits = Vec::new();
        let mut problems = Vec::new();
        let entries = [
            (Objective::P50Ms, "p50_ms", &self.p50_ms),
            (Objective::P95Ms, "p95_ms", &self.p95_ms),
            (Objective::P99Ms, "p99_ms", &self.p99_ms),
            (Objective::MaxMs, "max_ms", &self.max_ms),
            (
                Objective::FailedFraction,
                "max_failed_fraction",
                &self.max_failed_fraction,
            ),
        ];
        for (objective, key, value) in entries {
            let Some(value) = value else { continue };
            let number = *value.get_ref();
            let valid = if objective.is_latency() {
                number.is_finite() && (0.0..=MAX_LIMIT_MS).contains(&number)
            } else {
                number.is_finite() && (0.0..=1.0).contains(&number)
            };
            if valid {
                limits.push((objective, number));
            } else {
                let expected = if objective.is_latency() {
                    "milliseconds from 0 to ten years, e.g. 1000"
                } else {
                    "a fraction from 0 to 1, e.g. 0.001 for 0.1%"
                };
                problems.push((
                    value.span().start,
                    format!("`slo.{key}`: expected {expected}, found {number}"),
                ));
            }
        }
        if limits.is_empty() && problems.is_empty() {
            problems.push((
                0,
                "[slo]: expected at least one objective (p50_ms, p95_ms, p99_ms, max_ms, max_failed_fraction)".into(),
            ));
        }
        if problems.is_empty() {
            Ok(Slo { limits })
        } else {
            Err(problems)
        }
    }
}

impl Slo {
    /// Parses `--slo` text: `KEY=VALUE` pairs separated by commas, latencies
    /// with a unit (`p99=1s`, `p95=250ms`) and the failed share as a
    /// percentage (`failed=0.1%`). Every problem names the objective.
    pub fn parse_flag(text: &str) -> Result<Slo, String> {
        let mut limits: Vec<(Objective, f64)> = Vec::new();
        for pair in text.split(',').map(str::trim).filter(|pair| !pair.is_empty()) {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(format!("expected KEY=VALUE such as p99=1s, found `{pair}`"));
            };
            let objective = flag_objective(key.trim())?;
            if limits.iter().any(|(known, _)| *known == objective) {
                return Err(format!("`{}` is given twice", objective.flag_key()));
            }
            let limit = if objective.is_latency() {
                flag_millis(objective, value.trim())?
            } else {
                flag_share(value.trim())?
            };
            limits.push((objective, limit));
        }
        if limits.is_empty() {
            return Err(format!(
                "expected objectives such as p99=1s,failed=0.1%, found `{text}`"
            ));
        }
        limits.sort_by_key(|(objective, _)| *objective);
        Ok(Slo { limits })
    }

    /// The SLO in `--slo` form, e.g. `p99 ≤ 1 s, failed ≤ 0.1%`.
    pub fn describe(&self) -> String {
        self.limits
            .iter()
            .map(|(objective, limit)| format!("{} ≤ {}", objective.flag_key(), objective.show(*limit)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn flag_objective(key: &str) -> Result<Objective, String> {
    [
        Objective::P50Ms,
        Objective::P95Ms,
        Objective::P99Ms,
        Objective::MaxMs,
        Objective::FailedFraction,
    ]
    .into_iter()
    .find(|objective| objective.flag_key() == key)
    .ok_or_else(|| format!("unknown objective `{key}`: expected p50, p95, p99, max or failed"))
}

/// A latency limit with its unit (`us`, `ms`, `s`, `m`, `h`), in ms.
fn flag_millis(objective: Objective, value: &str) -> Result<f64, String> {
    let key = objective.flag_key();
    let expected =
        || format!("`{key}`: expected a duration with its unit, such as 1s or 250ms, found `{value}`");
    if !value.ends_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(expected());
    }
    let micros = parse_span(value, "ms").map_err(|_| expected())?;
    let millis = micros as f64 / MICROS_PER_MS as f64;
    if millis > MAX_LIMIT_MS {
        return Err(format!("`{key}`: expected at most ten years, found `{value}`"));
    }
    Ok(millis)
}

/// A share written as a percentage from 0% to 100%, as a fraction.
fn flag_share(value: &str) -> Result<f64, String> {
    let expected =
        || format!("`failed`: expected a percentage from 0% to 100%, such as 0.1%, found `{value}`");
    let number = value.strip_suffix('%').ok_or_else(expected)?.trim();
    // Plain decimals only: no signs, exponents, `inf` or `NaN`.
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(expected());
    }
    let percent: f64 = number.parse().map_err(|_| expected())?;
    if !(0.0..=100.0).contains(&percent) {
        return Err(expected());
    }
    Ok(percent / 100.0)
}

/// Milliseconds as people read them: `250 ms`, `1 s`, `1.201 s`, `122.9 s`.
pub fn show_millis(millis: f64) -> String {
    if millis >= 1_000.0 {
        format!("{} s", trimmed(millis / 1_000.0, 3))
    } else {
        format!("{} ms", trimmed(millis, 1))
    }
}

/// A share as a percentage: `0.1%`, `2.034%`, `0%`.
pub fn show_share(share: f64) -> String {
    format!("{}%", trimmed(share * 100.0, 3))
}

/// `value` to at most `decimals` places, without trailing zeros.
fn trimmed(value: f64, decimals: usize) -> String {
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
    fn the_flag_takes_units_and_percentages() {
        let slo = Slo::parse_flag("failed=0.1%, p99=1s,p95=250ms").expect("valid");
        // Sorted in objective order; 1 s = 1,000 ms; 0.1% = 0.001.
        assert_eq!(
            slo.limits,
            vec![
                (Objective::P95Ms, 250.0),
                (Objective::P99Ms, 1_000.0),
                (Objective::FailedFraction, 0.001)
            ]
        );
        assert_eq!(slo.describe(), "p95 ≤ 250 ms, p99 ≤ 1 s, failed ≤ 0.1%");
        assert_eq!(
            Slo::parse_flag("max=2m").expect("minutes").limits,
            vec![(Objective::MaxMs, 120_000.0)]
        );
    }

    #[test]
    fn bad_flag_values_name_the_objective() {
        for (text, expected) in [
            ("p99=1", "`p99`: expected a duration with its unit"),
            ("p99=fast", "`p99`: expected a duration with its unit"),
            ("p99=-1s", "`p99`: expected a duration with its unit"),
            ("p99=1y", "`p99`: expected a duration with its unit"),
            ("failed=0.1", "`failed`: expected a percentage"),
            ("failed=101%", "`failed`: expected a percentage"),
            ("failed=-1%", "`failed`: expected a percentage"),
            ("failed=NaN%", "`failed`: expected a percentage"),
            ("p98=1s", "unknown objective `p98`"),
            ("p99", "expected KEY=VALUE"),
            ("p99=1s,p99=2s", "`p99` is given twice"),
            ("", "expected objectives"),
            ("p99=99999999999d", "`p99`: expected"),
        ] {
            let problem = Slo::parse_flag(text).expect_err(text);
            assert!(problem.contains(expected), "{text}: {problem}");
        }
    }

    #[test]
    fn scenario_values_are_checked() {
        let raw: RawSlo = toml::from_str("p99_ms = 1000\nmax_failed_fraction = 0.001\n").expect("parses");
        assert_eq!(
            raw.validate().expect("valid").limits,
            vec![(Objective::P99Ms, 1_000.0), (Objective::FailedFraction, 0.001)]
        );
        let raw: RawSlo = toml::from_str("p99_ms = -1\nmax_failed_fraction = 5\n").expect("parses");
        let problems = raw.validate().expect_err("two problems");
        assert_eq!(problems.len(), 2);
        assert!(
            problems[0].1.starts_with("`slo.p99_ms`: expected milliseconds"),
            "{problems:?}"
        );
        assert!(
            problems[1]
                .1
                .starts_with("`slo.max_failed_fraction`: expected a fraction"),
            "{problems:?}"
        );
        let raw: RawSlo = toml::from_str("").expect("parses");
        assert!(raw.validate().is_err());
    }

    #[test]
    fn limits_read_as_people_write_them() {
        assert_eq!(show_millis(250.0), "250 ms");
        assert_eq!(show_millis(1_000.0), "1 s");
        assert_eq!(show_millis(122_900.0), "122.9 s");
        assert_eq!(show_share(0.02034), "2.034%");
        assert_eq!(show_share(0.0), "0%");
    }
}
