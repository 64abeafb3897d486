//! `sweep.csv`: one row per point × deployment in grid order, for pandas
//! and R. The columns (docs/SWEEP-OUTPUT.md) are `point_index`, `point_id`,
//! a `param_<name>` column per swept parameter (hyperfine's convention;
//! empty where an included point leaves it unset), then [`ROW_COLUMNS`].
//! Amounts are exact, never rounded.

use super::{on_front, param_names, rows, value_of};
use crate::error::Result;
use crate::report::csv_summary::write_csv;
use crate::sweep::outcome::{SweepOutcome, SweepRow};

/// The columns after the parameters', in order.
pub const ROW_COLUMNS: [&str; 15] = [
    "deployment",
    "platform",
    "currency",
    "total",
    "per_million",
    "idle_amount",
    "requests",
    "cold_starts",
    "failed",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "verdict",
    "meets_slo",
    "on_pareto_front",
];

fn row_cells(row: &SweepRow, on_front: bool) -> Vec<String> {
    vec![
        row.deployment.clone(),
        row.platform.clone(),
        row.currency.clone(),
        row.total.to_string(),
        row.per_million.to_string(),
        row.idle_amount.to_string(),
        row.requests.to_string(),
        row.cold_starts.to_string(),
        row.failed.to_string(),
        row.p50_ms.to_string(),
        row.p95_ms.to_string(),
        row.p99_ms.to_string(),
        row.verdict.clone(),
        row.meets_slo.map_or(String::new(), |meets| meets.to_string()),
        on_front.to_string(),
    ]
}

/// The sweep's rows as CSV.
pub fn render_csv(outcome: &SweepOutcome) -> Result<Vec<u8>> {
    let names = param_names(outcome);
    let header: Vec<String> = ["point_index", "point_id"]
        .into_iter()
        .map(str::to_owned)
        .chain(names.iter().map(|name| format!("param_{name}")))
        .chain(ROW_COLUMNS.into_iter().map(str::to_owned))
        .collect();
    let front = on_front(outcome);
    let lines = rows(outcome).zip(front).map(|(row, on_front)| {
        let mut cells = vec![row.point.index.to_string(), row.point.id.clone()];
        cells.extend(
            names
                .iter()
                .map(|name| value_of(row.point, name).unwrap_or_default().to_owned()),
        );
        cells.extend(row_cells(row.row, on_front));
        cells
    });
    write_csv(header.iter().map(String::as_str), lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sweep::sample;

    #[test]
    fn one_row_per_point_and_deployment_with_exact_amounts() {
        // Per million: total / 4 (4,000,000 requests), keeping the
        // total's scale: 12.5000 / 4 = 3.1250, 20 / 4 = 5, 12.5 / 4 =
        // 3.125, 40.10 / 4 = 10.0250. The second point leaves
        // keep_alive_s unset: an empty cell. The front is rows (0,1) and
        // (1,0) (see sample.rs).
        let csv = String::from_utf8(render_csv(&sample::outcome()).expect("CSV")).expect("UTF-8");
        let idle = "0.0000096450617283950617283951";
        assert_eq!(
            csv,
            format!(
                "point_index,point_id,param_memory_mb,param_keep_alive_s,deployment,platform,currency,total,per_million,idle_amount,requests,cold_starts,failed,p50_ms,p95_ms,p99_ms,verdict,meets_slo,on_pareto_front\n\
                 0,0a1b2c3d4e5f,512,60,Lambda,aws-lambda-2016,USD,12.5000,3.1250,0,4000000,25,1,20.5,90,612.5,misses,false,false\n\
                 0,0a1b2c3d4e5f,512,60,EC2,ec2-2016,USD,20,5,{idle},4000000,0,0,20.5,90,80,meets,true,true\n\
                 1,f0e1d2c3b4a5,1024,,Lambda,aws-lambda-2016,USD,12.5,3.125,0,4000000,25,0,20.5,90,412.25,meets,true,true\n\
                 1,f0e1d2c3b4a5,1024,,EC2,ec2-2016,USD,40.10,10.0250,{idle},4000000,0,0,20.5,90,80,meets,true,false\n"
            )
        );
    }

    #[test]
    fn meets_slo_is_empty_without_an_slo() {
        let mut outcome = sample::outcome();
        outcome.points.truncate(1);
        outcome.points[0].rows.truncate(1);
        outcome.points[0].rows[0].meets_slo = None;
        outcome.points[0].rows[0].verdict = "ok".into();
        let csv = String::from_utf8(render_csv(&outcome).expect("CSV")).expect("UTF-8");
        let last = csv.lines().nth(1).expect("a row");
        assert!(last.ends_with(",612.5,ok,,true"), "{last}");
    }
}
