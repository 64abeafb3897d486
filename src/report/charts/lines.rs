//! Line charts over time: cumulative cost per deployment, and the
//! workload's requests per minute (the mean of each step, with a band from
//! its quietest to its busiest bucket). Also the helpers every line chart
//! uses: clipping to the plot, styled series and staggered markers.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::aggregate::{Steps, group, minutes_in_words, time_unit_of};
use super::frame::{Entry, Frame, Swatch, line_entries};
use super::style::{SeriesStyle, color, draw_marker, series_style};
use super::{Drawn, Plot, failed, ticks};
use crate::compare::NamedResult;
use crate::report::format::{dollars, quantity};

/// Markers per series on a line chart.
pub const MARKERS: usize = 6;

type Linear<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Points moved inside `[x0, x1] × [y0, y1]`, so nothing is drawn outside
/// the plot area.
pub fn clip(points: &[(f64, f64)], x: (f64, f64), y: (f64, f64)) -> Vec<(f64, f64)> {
    points
        .iter()
        .map(|&(px, py)| (px.clamp(x.0, x.1), py.clamp(y.0, y.1)))
        .collect()
}

/// The value of a staircase or line at `x`: the last point at or before it.
fn value_at(points: &[(f64, f64)], x: f64) -> Option<f64> {
    points
        .iter()
        .take_while(|point| point.0 <= x)
        .last()
        .map(|point| point.1)
}

/// Draws one series in its style, with `markers` markers placed at
/// positions staggered by `slot` of `slots`, so equal series' markers do
/// not cover each other.
pub fn draw_styled<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    points: &[(f64, f64)],
    style: SeriesStyle,
    (slot, slots, markers): (usize, usize, usize),
) -> Drawn
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    match style.dash {
        None => chart
            .draw_series(LineSeries::new(points.iter().copied(), style.stroke()))
            .map(|_| ()),
        Some((dash, gap)) => chart
            .draw_series(DashedLineSeries::new(
                points.iter().copied(),
                dash,
                gap,
                style.stroke(),
            ))
            .map(|_| ()),
    }
    .map_err(failed)?;
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Ok(());
    };
    let area = chart.plotting_area();
    for index in 0..markers {
        let share = (index as f64 + (slot as f64 + 1.0) / (slots as f64 + 1.0)) / markers as f64;
        let x = first.0 + (last.0 - first.0) * share;
        if let Some(y) = value_at(points, x) {
            draw_marker(area, style.marker, (x, y), 5, style.color)?;
        }
    }
    Ok(())
}

/// A linear chart with time across and `y_label` up, `y_ticks` formatting
/// its ticks.
pub fn time_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, plotters::coord::Shift>,
    x: (f64, f64, &str),
    y: (f64, f64, &str),
    y_ticks: &dyn Fn(&f64) -> String,
) -> std::result::Result<Linear<'a, DB>, String> {
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .margin_right(28)
        .x_label_area_size(48)
        .y_label_area_size(80)
        .build_cartesian_2d(x.0..x.1, y.0..y.1)
        .map_err(failed)?;
    chart
        .configure_mesh()
        .x_desc(x.2)
        .y_desc(y.2)
        .y_label_formatter(y_ticks)
        .x_label_formatter(&|value| ticks::plain(*value))
        .label_style(("sans-serif", ticks::LABEL_SIZE))
        .axis_desc_style(("sans-serif", ticks::DESC_SIZE))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .draw()
        .map_err(failed)?;
    Ok(chart)
}

/// Cumulative cost per deployment.
pub struct CostOverTime {
    unit_name: &'static str,
    series: Vec<(String, Vec<(f64, f64)>)>,
}

/// At most about a thousand points per deployment.
const COST_POINTS: usize = 1_000;

pub fn cost_over_time(results: &[NamedResult]) -> CostOverTime {
    let (unit, unit_name) = time_unit_of(results);
    let series = results
        .iter()
        .map(|named| {
            let points = &named.result.series.cost_over_time;
            let every = points.len().div_ceil(COST_POINTS).max(1);
            let thinned = points
                .iter()
                .step_by(every)
                .chain(points.last())
                .map(|&(seconds, dollars)| (seconds / unit, dollars))
                .collect();
            (named.name.clone(), thinned)
        })
        .collect();
    CostOverTime { unit_name, series }
}

impl CostOverTime {
    pub fn alt(&self) -> String {
        let ends: Vec<String> = self
            .series
            .iter()
            .map(|(name, points)| {
                let end = points.last().map_or(0.0, |point| point.1);
                format!("{name} reaches {}", money_words(end))
            })
            .collect();
        format!(
            "Cumulative cost in dollars over time ({}): {}.",
            self.unit_name,
            ends.join("; ")
        )
    }
}

/// Dollars to the cent, for alternative texts.
pub fn money_words(amount: f64) -> String {
    crate::pricing::Decimal::try_from(amount).map_or_else(|_| format!("${amount:.2}"), dollars)
}

impl Plot for CostOverTime {
    fn draw<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn {
        let entries = line_entries(&self.series);
        let area = frame.legend(&entries)?;
        let all = || self.series.iter().flat_map(|(_, points)| points.iter());
        let x_max = all().map(|point| point.0).fold(0.0, f64::max).max(1e-9);
        let y_max = all().map(|point| point.1).fold(0.0, f64::max).max(0.01) * 1.08;
        let top = y_max;
        let ticks = move |value: &f64| ticks::money(*value, top);
        let x_label = format!("time ({})", self.unit_name);
        let mut chart = time_chart(
            &area,
            (0.0, x_max, &x_label),
            (0.0, y_max, "cost so far (USD)"),
            &ticks,
        )?;
        let count = self.series.len();
        for (index, (_, points)) in self.series.iter().enumerate() {
            let points = clip(points, (0.0, x_max), (0.0, y_max));
            draw_styled(&mut chart, &points, series_style(index), (index, count, MARKERS))?;
        }
        Ok(())
    }
}

/// The workload's requests per minute, grouped into steps.
pub struct RequestRate {
    unit_name: &'static str,
    steps: Steps,
}

pub fn requests_per_minute(results: &[NamedResult]) -> RequestRate {
    let (unit, unit_name) = time_unit_of(results);
    let steps = results.first().map_or_else(
        || group(&[], crate::series::MINUTE, unit),
        |named| {
            let buckets = &named.result.series.requests;
            let minutes = (buckets.width / crate::series::MINUTE).max(1) as f64;
            let rates: Vec<f64> = buckets
                .values
                .iter()
                .map(|&count| count as f64 / minutes)
                .collect();
            group(&rates, buckets.width, unit)
        },
    );
    RequestRate { unit_name, steps }
}

impl RequestRate {
    pub fn alt(&self) -> String {
        let peak = self.steps.steps.iter().map(|step| step.high).fold(0.0, f64::max);
        let quiet = self
            .steps
            .steps
            .iter()
            .map(|step| step.low)
            .fold(f64::INFINITY, f64::min);
        format!(
            "Requests per minute over time ({}), in steps of {}: from {} to {} a minute.",
            self.unit_name,
            minutes_in_words(self.steps.step_minutes),
            quantity(if quiet.is_finite() { quiet.round() } else { 0.0 }),
            quantity(peak.round())
        )
    }
}

impl Plot for RequestRate {
    fn draw<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn {
        let step = minutes_in_words(self.steps.step_minutes);
        let mut entries = vec![Entry {
            label: format!("mean of each {step}"),
            swatch: Swatch::Rule(color(0)),
        }];
        if self.steps.varies() {
            entries.push(Entry {
                label: format!("quietest to busiest minute in each {step}"),
                swatch: Swatch::Block(color(0).mix(0.25)),
            });
        }
        let area = frame.legend(&entries)?;
        let x_max = self.steps.end().max(1e-9);
        let y_max = self
            .steps
            .steps
            .iter()
            .map(|step| step.high)
            .fold(0.0, f64::max)
            .max(1.0)
            * 1.08;
        let x_label = format!("time ({})", self.unit_name);
        let ticks = |value: &f64| ticks::count(*value);
        let mut chart = time_chart(
            &area,
            (0.0, x_max, &x_label),
            (0.0, y_max, "requests per minute"),
            &ticks,
        )?;
        if self.steps.varies() {
            let band = clip(&self.steps.band(), (0.0, x_max), (0.0, y_max));
            chart
                .draw_series(std::iter::once(Polygon::new(band, color(0).mix(0.25).filled())))
                .map_err(failed)?;
        }
        let mean = clip(
            &self.steps.staircase(|step| step.mean),
            (0.0, x_max),
            (0.0, y_max),
        );
        chart
            .draw_series(LineSeries::new(mean, color(0).stroke_width(2)))
            .map_err(failed)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_outside_the_plot_are_moved_onto_its_edge() {
        assert_eq!(
            clip(&[(-1.0, 5.0), (2.0, -3.0), (1.0, 1.0)], (0.0, 1.5), (0.0, 4.0)),
            [(0.0, 4.0), (1.5, 0.0), (1.0, 1.0)]
        );
    }

    #[test]
    fn a_staircase_is_read_at_the_last_step_before() {
        let points = [(0.0, 1.0), (1.0, 1.0), (1.0, 3.0), (2.0, 3.0)];
        assert_eq!(value_at(&points, 0.5), Some(1.0));
        assert_eq!(value_at(&points, 1.5), Some(3.0));
        assert_eq!(value_at(&points, -1.0), None);
    }
}
