//! `costsim pricing list` and `costsim pricing show`.

use crate::support::Workspace;

#[test]
fn list_shows_every_shipped_book() {
    let output = Workspace::new().run(&["pricing", "list"]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    let row = |id: &str| {
        text.lines()
            .find(|line| line.starts_with(id))
            .map(|line| line.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
    };
    assert_eq!(
        row("aws-lambda-2016 "),
        Some("aws-lambda-2016 function Amazon".into()),
        "{text}"
    );
    assert_eq!(
        row("heroku-2016 "),
        Some("heroku-2016 pool Heroku".into()),
        "{text}"
    );
    assert_eq!(row("ec2-2016 "), Some("ec2-2016 vm Amazon".into()), "{text}");
    assert_eq!(
        row("aws-api-gateway-2016 "),
        Some("aws-api-gateway-2016 service Amazon".into()),
        "{text}"
    );
    assert_eq!(
        row("gcf-2017 "),
        Some("gcf-2017 function Google".into()),
        "{text}"
    );
    // Every book in pricing/ is listed (build.rs embeds the folder).
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/pricing"))
        .expect("pricing folder")
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|entry| entry.path().extension().is_some_and(|ext| ext == "toml"))
        })
        .count();
    assert_eq!(text.lines().count(), 2 + files, "{text}");
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
        "https://aws.amazon.com/lambda/pricing/",
        "archived copy: https://web.archive.org/web/20160601000000/https://aws.amazon.com/lambda/pricing/",
        "read 2026-12-01",
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

#[test]
fn show_json_marks_each_source_with_its_confidence() {
    // docker-cloud-2016: the $0.02 node-hour fee from one secondary source
    // [S], Docker staff on the node-based model [S], and the free node not
    // applied [R].
    let output = Workspace::new().run(&["pricing", "show", "docker-cloud-2016", "--format", "json"]);
    assert!(output.status.success());
    let book: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let confidences: Vec<&str> = book["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|source| source["confidence"].as_str())
        .collect();
    assert_eq!(confidences, ["secondary", "secondary", "unconfirmed"]);
}
