//! Exporters of a comparison (several deployments over one workload): the
//! summary table (terminal or Markdown) with the cheapest marked and the
//! others as ratios to it, the line items of each bill, a tidy CSV with one
//! row per deployment, and the JSON array of results.

use super::csv_summary::{slug, warm_unbilled};
use super::format::{decimal_quantity, dollars, fixed, quantity, unit_price};
use super::text_table::{Align, Dialect, TextTable};
use crate::compare::NamedResult;
use crate::error::{Error, Result};
use crate::pricing::Decimal;
use crate::pricing::money::to_f64;
use crate::simulation::SimulationResult;
use crate::verdict;

/// Dollars per million requests.
pub fn cost_per_million(result: &SimulationResult) -> Decimal {
    if result.requests.total == 0 {
        Decimal::ZERO
    } else {
        (result.bill.total * Decimal::from(1_000_000) / Decimal::from(result.requests.total)).normalize()
    }
}

/// Requests that did not get a good answer.
pub fn failed(result: &SimulationResult) -> u64 {
    result.requests.throttled + result.requests.timed_out + result.requests.interrupted
}

/// The index of the cheapest result that meets the SLO, or without one
/// is not degraded (the first on a tie): [`verdict::best`].
pub fn cheapest(results: &[NamedResult]) -> Option<usize> {
    verdict::best(results.iter().map(|named| &named.result))
}

fn ratio(results: &[NamedResult], index: usize) -> String {
    match cheapest(results) {
        Some(best) if best == index => "cheapest".into(),
        Some(best) if results[best].result.bill.total > Decimal::ZERO => {
            format!(
                "{:.2}x",
                to_f64(results[index].result.bill.total) / to_f64(results[best].result.bill.total)
            )
        }
        _ => "-".into(),
    }
}

/// The summary and line-item tables.
/// The columns of the summary table.
pub const SUMMARY_COLUMNS: [(&str, Align); 12] = [
    ("Deployment", Align::Left),
    ("Total", Align::Right),
    ("vs cheapest", Align::Right),
    ("Verdict", Align::Left),
    ("$/M requests", Align::Right),
    ("Idle s (paid, unused)", Align::Right),
    ("Idle $", Align::Right),
    ("Cold starts", Align::Right),
    ("Failed", Align::Right),
    ("p50 ms", Align::Right),
    ("p95 ms", Align::Right),
    ("p99 ms", Align::Right),
];

/// The summary table's cells, one row per deployment, for every dialect
/// and the HTML report.
pub fn summary_rows(results: &[NamedResult]) -> Vec<Vec<String>> {
    results
        .iter()
        .enumerate()
        .map(|(index, named)| {
            let result = &named.result;
            vec![
                named.name.clone(),
                dollars(result.bill.total),
                ratio(results, index),
                result.verdict.short(),
                dollars(cost_per_million(result)),
                quantity(result.bill.idle.seconds.round()),
                dollars(result.bill.idle.amount),
                quantity(result.requests.cold_starts as f64),
                quantity(failed(result) as f64),
                fixed(result.latency_ms.p50, 1),
                fixed(result.latency_ms.p95, 1),
                fixed(result.latency_ms.p99, 1),
            ]
        })
        .collect()
}

/// The summary and line-item tables.
pub fn render_tables(scenario: &str, results: &[NamedResult], dialect: Dialect) -> String {
    let mut summary = TextTable::new(&SUMMARY_COLUMNS);
    for row in summary_rows(results) {
        summary.row(row);
    }
    let mut items = TextTable::new(&[
        ("Deployment", Align::Left),
        ("Line item", Align::Left),
        ("Quantity", Align::Right),
        ("Unit", Align::Left),
        ("Unit price", Align::Right),
        ("Amount", Align::Right),
    ]);
    for named in results {
        for item in &named.result.bill.line_items {
            items.row(vec![
                named.name.clone(),
                item.item.clone(),
                decimal_quantity(item.quantity),
                item.unit.clone(),
                unit_price(item.unit_price),
                dollars(item.amount),
            ]);
        }
    }
    let mut summary_text = summary.render(dialect);
    if cheapest(results).is_none() && !results.is_empty() {
        summary_text.push_str(&format!(
            "\n{}\n",
            verdict::no_best_note(results.iter().map(|named| &named.result))
        ));
    }
    let first = results.first().map(|named| &named.result);
    let context = first.map_or(String::new(), |result| {
        format!(
            "{} requests from {} over {} days.",
            quantity(result.requests.total as f64 + result.requests_beyond_horizon as f64),
            result.start,
            fixed(result.horizon_s / 86_400.0, 2)
        )
    });
    let warnings = warnings_text(results, dialect);
    match dialect {
        Dialect::Terminal => format!(
            "{scenario}: {context}\n\n{summary_text}\nLine items\n{}{warnings}",
            items.render(dialect)
        ),
        Dialect::Markdown => format!(
            "# {scenario}\n\n{context}\n\n## Summary\n\n{summary_text}\n## Line items\n\n{}{warnings}",
            items.render(dialect)
        ),
    }
}

/// The results' warnings as a list after the tables, each once.
fn warnings_text(results: &[NamedResult], dialect: Dialect) -> String {
    let named: Vec<(&str, &[String])> = results
        .iter()
        .map(|named| (named.name.as_str(), named.result.warnings.as_slice()))
        .collect();
    let lines = verdict::shared_warnings(&named);
    if lines.is_empty() {
        return String::new();
    }
    let heading = match dialect {
        Dialect::Terminal => "\nWarnings\n",
        Dialect::Markdown => "\n## Warnings\n\n",
    };
    let list: String = lines.iter().map(|line| format!("- {line}\n")).collect();
    format!("{heading}{list}")
}

/// One row per deployment; `cost_<item>` columns for every line item any
/// bill has, in order of first appearance (empty where a bill lacks it).
pub fn render_csv(results: &[NamedResult]) -> Result<Vec<u8>> {
    let mut item_columns: Vec<String> = Vec::new();
    for named in results {
        for item in &named.result.bill.line_items {
            let column = format!("cost_{}", slug(&item.item));
            if !item_columns.contains(&column) {
                item_columns.push(column);
            }
        }
    }
    let fixed_columns = [
        "name",
        "platform",
        "deployment",
        "total",
        "ratio_to_cheapest",
        "verdict",
        "cost_per_million_requests",
        "requests_total",
        "requests_served",
        "cold_starts",
        "throttled",
        "timed_out",
        "interrupted",
        "latency_ms_mean",
        "latency_ms_p50",
        "latency_ms_p95",
        "latency_ms_p99",
        "queue_ms_mean",
        "instances_peak",
        "instances_mean",
        "instance_seconds",
        "idle_paid_seconds",
        "idle_amount",
        "warm_unbilled_seconds",
    ];
    let encode = |error: csv::Error| Error::usage(format!("cannot encode the comparison as CSV: {error}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = fixed_columns
        .iter()
        .copied()
        .chain(item_columns.iter().map(String::as_str))
        .collect();
    writer.write_record(&header).map_err(encode)?;
    let best = cheapest(results).map(|index| results[index].result.bill.total);
    for named in results {
        let result = &named.result;
        let mut row = vec![
            named.name.clone(),
            result.platform.clone(),
            result.deployment.clone(),
            result.bill.total.to_string(),
            best.filter(|best| *best > Decimal::ZERO)
                .map_or(String::new(), |best| (result.bill.total / best).to_string()),
            result.verdict.status.name().to_owned(),
            cost_per_million(result).to_string(),
            result.requests.total.to_string(),
            result.requests.served.to_string(),
            result.requests.cold_starts.to_string(),
            result.requests.throttled.to_string(),
            result.requests.timed_out.to_string(),
            result.requests.interrupted.to_string(),
            result.latency_ms.mean.to_string(),
            result.latency_ms.p50.to_string(),
            result.latency_ms.p95.to_string(),
            result.latency_ms.p99.to_string(),
            result.queue_ms.mean.to_string(),
            result.instances.peak.to_string(),
            result.instances.mean.to_string(),
            result.instances.instance_seconds.to_string(),
            result.bill.idle.seconds.to_string(),
            result.bill.idle.amount.to_string(),
            warm_unbilled(result),
        ];
        for column in &item_columns {
            let amount = result
                .bill
                .line_items
                .iter()
                .find(|item| &format!("cost_{}", slug(&item.item)) == column)
                .map_or(String::new(), |item| item.amount.to_string());
            row.push(amount);
        }
        writer.write_record(&row).map_err(encode)?;
    }
    writer
        .into_inner()
        .map_err(|error| Error::usage(format!("cannot encode the comparison as CSV: {error}")))
}

/// The JSON array of per-deployment results (the keys of `simulate` plus
/// `name`).
pub fn render_json(results: &[NamedResult]) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(results)
        .map_err(|error| Error::usage(format!("cannot encode the comparison as JSON: {error}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}
