//! The runs of a Monte Carlo: `N` replications, then, with uncertain
//! inputs, the tornado's one-at-a-time runs (every input at its median,
//! then each input at its low and at its high end), each a point of the
//! sweep machinery so that it is planned, run, sharded and merged as sweep
//! points are.
//!
//! Replication `r` draws with seed `s_r = deployment_seed(scenario seed,
//! r)`: the deployments' own draws use `deployment_seed(s_r, d)`, a
//! generator runs from seed `s_r`, a trace's days are resampled with `s_r`,
//! and each uncertain input draws from a stream keyed by `s_r` and its
//! name. Nothing depends on the thread count or the shard. The tornado's
//! runs keep the scenario's seed, so they differ only in the input moved.

use super::outcome::Role;
use super::uncertain::UncertainInput;
use crate::compare::deployment_seed;
use crate::scenario::{Scenario, WorkloadSource};
use crate::sweep::outcome::ParamValue;
use crate::sweep::point::Point;
use crate::sweep::point_id::point_id;

/// A run to do: its point (the values it applies) and what it is for.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRun {
    pub point: Point,
    pub role: Role,
    /// The seed of its draws.
    pub seed: u64,
    /// The seed a trace's days are resampled with; none keeps them in order.
    pub resample: Option<u64>,
}

/// The seed of replication `replication`.
pub fn replication_seed(scenario_seed: u64, replication: usize) -> u64 {
    deployment_seed(scenario_seed, replication)
}

/// Every run, in index order: `replications` replications, then the
/// tornado's runs when there are uncertain inputs.
pub fn every_run(scenario: &Scenario, replications: usize) -> Vec<PlannedRun> {
    let uncertainty = scenario.uncertainty.clone().unwrap_or_default();
    let generator = matches!(scenario.workload, WorkloadSource::Generator(_));
    let mut runs: Vec<(Vec<ParamValue>, Role, u64, Option<u64>)> = (0..replications)
        .map(|replication| {
            let seed = replication_seed(scenario.seed, replication);
            let mut values = vec![value("seed", seed.to_string())];
            if generator {
                values.push(value("generator.seed", seed.to_string()));
            }
            let draws = uncertainty
                .inputs
                .iter()
                .map(|input| value(&input.name, input.draw(seed)));
            values.extend(draws);
            let resample = uncertainty.resample_days.then_some(seed);
            (values, Role::Replication, seed, resample)
        })
        .collect();
    runs.extend(
        tornado_runs(&uncertainty.inputs)
            .into_iter()
            .map(|(values, role)| (values, role, scenario.seed, None)),
    );
    runs.into_iter()
        .enumerate()
        .map(|(index, (values, role, seed, resample))| PlannedRun {
            point: Point {
                index,
                id: point_id(&values),
                values,
            },
            role,
            seed,
            resample,
        })
        .collect()
}

/// The base run's values and each input's low and high runs' (none
/// without inputs).
fn tornado_runs(inputs: &[UncertainInput]) -> Vec<(Vec<ParamValue>, Role)> {
    if inputs.is_empty() {
        return Vec::new();
    }
    let with = |moved: Option<(usize, String)>| -> Vec<ParamValue> {
        let text = |index: usize, input: &UncertainInput| match &moved {
            Some((at, text)) if *at == index => text.clone(),
            _ => input.median(),
        };
        let values = inputs.iter().enumerate();
        values
            .map(|(index, input)| value(&input.name, text(index, input)))
            .collect()
    };
    let mut runs = vec![(with(None), Role::Base)];
    for (index, input) in inputs.iter().enumerate() {
        runs.push((
            with(Some((index, input.low_value()))),
            Role::Low(input.name.clone()),
        ));
        runs.push((
            with(Some((index, input.high_value()))),
            Role::High(input.name.clone()),
        ));
    }
    runs
}

fn value(name: &str, text: String) -> ParamValue {
    ParamValue {
        name: name.to_owned(),
        value: Some(text),
    }
}
