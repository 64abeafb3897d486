//! `resample = "days"` through the replay every command shares: a trace's
//! days drawn with replacement from a seed, composed with traffic scaling,
//! `fill = "repeat"` and each deployment's row checks; `sort = true` is
//! refused. On a real multi-day trace (Alibaba GenTD26), the request count
//! over many seeds averages the trace's own (D days × the mean per day).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use costsim::error::{Error, Result};
use costsim::replay::{Replayed, Workload, replay};
use costsim::scenario::Scenario;
use costsim::simulation::Deployment;
use costsim::workload::TraceReader;
use costsim::workload::resample::{DayIndex, Resampled};
use costsim::workload::traffic::TrafficFactor;

use crate::support::{Workspace, missing_input};

/// Three days of 1, 2 and 3 requests on lines 2 to 7 (times in seconds: day
/// 1 starts at 86,400, day 2 at 172,800). Line 6 asks for 3,008 MB, more
/// than Lambda 2016's largest size (1,536 MB).
const THREE_DAYS: &str = "time,duration_ms,memory_mb\n\
    3600,10,\n\
    86400,20,\n\
    129600,30,\n\
    172800,40,\n\
    180000,50,3008\n\
    255600,60,\n";

fn scenario(workspace: &Workspace, workload: &str) -> Scenario {
    let text = format!(
        "name = \"days\"\nseed = 1\n[workload]\ntrace = \"three.csv\"\n{workload}\n\
         [[deployment]]\nname = \"EC2\"\nplatform = \"ec2-2016\"\n\
         [[deployment]]\nname = \"Lambda\"\nplatform = \"aws-lambda-2016\"\n"
    );
    workspace.write("three.csv", THREE_DAYS);
    Scenario::from_toml("days.toml", &text, &workspace.path("")).expect("valid scenario")
}

/// Each deployment's (arrival in s, duration in ms) as replayed, or its error.
fn replayed(
    scenario: &Scenario,
    resample: u64,
    traffic: Option<&TrafficFactor>,
) -> Result<Replayed<Vec<(u64, u64)>>> {
    let workload = Workload {
        resample: Some(resample),
        traffic: traffic.map(|factor| (factor, 5)),
        ..Workload::of(scenario)
    };
    let deployments: Vec<&Deployment> = scenario
        .deployments
        .iter()
        .map(|named| &named.deployment)
        .collect();
    replay(workload, &deployments, |_, mut feed, _| {
        let (requests, error) = costsim::workload::drain(&mut feed);
        match error {
            Some(error) => Err(error),
            None => Ok(requests
                .iter()
                .map(|request| (request.arrival / 1_000_000, request.duration / 1_000))
                .collect()),
        }
    })
}

fn rows_of(replayed: &Replayed<Vec<(u64, u64)>>, deployment: usize) -> &[(u64, u64)] {
    match &replayed.results[deployment] {
        Ok(rows) => rows,
        Err(error) => panic!("deployment {deployment} failed: {error}"),
    }
}

#[test]
fn resampled_days_are_replayed_then_scaled() {
    let workspace = Workspace::new();
    let scenario = scenario(&workspace, "");
    // Pcg64 from seed 9 draws source days [2, 1, 1]: day 2's rows moved
    // back 2 days (172,800 → 0, 180,000 → 7,200, 255,600 → 82,800), day 1
    // as it is, day 1 again a day later (+86,400). Lambda rejects line 6.
    let outcome = replayed(&scenario, 9, None).expect("replays");
    let expected = [
        (0, 40),
        (7_200, 50),
        (82_800, 60),
        (86_400, 20),
        (129_600, 30),
        (172_800, 20),
        (216_000, 30),
    ];
    assert_eq!(rows_of(&outcome, 0), expected);
    let error = outcome.results[1].as_ref().expect_err("Lambda rejects 3,008 MB");
    let file = workspace.path("three.csv");
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}:6: field `memory_mb`", file.display())),
        "{error}"
    );
    // Seed 5 draws [1, 1, 0], never day 2: both deployments see 2 + 2 + 1
    // requests, day 0's 3,600 s landing at 172,800 + 3,600 = 176,400.
    let outcome = replayed(&scenario, 5, None).expect("replays");
    let expected = [(0, 20), (43_200, 30), (86_400, 20), (129_600, 30), (176_400, 10)];
    assert_eq!(rows_of(&outcome, 0), expected);
    assert_eq!(rows_of(&outcome, 1), expected);
    // Traffic scaled by 2 after the resampling: every resampled request
    // twice, the copy within a second after it: 5 × 2 = 10.
    let two = TrafficFactor::parse("2").expect("a factor");
    let outcome = replayed(&scenario, 5, Some(&two)).expect("replays");
    let rows = rows_of(&outcome, 0);
    assert_eq!(rows.len(), 10);
    for pair in rows.chunks(2) {
        assert!(expected.contains(&pair[0]), "{rows:?}");
        assert!(pair[1].0 - pair[0].0 <= 1 && pair[1].1 == pair[0].1, "{rows:?}");
    }
}

#[test]
fn resampled_days_are_tiled_to_the_horizon() {
    let workspace = Workspace::new();
    let scenario = scenario(&workspace, "horizon = \"6d\"\nfill = \"repeat\"");
    // Seed 5's 3 days (last arrival at 176,400 s, in day 2) tile every 3
    // days: the same 5 requests again 259,200 s later.
    let outcome = replayed(&scenario, 5, None).expect("replays");
    let first = [(0, 20), (43_200, 30), (86_400, 20), (129_600, 30), (176_400, 10)];
    let second = first.map(|(arrival, duration)| (arrival + 259_200, duration));
    assert_eq!(rows_of(&outcome, 0), [first, second].concat());
    let tiling = outcome.tiling.as_ref().and_then(|tiling| tiling.get().copied());
    assert_eq!(tiling.map(|tiling| tiling.period / 86_400_000_000), Some(3));
}

#[test]
fn a_trace_that_needs_sorting_is_refused() {
    let workspace = Workspace::new();
    let scenario = scenario(&workspace, "sort = true");
    let error = replayed(&scenario, 5, None).err().expect("refused");
    assert!(matches!(error, Error::Usage(_)), "{error}");
    assert!(error.to_string().contains("`--sort`"), "{error}");
}

/// The Alibaba GenTD26 trace imported into `workspace`, or none (a skip
/// outside CI, a failure under it).
#[track_caller]
fn alibaba(workspace: &Workspace, test: &str) -> Option<PathBuf> {
    let source =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/traces/alibaba-gentd26/lora_request_trace.csv");
    if !source.is_file() {
        missing_input(test, "../shared/traces/alibaba-gentd26/lora_request_trace.csv");
        return None;
    }
    let source = source.to_string_lossy().into_owned();
    let output = workspace.run(&[
        "trace",
        "import",
        "--from",
        "csv",
        &source,
        "--time-col",
        "gmt_create",
        "--time-format",
        "%Y-%m-%d %H:%M:%S",
        "--duration-col",
        "exec_time_seconds",
        "--duration-unit",
        "s",
        "-o",
        "alibaba.csv",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(workspace.path("alibaba.csv"))
}

#[test]
fn a_real_trace_resampled_keeps_its_request_count_on_average() {
    let workspace = Workspace::new();
    let Some(trace) = alibaba(
        &workspace,
        "a_real_trace_resampled_keeps_its_request_count_on_average",
    ) else {
        return;
    };
    // 26,823 requests from 2024-11-15 16:57:50 over 1,989,367 s = 23.02
    // days after the first row: D = 24 days, the last one 37 minutes long.
    let index = Arc::new(DayIndex::build(&trace, None).expect("a valid trace"));
    assert_eq!(index.days(), 24);
    assert!(index.seeks());
    let mut per_day = [0.0_f64; 24];
    for request in TraceReader::open(&trace, None).expect("opens") {
        per_day[(request.expect("readable").arrival / 86_400_000_000) as usize] += 1.0;
    }
    assert_eq!(per_day.iter().sum::<f64>(), 26_823.0);
    // A replication's total is the sum of 24 days drawn with replacement:
    // its mean is 24 × 26,823 / 24 = 26,823, its standard deviation
    // √24 × σ(day counts); the mean of 200 replications is within 4
    // standard errors (σ_total / √200) of 26,823.
    let mean_day = 26_823.0 / 24.0;
    let variance = per_day
        .iter()
        .map(|count| (count - mean_day).powi(2))
        .sum::<f64>()
        / 24.0;
    let standard_error = (24.0 * variance).sqrt() / 200f64.sqrt();
    let mut totals = Vec::new();
    for seed in 0..200 {
        let mut previous = 0;
        let mut total = 0u64;
        for request in Resampled::new(Arc::clone(&index), seed) {
            let arrival = request.expect("readable").arrival;
            assert!(
                arrival >= previous && arrival < 24 * 86_400_000_000,
                "seed {seed}"
            );
            previous = arrival;
            total += 1;
        }
        totals.push(total as f64);
    }
    let mean = totals.iter().sum::<f64>() / 200.0;
    assert!(
        (mean - 26_823.0).abs() < 4.0 * standard_error,
        "mean {mean}, standard error {standard_error}"
    );
    // The replications differ: days are drawn, not copied.
    assert!(totals.iter().any(|total| *total != totals[0]));
}
