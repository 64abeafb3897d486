//! The search: samples the dimension on a log scale, runs each sample as a
//! sweep point (both deployments on one read of its workload), brackets
//! every sign change of total(A) − total(B) and bisects each bracket at its
//! geometric midpoint to the relative tolerance, all brackets' midpoints of
//! one round running as one batch.

use super::Spec;
use super::outcome::{Crossing, End, Sample, Side};
use crate::error::{Error, Result};
use crate::pricing::Decimal;
use crate::scenario::Scenario;
use crate::sweep::outcome::ParamValue;
use crate::sweep::plan::plan;
use crate::sweep::point::Point;
use crate::sweep::run::run_plans;

/// Most bisection rounds (a tolerance of 1e-6 on a range of 1e6 needs 25).
const MAX_ROUNDS: usize = 60;

/// What the search found, before the analytic form and the prose.
pub struct Found {
    pub samples: Vec<Sample>,
    pub bisection: Vec<Sample>,
    pub crossings: Vec<Crossing>,
    pub end: Option<End>,
}

/// `value` as canonical decimal text: at most 6 significant digits, no
/// exponent, no trailing zeros.
pub fn value_text(value: f64) -> String {
    Decimal::from_scientific(&format!("{value:.5e}"))
        .map(|decimal| decimal.normalize().to_string())
        .unwrap_or_else(|_| format!("{value}"))
}

/// `count` values from `low` to `high` evenly spaced on a log scale.
pub fn log_spaced(low: f64, high: f64, count: usize) -> Vec<f64> {
    let ratio = (high / low).ln();
    (0..count)
        .map(|index| low * (ratio * index as f64 / (count - 1) as f64).exp())
        .collect()
}

/// `scenario` holding only the deployments `a` and `b`, in that order.
pub fn pair_of(scenario: &Scenario, a: usize, b: usize) -> Scenario {
    let mut pair = scenario.clone();
    pair.deployments = vec![scenario.deployments[a].clone(), scenario.deployments[b].clone()];
    pair
}

/// Runs both deployments of `pair` at each value (canonical text).
pub fn evaluate(pair: &Scenario, dimension: &str, values: &[String]) -> Result<Vec<Sample>> {
    let points = values
        .iter()
        .enumerate()
        .map(|(index, value)| Point {
            index,
            id: format!("b{index}"),
            values: vec![ParamValue {
                name: dimension.to_owned(),
                value: Some(value.clone()),
            }],
        })
        .collect();
    let plans = plan(pair, points)?;
    let results = run_plans(pair, &plans)?;
    values
        .iter()
        .zip(results)
        .map(|(value, results)| {
            let [a, b] = results.as_slice() else {
                return Err(Error::usage("a break-even point ran other than two deployments"));
            };
            let requests = a.result.requests.total;
            let horizon_s = a.result.horizon_s;
            Ok(Sample {
                start: a.result.start.clone(),
                value: value.clone(),
                factor: value.parse().unwrap_or(f64::NAN),
                requests,
                requests_per_second: if horizon_s > 0.0 {
                    requests as f64 / horizon_s
                } else {
                    0.0
                },
                sides: [Side::of(a), Side::of(b)],
            })
        })
        .collect()
}

/// A bracket being narrowed: the samples at its ends, and the sign of
/// total(A) − total(B) below it (the opposite holds above it).
struct Bracket {
    low: Sample,
    high: Sample,
    below: i8,
}

/// A bracket for each change of sign between successive samples whose
/// totals differ (samples at which they are equal sit inside a bracket).
fn brackets_of(samples: &[Sample]) -> Vec<Bracket> {
    let unequal: Vec<&Sample> = samples.iter().filter(|sample| sample.sign() != 0).collect();
    unequal
        .windows(2)
        .filter(|pair| pair[0].sign() != pair[1].sign())
        .map(|pair| Bracket {
            low: pair[0].clone(),
            high: pair[1].clone(),
            below: pair[0].sign(),
        })
        .collect()
}

/// Samples the range, brackets every sign change and bisects each.
pub fn search(pair: &Scenario, spec: &Spec) -> Result<Found> {
    let values: Vec<String> = log_spaced(spec.low, spec.high, spec.samples)
        .into_iter()
        .map(value_text)
        .collect();
    let mut distinct = values.clone();
    distinct.dedup();
    let samples = evaluate(pair, &spec.dimension, &distinct)?;
    let mut brackets = brackets_of(&samples);
    let mut bisection = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let open: Vec<(usize, String)> = brackets
            .iter()
            .enumerate()
            .filter_map(|(index, bracket)| Some((index, midpoint(bracket, spec.tolerance)?)))
            .collect();
        if open.is_empty() {
            break;
        }
        let texts: Vec<String> = open.iter().map(|(_, text)| text.clone()).collect();
        let run = evaluate(pair, &spec.dimension, &texts)?;
        for ((index, _), sample) in open.into_iter().zip(run) {
            bisection.push(sample.clone());
            narrow(&mut brackets[index], sample);
        }
    }
    let middles: Vec<String> = brackets
        .iter()
        .map(|bracket| value_text((bracket.low.factor * bracket.high.factor).sqrt()))
        .collect();
    let at = if middles.is_empty() {
        Vec::new()
    } else {
        evaluate(pair, &spec.dimension, &middles)?
    };
    let end = end_of(&samples);
    let crossings = brackets
        .into_iter()
        .zip(at)
        .map(|(bracket, at)| crossing(bracket, at, end.as_ref()))
        .collect();
    Ok(Found {
        samples,
        bisection,
        crossings,
        end,
    })
}

/// The bracket's geometric midpoint as canonical text, or none when the
/// bracket is within the tolerance (or cannot be split at 6 digits).
fn midpoint(bracket: &Bracket, tolerance: f64) -> Option<String> {
    let (low, high) = (bracket.low.factor, bracket.high.factor);
    if high / low <= 1.0 + tolerance {
        return None;
    }
    let text = value_text((low * high).sqrt());
    (text != bracket.low.value && text != bracket.high.value).then_some(text)
}

/// Keeps the half of `bracket` across which the sign still changes; a
/// sample at which the totals are equal counts as below (so a stretch of
/// equal totals is crossed at its upper end).
fn narrow(bracket: &mut Bracket, sample: Sample) {
    if sample.sign() == -bracket.below {
        bracket.high = sample;
    } else {
        bracket.low = sample;
    }
}

/// The crossing `bracket` closes on, reported at `at` (requests per month
/// are filled in once the month's length is known).
fn crossing(bracket: Bracket, at: Sample, end: Option<&End>) -> Crossing {
    let cheaper = |sign: i8| at.sides[usize::from(sign > 0)].deployment.clone();
    Crossing {
        low: bracket.low.factor,
        high: bracket.high.factor,
        requests_per_month: 0.0,
        cheaper_below: cheaper(bracket.below),
        cheaper_above: cheaper(-bracket.below),
        beyond_end: end.is_some_and(|end| bracket.low.factor >= end.factor),
        at,
    }
}

/// Where one deployment stops being acceptable for every later sample,
/// having been acceptable (both of them) at some earlier one.
fn end_of(samples: &[Sample]) -> Option<End> {
    let both = |sample: &Sample| sample.sides.iter().all(|side| side.acceptable);
    let last_good = samples.iter().rposition(both)?;
    let after = samples.get(last_good + 1..)?;
    let first = after.first()?;
    let failing = (0..2).find(|&side| after.iter().all(|sample| !sample.sides[side].acceptable))?;
    Some(End {
        factor: samples[last_good].factor,
        deployment: first.sides[failing].deployment.clone(),
        verdict: first.sides[failing].verdict.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::{log_spaced, value_text};

    #[test]
    fn values_are_canonical_decimals_of_six_digits() {
        assert_eq!(value_text(0.01), "0.01");
        assert_eq!(value_text(100.0), "100");
        // 1/3 to 6 significant digits.
        assert_eq!(value_text(1.0 / 3.0), "0.333333");
        assert_eq!(value_text(12345.678), "12345.7");
        assert_eq!(value_text(0.000123456789), "0.000123457");
    }

    #[test]
    fn samples_are_log_spaced_end_to_end() {
        // 0.01..100 in 5 samples: ×10 apart.
        let values: Vec<String> = log_spaced(0.01, 100.0, 5).into_iter().map(value_text).collect();
        assert_eq!(values, ["0.01", "0.1", "1", "10", "100"]);
    }
}
