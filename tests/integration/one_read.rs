//! One read, many models: `compare` reads its workload once however many
//! deployments share it; each deployment's result is the one it gets
//! replaying the workload alone; rows are checked against each deployment's
//! own limits, and the first deployment (in scenario order) that fails
//! reports, naming the file and line.

use std::cell::Cell;
use std::path::Path;

use costsim::compare::{compare_stream, deployment_seed};
use costsim::error::Result;
use costsim::platform::RunOptions;
use costsim::scenario::Scenario;
use costsim::simulation::simulate;
use costsim::workload::{FunctionId, Request, default_start};

use crate::support::Workspace;

/// Counts how often `next` is called on the stream it wraps.
struct Counting<'a, I> {
    inner: I,
    calls: &'a Cell<u64>,
}

impl<I: Iterator<Item = Result<Request>>> Iterator for Counting<'_, I> {
    type Item = Result<Request>;

    fn next(&mut self) -> Option<Self::Item> {
        self.calls.set(self.calls.get() + 1);
        self.inner.next()
    }
}

/// 20,000 requests, one every 50 ms (16.7 minutes), of 30 to 200 ms, over two
/// functions: several batches of the fan-out.
fn requests() -> impl Iterator<Item = Result<Request>> {
    (0..20_000u64).map(|index| {
        Ok(Request {
            arrival: index * 50_000,
            duration: 30_000 + index * 7_919 % 170_000,
            function: FunctionId((index % 2) as u32),
            memory_mb: None,
            bytes_out: 1_024,
        })
    })
}

const EIGHT: &str = r#"name = "eight"
seed = 7
[workload]
horizon = "1h"
[workload.generator]
arrivals = "poisson"
rate = 1
span = "1h"

[[deployment]]
name = "Lambda 2016"
platform = "aws-lambda-2016"
services = ["aws-api-gateway-2016"]
[[deployment]]
name = "Lambda 2025"
platform = "aws-lambda-2025"
[[deployment]]
name = "Azure"
platform = "azure-functions-2016"
[[deployment]]
name = "Cloud Functions"
platform = "gcf-2017"
[[deployment]]
name = "Heroku"
platform = "heroku-2016"
dynos = 3
[[deployment]]
name = "App Engine"
platform = "gae-2016"
[[deployment]]
name = "EC2 2016"
platform = "ec2-2016"
instances = 2
[[deployment]]
name = "EC2 2025"
platform = "ec2-2025"
billing = "per-second"
"#;

#[test]
fn eight_deployments_read_the_workload_once_and_match_lone_runs() {
    let scenario = Scenario::from_toml("eight.toml", EIGHT, Path::new(".")).expect("valid scenario");
    assert_eq!(scenario.deployments.len(), 8);
    let calls = Cell::new(0);
    let source = Counting {
        inner: requests(),
        calls: &calls,
    };
    let results = compare_stream(&scenario, source, default_start()).expect("runs");
    // 20,000 requests and the one call that finds the end: once, not 8 times.
    assert_eq!(calls.get(), 20_001);
    for (index, named) in results.iter().enumerate() {
        let deployment = &scenario.deployments[index];
        assert_eq!(named.name, deployment.name);
        assert_eq!(named.result.requests.total, 20_000, "{}", named.name);
        let alone = simulate(
            &deployment.deployment,
            requests(),
            RunOptions {
                origin: default_start(),
                horizon: scenario.horizon,
                seed: deployment_seed(scenario.seed, index),
            },
        )
        .expect("runs alone");
        assert_eq!(
            serde_json::to_value(&named.result).expect("JSON"),
            serde_json::to_value(&alone).expect("JSON"),
            "{}",
            named.name
        );
        assert_eq!(named.result.series, alone.series, "{}", named.name);
    }
}

/// Rows of `t.csv` (the header is line 1): 512 MB, 3,008 MB (above Lambda
/// 2016's 1,536 MB, within Lambda 2025's 10,240 MB) on line 3, 256 MB, then
/// a malformed duration on line 5.
const ROWS: &str = "time,duration_ms,memory_mb\n0,100,512\n1,100,3008\n2,100,256\n3,abc,256\n4,100,256\n";

fn scenario_of(platforms: &[&str], sort: bool) -> String {
    let mut text = format!("name = \"checks\"\n[workload]\ntrace = \"t.csv\"\nsort = {sort}\n");
    for platform in platforms {
        text.push_str(&format!(
            "\n[[deployment]]\nname = \"{platform}\"\nplatform = \"{platform}\"\n"
        ));
    }
    text
}

fn compare_error(platforms: &[&str], sort: bool) -> String {
    let workspace = Workspace::new();
    workspace.write("t.csv", ROWS);
    workspace.write("s.toml", &scenario_of(platforms, sort));
    let output = workspace.run(&["compare", "s.toml", "--no-report"]);
    assert_eq!(output.status.code(), Some(1), "{platforms:?}");
    String::from_utf8_lossy(&output.stderr).trim_end().to_owned()
}

#[test]
fn each_deployment_checks_rows_against_its_own_limits() {
    // Lambda 2016 rejects line 3; Lambda 2025 reads on to the malformed
    // line 5. The first deployment in scenario order reports its own error,
    // streaming or sorting.
    let rejected =
        "costsim: error: t.csv:3: field `memory_mb`: expected at most 1536 MB on aws-lambda-2016, found 3008";
    let malformed = "costsim: error: t.csv:5: field `duration_ms`: expected a non-negative number of milliseconds, at most ten years, found `abc`";
    for sort in [false, true] {
        assert_eq!(
            compare_error(&["aws-lambda-2016", "aws-lambda-2025"], sort),
            rejected
        );
        assert_eq!(
            compare_error(&["aws-lambda-2025", "aws-lambda-2016"], sort),
            malformed
        );
        assert_eq!(
            compare_error(&["heroku-2016", "aws-lambda-2016"], sort),
            malformed
        );
    }
}

#[test]
fn a_sorted_trace_compares_like_the_same_rows_in_order() {
    // The same 6 rows shuffled, with `sort = true`, give byte-identical JSON
    // to the rows in arrival order (ties keep file order either way).
    let ordered = "time,duration_ms,bytes_out\n0,100,1\n0,50,2\n30,200,3\n90,10,4\n600,300,5\n3600,20,6\n";
    let shuffled = "time,duration_ms,bytes_out\n600,300,5\n0,100,1\n3600,20,6\n30,200,3\n0,50,2\n90,10,4\n";
    let platforms = ["aws-lambda-2016", "heroku-2016", "ec2-2016"];
    let json = |rows: &str, sort: bool| {
        let workspace = Workspace::new();
        workspace.write("t.csv", rows);
        workspace.write("s.toml", &scenario_of(&platforms, sort));
        let output = workspace.run(&["compare", "s.toml", "--no-report", "--format", "json"]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    };
    assert_eq!(json(shuffled, true), json(ordered, false));
    assert_eq!(json(ordered, true), json(ordered, false));
}
