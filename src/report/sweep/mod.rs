//! Exporters of a sweep's outcome ([`SweepOutcome`]): the tidy table of
//! every point × deployment (`sweep.csv`), the outcome itself
//! (`sweep.json`, which reads back exactly), the cost–p99 Pareto front and
//! the recommended point on a terminal, and the report folder with charts
//! and `report.html`. Rows are always taken in grid order: points as the
//! outcome lists them, each point's deployments in scenario order.

mod charts;
mod cost_by_param;
mod csv;
mod html;
mod json;
pub mod pareto;
mod pareto_chart;
mod terminal;

use std::path::Path;

pub use csv::render_csv;
pub use json::render_json;
pub use terminal::render_terminal;

use crate::error::Result;
use crate::output;
use crate::sweep::outcome::{PointOutcome, SweepOutcome, SweepRow};

/// One row of the sweep: where it is and what it holds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'a> {
    /// The point's position in the outcome's points.
    pub position: usize,
    /// The deployment's position in the point's rows.
    pub deployment: usize,
    pub point: &'a PointOutcome,
    pub row: &'a SweepRow,
}

/// Every row, in grid order.
pub(crate) fn rows(outcome: &SweepOutcome) -> impl Iterator<Item = Row<'_>> {
    outcome.points.iter().enumerate().flat_map(|(position, point)| {
        point.rows.iter().enumerate().map(move |(deployment, row)| Row {
            position,
            deployment,
            point,
            row,
        })
    })
}

/// For each row of [`rows`], whether it is on the cost–p99 Pareto front.
pub(crate) fn on_front(outcome: &SweepOutcome) -> Vec<bool> {
    let pairs: Vec<_> = rows(outcome).map(|row| (row.row.total, row.row.p99_ms)).collect();
    pareto::front(&pairs)
}

/// The swept parameters' names, in the order points first name them (the
/// grid's dimension order).
pub(crate) fn param_names(outcome: &SweepOutcome) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for param in outcome.points.iter().flat_map(|point| &point.params) {
        if !names.contains(&param.name.as_str()) {
            names.push(&param.name);
        }
    }
    names
}

/// The value `point` gives the parameter `name`, if it sets one.
pub(crate) fn value_of<'a>(point: &'a PointOutcome, name: &str) -> Option<&'a str> {
    point
        .params
        .iter()
        .find(|param| param.name == name)
        .and_then(|param| param.value.as_deref())
}

/// A point's values in words: `memory_mb=512, keep_alive_s=300`, or that it
/// is the scenario as written.
pub(crate) fn point_words(point: &PointOutcome) -> String {
    let set: Vec<String> = point
        .params
        .iter()
        .filter_map(|param| {
            param
                .value
                .as_ref()
                .map(|value| format!("{}={value}", param.name))
        })
        .collect();
    if set.is_empty() {
        "the scenario as written".into()
    } else {
        set.join(", ")
    }
}

/// The recommended row as (point position, deployment): the cheapest
/// acceptable one (it meets the SLO, or without one is not degraded), the
/// first in grid order on a tie: the rule of [`crate::verdict::best`].
pub fn recommended(outcome: &SweepOutcome) -> Option<(usize, usize)> {
    rows(outcome)
        .filter(|row| row.row.acceptable)
        .min_by(|a, b| a.row.total.cmp(&b.row.total))
        .map(|row| (row.position, row.deployment))
}

/// Writes the report into `folder`, replaced whole and atomically:
/// `sweep.csv`, `sweep.json`, each chart as SVG and PNG, and `report.html`.
pub fn write_report(outcome: &SweepOutcome, folder: &Path) -> Result<()> {
    write_report_keeping(outcome, folder, Vec::new()).map(|_| ())
}

/// [`write_report`], the new folder also holding `kept` (name, contents):
/// files of the old folder to carry over, such as the shards a merge read
/// from it. Returns how many files the folder holds.
pub fn write_report_keeping(
    outcome: &SweepOutcome,
    folder: &Path,
    kept: Vec<(String, Vec<u8>)>,
) -> Result<usize> {
    let charts = charts::sweep_charts(outcome)?;
    let mut files = vec![
        ("sweep.csv".to_owned(), render_csv(outcome)?),
        ("sweep.json".to_owned(), render_json(outcome)?),
    ];
    for chart in &charts {
        files.push((format!("{}.svg", chart.name), chart.svg.clone().into_bytes()));
        files.push((format!("{}.png", chart.name), chart.png.clone()));
    }
    files.push((
        "report.html".to_owned(),
        html::render(outcome, &charts).into_bytes(),
    ));
    files.extend(kept);
    output::replace_folder(folder, &files)?;
    Ok(files.len())
}

#[cfg(test)]
pub(crate) mod sample;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::Decimal;

    #[test]
    fn the_cheapest_acceptable_row_is_recommended_first_on_a_tie() {
        // Rows in grid order: (0,0) $12.5 misses, (0,1) $20 meets,
        // (1,0) $12.5 meets, (1,1) $40 meets: the cheapest acceptable is
        // (1,0); a later $12.5 acceptable row would not displace it.
        let mut outcome = sample::outcome();
        assert_eq!(recommended(&outcome), Some((1, 0)));
        outcome.points[1].rows[1].total = Decimal::new(125, 1);
        assert_eq!(recommended(&outcome), Some((1, 0)));
        outcome.points[0].rows[1].total = Decimal::new(125, 1);
        assert_eq!(recommended(&outcome), Some((0, 1)));
        for point in &mut outcome.points {
            for row in &mut point.rows {
                row.acceptable = false;
            }
        }
        assert_eq!(recommended(&outcome), None);
    }

    #[test]
    fn points_are_named_by_their_values() {
        let mut outcome = sample::outcome();
        assert_eq!(point_words(&outcome.points[0]), "memory_mb=512, keep_alive_s=60");
        assert_eq!(param_names(&outcome), ["memory_mb", "keep_alive_s"]);
        for param in &mut outcome.points[0].params {
            param.value = None;
        }
        assert_eq!(point_words(&outcome.points[0]), "the scenario as written");
    }
}
