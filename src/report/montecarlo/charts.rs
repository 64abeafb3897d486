//! A Monte Carlo run's charts, each as SVG and PNG (drawn as the
//! comparison's are, [`crate::report::charts::draw_both`]): the fan of
//! cumulative cost ([`fan_chart`]), the totals' histograms with box plots
//! ([`distribution_chart`]) and, with uncertain inputs, the tornado of
//! one-at-a-time swings ([`tornado_chart`]). Each has a caption saying what
//! it shows, holds fixed and how many replications it draws from, and an
//! alternative text written from its numbers.

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend, RGBColor};

use super::distribution_chart::Distribution;
use super::fan_chart::CostFan;
use super::tornado_chart::Tornado;
use crate::error::Result;
use crate::montecarlo::summary::Summary;
use crate::report::charts::{Plot, draw_both};

/// One chart of a Monte Carlo run.
#[derive(Debug, Clone)]
pub struct McChart {
    /// File name without extension, e.g. `cost-fan`.
    pub name: String,
    /// What the chart shows and holds fixed, under it in the report.
    pub caption: String,
    /// The SVG, with its title and alternative text inside it.
    pub svg: String,
    pub png: Vec<u8>,
}

fn draw(name: &str, title: &str, caption: String, alt: String, plot: &impl Plot) -> Result<McChart> {
    let (svg, png) = draw_both(name, title, &alt, plot)?;
    Ok(McChart {
        name: name.to_owned(),
        caption,
        svg,
        png,
    })
}

/// Every chart: the fan, the distributions, then the tornado when the
/// summary has swings.
pub fn montecarlo_charts(summary: &Summary) -> Result<Vec<McChart>> {
    let fan = CostFan::of(summary);
    let distribution = Distribution::of(summary);
    let mut charts = vec![
        draw(
            "cost-fan",
            "Cumulative cost across replications",
            fan.caption(),
            fan.alt(),
            &fan,
        )?,
        draw(
            "total-distribution",
            "Total cost across replications",
            distribution.caption(),
            distribution.alt(),
            &distribution,
        )?,
    ];
    if !summary.tornado.is_empty() {
        let tornado = Tornado::of(summary);
        charts.push(draw(
            "tornado",
            "Which uncertain input moves the total most",
            tornado.caption(),
            tornado.alt(),
            &tornado,
        )?);
    }
    Ok(charts)
}

/// Colour of the budget line.
pub(super) const BUDGET: RGBColor = RGBColor(200, 30, 30);

/// The finite values' least and most, `None` when there are none.
pub(super) fn bounds(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|value| value.is_finite())
        .fold(None, |range, value| match range {
            None => Some((value, value)),
            Some((low, high)) => Some((f64::min(low, value), f64::max(high, value))),
        })
}

/// `area` split into `count` panels stacked top to bottom, each `each`
/// pixels tall but the last, which takes the rest.
pub(super) fn stacked<DB: DrawingBackend>(
    area: DrawingArea<DB, Shift>,
    count: usize,
    each: u32,
) -> Vec<DrawingArea<DB, Shift>> {
    let mut panels = Vec::with_capacity(count.max(1));
    let mut rest = area;
    for _ in 1..count {
        let (here, below) = rest.split_vertically(each);
        panels.push(here);
        rest = below;
    }
    panels.push(rest);
    panels
}

/// A money tick on an axis `span` wide: as many decimals as the ticks'
/// spacing (about a tenth of the span) needs, trailing zeros dropped:
/// `$1,500`, `$10.5`, `$5.05`.
pub(super) fn money_tick(value: f64, span: f64) -> String {
    let decimals = if span >= 50.0 {
        0
    } else if span >= 5.0 {
        1
    } else if span >= 0.5 {
        2
    } else {
        3
    };
    let sign = if value < -1e-9 { "-" } else { "" };
    let text = format!("{:.decimals$}", value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole = crate::report::format::quantity(whole.parse::<f64>().unwrap_or(0.0));
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{sign}${whole}")
    } else {
        format!("{sign}${whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::montecarlo::sample;

    /// Every chart of `summary`, checked to name its deployments, to hold
    /// no NaN or infinity, and to decode as a non-blank 960 × 540 PNG.
    fn check(summary: &Summary, names: &[&str]) -> Vec<McChart> {
        let charts = montecarlo_charts(summary).expect("charts");
        let drawn: Vec<&str> = charts.iter().map(|chart| chart.name.as_str()).collect();
        assert_eq!(drawn, names);
        for chart in &charts {
            for deployment in &summary.deployments {
                assert!(chart.svg.contains(&deployment.name), "{}", chart.name);
            }
            for bad in ["NaN", "inf"] {
                assert!(!chart.svg.contains(bad), "{bad} in {}", chart.name);
                assert!(!chart.caption.contains(bad), "{bad} in {}", chart.name);
            }
            let image = image::load_from_memory(&chart.png).expect("a PNG").to_rgb8();
            assert_eq!(image.dimensions(), (960, 540));
            let inked = image.pixels().filter(|pixel| pixel.0 != [255, 255, 255]).count();
            assert!(inked > 10_000, "{} is nearly blank", chart.name);
        }
        charts
    }

    #[test]
    fn every_chart_draws_and_names_the_deployments() {
        let charts = check(&sample::summary(), &["cost-fan", "total-distribution", "tornado"]);
        assert!(
            charts[0]
                .svg
                .contains("aria-label=\"Cumulative cost over 30 days")
        );
        assert!(charts[0].caption.contains("50 replications"));
    }

    #[test]
    fn edge_cases_draw_without_nan() {
        let all = ["cost-fan", "total-distribution", "tornado"];
        check(&sample::single_replication(), &all);
        check(&sample::all_equal(), &all);
        check(&sample::bare(), &all[..2]);
        // One input: a tornado of one row per panel.
        let mut one = sample::summary();
        one.tornado.retain(|bar| bar.input == "generator.rate");
        check(&one, &all);
    }

    #[test]
    fn bounds_skip_values_that_are_not_finite() {
        assert_eq!(bounds([3.0, f64::NAN, -1.0].into_iter()), Some((-1.0, 3.0)));
        assert_eq!(bounds([f64::INFINITY].into_iter()), None);
    }

    #[test]
    fn money_ticks_show_the_decimals_their_spacing_needs() {
        // An axis $4 wide ticks every 50 or 25 cents: two decimals at
        // most, none when whole.
        assert_eq!(money_tick(10.5, 4.0), "$10.5");
        assert_eq!(money_tick(10.25, 4.0), "$10.25");
        assert_eq!(money_tick(11.0, 4.0), "$11");
        // 30 cents wide: three decimals at most; 40 dollars: one.
        assert_eq!(money_tick(5.005, 0.3), "$5.005");
        assert_eq!(money_tick(1_205.0, 40.0), "$1,205");
        assert_eq!(money_tick(1_500.0, 600.0), "$1,500");
        assert_eq!(money_tick(-2.5, 10.0), "-$2.5");
    }
}
