//! The two landscape scenarios (`scenarios/landscape-2016.toml`,
//! `landscape-today.toml`) run as shipped, with a report, and the bills
//! that do not depend on the traffic (plans, instance-hours, node fees)
//! come to the amounts worked out by hand. Both span 30 days of September.

use serde_json::Value;

use crate::support::Workspace;

/// Runs `compare` on a shipped scenario with a report in the workspace and
/// returns the JSON document.
fn compare_shipped(workspace: &Workspace, scenario: &str) -> Value {
    let path = format!("{}/scenarios/{scenario}.toml", env!("CARGO_MANIFEST_DIR"));
    let report = workspace.path("report");
    let output = workspace.run(&[
        "compare",
        &path,
        "--format",
        "json",
        "--report",
        report.to_str().expect("utf-8 path"),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.join("report.html").is_file(), "no report.html");
    serde_json::from_slice(&output.stdout).expect("a JSON document")
}

/// The exact total of the deployment called `name`.
fn total(document: &Value, name: &str) -> String {
    let results = document["results"].as_array().expect("results");
    let found = results
        .iter()
        .find(|result| result["name"] == name)
        .unwrap_or_else(|| panic!("no deployment {name}"));
    found["bill"]["total"].to_string()
}

#[test]
fn the_2016_landscape_prices_every_system_of_the_story() {
    let workspace = Workspace::new();
    let document = compare_shipped(&workspace, "landscape-2016");
    let platforms: Vec<&str> = document["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|result| result["platform"].as_str())
        .collect();
    for platform in [
        "aws-lambda-2016",
        "azure-functions-2016",
        "heroku-2016",
        "gae-2016",
        "app-service-2016",
        "ec2-2016",
        "hookio-2016",
        "webtask-2016",
        "webscript-2016",
        "ironworker-2016",
    ] {
        assert!(platforms.contains(&platform), "{platform} missing: {platforms:?}");
    }
    // Eleven deployments: the instances chart gives each a strip named with
    // its most (Heroku's one hobby dyno: "up to 1").
    let svg = std::fs::read_to_string(workspace.path("report").join("instances-over-time.svg"))
        .expect("the instances chart");
    for result in document["results"].as_array().expect("results") {
        let name = result["name"].as_str().expect("a name");
        assert!(svg.contains(&format!("{name} (up to ")), "{name} has no strip");
    }
    assert!(svg.contains("Heroku 1 x Hobby (up to 1)"));
    // September 2016 has 30 days = 720 h.
    // App Service B1: 720 h × $0.075 = $54.
    assert_eq!(total(&document, "App Service 1 x B1 (WebJobs)"), "54");
    // EC2 t2.micro hourly, 720 h × $0.013 = $9.36, plus the ELB's 720 h ×
    // $0.025 = $18.00: $27.36.
    assert_eq!(total(&document, "EC2 1 x t2.micro + ELB"), "27.36");
    // Without the ELB, plus Docker Cloud's 720 node-hours × $0.02 = $14.40:
    // $9.36 + $14.40 = $23.76.
    assert_eq!(total(&document, "EC2 1 x t2.micro + Docker Cloud"), "23.76");
    // Flat plans: one started month each: hook.io Large $100, Webscript
    // Unlimited $5; Heroku hobby capped at its $7 a month.
    assert_eq!(total(&document, "hook.io Large"), "100");
    assert_eq!(total(&document, "Webscript Unlimited"), "5");
    assert_eq!(total(&document, "Heroku 1 x Hobby"), "7");
}

#[test]
fn todays_landscape_prices_the_counterparts() {
    let workspace = Workspace::new();
    let document = compare_shipped(&workspace, "landscape-today");
    assert_eq!(document["results"].as_array().expect("results").len(), 9);
    // Fargate Arm, 1 task all month (2,592,000 s): 2,592,000 vCPU-s ×
    // $0.0000089944 = $23.3134848 and 2 GB × 2,592,000 s = 5,184,000 GB-s ×
    // $0.0000009889 = $5.1264576; $28.4399424.
    assert_eq!(total(&document, "Fargate 1 x Arm 1 vCPU 2 GB"), "28.4399424");
    // Workers: 259,095 requests and 5 CPU-ms each (1,295,475 CPU-ms) are
    // within the 10M requests and 30M CPU-ms included: the $5 plan.
    assert_eq!(total(&document, "Cloudflare Workers (5 CPU-ms)"), "5");
    // App Service B1 today: 720 h × $0.075 = $54; Heroku Basic $7.
    assert_eq!(total(&document, "App Service 1 x B1"), "54");
    assert_eq!(total(&document, "Heroku 1 x Basic"), "7");
}
