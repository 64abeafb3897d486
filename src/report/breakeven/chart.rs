//! The break-even chart: both deployments' total cost against the varied
//! dimension on a log x axis, every sample marked, each simulated crossing
//! drawn as a vertical line (the closed form's as a dashed grey one), and
//! the samples where a deployment is not acceptable (misses the SLO, or is
//! degraded) shaded.

use plotters::prelude::*;

use super::{curve, money};
use crate::breakeven::outcome::{Breakeven, short};
use crate::error::Result;
use crate::pricing::money::to_f64;
use crate::report::charts::frame::{Entry, Swatch, line_entries};
use crate::report::charts::style::draw_marked_lines;
use crate::report::charts::{Drawn, Frame, Plot, draw_both, failed, ticks};

/// The chart's file name, without extension.
pub const NAME: &str = "breakeven";
const MISS: RGBColor = RGBColor(220, 50, 47);
const GREY: RGBColor = RGBColor(120, 120, 120);
const TITLE: &str = "Total cost against traffic, and where the curves cross";

struct CostCurves {
    dimension: String,
    /// (deployment, (factor, dollars)) in factor order.
    series: Vec<(String, Vec<(f64, f64)>)>,
    /// (from, to) factors where a deployment is not acceptable.
    shaded: Vec<(f64, f64)>,
    crossings: Vec<f64>,
    analytic: Vec<f64>,
    range: (f64, f64),
}

/// The chart as (SVG, PNG, alternative text).
pub fn draw(outcome: &Breakeven) -> Result<(String, Vec<u8>, String)> {
    let plot = CostCurves::of(outcome);
    let alt = alt(outcome);
    let (svg, png) = draw_both(NAME, TITLE, &alt, &plot)?;
    Ok((svg, png, alt))
}

fn alt(outcome: &Breakeven) -> String {
    let crossings: Vec<String> = outcome
        .crossings
        .iter()
        .map(|crossing| {
            format!(
                "×{} ({} a month each)",
                crossing.at.value,
                money(crossing.at.sides[0].total)
            )
        })
        .collect();
    let [a, b] = &outcome.deployments;
    let found = if crossings.is_empty() {
        "they do not cross".to_owned()
    } else {
        format!("they cross at {}", crossings.join(", "))
    };
    format!(
        "Total cost of {a} and of {b} for {} from ×{} to ×{} (log scale): {found}.",
        outcome.dimension,
        short(outcome.range[0]),
        short(outcome.range[1])
    )
}

impl CostCurves {
    fn of(outcome: &Breakeven) -> Self {
        let samples = curve(outcome);
        let series = (0..2)
            .map(|side| {
                let points = samples
                    .iter()
                    .map(|sample| (sample.factor, to_f64(sample.sides[side].total)))
                    .collect();
                (outcome.deployments[side].clone(), points)
            })
            .collect();
        let mut shaded = Vec::new();
        for (index, sample) in samples.iter().enumerate() {
            if sample.sides.iter().all(|side| side.acceptable) {
                continue;
            }
            let before = index
                .checked_sub(1)
                .map_or(sample.factor, |at| samples[at].factor);
            let after = samples.get(index + 1).map_or(sample.factor, |next| next.factor);
            shaded.push(((before * sample.factor).sqrt(), (after * sample.factor).sqrt()));
        }
        CostCurves {
            dimension: outcome.dimension.clone(),
            series,
            shaded,
            crossings: outcome
                .crossings
                .iter()
                .map(|crossing| crossing.at.factor)
                .collect(),
            analytic: outcome
                .analytic
                .iter()
                .flat_map(|analytic| analytic.crossings.iter().map(|crossing| crossing.factor))
                .collect(),
            range: (outcome.range[0], outcome.range[1]),
        }
    }

    /// The curves, then what the lines and the shading mean (when drawn).
    fn entries(&self) -> Vec<Entry> {
        let mut entries = line_entries(&self.series);
        let mut add = |shown: bool, label: &str, swatch: Swatch| {
            if shown {
                entries.push(Entry {
                    label: label.to_owned(),
                    swatch,
                });
            }
        };
        add(
            !self.crossings.is_empty(),
            "simulated crossing",
            Swatch::Rule(BLACK.mix(0.6)),
        );
        add(
            !self.analytic.is_empty(),
            "closed-form crossing (dashed)",
            Swatch::Rule(GREY.to_rgba()),
        );
        add(
            !self.shaded.is_empty(),
            "a deployment misses the SLO (or is degraded)",
            Swatch::Block(MISS.mix(0.25)),
        );
        entries
    }

    fn top(&self) -> f64 {
        self.series
            .iter()
            .flat_map(|(_, points)| points.iter().map(|point| point.1))
            .fold(0.0_f64, f64::max)
            .max(0.01)
            * 1.08
    }
}

impl Plot for CostCurves {
    fn draw<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn {
        let area = frame.legend(&self.entries())?;
        let top = self.top();
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d((self.range.0..self.range.1).log_scale(), 0.0..top)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .x_desc(format!("{} factor (log scale)", self.dimension))
            .y_desc("total cost (USD)")
            .x_labels(12)
            .x_label_formatter(&|value| ticks::plain(*value))
            .y_label_formatter(&|value| ticks::money(*value, top))
            .label_style(("sans-serif", ticks::LABEL_SIZE))
            .axis_desc_style(("sans-serif", ticks::DESC_SIZE))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(failed)?;
        let shade = MISS.mix(0.12).filled();
        chart
            .draw_series(
                self.shaded
                    .iter()
                    .map(|&(from, to)| Rectangle::new([(from, 0.0), (to, top)], shade)),
            )
            .map_err(failed)?;
        for &factor in &self.analytic {
            let line = [(factor, 0.0), (factor, top)];
            chart
                .draw_series(DashedLineSeries::new(line, 6, 4, GREY.stroke_width(2)))
                .map_err(failed)?;
        }
        for &factor in &self.crossings {
            let line = [(factor, 0.0), (factor, top)];
            chart
                .draw_series(LineSeries::new(line, BLACK.mix(0.6).stroke_width(1)))
                .map_err(failed)?;
        }
        draw_marked_lines(&mut chart, &self.series, 6)
    }
}
