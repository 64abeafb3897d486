//! Turns a Monte Carlo's runs into its [`Summary`]: the replications'
//! spreads per deployment, shares of budget overruns, SLO passes and
//! cheapest finishes, the fan of cumulative cost, and the tornado's swings
//! from the one-at-a-time runs. A summary is computed from a whole run or
//! from merged shards alike, so both report the same numbers.

use super::outcome::{McOutcome, McRow, McRun, Role};
use super::statistics::{Sample, probability, quantile, spread};
use super::summary::{DeploymentSummary, Fan, InputSummary, Summary, TornadoBar};
use crate::pricing::Decimal;

/// The fan's bands, in percent.
const FAN_PERCENTS: [i64; 5] = [5, 25, 50, 75, 95];

/// The summary of `outcome`'s runs.
pub fn summarise(outcome: &McOutcome) -> Summary {
    let manifest = &outcome.manifest;
    let replications: Vec<&McRun> = outcome
        .runs
        .iter()
        .filter(|run| run.role == Role::Replication)
        .collect();
    let names: Vec<&str> = replications
        .first()
        .map(|run| run.rows.iter().map(|row| row.deployment.as_str()).collect())
        .unwrap_or_default();
    let cheapest = cheapest_counts(&replications, names.len());
    let deployments = names
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let rows: Vec<&McRow> = replications
                .iter()
                .filter_map(|run| run.rows.get(index))
                .collect();
            deployment_summary(
                name,
                &rows,
                manifest,
                cheapest[index],
                replications_horizon(&replications),
            )
        })
        .collect();
    Summary {
        scenario: manifest.scenario.clone(),
        replications: replications.len(),
        horizon_s: replications_horizon(&replications),
        budget: manifest.budget,
        slo: manifest.slo.clone(),
        inputs: manifest
            .inputs
            .iter()
            .map(|input| InputSummary {
                name: input.name.clone(),
                low: input.low.clone(),
                high: input.high.clone(),
                median: input.median.clone(),
                distribution: input.distribution.clone(),
            })
            .collect(),
        deployments,
        tornado: tornado(outcome),
    }
}

fn replications_horizon(replications: &[&McRun]) -> f64 {
    replications.first().map_or(0.0, |run| run.horizon_s)
}

/// How many replications each deployment was the cheapest in, among the
/// results that may be crowned (as `compare` crowns them: meeting the SLO,
/// or without one not degraded); ties go to the earlier deployment.
fn cheapest_counts(replications: &[&McRun], deployments: usize) -> Vec<usize> {
    let mut counts = vec![0; deployments];
    for run in replications {
        let lowest = run
            .rows
            .iter()
            .enumerate()
            .filter(|(_, row)| row.acceptable)
            .min_by(|(a, x), (b, y)| x.total.cmp(&y.total).then(a.cmp(b)));
        if let Some((index, _)) = lowest.filter(|(index, _)| *index < deployments) {
            counts[index] += 1;
        }
    }
    counts
}

fn deployment_summary(
    name: &str,
    rows: &[&McRow],
    manifest: &super::outcome::McManifest,
    cheapest: usize,
    horizon_s: f64,
) -> DeploymentSummary {
    let percents = &manifest.percents;
    let totals: Vec<Decimal> = rows.iter().map(|row| row.total).collect();
    let p99: Vec<f64> = rows.iter().map(|row| row.p99_ms).collect();
    let count = rows.len();
    DeploymentSummary {
        name: name.to_owned(),
        currency: rows.first().map(|row| row.currency.clone()).unwrap_or_default(),
        total: spread(&totals, percents),
        line_items: line_items(rows)
            .into_iter()
            .map(|(item, amounts)| (item, spread(&amounts, percents)))
            .collect(),
        p99_ms: spread(&p99, percents),
        over_budget: manifest
            .budget
            .map(|budget| probability(totals.iter().filter(|&&total| total > budget).count(), count)),
        meets_slo: manifest.slo.as_ref().map(|_| {
            probability(
                rows.iter().filter(|row| row.meets_slo == Some(true)).count(),
                count,
            )
        }),
        cheapest: probability(cheapest, count),
        fan: fan(rows, horizon_s),
        totals,
    }
}

/// Each line item's amount in every row, items in order of first
/// appearance (rows without an item count it as zero; an item billed in
/// several lines is their sum).
fn line_items(rows: &[&McRow]) -> Vec<(String, Vec<Decimal>)> {
    let mut items: Vec<(String, Vec<Decimal>)> = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        for line in &row.line_items {
            let position = match items.iter().position(|(item, _)| *item == line.item) {
                Some(position) => position,
                None => {
                    items.push((line.item.clone(), vec![Decimal::ZERO; rows.len()]));
                    items.len() - 1
                }
            };
            items[position].1[index] += line.amount;
        }
    }
    items
}

/// The bands of the rows' cumulative costs at each sampled time.
fn fan(rows: &[&McRow], horizon_s: f64) -> Fan {
    let steps = rows.iter().map(|row| row.cumulative.len()).min().unwrap_or(0);
    let mut bands: [Vec<f64>; 5] = Default::default();
    for step in 0..steps {
        let mut values: Vec<f64> = rows.iter().map(|row| row.cumulative[step]).collect();
        values.sort_by(f64::order);
        for (band, percent) in bands.iter_mut().zip(FAN_PERCENTS) {
            band.push(quantile(&values, Decimal::from(percent)));
        }
    }
    let last = steps.saturating_sub(1).max(1) as f64;
    let [p5, p25, p50, p75, p95] = bands;
    Fan {
        times_s: (0..steps).map(|step| horizon_s * step as f64 / last).collect(),
        p5,
        p25,
        p50,
        p75,
        p95,
    }
}

/// One bar per (input, deployment) when the base run and every input's
/// low and high runs are present.
fn tornado(outcome: &McOutcome) -> Vec<TornadoBar> {
    let find = |role: &Role| outcome.runs.iter().find(|run| run.role == *role);
    let Some(base) = find(&Role::Base) else {
        return Vec::new();
    };
    let mut bars = Vec::new();
    for input in &outcome.manifest.inputs {
        let (Some(low), Some(high)) = (
            find(&Role::Low(input.name.clone())),
            find(&Role::High(input.name.clone())),
        ) else {
            return Vec::new();
        };
        for ((at_base, at_low), at_high) in base.rows.iter().zip(&low.rows).zip(&high.rows) {
            bars.push(TornadoBar {
                input: input.name.clone(),
                deployment: at_base.deployment.clone(),
                low_value: input.low.clone(),
                high_value: input.high.clone(),
                at_low: at_low.total,
                at_high: at_high.total,
                base: at_base.total,
            });
        }
    }
    bars
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::montecarlo::outcome::{FAN_STEPS, InputEntry, ItemAmount, McManifest};

    fn row(deployment: &str, cents: i64, items: &[(&str, i64)], acceptable: bool) -> McRow {
        McRow {
            deployment: deployment.into(),
            currency: "USD".into(),
            total: Decimal::new(cents, 2),
            line_items: items
                .iter()
                .map(|(item, cents)| ItemAmount {
                    item: (*item).into(),
                    amount: Decimal::new(*cents, 2),
                })
                .collect(),
            requests: 100,
            p99_ms: cents as f64,
            meets_slo: Some(acceptable),
            acceptable,
            cumulative: (0..=FAN_STEPS)
                .map(|step| cents as f64 * step as f64 / FAN_STEPS as f64 / 100.0)
                .collect(),
        }
    }

    fn run(index: usize, role: Role, rows: Vec<McRow>) -> McRun {
        McRun {
            index,
            role,
            seed: index as u64,
            values: Vec::new(),
            horizon_s: 3600.0,
            rows,
        }
    }

    fn outcome() -> McOutcome {
        // Four replications of A and B: A $10, $20, $30, $40 (the last
        // misses the SLO); B $25 each. Then the tornado's base and the
        // input `x` at its ends.
        let replications = [(1000, true), (2000, true), (3000, true), (4000, false)];
        let mut runs: Vec<McRun> = replications
            .iter()
            .enumerate()
            .map(|(index, &(cents, acceptable))| {
                let items: &[(&str, i64)] = match index {
                    0 => &[("Requests", cents)],
                    _ => &[("Requests", cents - 100), ("Duration", 100)],
                };
                run(
                    index,
                    Role::Replication,
                    vec![row("A", cents, items, acceptable), row("B", 2500, &[], true)],
                )
            })
            .collect();
        for (index, role, cents) in [
            (4, Role::Base, 2000),
            (5, Role::Low("x".into()), 1000),
            (6, Role::High("x".into()), 3500),
        ] {
            runs.push(run(
                index,
                role,
                vec![row("A", cents, &[], true), row("B", 2500, &[], true)],
            ));
        }
        McOutcome {
            manifest: McManifest {
                costsim_version: "test".into(),
                scenario: "s".into(),
                scenario_hash: String::new(),
                seed: 1,
                replications: 4,
                run_count: 7,
                percents: [5, 50, 95].map(Decimal::from).to_vec(),
                budget: Some(Decimal::from(22)),
                slo: Some("p99 ≤ 1 s".into()),
                inputs: vec![InputEntry {
                    name: "x".into(),
                    low: "1".into(),
                    high: "2".into(),
                    median: "1.41421".into(),
                    distribution: "lognormal".into(),
                }],
                resample: None,
                horizon_s: Some(3600.0),
                books: Vec::new(),
                shard: None,
            },
            runs,
        }
    }

    #[test]
    fn shares_count_the_replications_and_crown_only_acceptable_results() {
        let summary = summarise(&outcome());
        let [a, b] = [&summary.deployments[0], &summary.deployments[1]];
        // A is cheapest at $10 and $20; at $30 B ($25) is; at $40 A misses
        // the SLO and B ($25) is crowned: A 2 of 4, B 2 of 4.
        assert_eq!((a.cheapest.value, b.cheapest.value), (0.5, 0.5));
        // Over $22: A's $30 and $40 (2 of 4), B's $25 every time.
        assert_eq!(a.over_budget.map(|share| share.value), Some(0.5));
        assert_eq!(b.over_budget.map(|share| share.value), Some(1.0));
        assert_eq!(a.meets_slo.map(|share| share.value), Some(0.75));
        // Mean of A: (10 + 20 + 30 + 40) / 4 = 25; P50 at h = 1.5: 25.
        assert_eq!(a.total.mean, Decimal::from(25));
        assert_eq!(a.total.quantiles[1].value, Decimal::from(25));
    }

    #[test]
    fn a_line_item_missing_from_a_bill_counts_as_zero() {
        let summary = summarise(&outcome());
        let items = &summary.deployments[0].line_items;
        let names: Vec<&str> = items.iter().map(|(item, _)| item.as_str()).collect();
        assert_eq!(names, ["Requests", "Duration"]);
        // Duration: 0, 1, 1, 1 → mean 0.75.
        assert_eq!(items[1].1.mean, Decimal::new(75, 2));
    }

    #[test]
    fn the_fan_and_the_tornado_come_from_their_runs() {
        let summary = summarise(&outcome());
        let fan = &summary.deployments[0].fan;
        assert_eq!(fan.times_s.len(), FAN_STEPS + 1);
        assert_eq!(fan.times_s[FAN_STEPS], 3600.0);
        // At the end the cumulative costs are the totals 10..40: P50 25.
        assert_eq!(fan.p50[FAN_STEPS], 25.0);
        let bar = &summary.tornado[0];
        assert_eq!((bar.input.as_str(), bar.deployment.as_str()), ("x", "A"));
        assert_eq!(
            (bar.at_low, bar.base, bar.at_high),
            (Decimal::from(10), Decimal::from(20), Decimal::from(35))
        );
        assert_eq!(summary.tornado.len(), 2);
    }
}
