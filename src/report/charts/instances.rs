//! Instances over time: per deployment, a staircase of the most instances
//! alive in each step (a step groups the run's buckets so a month draws in
//! at most a few hundred), with a light band down to the fewest where they
//! differ. Each deployment has its own colour, width, dash and markers, so
//! two deployments that keep the same count (two dynos, two VMs) both show.

use plotters::prelude::*;

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

impl Plot for Instances {
    fn draw<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn {
        let mut entries = line_entries(&self.series);
        let banded = self.series.iter().any(|(_, steps)| steps.varies());
        if banded {
            entries.push(Entry {
                label: format!(
                    "shaded: fewest to most in each {}",
                    minutes_in_words(self.step_minutes())
                ),
                swatch: Swatch::Block(BLACK.mix(0.15)),
            });
        }
        let area = frame.legend(&entries)?;
        let x_max = self
            .series
            .iter()
            .map(|(_, steps)| steps.end())
            .fold(0.0, f64::max)
            .max(1e-9);
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
}
