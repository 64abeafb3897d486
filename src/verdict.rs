//! Verdicts: whether a result is one an architect can defend, and which
//! deployment is "cheapest". With a service-level objective ([`Slo`]) a
//! result meets it or misses it (each objective with how far it is over);
//! without one, a result whose failed share exceeds 0.1% or whose p99
//! latency exceeds twice the workload's own p99 duration is *degraded*, and
//! the others are *ok*. [`best`] is the one rule every "cheapest" marker
//! follows: the cheapest result that meets the SLO (or, without one, is not
//! degraded), none when no result qualifies.
//!
//! The warnings results carry (a horizon beyond the trace, a repeated
//! sample, a book out of its era) are listed by [`shared_warnings`] (for
//! stderr, [`warning_lines`]), once each however many results share them.

use serde::Serialize;

use crate::metrics::{LatencySummary, RequestCounts};
use crate::simulation::SimulationResult;
use crate::slo::{Objective, Slo, show_millis, show_share};

/// Without an SLO, a failed share above this is degraded (0.1%).
pub const DEFAULT_MAX_FAILED_FRACTION: f64 = 0.001;
/// Without an SLO, a p99 latency above this many times the workload's own
/// p99 duration is degraded.
pub const DEFAULT_P99_FACTOR: f64 = 2.0;

/// The outcome of judging one result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every objective of the SLO given is met.
    Meets,
    /// An SLO was given and at least one objective is missed.
    Misses,
    /// No SLO was given and the result is not degraded.
    Ok,
    /// No SLO was given and failures or p99 latency are out of line.
    Degraded,
}

/// One objective judged: its limit, the result's value, and by how much
/// the value is over when it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub objective: Objective,
    pub limit: f64,
    pub actual: f64,
    pub met: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_by: Option<f64>,
}

/// A result's verdict (JSON: `verdict`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub status: Status,
    /// One sentence for people, e.g. `misses the SLO: p99 122.9 s is over 1 s by 121.9 s`.
    pub summary: String,
    /// Every objective judged: the SLO's, or without one the two defaults.
    pub checks: Vec<Check>,
    /// Requests served beyond a flat plan's soft quota: the plan chosen
    /// does not fit the workload, so the result misses (or, without an SLO,
    /// is degraded) whatever its latency.
    #[serde(skip_serializing_if = "is_zero")]
    pub over_quota: u64,
}

fn is_zero(count: &u64) -> bool {
    *count == 0
}

/// What a verdict reads from a run.
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    pub requests: &'a RequestCounts,
    /// Client-observed latency.
    pub latency: &'a LatencySummary,
    /// The workload's own durations as recorded in the trace.
    pub recorded: &'a LatencySummary,
}

impl Observed<'_> {
    /// Requests that did not get a good answer, over all requests.
    fn failed_fraction(&self) -> f64 {
        let failed = self.requests.total.saturating_sub(self.requests.served);
        if self.requests.total == 0 {
            0.0
        } else {
            failed as f64 / self.requests.total as f64
        }
    }

    fn value(&self, objective: Objective) -> f64 {
        match objective {
            Objective::P50Ms => self.latency.p50,
            Objective::P95Ms => self.latency.p95,
            Objective::P99Ms => self.latency.p99,
            Objective::MaxMs => self.latency.max,
            Objective::FailedFraction => self.failed_fraction(),
        }
    }
}

impl Status {
    /// The name JSON and CSV give it.
    pub fn name(self) -> &'static str {
        match self {
            Status::Meets => "meets",
            Status::Misses => "misses",
            Status::Ok => "ok",
            Status::Degraded => "degraded",
        }
    }
}

impl Verdict {
    /// `parts` and, when requests went beyond the plan's quota, that too.
    fn with_quota(&self, mut parts: Vec<String>) -> Vec<String> {
        if self.over_quota > 0 {
            parts.push("over the plan's quota".into());
        }
        parts
    }

    /// Whether the result may be crowned cheapest.
    pub fn acceptable(&self) -> bool {
        matches!(self.status, Status::Meets | Status::Ok)
    }

    /// A table cell: `meets SLO`, `misses p99 +121.9 s`, `ok`, `degraded: 2.034% failed`.
    pub fn short(&self) -> String {
        let missed = || self.checks.iter().filter(|check| !check.met);
        match self.status {
            Status::Meets => "meets SLO".into(),
            Status::Ok => "ok".into(),
            Status::Misses => {
                let parts: Vec<String> = missed()
                    .map(|check| {
                        let over = check.over_by.unwrap_or_default();
                        format!("{} +{}", check.objective.flag_key(), check.objective.show(over))
                    })
                    .collect();
                format!("misses {}", self.with_quota(parts).join(", "))
            }
            Status::Degraded => {
                let parts: Vec<String> = missed()
                    .map(|check| match check.objective {
                        Objective::FailedFraction => format!("{} failed", show_share(check.actual)),
                        objective => format!("{} {}", objective.flag_key(), objective.show(check.actual)),
                    })
                    .collect();
                format!("degraded: {}", self.with_quota(parts).join(", "))
            }
        }
    }
}

/// Judges a run against `slo`, or without one against the defaults; a run
/// over its flat plan's soft quota never passes.
pub fn judge(observed: Observed, slo: Option<&Slo>) -> Verdict {
    let verdict = match slo {
        Some(slo) => judge_slo(observed, slo),
        None => judge_default(observed),
    };
    over_quota(verdict, observed.requests.over_quota)
}

/// `verdict`, failed when `over` requests went beyond the plan's quota.
fn over_quota(mut verdict: Verdict, over: u64) -> Verdict {
    if over == 0 {
        return verdict;
    }
    verdict.status = match verdict.status {
        Status::Meets | Status::Misses => Status::Misses,
        Status::Ok | Status::Degraded => Status::Degraded,
    };
    verdict.summary = format!(
        "{}; but {over} requests went beyond the plan's monthly quota: the plan does not fit the workload (see the bill's notes for the plan that would)",
        verdict.summary
    );
    verdict.over_quota = over;
    verdict
}

/// Judges `result` again against `slo` (its verdict from the run is
/// against the defaults).
pub fn apply(result: &mut SimulationResult, slo: Option<&Slo>) {
    let observed = Observed {
        requests: &result.requests,
        latency: &result.latency_ms,
        recorded: &result.recorded_duration_ms,
    };
    result.verdict = judge(observed, slo);
}

fn check(observed: Observed, objective: Objective, limit: f64) -> Check {
    let actual = observed.value(objective);
    let met = actual <= limit;
    Check {
        objective,
        limit,
        actual,
        met,
        over_by: (!met).then_some(actual - limit),
    }
}

fn judge_slo(observed: Observed, slo: &Slo) -> Verdict {
    let checks: Vec<Check> = slo
        .limits
        .iter()
        .map(|&(objective, limit)| check(observed, objective, limit))
        .collect();
    let misses: Vec<String> = checks
        .iter()
        .filter(|check| !check.met)
        .map(|check| {
            let show = |value| check.objective.show(value);
            format!(
                "{} {} is over {} by {}",
                check.objective.flag_key(),
                show(check.actual),
                show(check.limit),
                show(check.over_by.unwrap_or_default())
            )
        })
        .collect();
    if misses.is_empty() {
        Verdict {
            status: Status::Meets,
            summary: format!("meets the SLO ({})", slo.describe()),
            checks,
            over_quota: 0,
        }
    } else {
        Verdict {
            status: Status::Misses,
            summary: format!("misses the SLO: {}", misses.join("; ")),
            checks,
            over_quota: 0,
        }
    }
}

fn judge_default(observed: Observed) -> Verdict {
    let own_p99 = observed.recorded.p99;
    let checks = vec![
        check(observed, Objective::FailedFraction, DEFAULT_MAX_FAILED_FRACTION),
        check(observed, Objective::P99Ms, DEFAULT_P99_FACTOR * own_p99),
    ];
    let reasons: Vec<String> = checks
        .iter()
        .filter(|check| !check.met)
        .map(|check| match check.objective {
            Objective::FailedFraction => format!(
                "{} of requests failed (over {})",
                show_share(check.actual),
                show_share(check.limit)
            ),
            _ => format!(
                "p99 {} is over twice the workload's own p99 duration ({})",
                show_millis(check.actual),
                show_millis(own_p99)
            ),
        })
        .collect();
    if reasons.is_empty() {
        Verdict {
            status: Status::Ok,
            summary: format!(
                "no SLO given; not degraded (failed ≤ {}, p99 ≤ twice the workload's own p99 duration of {})",
                show_share(DEFAULT_MAX_FAILED_FRACTION),
                show_millis(own_p99)
            ),
            checks,
            over_quota: 0,
        }
    } else {
        Verdict {
            status: Status::Degraded,
            summary: format!("degraded: {}", reasons.join("; ")),
            checks,
            over_quota: 0,
        }
    }
}

/// The index of the cheapest result that meets the SLO (without one: that
/// is not degraded), the first on a tie; none when no result qualifies.
pub fn best<'a>(results: impl IntoIterator<Item = &'a SimulationResult>) -> Option<usize> {
    results
        .into_iter()
        .enumerate()
        .filter(|(_, result)| result.verdict.acceptable())
        .min_by(|(_, a), (_, b)| a.bill.total.cmp(&b.bill.total))
        .map(|(index, _)| index)
}

/// What a comparison says when [`best`] finds none.
pub const NO_BEST: &str = "no deployment meets the SLO";

/// The sentence a comparison prints when no result qualifies, naming the
/// objectives: the SLO given or the defaults.
pub fn no_best_note<'a>(results: impl IntoIterator<Item = &'a SimulationResult>) -> String {
    let mut results = results.into_iter().peekable();
    let with_slo = results
        .peek()
        .is_some_and(|result| matches!(result.verdict.status, Status::Meets | Status::Misses));
    if with_slo {
        format!("{NO_BEST}: none is marked cheapest.")
    } else {
        format!(
            "{NO_BEST} (no SLO was given; every deployment is degraded: failures over {} or p99 over twice the workload's own p99 duration): none is marked cheapest.",
            show_share(DEFAULT_MAX_FAILED_FRACTION)
        )
    }
}

/// The warnings of several results, each once: one every result carries
/// as it is, one only some carry after their names (`Heroku: …`).
pub fn shared_warnings(results: &[(&str, &[String])]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (_, warnings) in results {
        for warning in warnings.iter().map(String::as_str) {
            if seen.contains(&warning) {
                continue;
            }
            seen.push(warning);
            let carriers: Vec<&str> = results
                .iter()
                .filter(|(_, others)| others.iter().any(|other| other == warning))
                .map(|(name, _)| *name)
                .collect();
            if carriers.len() == results.len() {
                lines.push(warning.to_owned());
            } else {
                lines.push(format!("{}: {warning}", carriers.join(", ")));
            }
        }
    }
    lines
}

/// [`shared_warnings`] as lines for stderr, `costsim: warning: …`.
pub fn warning_lines(results: &[(&str, &[String])]) -> Vec<String> {
    shared_warnings(results)
        .into_iter()
        .map(|warning| format!("costsim: warning: {warning}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(total: u64, served: u64) -> RequestCounts {
        RequestCounts {
            total,
            served,
            throttled: total - served,
            ..RequestCounts::default()
        }
    }

    fn latency(p99: f64) -> LatencySummary {
        LatencySummary {
            mean: p99 / 2.0,
            p50: p99 / 2.0,
            p95: p99,
            p99,
            max: p99,
        }
    }

    #[test]
    fn an_slo_is_met_or_missed_by_how_much() {
        let slo = Slo::parse_flag("p99=1s,failed=0.1%").expect("valid");
        let (requests, fast, slow, recorded) = (
            counts(10_000, 10_000),
            latency(800.0),
            latency(122_900.0),
            latency(100.0),
        );
        let observed = |latency| Observed {
            requests: &requests,
            latency,
            recorded: &recorded,
        };
        let verdict = judge(observed(&fast), Some(&slo));
        assert_eq!(verdict.status, Status::Meets);
        assert_eq!(verdict.summary, "meets the SLO (p99 ≤ 1 s, failed ≤ 0.1%)");
        // 122,900 ms − 1,000 ms = 121,900 ms over.
        let verdict = judge(observed(&slow), Some(&slo));
        assert_eq!(verdict.status, Status::Misses);
        assert_eq!(verdict.checks[0].over_by, Some(121_900.0));
        assert_eq!(
            verdict.summary,
            "misses the SLO: p99 122.9 s is over 1 s by 121.9 s"
        );
        assert_eq!(verdict.short(), "misses p99 +121.9 s");
    }

    #[test]
    fn without_an_slo_failures_and_slow_tails_are_degraded() {
        let recorded = latency(600.0);
        // 21 of 10,000 failed = 0.21% > 0.1%; p99 1,200 ms = 2 × 600 ms is not over.
        let requests = counts(10_000, 9_979);
        let at_twice = latency(1_200.0);
        let verdict = judge(
            Observed {
                requests: &requests,
                latency: &at_twice,
                recorded: &recorded,
            },
            None,
        );
        assert_eq!(verdict.status, Status::Degraded);
        assert_eq!(verdict.summary, "degraded: 0.21% of requests failed (over 0.1%)");
        assert_eq!(verdict.short(), "degraded: 0.21% failed");
        // 10 of 10,000 = 0.1% is not over; p99 1,201 ms is over 1,200 ms.
        let requests = counts(10_000, 9_990);
        let over = latency(1_201.0);
        let verdict = judge(
            Observed {
                requests: &requests,
                latency: &over,
                recorded: &recorded,
            },
            None,
        );
        assert_eq!(verdict.status, Status::Degraded);
        assert_eq!(
            verdict.summary,
            "degraded: p99 1.201 s is over twice the workload's own p99 duration (600 ms)"
        );
        let verdict = judge(
            Observed {
                requests: &requests,
                latency: &at_twice,
                recorded: &recorded,
            },
            None,
        );
        assert_eq!(verdict.status, Status::Ok);
        assert!(verdict.acceptable());
    }

    #[test]
    fn shared_warnings_print_once_and_others_with_their_names() {
        let shared = "the horizon runs past the trace".to_owned();
        let own = "heroku-2016 is priced before its effective date".to_owned();
        let first = [shared.clone()];
        let second = [shared.clone(), own.clone()];
        let lines = warning_lines(&[("Lambda", &first), ("Heroku", &second)]);
        assert_eq!(warning_lines(&[("", &second)]).len(), 2);
        assert_eq!(
            lines,
            vec![
                format!("costsim: warning: {shared}"),
                format!("costsim: warning: Heroku: {own}")
            ]
        );
    }
}
