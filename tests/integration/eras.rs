//! Era checks: a run priced with a book before its effective date, or after
//! a newer book of the same product took over, warns on stderr and in the
//! result, and the result lists which book priced which stretch.

use serde_json::{Value, json};

use crate::support::Workspace;

fn simulate(workspace: &Workspace, args: &[&str]) -> (Value, String) {
    let mut all = vec!["simulate", "--trace", "t.csv", "--format", "json"];
    all.extend_from_slice(args);
    let output = workspace.run(&all);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        serde_json::from_slice(&output.stdout).expect("JSON"),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn january_2016_on_the_june_2016_heroku_book_warns() {
    let workspace = Workspace::new();
    workspace.write("t.csv", "time,duration_ms\n0,100\n60,100\n");
    // The default start, 2016-01-01, over a 31-day horizon: all of it before
    // heroku-2016's effective date (2016-06-01).
    let (result, stderr) = simulate(&workspace, &["--platform", "heroku-2016", "--horizon", "31d"]);
    let expected = "heroku-2016 (effective 2016-06-01) prices 2016-01-01 to 2016-02-01, before its effective date: its rates may not be the ones billed then";
    assert!(
        result["warnings"]
            .as_array()
            .is_some_and(|all| all.iter().any(|one| one == expected)),
        "{}",
        result["warnings"]
    );
    assert!(
        stderr.contains(&format!("costsim: warning: {expected}")),
        "{stderr}"
    );
    assert_eq!(
        result["price_periods"],
        json!([{
            "book": "heroku-2016",
            "from": "2016-01-01T00:00:00Z",
            "to": "2016-02-01T00:00:00Z",
            "standing": "before_effective_date"
        }])
    );
}

#[test]
fn ec2_2016_after_per_second_billing_took_over_is_split_and_warned() {
    let workspace = Workspace::new();
    workspace.write("t.csv", "time,duration_ms\n0,100\n");
    // From 2017-09-25 for 14 days: in effect until 2017-10-02, when ec2-2025
    // (per-second billing) took over, then superseded until 2017-10-09.
    let (result, stderr) = simulate(
        &workspace,
        &[
            "--platform",
            "ec2-2016",
            "--start",
            "2017-09-25T00:00:00Z",
            "--horizon",
            "14d",
        ],
    );
    let standings: Vec<(&str, &str, &str)> = result["price_periods"]
        .as_array()
        .expect("periods")
        .iter()
        .map(|period| {
            (
                period["from"].as_str().unwrap_or_default(),
                period["to"].as_str().unwrap_or_default(),
                period["standing"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        standings,
        vec![
            ("2017-09-25T00:00:00Z", "2017-10-02T00:00:00Z", "in_effect"),
            ("2017-10-02T00:00:00Z", "2017-10-09T00:00:00Z", "superseded"),
        ]
    );
    assert_eq!(
        result["price_periods"][1]["superseded_by"],
        "ec2-2025 (effective 2017-10-02)"
    );
    assert!(
        stderr.contains("costsim: warning: ec2-2016 (effective 2016-01-13) prices 2017-10-02 to 2017-10-09, after ec2-2025 (effective 2017-10-02) took over"),
        "{stderr}"
    );
}

#[test]
fn a_run_inside_its_books_era_says_nothing() {
    let workspace = Workspace::new();
    workspace.write("t.csv", "time,duration_ms,bytes_out\n0,100,10\n");
    // Lambda and API Gateway 2016 are both in effect from 2016-01-01.
    let (result, stderr) = simulate(
        &workspace,
        &[
            "--platform",
            "aws-lambda-2016",
            "--service",
            "aws-api-gateway-2016",
        ],
    );
    assert!(result.get("warnings").is_none(), "{}", result["warnings"]);
    assert!(stderr.is_empty(), "{stderr}");
    let books: Vec<&str> = result["price_periods"]
        .as_array()
        .expect("periods")
        .iter()
        .map(|period| period["book"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(books, vec!["aws-lambda-2016", "aws-api-gateway-2016"]);
}
