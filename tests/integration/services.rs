//! Services priced alongside a deployment, beyond API Gateway: DynamoDB
//! (on-demand request units, 2016 provisioned capacity), S3 (GETs, PUTs,
//! storage), API Gateway HTTP APIs, and node fees on a VM group (Docker
//! Cloud per node-hour, or a share of the instance price), with the counts
//! a deployment gives (`--service ID:KEY=VALUE,…`), to the cent by hand.
//!
//! Unless stated, the trace is 1,000 requests of 100 ms spread over 30 days
//! from 2016-01-01 and the horizon is 30 days: 30/31 of January.

use crate::support::{Workspace, assert_close, line_item, number};

const EXACT: f64 = 1e-9;

fn simulate(workspace: &Workspace, args: &[&str]) -> serde_json::Value {
    let rows = (0..1_000).map(|index| format!("{},100", index * 2_592));
    let trace = workspace.write_rows("month.csv", "time,duration_ms", rows);
    let mut all = vec!["--trace", trace.to_str().expect("utf-8 path"), "--horizon", "30d"];
    all.extend_from_slice(args);
    workspace.simulate_json(&all)
}

#[track_caller]
fn assert_item(result: &serde_json::Value, item: &str, quantity: f64, amount: f64) {
    let line = line_item(result, item);
    assert_close(number(line, "quantity"), quantity, EXACT);
    assert_close(number(line, "amount"), amount, EXACT);
}

#[test]
fn dynamodb_on_demand_bills_units_per_request_and_storage() {
    // 2 reads and 1 write per request: 2,000 read units × $0.125/M =
    // $0.00025; 1,000 write units × $0.625/M = $0.000625. 30 GB stored, 25
    // free: 5 GB × 30/31 month = 4.8387… GB-months × $0.25 = $1.2096….
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--platform",
            "aws-lambda-2016",
            "--service",
            "dynamodb-2025:reads_per_request=2,writes_per_request=1,storage_gb=30",
        ],
    );
    assert_item(&result, "DynamoDB read request units", 2_000.0, 0.00025);
    assert_item(&result, "DynamoDB write request units", 1_000.0, 0.000625);
    let gb_months = 5.0 * 30.0 / 31.0;
    assert_item(&result, "DynamoDB storage", gb_months, gb_months * 0.25);
    assert_close(
        number(line_item(&result, "DynamoDB storage"), "free_quantity"),
        25.0 * 30.0 / 31.0,
        EXACT,
    );
}

#[test]
fn dynamodb_2016_bills_provisioned_capacity_above_the_free_units() {
    // 50 read and 30 write units for 720 h, 25 of each free:
    // reads 25 × 720 = 18,000 unit-hours × $0.00013 = $2.34;
    // writes 5 × 720 = 3,600 × $0.00065 = $2.34. 1 GB stored is free.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--platform",
            "aws-lambda-2016",
            "--service",
            "dynamodb-2016:read_capacity_units=50,write_capacity_units=30",
        ],
    );
    assert_item(&result, "DynamoDB read capacity", 18_000.0, 2.34);
    assert_item(&result, "DynamoDB write capacity", 3_600.0, 2.34);
    assert_item(&result, "DynamoDB storage", 0.0, 0.0);
    // Lambda's own 1,000 × 0.1 s × 128 MB stays in its free tier.
    assert_close(number(&result, "bill.total"), 4.68, EXACT);
}

#[test]
fn s3_bills_gets_and_puts_per_thousand_and_storage() {
    // 1 GET and 1 PUT per request (2016): 1,000 GETs × $0.004/10,000 =
    // $0.0004; 1,000 PUTs × $0.005/1,000 = $0.005; 1 GB × 30/31 month ×
    // $0.03 = $0.029032….
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--platform",
            "aws-lambda-2016",
            "--service",
            "s3-2016:puts_per_request=1",
        ],
    );
    assert_item(&result, "S3 GET requests", 1_000.0, 0.0004);
    assert_item(&result, "S3 PUT requests", 1_000.0, 0.005);
    assert_item(&result, "S3 storage", 30.0 / 31.0, 0.03 * 30.0 / 31.0);
}

#[test]
fn http_apis_cost_a_dollar_a_million_requests() {
    // 1,000 requests × $1.00/M = $0.001 in the first tier.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &["--platform", "aws-lambda-2025", "--service", "aws-http-api-2025"],
    );
    assert_item(&result, "API Gateway HTTP API requests, tier 1", 1_000.0, 0.001);
}

#[test]
fn docker_cloud_charges_per_node_hour_of_the_vm_group() {
    // 2 m4.large on EC2 2016 for 720 h: 1,440 node-hours × $0.02 = $28.80,
    // on top of 1,440 instance-hours × $0.120 = $172.80.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--platform",
            "ec2-2016",
            "--set",
            "instance_type=m4.large",
            "--set",
            "instances=2",
            "--set",
            "load_balancer=false",
            "--service",
            "docker-cloud-2016",
        ],
    );
    assert_item(&result, "Docker Cloud node fee", 1_440.0, 28.80);
    assert_item(&result, "Instances (m4.large, on-demand)", 1_440.0, 172.80);
    assert_close(number(&result, "bill.total"), 201.60, EXACT);
}

#[test]
fn a_fee_can_be_a_share_of_the_instance_price() {
    // A managed-node fee of 15% on 1 t3.micro for 720 h at $0.0104:
    // instances $7.488; fee 0.15 × $7.488 = $1.1232.
    let workspace = Workspace::new();
    let book = workspace.write(
        "managed.toml",
        r#"id = "managed-nodes"
family = "service"
title = "A managed-node fee"
vendor = "Test"
region = "us-east-1"
era = "2025"
effective_date = "2025-01-01"
currency = "USD"
sources = ["hand-written for a test"]

[service]
name = "Managed nodes"

[service.node_fee]
label = "Management fee"
share_of_instance_price = 0.15
"#,
    );
    let result = simulate(
        &workspace,
        &[
            "--platform",
            "ec2-2025",
            "--set",
            "instance_type=t3.micro",
            "--set",
            "instances=1",
            "--set",
            "load_balancer=false",
            "--service",
            book.to_str().expect("utf-8 path"),
        ],
    );
    assert_item(&result, "Management fee", 7.488, 1.1232);
}

#[test]
fn a_count_the_service_does_not_price_is_named() {
    let workspace = Workspace::new();
    let trace = workspace.write("one.csv", "time,duration_ms\n0,10\n");
    let output = workspace.run(&[
        "simulate",
        "--trace",
        trace.to_str().expect("utf-8 path"),
        "--platform",
        "aws-lambda-2025",
        "--service",
        "s3-2025:reads_per_request=2",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("s3-2025: `reads_per_request`: unknown for S3; expected one of gets_per_request, puts_per_request, storage_gb"),
        "{stderr}"
    );
}
