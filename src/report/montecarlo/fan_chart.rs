//! The fan of cumulative cost: for each deployment, at each time, the
//! P5–P95 (light) and P25–P75 (darker) bands of the replications' cost so
//! far, and the median as a line in the deployment's style; with a budget,
//! a dashed horizontal line at it, labelled.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::charts::{BUDGET, bounds, money_tick};
use super::period;
use crate::montecarlo::summary::{Fan, Summary};
use crate::pricing::money::to_f64;
use crate::report::charts::aggregate::time_unit;
use crate::report::charts::frame::{Entry, Swatch};
use crate::report::charts::lines::{MARKERS, clip, draw_styled, money_words, time_chart};
use crate::report::charts::style::{color, draw_marker, series_style};
use crate::report::charts::{Drawn, Frame, Plot, failed};

/// Opacity of the P5–P95 band and of the P25–P75 band over it.
const OUTER: f64 = 0.14;
const INNER: f64 = 0.30;
/// A budget above this many times the costs' top is left off the chart
/// (drawing it would flatten the fans), and said so in the legend.
const BUDGET_REACH: f64 = 2.0;

/// One deployment's fan, times in the chart's unit.
struct Series {
    name: String,
    /// (time, low, high) of the P5–P95 and P25–P75 bands.
    outer: Vec<(f64, f64, f64)>,
    inner: Vec<(f64, f64, f64)>,
    median: Vec<(f64, f64)>,
}

pub struct CostFan {
    unit_name: &'static str,
    period: String,
    replications: usize,
    currency: String,
    budget: Option<f64>,
    series: Vec<Series>,
}

fn series(name: &str, fan: &Fan, unit: f64) -> Series {
    let band = |low: &[f64], high: &[f64]| {
        fan.times_s
            .iter()
            .zip(low.iter().zip(high))
            .map(|(time, (low, high))| (time / unit, *low, *high))
            .filter(|(time, low, high)| time.is_finite() && low.is_finite() && high.is_finite())
            .collect()
    };
    Series {
        name: name.to_owned(),
        outer: band(&fan.p5, &fan.p95),
        inner: band(&fan.p25, &fan.p75),
        median: fan
            .times_s
            .iter()
            .zip(&fan.p50)
            .map(|(time, cost)| (time / unit, *cost))
            .filter(|(time, cost)| time.is_finite() && cost.is_finite())
            .collect(),
    }
}

/// A band as a polygon: along its high edge, back along its low edge.
fn polygon(band: &[(f64, f64, f64)], x: (f64, f64), y: (f64, f64)) -> Vec<(f64, f64)> {
    let mut outline: Vec<(f64, f64)> = band.iter().map(|point| (point.0, point.2)).collect();
    outline.extend(band.iter().rev().map(|point| (point.0, point.1)));
    clip(&outline, x, y)
}

impl CostFan {
    pub fn of(summary: &Summary) -> Self {
        let (unit, unit_name) = time_unit(summary.horizon_s);
        CostFan {
            unit_name,
            period: period(summary.horizon_s),
            replications: summary.replications,
            currency: summary
                .deployments
                .first()
                .map_or("USD".into(), |deployment| deployment.currency.clone()),
            budget: summary.budget.map(to_f64),
            series: summary
                .deployments
                .iter()
                .map(|deployment| series(&deployment.name, &deployment.fan, unit))
                .collect(),
        }
    }

    pub fn caption(&self) -> String {
        let mut caption = format!(
            "Cost so far ({}) over the simulated {} across {} replications, one fan per deployment: the line is the median \
             at each time, the darker band P25–P75 and the lighter band P5–P95. Each time's quantiles are taken \
             separately, so a band's edge is not one replication's path.",
            self.currency, self.period, self.replications
        );
        if let Some(budget) = self.budget {
            caption.push_str(&format!(
                " The dashed line is the budget for the whole period, {}.",
                money_words(budget)
            ));
        }
        caption
    }

    pub fn alt(&self) -> String {
        let ends: Vec<String> = self
            .series
            .iter()
            .map(|series| match (series.median.last(), series.outer.last()) {
                (Some(median), Some(outer)) => format!(
                    "{} ends at {} at the median, 90% between {} and {}",
                    series.name,
                    money_words(median.1),
                    money_words(outer.1),
                    money_words(outer.2)
                ),
                _ => format!("{}: no cost recorded", series.name),
            })
            .collect();
        let budget = self.budget.map_or(String::new(), |budget| {
            format!(" Budget {}.", money_words(budget))
        });
        format!(
            "Cumulative cost over {} across {} replications: {}.{budget}",
            self.period,
            self.replications,
            ends.join("; ")
        )
    }

    /// The cost axis's top, and whether the budget is on the chart.
    fn top(&self) -> (f64, bool) {
        let costs = self
            .series
            .iter()
            .flat_map(|series| series.outer.iter().map(|point| point.2));
        let high = bounds(costs).map_or(0.0, |(_, high)| high).max(0.01);
        match self.budget {
            Some(budget) if budget.is_finite() && budget > 0.0 && budget <= high * BUDGET_REACH => {
                (high.max(budget) * 1.08, true)
            }
            _ => (high * 1.08, false),
        }
    }

    fn entries(&self, budget_shown: bool) -> Vec<Entry> {
        let mut entries: Vec<Entry> = self
            .series
            .iter()
            .enumerate()
            .map(|(index, series)| Entry {
                label: format!("{} (median)", series.name),
                swatch: Swatch::Line(series_style(index)),
            })
            .collect();
        let grey = RGBColor(90, 90, 90);
        entries.push(Entry {
            label: "P25–P75 (darker)".into(),
            swatch: Swatch::Block(grey.mix(INNER + OUTER)),
        });
        entries.push(Entry {
            label: "P5–P95 (lighter)".into(),
            swatch: Swatch::Block(grey.mix(OUTER)),
        });
        if let Some(budget) = self.budget {
            let label = if budget_shown {
                format!("budget {}", money_words(budget))
            } else {
                format!("budget {} (above the chart)", money_words(budget))
            };
            entries.push(Entry {
                label,
                swatch: Swatch::Rule(BUDGET.to_rgba()),
            });
        }
        entries
    }
}

impl Plot for CostFan {
    fn draw<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn {
        let (top, budget_shown) = self.top();
        let area = frame.legend(&self.entries(budget_shown))?;
        let times = self
            .series
            .iter()
            .flat_map(|series| series.median.iter().map(|point| point.0));
        let x_max = bounds(times).map_or(0.0, |(_, high)| high).max(1e-9);
        let (x, y) = ((0.0, x_max), (0.0, top));
        let x_title = format!("time ({})", self.unit_name);
        let y_title = format!("cost so far ({})", self.currency);
        let money = |value: &f64| money_tick(*value, top);
        let mut chart = time_chart(&area, (x.0, x.1, &x_title), (y.0, y.1, &y_title), &money)?;
        for (index, series) in self.series.iter().enumerate() {
            for (band, opacity) in [(&series.outer, OUTER), (&series.inner, INNER)] {
                let shape = Polygon::new(polygon(band, x, y), color(index).mix(opacity).filled());
                chart.draw_series(std::iter::once(shape)).map_err(failed)?;
            }
        }
        let count = self.series.len();
        for (index, series) in self.series.iter().enumerate() {
            let median = clip(&series.median, x, y);
            let style = series_style(index);
            draw_styled(&mut chart, &median, style, (index, count, 0))?;
            for at in marker_places(&median, index, count) {
                draw_marker(chart.plotting_area(), style.marker, at, 5, style.color)?;
            }
        }
        match self.budget {
            Some(budget) if budget_shown => draw_budget(&mut chart, budget, x),
            _ => Ok(()),
        }
    }
}

/// Where the `slot`-th of `slots` lines' markers go: [`MARKERS`] places
/// along it, staggered so equal lines' markers do not cover each other,
/// each on the line (interpolated between its points).
fn marker_places(line: &[(f64, f64)], slot: usize, slots: usize) -> Vec<(f64, f64)> {
    let (Some(first), Some(last)) = (line.first(), line.last()) else {
        return Vec::new();
    };
    (0..MARKERS)
        .filter_map(|index| {
            let share = (index as f64 + (slot as f64 + 1.0) / (slots as f64 + 1.0)) / MARKERS as f64;
            let x = first.0 + (last.0 - first.0) * share;
            let after = line.iter().position(|point| point.0 >= x)?;
            let (right, left) = (line[after], line[after.saturating_sub(1)]);
            let weight = if right.0 > left.0 {
                (x - left.0) / (right.0 - left.0)
            } else {
                1.0
            };
            Some((x, left.1 + (right.1 - left.1) * weight))
        })
        .collect()
}

/// The budget as a dashed line across, labelled at its left end.
fn draw_budget<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    budget: f64,
    x: (f64, f64),
) -> Drawn {
    let line = DashedLineSeries::new([(x.0, budget), (x.1, budget)], 10, 6, BUDGET.stroke_width(2));
    chart.draw_series(line).map_err(failed)?;
    let style = TextStyle::from(("sans-serif", 14).into_font())
        .color(&BUDGET)
        .pos(Pos::new(HPos::Left, VPos::Bottom));
    let label = Text::new(format!("budget {}", money_words(budget)), (8, -4), style);
    chart
        .plotting_area()
        .draw(&(EmptyElement::at((x.0, budget)) + label))
        .map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::montecarlo::sample;

    #[test]
    fn the_fan_is_drawn_in_days_with_its_bands_and_the_budget() {
        let fan = CostFan::of(&sample::summary());
        assert_eq!(fan.unit_name, "days");
        // Day 15 of 30: half of Lambda's final P5 $10 and P95 $12.25.
        assert_eq!(fan.series[0].outer[15], (15.0, 5.0, 6.125));
        assert_eq!(fan.series[0].median[30], (30.0, 11.125));
        // EC2's P95 ends at $13, above the $12 budget: 13 × 1.08.
        let (top, shown) = fan.top();
        assert!(shown);
        assert!((top - 14.04).abs() < 1e-9);
        assert_eq!(
            fan.alt(),
            "Cumulative cost over 30 days across 50 replications: Lambda ends at $11.13 at the median, \
             90% between $10.00 and $12.25; EC2 ends at $12.00 at the median, 90% between $11.00 and $13.00. \
             Budget $12.00."
        );
    }

    #[test]
    fn a_budget_far_above_the_costs_is_left_off_the_chart() {
        // $100 > 2 × $13: the axis stays at 13 × 1.08 and the legend says so.
        let mut summary = sample::summary();
        summary.budget = Some(sample::decimal("100"));
        let fan = CostFan::of(&summary);
        let (top, shown) = fan.top();
        assert!(!shown);
        assert!((top - 14.04).abs() < 1e-9);
        let last = fan.entries(shown).pop().expect("the budget entry");
        assert_eq!(last.label, "budget $100.00 (above the chart)");
    }

    #[test]
    fn markers_sit_on_the_line_staggered_by_series() {
        // A line from (0, 0) to (6, 12): the first of two series puts its
        // markers a third into each sixth, at x = 1/3, 4/3, …, y = 2x.
        let places = marker_places(&[(0.0, 0.0), (6.0, 12.0)], 0, 2);
        assert_eq!(places.len(), MARKERS);
        for (index, (x, y)) in places.into_iter().enumerate() {
            assert!((x - (index as f64 + 1.0 / 3.0)).abs() < 1e-9);
            assert!((y - 2.0 * x).abs() < 1e-9);
        }
        assert!(marker_places(&[], 0, 1).is_empty());
    }

    #[test]
    fn a_band_outlines_its_high_edge_then_its_low_edge_back() {
        let band = [(0.0, 1.0, 2.0), (1.0, 3.0, 5.0)];
        assert_eq!(
            polygon(&band, (0.0, 1.0), (0.0, 4.0)),
            [(0.0, 2.0), (1.0, 4.0), (1.0, 3.0), (0.0, 1.0)]
        );
    }
}
