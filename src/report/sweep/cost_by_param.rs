//! Total cost against one swept parameter, one line per deployment. The
//! axis is numeric when every value is a number (logarithmic, values evenly
//! spaced, when they form a geometric series such as 0.25, 0.5, 1, 2, 4),
//! and lists the values in grid order otherwise. When other parameters
//! vary too, the chart is the slice through the recommended point: the
//! others held at its values, as the caption says.

use plotters::prelude::*;

use super::charts::{anchor, cost_range, mesh_style, money_tick};
use super::{param_names, value_of};
use crate::pricing::money::to_f64;
use crate::report::charts::frame::line_entries;
use crate::report::charts::lines::money_words;
use crate::report::charts::style::draw_marked_lines;
use crate::report::charts::{Drawn, Frame, Plot, failed, ticks};
use crate::sweep::outcome::{PointOutcome, SweepOutcome};

/// How the parameter's values sit across.
#[derive(Debug, Clone, PartialEq)]
enum Across {
    /// At their numeric value.
    Numbers,
    /// Evenly spaced in this order, labelled with their text; `log` when
    /// they are a geometric series (so even spacing is a log scale).
    Evenly { labels: Vec<String>, log: bool },
}

/// The other parameters' values a slice holds (`name=value, …`), and
/// whose values they are.
type Held = (String, &'static str);

pub struct CostByParam {
    param: String,
    across: Across,
    /// (deployment, (x, total dollars)) in x order.
    series: Vec<(String, Vec<(f64, f64)>)>,
    currency: String,
    /// The other parameters' values the slice holds, and whose they are.
    held: Option<Held>,
}

/// Whether `numbers` (at least three, positive) have one ratio throughout.
fn geometric(numbers: &[f64]) -> bool {
    if numbers.len() < 3 || numbers.iter().any(|&number| number <= 0.0) {
        return false;
    }
    let ratio = numbers[1] / numbers[0];
    ratio != 1.0
        && numbers
            .windows(2)
            .all(|pair| ((pair[1] / pair[0]) / ratio - 1.0).abs() < 1e-9)
}

/// The parameters besides `param` that take more than one value among
/// `points`.
fn varying<'a>(outcome: &'a SweepOutcome, param: &str, points: &[&PointOutcome]) -> Vec<&'a str> {
    param_names(outcome)
        .into_iter()
        .filter(|&other| other != param)
        .filter(|&other| {
            let first = points.first().map(|point| value_of(point, other));
            points.iter().any(|point| Some(value_of(point, other)) != first)
        })
        .collect()
}

/// The slice's points, one per value of `param`, in grid order, and what
/// the slice holds.
fn slice<'a>(outcome: &'a SweepOutcome, param: &str) -> (Vec<(&'a str, &'a PointOutcome)>, Option<Held>) {
    let with: Vec<&PointOutcome> = outcome
        .points
        .iter()
        .filter(|point| value_of(point, param).is_some())
        .collect();
    let others = varying(outcome, param, &with);
    let mut held = None;
    let mut chosen = with.clone();
    if let (false, Some((position, whose))) = (others.is_empty(), anchor(outcome)) {
        let at = &outcome.points[position];
        chosen.retain(|point| {
            others
                .iter()
                .all(|&other| value_of(point, other) == value_of(at, other))
        });
        let values: Vec<String> = others
            .iter()
            .map(|&other| format!("{other}={}", value_of(at, other).unwrap_or("(unset)")))
            .collect();
        held = Some((values.join(", "), whose));
    }
    let mut values: Vec<(&str, &PointOutcome)> = Vec::new();
    for point in chosen {
        if let Some(value) = value_of(point, param)
            && !values.iter().any(|(seen, _)| *seen == value)
        {
            values.push((value, point));
        }
    }
    (values, held)
}

impl CostByParam {
    /// The chart of `param`, none when no point sets it.
    pub fn of(outcome: &SweepOutcome, param: &str) -> Option<Self> {
        let (mut values, held) = slice(outcome, param);
        if values.is_empty() {
            return None;
        }
        let numbers: Option<Vec<f64>> = values
            .iter()
            .map(|(value, _)| value.parse::<f64>().ok().filter(|number| number.is_finite()))
            .collect();
        let across = match numbers {
            Some(mut numbers) => {
                values.sort_by(|a, b| {
                    a.0.parse::<f64>()
                        .unwrap_or(0.0)
                        .total_cmp(&b.0.parse().unwrap_or(0.0))
                });
                numbers.sort_by(f64::total_cmp);
                if geometric(&numbers) {
                    Across::Evenly {
                        labels: values.iter().map(|(value, _)| (*value).to_owned()).collect(),
                        log: true,
                    }
                } else {
                    Across::Numbers
                }
            }
            None => Across::Evenly {
                labels: values.iter().map(|(value, _)| (*value).to_owned()).collect(),
                log: false,
            },
        };
        let x_of = |index: usize, value: &str| match across {
            Across::Numbers => value.parse().unwrap_or(0.0),
            Across::Evenly { .. } => index as f64,
        };
        let first = outcome.points.first()?;
        let series = first
            .rows
            .iter()
            .enumerate()
            .map(|(deployment, row)| {
                let points = values
                    .iter()
                    .enumerate()
                    .filter_map(|(index, (value, point))| {
                        let row = point.rows.get(deployment)?;
                        Some((x_of(index, value), to_f64(row.total)))
                    })
                    .collect();
                (row.deployment.clone(), points)
            })
            .collect();
        Some(CostByParam {
            param: param.to_owned(),
            across,
            series,
            currency: first
                .rows
                .first()
                .map_or("USD".into(), |row| row.currency.clone()),
            held,
        })
    }

    pub fn caption(&self) -> String {
        let mut caption = format!(
            "Total cost ({}) at each value of {}, one line per deployment",
            self.currency, self.param
        );
        if let Across::Evenly { log: true, .. } = self.across {
            caption.push_str(" (the values form a geometric series: a log scale)");
        }
        match &self.held {
            Some((values, whose)) => caption.push_str(&format!(
                ". Other parameters are held at {whose}'s values: {values}."
            )),
            None => caption.push('.'),
        }
        caption
    }

    /// Each deployment's cost at the lowest and highest value.
    pub fn alt(&self) -> String {
        let label = |x: f64| match &self.across {
            Across::Numbers => ticks::plain(x),
            Across::Evenly { labels, .. } => labels.get(x as usize).cloned().unwrap_or_default(),
        };
        let lines: Vec<String> = self
            .series
            .iter()
            .map(|(name, points)| match (points.first(), points.last()) {
                (Some(first), Some(last)) => format!(
                    "{name}: {} at {}={}, {} at {}={}",
                    money_words(first.1),
                    self.param,
                    label(first.0),
                    money_words(last.1),
                    self.param,
                    label(last.0)
                ),
                _ => format!("{name}: no value"),
            })
            .collect();
        format!("Total cost by {}. {}.", self.param, lines.join("; "))
    }

    /// The x range, its axis title and how many labels it takes.
    fn x_axis(&self) -> ((f64, f64), String, usize) {
        match &self.across {
            Across::Numbers => {
                let all = || {
                    self.series
                        .iter()
                        .flat_map(|(_, points)| points.iter().map(|point| point.0))
                };
                let low = all().fold(f64::INFINITY, f64::min);
                let high = all().fold(f64::NEG_INFINITY, f64::max);
                let pad = if high > low {
                    (high - low) * 0.05
                } else {
                    low.abs().max(1.0) * 0.5
                };
                ((low - pad, high + pad), self.param.clone(), 10)
            }
            Across::Evenly { labels, log } => {
                let title = if *log {
                    format!("{} (log scale)", self.param)
                } else {
                    self.param.clone()
                };
                (
                    (-0.4, labels.len() as f64 - 0.6),
                    title,
                    labels.len().clamp(1, 12),
                )
            }
        }
    }

    fn tick(&self, x: f64) -> String {
        match &self.across {
            Across::Numbers => ticks::plain(x),
            Across::Evenly { labels, .. } => {
                let index = x.round();
                if (x - index).abs() > 1e-6 || index < 0.0 {
                    return String::new();
                }
                labels.get(index as usize).cloned().unwrap_or_default()
            }
        }
    }
}

impl Plot for CostByParam {
    fn draw<DB: DrawingBackend>(&self, frame: &Frame<DB>) -> Drawn {
        let area = frame.legend(&line_entries(&self.series))?;
        let (x, x_title, labels) = self.x_axis();
        let y = cost_range(
            self.series
                .iter()
                .flat_map(|(_, points)| points.iter().map(|point| point.1)),
        );
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(x.0..x.1, y.0..y.1)
            .map_err(failed)?;
        let y_title = format!("total cost ({})", self.currency);
        mesh_style(
            &mut chart,
            (&x_title, &y_title),
            labels,
            &|value| self.tick(*value),
            &money_tick(y.1),
        )?;
        // Earlier deployments' markers are larger, so equal costs show
        // as nested marks.
        draw_marked_lines(&mut chart, &self.series, 8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sweep::sample;
    use crate::sweep::outcome::ParamValue;

    #[test]
    fn geometric_series_have_one_ratio() {
        assert!(geometric(&[0.25, 0.5, 1.0, 2.0, 4.0]));
        assert!(geometric(&[128.0, 256.0, 512.0]));
        assert!(!geometric(&[60.0, 120.0, 180.0]));
        assert!(!geometric(&[1.0, 2.0]));
        assert!(!geometric(&[0.0, 1.0, 2.0]));
    }

    #[test]
    fn another_varying_parameter_makes_a_slice_through_the_recommended_point() {
        // keep_alive_s varies among the points setting memory_mb (60 at
        // point 0, unset at point 1), so memory_mb's chart is the slice
        // through the recommended point 1 (keep-alive unset): 1024 alone.
        let outcome = sample::outcome();
        let chart = CostByParam::of(&outcome, "memory_mb").expect("a chart");
        assert_eq!(chart.across, Across::Numbers);
        assert_eq!(chart.series[0], ("Lambda".into(), vec![(1024.0, 12.5)]));
        assert_eq!(chart.series[1], ("EC2".into(), vec![(1024.0, 40.1)]));
        assert!(
            chart.caption().ends_with(
                "Other parameters are held at the recommended point's values: keep_alive_s=(unset)."
            )
        );
    }

    #[test]
    fn words_are_spaced_evenly_in_grid_order() {
        // platform=b, a: not numbers, so they keep grid order.
        let mut outcome = sample::outcome();
        for (point, value) in outcome.points.iter_mut().zip(["b-2025", "a-2016"]) {
            point.params = vec![ParamValue {
                name: "platform".into(),
                value: Some(value.into()),
            }];
        }
        let chart = CostByParam::of(&outcome, "platform").expect("a chart");
        assert_eq!(
            chart.across,
            Across::Evenly {
                labels: vec!["b-2025".into(), "a-2016".into()],
                log: false
            }
        );
        // Lambda: $12.5000 at b-2025 (x 0), $12.5 at a-2016 (x 1).
        assert_eq!(chart.series[0].1, [(0.0, 12.5), (1.0, 12.5)]);
        assert_eq!(chart.tick(1.0), "a-2016");
        assert_eq!(chart.tick(0.5), "");
        assert!(chart.caption().ends_with("one line per deployment."));
    }
}
