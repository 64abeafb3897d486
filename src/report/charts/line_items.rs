//! Cost by line item: one stacked bar per deployment, a segment per line
//! item it was billed (items no bill charges are left out), the bar's total
//! written above it and the legend below the plot.

use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordusize};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{Entry, Frame, Swatch};
use super::lines::money_words;
use super::style::color;
use super::{Drawn, Plot, failed, ticks};
use crate::compare::NamedResult;
use crate::pricing::money::to_f64;

pub struct Stack {
    deployments: Vec<String>,
    /// Items some bill charges for, in order of first appearance.
    items: Vec<String>,
    /// amounts[deployment][item] in dollars.
    amounts: Vec<Vec<f64>>,
}

impl Stack {
    pub fn of(results: &[NamedResult]) -> Self {
        let mut items: Vec<String> = Vec::new();
        for named in results {
            for line in &named.result.bill.line_items {
                if !line.amount.is_zero() && !items.contains(&line.item) {
                    items.push(line.item.clone());
                }
            }
        }
        let amounts = results
            .iter()
            .map(|named| {
                items
                    .iter()
                    .map(|item| {
                        let lines = named.result.bill.line_items.iter();
                        lines
                            .filter(|line| &line.item == item)
                            .map(|line| to_f64(line.amount))
                            .sum()
                    })
                    .collect()
            })
            .collect();
        Stack {
            deployments: results.iter().map(|named| named.name.clone()).collect(),
            items,
            amounts,
        }
    }

    fn totals(&self) -> Vec<f64> {
        self.amounts.iter().map(|row| row.iter().sum()).collect()
    }

    pub fn alt(&self) -> String {
        let described: Vec<String> = self
            .deployments
            .iter()
            .zip(&self.amounts)
            .zip(self.totals())
            .map(|((name, row), total)| {
                let parts: Vec<String> = self
                    .items
                    .iter()
                    .zip(row)
                    .filter(|(_, amount)| **amount > 0.0)
                    .map(|(item, amount)| format!("{item} {}", money_words(*amount)))
                    .collect();
                format!("{name} {} ({})", money_words(total), parts.join(", "))
            })
            .collect();
        format!(
            "Each deployment's bill split by line item: {}.",
            described.join("; ")
        )
    }
}

type Bars<'a, DB> = ChartContext<'a, DB, Cartesian2d<SegmentedCoord<RangedCoordusize>, RangedCoordf64>>;

impl Stack {
    /// Writes each segment's amount: inside it when it is tall enough
    /// (a twentieth of the axis), else beside the bar, right of it.
    fn label_segments<DB: DrawingBackend>(&self, chart: &mut Bars<'_, DB>, y_max: f64) -> Drawn {
        let inside = ("sans-serif", 14)
            .into_font()
            .color(&WHITE)
            .pos(Pos::new(HPos::Center, VPos::Center));
        let beside = TextStyle::from(("sans-serif", 13).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
        let mut labels = Vec::new();
        for (deployment, row) in self.amounts.iter().enumerate() {
            let mut bottom = 0.0;
            let mut last_beside = f64::NEG_INFINITY;
            for amount in row.iter().copied().filter(|amount| *amount > 0.0) {
                let middle = bottom + amount / 2.0;
                bottom += amount;
                if amount >= y_max / 20.0 {
                    labels.push(Text::new(
                        money_words(amount),
                        (SegmentValue::CenterOf(deployment), middle),
                        inside.clone(),
                    ));
                } else if middle - last_beside >= y_max / 25.0 {
                    last_beside = middle;
                    labels.push(Text::new(
                        format!("← {}", money_words(amount)),
                        (SegmentValue::Exact(deployment + 1), middle),
                        beside.clone(),
                    ));
                }
            }
        }
        chart.draw_series(labels).map_err(failed)?;
        Ok(())
    }
}

impl Plot for Stack {
    fn draw<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn {
        let entries: Vec<Entry> = self
            .items
            .iter()
            .enumerate()
            .map(|(index, item)| Entry {
                label: item.clone(),
                swatch: Swatch::Block(color(index)),
            })
            .collect();
        let area = frame.legend(&entries)?;
        let totals = self.totals();
        let y_max = totals.iter().copied().fold(0.0, f64::max).max(0.01) * 1.12;
        let count = self.deployments.len().max(1);
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d((0..count - 1).into_segmented(), 0.0..y_max)
            .map_err(failed)?;
        let names = self.deployments.clone();
        chart
            .configure_mesh()
            .y_desc("cost (USD)")
            .y_label_formatter(&|value| ticks::money(*value, y_max))
            .x_label_formatter(&move |value| match value {
                SegmentValue::CenterOf(index) => names.get(*index).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .disable_x_mesh()
            .label_style(("sans-serif", ticks::LABEL_SIZE))
            .axis_desc_style(("sans-serif", ticks::DESC_SIZE))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(failed)?;
        let mut bottoms = vec![0.0; self.deployments.len()];
        for (item_index, _) in self.items.iter().enumerate() {
            let fill = color(item_index).filled();
            let bars: Vec<_> = self
                .amounts
                .iter()
                .enumerate()
                .filter(|(_, row)| row[item_index] > 0.0)
                .map(|(deployment, row)| {
                    let bottom = bottoms[deployment];
                    bottoms[deployment] = bottom + row[item_index];
                    let mut bar = Rectangle::new(
                        [
                            (SegmentValue::Exact(deployment), bottom),
                            (SegmentValue::Exact(deployment + 1), bottom + row[item_index]),
                        ],
                        fill,
                    );
                    bar.set_margin(0, 0, 40, 40);
                    bar
                })
                .collect();
            chart.draw_series(bars).map_err(failed)?;
        }
        self.label_segments(&mut chart, y_max)?;
        let label = TextStyle::from(("sans-serif", 16).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
        let labels = totals.iter().enumerate().map(|(deployment, total)| {
            Text::new(
                money_words(*total),
                (SegmentValue::CenterOf(deployment), *total + y_max * 0.01),
                label.clone(),
            )
        });
        chart.draw_series(labels).map_err(failed)?;
        Ok(())
    }
}
