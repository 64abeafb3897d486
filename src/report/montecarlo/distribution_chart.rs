//! The totals' distribution: one panel per deployment, stacked on a shared
//! cost axis, each a histogram of its replications' totals on bins shared
//! by every panel (so bars compare across them) with a box plot above it:
//! the box from P25 to P75, the median across it, whiskers to P5 and P95.
//! With a budget, a dashed vertical line at it through every panel.

use plotters::chart::LabelAreaPosition;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::charts::{BUDGET, bounds, money_tick, stacked};
use super::period;
use crate::montecarlo::statistics::quantile;
use crate::montecarlo::summary::Summary;
use crate::pricing::Decimal;
use crate::pricing::money::to_f64;
use crate::report::charts::frame::{Entry, Swatch};
use crate::report::charts::lines::money_words;
use crate::report::charts::style::color;
use crate::report::charts::{Drawn, Frame, Plot, failed, ticks};

/// The bottom panel's extra height, for the shared axis's labels.
const AXIS: u32 = 48;
/// A budget further from the bins than this many times their span is left
/// off the chart, and said so in the legend.
const BUDGET_REACH: f64 = 2.0;

/// Histogram bins every panel shares: `count` bins of `width` from `start`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bins {
    pub start: f64,
    pub width: f64,
    pub count: usize,
}

impl Bins {
    /// Bins of a round width (1, 2, 2.5 or 5 × a power of ten) covering
    /// `values`, about √n of them (5 to 30); one bin, 2% of the value
    /// wide, when every value is the same.
    pub fn covering(values: &[f64], per_panel: usize) -> Self {
        let Some((low, high)) = bounds(values.iter().copied()) else {
            return Bins {
                start: 0.0,
                width: 1.0,
                count: 1,
            };
        };
        let target = ((per_panel as f64).sqrt().ceil() as usize).clamp(5, 30);
        let raw = if high > low {
            (high - low) / target as f64
        } else {
            (low.abs() * 0.02).max(0.01)
        };
        let width = round_width(raw);
        if high <= low {
            // One bin centred on the value.
            return Bins {
                start: low - width / 2.0,
                width,
                count: 1,
            };
        }
        let start = (low / width + 1e-9).floor() * width;
        let count = ((high - start) / width + 1e-9).floor() as usize + 1;
        Bins { start, width, count }
    }

    /// Which bin `value` falls in (the last one holds its upper edge's).
    pub fn index(&self, value: f64) -> usize {
        let position = ((value - self.start) / self.width + 1e-9).floor();
        if position.is_finite() && position > 0.0 {
            (position as usize).min(self.count - 1)
        } else {
            0
        }
    }

    pub fn end(&self) -> f64 {
        self.start + self.width * self.count as f64
    }

    /// How many of `values` fall in each bin.
    pub fn counts(&self, values: &[f64]) -> Vec<usize> {
        let mut counts = vec![0; self.count];
        for &value in values.iter().filter(|value| value.is_finite()) {
            counts[self.index(value)] += 1;
        }
        counts
    }
}

/// The least of 1, 2, 2.5, 5 × 10^k that is at least `raw`.
fn round_width(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|step| step * power)
        .find(|width| *width >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

/// One deployment's panel.
struct Panel {
    name: String,
    counts: Vec<usize>,
    /// P5, P25, P50, P75, P95 of its totals.
    boxed: [f64; 5],
}

pub struct Distribution {
    period: String,
    replications: usize,
    currency: String,
    budget: Option<f64>,
    bins: Bins,
    panels: Vec<Panel>,
}

const LEVELS: [i64; 5] = [5, 25, 50, 75, 95];

impl Distribution {
    pub fn of(summary: &Summary) -> Self {
        let totals: Vec<Vec<f64>> = summary
            .deployments
            .iter()
            .map(|deployment| deployment.totals.iter().copied().map(to_f64).collect())
            .collect();
        let every: Vec<f64> = totals.iter().flatten().copied().collect();
        let per_panel = totals.iter().map(Vec::len).max().unwrap_or(0);
        let bins = Bins::covering(&every, per_panel);
        let panels = summary
            .deployments
            .iter()
            .zip(&totals)
            .map(|(deployment, values)| {
                let mut sorted = deployment.totals.clone();
                sorted.sort();
                Panel {
                    name: deployment.name.clone(),
                    counts: bins.counts(values),
                    boxed: LEVELS.map(|percent| to_f64(quantile(&sorted, Decimal::from(percent)))),
                }
            })
            .collect();
        Distribution {
            period: period(summary.horizon_s),
            replications: summary.replications,
            currency: summary
                .deployments
                .first()
                .map_or("USD".into(), |deployment| deployment.currency.clone()),
            budget: summary.budget.map(to_f64),
            bins,
            panels,
        }
    }

    pub fn caption(&self) -> String {
        let mut caption = format!(
            "The total ({}) over the simulated {} in each of {} replications, one panel per deployment, \
             all on the same bins ({} wide) and the same axis so that panels compare. Above each histogram the box \
             spans P25 to P75 with the median across it, and the whiskers reach P5 and P95 (not the least and \
             the most); these quantiles interpolate between the replications' totals.",
            self.currency,
            self.period,
            self.replications,
            money_words(self.bins.width)
        );
        if let Some(budget) = self.budget {
            caption.push_str(&format!(
                " The dashed line is the budget, {}.",
                money_words(budget)
            ));
        }
        caption
    }

    pub fn alt(&self) -> String {
        let panels: Vec<String> = self
            .panels
            .iter()
            .map(|panel| {
                format!(
                    "{}: P50 {}, 90% between {} and {}",
                    panel.name,
                    money_words(panel.boxed[2]),
                    money_words(panel.boxed[0]),
                    money_words(panel.boxed[4])
                )
            })
            .collect();
        format!(
            "Total cost over {} in {} replications, on shared bins {} wide. {}.",
            self.period,
            self.replications,
            money_words(self.bins.width),
            panels.join("; ")
        )
    }

    /// The cost axis, and whether the budget is on it.
    fn x_range(&self) -> ((f64, f64), bool) {
        let (low, high) = (self.bins.start, self.bins.end());
        let pad = self.bins.width * 0.5;
        match self.budget {
            Some(budget) if budget.is_finite() => {
                let (from, to) = (low.min(budget), high.max(budget));
                if to - from <= (high - low) * (1.0 + BUDGET_REACH) {
                    ((from - pad, to + pad), true)
                } else {
                    ((low - pad, high + pad), false)
                }
            }
            _ => ((low - pad, high + pad), false),
        }
    }

    fn entries(&self, budget_shown: bool) -> Vec<Entry> {
        let mut entries: Vec<Entry> = self
            .panels
            .iter()
            .enumerate()
            .map(|(index, panel)| Entry {
                label: panel.name.clone(),
                swatch: Swatch::Block(color(index).mix(0.6)),
            })
            .collect();
        entries.push(Entry {
            label: "box P25–P75, median, whiskers P5–P95".into(),
            swatch: Swatch::Rule(BLACK.mix(0.8)),
        });
        if let Some(budget) = self.budget {
            let off = if budget_shown { "" } else { " (off the chart)" };
            entries.push(Entry {
                label: format!("budget {}{off}", money_words(budget)),
                swatch: Swatch::Rule(BUDGET.to_rgba()),
            });
        }
        entries
    }
}

impl Plot for Distribution {
    fn draw<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn {
        let (x, budget_shown) = self.x_range();
        let area = frame.legend(&self.entries(budget_shown))?;
        let tallest = self.panels.iter().flat_map(|panel| panel.counts.iter()).max();
        let tallest = tallest.copied().unwrap_or(0).max(1) as f64;
        let count = self.panels.len();
        let each = area.dim_in_pixel().1.saturating_sub(AXIS) / count.max(1) as u32;
        let budget = self.budget.filter(|_| budget_shown);
        for (index, (panel, here)) in self.panels.iter().zip(stacked(area, count, each)).enumerate() {
            let view = PanelView {
                x,
                tallest,
                axis: index + 1 == count,
                budget,
                label_budget: index == 0,
            };
            self.draw_panel(&here, index, panel, &view)?;
        }
        Ok(())
    }
}

/// How a panel is drawn: the shared ranges, whether it carries the axis.
struct PanelView {
    x: (f64, f64),
    tallest: f64,
    axis: bool,
    budget: Option<f64>,
    label_budget: bool,
}

type Linear<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

impl Distribution {
    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        index: usize,
        panel: &Panel,
        view: &PanelView,
    ) -> Drawn {
        let top = view.tallest * 1.6;
        let mut chart = ChartBuilder::on(area)
            .margin(6)
            .margin_right(28)
            .caption(&panel.name, ("sans-serif", 15))
            .x_label_area_size(if view.axis { AXIS } else { 0 })
            .y_label_area_size(80)
            .build_cartesian_2d(view.x.0..view.x.1, 0.0..top)
            .map_err(failed)?;
        let x_title = format!("total cost ({})", self.currency);
        let (tallest, axis) = (view.tallest, view.axis);
        let span = view.x.1 - view.x.0;
        let x_ticks = |value: &f64| {
            if axis {
                money_tick(*value, span)
            } else {
                String::new()
            }
        };
        let y_ticks = |value: &f64| {
            if *value <= tallest + 1e-9 {
                ticks::count(*value)
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .x_desc(if axis { x_title.as_str() } else { "" })
            .y_desc("replications")
            .x_labels(10)
            .y_labels(4)
            .x_label_formatter(&x_ticks)
            .y_label_formatter(&y_ticks)
            .set_tick_mark_size(LabelAreaPosition::Left, 0)
            .label_style(("sans-serif", ticks::LABEL_SIZE))
            .axis_desc_style(("sans-serif", ticks::DESC_SIZE))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(failed)?;
        let fill = color(index).mix(0.6).filled();
        let inset = self.bins.width * 0.04;
        let bars = panel
            .counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(bin, n)| {
                let left = self.bins.start + self.bins.width * bin as f64;
                Rectangle::new(
                    [(left + inset, 0.0), (left + self.bins.width - inset, *n as f64)],
                    fill,
                )
            });
        chart.draw_series(bars).map_err(failed)?;
        draw_box(&mut chart, panel.boxed, index, (tallest * 1.3, tallest * 0.13))?;
        if let Some(budget) = view.budget {
            let line = DashedLineSeries::new([(budget, 0.0), (budget, top)], 8, 5, BUDGET.stroke_width(2));
            chart.draw_series(line).map_err(failed)?;
            if view.label_budget {
                let style = TextStyle::from(("sans-serif", 14).into_font())
                    .color(&BUDGET)
                    .pos(Pos::new(HPos::Left, VPos::Top));
                let label = Text::new(format!("budget {}", money_words(budget)), (5, 2), style);
                chart
                    .plotting_area()
                    .draw(&(EmptyElement::at((budget, top)) + label))
                    .map_err(failed)?;
            }
        }
        Ok(())
    }
}

/// A box plot at height `middle`, `half` tall each way: whiskers from P5 to
/// P25 and from P75 to P95 with caps, the box, the median across it.
fn draw_box<DB: DrawingBackend>(
    chart: &mut Linear<'_, DB>,
    [p5, p25, p50, p75, p95]: [f64; 5],
    index: usize,
    (middle, half): (f64, f64),
) -> Drawn {
    let ink = color(index).stroke_width(2);
    let dark = BLACK.mix(0.85).stroke_width(3);
    let lines = [
        vec![(p5, middle), (p25, middle)],
        vec![(p75, middle), (p95, middle)],
        vec![(p5, middle - half * 0.6), (p5, middle + half * 0.6)],
        vec![(p95, middle - half * 0.6), (p95, middle + half * 0.6)],
    ];
    chart
        .draw_series(lines.into_iter().map(|points| PathElement::new(points, ink)))
        .map_err(failed)?;
    let corners = [(p25, middle - half), (p75, middle + half)];
    chart
        .draw_series([
            Rectangle::new(corners, color(index).mix(0.3).filled()),
            Rectangle::new(corners, ink),
        ])
        .map_err(failed)?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(p50, middle - half), (p50, middle + half)],
            dark,
        )))
        .map_err(failed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::montecarlo::sample;

    #[test]
    fn every_panel_shares_the_bins() {
        // Totals span $10 (Lambda's least) to $13 (EC2's most); √50 → 8
        // bins of 3 / 8 = 0.375, rounded up to 0.5: 10, 10.5, …, 13.5, so
        // 7 bins. Lambda's 10 values (each 5 times) fill bins 0–4 with two
        // values each; EC2's 11, 11.5, 12, 12.5, 13 (10 each) bins 2–6.
        let chart = Distribution::of(&sample::summary());
        assert_eq!(
            chart.bins,
            Bins {
                start: 10.0,
                width: 0.5,
                count: 7
            }
        );
        assert_eq!(chart.panels[0].counts, [10, 10, 10, 10, 10, 0, 0]);
        assert_eq!(chart.panels[1].counts, [0, 0, 10, 10, 10, 10, 10]);
        // Lambda's box (sample.rs): P5 10, P25 at 12.25 → 10.5, P50 11.125,
        // P75 at 36.75 → 11.75, P95 12.25.
        assert_eq!(chart.panels[0].boxed, [10.0, 10.5, 11.125, 11.75, 12.25]);
        assert_eq!(chart.panels[1].boxed, [11.0, 11.5, 12.0, 12.5, 13.0]);
        assert!(
            chart
                .alt()
                .contains("Lambda: P50 $11.13, 90% between $10.00 and $12.25")
        );
        assert!(chart.caption().contains("same bins ($0.50 wide)"));
        // The $12 budget is inside the bins: the axis pads them by 0.25.
        assert_eq!(chart.x_range(), ((9.75, 13.75), true));
    }

    #[test]
    fn equal_totals_make_one_narrow_bin() {
        // Every total $5: one bin 2% of it wide, 0.1, centred on 5.
        let chart = Distribution::of(&sample::all_equal());
        assert_eq!(chart.bins.count, 1);
        assert!((chart.bins.width - 0.1).abs() < 1e-12);
        assert!((chart.bins.start - 4.95).abs() < 1e-9);
        assert_eq!(chart.panels[0].counts, [50]);
        assert_eq!(chart.panels[0].boxed, [5.0; 5]);
        let empty = Bins::covering(&[], 0);
        assert_eq!(empty.counts(&[]), [0]);
    }

    #[test]
    fn widths_are_round() {
        assert_eq!(round_width(0.375), 0.5);
        assert_eq!(round_width(0.2), 0.2);
        assert_eq!(round_width(3.0), 5.0);
        assert_eq!(round_width(12.0), 20.0);
        assert!((round_width(0.021) - 0.025).abs() < 1e-15);
    }
}
