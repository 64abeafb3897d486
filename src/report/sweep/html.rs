//! A sweep's `report.html`: one self-contained page (charts inline as SVG,
//! no scripts, no network) with the recommended point in words, the table
//! of the Pareto front, the charts with captions, and the manifest: the
//! scenario, the grid, the price books with their effective dates, the
//! seed and the SLO.

use super::charts::SweepChart;
use super::terminal::{front_groups, recommendation, verdict_cell};
use super::{param_names, recommended, rows};
use crate::report::format::{dollars, fixed};
use crate::report::html::{STYLE, escape, row};
use crate::sweep::outcome::SweepOutcome;

/// Styles beyond the comparison report's.
const EXTRA_STYLE: &str = "figcaption{color:#555;font-size:.9rem;margin-top:.3rem}#recommendation{font-size:1.1rem;font-weight:600}\
#grid{white-space:pre-wrap}";

/// The page.
pub fn render(outcome: &SweepOutcome, charts: &[SweepChart]) -> String {
    let scenario = &outcome.manifest.scenario;
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    );
    page.push_str(&format!(
        "<title>costsim sweep: {}</title>\n<style>{STYLE}{EXTRA_STYLE}</style>\n</head>\n<body>\n<h1>{} sweep</h1>\n",
        escape(scenario),
        escape(scenario)
    ));
    page.push_str(&opening(outcome));
    page.push_str(&format!(
        "<h2>Recommendation</h2>\n<p id=\"recommendation\">{}</p>\n",
        escape(&recommendation(outcome))
    ));
    page.push_str(&front_section(outcome));
    page.push_str("<h2>Charts</h2>\n");
    for chart in charts {
        page.push_str(&format!(
            "<figure id=\"chart-{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            escape(&chart.name),
            chart.svg.trim(),
            escape(&chart.caption)
        ));
    }
    page.push_str(&manifest_section(outcome));
    page.push_str("<p class=\"note\">Made by costsim. Every point × deployment is in <code>sweep.csv</code>; the full results in <code>sweep.json</code>.</p>\n</body>\n</html>\n");
    page
}

/// The sentence under the title: how much was swept.
fn opening(outcome: &SweepOutcome) -> String {
    let deployments = outcome.points.first().map_or(0, |point| point.rows.len());
    let shard = outcome.manifest.shard.map_or(String::new(), |shard| {
        format!(
            " This is shard {} of {}: {} of the sweep's {} points.",
            shard.index,
            shard.count,
            outcome.points.len(),
            outcome.manifest.point_count
        )
    });
    format!(
        "<p>{} points × {deployments} deployments: {} results, each a replay of the scenario's workload with the point's settings.{}</p>\n",
        outcome.points.len(),
        rows(outcome).count(),
        escape(&shard)
    )
}

/// The front, cheapest first, alike rows grouped, the recommended row
/// highlighted.
fn front_section(outcome: &SweepOutcome) -> String {
    let names = param_names(outcome);
    let mut header: Vec<String> = vec!["Point".into()];
    header.extend(names.iter().map(|name| (*name).to_owned()));
    header.extend(["Deployment", "Total", "$/M requests", "p99 ms", "Verdict"].map(String::from));
    let mut html = String::from(
        "<h2>Pareto front</h2>\n<p class=\"note\">The results no other is both cheaper and faster (p99) than, cheapest first. \
         Every result, with idle cost, cold starts, failures and p50/p95, is in <code>sweep.csv</code>.</p>\n<div class=\"wide\"><table id=\"front\">\n",
    );
    html.push_str(&row(&header, true));
    let best = recommended(outcome);
    for group in front_groups(outcome) {
        let first = group.first;
        let mut cells = vec![group.points()];
        cells.extend(group.values.iter().cloned());
        cells.extend([
            first.row.deployment.clone(),
            dollars(first.row.total),
            dollars(first.row.per_million),
            fixed(first.row.p99_ms, 1),
            verdict_cell(first.row),
        ]);
        let line = row(&cells, false);
        if best == Some((first.position, first.deployment)) {
            html.push_str(&line.replacen("<tr>", "<tr class=\"cheapest\">", 1));
        } else {
            html.push_str(&line);
        }
    }
    html.push_str("</table></div>\n");
    html
}

/// What was swept and how: the manifest, the books as a table.
fn manifest_section(outcome: &SweepOutcome) -> String {
    let manifest = &outcome.manifest;
    let grid = serde_json::to_string_pretty(&manifest.grid).unwrap_or_else(|_| manifest.grid.to_string());
    let facts = [
        ("Scenario", manifest.scenario.clone()),
        ("Scenario hash", manifest.scenario_hash.clone()),
        ("costsim version", manifest.costsim_version.clone()),
        ("Seed", manifest.seed.to_string()),
        (
            "SLO",
            manifest.slo.clone().unwrap_or_else(|| {
                "none: a result is degraded when over 0.1% of requests fail or its p99 is over twice the workload's own".into()
            }),
        ),
        ("Points", manifest.point_count.to_string()),
        (
            "Shard",
            manifest
                .shard
                .map_or("none (the whole sweep)".into(), |shard| format!("{} of {}", shard.index, shard.count)),
        ),
    ];
    let mut html = String::from("<h2>Manifest</h2>\n<dl class=\"facts\" id=\"manifest\">\n");
    for (term, value) in facts {
        html.push_str(&format!("<dt>{term}</dt><dd>{}</dd>\n", escape(&value)));
    }
    html.push_str(&format!(
        "<dt>Grid</dt><dd><code id=\"grid\">{}</code></dd>\n</dl>\n",
        escape(&grid)
    ));
    html.push_str("<div class=\"wide\"><table id=\"books\">\n");
    html.push_str(&row(
        &["Price book", "Title", "Effective"].map(String::from),
        true,
    ));
    for book in &manifest.books {
        html.push_str(&row(
            &[book.id.clone(), book.title.clone(), book.effective_date.clone()],
            false,
        ));
    }
    html.push_str("</table></div>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sweep::sample;

    #[test]
    fn the_page_names_the_recommendation_and_lists_the_front_and_the_manifest() {
        let page = render(&sample::outcome(), &[]);
        assert!(page.contains(
            "<p id=\"recommendation\">Cheapest that meets the SLO p99 ≤ 500 ms: memory_mb=1024 on Lambda (point f0e1d2c3b4a5): $12.50, p99 412.2 ms.</p>"
        ));
        // The front, cheapest first, the recommended row marked.
        assert!(page.contains(
            "<tr class=\"cheapest\"><td>f0e1d2c3b4a5</td><td>1024</td><td>-</td><td>Lambda</td><td>$12.50</td><td>$3.13</td><td>412.2</td><td>meets SLO</td></tr>"
        ));
        // EC2 at 512 MB second; the two rows off the front not at all.
        let lambda = page.find("<td>f0e1d2c3b4a5</td>").expect("Lambda row");
        let ec2 = page
            .find("<tr><td>0a1b2c3d4e5f</td><td>512</td><td>60</td><td>EC2</td><td>$20.00</td>")
            .expect("EC2 row");
        assert!(lambda < ec2);
        assert_eq!(page.matches("<td>0a1b2c3d4e5f</td>").count(), 1);
        assert_eq!(page.matches("<td>f0e1d2c3b4a5</td>").count(), 1);
        assert!(
            page.contains("<tr><td>aws-lambda-2016</td><td>AWS Lambda (2016)</td><td>2016-01-01</td></tr>")
        );
        assert!(page.contains("<dt>Seed</dt><dd>7</dd>"));
        assert!(page.contains("&quot;memory_mb&quot;"));
        assert!(!page.contains("<script"));
    }
}
