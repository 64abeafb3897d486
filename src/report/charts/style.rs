//! How series look: a colour, a line width, a dash pattern and a marker
//! each, all different, so two series of equal value stay visible: the
//! first drawn is the widest and solid, later ones are narrower and dashed
//! or dotted on top of it, and markers sit at staggered places.

use plotters::prelude::*;

/// Distinct colours that read on white (Tableau 10).
const PALETTE: [(u8, u8, u8); 10] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
];

/// (dash, gap) in pixels; `None` is solid.
const DASHES: [Option<(u32, u32)>; 5] = [None, Some((12, 6)), Some((3, 4)), Some((18, 5)), Some((8, 8))];
/// Widths in pixels, widest first: a later series is drawn inside an
/// earlier one of the same value.
const WIDTHS: [u32; 5] = [4, 3, 2, 2, 2];

pub fn color(index: usize) -> RGBAColor {
    let (red, green, blue) = PALETTE[index % PALETTE.len()];
    RGBColor(red, green, blue).to_rgba()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Triangle,
    Square,
    Cross,
}

const MARKERS: [Marker; 4] = [Marker::Circle, Marker::Triangle, Marker::Square, Marker::Cross];

/// One series' look.
#[derive(Debug, Clone, Copy)]
pub struct SeriesStyle {
    pub color: RGBAColor,
    pub width: u32,
    pub dash: Option<(u32, u32)>,
    pub marker: Marker,
}

/// The look of the `index`-th series of a chart.
pub fn series_style(index: usize) -> SeriesStyle {
    SeriesStyle {
        color: color(index),
        width: WIDTHS[index.min(WIDTHS.len() - 1)],
        dash: DASHES[index % DASHES.len()],
        marker: MARKERS[index % MARKERS.len()],
    }
}

impl SeriesStyle {
    pub fn stroke(&self) -> ShapeStyle {
        self.color.stroke_width(self.width)
    }
}

/// Draws each `(name, points)` series as a line in its style with a marker
/// at every point; earlier series' markers are larger (from `largest`, 2
/// smaller per series down to the third), so equal values show as nested
/// marks.
pub(crate) fn draw_marked_lines<DB, X>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, plotters::coord::types::RangedCoordf64>>,
    series: &[(String, Vec<(f64, f64)>)],
    largest: i32,
) -> super::Drawn
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
{
    for (index, (_, points)) in series.iter().enumerate() {
        let style = series_style(index);
        let line = points.iter().copied();
        match style.dash {
            None => chart
                .draw_series(LineSeries::new(line, style.stroke()))
                .map(|_| ()),
            Some((dash, gap)) => chart
                .draw_series(DashedLineSeries::new(line, dash, gap, style.stroke()))
                .map(|_| ()),
        }
        .map_err(super::failed)?;
        let size = largest - 2 * index.min(2) as i32;
        for &point in points {
            draw_marker(chart.plotting_area(), style.marker, point, size, style.color)?;
        }
    }
    Ok(())
}

/// Draws `marker` of `size` pixels at `at` (in the area's coordinates).
pub fn draw_marker<DB, CT>(
    area: &DrawingArea<DB, CT>,
    marker: Marker,
    at: CT::From,
    size: i32,
    color: RGBAColor,
) -> super::Drawn
where
    DB: DrawingBackend,
    CT: plotters::coord::CoordTranslate,
    CT::From: Clone,
{
    let filled = color.filled();
    let outline = BLACK.mix(0.6).stroke_width(1);
    let result = match marker {
        Marker::Circle => area
            .draw(&Circle::new(at.clone(), size, filled))
            .and_then(|()| area.draw(&Circle::new(at, size, outline))),
        Marker::Triangle => area.draw(&TriangleMarker::new(at, size + 1, filled)),
        Marker::Square => area.draw(
            &(EmptyElement::at(at)
                + Rectangle::new([(-size, -size), (size, size)], filled)
                + Rectangle::new([(-size, -size), (size, size)], outline)),
        ),
        Marker::Cross => area.draw(&Cross::new(at, size + 1, color.stroke_width(3))),
    };
    result.map_err(super::failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbouring_series_differ_in_every_respect() {
        for index in 0..4 {
            let (a, b) = (series_style(index), series_style(index + 1));
            assert_ne!(a.color, b.color);
            assert_ne!(a.dash, b.dash);
            assert_ne!(a.marker, b.marker);
            assert!(a.width >= b.width);
        }
        // The first is solid and wider than the second, which is drawn
        // inside it where both are equal.
        assert_eq!(series_style(0).dash, None);
        assert!(series_style(0).width > series_style(1).width);
    }
}
