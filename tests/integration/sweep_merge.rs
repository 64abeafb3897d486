//! `costsim merge` on shard files written by hand (from `render_json` of
//! hand-built outcomes): two shards merge into the bytes the whole sweep's
//! outcome gives, and each problem (manifests that differ, points missing
//! or duplicated, a whole sweep, a corrupt file) is named with its file and
//! exits with 1, writing nothing.

use std::path::Path;

use costsim::pricing::Decimal;
use costsim::report::sweep::{render_csv, render_json};
use costsim::sweep::outcome::{BookEntry, Manifest, ParamValue, PointOutcome, Shard, SweepOutcome, SweepRow};

use crate::support::Workspace;

fn row(deployment: &str, total: &str, p99_ms: f64) -> SweepRow {
    let total: Decimal = total.parse().expect("a decimal");
    SweepRow {
        deployment: deployment.into(),
        platform: "aws-lambda-2016".into(),
        currency: "USD".into(),
        total,
        per_million: total / Decimal::from(2),
        idle_amount: Decimal::ZERO,
        requests: 2_000_000,
        cold_starts: 3,
        failed: 0,
        p50_ms: 40.0,
        p95_ms: 120.5,
        p99_ms,
        verdict: if p99_ms <= 500.0 { "meets" } else { "misses" }.into(),
        meets_slo: Some(p99_ms <= 500.0),
        acceptable: p99_ms <= 500.0,
    }
}

/// Three points of memory_mb (128, 256, 512) × two deployments: the
/// whole sweep's outcome.
fn whole() -> SweepOutcome {
    let manifest = Manifest {
        costsim_version: env!("CARGO_PKG_VERSION").into(),
        scenario: "merge check".into(),
        scenario_hash: "a1".into(),
        grid: serde_json::json!({"dimensions": [{"name": "memory_mb", "values": ["128", "256", "512"]}]}),
        point_count: 3,
        seed: 42,
        slo: Some("p99 ≤ 500 ms".into()),
        slo_p99_ms: Some(500.0),
        books: vec![BookEntry {
            id: "aws-lambda-2016".into(),
            title: "AWS Lambda (2016)".into(),
            effective_date: "2016-01-01".into(),
        }],
        shard: None,
    };
    // Lambda A gets faster and dearer with memory; B is the same at 2x.
    let points = [
        ("128", "1.0000", 900.0),
        ("256", "1.50", 450.0),
        ("512", "2.75", 300.25),
    ]
    .into_iter()
    .enumerate()
    .map(|(index, (memory, total, p99))| PointOutcome {
        index,
        id: format!("00000000000{index}"),
        params: vec![ParamValue {
            name: "memory_mb".into(),
            value: Some(memory.into()),
        }],
        rows: vec![row("A", total, p99), row("B", &format!("{total}0"), p99 * 2.0)],
        results: vec![serde_json::json!({"total": total}), serde_json::json!({})],
    })
    .collect();
    SweepOutcome { manifest, points }
}

/// Shard `index` of `count` of [`whole`]: round robin.
fn shard(index: usize, count: usize) -> SweepOutcome {
    let mut outcome = whole();
    outcome.manifest.shard = Some(Shard { index, count });
    outcome.points.retain(|point| point.index % count + 1 == index);
    outcome
}

fn write(workspace: &Workspace, name: &str, outcome: &SweepOutcome) {
    let bytes = render_json(outcome).expect("JSON");
    std::fs::write(workspace.path(name), bytes).expect("writable");
}

fn listing(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("listable")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs a merge that must fail with exit 1 and returns its stderr, after
/// checking that it wrote no report.
fn failing(workspace: &Workspace, args: &[&str]) -> String {
    let mut all = vec!["merge"];
    all.extend_from_slice(args);
    all.extend(["--out", "merged"]);
    let output = workspace.run(&all);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(!workspace.path("merged").exists());
    stderr
}

#[test]
fn two_shards_merge_into_the_whole_sweeps_bytes() {
    let workspace = Workspace::new();
    write(&workspace, "s2.json", &shard(2, 2));
    write(&workspace, "s1.json", &shard(1, 2));
    let output = workspace.run(&[
        "merge",
        "s2.json",
        "s1.json",
        "--out",
        "merged",
        "--format",
        "json",
        "-o",
        "printed.json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected_json = render_json(&whole()).expect("JSON");
    let expected_csv = render_csv(&whole()).expect("CSV");
    let read = |name: &str| std::fs::read(workspace.path(name)).expect("written");
    assert_eq!(read("merged/sweep.json"), expected_json);
    assert_eq!(read("merged/sweep.csv"), expected_csv);
    assert_eq!(read("printed.json"), expected_json);
    assert_eq!(
        listing(&workspace.path("merged")),
        [
            "cost-by-memory_mb.png",
            "cost-by-memory_mb.svg",
            "cost-vs-p99.png",
            "cost-vs-p99.svg",
            "report.html",
            "sweep.csv",
            "sweep.json"
        ]
    );
    // Rows in grid order; the front (cheapest first): A 128 $1 at 900 ms,
    // A 256 $1.50 at 450 ms, A 512 $2.75 at 300.25 ms (each B costs more
    // and is slower than its A). A at 256 MB is the cheapest under 500 ms.
    let csv = String::from_utf8(expected_csv).expect("UTF-8");
    let fronts: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|line| line.rsplit(',').next().unwrap_or(""))
        .collect();
    assert_eq!(fronts, ["true", "false", "true", "false", "true", "false"]);
    let table = workspace.run(&["merge", "s1.json", "s2.json", "--no-report"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains(
            "Cheapest that meets the SLO p99 ≤ 500 ms: memory_mb=256 on A (point 000000000001): $1.50, p99 450 ms."
        ),
        "{text}"
    );
}

#[test]
fn shards_of_different_sweeps_are_refused_naming_the_field() {
    let workspace = Workspace::new();
    write(&workspace, "s1.json", &shard(1, 2));
    let mut other = shard(2, 2);
    other.manifest.scenario_hash = "b2".into();
    other.manifest.seed = 43;
    write(&workspace, "s2.json", &other);
    let stderr = failing(&workspace, &["s1.json", "s2.json"]);
    assert_eq!(
        stderr,
        "costsim: error: s2.json: its manifest's `scenario_hash` differs from s1.json's (\"b2\", not \"a1\"): shards of one sweep differ only in `shard`\n\
         s2.json: its manifest's `seed` differs from s1.json's (43, not 42): shards of one sweep differ only in `shard`\n"
    );
    let mut newer = shard(2, 2);
    newer.manifest.costsim_version = "99.0.0".into();
    write(&workspace, "s2.json", &newer);
    let stderr = failing(&workspace, &["s1.json", "s2.json"]);
    assert!(
        stderr.contains("s2.json: made by costsim 99.0.0, but s1.json by costsim"),
        "{stderr}"
    );
}

#[test]
fn missing_and_duplicated_points_are_named_with_their_files() {
    let workspace = Workspace::new();
    for index in 1..=3 {
        write(&workspace, &format!("s{index}.json"), &shard(index, 3));
    }
    write(&workspace, "copy.json", &shard(2, 3));
    // Shard 3 of 3 holds point 2 (2 mod 3 + 1 = 3); shard 2 holds point 1.
    let stderr = failing(&workspace, &["s1.json", "s2.json", "copy.json"]);
    assert_eq!(
        stderr,
        "costsim: error: point 1 (000000000001) is in both s2.json and copy.json: give each shard once\n\
         point 2 of the sweep's 3 is missing: shard 3 of 3 not given?\n"
    );
}

#[test]
fn a_whole_sweep_and_corrupt_files_are_refused() {
    let workspace = Workspace::new();
    write(&workspace, "sweep.json", &whole());
    let stderr = failing(&workspace, &["sweep.json"]);
    assert_eq!(
        stderr,
        "costsim: error: sweep.json: a whole sweep (its manifest has no `shard`), not a shard: it has nothing to merge with; give the shards' files instead\n"
    );
    workspace.write("cut.json", "{\n  \"manifest\": {\n    \"costsim_version\": \"0.1");
    workspace.write("other.json", "{\"points\": []}\n");
    let stderr = failing(&workspace, &["cut.json", "other.json", "absent.json"]);
    let lines: Vec<&str> = stderr.lines().collect();
    // Line 3 ends at column 27: 4 spaces, `"costsim_version"` (17), `: `
    // (2) and `"0.1` (4).
    assert_eq!(
        lines[0],
        "costsim: error: cut.json:3:27: not valid JSON: EOF while parsing a string"
    );
    assert_eq!(
        lines[1],
        "other.json:1:14: not a sweep's JSON (sweep.json or a shard): missing field `manifest`"
    );
    assert!(
        lines[2].starts_with("absent.json: No such file or directory"),
        "{stderr}"
    );
    assert_eq!(lines.len(), 3);
}

#[test]
fn a_report_replaces_its_folder_whole_and_keeps_the_shards_it_was_made_from() {
    let workspace = Workspace::new();
    std::fs::create_dir(workspace.path("report")).expect("create");
    write(&workspace, "report/shard-1-of-2.json", &shard(1, 2));
    write(&workspace, "report/shard-2-of-2.json", &shard(2, 2));
    // What an older report left: replaced with the folder.
    workspace.write("report/cost-by-old_param.svg", "<svg/>");
    workspace.write("report/sweep.csv", "old");
    let output = workspace.run(&[
        "merge",
        "report/shard-1-of-2.json",
        "report/shard-2-of-2.json",
        "--out",
        "report",
        "--format",
        "csv",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout, render_csv(&whole()).expect("CSV"));
    assert_eq!(
        listing(&workspace.path("report")),
        [
            "cost-by-memory_mb.png",
            "cost-by-memory_mb.svg",
            "cost-vs-p99.png",
            "cost-vs-p99.svg",
            "report.html",
            "shard-1-of-2.json",
            "shard-2-of-2.json",
            "sweep.csv",
            "sweep.json"
        ]
    );
    assert_eq!(
        std::fs::read(workspace.path("report/shard-2-of-2.json")).expect("kept"),
        render_json(&shard(2, 2)).expect("JSON")
    );
    // The default folder is named after the scenario.
    let output = workspace.run(&[
        "merge",
        "report/shard-1-of-2.json",
        "report/shard-2-of-2.json",
        "-q",
    ]);
    assert!(output.status.success());
    assert!(workspace.path("reports/merge-check-sweep/report.html").exists());
}

#[test]
fn usage_problems_exit_with_2_and_help_lists_the_exit_codes() {
    let workspace = Workspace::new();
    assert_eq!(workspace.run(&["merge"]).status.code(), Some(2));
    assert_eq!(workspace.run(&["merge", "-", "-"]).status.code(), Some(2));
    assert_eq!(
        workspace.run(&["merge", "a.json", "--out", "-"]).status.code(),
        Some(2)
    );
    let help = workspace.run(&["merge", "--help"]);
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("costsim merge reports/api-2016-sweep/shard-*.json"),
        "{text}"
    );
    assert!(text.contains("Exit codes: 0 success; 1 bad input data"));
}
