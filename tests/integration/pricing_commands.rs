//! `costsim pricing list` and `costsim pricing show`.

use crate::support::Workspace;

#[test]
fn list_shows_every_shipped_book() {
    let output = Workspace::new().run(&["pricing", "list"]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("aws-lambda-2016  function  Amazon Web Services  2016-01-01"),
        "{text}"
    );
    assert!(text.contains("aws-lambda-2025"), "{text}");
}

#[test]
fn show_lists_rates_settings_and_sources() {
    let output = Workspace::new().run(&["pricing", "show", "aws-lambda-2016"]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "$0.00001667",
        "rounded up to 100 ms (minimum 100 ms)",
        "Free each month: 1000000 requests and 400000 GB-s",
        "keep_alive_s",
        "FACTS.md §1.1",
    ] {
        assert!(text.contains(expected), "`{expected}` missing from:\n{text}");
    }
}

#[test]
fn show_json_is_the_validated_book() {
    let output = Workspace::new().run(&["pricing", "show", "aws-lambda-2025", "--format", "json"]);
    assert!(output.status.success());
    let book: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(book["offering"]["family"], "function");
    assert_eq!(book["offering"]["billing"]["granularity_us"], 1000);
    assert_eq!(book["effective_date"], "2025-08-01");
}
