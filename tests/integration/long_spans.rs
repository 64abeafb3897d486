//! Long spans: chart series are sized by what is drawn, not by the span
//! simulated. Two requests a century apart keep their series within the
//! cap (in wider buckets), and the report of a year-long comparison names
//! its buckets on the time axis.

use costsim::platform::RunOptions;
use costsim::series::{MAX_BUCKETS, MINUTE};
use costsim::simulation::simulate;
use costsim::workload::{FunctionId, Request, default_start};

use crate::support::{Workspace, deployment};

/// 100 years of 365.25 days: 52,596,000 minutes.
const CENTURY_MINUTES: u64 = 52_596_000;

fn request(arrival: u64) -> Request {
    Request {
        arrival,
        duration: 100_000,
        function: FunctionId(0),
        memory_mb: None,
        bytes_out: 0,
    }
}

#[test]
fn two_requests_a_century_apart_keep_small_series() {
    // 52,596,000 minutes / 2^17 = 401.3, so buckets of 512 minutes; the
    // series ends in bucket 52,596,000 / 512 = 102,726 (the last request
    // ends 100 ms after it arrives, still in that minute): 102,727 buckets
    // where per-minute series held 52,596,001.
    for platform in ["heroku-2016", "aws-lambda-2016"] {
        let requests = [0, CENTURY_MINUTES * MINUTE].map(|arrival| Ok(request(arrival)));
        let options = RunOptions {
            origin: default_start(),
            horizon: None,
            seed: 1,
        };
        let result = simulate(&deployment(platform, &[]), requests, options).expect("runs");
        let series = &result.series;
        assert_eq!(series.instances.width, 512 * MINUTE, "{platform}");
        assert_eq!(series.instances.values.len(), 102_727, "{platform}");
        assert!(series.instances.values.len() <= MAX_BUCKETS);
        assert_eq!(series.requests.width, 512 * MINUTE, "{platform}");
        assert_eq!(series.requests.values.len(), 102_727, "{platform}");
        assert_eq!(series.requests.values[0], 1);
        assert_eq!(series.requests.values[102_726], 1);
        assert_eq!(series.requests.values.iter().sum::<u64>(), 2);
        assert!(series.cost_over_time.len() <= 1_002, "{platform}");
        // One instance ran at each end: the first and last buckets show it.
        assert_eq!(series.instances.values[0], 1, "{platform}");
        assert_eq!(series.instances.values[102_726], 1, "{platform}");
    }
}

#[test]
fn a_year_long_report_names_its_steps() {
    // A request a day, the last on day 365, and a 366-day horizon: the last
    // arrival at 525,600 minutes and the end at 527,040, over 2^17, are
    // 4.01 and 4.02, so 8-minute buckets, 102,727 of them. Charts draw at
    // most 360 steps: ⌈102,727 / 360⌉ = 286 buckets = 2,288 minutes, and the
    // shortest round step at least that long is 2 days (2,880 minutes). The
    // cost chart has no steps.
    let workspace = Workspace::new();
    let rows = (0..366u64).map(|day| format!("{},200", day * 86_400));
    workspace.write_rows("year.csv", "time,duration_ms", rows);
    workspace.write(
        "year.toml",
        "name = \"year\"\n[workload]\ntrace = \"year.csv\"\nhorizon = \"366d\"\n\n[[deployment]]\nname = \"Heroku\"\nplatform = \"heroku-2016\"\n\n[[deployment]]\nname = \"Lambda\"\nplatform = \"aws-lambda-2016\"\n",
    );
    let output = workspace.run(&["compare", "year.toml", "--out", "out", "--format", "json"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let svg = |name: &str| std::fs::read_to_string(workspace.path(&format!("out/{name}.svg"))).expect("svg");
    for (chart, named) in [
        ("instances-over-time", "the most in each 2 days"),
        ("requests-per-minute", "mean of each 2 days"),
    ] {
        let svg = svg(chart);
        assert!(
            svg.contains("time (days)") && svg.contains(named),
            "{chart} names its steps"
        );
    }
    let cost = svg("cost-over-time");
    assert!(cost.contains("time (days)") && !cost.contains(" each "));
}
