//! Runs every deployment of a scenario over the same workload, in parallel,
//! and returns the results in scenario order. Each worker opens the workload
//! itself (reads the trace or runs the generator from its seed), so the
//! deployments see identical requests, memory stays independent of the
//! trace, and results do not depend on the number of threads. A
//! deployment's own random draws (cold starts, routing) use a seed derived
//! from the scenario's seed and the deployment's position.

use rayon::prelude::*;
use serde::Serialize;

use crate::error::Result;
use crate::scenario::{NamedDeployment, Scenario, WorkloadSource};
use crate::simulation::{RunOptions, SimulationResult, simulate};
use crate::workload::{TraceReader, default_start};

/// One deployment's result with its name.
#[derive(Debug, Clone, Serialize)]
pub struct NamedResult {
    pub name: String,
    #[serde(flatten)]
    pub result: SimulationResult,
}

/// The seed of the `index`-th deployment: the scenario's seed mixed with the
/// index (SplitMix64's finaliser), so neighbouring deployments draw
/// unrelated streams.
pub fn deployment_seed(base: u64, index: usize) -> u64 {
    let mut z = base.wrapping_add((index as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn run_one(scenario: &Scenario, index: usize, named: &NamedDeployment) -> Result<NamedResult> {
    let seed = deployment_seed(scenario.seed, index);
    let deployment = &named.deployment;
    let result = match &scenario.workload {
        WorkloadSource::Trace { path, sort } => {
            let checker = deployment.clone();
            let reader = TraceReader::open(path, scenario.start)?
                .with_row_check(Box::new(move |request| checker.check_request(request)));
            let origin = reader.origin();
            let options = RunOptions {
                origin,
                horizon: scenario.horizon,
                seed,
            };
            if *sort {
                let (requests, _, origin) = reader.into_sorted()?;
                simulate(
                    deployment,
                    requests.into_iter().map(Ok),
                    RunOptions { origin, ..options },
                )?
            } else {
                simulate(deployment, reader, options)?
            }
        }
        WorkloadSource::Generator(spec) => {
            let origin = scenario.start.unwrap_or_else(default_start);
            let day_seconds = origin.timestamp().rem_euclid(86_400) as f64;
            let requests = spec.generate(day_seconds);
            simulate(
                deployment,
                requests,
                RunOptions {
                    origin,
                    horizon: scenario.horizon,
                    seed,
                },
            )?
        }
    };
    Ok(NamedResult {
        name: named.name.clone(),
        result,
    })
}

/// Runs every deployment; the first error (in scenario order) wins.
pub fn compare(scenario: &Scenario) -> Result<Vec<NamedResult>> {
    scenario
        .deployments
        .par_iter()
        .enumerate()
        .map(|(index, named)| run_one(scenario, index, named))
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::deployment_seed;

    #[test]
    fn deployment_seeds_differ_and_repeat() {
        assert_eq!(deployment_seed(1, 0), deployment_seed(1, 0));
        assert_ne!(deployment_seed(1, 0), deployment_seed(1, 1));
        assert_ne!(deployment_seed(1, 0), deployment_seed(2, 0));
    }
}
