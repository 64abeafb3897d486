//! A sweep's charts, each as SVG and PNG (drawn as the comparison's are,
//! [`crate::report::charts::draw_both`]): total cost against each swept
//! parameter ([`cost_by_param`]) and cost against p99 latency with the
//! Pareto front ([`pareto_chart`]). Each has a caption saying what it
//! holds fixed, and an alternative text written from its numbers.

use plotters::prelude::*;

use super::cost_by_param::CostByParam;
use super::pareto_chart::ParetoChart;
use super::{param_names, recommended, rows};
use crate::error::Result;
use crate::report::charts::{Plot, draw_both, ticks};
use crate::sweep::outcome::SweepOutcome;

/// One chart of a sweep, named at run time.
#[derive(Debug, Clone)]
pub struct SweepChart {
    /// File name without extension, e.g. `cost-by-memory_mb`.
    pub name: String,
    /// What the chart shows and holds fixed, under it in the report.
    pub caption: String,
    /// The SVG, with its title and alternative text inside it.
    pub svg: String,
    pub png: Vec<u8>,
}

fn draw(name: String, title: String, caption: String, alt: String, plot: &impl Plot) -> Result<SweepChart> {
    let (svg, png) = draw_both(&name, &title, &alt, plot)?;
    Ok(SweepChart {
        name,
        caption,
        svg,
        png,
    })
}

/// A file name's part for a parameter: characters other than letters,
/// digits, `-` and `_` become `-`.
fn file_part(param: &str) -> String {
    param
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Every chart: one per swept parameter, then the cost–latency scatter.
pub fn sweep_charts(outcome: &SweepOutcome) -> Result<Vec<SweepChart>> {
    let mut charts: Vec<SweepChart> = Vec::new();
    for param in param_names(outcome) {
        let Some(plot) = CostByParam::of(outcome, param) else {
            continue;
        };
        let mut name = format!("cost-by-{}", file_part(param));
        if charts.iter().any(|chart| chart.name == name) {
            name = format!("{name}-{}", charts.len() + 1);
        }
        let title = format!("Total cost by {param}");
        charts.push(draw(name, title, plot.caption(), plot.alt(), &plot)?);
    }
    let scatter = ParetoChart::of(outcome);
    charts.push(draw(
        "cost-vs-p99".into(),
        "Total cost against p99 latency".into(),
        scatter.caption(),
        scatter.alt(),
        &scatter,
    )?);
    Ok(charts)
}

/// The point other parameters are held at when a chart shows a slice:
/// the recommended point, else the cheapest row's; with its description.
pub(super) fn anchor(outcome: &SweepOutcome) -> Option<(usize, &'static str)> {
    if let Some((position, _)) = recommended(outcome) {
        return Some((position, "the recommended point"));
    }
    rows(outcome)
        .min_by(|a, b| a.row.total.cmp(&b.row.total))
        .map(|row| (row.position, "the cheapest point (none is recommended)"))
}

/// A cost axis's range: from zero, unless the costs sit far above it,
/// when the range hugs them so that their differences show.
pub(super) fn cost_range(costs: impl Iterator<Item = f64>) -> (f64, f64) {
    let (low, high) = costs.fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), cost| {
        (low.min(cost), high.max(cost))
    });
    if !low.is_finite() {
        return (0.0, 1.0);
    }
    let span = high - low;
    if low > 0.6 * high && span > 0.0 {
        ((low - 0.15 * span).max(0.0), high + 0.15 * span)
    } else {
        (0.0, high.max(0.01) * 1.08)
    }
}

/// Tick labels for a cost axis reaching `top`.
pub(super) fn money_tick(top: f64) -> impl Fn(&f64) -> String {
    move |value: &f64| ticks::money(*value, top)
}

/// The mesh every sweep chart draws: light lines, the shared label sizes.
pub(super) fn mesh_style<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    (x_desc, y_desc): (&str, &str),
    x_labels: usize,
    x_ticks: &dyn Fn(&f64) -> String,
    y_ticks: &dyn Fn(&f64) -> String,
) -> crate::report::charts::Drawn
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
{
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(x_labels)
        .x_label_formatter(x_ticks)
        .y_label_formatter(y_ticks)
        .label_style(("sans-serif", ticks::LABEL_SIZE))
        .axis_desc_style(("sans-serif", ticks::DESC_SIZE))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .draw()
        .map_err(crate::report::charts::failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cost_axis_starts_at_zero_unless_costs_sit_far_above_it() {
        // 10 to 20: from 0 to 20 × 1.08 = 21.6.
        assert_eq!(cost_range([10.0, 20.0].into_iter()), (0.0, 21.6));
        // 90 to 100 (90 > 60): 10 of span, padded by 1.5 each side.
        assert_eq!(cost_range([90.0, 100.0].into_iter()), (88.5, 101.5));
        assert_eq!(cost_range(std::iter::empty()), (0.0, 1.0));
    }

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(file_part("Lambda.memory_mb"), "Lambda-memory_mb");
        assert_eq!(file_part("generator.rate"), "generator-rate");
    }
}
