//! A sweep on a terminal: not the whole grid (that is in `sweep.csv`) but
//! the cost–p99 Pareto front, cheapest first, and the recommended point in
//! words. Money is rounded to the cent here only.

use super::{Row, on_front, param_names, point_words, recommended, rows, value_of};
use crate::report::format::{dollars, fixed};
use crate::report::{Align, TextTable, dropped_note};
use crate::slo::show_millis;
use crate::sweep::outcome::{SweepOutcome, SweepRow};

/// A verdict as a table cell.
pub(crate) fn verdict_cell(row: &SweepRow) -> String {
    match row.verdict.as_str() {
        "meets" => "meets SLO".into(),
        "misses" => "misses SLO".into(),
        other => other.into(),
    }
}

/// Rows of the front that are alike (one deployment, equal total and p99
/// at several points, as a deployment the swept settings do not touch
/// gives), shown as one line.
#[derive(Debug, Clone)]
pub(crate) struct FrontGroup<'a> {
    /// The first of them in grid order.
    pub first: Row<'a>,
    pub count: usize,
    /// Each parameter's value: the one they share, `-` where unset, or
    /// `(varies)`.
    pub values: Vec<String>,
}

impl FrontGroup<'_> {
    /// The point's id, or how many points are alike.
    pub fn points(&self) -> String {
        if self.count == 1 {
            self.first.point.id.clone()
        } else {
            format!("{} points alike", self.count)
        }
    }
}

/// The front, cheapest first (then faster, then by deployment and grid
/// order), alike rows grouped.
pub(crate) fn front_groups(outcome: &SweepOutcome) -> Vec<FrontGroup<'_>> {
    let mut front: Vec<Row> = rows(outcome)
        .zip(on_front(outcome))
        .filter_map(|(row, on)| on.then_some(row))
        .collect();
    front.sort_by(|a, b| {
        a.row
            .total
            .cmp(&b.row.total)
            .then(a.row.p99_ms.total_cmp(&b.row.p99_ms))
            .then(a.deployment.cmp(&b.deployment))
            .then(a.position.cmp(&b.position))
    });
    let names = param_names(outcome);
    front
        .chunk_by(|a, b| {
            a.deployment == b.deployment && a.row.total == b.row.total && a.row.p99_ms == b.row.p99_ms
        })
        .map(|alike| FrontGroup {
            first: alike[0],
            count: alike.len(),
            values: names
                .iter()
                .map(|name| {
                    let value = value_of(alike[0].point, name);
                    if alike.iter().all(|row| value_of(row.point, name) == value) {
                        value.unwrap_or("-").to_owned()
                    } else {
                        "(varies)".to_owned()
                    }
                })
                .collect(),
        })
        .collect()
}

/// The front as a table: a column per parameter, then deployment, total,
/// p99, verdict and point.
fn front_table(outcome: &SweepOutcome) -> TextTable {
    let names = param_names(outcome);
    let mut columns: Vec<(&str, Align)> = names.iter().map(|name| (*name, Align::Left)).collect();
    columns.extend([
        ("Deployment", Align::Left),
        ("Total", Align::Right),
        ("p99 ms", Align::Right),
        ("Verdict", Align::Left),
        ("Point", Align::Left),
    ]);
    let mut table = TextTable::new(&columns);
    for group in front_groups(outcome) {
        let row = group.first.row;
        let mut cells = group.values.clone();
        cells.extend([
            row.deployment.clone(),
            dollars(row.total),
            fixed(row.p99_ms, 1),
            verdict_cell(row),
            group.points(),
        ]);
        table.row(cells);
    }
    table
}

/// The recommended point in one sentence, or why there is none.
pub(crate) fn recommendation(outcome: &SweepOutcome) -> String {
    let what = match &outcome.manifest.slo {
        Some(slo) => format!("meets the SLO {slo}"),
        None => "is not degraded (no SLO was given)".to_owned(),
    };
    let Some((position, deployment)) = recommended(outcome) else {
        return match &outcome.manifest.slo {
            Some(slo) => format!("No point meets the SLO {slo}: none is recommended."),
            None => "Every result is degraded (no SLO was given: failures over 0.1% or p99 over twice the workload's own p99 duration): none is recommended.".into(),
        };
    };
    let point = &outcome.points[position];
    let row = &point.rows[deployment];
    format!(
        "Cheapest that {what}: {} on {} (point {}): {}, p99 {}.",
        point_words(point),
        row.deployment,
        point.id,
        dollars(row.total),
        show_millis(row.p99_ms)
    )
}

/// The line above the table: how much was swept.
fn heading(outcome: &SweepOutcome, front: usize) -> String {
    let manifest = &outcome.manifest;
    let deployments = outcome.points.first().map_or(0, |point| point.rows.len());
    let results = rows(outcome).count();
    let shard = manifest.shard.map_or(String::new(), |shard| {
        format!(
            " (shard {} of {}: {} of the {} points)",
            shard.index,
            shard.count,
            outcome.points.len(),
            manifest.point_count
        )
    });
    format!(
        "{}: {} points × {deployments} deployments = {results} results{shard}; {front} on the cost–p99 Pareto front, cheapest first:",
        manifest.scenario,
        outcome.points.len(),
    )
}

/// The front and the recommendation within `width` characters (none: any
/// width), with a note naming the columns left out, if any.
pub fn render_terminal(outcome: &SweepOutcome, width: Option<usize>) -> String {
    let table = front_table(outcome);
    let (text, dropped) = table.render_fitted(width);
    let note = if dropped.is_empty() {
        String::new()
    } else {
        format!("{}\n", dropped_note(&dropped))
    };
    format!(
        "{}\n\n{text}{note}\n{}\nEvery point × deployment is in sweep.csv.\n",
        heading(outcome, on_front(outcome).iter().filter(|on| **on).count()),
        recommendation(outcome)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sweep::sample;

    #[test]
    fn the_front_cheapest_first_then_the_recommended_point() {
        // The front is (1,0) $12.50 and (0,1) $20.00 (sample.rs); the
        // recommended row is (1,0), Lambda at 1024 MB.
        let text = render_terminal(&sample::outcome(), None);
        assert_eq!(
            text,
            "api-2016: 2 points × 2 deployments = 4 results; 2 on the cost–p99 Pareto front, cheapest first:\n\
             \n\
             memory_mb  keep_alive_s  Deployment   Total  p99 ms  Verdict    Point\n\
             ---------  ------------  ----------  ------  ------  ---------  ------------\n\
             1024       -             Lambda      $12.50   412.2  meets SLO  f0e1d2c3b4a5\n\
             512        60            EC2         $20.00    80.0  meets SLO  0a1b2c3d4e5f\n\
             \n\
             Cheapest that meets the SLO p99 ≤ 500 ms: memory_mb=1024 on Lambda (point f0e1d2c3b4a5): $12.50, p99 412.2 ms.\n\
             Every point × deployment is in sweep.csv.\n"
        );
    }

    #[test]
    fn alike_rows_of_the_front_are_one_line() {
        // EC2 at both points: $20 at 80 ms; (1,1) made equal to (0,1). The
        // two are on the front together, shown once, memory varying and
        // keep_alive_s 60 at one and unset at the other.
        let mut outcome = sample::outcome();
        outcome.points[1].rows[1].total = "20".parse().expect("decimal");
        let groups = front_groups(&outcome);
        assert_eq!(groups.len(), 2);
        assert_eq!((groups[1].count, groups[1].first.position), (2, 0));
        assert_eq!(groups[1].values, ["(varies)", "(varies)"]);
        assert_eq!(groups[1].points(), "2 points alike");
        assert_eq!(groups[0].points(), "f0e1d2c3b4a5");
    }

    #[test]
    fn a_narrow_terminal_drops_columns_and_says_so() {
        // The table is 71 characters wide; at 60 the point id (14 with its
        // gap) and the verdict go.
        let text = render_terminal(&sample::outcome(), Some(60));
        assert!(
            text.contains("(Verdict, Point not shown to fit the terminal"),
            "{text}"
        );
        assert!(
            text.lines()
                .all(|line| line.chars().count() <= 60 || !line.contains("  "))
        );
    }

    #[test]
    fn without_a_qualifying_row_none_is_recommended() {
        let mut outcome = sample::outcome();
        for point in &mut outcome.points {
            for row in &mut point.rows {
                row.acceptable = false;
            }
        }
        assert_eq!(
            recommendation(&outcome),
            "No point meets the SLO p99 ≤ 500 ms: none is recommended."
        );
        outcome.manifest.slo = None;
        outcome.points[0].rows[1].acceptable = true;
        assert_eq!(
            recommendation(&outcome),
            "Cheapest that is not degraded (no SLO was given): memory_mb=512, keep_alive_s=60 on EC2 (point 0a1b2c3d4e5f): $20.00, p99 80 ms."
        );
    }
}
