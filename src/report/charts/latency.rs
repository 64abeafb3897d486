//! Latency as a complementary CDF: for each latency (across, log scale),
//! the share of requests slower than it (up, log scale), so the tail where
//! cold starts live is as tall as the body. Each deployment's p50, p95 and
//! p99 are marked on its curve, and the three shares are drawn as guides.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{Frame, line_entries};
use super::lines::{clip, draw_styled};
use super::style::{draw_marker, series_style};
use super::{Drawn, Plot, failed, ticks};
use crate::compare::NamedResult;
use crate::report::format::fixed;

/// (name, p50, p95, p99) in milliseconds.
type Percentiles = (String, f64, f64, f64);

pub struct Latency {
    /// (name, (latency ms, share slower)).
    curves: Vec<(String, Vec<(f64, f64)>)>,
    marks: Vec<Percentiles>,
}

/// The shares the percentiles leave slower: p50 → 0.5, p95 → 0.05, p99 → 0.01.
const GUIDES: [(&str, f64); 3] = [("p50", 0.5), ("p95", 0.05), ("p99", 0.01)];

impl Latency {
    pub fn of(results: &[NamedResult]) -> Self {
        let curves = results
            .iter()
            .map(|named| {
                let points = named
                    .result
                    .series
                    .latency_cdf
                    .iter()
                    .filter(|(ms, at_or_below)| *ms > 0.0 && *at_or_below < 1.0)
                    .map(|&(ms, at_or_below)| (ms, 1.0 - at_or_below))
                    .collect();
                (named.name.clone(), points)
            })
            .collect();
        let marks = results
            .iter()
            .map(|named| {
                let latency = &named.result.latency_ms;
                (named.name.clone(), latency.p50, latency.p95, latency.p99)
            })
            .collect();
        Latency { curves, marks }
    }

    pub fn alt(&self) -> String {
        let described: Vec<String> = self
            .marks
            .iter()
            .map(|(name, p50, p95, p99)| {
                format!(
                    "{name}: p50 {} ms, p95 {} ms, p99 {} ms",
                    fixed(*p50, 1),
                    fixed(*p95, 1),
                    fixed(*p99, 1)
                )
            })
            .collect();
        format!(
            "Share of requests slower than each latency, both axes logarithmic. {}.",
            described.join("; ")
        )
    }

    /// The axes' ranges: latency from below the fastest to above the
    /// slowest, shares from below the smallest drawn to 1.
    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let all = || self.curves.iter().flat_map(|(_, points)| points.iter());
        let fastest = all().map(|point| point.0).fold(f64::INFINITY, f64::min);
        let fastest = if fastest.is_finite() { fastest * 0.8 } else { 1.0 };
        let slowest = all().map(|point| point.0).fold(fastest * 10.0, f64::max) * 1.25;
        let smallest = all().map(|point| point.1).fold(0.01, f64::min);
        ((fastest, slowest), (smallest * 0.5, 1.0))
    }
}

impl Plot for Latency {
    fn draw<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn {
        let entries = line_entries(&self.curves);
        let area = frame.legend(&entries)?;
        let (x, y) = self.ranges();
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_right(44)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d((x.0..x.1).log_scale(), (y.0..y.1).log_scale())
            .map_err(failed)?;
        chart
            .configure_mesh()
            .x_desc("latency (ms, log scale)")
            .y_desc("share of requests slower (log scale)")
            .x_label_formatter(&|value| ticks::millis(*value))
            .y_label_formatter(&|value| ticks::share(*value))
            .label_style(("sans-serif", ticks::LABEL_SIZE))
            .axis_desc_style(("sans-serif", ticks::DESC_SIZE))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(failed)?;
        for (label, share) in GUIDES {
            let guide = DashedLineSeries::new(
                [(x.0, share), (x.1, share)],
                4,
                4,
                BLACK.mix(0.35).stroke_width(1),
            );
            chart.draw_series(guide).map_err(failed)?;
            let style =
                TextStyle::from(("sans-serif", 13).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
            chart
                .draw_series(std::iter::once(Text::new(label, (x.1, share), style)))
                .map_err(failed)?;
        }
        let count = self.curves.len();
        for (index, (_, points)) in self.curves.iter().enumerate() {
            let points = clip(points, x, y);
            draw_styled(&mut chart, &points, series_style(index), (index, count, 0))?;
        }
        let area = chart.plotting_area();
        for (index, (_, p50, p95, p99)) in self.marks.iter().enumerate() {
            let style = series_style(index);
            for (ms, (_, share)) in [*p50, *p95, *p99].into_iter().zip(GUIDES) {
                if ms > 0.0 {
                    let at = (ms.clamp(x.0, x.1), share);
                    // Earlier deployments' marks are larger, so equal
                    // percentiles show as nested marks, not one.
                    let size = 9 - 2 * index.min(3) as i32;
                    draw_marker(area, style.marker, at, size, style.color)?;
                }
            }
        }
        Ok(())
    }
}
