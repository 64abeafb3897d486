//! Cost by line item: one horizontal stacked bar per deployment (its name
//! beside it, so a dozen deployments stay readable), a segment per line
//! item it was billed (items no bill charges are left out), each wide
//! segment's amount inside it, the bar's total right of it with the
//! segments too narrow to carry theirs, and the legend below the plot.

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

type Bars<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, SegmentedCoord<RangedCoordusize>>>;

/// Pixels per character of an axis label, to size the names' column.
const LABEL_CHAR_PX: u32 = 7;

impl Stack {
    /// The row of `deployment`: the first at the top.
    fn row(&self, deployment: usize) -> usize {
        self.deployments.len() - 1 - deployment
    }

    /// Whether a segment is wide enough to carry its amount inside.
    fn labelled_inside(amount: f64, x_max: f64) -> bool {
        amount >= x_max / 12.0
    }

    /// Writes each wide segment's amount inside it, and each bar's total
    /// right of it, followed by the segments too narrow for their amounts.
    fn label_bars<DB: DrawingBackend>(&self, chart: &mut Bars<'_, DB>, x_max: f64) -> Drawn {
        let inside = ("sans-serif", 14)
            .into_font()
            .color(&WHITE)
            .pos(Pos::new(HPos::Center, VPos::Center));
        let beside = TextStyle::from(("sans-serif", 15).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
        let mut labels = Vec::new();
        for (deployment, (row, total)) in self.amounts.iter().zip(self.totals()).enumerate() {
            let y = || SegmentValue::CenterOf(self.row(deployment));
            let charged: Vec<(usize, f64)> = row
                .iter()
                .copied()
                .enumerate()
                .filter(|(_, amount)| *amount > 0.0)
                .collect();
            let mut left = 0.0;
            let mut narrow = Vec::new();
            for &(item, amount) in &charged {
                if Self::labelled_inside(amount, x_max) {
                    labels.push(Text::new(
                        money_words(amount),
                        (left + amount / 2.0, y()),
                        inside.clone(),
                    ));
                } else if charged.len() > 1 {
                    narrow.push(format!("{} {}", self.items[item], money_words(amount)));
                }
                left += amount;
            }
            let mut text = money_words(total);
            if !narrow.is_empty() {
                text.push_str(&format!("  ({})", narrow.join(", ")));
            }
            labels.push(Text::new(text, (total + x_max * 0.01, y()), beside.clone()));
        }
        chart.draw_series(labels).map_err(failed)?;
        Ok(())
    }

    /// The stacked segments, one series per line item.
    fn draw_segments<DB: DrawingBackend>(&self, chart: &mut Bars<'_, DB>, margin: u32) -> Drawn {
        let mut lefts = vec![0.0; self.deployments.len()];
        for (item_index, _) in self.items.iter().enumerate() {
            let fill = color(item_index).filled();
            let bars: Vec<_> = self
                .amounts
                .iter()
                .enumerate()
                .filter(|(_, row)| row[item_index] > 0.0)
                .map(|(deployment, row)| {
                    let left = lefts[deployment];
                    lefts[deployment] = left + row[item_index];
                    let row_index = self.row(deployment);
                    let mut bar = Rectangle::new(
                        [
                            (left, SegmentValue::Exact(row_index)),
                            (left + row[item_index], SegmentValue::Exact(row_index + 1)),
                        ],
                        fill,
                    );
                    bar.set_margin(margin, margin, 0, 0);
                    bar
                })
                .collect();
            chart.draw_series(bars).map_err(failed)?;
        }
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
        let (width, height) = area.dim_in_pixel();
        let x_max = self.totals().into_iter().fold(0.0, f64::max).max(0.01) * 1.35;
        let count = self.deployments.len().max(1);
        let longest = self
            .deployments
            .iter()
            .map(|name| name.chars().count())
            .max()
            .unwrap_or(0);
        let names_px = (longest as u32 * LABEL_CHAR_PX + 16).clamp(80, width * 2 / 5);
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(44)
            .y_label_area_size(names_px)
            .build_cartesian_2d(0.0..x_max, (0..count - 1).into_segmented())
            .map_err(failed)?;
        let names: Vec<String> = self.deployments.iter().rev().cloned().collect();
        chart
            .configure_mesh()
            .x_desc("cost (USD)")
            .x_label_formatter(&|value| ticks::money(*value, x_max))
            .y_label_formatter(&move |value| match value {
                SegmentValue::CenterOf(index) => names.get(*index).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .disable_y_mesh()
            .label_style(("sans-serif", ticks::LABEL_SIZE))
            .axis_desc_style(("sans-serif", ticks::DESC_SIZE))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(failed)?;
        let slot_px = height.saturating_sub(80) / count as u32;
        self.draw_segments(&mut chart, (slot_px / 5).clamp(2, 24))?;
        self.label_bars(&mut chart, x_max)
    }
}
