//! A Monte Carlo run's `report.html`: one self-contained page (charts
//! inline as SVG, no scripts, no network) with the conclusion in
//! sentences first, then a table per deployment of the total's, each line
//! item's and p99 latency's mean, standard deviation and quantiles with
//! their Monte Carlo standard errors, the chances of exceeding the budget,
//! meeting the SLO and being the cheapest, the uncertain inputs, and the
//! charts with captions.

use super::charts::McChart;
use super::{percent, period, probability, quantile_at, widest};
use crate::montecarlo::summary::{DeploymentSummary, Spread, Summary};
use crate::pricing::Decimal;
use crate::report::format::{dollars, fixed};
use crate::report::html::{STYLE, escape, row};

/// Styles beyond the comparison report's.
const EXTRA_STYLE: &str = "figcaption{color:#555;font-size:.9rem;margin-top:.3rem}#conclusion li:first-child{font-size:1.1rem;font-weight:600}";

/// The page.
pub fn render(summary: &Summary, charts: &[McChart]) -> String {
    let scenario = escape(&summary.scenario);
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    );
    page.push_str(&format!(
        "<title>costsim Monte Carlo: {scenario}</title>\n<style>{STYLE}{EXTRA_STYLE}</style>\n</head>\n<body>\n<h1>{scenario}: Monte Carlo ranges</h1>\n"
    ));
    page.push_str(&opening(summary));
    page.push_str("<h2>Conclusion</h2>\n<ul id=\"conclusion\">\n");
    for sentence in conclusion(summary) {
        page.push_str(&format!("<li>{}</li>\n", escape(&sentence)));
    }
    page.push_str("</ul>\n<h2>Deployments</h2>\n<p class=\"note\">± is the Monte Carlo standard error of the estimate beside it: \
        more replications shrink it as 1/√n. Each line item's quantiles are taken over the replications on their own, \
        so they need not add up to the total's.</p>\n");
    for deployment in &summary.deployments {
        page.push_str(&deployment_section(summary, deployment));
    }
    page.push_str(&inputs_section(summary));
    page.push_str("<h2>Charts</h2>\n");
    for chart in charts {
        page.push_str(&format!(
            "<figure id=\"chart-{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            escape(&chart.name),
            chart.svg.trim(),
            escape(&chart.caption)
        ));
    }
    page.push_str("<p class=\"note\">Made by costsim. The summary is in <code>montecarlo.json</code>; every replication's totals in <code>montecarlo.csv</code>.</p>\n</body>\n</html>\n");
    page
}

/// `1 replication`, `50 replications`.
fn replications(count: usize) -> String {
    format!("{count} replication{}", if count == 1 { "" } else { "s" })
}

/// The sentence under the title: how much was run, the budget and SLO.
fn opening(summary: &Summary) -> String {
    let currency = summary
        .deployments
        .first()
        .map_or("USD", |deployment| deployment.currency.as_str());
    let mut text = format!(
        "{} of {} deployments over {}, each replication with the uncertain inputs drawn afresh and a new seed. Amounts in {currency}.",
        replications(summary.replications),
        summary.deployments.len(),
        period(summary.horizon_s)
    );
    if let Some(budget) = summary.budget {
        text.push_str(&format!(" Budget {}.", dollars(budget)));
    }
    if let Some(slo) = &summary.slo {
        text.push_str(&format!(" SLO {slo}."));
    }
    format!("<p>{}</p>\n", escape(&text))
}

/// The deployment cheapest most often, the earlier on a tie.
fn leader(summary: &Summary) -> Option<&DeploymentSummary> {
    summary
        .deployments
        .iter()
        .rev()
        .max_by(|a, b| a.cheapest.value.total_cmp(&b.cheapest.value))
}

/// The total in words: `$10.69 at the median, 90% between $9.80 and
/// $11.70` (the mean when no median was asked for).
fn total_words(spread: &Spread<Decimal>) -> String {
    let mut words = match quantile_at(spread, 50) {
        Some(median) => format!("{} at the median", dollars(median.value)),
        None => format!("{} on average", dollars(spread.mean)),
    };
    if let Some((low, high)) = widest(spread) {
        words.push_str(&format!(
            ", {}% between {} and {}",
            (high.percent - low.percent).normalize(),
            dollars(low.value),
            dollars(high.value)
        ));
    }
    words
}

/// The chances a deployment has: `; P(total > $1,500.00) = 3% ± 1.2%`
/// and the SLO's, as far as the summary has them.
fn chances(summary: &Summary, deployment: &DeploymentSummary) -> String {
    let mut words = String::new();
    if let (Some(budget), Some(over)) = (summary.budget, deployment.over_budget) {
        words.push_str(&format!(
            "; P(total > {}) = {}",
            dollars(budget),
            probability(over)
        ));
    }
    if let (Some(slo), Some(meets)) = (&summary.slo, deployment.meets_slo) {
        words.push_str(&format!("; P(meets {slo}) = {}", probability(meets)));
    }
    words
}

/// The conclusion: the deployment cheapest most often first, then the others.
pub(crate) fn conclusion(summary: &Summary) -> Vec<String> {
    let Some(first) = leader(summary) else {
        return vec!["No deployment was replicated.".into()];
    };
    let mut sentences = vec![format!(
        "{} is the cheapest in {} of {}; its total over {} is {}{}.",
        first.name,
        percent(first.cheapest.value),
        replications(summary.replications),
        period(summary.horizon_s),
        total_words(&first.total),
        chances(summary, first)
    )];
    for deployment in summary
        .deployments
        .iter()
        .filter(|other| other.name != first.name)
    {
        sentences.push(format!(
            "{}: the cheapest in {}; {}{}.",
            deployment.name,
            percent(deployment.cheapest.value),
            total_words(&deployment.total),
            chances(summary, deployment)
        ));
    }
    sentences
}

/// `$10.69 ± $0.05`.
fn money_cell(value: Decimal, error: Decimal) -> String {
    format!("{} ± {}", dollars(value), dollars(error))
}

/// `412.5 ± 4.5`.
fn millis_cell(value: f64, error: f64) -> String {
    format!("{} ± {}", fixed(value, 1), fixed(error, 1))
}

/// A row of a spread: its name, mean ± SE, SD, then each level's quantile.
fn spread_row<T: Copy>(
    name: &str,
    spread: &Spread<T>,
    levels: &[Decimal],
    cell: fn(T, T) -> String,
    plain: fn(T) -> String,
) -> Vec<String> {
    let mut cells = vec![
        name.to_owned(),
        cell(spread.mean, spread.mean_standard_error),
        plain(spread.standard_deviation),
    ];
    cells.extend(levels.iter().map(|level| {
        spread
            .quantiles
            .iter()
            .find(|quantile| quantile.percent == *level)
            .map_or("-".into(), |quantile| {
                cell(quantile.value, quantile.standard_error)
            })
    }));
    cells
}

/// A deployment's chances, then its table.
fn deployment_section(summary: &Summary, deployment: &DeploymentSummary) -> String {
    let mut facts = vec![(
        "Cheapest".to_owned(),
        format!("in {} of replications", probability(deployment.cheapest)),
    )];
    if let (Some(budget), Some(over)) = (summary.budget, deployment.over_budget) {
        facts.push((format!("P(total > {})", dollars(budget)), probability(over)));
    }
    if let (Some(slo), Some(meets)) = (&summary.slo, deployment.meets_slo) {
        facts.push((format!("P(meets {slo})"), probability(meets)));
    }
    let mut html = format!("<h3>{}</h3>\n<dl class=\"facts\">\n", escape(&deployment.name));
    for (term, value) in facts {
        html.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            escape(&term),
            escape(&value)
        ));
    }
    html.push_str("</dl>\n<div class=\"wide\"><table class=\"spread\">\n");
    let levels: Vec<Decimal> = deployment
        .total
        .quantiles
        .iter()
        .map(|quantile| quantile.percent)
        .collect();
    let mut header: Vec<String> = ["", "Mean", "SD"].map(String::from).to_vec();
    header.extend(levels.iter().map(|level| format!("P{}", level.normalize())));
    html.push_str(&row(&header, true));
    html.push_str(&row(
        &spread_row("Total", &deployment.total, &levels, money_cell, dollars),
        false,
    ));
    for (item, spread) in &deployment.line_items {
        html.push_str(&row(
            &spread_row(item, spread, &levels, money_cell, dollars),
            false,
        ));
    }
    let millis = |value: f64| fixed(value, 1);
    html.push_str(&row(
        &spread_row(
            "p99 latency (ms)",
            &deployment.p99_ms,
            &levels,
            millis_cell,
            millis,
        ),
        false,
    ));
    html.push_str("</table></div>\n");
    html
}

/// The uncertain inputs as declared, or that there are none.
fn inputs_section(summary: &Summary) -> String {
    let mut html = String::from("<h2>Uncertain inputs</h2>\n");
    if summary.inputs.is_empty() {
        html.push_str("<p>None declared: the replications differ only in their seeds (and, with <code>resample = \"days\"</code>, in a trace's days).</p>\n");
        return html;
    }
    html.push_str("<div class=\"wide\"><table id=\"inputs\">\n");
    html.push_str(&row(
        &["Input", "90% range", "Distribution", "Median"].map(String::from),
        true,
    ));
    for input in &summary.inputs {
        html.push_str(&row(
            &[
                input.name.clone(),
                format!("{} to {}", input.low, input.high),
                input.distribution.clone(),
                input.median.clone(),
            ],
            false,
        ));
    }
    html.push_str("</table></div>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::montecarlo::charts::montecarlo_charts;
    use crate::report::montecarlo::sample;

    #[test]
    fn the_conclusion_leads_with_the_deployment_cheapest_most_often() {
        // sample.rs: Lambda cheapest in 45 of 50 = 90%; median 11.125 →
        // $11.13 (half away from zero); P95 − P5 = 90%; over $12 in 5 of 50
        // = 10% ± √(0.1 × 0.9 / 50) = 4.2%; meets the SLO 96% ± 2.8%.
        let page = render(&sample::summary(), &[]);
        assert!(page.contains(
            "<li>Lambda is the cheapest in 90% of 50 replications; its total over 30 days is $11.13 at the median, \
             90% between $10.00 and $12.25; P(total &gt; $12.00) = 10% ± 4.2%; P(meets p99 ≤ 500 ms) = 96% ± 2.8%.</li>"
        ));
        // EC2: 10%, $12.00, 11 to 13, over $12 in 20 of 50 = 40% ± 6.9%.
        assert!(page.contains(
            "<li>EC2: the cheapest in 10%; $12.00 at the median, 90% between $11.00 and $13.00; \
             P(total &gt; $12.00) = 40% ± 6.9%; P(meets p99 ≤ 500 ms) = 100% ± 0%.</li>"
        ));
    }

    #[test]
    fn each_deployment_has_a_table_of_spreads_with_standard_errors() {
        let page = render(&sample::summary(), &[]);
        assert!(
            page.contains("<tr><th></th><th>Mean</th><th>SD</th><th>P5</th><th>P50</th><th>P95</th></tr>")
        );
        // Lambda's mean 11.125 ± 0.1026, SD 0.7254, P50 11.125 ± 0.125.
        assert!(page.contains(
            "<tr><td>Total</td><td>$11.13 ± $0.10</td><td>$0.73</td><td>$10.00 ± $0.13</td><td>$11.13 ± $0.13</td><td>$12.25 ± $0.13</td></tr>"
        ));
        assert!(page.contains("<tr><td>Requests</td><td>$2.00 ± $0.00</td>"));
        assert!(
            page.contains(
                "<tr><td>p99 latency (ms)</td><td>412.5 ± 2.8</td><td>20.0</td><td>380.0 ± 4.5</td>"
            )
        );
        assert!(page.contains("<dt>Cheapest</dt><dd>in 90% ± 4.2% of replications</dd>"));
        assert!(page.contains("<dt>P(total &gt; $12.00)</dt><dd>40% ± 6.9%</dd>"));
        assert!(page.contains(
            "<tr><td>generator.rate</td><td>80/s to 120/s</td><td>lognormal</td><td>97.98/s</td></tr>"
        ));
        assert!(!page.contains("<script"));
    }

    #[test]
    fn the_page_holds_every_chart_and_no_nan() {
        for summary in [
            sample::summary(),
            sample::single_replication(),
            sample::all_equal(),
            sample::bare(),
        ] {
            let charts = montecarlo_charts(&summary).expect("charts");
            let page = render(&summary, &charts);
            for chart in &charts {
                assert!(page.contains(&format!("<figure id=\"chart-{}\">", chart.name)));
            }
            assert!(
                !page.contains("NaN") && !page.contains("inf"),
                "{}",
                summary.replications
            );
        }
    }

    #[test]
    fn without_budget_slo_or_inputs_the_page_says_less() {
        let page = render(&sample::bare(), &[]);
        assert!(page.contains(
            "<li>Lambda is the cheapest in 90% of 50 replications; its total over 30 days is $11.13 at the median, 90% between $10.00 and $12.25.</li>"
        ));
        assert!(!page.contains("P(total"));
        assert!(!page.contains("P(meets"));
        assert!(page.contains("<p>None declared"));
        let single = render(&sample::single_replication(), &[]);
        assert!(single.contains("in 90% of 1 replication;"));
    }
}
