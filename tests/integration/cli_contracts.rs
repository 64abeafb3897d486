//! The command line's contracts with pipelines and other programs: `-` for
//! standard input and output, bad usage as exit 2, seeds that survive a
//! parser holding numbers as doubles, settings that can be pasted back as
//! `--set`, CSV headers that do not depend on the scenario, and the JSON
//! document of `compare` compared with the committed example.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::support::Workspace;

const BINARY: &str = env!("CARGO_BIN_EXE_costsim");

/// Runs `costsim args` in `workspace` with `input` on standard input.
fn run_with_input(workspace: &Workspace, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BINARY)
        .args(args)
        .current_dir(workspace.path(""))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("costsim starts");
    let mut stdin = child.stdin.take().expect("a pipe");
    stdin.write_all(input).expect("written");
    drop(stdin);
    child.wait_with_output().expect("costsim ends")
}

/// Runs `costsim first | costsim second` in `workspace`: the second's output.
fn pipe(workspace: &Workspace, first: &[&str], second: &[&str]) -> Output {
    let mut producer = Command::new(BINARY)
        .args(first)
        .current_dir(workspace.path(""))
        .stdout(Stdio::piped())
        .spawn()
        .expect("costsim starts");
    let consumer = Command::new(BINARY)
        .args(second)
        .current_dir(workspace.path(""))
        .stdin(producer.stdout.take().expect("a pipe"))
        .output()
        .expect("costsim runs");
    assert!(producer.wait().expect("ends").success(), "{first:?} failed");
    consumer
}

#[track_caller]
fn succeeded(output: &Output) -> &[u8] {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    &output.stdout
}

/// Two deployments whose instance types differ from [`OTHER_TYPES`].
const SCENARIO: &str = r#"name = "contracts"
seed = 3
[workload]
trace = "t.csv"

[[deployment]]
name = "Lambda"
platform = "aws-lambda-2016"
memory_mb = 256
free_tier = false

[[deployment]]
name = "Heroku"
platform = "heroku-2016"
dyno_type = "standard-1x"
dynos = 2

[[deployment]]
name = "EC2"
platform = "ec2-2016"
instance_type = "t2.small"
instances = 1
"#;

/// Three requests, 100 ms each, 10 s apart.
const TRACE: &str = "time,duration_ms\n0,100\n10,100\n20,100\n";

fn scenario_workspace() -> Workspace {
    let workspace = Workspace::new();
    workspace.write("t.csv", TRACE);
    workspace.write("s.toml", SCENARIO);
    workspace
}

#[test]
fn a_generated_trace_pipes_into_simulate_as_json() {
    let workspace = Workspace::new();
    // --count 100 ends the trace long before the hour at 10/s (36,000).
    let output = pipe(
        &workspace,
        &[
            "trace", "gen", "--rate", "10", "--span", "1h", "--count", "100", "-o", "-",
        ],
        &["simulate", "--trace", "-", "--format", "json"],
    );
    let result: Value = serde_json::from_slice(succeeded(&output)).expect("JSON");
    assert_eq!(result["requests"]["total"], 100);
    assert!(!workspace.path("-").exists(), "no file named `-`");
}

#[test]
fn compare_prints_to_standard_output_with_dash() {
    let workspace = scenario_workspace();
    let output = workspace.run(&[
        "compare", "s.toml", "--format", "json", "-o", "-", "--report", "out",
    ]);
    let document: Value = serde_json::from_slice(succeeded(&output)).expect("JSON");
    assert_eq!(document["results"].as_array().map(Vec::len), Some(3));
    assert!(workspace.path("out/summary.json").exists());
    assert!(!workspace.path("-").exists(), "no file named `-`");
    // `-o FILE` writes the file and prints nothing.
    let output = workspace.run(&[
        "compare",
        "s.toml",
        "--format",
        "csv",
        "-o",
        "c.csv",
        "--no-report",
    ]);
    assert!(succeeded(&output).is_empty());
    let csv = std::fs::read_to_string(workspace.path("c.csv")).expect("written");
    assert_eq!(csv.lines().count(), 4, "a header and three deployments");
}

#[test]
fn a_scenario_and_a_trace_come_from_standard_input() {
    let workspace = scenario_workspace();
    let output = run_with_input(
        &workspace,
        &["compare", "-", "--format", "json", "--no-report"],
        SCENARIO.as_bytes(),
    );
    let document: Value = serde_json::from_slice(succeeded(&output)).expect("JSON");
    assert_eq!(document["workload"]["requests"], 3);
    // A stale file named `-` is not what `-` reads.
    workspace.write("-", "time,duration_ms\n0,1\n");
    let output = run_with_input(
        &workspace,
        &["trace", "stats", "-", "--format", "json"],
        TRACE.as_bytes(),
    );
    let stats: Value = serde_json::from_slice(succeeded(&output)).expect("JSON");
    assert_eq!(stats["rows"], 3);
}

#[test]
fn impossible_destinations_and_inputs_are_bad_usage() {
    let workspace = scenario_workspace();
    let cases: [&[&str]; 4] = [
        &["compare", "s.toml", "--report", "-"],
        &["compare", "-", "--trace", "-"],
        &["simulate", "--trace", "-", "--platform", "-"],
        &["compare", "s.toml", "--seed", "9007199254740992"],
    ];
    for args in cases {
        let output = workspace.run(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let output = workspace.run(&["compare", "s.toml", "--report", "-"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot go to standard output"));
}

/// The exact value of the number at `key` and what a parser holding numbers
/// as doubles (JavaScript's `JSON.parse`, `jq` 1.6) reads: the double
/// nearest the literal.
fn exact_and_double(value: &Value) -> (u64, f64) {
    let exact = value.as_u64().expect("a whole number");
    let double: f64 = value.to_string().parse().expect("a number literal");
    (exact, double)
}

#[test]
fn seeds_survive_parsers_that_hold_numbers_as_doubles() {
    let workspace = scenario_workspace();
    let output = workspace.run(&["compare", "s.toml", "--format", "json", "--no-report"]);
    let text = succeeded(&output).to_vec();
    let document: Value = serde_json::from_slice(&text).expect("JSON");
    #[derive(serde::Deserialize)]
    struct AsDouble {
        seed: f64,
    }
    #[derive(serde::Deserialize)]
    struct Document {
        results: Vec<AsDouble>,
    }
    let doubles: Document = serde_json::from_slice(&text).expect("JSON into f64");
    for (result, as_double) in document["results"]
        .as_array()
        .expect("results")
        .iter()
        .zip(doubles.results)
    {
        let (exact, double) = exact_and_double(&result["seed"]);
        assert!(exact < 1 << 53, "{exact} needs more than 53 bits");
        assert_eq!(double as u64, exact);
        assert_eq!(as_double.seed as u64, exact);
    }
}

/// `--set` arguments holding every entry of a result's `settings`.
fn settings_as_set(result: &Value) -> Vec<String> {
    let settings = result["settings"].as_object().expect("settings");
    settings
        .iter()
        .flat_map(|(key, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            ["--set".to_owned(), format!("{key}={text}")]
        })
        .collect()
}

#[test]
fn a_results_settings_pasted_back_as_set_give_the_same_result() {
    let workspace = Workspace::new();
    workspace.write("t.csv", TRACE);
    let output = workspace.run(&["pricing", "list", "--format", "json"]);
    let books: Value = serde_json::from_slice(succeeded(&output)).expect("JSON");
    let platforms: Vec<&str> = books
        .as_array()
        .expect("books")
        .iter()
        .filter(|book| book["offering"]["family"] != "service")
        .filter_map(|book| book["id"].as_str())
        .collect();
    assert!(platforms.len() >= 10, "{platforms:?}");
    // Every book with its defaults, and settings that are unset by default.
    let mut cases: Vec<(&str, Vec<&str>)> = platforms
        .into_iter()
        .map(|platform| (platform, Vec::new()))
        .collect();
    cases.push((
        "ec2-2016",
        vec![
            "--set",
            "autoscale=schedule",
            "--set",
            "schedule=0-7:2,8-19:3,20-23:1",
        ],
    ));
    cases.push((
        "aws-lambda-2025",
        vec!["--set", "provisioned=1", "--set", "provisioned_until=8h"],
    ));
    for (platform, extra) in cases {
        let base = [
            "simulate",
            "--trace",
            "t.csv",
            "--format",
            "json",
            "--seed",
            "5",
            "--platform",
            platform,
        ];
        let with_extra: Vec<&str> = base.iter().copied().chain(extra).collect();
        let first: Value = serde_json::from_slice(succeeded(&workspace.run(&with_extra))).expect("JSON");
        let pasted = settings_as_set(&first);
        let mut again: Vec<&str> = base.to_vec();
        again.extend(pasted.iter().map(String::as_str));
        let second: Value = serde_json::from_slice(succeeded(&workspace.run(&again))).expect("JSON");
        assert_eq!(first, second, "{platform}: {pasted:?}");
    }
}

#[test]
fn a_compare_results_seed_and_settings_replay_it_alone() {
    let workspace = scenario_workspace();
    let output = workspace.run(&["compare", "s.toml", "--format", "json", "--no-report"]);
    let document: Value = serde_json::from_slice(succeeded(&output)).expect("JSON");
    for result in document["results"].as_array().expect("results") {
        let seed = result["seed"].to_string();
        let platform = result["platform"].as_str().expect("an id");
        let mut args = vec![
            "simulate",
            "--trace",
            "t.csv",
            "--format",
            "json",
            "--seed",
            &seed,
            "--platform",
            platform,
        ];
        let pasted = settings_as_set(result);
        args.extend(pasted.iter().map(String::as_str));
        let alone: Value = serde_json::from_slice(succeeded(&workspace.run(&args))).expect("JSON");
        assert_eq!(alone["bill"], result["bill"], "{platform}");
        assert_eq!(alone["latency_ms"], result["latency_ms"], "{platform}");
        assert_eq!(alone["settings"], result["settings"], "{platform}");
    }
}

#[test]
fn set_changes_one_deployment_by_prefix_or_every_one_that_takes_the_key() {
    let workspace = scenario_workspace();
    let args = [
        "compare",
        "s.toml",
        "--format",
        "json",
        "--no-report",
        "--set",
        "her.dynos=3",
        "--set",
        "free_tier=true",
    ];
    let document: Value = serde_json::from_slice(succeeded(&workspace.run(&args))).expect("JSON");
    let results = document["results"].as_array().expect("results");
    assert_eq!(results[1]["settings"]["dynos"], 3);
    // free_tier is a key of Lambda and Heroku, not of EC2.
    assert_eq!(results[0]["settings"]["free_tier"], true);
    assert_eq!(results[1]["settings"]["free_tier"], true);
    assert!(results[2]["settings"].get("free_tier").is_none());
    // Lambda's three requests are then free: 0.3 GB-s and 3 requests.
    assert_eq!(results[0]["bill"]["total"].to_string(), "0");
    assert_eq!(
        document["scenario"]["overrides"],
        serde_json::json!(["--set her.dynos=3", "--set free_tier=true"])
    );
    let output = workspace.run(&["compare", "s.toml", "--no-report", "--set", "e.instances=0"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--set, deployment `EC2`: setting `instances`"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_changed_scenario_reports_to_a_folder_named_after_the_changes() {
    let workspace = scenario_workspace();
    std::fs::copy(workspace.path("t.csv"), workspace.path("api-sample.csv")).expect("copy");
    let output = workspace.run(&["compare", "s.toml", "--trace", "api-sample.csv", "--seed", "9"]);
    succeeded(&output);
    assert!(
        workspace
            .path("reports/contracts+trace-api-sample+seed-9/report.html")
            .exists()
    );
    assert!(!workspace.path("reports/contracts").exists());
    succeeded(&workspace.run(&["compare", "s.toml"]));
    assert!(workspace.path("reports/contracts/report.html").exists());
}

/// The headers of a CSV text.
fn headers(text: &[u8]) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(text);
    reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect()
}

#[test]
fn csv_headers_do_not_depend_on_instance_types() {
    let first = scenario_workspace();
    let second = Workspace::new();
    second.write("t.csv", TRACE);
    let other = SCENARIO
        .replace("t2.small", "m4.large")
        .replace("standard-1x", "performance-m")
        .replace("memory_mb = 256", "memory_mb = 1024");
    second.write("s.toml", &other);
    for workspace in [&first, &second] {
        succeeded(&workspace.run(&["compare", "s.toml", "--report", "out"]));
    }
    for file in ["out/summary.csv", "out/line_items.csv"] {
        let read = |workspace: &Workspace| std::fs::read(workspace.path(file)).expect("written");
        assert_eq!(headers(&read(&first)), headers(&read(&second)), "{file}");
    }
    let items = std::fs::read(first.path("out/line_items.csv")).expect("written");
    assert_eq!(
        headers(&items),
        ["deployment", "item", "quantity", "unit", "unit_price", "amount"]
    );
    // simulate's summary has the same columns whatever the platform.
    let simulate_header = |platform: &str| {
        let output = first.run(&[
            "simulate",
            "--trace",
            "t.csv",
            "--format",
            "csv",
            "--platform",
            platform,
        ]);
        headers(succeeded(&output))
    };
    assert_eq!(simulate_header("ec2-2016"), simulate_header("heroku-2025"));
    assert_eq!(simulate_header("ec2-2016"), simulate_header("aws-lambda-2016"));
    let summary = std::fs::read(first.path("out/summary.csv")).expect("written");
    let mut expected: Vec<String> = ["name", "ratio_to_cheapest", "cost_per_million_requests"]
        .map(String::from)
        .to_vec();
    expected.extend(simulate_header("ec2-2016"));
    assert_eq!(headers(&summary), expected);
}

fn example_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

#[test]
fn compare_json_matches_the_committed_example() {
    // After an intended change of the contract, regenerate the example with
    // COSTSIM_BLESS=1 and describe the change in docs/JSON.md.
    let workspace = Workspace::new();
    let scenario = example_path("compare-example.toml");
    let scenario = scenario.to_str().expect("a UTF-8 path");
    let output = workspace.run(&["compare", scenario, "--format", "json", "--no-report"]);
    let actual = succeeded(&output);
    let committed = example_path("compare-example.json");
    if std::env::var_os("COSTSIM_BLESS").is_some() {
        std::fs::write(&committed, actual).expect("blessed");
    }
    let expected = std::fs::read(&committed).expect("the committed example");
    assert!(
        actual == expected.as_slice(),
        "compare --format json differs from tests/data/compare-example.json:\n{}",
        String::from_utf8_lossy(actual)
    );
    let document: Value = serde_json::from_slice(actual).expect("JSON");
    assert_eq!(document["format_version"], 1);
    // Lambda 512 MB without free tier is the cheapest: 33 requests ×
    // $0.0000002 = $0.0000066, plus 4.55 GB-s (its billed 100 ms steps at
    // 0.5 GB) × $0.00001667 = $0.0000758485: $0.0000824485. Its ratio is 1,
    // and its cost per million requests its total × 10^6 / 33.
    assert_eq!(document["cheapest"], "Lambda 512 MB");
    let lambda = &document["results"][0];
    assert_eq!(lambda["ratio_to_cheapest"], 1);
    assert_eq!(lambda["bill"]["line_items"][1]["quantity"].to_string(), "4.55");
    assert_eq!(lambda["bill"]["total"].to_string(), "0.0000824485");
    let total: f64 = lambda["bill"]["total"].to_string().parse().expect("a number");
    let per_million: f64 = lambda["cost_per_million_requests"]
        .to_string()
        .parse()
        .expect("a number");
    assert!(
        (per_million - total * 1e6 / 33.0).abs() < 1e-9,
        "{per_million} vs {total}"
    );
}

#[test]
fn a_long_run_on_a_pipe_prints_no_progress_and_quiet_prints_nothing() {
    let workspace = Workspace::new();
    // 3,000,000 requests (--count) take over a second to make: a bar would
    // show on a terminal, but standard error is a pipe here.
    let args = [
        "trace",
        "gen",
        "--rate",
        "1000000",
        "--span",
        "1h",
        "--count",
        "3000000",
        "-o",
        "/dev/null",
    ];
    let output = workspace.run(&args);
    succeeded(&output);
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "costsim: wrote 3000000 requests\n"
    );
    let quiet: Vec<&str> = args.iter().copied().chain(["--quiet"]).collect();
    let output = workspace.run(&quiet);
    succeeded(&output);
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn help_lists_exit_codes_examples_and_what_each_format_means() {
    let workspace = Workspace::new();
    for command in [
        &["pricing", "list", "--help"][..],
        &["pricing", "show", "--help"],
        &["trace", "stats", "--help"],
        &["compare", "--help"],
        &["simulate", "--help"],
    ] {
        let output = workspace.run(command);
        let help = String::from_utf8_lossy(succeeded(&output)).into_owned();
        assert!(help.contains("Examples:\n  costsim "), "{command:?}: {help}");
        assert!(
            help.contains("Exit codes: 0 success; 1 bad input data"),
            "{command:?}"
        );
        assert!(
            help.contains("- json:"),
            "{command:?}: every --format value is described"
        );
    }
    let output = workspace.run(&["pricing", "list"]);
    assert!(String::from_utf8_lossy(succeeded(&output)).starts_with("Id "));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Rates effective since"));
}

#[test]
fn a_scenario_seed_beyond_53_bits_is_refused_at_its_line() {
    let workspace = scenario_workspace();
    // 2^53 = 9007199254740992, one above the largest seed.
    let bad = SCENARIO.replace("seed = 3", "seed = 9007199254740992");
    workspace.write("s.toml", &bad);
    let output = workspace.run(&["compare", "s.toml", "--no-report"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("s.toml: line 2: `seed`: expected a whole number from 0 to 2^53 - 1"),
        "{stderr}"
    );
}
