//! Instances over time: per deployment, a staircase of the most instances
//! alive in each step (a step groups the run's buckets so a month draws in
//! at most a few hundred), with a light band down to the fewest where they
//! differ. Each deployment has its own colour, width, dash and markers, so
//! two deployments that keep the same count (two dynos, two VMs) both show;
//! beyond four deployments each gets a strip of its own, scaled to its own
//! most (named beside it), so a landscape of a dozen stays readable.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::aggregate::{Steps, group, minutes_in_words, time_unit_of};
use super::frame::{Entry, Frame, Swatch, line_entries};
use super::lines::{MARKERS, clip, draw_styled, time_chart};
use super::style::series_style;
use super::{Drawn, Plot, failed, ticks};
use crate::compare::NamedResult;
use crate::report::format::quantity;

pub struct Instances {
    unit_name: &'static str,
    series: Vec<(String, Steps)>,
}

impl Instances {
    pub fn of(results: &[NamedResult]) -> Self {
        let (unit, unit_name) = time_unit_of(results);
        let series = results
            .iter()
            .map(|named| {
                let buckets = &named.result.series.instances;
                let values: Vec<f64> = buckets.values.iter().map(|&count| f64::from(count)).collect();
                (named.name.clone(), group(&values, buckets.width, unit))
            })
            .collect();
        Instances { unit_name, series }
    }

    fn step_minutes(&self) -> u64 {
        self.series
            .iter()
            .map(|(_, steps)| steps.step_minutes)
            .max()
            .unwrap_or(1)
    }

    pub fn alt(&self) -> String {
        let described: Vec<String> = self
            .series
            .iter()
            .map(|(name, steps)| {
                let most = steps.steps.iter().map(|step| step.high).fold(0.0, f64::max);
                let fewest = steps
                    .steps
                    .iter()
                    .map(|step| step.low)
                    .fold(f64::INFINITY, f64::min);
                if fewest >= most {
                    format!("{name} stays at {}", quantity(most))
                } else {
                    format!("{name} ranges from {} to {}", quantity(fewest), quantity(most))
                }
            })
            .collect();
        format!(
            "Instances alive over time ({}), the most in each {}: {}.",
            self.unit_name,
            minutes_in_words(self.step_minutes()),
            described.join("; ")
        )
    }
}

/// Above this many deployments, each gets a panel of its own.
const MOST_OVERLAID: usize = 4;
/// Room for the time axis under the last panel, pixels.
const TIME_AXIS_PX: u32 = 44;

impl Instances {
    fn x_max(&self) -> f64 {
        self.series
            .iter()
            .map(|(_, steps)| steps.end())
            .fold(0.0, f64::max)
            .max(1e-9)
    }

    fn shade_entry(&self) -> Option<Entry> {
        self.series
            .iter()
            .any(|(_, steps)| steps.varies())
            .then(|| Entry {
                label: format!(
                    "shaded: fewest to most in each {}",
                    minutes_in_words(self.step_minutes())
                ),
                swatch: Swatch::Block(BLACK.mix(0.15)),
            })
    }

    /// Every deployment on one plot, told apart by style.
    fn draw_overlaid<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn {
        let mut entries = line_entries(&self.series);
        entries.extend(self.shade_entry());
        let area = frame.legend(&entries)?;
        let x_max = self.x_max();
        let most = self
            .series
            .iter()
            .flat_map(|(_, steps)| steps.steps.iter().map(|step| step.high))
            .fold(1.0, f64::max);
        // A little room below zero, so a line at zero sits above the axis.
        let (y_min, y_max) = (-most * 0.04, most * 1.12);
        let x_label = format!("time ({})", self.unit_name);
        let ticks = |value: &f64| ticks::count(*value);
        let y_label = "instances alive (most per step)";
        let mut chart = time_chart(&area, (0.0, x_max, &x_label), (y_min, y_max, y_label), &ticks)?;
        let (x_range, y_range) = ((0.0, x_max), (y_min, y_max));
        for (index, (_, steps)) in self.series.iter().enumerate() {
            if steps.varies() {
                let band = clip(&steps.band(), x_range, y_range);
                let fill = series_style(index).color.mix(0.18).filled();
                chart
                    .draw_series(std::iter::once(Polygon::new(band, fill)))
                    .map_err(failed)?;
            }
        }
        let count = self.series.len();
        for (index, (_, steps)) in self.series.iter().enumerate() {
            let line = clip(&steps.staircase(|step| step.high), x_range, y_range);
            draw_styled(&mut chart, &line, series_style(index), (index, count, MARKERS))?;
        }
        Ok(())
    }

    /// One strip per deployment, each scaled to its own most and named in
    /// its corner with that count, sharing the time axis under the last.
    fn draw_panels<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn {
        let area = frame.legend(&self.shade_entry().into_iter().collect::<Vec<_>>())?;
        let (_, height) = area.dim_in_pixel();
        let count = self.series.len() as u32;
        let strip = height.saturating_sub(TIME_AXIS_PX) / count.max(1);
        let breaks: Vec<u32> = (1..count).map(|index| index * strip).collect();
        let panels = area.split_by_breakpoints::<u32, u32, _, _>([], breaks);
        let x_max = self.x_max();
        let x_label = format!("time ({})", self.unit_name);
        for (index, ((name, steps), panel)) in self.series.iter().zip(&panels).enumerate() {
            let last = index + 1 == self.series.len();
            self.draw_panel(
                panel,
                (index, name, steps),
                x_max,
                last.then_some(x_label.as_str()),
            )?;
        }
        Ok(())
    }

    fn draw_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, plotters::coord::Shift>,
        (index, name, steps): (usize, &str, &Steps),
        x_max: f64,
        time_axis: Option<&str>,
    ) -> Drawn {
        let most = steps.steps.iter().map(|step| step.high).fold(1.0, f64::max);
        // The lower part of the strip for the staircase, the upper for its name.
        let (y_min, y_max) = (-most * 0.08, most * 2.1);
        let mut chart = ChartBuilder::on(panel)
            .margin_right(28)
            .margin_top(2)
            .x_label_area_size(if time_axis.is_some() { TIME_AXIS_PX } else { 0 })
            .y_label_area_size(16)
            .build_cartesian_2d(0.0..x_max, y_min..y_max)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .x_desc(time_axis.unwrap_or(""))
            .x_labels(if time_axis.is_some() { 10 } else { 0 })
            .x_label_formatter(&|value| ticks::plain(*value))
            .y_labels(0)
            .label_style(("sans-serif", ticks::LABEL_SIZE))
            .axis_desc_style(("sans-serif", ticks::DESC_SIZE))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(failed)?;
        let (x_range, y_range) = ((0.0, x_max), (y_min, y_max));
        let style = series_style(index);
        if steps.varies() {
            let band = clip(&steps.band(), x_range, y_range);
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band,
                    style.color.mix(0.18).filled(),
                )))
                .map_err(failed)?;
        }
        let line = clip(&steps.staircase(|step| step.high), x_range, y_range);
        draw_styled(&mut chart, &line, style, (index, self.series.len(), 0))?;
        let label = TextStyle::from(("sans-serif", ticks::LABEL_SIZE).into_font())
            .pos(Pos::new(HPos::Left, VPos::Top));
        chart
            .draw_series(std::iter::once(Text::new(
                format!("{name} (up to {})", quantity(most)),
                (x_max * 0.005, y_max),
                label,
            )))
            .map_err(failed)?;
        Ok(())
    }
}

impl Plot for Instances {
    fn draw<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn {
        if self.series.len() > MOST_OVERLAID {
            self.draw_panels(frame)
        } else {
            self.draw_overlaid(frame)
        }
    }
}
