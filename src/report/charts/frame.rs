//! A chart's frame: the title above, the legend in rows below the plot
//! (outside it, so it never covers data), and the plot area in between.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{SeriesStyle, draw_marker};
use super::{Drawn, failed};

const TITLE_SIZE: u32 = 22;
const LEGEND_SIZE: u32 = 15;
const ROW: i32 = 24;
const SAMPLE: i32 = 40;

/// What a legend entry shows beside its label.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    Line(SeriesStyle),
    /// A plain solid line of this colour.
    Rule(RGBAColor),
    Block(RGBAColor),
    /// A series' marker alone, for scatter plots.
    Marker(SeriesStyle),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub label: String,
    pub swatch: Swatch,
}

/// One line entry per named series, each in its series style.
pub fn line_entries<'a, T: 'a>(series: impl IntoIterator<Item = &'a (String, T)>) -> Vec<Entry> {
    series
        .into_iter()
        .enumerate()
        .map(|(index, (name, _))| Entry {
            label: name.clone(),
            swatch: Swatch::Line(super::style::series_style(index)),
        })
        .collect()
}

/// The area under a chart's title.
pub struct Frame<DB: DrawingBackend> {
    body: DrawingArea<DB, Shift>,
}

impl<DB: DrawingBackend> Frame<DB> {
    pub fn new(area: &DrawingArea<DB, Shift>, title: &str) -> std::result::Result<Self, String> {
        let body = area
            .titled(title, ("sans-serif", TITLE_SIZE).into_font())
            .map_err(failed)?;
        Ok(Frame { body })
    }

    /// Draws `entries` in rows at the bottom and returns the area above.
    pub fn legend(&self, entries: &[Entry]) -> std::result::Result<DrawingArea<DB, Shift>, String> {
        if entries.is_empty() {
            return Ok(self.body.clone());
        }
        let (width, height) = self.body.dim_in_pixel();
        let font = ("sans-serif", LEGEND_SIZE).into_font();
        let mut placed = Vec::with_capacity(entries.len());
        let (mut x, mut row) = (16, 0);
        for entry in entries {
            let text = self
                .body
                .estimate_text_size(&entry.label, &TextStyle::from(font.clone()))
                .map_err(failed)?
                .0 as i32;
            let span = SAMPLE + 8 + text + 24;
            if x > 16 && x + span > width as i32 - 16 {
                (x, row) = (16, row + 1);
            }
            placed.push((entry, x, row));
            x += span;
        }
        let legend_height = (row + 1) * ROW + 10;
        let (plot, legend) = self
            .body
            .split_vertically(height.saturating_sub(legend_height as u32));
        for (entry, x, row) in placed {
            let y = 6 + row * ROW + ROW / 2;
            draw_swatch(&legend, entry.swatch, x, y)?;
            let style = TextStyle::from(font.clone()).pos(Pos::new(HPos::Left, VPos::Center));
            legend
                .draw(&Text::new(entry.label.clone(), (x + SAMPLE + 8, y), style))
                .map_err(failed)?;
        }
        Ok(plot)
    }
}

fn draw_swatch<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, swatch: Swatch, x: i32, y: i32) -> Drawn {
    match swatch {
        Swatch::Block(color) => area
            .draw(&Rectangle::new(
                [(x + 8, y - 7), (x + SAMPLE - 8, y + 7)],
                color.filled(),
            ))
            .map_err(failed),
        Swatch::Rule(color) => area
            .draw(&PathElement::new(
                vec![(x, y), (x + SAMPLE, y)],
                color.stroke_width(2),
            ))
            .map_err(failed),
        Swatch::Marker(style) => draw_marker(area, style.marker, (x + SAMPLE / 2, y), 5, style.color),
        Swatch::Line(style) => {
            let path = vec![(x, y), (x + SAMPLE, y)];
            match style.dash {
                None => area.draw(&PathElement::new(path, style.stroke())),
                Some((dash, gap)) => area.draw(&DashedPathElement::new(path, dash, gap, style.stroke())),
            }
            .map_err(failed)?;
            draw_marker(area, style.marker, (x + SAMPLE / 2, y), 4, style.color)
        }
    }
}
