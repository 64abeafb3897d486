//! A Monte Carlo's tidy tables: `montecarlo.csv`, one row per run ×
//! deployment (replications, then the tornado's runs) with the values the
//! run applied as `param_<name>` columns and the deployment's exact total,
//! requests, p99 and SLO verdict; and the summary in long form (one row per
//! deployment × measure × statistic, with its standard error), what
//! `--format csv` prints. Column orders are fixed.

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::montecarlo::outcome::{McOutcome, Role};
use crate::montecarlo::summary::{Probability, Spread, Summary};
use crate::pricing::Decimal;

fn writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

fn bytes(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>> {
    writer
        .into_inner()
        .map_err(|error| Error::usage(format!("cannot write CSV: {error}")))
}

fn failed(error: csv::Error) -> Error {
    Error::usage(format!("cannot write CSV: {error}"))
}

/// `montecarlo.csv`: every run's rows.
pub fn render_runs(outcome: &McOutcome) -> Result<Vec<u8>> {
    let names: Vec<String> = outcome
        .runs
        .iter()
        .flat_map(|run| run.values.iter().map(|value| value.name.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out = writer();
    let mut header: Vec<String> = ["run", "role", "moved_input", "seed"].map(str::to_owned).to_vec();
    header.extend(names.iter().map(|name| format!("param_{name}")));
    header.extend(
        [
            "deployment",
            "currency",
            "total",
            "requests",
            "p99_ms",
            "meets_slo",
        ]
        .map(str::to_owned),
    );
    out.write_record(&header).map_err(failed)?;
    for run in &outcome.runs {
        let (role, moved) = match &run.role {
            Role::Replication => ("replication", ""),
            Role::Base => ("base", ""),
            Role::Low(input) => ("low", input.as_str()),
            Role::High(input) => ("high", input.as_str()),
        };
        for row in &run.rows {
            let mut record = vec![
                run.index.to_string(),
                role.into(),
                moved.into(),
                run.seed.to_string(),
            ];
            record.extend(names.iter().map(|name| {
                let value = run.values.iter().find(|value| value.name == *name);
                value.and_then(|value| value.value.clone()).unwrap_or_default()
            }));
            record.extend([
                row.deployment.clone(),
                row.currency.clone(),
                row.total.to_string(),
                row.requests.to_string(),
                row.p99_ms.to_string(),
                row.meets_slo.map(|meets| meets.to_string()).unwrap_or_default(),
            ]);
            out.write_record(&record).map_err(failed)?;
        }
    }
    bytes(out)
}

/// The summary in long form.
pub fn render_summary(summary: &Summary) -> Result<Vec<u8>> {
    let mut out = writer();
    out.write_record([
        "deployment",
        "currency",
        "measure",
        "statistic",
        "value",
        "standard_error",
    ])
    .map_err(failed)?;
    for deployment in &summary.deployments {
        let mut rows: Vec<[String; 4]> = Vec::new();
        spread_rows(&mut rows, "total", &deployment.total, exact);
        for (item, spread) in &deployment.line_items {
            spread_rows(&mut rows, &format!("line_item:{item}"), spread, exact);
        }
        spread_rows(&mut rows, "p99_ms", &deployment.p99_ms, f64::to_string);
        let shares = [
            ("over_budget", deployment.over_budget),
            ("meets_slo", deployment.meets_slo),
            ("cheapest", Some(deployment.cheapest)),
        ];
        for (measure, share) in shares {
            if let Some(Probability {
                value,
                standard_error,
            }) = share
            {
                rows.push([
                    measure.into(),
                    "probability".into(),
                    value.to_string(),
                    standard_error.to_string(),
                ]);
            }
        }
        for [measure, statistic, value, error] in rows {
            let record = [
                &deployment.name,
                &deployment.currency,
                &measure,
                &statistic,
                &value,
                &error,
            ];
            out.write_record(record).map_err(failed)?;
        }
    }
    bytes(out)
}

/// An amount as exact text without trailing zeros.
fn exact(amount: &Decimal) -> String {
    amount.normalize().to_string()
}

fn spread_rows<T: Copy>(
    rows: &mut Vec<[String; 4]>,
    measure: &str,
    spread: &Spread<T>,
    text: fn(&T) -> String,
) {
    rows.push([
        measure.into(),
        "mean".into(),
        text(&spread.mean),
        text(&spread.mean_standard_error),
    ]);
    rows.push([
        measure.into(),
        "standard_deviation".into(),
        text(&spread.standard_deviation),
        String::new(),
    ]);
    for quantile in &spread.quantiles {
        rows.push([
            measure.into(),
            format!("p{}", quantile.percent.normalize()),
            text(&quantile.value),
            text(&quantile.standard_error),
        ]);
    }
}
