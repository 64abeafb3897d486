//! The charts of a comparison, drawn with plotters twice: as SVG (text left
//! to the viewer's fonts) and as PNG (text drawn with the bundled DejaVu Sans,
//! so no system font library is needed). Charts: cumulative cost over time,
//! instances over time, requests per minute, the latency distribution
//! (CDF) and cost by line item (stacked bars).

use std::io::Cursor;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::compare::NamedResult;
use crate::error::{Error, Result};
use crate::series::{Buckets, MINUTE};
use crate::units::Micros;

const WIDTH: u32 = 960;
const HEIGHT: u32 = 520;
/// At most this many points per line.
const MAX_POINTS: usize = 1_000;
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
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

fn color(index: usize) -> RGBAColor {
    let (red, green, blue) = PALETTE[index % PALETTE.len()];
    RGBColor(red, green, blue).to_rgba()
}

/// One chart in both formats.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File name without extension, e.g. `cost-over-time`.
    pub name: &'static str,
    pub title: &'static str,
    pub svg: String,
    pub png: Vec<u8>,
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bundled font is valid TrueType; were it not, PNG text would be
        // missing but the charts still drawn.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

fn chart_error(name: &str, error: impl std::fmt::Debug) -> Error {
    Error::usage(format!("cannot draw the {name} chart: {error:?}"))
}

/// What a chart shows.
enum Plot<'a> {
    Lines {
        x_label: &'a str,
        y_label: &'a str,
        lines: &'a Lines,
    },
    Cdf(&'a Lines),
    Stacked(&'a Stack),
}

impl Plot<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        match self {
            Plot::Lines {
                x_label,
                y_label,
                lines,
            } => draw_lines(area, x_label, y_label, lines),
            Plot::Cdf(lines) => draw_cdf(area, lines),
            Plot::Stacked(stack) => draw_stacked(area, stack),
        }
    }
}

/// Draws `plot` into an SVG string and a PNG image.
fn render(name: &'static str, title: &'static str, plot: &Plot) -> Result<Chart> {
    register_font();
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        area.fill(&WHITE).map_err(|error| chart_error(name, error))?;
        plot.draw(&area).map_err(|error| chart_error(name, error))?;
        area.present().map_err(|error| chart_error(name, error))?;
    }
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        area.fill(&WHITE).map_err(|error| chart_error(name, error))?;
        plot.draw(&area).map_err(|error| chart_error(name, error))?;
        area.present().map_err(|error| chart_error(name, error))?;
    }
    let image =
        image::RgbImage::from_raw(WIDTH, HEIGHT, pixels).ok_or_else(|| chart_error(name, "buffer size"))?;
    let mut png = Cursor::new(Vec::new());
    image
        .write_to(&mut png, image::ImageOutputFormat::Png)
        .map_err(|error| chart_error(name, error))?;
    Ok(Chart {
        name,
        title,
        svg,
        png: png.into_inner(),
    })
}

/// The x-axis length of one bucket, in `unit` seconds.
fn bucket_scale(width: Micros, unit: f64) -> f64 {
    (width / MINUTE) as f64 * 60.0 / unit
}

/// Keeps at most `MAX_POINTS` points, each the largest of its group of
/// buckets, at the group's start in `unit` seconds.
fn thin_max(buckets: &Buckets<u32>, unit: f64) -> Vec<(f64, f64)> {
    let scale = bucket_scale(buckets.width, unit);
    let group = buckets.values.len().div_ceil(MAX_POINTS).max(1);
    buckets
        .values
        .chunks(group)
        .enumerate()
        .map(|(index, chunk)| {
            let value = chunk.iter().copied().max().unwrap_or(0);
            ((index * group) as f64 * scale, f64::from(value))
        })
        .collect()
}

/// Keeps at most `MAX_POINTS` points, each the mean per minute of its group
/// of buckets, at the group's start in `unit` seconds.
fn thin_mean_per_minute(buckets: &Buckets<u64>, unit: f64) -> Vec<(f64, f64)> {
    let scale = bucket_scale(buckets.width, unit);
    let minutes = (buckets.width / MINUTE) as f64;
    let group = buckets.values.len().div_ceil(MAX_POINTS).max(1);
    buckets
        .values
        .chunks(group)
        .enumerate()
        .map(|(index, chunk)| {
            let mean = chunk.iter().map(|&value| value as f64).sum::<f64>() / chunk.len() as f64;
            ((index * group) as f64 * scale, mean / minutes)
        })
        .collect()
}

/// The time axis' label, in `unit_name`, of a chart of series in buckets of
/// `widths`: the bucket width is named when it is not a minute.
fn bucketed_label(unit_name: &str, widths: impl Iterator<Item = Micros>) -> String {
    let minutes: Vec<Micros> = widths.map(|width| width / MINUTE).collect();
    let narrowest = minutes.iter().copied().min().unwrap_or(1);
    let widest = minutes.iter().copied().max().unwrap_or(1);
    if widest <= 1 {
        format!("time ({unit_name})")
    } else if narrowest == widest {
        format!("time ({unit_name}, in {widest}-minute buckets)")
    } else {
        format!("time ({unit_name}, in {narrowest}- to {widest}-minute buckets)")
    }
}

/// Time axis unit: hours for spans up to two days, else days.
fn time_unit(horizon_s: f64) -> (f64, &'static str) {
    if horizon_s <= 2.0 * 86_400.0 {
        (3_600.0, "hours")
    } else {
        (86_400.0, "days")
    }
}

type Lines = Vec<(String, Vec<(f64, f64)>)>;

/// The legend box, at `position`.
fn draw_legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> std::result::Result<(), String>
where
    DB: DrawingBackend + 'a,
    CT: plotters::coord::CoordTranslate,
{
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(|error| format!("{error:?}"))
}

fn draw_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x_label: &str,
    y_label: &str,
    lines: &Lines,
) -> std::result::Result<(), String> {
    let x_max = lines
        .iter()
        .flat_map(|(_, points)| points.iter().map(|(x, _)| *x))
        .fold(0.0, f64::max)
        .max(1e-9);
    let y_max = lines
        .iter()
        .flat_map(|(_, points)| points.iter().map(|(_, y)| *y))
        .fold(0.0, f64::max)
        .max(1e-9)
        * 1.05;
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .map_err(|error| format!("{error:?}"))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|error| format!("{error:?}"))?;
    for (index, (name, points)) in lines.iter().enumerate() {
        let color = color(index);
        chart
            .draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(2)))
            .map_err(|error| format!("{error:?}"))?
            .label(name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
    }
    draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
}

fn draw_cdf<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &Lines,
) -> std::result::Result<(), String> {
    let values = || {
        lines
            .iter()
            .flat_map(|(_, points)| points.iter().map(|(x, _)| *x))
    };
    let x_min = values().filter(|x| *x > 0.0).fold(f64::INFINITY, f64::min);
    let x_min = if x_min.is_finite() { x_min * 0.9 } else { 0.1 };
    let x_max = values().fold(x_min * 10.0, f64::max) * 1.1;
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d((x_min..x_max).log_scale(), 0.0..1.0)
        .map_err(|error| format!("{error:?}"))?;
    chart
        .configure_mesh()
        .x_desc("latency (ms, log scale)")
        .y_desc("share of requests at or below")
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|error| format!("{error:?}"))?;
    for (index, (name, points)) in lines.iter().enumerate() {
        let color = color(index);
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|&(x, y)| (x.max(x_min), y)),
                color.stroke_width(2),
            ))
            .map_err(|error| format!("{error:?}"))?
            .label(name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
    }
    draw_legend(&mut chart, SeriesLabelPosition::LowerRight)
}

/// (deployment names, line item names, amount[deployment][item]).
type Stack = (Vec<String>, Vec<String>, Vec<Vec<f64>>);

fn draw_stacked<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    stack: &Stack,
) -> std::result::Result<(), String> {
    let (deployments, items, amounts) = stack;
    let y_max = amounts
        .iter()
        .map(|row| row.iter().sum::<f64>())
        .fold(0.0, f64::max)
        .max(1e-9)
        * 1.1;
    let count = deployments.len().max(1);
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d((0..count - 1).into_segmented(), 0.0..y_max)
        .map_err(|error| format!("{error:?}"))?;
    let names = deployments.clone();
    chart
        .configure_mesh()
        .y_desc("dollars")
        .x_label_formatter(&move |value| match value {
            SegmentValue::CenterOf(index) => names.get(*index).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|error| format!("{error:?}"))?;
    let mut bottoms = vec![0.0; deployments.len()];
    for (item_index, item) in items.iter().enumerate() {
        let color = color(item_index);
        let bars: Vec<Rectangle<(SegmentValue<usize>, f64)>> = amounts
            .iter()
            .enumerate()
            .filter(|(_, row)| row[item_index] > 0.0)
            .map(|(deployment, row)| {
                let bottom = bottoms[deployment];
                let top = bottom + row[item_index];
                bottoms[deployment] = top;
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(deployment), bottom),
                        (SegmentValue::Exact(deployment + 1), top),
                    ],
                    color.filled(),
                );
                bar.set_margin(0, 0, 24, 24);
                bar
            })
            .collect();
        chart
            .draw_series(bars)
            .map_err(|error| format!("{error:?}"))?
            .label(item.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
    }
    draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
}

/// Every chart of a comparison.
pub fn comparison_charts(results: &[NamedResult]) -> Result<Vec<Chart>> {
    let horizon = results
        .iter()
        .map(|named| named.result.horizon_s)
        .fold(0.0, f64::max);
    let (unit, unit_name) = time_unit(horizon);

    let cost: Lines = results
        .iter()
        .map(|named| {
            let points = &named.result.series.cost_over_time;
            let group = points.len().div_ceil(MAX_POINTS).max(1);
            let thinned = points
                .iter()
                .step_by(group)
                .chain(points.last())
                .map(|&(seconds, dollars)| (seconds / unit, dollars))
                .collect();
            (named.name.clone(), thinned)
        })
        .collect();
    let instances: Lines = results
        .iter()
        .map(|named| (named.name.clone(), thin_max(&named.result.series.instances, unit)))
        .collect();
    let requests: Lines = results
        .first()
        .map(|named| {
            vec![(
                "requests per minute".to_owned(),
                thin_mean_per_minute(&named.result.series.requests, unit),
            )]
        })
        .unwrap_or_default();
    let latency: Lines = results
        .iter()
        .map(|named| (named.name.clone(), named.result.series.latency_cdf.clone()))
        .collect();
    let mut items: Vec<String> = Vec::new();
    for named in results {
        for item in &named.result.bill.line_items {
            if !items.contains(&item.item) {
                items.push(item.item.clone());
            }
        }
    }
    let amounts = results
        .iter()
        .map(|named| {
            items
                .iter()
                .map(|item| {
                    named
                        .result
                        .bill
                        .line_items
                        .iter()
                        .filter(|line| &line.item == item)
                        .map(|line| crate::pricing::money::to_f64(line.amount))
                        .sum()
                })
                .collect()
        })
        .collect();
    let stack: Stack = (
        results.iter().map(|named| named.name.clone()).collect(),
        items,
        amounts,
    );

    let time_label = format!("time ({unit_name})");
    let instances_label = bucketed_label(
        unit_name,
        results.iter().map(|named| named.result.series.instances.width),
    );
    let requests_label = bucketed_label(
        unit_name,
        results
            .first()
            .map(|named| named.result.series.requests.width)
            .into_iter(),
    );
    Ok(vec![
        render(
            "cost-over-time",
            "Cumulative cost",
            &Plot::Lines {
                x_label: &time_label,
                y_label: "dollars",
                lines: &cost,
            },
        )?,
        render(
            "instances-over-time",
            "Instances over time",
            &Plot::Lines {
                x_label: &instances_label,
                y_label: "instances (most alive in each interval)",
                lines: &instances,
            },
        )?,
        render(
            "requests-per-minute",
            "Requests per minute",
            &Plot::Lines {
                x_label: &requests_label,
                y_label: "requests per minute",
                lines: &requests,
            },
        )?,
        render("latency-cdf", "Latency distribution", &Plot::Cdf(&latency))?,
        render("cost-by-line-item", "Cost by line item", &Plot::Stacked(&stack))?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_of_eight_minute_buckets_spans_the_axis_in_days() {
        // A year of 8-minute buckets: 365 × 180 = 65,700, one instance in
        // each but five in the last. Groups of ⌈65,700 / 1,000⌉ = 66 give
        // ⌈65,700 / 66⌉ = 996 points, point i at i × 66 × 8 min = i × 0.3667
        // days; the last at 995 × 528 / 1,440 = 364.83 days.
        let mut values = vec![1u32; 65_700];
        values[65_699] = 5;
        let buckets = Buckets {
            width: 8 * MINUTE,
            values,
        };
        let points = thin_max(&buckets, 86_400.0);
        assert_eq!(points.len(), 996);
        let (x, y) = points[1];
        assert!((x - 66.0 * 8.0 / 1_440.0).abs() < 1e-12, "{x}");
        assert_eq!(y, 1.0);
        let (last_x, last_y) = points[995];
        assert!((last_x - 995.0 * 528.0 / 1_440.0).abs() < 1e-9, "{last_x}");
        assert_eq!(last_y, 5.0);
    }

    #[test]
    fn requests_are_drawn_per_minute_whatever_the_bucket() {
        // 80 requests in each 8-minute bucket are 10 a minute; in 1-minute
        // buckets the counts are drawn as they are.
        let wide = Buckets {
            width: 8 * MINUTE,
            values: vec![80u64; 3],
        };
        assert_eq!(
            thin_mean_per_minute(&wide, 3_600.0),
            [(0.0, 10.0), (8.0 / 60.0, 10.0), (16.0 / 60.0, 10.0)]
        );
        let narrow = Buckets {
            width: MINUTE,
            values: vec![3u64, 5],
        };
        assert_eq!(
            thin_mean_per_minute(&narrow, 3_600.0),
            [(0.0, 3.0), (1.0 / 60.0, 5.0)]
        );
    }

    #[test]
    fn the_time_axis_names_buckets_wider_than_a_minute() {
        let label = |minutes: &[u64]| bucketed_label("days", minutes.iter().map(|m| m * MINUTE));
        assert_eq!(label(&[1, 1]), "time (days)");
        assert_eq!(label(&[]), "time (days)");
        assert_eq!(label(&[8, 8]), "time (days, in 8-minute buckets)");
        assert_eq!(label(&[8, 16]), "time (days, in 8- to 16-minute buckets)");
    }
}
