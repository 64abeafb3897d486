//! Exporters of a break-even search ([`Breakeven`]): the crossings as a
//! terminal table, the whole outcome as JSON (`breakeven.json`), the
//! sampled cost curves as CSV (`breakeven.csv`), and the report folder
//! with the chart and `report.html`.

mod chart;
mod html;

use std::fmt::Write as _;
use std::path::Path;

use super::csv_summary::write_csv;
use crate::breakeven::outcome::{Breakeven, Crossing, Sample, Side, short};
use crate::error::{Error, Result};
use crate::output;
use crate::pricing::Decimal;

/// The outcome as pretty JSON with a final newline.
pub fn render_json(outcome: &Breakeven) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(outcome)
        .map_err(|error| Error::usage(format!("cannot encode the break-even as JSON: {error}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Every sample (log-spaced and bisection, in factor order) × deployment:
/// `factor, requests_per_second, deployment, total, meets_slo`.
pub fn render_csv(outcome: &Breakeven) -> Result<Vec<u8>> {
    let header = [
        "factor",
        "requests_per_second",
        "deployment",
        "total",
        "meets_slo",
    ];
    let rows = curve(outcome).into_iter().flat_map(|sample| {
        sample.sides.iter().map(move |side| {
            vec![
                sample.value.clone(),
                sample.requests_per_second.to_string(),
                side.deployment.clone(),
                side.total.to_string(),
                side.meets_slo.map_or(String::new(), |meets| meets.to_string()),
            ]
        })
    });
    write_csv(header.into_iter(), rows)
}

/// Every sample, log-spaced and bisection, in factor order (each value once).
pub(crate) fn curve(outcome: &Breakeven) -> Vec<&Sample> {
    let mut samples: Vec<&Sample> = outcome.samples.iter().chain(&outcome.bisection).collect();
    samples.sort_by(|a, b| a.factor.total_cmp(&b.factor));
    samples.dedup_by(|a, b| a.value == b.value);
    samples
}

/// Dollars to the cent, or to four significant digits below a cent.
pub(crate) fn money(amount: Decimal) -> String {
    if amount.abs() >= Decimal::new(1, 2) || amount.is_zero() {
        crate::report::dollars(amount)
    } else {
        format!("${}", amount.round_sf(4).unwrap_or(amount).normalize())
    }
}

/// The search in words: the crossings, the end and the closed form.
pub fn render_terminal(outcome: &Breakeven) -> String {
    let mut text = String::new();
    let [a, b] = &outcome.deployments;
    let _ = writeln!(
        text,
        "Break-even of {} between {a} and {b} ({}): {} samples over ×{}..×{}, tolerance {}%, a month of {} h ({})",
        outcome.dimension,
        outcome.scenario,
        outcome.samples.len(),
        short(outcome.range[0]),
        short(outcome.range[1]),
        short(outcome.tolerance * 100.0),
        outcome.month_hours,
        outcome.month
    );
    if let Some(slo) = &outcome.slo {
        let _ = writeln!(text, "SLO: {slo}");
    }
    if let Some(end) = &outcome.end {
        let _ = writeln!(text, "{}.", capitalised(&end.describe(&outcome.dimension)));
    }
    if let Some(cheaper) = &outcome.cheaper_throughout {
        let _ = writeln!(
            text,
            "No crossing in the comparison: {cheaper} is cheaper over the whole range."
        );
    }
    for (index, crossing) in outcome.crossings.iter().enumerate() {
        crossing_text(&mut text, index + 1, crossing, &outcome.dimension);
    }
    if let Some(analytic) = &outcome.analytic {
        analytic_text(&mut text, analytic);
    }
    text
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn crossing_text(text: &mut String, number: usize, crossing: &Crossing, dimension: &str) {
    let at = &crossing.at;
    let beyond = if crossing.beyond_end {
        " (beyond the end of the comparison)"
    } else {
        ""
    };
    let _ = writeln!(
        text,
        "\nCrossing {number}{beyond}: {dimension} ×{} (bracket ×{}..×{}), {} requests a month, {} a second",
        at.value,
        short(crossing.low),
        short(crossing.high),
        grouped(crossing.requests_per_month),
        short(at.requests_per_second)
    );
    let _ = writeln!(
        text,
        "  cheaper below: {}; cheaper above: {}",
        crossing.cheaper_below, crossing.cheaper_above
    );
    for side in &at.sides {
        side_text(text, side);
    }
}

fn side_text(text: &mut String, side: &Side) {
    let items: Vec<String> = side
        .line_items
        .iter()
        .map(|line| format!("{} {}", line.item, money(line.amount)))
        .collect();
    let _ = writeln!(
        text,
        "  {}: {} ({}); peak instances {}; {}; idle {}%",
        side.deployment,
        money(side.total),
        items.join(", "),
        side.peak_instances,
        side.verdict,
        short(side.idle_share * 100.0)
    );
}

fn analytic_text(text: &mut String, analytic: &crate::breakeven::analytic::Analytic) {
    let _ = writeln!(
        text,
        "\nClosed form (constant {} requests/s at ×1, {} ms each, no queueing or cold starts, fixed fleets, {} h month):",
        short(analytic.rate_at_one),
        short(analytic.mean_duration_ms),
        analytic.month_hours
    );
    if analytic.crossings.is_empty() {
        let _ = writeln!(text, "  no crossing in the range");
    }
    for crossing in &analytic.crossings {
        let _ = writeln!(
            text,
            "  crossing at ×{}: {} requests a month ({} a second), {} a month each",
            short(crossing.factor),
            crate::report::decimal_quantity(crossing.requests_per_month.round()),
            short(crossing.requests_per_second),
            money(crossing.total)
        );
    }
    for form in &analytic.forms {
        for note in &form.notes {
            let _ = writeln!(text, "  note ({}): {note}", form.deployment);
        }
    }
}

/// `1234567.8` as `1,234,568`.
pub(crate) fn grouped(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Writes the report into `folder`, replaced whole and atomically:
/// `breakeven.csv`, `breakeven.json`, the chart as SVG and PNG, and
/// `report.html`.
pub fn write_report(outcome: &Breakeven, folder: &Path) -> Result<()> {
    let (svg, png, alt) = chart::draw(outcome)?;
    let files = vec![
        ("breakeven.csv".to_owned(), render_csv(outcome)?),
        ("breakeven.json".to_owned(), render_json(outcome)?),
        (format!("{}.svg", chart::NAME), svg.clone().into_bytes()),
        (format!("{}.png", chart::NAME), png),
        (
            "report.html".to_owned(),
            html::render(outcome, &svg, &alt).into_bytes(),
        ),
    ];
    output::replace_folder(folder, &files)
}

#[cfg(test)]
mod tests {
    use super::{grouped, money};
    use crate::pricing::Decimal;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(grouped(18_716_981.13), "18,716,981");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(money(Decimal::new(19344, 3)), "$19.34");
        // 0.0010335 to four significant digits.
        assert_eq!(money(Decimal::new(10335, 7)), "$0.001034");
    }
}
