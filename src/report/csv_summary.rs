//! CSV for analysts, in two tables whose headers never change: the summary
//! ([`SUMMARY_CSV_COLUMNS`], one row per result) and the line items
//! ([`LINE_ITEM_COLUMNS`], one row per item of a bill, the long table of
//! `line_items.csv`). No column is named after an instance type or an item,
//! so files of different scenarios stack. Amounts are unrounded.

use crate::error::{Error, Result};
use crate::simulation::SimulationResult;

/// The summary's columns, in order, for `simulate` and (after `name`,
/// `ratio_to_cheapest` and `cost_per_million_requests`) for `compare`.
pub const SUMMARY_CSV_COLUMNS: [&str; 27] = [
    "platform",
    "deployment",
    "start",
    "horizon_s",
    "seed",
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
    "latency_ms_max",
    "queue_ms_mean",
    "instances_peak",
    "instances_mean",
    "instance_seconds",
    "busy_seconds",
    "idle_paid_seconds",
    "idle_amount",
    "warm_unbilled_seconds",
    "currency",
    "total",
    "verdict",
];

/// The line-item table's columns.
pub const LINE_ITEM_COLUMNS: [&str; 6] = ["deployment", "item", "quantity", "unit", "unit_price", "amount"];

/// The `warm_unbilled_seconds` cell: empty for platforms that bill every
/// second an instance lives.
fn warm_unbilled(result: &SimulationResult) -> String {
    result
        .instances
        .warm_unbilled_seconds
        .map_or(String::new(), |seconds| seconds.to_string())
}

/// The cells of [`SUMMARY_CSV_COLUMNS`] for `result`.
pub(super) fn summary_cells(result: &SimulationResult) -> Vec<String> {
    let requests = &result.requests;
    let latency = &result.latency_ms;
    let instances = &result.instances;
    vec![
        result.platform.clone(),
        result.deployment.clone(),
        result.start.clone(),
        result.horizon_s.to_string(),
        result.seed.to_string(),
        requests.total.to_string(),
        requests.served.to_string(),
        requests.cold_starts.to_string(),
        requests.throttled.to_string(),
        requests.timed_out.to_string(),
        requests.interrupted.to_string(),
        latency.mean.to_string(),
        latency.p50.to_string(),
        latency.p95.to_string(),
        latency.p99.to_string(),
        latency.max.to_string(),
        result.queue_ms.mean.to_string(),
        instances.peak.to_string(),
        instances.mean.to_string(),
        instances.instance_seconds.to_string(),
        instances.busy_seconds.to_string(),
        result.bill.idle.seconds.to_string(),
        result.bill.idle.amount.to_string(),
        warm_unbilled(result),
        result.bill.currency.clone(),
        result.bill.total.to_string(),
        result.verdict.status.name().to_owned(),
    ]
}

/// The rows of [`LINE_ITEM_COLUMNS`] for `result`'s bill, under `deployment`.
pub(super) fn line_item_rows<'a>(
    deployment: &'a str,
    result: &'a SimulationResult,
) -> impl Iterator<Item = Vec<String>> + 'a {
    result.bill.line_items.iter().map(move |item| {
        vec![
            deployment.to_owned(),
            item.item.clone(),
            item.quantity.to_string(),
            item.unit.clone(),
            item.unit_price.to_string(),
            item.amount.to_string(),
        ]
    })
}

/// A CSV table of `header` and `rows`.
pub(super) fn write_csv<'a>(
    header: impl Iterator<Item = &'a str>,
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Vec<u8>> {
    let encode = |error: csv::Error| Error::usage(format!("cannot encode as CSV: {error}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(encode)?;
    for row in rows {
        writer.write_record(&row).map_err(encode)?;
    }
    writer
        .into_inner()
        .map_err(|error| Error::usage(format!("cannot encode as CSV: {error}")))
}

/// One result's summary row under [`SUMMARY_CSV_COLUMNS`].
pub fn render(result: &SimulationResult) -> Result<Vec<u8>> {
    write_csv(
        SUMMARY_CSV_COLUMNS.into_iter(),
        std::iter::once(summary_cells(result)),
    )
}

/// One result's line items under [`LINE_ITEM_COLUMNS`], the deployment
/// column holding its description.
pub fn render_line_items(result: &SimulationResult) -> Result<Vec<u8>> {
    write_csv(
        LINE_ITEM_COLUMNS.into_iter(),
        line_item_rows(&result.deployment, result),
    )
}
