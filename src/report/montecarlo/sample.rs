//! A hand-made Monte Carlo summary for the exporters' tests: 50
//! replications of 30 days, two deployments, a budget of $12, an SLO and
//! two uncertain inputs.
//!
//! Replication i's totals: Lambda 10 + 0.25 × (i mod 10), so $10.00 to
//! $12.25, each value 5 times; EC2 11 + 0.5 × (i mod 5), so $11.00 to
//! $13.00, each value 10 times.
//!
//! | i mod 10 | Lambda | EC2   | cheapest          |
//! |----------|--------|-------|-------------------|
//! | 0 to 4   | 10–11  | 11–13 | Lambda            |
//! | 5        | 11.25  | 11.00 | EC2               |
//! | 6        | 11.50  | 11.50 | Lambda (the tie)  |
//! | 7 to 9   | 11.75–12.25 | 12–13 | Lambda       |
//!
//! Lambda is the cheapest in 9 of 10, so 45 of 50 = 90%, standard error
//! √(0.9 × 0.1 / 50) = 0.0424; EC2 in 10%. Over the $12 budget: Lambda
//! only at 12.25 (5 of 50 = 10%, ± 0.0424), EC2 at 12.5 and 13 (20 of 50 =
//! 40%, ± √(0.4 × 0.6 / 50) = 0.0693).
//!
//! Quantiles interpolate between order statistics at (n − 1) × level = 49
//! × level: P5 at 2.45, P50 at 24.5, P95 at 46.55 (0-based, sorted).
//! Lambda: sorted[2..3] = 10, sorted[24] = 11 and sorted[25] = 11.25 so
//! P50 = 11.125, sorted[46..47] = 12.25. EC2: 11, 12, 13.
//! Means: Lambda 10 + 0.25 × 4.5 = 11.125, EC2 12. Standard deviations
//! (n − 1): Lambda √(5 × 0.0625 × 82.5 / 49) = 0.7254, EC2 √(25 / 49) =
//! 0.7143; over √50 = 7.0711: 0.1026 and 0.1010.

use crate::montecarlo::summary::{
    DeploymentSummary, Fan, InputSummary, Probability, Quantile, Spread, Summary, TornadoBar,
};
use crate::pricing::Decimal;

pub fn decimal(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

/// Thirty days in seconds.
pub const HORIZON_S: f64 = 30.0 * 86_400.0;

fn probability(value: f64, standard_error: f64) -> Probability {
    Probability {
        value,
        standard_error,
    }
}

/// A spread of money: mean, SD, its SE, then (P5, P50, P95) with one SE.
fn money(mean: &str, sd: &str, se: &str, quantiles: [&str; 3], quantile_se: &str) -> Spread<Decimal> {
    Spread {
        mean: decimal(mean),
        standard_deviation: decimal(sd),
        mean_standard_error: decimal(se),
        quantiles: [5, 50, 95]
            .into_iter()
            .zip(quantiles)
            .map(|(percent, value)| Quantile {
                percent: Decimal::from(percent),
                value: decimal(value),
                standard_error: decimal(quantile_se),
            })
            .collect(),
    }
}

fn millis(mean: f64, quantiles: [f64; 3]) -> Spread<f64> {
    Spread {
        mean,
        standard_deviation: 20.0,
        mean_standard_error: 2.83,
        quantiles: [5, 50, 95]
            .into_iter()
            .zip(quantiles)
            .map(|(percent, value)| Quantile {
                percent: Decimal::from(percent),
                value,
                standard_error: 4.5,
            })
            .collect(),
    }
}

/// A fan growing linearly from zero to the five final quantiles, one
/// point a day.
pub fn linear_fan(ends: [f64; 5]) -> Fan {
    let times_s: Vec<f64> = (0..=30).map(|day| f64::from(day) * 86_400.0).collect();
    let at = |end: f64| times_s.iter().map(|time| end * time / HORIZON_S).collect();
    Fan {
        p5: at(ends[0]),
        p25: at(ends[1]),
        p50: at(ends[2]),
        p75: at(ends[3]),
        p95: at(ends[4]),
        times_s,
    }
}

fn lambda() -> DeploymentSummary {
    let totals = (0..50)
        .map(|i| decimal("10") + decimal("0.25") * Decimal::from(i % 10))
        .collect();
    DeploymentSummary {
        name: "Lambda".into(),
        currency: "USD".into(),
        total: money("11.125", "0.7254", "0.1026", ["10", "11.125", "12.25"], "0.125"),
        totals,
        line_items: vec![
            ("Requests".into(), money("2", "0", "0", ["2", "2", "2"], "0")),
            (
                "Compute".into(),
                money("9.125", "0.7254", "0.1026", ["8", "9.125", "10.25"], "0.125"),
            ),
        ],
        p99_ms: millis(412.5, [380.0, 410.0, 450.0]),
        over_budget: Some(probability(0.1, 0.0424)),
        meets_slo: Some(probability(0.96, 0.0277)),
        cheapest: probability(0.9, 0.0424),
        fan: linear_fan([10.0, 10.5, 11.125, 11.75, 12.25]),
    }
}

fn ec2() -> DeploymentSummary {
    let totals = (0..50)
        .map(|i| decimal("11") + decimal("0.5") * Decimal::from(i % 5))
        .collect();
    DeploymentSummary {
        name: "EC2".into(),
        currency: "USD".into(),
        total: money("12", "0.7143", "0.1010", ["11", "12", "13"], "0.25"),
        totals,
        line_items: vec![
            (
                "Instance hours".into(),
                money("10", "0", "0", ["10", "10", "10"], "0"),
            ),
            (
                "Data transfer".into(),
                money("2", "0.7143", "0.1010", ["1", "2", "3"], "0.25"),
            ),
        ],
        p99_ms: millis(95.0, [80.0, 94.0, 120.0]),
        over_budget: Some(probability(0.4, 0.0693)),
        meets_slo: Some(probability(1.0, 0.0)),
        cheapest: probability(0.1, 0.0424),
        fan: linear_fan([11.0, 11.5, 12.0, 12.5, 13.0]),
    }
}

fn input(name: &str, range: [&str; 3], distribution: &str) -> InputSummary {
    InputSummary {
        name: name.into(),
        low: range[0].into(),
        high: range[1].into(),
        median: range[2].into(),
        distribution: distribution.into(),
    }
}

fn bar(input: &str, deployment: &str, values: [&str; 2], totals: [&str; 3]) -> TornadoBar {
    TornadoBar {
        input: input.into(),
        deployment: deployment.into(),
        low_value: values[0].into(),
        high_value: values[1].into(),
        at_low: decimal(totals[0]),
        at_high: decimal(totals[1]),
        base: decimal(totals[2]),
    }
}

/// The summary described above. Tornado swings: Lambda's cold start 3.00
/// outswings its rate 2.60 (so it is drawn on top, against scenario
/// order); EC2's rate 1.10, its cold start 0.
pub fn summary() -> Summary {
    Summary {
        scenario: "api-2016".into(),
        replications: 50,
        horizon_s: HORIZON_S,
        budget: Some(decimal("12")),
        slo: Some("p99 ≤ 500 ms".into()),
        inputs: vec![
            input("generator.rate", ["80/s", "120/s", "97.98/s"], "lognormal"),
            input("Lambda.cold_start_ms", ["200 ms", "800 ms", "500 ms"], "uniform"),
        ],
        deployments: vec![lambda(), ec2()],
        tornado: vec![
            bar(
                "generator.rate",
                "Lambda",
                ["80/s", "120/s"],
                ["9.80", "12.40", "11.10"],
            ),
            bar(
                "generator.rate",
                "EC2",
                ["80/s", "120/s"],
                ["11.50", "12.60", "12.00"],
            ),
            bar(
                "Lambda.cold_start_ms",
                "Lambda",
                ["200 ms", "800 ms"],
                ["9.60", "12.60", "11.10"],
            ),
            bar(
                "Lambda.cold_start_ms",
                "EC2",
                ["200 ms", "800 ms"],
                ["12.00", "12.00", "12.00"],
            ),
        ],
    }
}

/// One replication: every spread a single value, no standard errors.
pub fn single_replication() -> Summary {
    let mut summary = summary();
    summary.replications = 1;
    for deployment in &mut summary.deployments {
        deployment.totals.truncate(1);
        let only = deployment.totals[0];
        deployment.total = Spread {
            mean: only,
            standard_deviation: Decimal::ZERO,
            mean_standard_error: Decimal::ZERO,
            quantiles: deployment
                .total
                .quantiles
                .iter()
                .map(|quantile| Quantile {
                    percent: quantile.percent,
                    value: only,
                    standard_error: Decimal::ZERO,
                })
                .collect(),
        };
        let end = crate::pricing::money::to_f64(only);
        deployment.fan = linear_fan([end; 5]);
    }
    summary
}

/// Every replication's total the same $5 for both deployments.
pub fn all_equal() -> Summary {
    let mut summary = single_replication();
    summary.replications = 50;
    for deployment in &mut summary.deployments {
        deployment.totals = vec![decimal("5"); 50];
        deployment.total.mean = decimal("5");
        for quantile in &mut deployment.total.quantiles {
            quantile.value = decimal("5");
        }
        deployment.fan = linear_fan([5.0; 5]);
    }
    summary
}

/// No budget, no SLO, no uncertain inputs (so no tornado).
pub fn bare() -> Summary {
    let mut summary = summary();
    summary.budget = None;
    summary.slo = None;
    summary.inputs.clear();
    summary.tornado.clear();
    for deployment in &mut summary.deployments {
        deployment.over_budget = None;
        deployment.meets_slo = None;
    }
    summary
}
