//! The HTML report of a comparison: one self-contained page (charts inline
//! as SVG, no scripts, no network access) that reads on a desktop and on a
//! phone: the conclusion in words, the workload, the summary table, the
//! line items, the charts and the assumptions behind the numbers: price
//! books with their effective dates and sources (links), and every
//! deployment's settings.

use super::charts::Chart;
use super::comparison::{SUMMARY_COLUMNS, cheapest, summary_rows};
use super::conclusion::conclude;
use super::format::{decimal_quantity, dollars, fixed, quantity, unit_price};
use super::workload::Workload;
use crate::compare::NamedResult;
use crate::pricing::Source;
use crate::verdict;

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub(super) fn row(cells: &[String], header: bool) -> String {
    let tag = if header { "th" } else { "td" };
    let cells: String = cells
        .iter()
        .map(|cell| format!("<{tag}>{}</{tag}>", escape(cell)))
        .collect();
    format!("<tr>{cells}</tr>\n")
}

pub(super) const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:1.5rem auto;padding:0 1rem;max-width:1000px;color:#222;line-height:1.45;overflow-wrap:break-word}\
.wide{overflow-x:auto;max-width:100%}a{overflow-wrap:anywhere}dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.facts dt{font-weight:600}dl.facts dd{margin:0}\
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}\
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}tr.cheapest td{background:#eef8ee;font-weight:600}\
figure{margin:1.5rem 0}svg{max-width:100%;height:auto}\
code{background:#f5f5f5;padding:0 .2rem;overflow-wrap:anywhere}.note{color:#555;font-size:.9rem}\
#line-items td:nth-child(2),#line-items th:nth-child(2),#line-items td:nth-child(5),#line-items th:nth-child(5){text-align:left}";

/// A chart as a figure: the SVG inline, which draws its title and names
/// itself with `role="img"`, an `aria-label`, a `<title>` and a `<desc>`.
fn figure(chart: &Chart) -> String {
    format!(
        "<figure id=\"chart-{}\">\n{}\n</figure>\n",
        chart.name,
        chart.svg.trim()
    )
}

/// A price book source as a list item: the note, the link, the archived
/// copy and the day it was read.
fn source_item(source: &Source) -> String {
    let link = |url: &str, text: &str| format!("<a href=\"{}\">{}</a>", escape(url), escape(text));
    let mut item = escape(&source.note);
    if let Some(url) = &source.url {
        item.push_str(&format!(" ({}", link(url, url)));
        if let Some(archived) = &source.archived {
            item.push_str(&format!("; {}", link(archived, "archived copy")));
        }
        if let Some(accessed) = &source.accessed {
            item.push_str(&format!("; read {}", escape(accessed)));
        }
        item.push(')');
    }
    format!("<li>{item}</li>")
}

fn conclusion_section(results: &[NamedResult], workload: &Workload) -> String {
    let conclusion = conclude(results);
    let mut caveats = conclusion.caveats;
    let horizon = results
        .iter()
        .map(|named| named.result.horizon_s)
        .fold(0.0, f64::max);
    if workload.span_s > 0.0 && workload.span_s < horizon * 0.95 {
        caveats.insert(
            0,
            format!(
                "The workload spans {} days but the bills cover {} days: what lies beyond the workload is billed as idle, not as more traffic.",
                fixed(workload.span_s / 86_400.0, 2),
                fixed(horizon / 86_400.0, 2)
            ),
        );
    }
    let mut html = String::from("<h2>Conclusion</h2>\n<ul id=\"conclusion\">\n");
    for finding in &conclusion.findings {
        html.push_str(&format!("<li>{}</li>\n", escape(finding)));
    }
    html.push_str("</ul>\n");
    if !caveats.is_empty() {
        html.push_str("<p>Caveats:</p>\n<ul id=\"caveats\">\n");
        for caveat in &caveats {
            html.push_str(&format!("<li class=\"note\">{}</li>\n", escape(caveat)));
        }
        html.push_str("</ul>\n");
    }
    html
}

fn workload_section(workload: &Workload, requests_chart: Option<&Chart>) -> String {
    let mut facts = vec![
        ("Source", workload.source.clone()),
        (
            "Span",
            format!(
                "{} days ({} hours)",
                fixed(workload.span_s / 86_400.0, 2),
                fixed(workload.span_s / 3_600.0, 1)
            ),
        ),
        (
            "Requests",
            format!(
                "{} in all, {} a day",
                quantity(workload.requests as f64),
                quantity(workload.per_day().round())
            ),
        ),
        (
            "Rate",
            format!(
                "mean {}/s ({} a minute); busiest minute {}/s",
                fixed(workload.mean_per_s, 2),
                quantity((workload.mean_per_s * 60.0).round()),
                fixed(workload.peak_minute_per_s, 2),
            ),
        ),
    ];
    if let Some(duration) = &workload.duration_ms {
        facts.push((
            "Durations",
            format!(
                "mean {} ms; p50 {} ms, p95 {} ms, p99 {} ms; longest {} ms",
                fixed(duration.mean, 1),
                fixed(duration.p50, 1),
                fixed(duration.p95, 1),
                fixed(duration.p99, 1),
                fixed(duration.max, 1)
            ),
        ));
    }
    let mut html = String::from("<h2>Workload</h2>\n<dl class=\"facts\" id=\"workload\">\n");
    for (term, value) in facts {
        html.push_str(&format!("<dt>{term}</dt><dd>{}</dd>\n", escape(&value)));
    }
    html.push_str("</dl>\n");
    if let Some(chart) = requests_chart {
        html.push_str(&figure(chart));
    }
    html
}

/// The page.
pub fn render(scenario: &str, results: &[NamedResult], charts: &[Chart], workload: &Workload) -> String {
    let mut page = String::new();
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.push_str(&format!(
        "<title>costsim: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(scenario)
    ));
    page.push_str(&format!("<h1>{}</h1>\n", escape(scenario)));
    page.push_str(&opening(results));
    page.push_str(&conclusion_section(results, workload));
    let requests_chart = charts.iter().find(|chart| chart.name == "requests-per-minute");
    page.push_str(&workload_section(workload, requests_chart));
    page.push_str(&summary_section(results));
    page.push_str(&line_items_section(results));
    page.push_str("<h2>Charts</h2>\n");
    for chart in charts.iter().filter(|chart| chart.name != "requests-per-minute") {
        page.push_str(&figure(chart));
    }
    page.push_str("<h2>Assumptions</h2>\n");
    for named in results {
        page.push_str(&assumptions(named));
    }
    page.push_str("<p class=\"note\">Made by costsim. Sources are tagged [V] (verified on the vendor's page), [S] (from a secondary source) or [R] (an assumption not confirmed by the vendor); see each book with <code>costsim pricing show ID</code>.</p>\n</body>\n</html>\n");
    page
}

/// The sentence under the title: requests, start, span, deployments, currency.
fn opening(results: &[NamedResult]) -> String {
    let Some(first) = results.first() else {
        return String::new();
    };
    let result = &first.result;
    format!(
        "<p>{} requests from {} over {} days, replayed on {} deployments. Amounts are what each vendor would bill, in {}.</p>\n",
        quantity(result.requests.total as f64 + result.requests_beyond_horizon as f64),
        escape(&result.start),
        fixed(result.horizon_s / 86_400.0, 2),
        results.len(),
        escape(&result.bill.currency)
    )
}

/// The summary table, the cheapest row highlighted, and the no-winner line.
fn summary_section(results: &[NamedResult]) -> String {
    let mut html = String::from("<h2>Summary</h2>\n<div class=\"wide\"><table id=\"summary\">\n");
    html.push_str(&row(&SUMMARY_COLUMNS.map(|(name, _)| name.to_owned()), true));
    let best = cheapest(results);
    for (index, cells) in summary_rows(results).iter().enumerate() {
        let line = row(cells, false);
        if Some(index) == best {
            html.push_str(&line.replacen("<tr>", "<tr class=\"cheapest\">", 1));
        } else {
            html.push_str(&line);
        }
    }
    html.push_str("</table></div>\n");
    html.push_str(&verdict_notes(results));
    html
}

/// Every line item of every bill.
fn line_items_section(results: &[NamedResult]) -> String {
    let mut html = String::from("<h2>Line items</h2>\n<div class=\"wide\"><table id=\"line-items\">\n");
    let header = [
        "Deployment",
        "Line item",
        "Free",
        "Quantity",
        "Unit",
        "Unit price",
        "Amount",
    ];
    html.push_str(&row(&header.map(String::from), true));
    for named in results {
        for item in &named.result.bill.line_items {
            html.push_str(&row(
                &[
                    named.name.clone(),
                    item.item.clone(),
                    decimal_quantity(item.free_quantity),
                    decimal_quantity(item.quantity),
                    item.unit.clone(),
                    unit_price(item.unit_price),
                    dollars(item.amount),
                ],
                false,
            ));
        }
    }
    html.push_str("</table></div>\n");
    html
}

/// One deployment's assumptions: its books with their sources, every
/// setting, the seed and the bill's notes.
fn assumptions(named: &NamedResult) -> String {
    let result = &named.result;
    let mut html = format!("<h3>{}</h3>\n<ul>\n", escape(&named.name));
    for book in std::iter::once(&result.price_book).chain(result.services.iter()) {
        html.push_str(&format!(
            "<li>Price book <code>{}</code>: {} (effective {}). Sources:<ul>{}</ul></li>\n",
            escape(&book.id),
            escape(&book.title),
            escape(&book.effective_date),
            book.sources.iter().map(source_item).collect::<String>()
        ));
    }
    let listed: String = result
        .settings
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(key, value)| format!("<code>{}</code> = {}", escape(key), escape(&value.to_string())))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    html.push_str(&format!(
        "<li>Settings: {listed}.</li>\n<li>Seed {}.</li>\n",
        result.seed
    ));
    for note in &result.bill.notes {
        html.push_str(&format!("<li class=\"note\">{}</li>\n", escape(note)));
    }
    html.push_str("</ul>\n");
    html
}

/// Under the summary: that no deployment meets the SLO when none does (the
/// results' warnings are among the conclusion's caveats).
fn verdict_notes(results: &[NamedResult]) -> String {
    if results.is_empty() || cheapest(results).is_some() {
        return String::new();
    }
    let note = verdict::no_best_note(results.iter().map(|named| &named.result));
    format!("<p class=\"no-best\">{}</p>\n", escape(&note))
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("<b>\"A&B\"</b>"), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;");
    }
}
