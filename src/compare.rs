//! Runs every deployment of a scenario over the same workload and returns
//! the results in scenario order. The workload is read once (the trace, or
//! the generator run from its seed) and fanned out to every deployment, each
//! replaying it on a thread of its own ([`fan_out`]): the deployments see
//! identical requests, memory stays independent of the trace, and results do
//! not depend on the number of threads. Each deployment checks the trace's
//! rows against its own limits, as if it had read the trace alone. A
//! deployment's own random draws (cold starts, routing) use a seed derived
//! from the scenario's seed and the deployment's position.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Result;
use crate::progress::Progress;
use crate::scenario::{Scenario, WorkloadSource};
use crate::simulation::{RunOptions, SimulationResult, simulate};
use crate::verdict;
use crate::workload::fill::check_repeatable;
use crate::workload::{Feed, Fill, Repeated, Request, TraceReader, default_start, fan_out, fan_out_sorted};

/// One deployment's result with its name.
#[derive(Debug, Clone, Serialize)]
pub struct NamedResult {
    pub name: String,
    #[serde(flatten)]
    pub result: SimulationResult,
}

/// The largest seed: 2^53 − 1, so that every seed written in JSON is read
/// back exactly by parsers that hold numbers as doubles (JavaScript, `jq`).
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// The seed of the `index`-th deployment: the scenario's seed mixed with the
/// index (SplitMix64's finaliser), so neighbouring deployments draw
/// unrelated streams; its top 53 bits, so it stays within [`MAX_SEED`].
/// `simulate --seed` with a result's `seed` replays that deployment alone.
pub fn deployment_seed(base: u64, index: usize) -> u64 {
    let mut z = base.wrapping_add((index as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) >> 11
}

/// Runs every deployment; the first error (in scenario order) wins. With
/// `fill = "repeat"` the workload is read again for every copy to the
/// horizon ([`Repeated`]); every result is judged by the scenario's SLO.
pub fn compare(scenario: &Scenario) -> Result<Vec<NamedResult>> {
    let count = scenario.deployments.len();
    let fill_to = scenario.horizon.filter(|_| scenario.fill == Fill::Repeat);
    let (results, tiling) = match &scenario.workload {
        WorkloadSource::Trace { path, sort } => {
            if fill_to.is_some() {
                check_repeatable(path)?;
            }
            let reader = TraceReader::open(path, scenario.start)?;
            let origin = reader.origin();
            let screen = |reader: &TraceReader, index: usize, request: &Request| {
                scenario.deployments[index]
                    .deployment
                    .check_request(request)
                    .map_err(|(field, problem)| reader.rejected(field, &problem))
            };
            let run = |index, feed| run_one(scenario, index, origin, feed);
            if *sort {
                let results = fan_out_sorted(reader.unordered(), count, screen, run);
                (results.into_iter().collect(), None)
            } else {
                let source = Repeated::new(reader, || TraceReader::open(path, scenario.start), fill_to);
                let tiling = source.tiling();
                let screen = |source: &Repeated<TraceReader, _>, index: usize, request: &Request| {
                    screen(source.current(), index, request)
                };
                let results = fan_out(source, count, screen, run);
                (results.into_iter().collect(), Some(tiling))
            }
        }
        WorkloadSource::Generator(spec) => {
            let origin = scenario.start.unwrap_or_else(default_start);
            let day_seconds = origin.timestamp().rem_euclid(86_400) as f64;
            let source = Repeated::new(
                spec.generate(day_seconds),
                || Ok(spec.generate(day_seconds)),
                fill_to,
            );
            let tiling = source.tiling();
            // The bar's total is one copy's estimate; a filled run counts on.
            let expected = fill_to.is_none().then(|| spec.estimate().rows.round() as u64);
            let requests = Progress::requests(expected).count(source);
            (compare_stream(scenario, requests, origin), Some(tiling))
        }
    };
    let mut results: Vec<NamedResult> = results?;
    let repeated = tiling
        .as_ref()
        .and_then(|tiling| tiling.get())
        .filter(|tiling| tiling.repeats());
    for named in &mut results {
        if let Some(tiling) = repeated {
            named.result.warnings.insert(0, tiling.warning());
        }
        if let Some(slo) = &scenario.slo {
            verdict::apply(&mut named.result, Some(slo));
        }
    }
    Ok(results)
}

/// Runs every deployment over `requests` (offsets from `origin`), read once,
/// with no row checks (a generator's requests need none); the first error
/// (in scenario order) wins.
pub fn compare_stream<S>(scenario: &Scenario, requests: S, origin: DateTime<Utc>) -> Result<Vec<NamedResult>>
where
    S: Iterator<Item = Result<Request>>,
{
    let count = scenario.deployments.len();
    fan_out(
        requests,
        count,
        |_, _, _| Ok(()),
        |index, feed| run_one(scenario, index, origin, feed),
    )
    .into_iter()
    .collect()
}

/// Replays `requests` through the `index`-th deployment.
fn run_one(scenario: &Scenario, index: usize, origin: DateTime<Utc>, requests: Feed) -> Result<NamedResult> {
    let named = &scenario.deployments[index];
    let options = RunOptions {
        origin,
        horizon: scenario.horizon,
        seed: deployment_seed(scenario.seed, index),
    };
    Ok(NamedResult {
        name: named.name.clone(),
        result: simulate(&named.deployment, requests, options)?,
    })
}

#[cfg(test)]
mod tests {
    use super::{MAX_SEED, deployment_seed};

    #[test]
    fn deployment_seeds_differ_and_repeat() {
        assert_eq!(deployment_seed(1, 0), deployment_seed(1, 0));
        assert_ne!(deployment_seed(1, 0), deployment_seed(1, 1));
        assert_ne!(deployment_seed(1, 0), deployment_seed(2, 0));
        for base in [0, 1, MAX_SEED, u64::MAX] {
            assert!(deployment_seed(base, 7) <= MAX_SEED);
        }
    }
}
