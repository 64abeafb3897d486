//! Total cost against p99 latency for every row of a sweep, one marker
//! style per deployment, the Pareto front drawn as a staircase (no row lies
//! below and left of it), the recommended row ringed, and, when the SLO
//! sets a p99 limit, the latencies that miss it shaded. Latency is on a log
//! scale when the rows span more than a factor of 20.

use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::charts::{cost_range, mesh_style, money_tick};
use super::{on_front, recommended, rows};
use crate::pricing::money::to_f64;
use crate::report::charts::frame::{Entry, Swatch};
use crate::report::charts::lines::money_words;
use crate::report::charts::style::{draw_marker, series_style};
use crate::report::charts::{Drawn, Frame, Plot, failed, ticks};
use crate::slo::show_millis;
use crate::sweep::outcome::SweepOutcome;

/// A chart whose costs are linear, across `X`.
type Linear<'a, DB, X> = ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>;
/// The (latency, cost) ranges.
type Ranges = ((f64, f64), (f64, f64));

/// A latency spread beyond which the axis is logarithmic.
const LOG_SPREAD: f64 = 20.0;

pub struct ParetoChart {
    deployments: Vec<String>,
    /// (deployment, p99 ms, total dollars) for every row.
    dots: Vec<(usize, f64, f64)>,
    /// The front's (p99 ms, total dollars), fastest first.
    front: Vec<(f64, f64)>,
    recommended: Option<(f64, f64)>,
    slo_p99_ms: Option<f64>,
    currency: String,
}

impl ParetoChart {
    pub fn of(outcome: &SweepOutcome) -> Self {
        let first = outcome.points.first();
        let deployments: Vec<String> = first.map_or_else(Vec::new, |point| {
            point.rows.iter().map(|row| row.deployment.clone()).collect()
        });
        let dots = rows(outcome)
            .map(|row| (row.deployment, row.row.p99_ms, to_f64(row.row.total)))
            .collect::<Vec<_>>();
        let mut front: Vec<(f64, f64)> = dots
            .iter()
            .zip(on_front(outcome))
            .filter(|(_, on)| *on)
            .map(|(&(_, p99, cost), _)| (p99, cost))
            .collect();
        front.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
        front.dedup();
        let recommended = recommended(outcome).map(|(position, deployment)| {
            let row = &outcome.points[position].rows[deployment];
            (row.p99_ms, to_f64(row.total))
        });
        ParetoChart {
            deployments,
            dots,
            front,
            recommended,
            slo_p99_ms: outcome.manifest.slo_p99_ms,
            currency: first
                .and_then(|point| point.rows.first())
                .map_or("USD".into(), |row| row.currency.clone()),
        }
    }

    pub fn caption(&self) -> String {
        let mut caption = format!(
            "Every point × deployment: total cost ({}) against p99 latency. The line is the Pareto front: \
             no result is both cheaper and faster than a point on it.",
            self.currency
        );
        if let Some(limit) = self.slo_p99_ms {
            caption.push_str(&format!(
                " The shaded latencies miss the SLO's p99 limit of {}.",
                show_millis(limit)
            ));
        }
        if self.recommended.is_some() {
            caption.push_str(" The ringed result is the recommended one.");
        }
        caption
    }

    pub fn alt(&self) -> String {
        let ends = match (self.front.first(), self.front.last()) {
            (Some(fast), Some(cheap)) => format!(
                ", from {} at p99 {} to {} at p99 {}",
                money_words(fast.1),
                show_millis(fast.0),
                money_words(cheap.1),
                show_millis(cheap.0)
            ),
            _ => String::new(),
        };
        let recommended = self.recommended.map_or(String::new(), |(p99, cost)| {
            format!(
                " The recommended result costs {} at p99 {}.",
                money_words(cost),
                show_millis(p99)
            )
        });
        format!(
            "Total cost against p99 latency for {} results; {} on the Pareto front{ends}.{recommended}",
            self.dots.len(),
            self.front.len()
        )
    }

    fn entries(&self) -> Vec<Entry> {
        let mut entries: Vec<Entry> = self
            .deployments
            .iter()
            .enumerate()
            .map(|(index, name)| Entry {
                label: name.clone(),
                swatch: Swatch::Marker(series_style(index)),
            })
            .collect();
        entries.push(Entry {
            label: "Pareto front".into(),
            swatch: Swatch::Rule(BLACK.mix(0.75)),
        });
        if let Some(limit) = self.slo_p99_ms {
            entries.push(Entry {
                label: format!("misses the SLO (p99 over {})", show_millis(limit)),
                swatch: Swatch::Block(RED.mix(0.12)),
            });
        }
        entries
    }

    /// The latency range, and whether it is logarithmic.
    fn latency_range(&self) -> ((f64, f64), bool) {
        let all = || {
            self.dots
                .iter()
                .map(|dot| dot.1)
                .filter(|p99| p99.is_finite())
                .chain(self.slo_p99_ms)
        };
        let low = all().fold(f64::INFINITY, f64::min);
        let high = all().fold(f64::NEG_INFINITY, f64::max);
        if !low.is_finite() {
            return ((0.0, 1.0), false);
        }
        if low > 0.0 && high / low > LOG_SPREAD {
            ((low * 0.8, high * 1.25), true)
        } else {
            ((0.0, high.max(1.0) * 1.1), false)
        }
    }

    /// The front as a staircase to the plot's right edge: across at each
    /// point's cost to the next point's latency, then down.
    fn staircase(&self, right: f64) -> Vec<(f64, f64)> {
        let mut steps = Vec::with_capacity(self.front.len() * 2 + 1);
        for (index, &(p99, cost)) in self.front.iter().enumerate() {
            steps.push((p99, cost));
            let next = self.front.get(index + 1).map_or(right, |point| point.0);
            steps.push((next, cost));
        }
        steps
    }

    fn draw_on<DB, X>(&self, chart: &mut Linear<'_, DB, X>, (x, y): Ranges, log: bool) -> Drawn
    where
        DB: DrawingBackend,
        X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        let title = if log {
            "client-observed p99 latency (log scale)"
        } else {
            "client-observed p99 latency"
        };
        mesh_style(
            chart,
            (title, &format!("total cost ({})", self.currency)),
            10,
            &|value| ticks::millis(*value),
            &money_tick(y.1),
        )?;
        if let Some(limit) = self.slo_p99_ms.filter(|limit| *limit < x.1) {
            let shade = Rectangle::new([(limit.max(x.0), y.0), (x.1, y.1)], RED.mix(0.12).filled());
            chart.draw_series(std::iter::once(shade)).map_err(failed)?;
            let rule =
                DashedLineSeries::new([(limit, y.0), (limit, y.1)], 6, 4, RED.mix(0.6).stroke_width(2));
            chart.draw_series(rule).map_err(failed)?;
        }
        let clipped: Vec<(f64, f64)> = self
            .staircase(x.1)
            .into_iter()
            .map(|(p99, cost)| (p99.clamp(x.0, x.1), cost.clamp(y.0, y.1)))
            .collect();
        chart
            .draw_series(LineSeries::new(clipped, BLACK.mix(0.75).stroke_width(2)))
            .map_err(failed)?;
        let area = chart.plotting_area();
        for &(deployment, p99, cost) in &self.dots {
            let style = series_style(deployment);
            let at = (p99.clamp(x.0, x.1), cost.clamp(y.0, y.1));
            draw_marker(area, style.marker, at, 5, style.color)?;
        }
        if let Some((p99, cost)) = self.recommended {
            let at = (p99.clamp(x.0, x.1), cost.clamp(y.0, y.1));
            area.draw(&Circle::new(at, 12, BLACK.stroke_width(2)))
                .map_err(failed)?;
            let style =
                TextStyle::from(("sans-serif", 14).into_font()).pos(Pos::new(HPos::Left, VPos::Bottom));
            area.draw(&(EmptyElement::at(at) + Text::new("recommended", (12, -10), style)))
                .map_err(failed)?;
        }
        Ok(())
    }
}

impl Plot for ParetoChart {
    fn draw<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn {
        let area = frame.legend(&self.entries())?;
        let (x, log) = self.latency_range();
        let y = cost_range(self.dots.iter().map(|dot| dot.2));
        let builder = || {
            let mut builder = ChartBuilder::on(&area);
            builder
                .margin(12)
                .margin_right(28)
                .x_label_area_size(48)
                .y_label_area_size(80);
            builder
        };
        if log {
            let mut chart = builder()
                .build_cartesian_2d((x.0..x.1).log_scale(), y.0..y.1)
                .map_err(failed)?;
            self.draw_on(&mut chart, (x, y), true)
        } else {
            let mut chart = builder().build_cartesian_2d(x.0..x.1, y.0..y.1).map_err(failed)?;
            self.draw_on(&mut chart, (x, y), false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sweep::sample;

    #[test]
    fn the_front_is_a_staircase_fastest_first() {
        // Front (sample.rs): EC2 $20 at 80 ms, Lambda $12.5 at 412.25 ms.
        let chart = ParetoChart::of(&sample::outcome());
        assert_eq!(chart.front, [(80.0, 20.0), (412.25, 12.5)]);
        assert_eq!(
            chart.staircase(700.0),
            [(80.0, 20.0), (412.25, 20.0), (412.25, 12.5), (700.0, 12.5)]
        );
        assert_eq!(chart.recommended, Some((412.25, 12.5)));
        // 80 to 612.5 ms, a factor under 20: linear from 0 to 612.5 × 1.1.
        let ((low, high), log) = chart.latency_range();
        assert_eq!((low, log), (0.0, false));
        assert!((high - 673.75).abs() < 1e-9);
        assert!(chart.caption().contains("miss the SLO's p99 limit of 500 ms"));
    }
}
