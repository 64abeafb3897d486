//! The sweep's grid through the library: a scenario's `[sweep]` table read
//! with its lines, command-line flags laid over it, the points in grid order
//! with their ids, and shards (from `--shard` or the environment of a Slurm
//! array job or a Kubernetes Indexed Job) that together hold every point once.

use std::collections::HashMap;
use std::path::Path;

use costsim::scenario::Scenario;
use costsim::sweep::grid::Grid;
use costsim::sweep::point::Point;
use costsim::sweep::shard::{from_environment, parse_shard, select};

const SCENARIO: &str = r#"name = "lambda-memory"
[workload]
trace = "t.csv"
horizon = "1d"

[[deployment]]
name = "Lambda"
platform = "aws-lambda-2016"
memory_mb = 512

[sweep]
memory_mb = [128, 256]
keep_alive_s = "60..180:60"
"#;

fn scenario(source: &str) -> Scenario {
    Scenario::from_toml("s.toml", source, Path::new(".")).unwrap_or_else(|error| panic!("{error}"))
}

fn problems(source: &str) -> String {
    match Scenario::from_toml("s.toml", source, Path::new(".")) {
        Ok(_) => panic!("expected problems"),
        Err(error) => error.to_string(),
    }
}

fn points(grid: &Grid) -> Vec<Point> {
    grid.points().unwrap_or_else(|problems| panic!("{problems:?}"))
}

fn listed(points: &[Point]) -> Vec<String> {
    points
        .iter()
        .map(|point| {
            let pairs: Vec<String> = point
                .values
                .iter()
                .map(|param| format!("{}={}", param.name, param.value.as_deref().unwrap_or("-")))
                .collect();
            pairs.join(" ")
        })
        .collect()
}

fn texts(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

#[test]
fn a_scenarios_sweep_table_is_its_grid() {
    let grid = scenario(SCENARIO).sweep.expect("a [sweep] table");
    let points = points(&grid);
    // 2 memory sizes × 3 keep-alives (60, 120, 180), keep-alive fastest.
    assert_eq!(
        listed(&points),
        [
            "memory_mb=128 keep_alive_s=60",
            "memory_mb=128 keep_alive_s=120",
            "memory_mb=128 keep_alive_s=180",
            "memory_mb=256 keep_alive_s=60",
            "memory_mb=256 keep_alive_s=120",
            "memory_mb=256 keep_alive_s=180",
        ]
    );
    // FNV-1a 64 of "keep_alive_s=60\nmemory_mb=128\n", top 48 bits (see
    // src/sweep/point_id.rs for the python3 line that computes it).
    assert_eq!(points[0].id, "5fa61ebbaecd");
    let without = SCENARIO
        .replace("[sweep]", "")
        .replace("memory_mb = [128, 256]\n", "");
    let without = without.replace("keep_alive_s = \"60..180:60\"\n", "");
    assert!(scenario(&without).sweep.is_none());
}

#[test]
fn flags_laid_over_the_table_keep_the_ids_of_the_points_they_keep() {
    let from_file = scenario(SCENARIO).sweep.expect("a [sweep] table");
    let before = points(&from_file);
    let flags = Grid::from_flags(
        &texts(&["keep_alive_s=60..240:60", "traffic=1"]),
        &[],
        &texts(&["memory_mb=3008,keep_alive_s=900,traffic=1"]),
        &texts(&["memory_mb=256,keep_alive_s=240"]),
    )
    .unwrap_or_else(|error| panic!("{error}"));
    let after = points(&from_file.overlaid(flags));
    // 2 × 4 × 1 = 8, one excluded, one included: 8 points.
    assert_eq!(after.len(), 8);
    assert_eq!(
        listed(&after[5..]),
        [
            "memory_mb=256 keep_alive_s=120 traffic=1",
            "memory_mb=256 keep_alive_s=180 traffic=1",
            "memory_mb=3008 keep_alive_s=900 traffic=1",
        ]
    );
    // `traffic=1` is a new dimension: every id changes, as the points do.
    assert!(before.iter().all(|old| after.iter().all(|new| new.id != old.id)));
    // Adding keep-alive 240 alone keeps the six ids there were.
    let more = Grid::from_flags(&texts(&["keep_alive_s=60..240:60"]), &[], &[], &[])
        .unwrap_or_else(|error| panic!("{error}"));
    let widened = points(&scenario(SCENARIO).sweep.expect("a [sweep] table").overlaid(more));
    assert_eq!(widened.len(), 8);
    for old in &before {
        let same = widened
            .iter()
            .find(|new| new.id == old.id)
            .expect("the id is kept");
        assert_eq!(same.values, old.values);
    }
}

#[test]
fn sweep_problems_come_with_the_scenarios_others_at_their_lines() {
    let bad = SCENARIO
        .replace("horizon = \"1d\"", "horizon = \"soon\"")
        .replace(
            "keep_alive_s = \"60..180:60\"\n",
            "keep_alive_s = \"180..60:60\"\ncpu = []\nzip = [[\"memory_mb\", \"cpu\"]]\n",
        );
    assert_eq!(
        problems(&bad),
        [
            "s.toml: line 4: `workload.horizon`: expected a span such as 30d, 12h, 90m, 45s or 250ms, found `soon` (unknown unit `soon`)",
            "s.toml: line 13: `sweep.keep_alive_s`: expected a range whose start (180) is at most its end (60), found `180..60:60`; ranges ascend, list the values to sweep downwards",
            "s.toml: line 14: `sweep.cpu`: expected at least one value, found `[]`",
        ]
        .join("\n")
    );
    let mistyped = SCENARIO.to_owned()
        + "\n[[sweep.exclude]]\nmemory_mb = 1024\n\n[[sweep.include]]\nmemroy_mb = 3008\n";
    assert_eq!(
        problems(&mistyped),
        [
            "s.toml: line 15: [sweep] exclude `memory_mb=1024` matches no point of the grid: is a name or value mistyped?",
            "s.toml: line 18: [sweep] include `memroy_mb=3008`: `memroy_mb` is not a dimension of the grid (dimensions: memory_mb, keep_alive_s)",
        ]
        .join("\n")
    );
}

fn environment(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect();
    move |name| map.get(name).cloned()
}

/// The points each shard of `count` holds, the shard found by `shard_of`.
fn shard_ids(points: &[Point], count: usize, shard_of: impl Fn(usize) -> String) -> Vec<String> {
    let mut ids = Vec::new();
    for task in 0..count {
        let shard = parse_shard(&shard_of(task)).unwrap_or_else(|problem| panic!("{problem}"));
        ids.extend(
            select(points.to_vec(), Some(shard))
                .into_iter()
                .map(|point| point.id),
        );
    }
    ids.sort();
    ids
}

#[test]
fn shards_from_flags_slurm_and_kubernetes_hold_every_point_once() {
    let grid = scenario(SCENARIO).sweep.expect("a [sweep] table");
    let points = points(&grid);
    let mut all: Vec<String> = points.iter().map(|point| point.id.clone()).collect();
    all.sort();
    for count in 1..=5 {
        assert_eq!(
            shard_ids(&points, count, |task| format!("{}/{count}", task + 1)),
            all,
            "--shard K/{count}"
        );
    }
    for (minimum, count) in [(0_usize, 4_usize), (1, 4), (10, 3)] {
        let mut ids = Vec::new();
        for task in minimum..minimum + count {
            let slurm = environment(&[
                ("SLURM_ARRAY_TASK_ID", task.to_string()),
                ("SLURM_ARRAY_TASK_MIN", minimum.to_string()),
                ("SLURM_ARRAY_TASK_COUNT", count.to_string()),
            ]);
            let shard = from_environment(None, slurm).unwrap_or_else(|problem| panic!("{problem}"));
            assert_eq!(shard.map(|shard| shard.index), Some(task - minimum + 1));
            ids.extend(select(points.clone(), shard).into_iter().map(|point| point.id));
        }
        ids.sort();
        assert_eq!(ids, all, "Slurm --array={minimum}-{}", minimum + count - 1);
    }
    let mut ids = Vec::new();
    for index in 0..4 {
        let kubernetes = environment(&[("JOB_COMPLETION_INDEX", index.to_string())]);
        let shard = from_environment(Some(4), kubernetes).unwrap_or_else(|problem| panic!("{problem}"));
        ids.extend(select(points.clone(), shard).into_iter().map(|point| point.id));
    }
    ids.sort();
    assert_eq!(ids, all, "Indexed Job of 4");
}
