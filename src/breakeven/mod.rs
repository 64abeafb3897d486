//! `costsim breakeven`: the traffic (or any swept dimension) at which two
//! deployments cost the same. The dimension is sampled on a log scale, the
//! samples run as sweep points on one read each, every sign change of the
//! cost difference is bracketed and bisected, and each crossing is reported
//! with both bills there; `--analytic` sets the calculators' closed form
//! beside it.

pub mod analytic;
pub mod outcome;
pub mod search;

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};
use crate::scenario::{NamedDeployment, Scenario};
use outcome::{Breakeven, Sample};

/// How long a month is when requests per month are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Month {
    /// 730 hours, as AWS's pricing calculator counts (8,760 / 12).
    Hours730,
    /// 720 hours: 30 days.
    Hours720,
    /// The calendar month the scenario starts in (744 h for July).
    Calendar,
}

impl Month {
    pub fn name(self) -> &'static str {
        match self {
            Month::Hours730 => "730h",
            Month::Hours720 => "720h",
            Month::Calendar => "calendar",
        }
    }

    /// The month's hours; a calendar month's from `start` (RFC 3339).
    pub fn hours(self, start: &str) -> u32 {
        match self {
            Month::Hours730 => 730,
            Month::Hours720 => 720,
            Month::Calendar => calendar_days(start).map_or(730, |days| days * 24),
        }
    }
}

fn calendar_days(start: &str) -> Option<u32> {
    let date = chrono::DateTime::parse_from_rfc3339(start).ok()?.date_naive();
    let first = NaiveDate::from_ymd_opt(date.year(), date.month(), 1)?;
    let next = if date.month() == 12 {
        NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)?
    };
    u32::try_from((next - first).num_days()).ok()
}

/// What to search.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The two deployments' indices in the scenario.
    pub a: usize,
    pub b: usize,
    /// `traffic` or a sweep parameter.
    pub dimension: String,
    pub low: f64,
    pub high: f64,
    pub samples: usize,
    /// The bisection's relative tolerance (0.01 = 1%).
    pub tolerance: f64,
    pub month: Month,
    pub analytic: bool,
}

/// The indices of the deployments `between` and `and` name: exact or a
/// unique prefix, distinct (bad usage otherwise).
pub fn pick(scenario: &Scenario, between: &str, and: &str) -> Result<(usize, usize)> {
    let find = |flag: &str, target: &str| {
        NamedDeployment::find(&scenario.deployments, target)
            .map_err(|problem| Error::usage(format!("{flag}: {problem}")))
    };
    let (a, b) = (find("--between", between)?, find("--and", and)?);
    if a == b {
        return Err(Error::usage(format!(
            "--between and --and both name `{}`: give two different deployments",
            scenario.deployments[a].name
        )));
    }
    Ok((a, b))
}

/// Checks the range, samples and tolerance (bad usage otherwise).
pub fn check(spec: &Spec) -> Result<()> {
    if !(spec.low.is_finite() && spec.high.is_finite() && spec.low < spec.high) {
        return Err(Error::usage(format!(
            "--range: expected LOW..HIGH with LOW below HIGH, found {}..{}",
            spec.low, spec.high
        )));
    }
    if spec.dimension == "traffic" && spec.low <= 0.0 {
        return Err(Error::usage(
            "--range: traffic factors must be above 0 (they are sampled on a log scale)",
        ));
    }
    if spec.low <= 0.0 {
        return Err(Error::usage("--range: a log scale needs values above 0"));
    }
    if spec.samples < 3 {
        return Err(Error::usage(format!(
            "--samples: expected at least 3, found {}",
            spec.samples
        )));
    }
    if !(spec.tolerance > 0.0 && spec.tolerance < 1.0) {
        return Err(Error::usage(format!(
            "--tolerance: expected a fraction above 0 and below 1, found {}",
            spec.tolerance
        )));
    }
    if spec.analytic && spec.dimension != "traffic" {
        return Err(Error::usage(
            "--analytic: the closed form varies traffic, not other dimensions",
        ));
    }
    Ok(())
}

/// Runs the search and assembles its outcome.
pub fn breakeven(scenario: &Scenario, spec: &Spec) -> Result<Breakeven> {
    check(spec)?;
    let pair = search::pair_of(scenario, spec.a, spec.b);
    let found = search::search(&pair, spec)?;
    let start = found
        .samples
        .first()
        .map(|sample| sample.start.clone())
        .unwrap_or_default();
    let month_hours = spec.month.hours(&start);
    let month_seconds = f64::from(month_hours) * 3600.0;
    let mut crossings = found.crossings;
    for crossing in &mut crossings {
        crossing.requests_per_month = crossing.at.requests_per_second * month_seconds;
    }
    let names = [pair.deployments[0].name.clone(), pair.deployments[1].name.clone()];
    let cheaper_throughout = if crossings.iter().any(|crossing| !crossing.beyond_end) {
        None
    } else {
        Some(cheaper_over(&found.samples, &names))
    };
    let analytic = spec
        .analytic
        .then(|| closed_form(&pair, spec, &found.samples, month_hours));
    Ok(Breakeven {
        costsim_version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario: scenario.name.clone(),
        deployments: names,
        dimension: spec.dimension.clone(),
        range: [spec.low, spec.high],
        tolerance: spec.tolerance,
        month: spec.month.name().to_owned(),
        month_hours,
        slo: scenario.slo.as_ref().map(|slo| slo.describe()),
        samples: found.samples,
        bisection: found.bisection,
        crossings,
        end: found.end,
        cheaper_throughout,
        analytic,
    })
}

/// The deployment cheaper at the samples (which never change sign), or
/// `neither` when they cost the same throughout.
fn cheaper_over(samples: &[Sample], names: &[String; 2]) -> String {
    match samples.iter().map(Sample::sign).find(|sign| *sign != 0) {
        Some(sign) if sign < 0 => names[0].clone(),
        Some(_) => names[1].clone(),
        None => "neither (they cost the same)".to_owned(),
    }
}

fn closed_form(pair: &Scenario, spec: &Spec, samples: &[Sample], month_hours: u32) -> analytic::Analytic {
    // The rate per unit of traffic from the sample with the most requests
    // (the least rounding).
    let busiest = samples.iter().max_by_key(|sample| sample.requests);
    let rate_at_one = busiest.map_or(0.0, |sample| sample.requests_per_second / sample.factor);
    let mean_ms = busiest.map_or(0.0, |sample| sample.sides[0].mean_duration_ms);
    let form = |index: usize| {
        let named = &pair.deployments[index];
        analytic::cost_form(&named.name, &named.deployment, month_hours, mean_ms)
    };
    analytic::analytic(
        [form(0), form(1)],
        [spec.low, spec.high],
        rate_at_one,
        month_hours,
        mean_ms,
    )
}
