//! A hand-built sweep outcome for the exporters' tests: two points (memory
//! 512 MB and 1024 MB, the second leaving keep_alive_s unset) × two
//! deployments (Lambda, EC2), with an SLO of p99 ≤ 500 ms.
//!
//! | row   | deployment | total   | p99 ms | verdict | front |
//! |-------|------------|---------|--------|---------|-------|
//! | (0,0) | Lambda     | 12.5000 | 612.5  | misses  | no: (1,0) is as cheap and faster |
//! | (0,1) | EC2        | 20      | 80     | meets   | yes |
//! | (1,0) | Lambda     | 12.5    | 412.25 | meets   | yes (recommended) |
//! | (1,1) | EC2        | 40.10   | 80     | meets   | no: (0,1) is as fast and cheaper |

use serde_json::json;

use crate::pricing::Decimal;
use crate::sweep::outcome::{BookEntry, Manifest, ParamValue, PointOutcome, SweepOutcome, SweepRow};

fn decimal(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

fn param(name: &str, value: Option<&str>) -> ParamValue {
    ParamValue {
        name: name.into(),
        value: value.map(str::to_owned),
    }
}

/// A row with the given deployment, total, p99 and verdict.
fn row(deployment: &str, total: &str, p99_ms: f64, meets: bool) -> SweepRow {
    let lambda = deployment == "Lambda";
    SweepRow {
        deployment: deployment.into(),
        platform: if lambda { "aws-lambda-2016" } else { "ec2-2016" }.into(),
        currency: "USD".into(),
        total: decimal(total),
        per_million: decimal(total) / Decimal::from(4),
        idle_amount: if lambda {
            Decimal::ZERO
        } else {
            decimal("0.0000096450617283950617283951")
        },
        requests: 4_000_000,
        cold_starts: if lambda { 25 } else { 0 },
        failed: u64::from(!meets),
        p50_ms: 20.5,
        p95_ms: 90.0,
        p99_ms,
        verdict: if meets { "meets" } else { "misses" }.into(),
        meets_slo: Some(meets),
        acceptable: meets,
    }
}

pub fn manifest() -> Manifest {
    Manifest {
        costsim_version: "0.1.0".into(),
        scenario: "api-2016".into(),
        scenario_hash: "5f1c0a9e2b7d4c31".into(),
        grid: json!({"dimensions": [
            {"name": "memory_mb", "values": ["512", "1024"]},
            {"name": "keep_alive_s", "values": ["60"]}
        ]}),
        point_count: 2,
        seed: 7,
        slo: Some("p99 ≤ 500 ms".into()),
        slo_p99_ms: Some(500.0),
        books: vec![
            BookEntry {
                id: "aws-lambda-2016".into(),
                title: "AWS Lambda (2016)".into(),
                effective_date: "2016-01-01".into(),
            },
            BookEntry {
                id: "ec2-2016".into(),
                title: "Amazon EC2 (2016)".into(),
                effective_date: "2016-01-01".into(),
            },
        ],
        shard: None,
    }
}

/// A result document with an amount of 28 decimals, to prove exactness.
fn result(total: &str) -> serde_json::Value {
    let text =
        format!("{{\"bill\": {{\"total\": {total}, \"unit_price\": 0.0000096450617283950617283951}}}}");
    serde_json::from_str(&text).expect("JSON")
}

pub fn outcome() -> SweepOutcome {
    SweepOutcome {
        manifest: manifest(),
        points: vec![
            PointOutcome {
                index: 0,
                id: "0a1b2c3d4e5f".into(),
                params: vec![param("memory_mb", Some("512")), param("keep_alive_s", Some("60"))],
                rows: vec![
                    row("Lambda", "12.5000", 612.5, false),
                    row("EC2", "20", 80.0, true),
                ],
                results: vec![result("12.5000"), result("20")],
            },
            PointOutcome {
                index: 1,
                id: "f0e1d2c3b4a5".into(),
                params: vec![param("memory_mb", Some("1024")), param("keep_alive_s", None)],
                rows: vec![
                    row("Lambda", "12.5", 412.25, true),
                    row("EC2", "40.10", 80.0, true),
                ],
                results: vec![result("12.5"), result("40.10")],
            },
        ],
    }
}
