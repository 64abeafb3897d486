//! The tornado of one-at-a-time swings: one panel per deployment, a bar
//! per uncertain input from the total with the input at the low end of its
//! 90% range to the total at the high end (each half coloured by its end),
//! around the base line where every input sits at its median. Inputs are
//! sorted by swing, the largest on top, and each bar's ends are labelled
//! with the input's value and the total there.

use plotters::chart::LabelAreaPosition;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::charts::{bounds, money_tick, stacked};
use crate::montecarlo::summary::{Summary, TornadoBar};
use crate::pricing::money::to_f64;
use crate::report::charts::frame::{Entry, Swatch};
use crate::report::charts::lines::money_words;
use crate::report::charts::{Drawn, Frame, Plot, failed, ticks};

const LOW: RGBColor = RGBColor(70, 130, 180);
const HIGH: RGBColor = RGBColor(205, 92, 92);
/// Room each side of the bars for their end labels, as a share of the span.
const ROOM: f64 = 0.45;

/// One bar, in dollars.
#[derive(Debug, Clone, PartialEq)]
struct Bar {
    input: String,
    low_value: String,
    high_value: String,
    at_low: f64,
    at_high: f64,
}

/// One deployment's bars, the largest swing first.
struct Panel {
    name: String,
    base: f64,
    bars: Vec<Bar>,
}

pub struct Tornado {
    currency: String,
    panels: Vec<Panel>,
}

/// `bars` of `deployment`, sorted by swing, largest first (scenario order
/// on a tie).
fn sorted<'a>(bars: &'a [TornadoBar], deployment: &str) -> Vec<&'a TornadoBar> {
    let mut mine: Vec<&TornadoBar> = bars.iter().filter(|bar| bar.deployment == deployment).collect();
    mine.sort_by_key(|bar| std::cmp::Reverse(bar.swing()));
    mine
}

impl Tornado {
    pub fn of(summary: &Summary) -> Self {
        let panels = summary
            .deployments
            .iter()
            .filter_map(|deployment| {
                let bars = sorted(&summary.tornado, &deployment.name);
                let base = to_f64(bars.first()?.base);
                Some(Panel {
                    name: deployment.name.clone(),
                    base,
                    bars: bars
                        .into_iter()
                        .map(|bar| Bar {
                            input: bar.input.clone(),
                            low_value: bar.low_value.clone(),
                            high_value: bar.high_value.clone(),
                            at_low: to_f64(bar.at_low),
                            at_high: to_f64(bar.at_high),
                        })
                        .collect(),
                })
            })
            .collect();
        Tornado {
            currency: summary
                .deployments
                .first()
                .map_or("USD".into(), |deployment| deployment.currency.clone()),
            panels,
        }
    }

    pub fn caption(&self) -> String {
        format!(
            "One input at a time: each bar runs from the deployment's total ({}) with the input at the low end of its \
             90% range to its total with the input at the high end, every other input at its median and the \
             scenario's seed; the vertical line is the base, every input at its median. Inputs are sorted by how far \
             they move the total, the largest on top. Two runs per input and deployment, not the replications.",
            self.currency
        )
    }

    pub fn alt(&self) -> String {
        let panels: Vec<String> = self
            .panels
            .iter()
            .map(|panel| {
                let bars: Vec<String> = panel
                    .bars
                    .iter()
                    .map(|bar| {
                        format!(
                            "{} from {} at {} to {} at {}",
                            bar.input,
                            money_words(bar.at_low),
                            bar.low_value,
                            money_words(bar.at_high),
                            bar.high_value
                        )
                    })
                    .collect();
                format!(
                    "{} (base {}): {}",
                    panel.name,
                    money_words(panel.base),
                    bars.join(", ")
                )
            })
            .collect();
        format!(
            "Swing of each deployment's total, one input at a time, largest first. {}.",
            panels.join("; ")
        )
    }

    fn entries() -> Vec<Entry> {
        vec![
            Entry {
                label: "input at the low end of its 90% range".into(),
                swatch: Swatch::Block(LOW.mix(0.8)),
            },
            Entry {
                label: "at the high end".into(),
                swatch: Swatch::Block(HIGH.mix(0.8)),
            },
            Entry {
                label: "base: every input at its median".into(),
                swatch: Swatch::Rule(BLACK.mix(0.8)),
            },
        ]
    }
}

impl Panel {
    /// The cost axis: the bars and the base, with room for the labels.
    fn range(&self) -> (f64, f64) {
        let values = self.bars.iter().flat_map(|bar| [bar.at_low, bar.at_high]);
        let (low, high) = bounds(values.chain([self.base])).unwrap_or((0.0, 1.0));
        let span = if high > low {
            high - low
        } else {
            (high.abs() * 0.1).max(0.01)
        };
        (low - span * ROOM, high + span * ROOM)
    }

    /// The bottom of the row a bar sits in: the largest swing's on top.
    fn row(&self, rank: usize) -> f64 {
        (self.bars.len() - 1 - rank) as f64
    }
}

/// Pixel width of the input names' column.
fn names_width(panels: &[Panel]) -> u32 {
    let longest = panels
        .iter()
        .flat_map(|panel| panel.bars.iter().map(|bar| bar.input.chars().count()))
        .max()
        .unwrap_or(0);
    (longest as u32 * 8 + 24).clamp(80, 320)
}

impl Plot for Tornado {
    fn draw<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn {
        let area = frame.legend(&Self::entries())?;
        let count = self.panels.len();
        let each = area.dim_in_pixel().1 / count.max(1) as u32;
        let names = names_width(&self.panels);
        for (panel, here) in self.panels.iter().zip(stacked(area, count, each)) {
            self.draw_panel(&here, panel, names)?;
        }
        Ok(())
    }
}

impl Tornado {
    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: &Panel,
        names: u32,
    ) -> Drawn {
        let (from, to) = panel.range();
        let rows = panel.bars.len().max(1) as f64;
        let title = format!("{}: base {}", panel.name, money_words(panel.base));
        let mut chart = ChartBuilder::on(area)
            .margin(6)
            .margin_right(28)
            .caption(title, ("sans-serif", 15))
            .x_label_area_size(30)
            .y_label_area_size(names)
            .build_cartesian_2d(from..to, 0.0..rows)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .x_labels(8)
            .y_labels(2)
            .x_label_formatter(&|value| money_tick(*value, to - from))
            .y_label_formatter(&|_| String::new())
            .set_tick_mark_size(LabelAreaPosition::Left, 0)
            .label_style(("sans-serif", ticks::LABEL_SIZE))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .disable_y_mesh()
            .draw()
            .map_err(failed)?;
        for (rank, bar) in panel.bars.iter().enumerate() {
            draw_bar(&mut chart, bar, panel.base, (panel.row(rank), from))?;
        }
        let base = [(panel.base, 0.0), (panel.base, rows)];
        chart
            .draw_series(std::iter::once(PathElement::new(
                base,
                BLACK.mix(0.8).stroke_width(2),
            )))
            .map_err(failed)?;
        Ok(())
    }
}

type Linear<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// One bar in the row from `row` to `row + 1`: its halves, the labels at
/// its ends, and the input's name left of the axis at `left`.
fn draw_bar<DB: DrawingBackend>(
    chart: &mut Linear<'_, DB>,
    bar: &Bar,
    base: f64,
    (row, left): (f64, f64),
) -> Drawn {
    let middle = row + 0.5;
    for (end, ink) in [(bar.at_low, LOW), (bar.at_high, HIGH)] {
        let corners = [(base, row + 0.18), (end, row + 0.82)];
        let shape = Rectangle::new(corners, ink.mix(0.8).filled());
        chart.draw_series(std::iter::once(shape)).map_err(failed)?;
    }
    let area = chart.plotting_area();
    let text = |anchor| TextStyle::from(("sans-serif", 13).into_font()).pos(Pos::new(anchor, VPos::Center));
    for (words, at, right) in end_labels(bar, base) {
        let (anchor, offset) = if right { (HPos::Left, 6) } else { (HPos::Right, -6) };
        let element = EmptyElement::at((at, middle)) + Text::new(words, (offset, 0), text(anchor));
        area.draw(&element).map_err(failed)?;
    }
    let name = TextStyle::from(("sans-serif", ticks::LABEL_SIZE).into_font())
        .pos(Pos::new(HPos::Right, VPos::Center));
    let element = EmptyElement::at((left, middle)) + Text::new(bar.input.clone(), (-10, 0), name);
    area.draw(&element).map_err(failed)
}

/// The labels at a bar's ends as (text, where, whether to its right): each
/// end's value and total beyond it, away from the base; one label at the
/// far end when both ends lie on the same side (or on the base).
fn end_labels(bar: &Bar, base: f64) -> Vec<(String, f64, bool)> {
    let words = |value: &str, total: f64| format!("{value}: {}", money_words(total));
    let low = words(&bar.low_value, bar.at_low);
    let high = words(&bar.high_value, bar.at_high);
    let (low_side, high_side) = (bar.at_low > base, bar.at_high > base);
    let apart = (bar.at_low - base) * (bar.at_high - base) < 0.0;
    if apart {
        return vec![(low, bar.at_low, low_side), (high, bar.at_high, high_side)];
    }
    let far = if (bar.at_high - base).abs() >= (bar.at_low - base).abs() {
        bar.at_high
    } else {
        bar.at_low
    };
    let right = far >= base;
    let text = if right {
        format!("{low} · {high}")
    } else {
        format!("{high} · {low}")
    };
    vec![(text, far, right)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::montecarlo::sample;

    #[test]
    fn inputs_are_sorted_by_swing_largest_on_top() {
        // Lambda: cold start 12.60 − 9.60 = 3.00 over rate 12.40 − 9.80 =
        // 2.60, so the second input of the scenario comes first; EC2: rate
        // 1.10 over cold start 0.
        let tornado = Tornado::of(&sample::summary());
        let order = |panel: &Panel| panel.bars.iter().map(|bar| bar.input.clone()).collect::<Vec<_>>();
        assert_eq!(
            order(&tornado.panels[0]),
            ["Lambda.cold_start_ms", "generator.rate"]
        );
        assert_eq!(
            order(&tornado.panels[1]),
            ["generator.rate", "Lambda.cold_start_ms"]
        );
        assert_eq!(tornado.panels[0].row(0), 1.0);
        assert_eq!(tornado.panels[1].base, 12.0);
        assert!(tornado.alt().contains(
            "Lambda (base $11.10): Lambda.cold_start_ms from $9.60 at 200 ms to $12.60 at 800 ms, generator.rate"
        ));
    }

    #[test]
    fn end_labels_sit_beyond_each_end_away_from_the_base() {
        let bar = |at_low, at_high| Bar {
            input: "rate".into(),
            low_value: "80".into(),
            high_value: "120".into(),
            at_low,
            at_high,
        };
        assert_eq!(
            end_labels(&bar(9.8, 12.4), 11.1),
            [
                ("80: $9.80".into(), 9.8, false),
                ("120: $12.40".into(), 12.4, true)
            ]
        );
        // Both above the base: one label at the far end.
        assert_eq!(
            end_labels(&bar(11.5, 12.0), 11.1),
            [("80: $11.50 · 120: $12.00".into(), 12.0, true)]
        );
        // No swing: one label, right of the base.
        assert_eq!(
            end_labels(&bar(12.0, 12.0), 12.0),
            [("80: $12.00 · 120: $12.00".into(), 12.0, true)]
        );
    }
}
