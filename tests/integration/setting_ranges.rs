//! Issue 14's range defects in settings, price books and requests: every
//! span, count and rate is checked against a documented range where it is
//! given, so nothing wraps, hangs or grows without bound further in.

use crate::support::Workspace;

#[track_caller]
fn fails_with(workspace: &Workspace, args: &[&str], code: i32, message: &str) {
    let output = workspace.run(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
    assert!(
        stderr.contains(message),
        "{args:?}: expected `{message}` in {stderr}"
    );
}

#[test]
fn settings_beyond_their_range_are_refused_before_any_work() {
    let workspace = Workspace::new();
    for (args, message) in [
        // Defect 3: a keep-alive of 2^64 µs wrapped and gave extra cold starts.
        (
            vec!["simulate", "--set", "keep_alive_s=18446744073709s"],
            "setting `keep_alive_s`: expected a span in seconds (or 250ms, 10m, 8h) from 0 to 10 years, found `18446744073709s`",
        ),
        // Defect 5: a million dynos ran for minutes; spot interruptions at
        // 10,000 an hour never ended.
        (
            vec!["simulate", "--platform", "heroku-2016", "--set", "dynos=1000000"],
            "setting `dynos`: expected a whole number of dynos from 1 to 10000, found `1000000`",
        ),
        (
            vec![
                "simulate",
                "--platform",
                "ec2-2016",
                "--set",
                "spot=true",
                "--set",
                "spot_interruptions_per_hour=10000",
            ],
            "expected a number of interruptions per instance-hour from 0 to 60",
        ),
        // Defect 9: a speed of NaN made every latency zero.
        (
            vec!["simulate", "--platform", "heroku-2016", "--set", "speed=nan"],
            "setting `speed`: expected a number of times the trace's speed from 0.001 to 1000, found `nan`",
        ),
        (
            vec!["simulate", "--set", "granularity_ms=1e300"],
            "setting `granularity_ms`: expected a span in ms (or 1s) from 0.001 to 3600000 ms",
        ),
    ] {
        fails_with(&workspace, &args, 2, message);
    }
}

#[test]
fn price_books_with_absurd_values_name_the_line() {
    let workspace = Workspace::new();
    let lambda = include_str!("../../pricing/aws-lambda-2016.toml")
        .replace("keep_alive_s = 600", "keep_alive_s = 1e300");
    workspace.write("keep.toml", &lambda);
    fails_with(
        &workspace,
        &["simulate", "--platform", "keep.toml"],
        1,
        "`function.defaults.keep_alive_s`: expected seconds from 0 to 315360000 (ten years), found 1e300",
    );
    let heroku = include_str!("../../pricing/heroku-2016.toml")
        .replace("speed = 1.0\n", "speed = nan\n")
        .replace("max_dynos = 10", "max_dynos = 0");
    workspace.write("pool.toml", &heroku);
    let output = workspace.run(&["simulate", "--platform", "pool.toml"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("`pool.defaults.max_dynos`"), "{stderr}");
    assert!(
        stderr.contains("speed`: expected a number above zero, found NaN"),
        "{stderr}"
    );
    // min_dynos above max_dynos in the book is the book's problem (bad data,
    // exit 1), not the user's settings.
    let inverted = include_str!("../../pricing/heroku-2016.toml").replace("min_dynos = 1", "min_dynos = 20");
    workspace.write("inverted.toml", &inverted);
    fails_with(
        &workspace,
        &["simulate", "--platform", "inverted.toml"],
        1,
        "`pool.defaults.max_dynos`: must not be below min_dynos (20)",
    );
}

#[test]
fn requests_beyond_the_engine_s_range_are_refused_or_capped() {
    let workspace = Workspace::new();
    // Defect 3: two requests of 2^64 − 1 µs made a pool's busy time wrap
    // to 0 s; a duration above ten years is now a bad row.
    workspace.write("huge.csv", "time,duration_ms\n0,18446744073709551.615\n1,10\n");
    fails_with(
        &workspace,
        &["simulate", "--trace", "huge.csv", "--platform", "heroku-2016"],
        1,
        "huge.csv:2: field `duration_ms`: expected a non-negative number of milliseconds, at most ten years",
    );
    // The fuzz harness's aborts: one row 77,000 years after the others made
    // hourly meters ask for gigabytes; arrivals are at most a century out.
    workspace.write(
        "far.csv",
        "time,duration_ms\n0,36.676\n2429496729683.926165,36.676\n",
    );
    fails_with(
        &workspace,
        &["simulate", "--trace", "far.csv", "--platform", "ec2-2016"],
        1,
        "far.csv:3: field `time`: expected an arrival at most 100 years after the trace start",
    );
    // A Pareto delay of shape 1e-300 drew beyond any time the engine can
    // add and reported latencies shorter than the execution: draws are
    // capped at ten years, so latency is the delay plus the 100 ms run.
    workspace.write("p.csv", "time,duration_ms,function\n0,100,api\n");
    let result = workspace.simulate_json(&[
        "--trace",
        "p.csv",
        "--set",
        "keep_alive_s=0",
        "--set",
        "cold_start_ms=pareto:scale=1ms,shape=1e-300",
    ]);
    // 315,360,000,000 ms (ten years) + 100 ms.
    assert_eq!(result["latency_ms"]["max"].as_f64(), Some(315_360_000_100.0));
}

#[test]
fn horizons_are_above_zero_and_at_most_a_century() {
    // Defect 1 / 9: `--horizon 18446744073709s` ran for minutes pricing
    // 584,000 years of dyno-months; a scenario's `horizon = "0s"` was
    // ignored while `--horizon 0s` was refused. Both now say the range.
    let workspace = Workspace::new();
    for span in ["0s", "18446744073709s", "36526d"] {
        let flag = format!("--horizon={span}");
        fails_with(
            &workspace,
            &["simulate", "--platform", "heroku-2016", &flag],
            2,
            "--horizon: expected a span above zero and at most 100 years (36525d)",
        );
    }
    let output = workspace.run(&["simulate", "--platform", "heroku-2016", "--horizon", "36525d"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_count_behind_a_quiet_hour_counts_its_candidates() {
    // Found by the fuzz harness: 1,000 requests of a diurnal profile whose
    // first hour runs at 1/s and whose peak is 1e6/s draw candidates at the
    // peak for 1,000 s: 1e9 draws, above --max-rows 1e6. Refused at once
    // instead of running for minutes.
    let workspace = Workspace::new();
    let hourly = "--hourly=1,1,1,1,1,1,2,5,10,10,10,10,10,10,10,10,10,1000000,5,2,1,1,1,1";
    fails_with(
        &workspace,
        &[
            "trace",
            "gen",
            "--arrivals",
            "diurnal",
            "--max-rows",
            "1000000",
            "-o",
            "out.csv",
            hourly,
            "--span=1h",
            "--count=1000",
        ],
        2,
        "would produce about 1000 requests (drawing about 1000000000 candidates or state changes)",
    );
}
