//! `sweep --dry-run`: the plan without running it: the points (index, id,
//! values), the work they take (reads of the workload, simulations,
//! results re-priced or shared) and a rough estimate of the run time.
//! Every point is resolved, so a dry run finds every problem a run would
//! find before reading any request.

use serde::Serialize;

use super::collect::SweepSpec;
use super::plan::{describe, plan};
use super::point::Point;
use super::run::{Work, work};
use crate::error::{Error, Result};
use crate::scenario::{Scenario, WorkloadSource};
use crate::workload::GeneratorSpec;

/// Reading and parsing a request, in nanoseconds: about what a 30-million-row
/// trace costs on a 2-core machine (see benches/README.md).
const READ_NS_PER_REQUEST: f64 = 60.0;
/// Simulating and billing a request on one deployment, in nanoseconds.
const MODEL_NS_PER_REQUEST: f64 = 120.0;
/// Bytes of a trace's row, for guessing a trace's requests from its size.
const BYTES_PER_ROW: f64 = 20.0;

/// The plan as JSON.
#[derive(Serialize)]
struct Plan<'a> {
    scenario: &'a str,
    point_count: usize,
    shard: Option<crate::sweep::outcome::Shard>,
    points_in_shard: usize,
    reads: usize,
    simulations: usize,
    repriced: usize,
    shared: usize,
    requests_per_read: Option<f64>,
    estimated_seconds: Option<f64>,
    points: Vec<PlannedPoint<'a>>,
}

#[derive(Serialize)]
struct PlannedPoint<'a> {
    index: usize,
    id: &'a str,
    params: &'a [crate::sweep::outcome::ParamValue],
}

/// The plan of `points`, as text or JSON.
pub fn render(spec: &SweepSpec, points: Vec<Point>, json: bool) -> Result<String> {
    let plans = plan(spec.scenario, points)?;
    let work = work(&plans);
    let rows = requests_per_read(
        spec.scenario,
        plans.first().and_then(|plan| plan.generator.as_ref()),
    );
    let seconds = rows.map(|rows| estimate_seconds(&work, rows));
    if json {
        let plan = Plan {
            scenario: &spec.scenario.name,
            point_count: spec.point_count,
            shard: spec.shard,
            points_in_shard: plans.len(),
            reads: work.reads,
            simulations: work.simulations,
            repriced: work.repriced,
            shared: work.shared,
            requests_per_read: rows.map(f64::round),
            estimated_seconds: seconds.map(|seconds| (seconds * 10.0).round() / 10.0),
            points: plans
                .iter()
                .map(|plan| PlannedPoint {
                    index: plan.point.index,
                    id: &plan.point.id,
                    params: &plan.point.values,
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&plan)
            .map_err(|error| Error::usage(format!("cannot write the plan as JSON: {error}")))?;
        text.push('\n');
        return Ok(text);
    }
    let mut text = format!(
        "Sweep of {}: {} points{}, {} deployments each\n",
        spec.scenario.name,
        spec.point_count,
        spec.shard.map_or_else(String::new, |shard| format!(
            " (shard {} of {}: {} points)",
            shard.index,
            shard.count,
            plans.len()
        )),
        spec.scenario.deployments.len()
    );
    text.push_str(&work_line(&work));
    match (rows, seconds) {
        (Some(rows), Some(seconds)) => text.push_str(&format!(
            "Estimated run time: about {} ({} requests per read; a rough guess from this tool's replay speed on 2 cores)\n",
            crate::slo::show_millis(two_digits(seconds) * 1000.0),
            crate::report::quantity(rows.round())
        )),
        _ => text.push_str("Estimated run time: unknown (the workload's size is not known before it is read)\n"),
    }
    text.push('\n');
    for plan in &plans {
        text.push_str(&format!(
            "{:>6}  {}  {}\n",
            plan.point.index,
            plan.point.id,
            describe(&plan.point)
        ));
    }
    Ok(text)
}

fn work_line(work: &Work) -> String {
    format!(
        "Work: {} of the workload, {} ({} results re-priced from those runs under another book or memory size, {} shared with a deployment configured alike)\n",
        counted(work.reads, "read"),
        counted(work.simulations, "simulation"),
        work.repriced,
        work.shared
    )
}

/// `1 read`, `3 reads`.
fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// `seconds` to two significant digits: an estimate claims no more.
fn two_digits(seconds: f64) -> f64 {
    if seconds <= 0.0 || !seconds.is_finite() {
        return 0.0;
    }
    let scale = 10f64.powi(1 - seconds.log10().floor() as i32);
    (seconds * scale).round() / scale
}

/// Roughly how long `work` takes on 2 cores: the reads on one thread, the
/// models spread over both.
fn estimate_seconds(work: &Work, rows: f64) -> f64 {
    let read = work.reads as f64 * rows * READ_NS_PER_REQUEST;
    let models = work.simulations as f64 * rows * MODEL_NS_PER_REQUEST;
    read.max((read + models) / 2.0) / 1e9
}

/// The requests one read yields: the generator's estimate, or a trace's
/// size over a typical row; none for standard input.
fn requests_per_read(scenario: &Scenario, generator: Option<&GeneratorSpec>) -> Option<f64> {
    match (&scenario.workload, generator) {
        (_, Some(spec)) => Some(spec.estimate().rows),
        (WorkloadSource::Generator(spec), None) => Some(spec.estimate().rows),
        (WorkloadSource::Trace { path, .. }, None) => {
            let bytes = std::fs::metadata(path).ok()?.len() as f64;
            let gzipped = path.extension().is_some_and(|extension| extension == "gz");
            Some(bytes / BYTES_PER_ROW * if gzipped { 4.0 } else { 1.0 })
        }
    }
}
