//! A Monte Carlo run on the terminal (and in Markdown): a sentence per
//! deployment with its median and 90% range, a table per deployment of the
//! total's, each line item's and p99's spread (each quantile with its
//! standard error), the budget, SLO and cheapest shares, and the inputs
//! that move each total most.

use std::fmt::Write;

use super::{percent, period, probability, quantile_at};
use crate::montecarlo::summary::{DeploymentSummary, Quantile, Spread, Summary, TornadoBar};
use crate::pricing::Decimal;
use crate::report::{Align, Dialect, TextTable, dollars};

/// Most inputs named per deployment under "moved most by".
const TORNADO_SHOWN: usize = 3;

/// The whole text.
pub fn render(summary: &Summary, dialect: Dialect) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "{}", headline(summary));
    if let Some(slo) = &summary.slo {
        let _ = writeln!(text, "SLO: {slo}");
    }
    for input in &summary.inputs {
        let _ = writeln!(
            text,
            "  uncertain {}: 90% in {}..{} ({}, median {})",
            input.name, input.low, input.high, input.distribution, input.median
        );
    }
    for deployment in &summary.deployments {
        let _ = writeln!(text, "\n{}", deployment_sentence(summary, deployment));
        text.push_str(&spread_table(deployment).render(dialect));
        for line in shares(summary, deployment) {
            let _ = writeln!(text, "  {line}");
        }
        if let Some(line) = moved_most(&summary.tornado, &deployment.name) {
            let _ = writeln!(text, "  {line}");
        }
    }
    text
}

fn headline(summary: &Summary) -> String {
    let budget = summary
        .budget
        .map(|budget| format!(", budget {}", dollars(budget)))
        .unwrap_or_default();
    format!(
        "Monte Carlo of {}: {} replications of {}{budget}",
        summary.scenario,
        summary.replications,
        period(summary.horizon_s)
    )
}

/// `Lambda: $10.69 at the median, 90% between $9.80 and $11.70; cheapest in 87%.`
pub fn deployment_sentence(summary: &Summary, deployment: &DeploymentSummary) -> String {
    let total = &deployment.total;
    let median = quantile_at(total, 50).map(|quantile| dollars(quantile.value));
    let range = quantile_at(total, 5).zip(quantile_at(total, 95));
    let mut sentence = format!("{}: ", deployment.name);
    match (median, range) {
        (Some(median), Some((low, high))) => {
            let _ = write!(
                sentence,
                "{median} at the median, 90% between {} and {}",
                dollars(low.value),
                dollars(high.value)
            );
        }
        _ => {
            let _ = write!(sentence, "{} on average", dollars(total.mean));
        }
    }
    let _ = write!(
        sentence,
        "; cheapest in {} of {} replications",
        percent(deployment.cheapest.value),
        summary.replications
    );
    sentence
}

fn spread_table(deployment: &DeploymentSummary) -> TextTable {
    let mut columns: Vec<(String, Align)> = vec![("".into(), Align::Left), ("mean".into(), Align::Right)];
    columns.extend(
        deployment
            .total
            .quantiles
            .iter()
            .map(|quantile| (format!("P{}", quantile.percent.normalize()), Align::Right)),
    );
    let headers: Vec<(&str, Align)> = columns
        .iter()
        .map(|(name, align)| (name.as_str(), *align))
        .collect();
    let mut table = TextTable::new(&headers);
    table.row(money_row("total", &deployment.total));
    for (item, spread) in &deployment.line_items {
        table.row(money_row(&format!("  {item}"), spread));
    }
    let mut p99 = vec![
        "p99 latency".to_owned(),
        format!("{} ms", trimmed(deployment.p99_ms.mean)),
    ];
    p99.extend(deployment.p99_ms.quantiles.iter().map(|quantile| {
        format!(
            "{} ± {} ms",
            trimmed(quantile.value),
            trimmed(quantile.standard_error)
        )
    }));
    table.row(p99);
    table
}

fn money_row(label: &str, spread: &Spread<Decimal>) -> Vec<String> {
    let mut row = vec![
        label.to_owned(),
        format!(
            "{} ± {}",
            dollars(spread.mean),
            error_amount(spread.mean_standard_error)
        ),
    ];
    row.extend(spread.quantiles.iter().map(money_quantile));
    row
}

fn money_quantile(quantile: &Quantile<Decimal>) -> String {
    format!(
        "{} ± {}",
        dollars(quantile.value),
        error_amount(quantile.standard_error)
    )
}

/// A standard error in money: to the cent, `<$0.01` below half a cent
/// (rounding it to $0.00 would claim an exactness the sample lacks), `0`
/// when the sample does not vary.
fn error_amount(amount: Decimal) -> String {
    match amount {
        zero if zero.is_zero() => "0".into(),
        small if small < Decimal::new(5, 3) => "<$0.01".into(),
        _ => dollars(amount),
    }
}

/// The budget, SLO and cheapest shares in words.
fn shares(summary: &Summary, deployment: &DeploymentSummary) -> Vec<String> {
    let mut lines = Vec::new();
    if let (Some(budget), Some(over)) = (summary.budget, deployment.over_budget) {
        lines.push(format!("P(total > {}) = {}", dollars(budget), probability(over)));
    }
    if let Some(meets) = deployment.meets_slo {
        lines.push(format!("P(meets the SLO) = {}", probability(meets)));
    }
    lines.push(format!("P(cheapest) = {}", probability(deployment.cheapest)));
    lines
}

/// The inputs that move `deployment`'s total most, largest swing first
/// (none when it has no bars; said so when no input moves it).
pub fn moved_most(tornado: &[TornadoBar], deployment: &str) -> Option<String> {
    let mut bars: Vec<&TornadoBar> = tornado
        .iter()
        .filter(|bar| bar.deployment == deployment)
        .collect();
    if bars.is_empty() {
        return None;
    }
    bars.retain(|bar| !bar.swing().is_zero());
    if bars.is_empty() {
        return Some("no uncertain input moves its total".into());
    }
    bars.sort_by_key(|bar| std::cmp::Reverse(bar.swing()));
    let named: Vec<String> = bars
        .iter()
        .take(TORNADO_SHOWN)
        .map(|bar| {
            format!(
                "{} ({} at {}, {} at {})",
                bar.input,
                dollars(bar.at_low),
                bar.low_value,
                dollars(bar.at_high),
                bar.high_value
            )
        })
        .collect();
    Some(format!("moved most by: {}", named.join("; ")))
}

/// A number with at most one decimal place, without a trailing `.0`.
fn trimmed(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}
