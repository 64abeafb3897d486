//! The human-readable report of one result, as a terminal table or as
//! Markdown: what was simulated, what happened, and the bill line by line,
//! rounded to the cent.

use super::format::{decimal_quantity, dollars, fixed, quantity, unit_price};
use super::text_table::{Align, Dialect, TextTable};
use crate::simulation::SimulationResult;

pub fn render(result: &SimulationResult, dialect: Dialect) -> String {
    let heading = |text: &str| match dialect {
        Dialect::Terminal => format!("{text}\n"),
        Dialect::Markdown => format!("## {text}\n\n"),
    };
    let gap = "\n";
    let mut out = opening(result, dialect);
    out.push_str(gap);
    out.push_str(&heading("Behaviour"));
    out.push_str(&behaviour(result).render(dialect));
    out.push_str(gap);
    let bill = &result.bill;
    out.push_str(&heading(&format!("Bill ({})", bill.currency)));
    out.push_str(&bill_table(result).render(dialect));
    if !bill.notes.is_empty() {
        out.push('\n');
    }
    for note in &bill.notes {
        out.push_str(&format!("Note: {note}\n"));
    }
    if !result.warnings.is_empty() {
        out.push_str(gap);
        out.push_str(&heading("Warnings"));
        for warning in &result.warnings {
            out.push_str(&format!("- {warning}\n"));
        }
    }
    out
}

/// The title, the prices and span, requests past the horizon, the verdict.
fn opening(result: &SimulationResult, dialect: Dialect) -> String {
    let mut out = match dialect {
        Dialect::Terminal => format!("{} — {}\n", result.platform, result.deployment),
        Dialect::Markdown => format!("# {} — {}\n\n", result.platform, result.deployment),
    };
    let book = &result.price_book;
    out.push_str(&format!(
        "Prices: {} (rates effective since {}). Start {}, horizon {} s ({} days).\n",
        book.title,
        book.effective_date,
        result.start,
        fixed(result.horizon_s, 3),
        fixed(result.horizon_s / 86_400.0, 2)
    ));
    if result.requests_beyond_horizon > 0 {
        out.push_str(&format!(
            "{} requests arrived after the horizon and were not simulated.\n",
            quantity(result.requests_beyond_horizon as f64)
        ));
    }
    out.push_str(&format!("Verdict: {}.\n", result.verdict.summary));
    out
}

/// What happened: requests, latency, instances.
fn behaviour(result: &SimulationResult) -> TextTable {
    let requests = &result.requests;
    let latency = &result.latency_ms;
    let instances = &result.instances;
    let mut table = TextTable::new(&[("Measure", Align::Left), ("Value", Align::Right)]);
    for (name, value) in [
        ("Requests", quantity(requests.total as f64)),
        ("Served", quantity(requests.served as f64)),
        ("Cold starts", quantity(requests.cold_starts as f64)),
        ("Throttled", quantity(requests.throttled as f64)),
        ("Timed out", quantity(requests.timed_out as f64)),
        ("Latency mean (ms)", fixed(latency.mean, 1)),
        ("Latency p50 (ms)", fixed(latency.p50, 1)),
        ("Latency p95 (ms)", fixed(latency.p95, 1)),
        ("Latency p99 (ms)", fixed(latency.p99, 1)),
        ("Latency max (ms)", fixed(latency.max, 1)),
        ("Instances, peak", quantity(instances.peak as f64)),
        ("Instances, mean", fixed(instances.mean, 3)),
        ("Instance-seconds", quantity(instances.instance_seconds)),
        ("Busy seconds", quantity(instances.busy_seconds)),
    ] {
        table.row(vec![name.to_owned(), value]);
    }
    if let Some(warm) = instances.warm_unbilled_seconds {
        table.row(vec!["Warm, unbilled seconds".into(), quantity(warm)]);
    }
    if requests.timed_out > 0 {
        let served = &result.served_latency_ms;
        table.row(vec!["Served latency p99 (ms)".into(), fixed(served.p99, 1)]);
        table.row(vec!["Served latency max (ms)".into(), fixed(served.max, 1)]);
    }
    table
}

/// The bill line by line, its total and its idle capacity.
fn bill_table(result: &SimulationResult) -> TextTable {
    let bill = &result.bill;
    let mut table = TextTable::new(&[
        ("Line item", Align::Left),
        ("Free", Align::Right),
        ("Quantity", Align::Right),
        ("Unit", Align::Left),
        ("Unit price", Align::Right),
        ("Amount", Align::Right),
    ]);
    for item in &bill.line_items {
        table.row(vec![
            item.item.clone(),
            decimal_quantity(item.free_quantity),
            decimal_quantity(item.quantity),
            item.unit.clone(),
            unit_price(item.unit_price),
            dollars(item.amount),
        ]);
    }
    let blank = String::new;
    table.row(vec![
        "Total".into(),
        blank(),
        blank(),
        blank(),
        blank(),
        dollars(bill.total),
    ]);
    table.row(vec![
        "Idle (paid, unused)".into(),
        blank(),
        quantity(bill.idle.seconds),
        "s".into(),
        blank(),
        dollars(bill.idle.amount),
    ]);
    table
}
