//! Exporters of a comparison (several deployments over one workload): the
//! summary table (terminal or Markdown) with the cheapest marked and the
//! others as ratios to it, the line items of each bill, a tidy CSV with one
//! row per deployment and fixed columns, the line items as a long CSV table,
//! and the JSON document of docs/JSON.md.

use serde::Serialize;

use super::csv_summary::{LINE_ITEM_COLUMNS, SUMMARY_CSV_COLUMNS, line_item_rows, summary_cells, write_csv};
use super::format::{decimal_quantity, dollars, fixed, quantity, unit_price};
use super::text_table::{Align, Dialect, TextTable};
use crate::compare::NamedResult;
use crate::error::{Error, Result};
use crate::pricing::Decimal;
use crate::pricing::money::to_f64;
use crate::simulation::SimulationResult;
use crate::verdict;

/// Dollars per million requests, to ten decimals (a quotient that does not
/// terminate would otherwise fill 28 digits).
pub fn cost_per_million(result: &SimulationResult) -> Decimal {
    if result.requests.total == 0 {
        Decimal::ZERO
    } else {
        (result.bill.total * Decimal::from(1_000_000) / Decimal::from(result.requests.total))
            .round_dp(10)
            .normalize()
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

/// The summary table, the line-item table and a sentence on the workload.
fn tables(results: &[NamedResult]) -> (TextTable, TextTable, String) {
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
    let first = results.first().map(|named| &named.result);
    let context = first.map_or(String::new(), |result| {
        format!(
            "{} requests from {} over {} days.",
            quantity(result.requests.total as f64 + result.requests_beyond_horizon as f64),
            result.start,
            fixed(result.horizon_s / 86_400.0, 2)
        )
    });
    (summary, items, context)
}

/// The summary and line-item tables.
pub fn render_tables(scenario: &str, results: &[NamedResult], dialect: Dialect) -> String {
    let (summary, items, context) = tables(results);
    let summary_text = summary.render(dialect) + &no_best_text(results);
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

/// The line under the summary when no deployment meets the SLO (or, without
/// one, every deployment is degraded); empty otherwise.
fn no_best_text(results: &[NamedResult]) -> String {
    if cheapest(results).is_some() || results.is_empty() {
        return String::new();
    }
    format!(
        "\n{}\n",
        verdict::no_best_note(results.iter().map(|named| &named.result))
    )
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

/// The terminal tables within `width` characters (none: any width), each
/// followed by a note naming the columns left out, if any.
pub fn render_terminal(scenario: &str, results: &[NamedResult], width: Option<usize>) -> String {
    let (summary, items, context) = tables(results);
    let fitted = |table: &TextTable| {
        let (text, dropped) = table.render_fitted(width);
        if dropped.is_empty() {
            text
        } else {
            format!("{text}{}\n", dropped_note(&dropped))
        }
    };
    format!(
        "{scenario}: {context}\n\n{}{}\nLine items\n{}{}",
        fitted(&summary),
        no_best_text(results),
        fitted(&items),
        warnings_text(results, Dialect::Terminal)
    )
}

/// What a narrowed table says under itself.
pub fn dropped_note(dropped: &[String]) -> String {
    format!(
        "({} not shown to fit the terminal: use --wide, or --format markdown, csv or json, for every column)",
        dropped.join(", ")
    )
}

/// The version of the comparison's JSON document (docs/JSON.md): raised
/// whenever a key is renamed or removed, or changes meaning.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// What a comparison ran, besides its results: for the JSON document.
#[derive(Debug, Clone, Serialize)]
pub struct ComparisonContext {
    /// The scenario's name.
    pub name: String,
    /// The scenario's seed (each deployment's own seed derives from it).
    pub seed: u64,
    /// Where the requests came from: `trace <path>` or `generator`.
    pub workload_source: String,
    /// What the command line changed, as typed (`--trace t.csv`,
    /// `--set Heroku.dynos=3`, …); empty for the scenario as written.
    pub overrides: Vec<String>,
}

/// The workload every deployment replayed.
#[derive(Debug, Clone, Serialize)]
struct WorkloadSummary<'a> {
    source: &'a str,
    start: &'a str,
    horizon_s: f64,
    /// Requests read, within the horizon or not.
    requests: u64,
    requests_beyond_horizon: u64,
    /// Requests within the horizon per second of horizon.
    mean_rate_per_s: f64,
}

#[derive(Debug, Serialize)]
struct ResultEntry<'a> {
    name: &'a str,
    /// This total over the cheapest's; null when the cheapest costs nothing.
    ratio_to_cheapest: Option<Decimal>,
    cost_per_million_requests: Decimal,
    #[serde(flatten)]
    result: &'a SimulationResult,
}

#[derive(Debug, Serialize)]
struct ComparisonDocument<'a> {
    format_version: u32,
    scenario: &'a ComparisonContext,
    workload: Option<WorkloadSummary<'a>>,
    /// The name of the cheapest deployment.
    cheapest: Option<&'a str>,
    results: Vec<ResultEntry<'a>>,
}

/// Each result's total over the cheapest's, to six decimals; none when the
/// cheapest costs nothing.
fn ratio_to_cheapest(results: &[NamedResult], index: usize) -> Option<Decimal> {
    let best = results[cheapest(results)?].result.bill.total;
    (best > Decimal::ZERO).then(|| (results[index].result.bill.total / best).round_dp(6).normalize())
}

/// The comparison as one JSON document (docs/JSON.md).
pub fn render_json(context: &ComparisonContext, results: &[NamedResult]) -> Result<Vec<u8>> {
    let workload = results.first().map(|named| {
        let result = &named.result;
        WorkloadSummary {
            source: &context.workload_source,
            start: &result.start,
            horizon_s: result.horizon_s,
            requests: result.requests.total + result.requests_beyond_horizon,
            requests_beyond_horizon: result.requests_beyond_horizon,
            mean_rate_per_s: if result.horizon_s > 0.0 {
                result.requests.total as f64 / result.horizon_s
            } else {
                0.0
            },
        }
    });
    let document = ComparisonDocument {
        format_version: JSON_FORMAT_VERSION,
        scenario: context,
        workload,
        cheapest: cheapest(results).map(|index| results[index].name.as_str()),
        results: results
            .iter()
            .enumerate()
            .map(|(index, named)| ResultEntry {
                name: &named.name,
                ratio_to_cheapest: ratio_to_cheapest(results, index),
                cost_per_million_requests: cost_per_million(&named.result),
                result: &named.result,
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&document)
        .map_err(|error| Error::usage(format!("cannot encode the comparison as JSON: {error}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// One row per deployment, with the columns of [`SUMMARY_CSV_COLUMNS`]
/// (never named after a bill's items: those are in [`render_line_items_csv`]).
pub fn render_csv(results: &[NamedResult]) -> Result<Vec<u8>> {
    let rows = results.iter().enumerate().map(|(index, named)| {
        let mut row = vec![
            named.name.clone(),
            ratio_to_cheapest(results, index).map_or(String::new(), |ratio| ratio.to_string()),
            cost_per_million(&named.result).to_string(),
        ];
        row.extend(summary_cells(&named.result));
        row
    });
    let header = ["name", "ratio_to_cheapest", "cost_per_million_requests"]
        .into_iter()
        .chain(SUMMARY_CSV_COLUMNS);
    write_csv(header, rows)
}

/// Every line item of every bill, one row each: the long table of
/// `line_items.csv`. Quantities, prices and amounts are exact.
pub fn render_line_items_csv(results: &[NamedResult]) -> Result<Vec<u8>> {
    let rows = results
        .iter()
        .flat_map(|named| line_item_rows(&named.name, &named.result));
    write_csv(LINE_ITEM_COLUMNS.into_iter(), rows)
}
