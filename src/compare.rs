//! Runs every deployment of a scenario over the same workload and returns
//! the results in scenario order. The workload is read once and fanned out
//! to every deployment ([`replay`]): the deployments see identical requests,
//! memory stays independent of the trace, and results do not depend on the
//! number of threads. A deployment's own random draws (cold starts,
//! routing) use a seed derived from the scenario's seed and the
//! deployment's position.

use chrono::{DateTime, Utc};
use serde::Serialize;

use std::sync::OnceLock;

use crate::error::Result;
use crate::replay::{Workload, replay};
use crate::scenario::Scenario;
use crate::simulation::{Deployment, RunOptions, SimulationResult, simulate_stream};
use crate::slo::Slo;
use crate::verdict;
use crate::workload::{Feed, Observer, Request, Tiling, fan_out};

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
/// horizon; every result is judged by the scenario's SLO.
pub fn compare(scenario: &Scenario) -> Result<Vec<NamedResult>> {
    let deployments: Vec<&Deployment> = scenario
        .deployments
        .iter()
        .map(|named| &named.deployment)
        .collect();
    let replayed = replay(Workload::of(scenario), &deployments, |index, feed, origin| {
        run_one(scenario, index, origin, feed)
    })?;
    let mut results: Vec<NamedResult> = replayed.results.into_iter().collect::<Result<_>>()?;
    for named in &mut results {
        finish(
            &mut named.result,
            replayed.tiling.as_deref(),
            scenario.slo.as_ref(),
        );
    }
    Ok(results)
}

/// Runs every deployment over `requests` (offsets from `origin`), read once,
/// with no row checks (a stream built in code needs none); the first error
/// (in scenario order) wins.
pub fn compare_stream<S>(scenario: &Scenario, requests: S, origin: DateTime<Utc>) -> Result<Vec<NamedResult>>
where
    S: Iterator<Item = Result<Request>>,
{
    let count = scenario.deployments.len();
    fan_out(
        requests,
        Observer::new(origin, scenario.horizon),
        count,
        |_, _, _| Ok(()),
        |index, feed| run_one(scenario, index, origin, feed),
    )
    .into_iter()
    .collect()
}

/// What every result of a replay gets once the workload has been read: the
/// warning that it was repeated to the horizon, and the SLO's verdict.
pub fn finish(result: &mut SimulationResult, tiling: Option<&OnceLock<Tiling>>, slo: Option<&Slo>) {
    if let Some(tiling) = tiling.and_then(OnceLock::get).filter(|tiling| tiling.repeats()) {
        result.warnings.insert(0, tiling.warning());
    }
    if let Some(slo) = slo {
        verdict::apply(result, Some(slo));
    }
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
        result: simulate_stream(&named.deployment, requests, options)?,
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
