//! The charts of a comparison, drawn with plotters twice: as SVG (text left
//! to the viewer's fonts) and as PNG (text drawn with the bundled DejaVu
//! Sans by [`glyphs::GlyphBackend`], so no system font library is needed).
//! Every chart has a title, a legend below its plot (never over the data),
//! units on both axes and an alternative text written from its numbers.
//! Charts: cumulative cost, instances over time, requests per minute, the
//! latency distribution (complementary CDF) and cost by line item.

pub(crate) mod aggregate;
pub(crate) mod frame;
mod glyphs;
mod instances;
mod latency;
mod line_items;
pub(crate) mod lines;
pub(crate) mod style;
pub(crate) mod ticks;

use std::io::Cursor;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::compare::NamedResult;
use crate::error::{Error, Result};

pub(crate) use frame::Frame;

const WIDTH: u32 = 960;
const HEIGHT: u32 = 540;
const FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// One chart in both formats.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File name without extension, e.g. `cost-over-time`.
    pub name: &'static str,
    pub title: &'static str,
    /// What the chart shows, in words, for readers who cannot see it.
    pub alt: String,
    /// The SVG, with the title and alternative text inside it.
    pub svg: String,
    pub png: Vec<u8>,
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bundled font is valid TrueType; were it not, SVG text sizes
        // would be estimated without it and the charts still drawn.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

fn chart_error(name: &str, error: impl std::fmt::Debug) -> Error {
    Error::usage(format!("cannot draw the {name} chart: {error:?}"))
}

/// A failure while drawing, as text.
pub(crate) type Drawn = std::result::Result<(), String>;

pub(crate) fn failed(error: impl std::fmt::Debug) -> String {
    format!("{error:?}")
}

/// Something that draws itself on any backend.
pub(crate) trait Plot {
    fn draw<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn;
}

/// Draws `plot` titled `title` into an SVG string and a PNG image.
fn render(name: &'static str, title: &'static str, alt: String, plot: &impl Plot) -> Result<Chart> {
    let (svg, png) = draw_both(name, title, &alt, plot)?;
    Ok(Chart {
        name,
        title,
        svg,
        alt,
        png,
    })
}

/// `plot` titled `title` as an SVG that names itself with `alt` and as a
/// PNG: for charts named at run time too (a sweep's, one per parameter).
pub(crate) fn draw_both(name: &str, title: &str, alt: &str, plot: &impl Plot) -> Result<(String, Vec<u8>)> {
    register_font();
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw_on(&area, title, plot).map_err(|error| chart_error(name, error))?;
    }
    let font = ab_glyph::FontRef::try_from_slice(FONT).map_err(|error| chart_error(name, error))?;
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let bitmap = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT));
        let area = glyphs::GlyphBackend::new(bitmap, font).into_drawing_area();
        draw_on(&area, title, plot).map_err(|error| chart_error(name, error))?;
    }
    let image =
        image::RgbImage::from_raw(WIDTH, HEIGHT, pixels).ok_or_else(|| chart_error(name, "buffer size"))?;
    let mut png = Cursor::new(Vec::new());
    image
        .write_to(&mut png, image::ImageOutputFormat::Png)
        .map_err(|error| chart_error(name, error))?;
    Ok((accessible(&svg, title, alt), png.into_inner()))
}

fn draw_on<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, title: &str, plot: &impl Plot) -> Drawn {
    area.fill(&WHITE).map_err(failed)?;
    let frame = Frame::new(area, title)?;
    plot.draw(&frame)?;
    area.present().map_err(failed)
}

/// The SVG with `role="img"`, an `aria-label`, a `<title>` and a `<desc>`,
/// so that browsers and screen readers name the chart.
fn accessible(svg: &str, title: &str, alt: &str) -> String {
    let escape = super::html::escape;
    match svg.split_once('>') {
        Some((open, rest)) if open.starts_with("<svg") => format!(
            "{open} role=\"img\" aria-label=\"{}\"><title>{}</title><desc>{}</desc>{rest}",
            escape(alt),
            escape(title),
            escape(alt)
        ),
        _ => svg.to_owned(),
    }
}

/// Every chart of a comparison.
pub fn comparison_charts(results: &[NamedResult]) -> Result<Vec<Chart>> {
    let cost = lines::cost_over_time(results);
    let instances = instances::Instances::of(results);
    let requests = lines::requests_per_minute(results);
    let latency = latency::Latency::of(results);
    let items = line_items::Stack::of(results);
    Ok(vec![
        render("cost-over-time", "Cumulative cost", cost.alt(), &cost)?,
        render(
            "instances-over-time",
            "Instances over time",
            instances.alt(),
            &instances,
        )?,
        render(
            "requests-per-minute",
            "Requests per minute",
            requests.alt(),
            &requests,
        )?,
        render(
            "latency-cdf",
            "Latency: share of requests slower than",
            latency.alt(),
            &latency,
        )?,
        render("cost-by-line-item", "Cost by line item", items.alt(), &items)?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_names_itself() {
        let svg = "<svg width=\"10\" height=\"10\">\n<rect/></svg>";
        assert_eq!(
            accessible(svg, "T & t", "a < b"),
            "<svg width=\"10\" height=\"10\" role=\"img\" aria-label=\"a &lt; b\"><title>T &amp; t</title><desc>a &lt; b</desc>\n<rect/></svg>"
        );
    }
}
