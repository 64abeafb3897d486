//! What a Monte Carlo costs, as `cargo bench --bench montecarlo` runs it:
//! 200 replications of a 100,000-request day (a Poisson process, 50 ms
//! lognormal durations) with two uncertain inputs (traffic and a
//! cold-start delay), against its floor, the bare generation of the same
//! 200 workloads (every request drawn, none simulated):
//!
//! - the floor: 200 × 100k requests generated from the replications' seeds;
//! - one run: `compare` of the scenario once (three deployments);
//! - 200 replications on one deployment (Lambda), and on three (Lambda,
//!   Heroku, EC2), each with the tornado's five one-at-a-time runs.
//!
//! Each case reports wall and process CPU seconds (every thread), the
//! median of three runs, and its ratio to the floor.

use costsim::compare::compare;
use costsim::montecarlo::run::{McSpec, monte_carlo};
use costsim::montecarlo::runs::every_run;
use costsim::pricing::Decimal;
use costsim::scenario::Scenario;
use costsim::sweep::plan::plan;

// Each bench uses part of what the benches share.
#[allow(dead_code)]
mod support;

use support::{Sample, median};

const REPLICATIONS: usize = 200;

const LAMBDA: &str = "[[deployment]]\nname = \"Lambda\"\nplatform = \"aws-lambda-2016\"\nmemory_mb = 512\n";
const OTHERS: &str = "[[deployment]]\nname = \"Heroku\"\nplatform = \"heroku-2016\"\ndyno_type = \"standard-1x\"\ndynos = 2\n\
    [[deployment]]\nname = \"EC2\"\nplatform = \"ec2-2016\"\ninstance_type = \"t2.small\"\ninstances = 2\n";

fn scenario(deployments: &str) -> Scenario {
    // 100,000 requests a day: 100000 / 86400 = 1.157407 a second.
    let text = format!(
        "name = \"bench\"\nseed = 3\n[workload]\nstart = \"2016-07-01T00:00:00Z\"\nhorizon = \"1d\"\n\
         [workload.generator]\narrivals = \"poisson\"\nrate = 1.157407\nspan = \"1d\"\n\
         duration = \"lognormal:median=50ms,p99=400ms\"\nseed = 9\n{deployments}\
         [uncertain]\ntraffic = {{ low = 0.8, high = 1.5 }}\n\"Lambda.cold_start_ms\" = {{ low = \"100ms\", high = \"1000ms\" }}\n"
    );
    Scenario::from_toml("bench.toml", &text, std::path::Path::new(".")).expect("valid scenario")
}

/// Generates every replication's workload (its seed, its traffic drawn),
/// simulating nothing; the requests drawn.
fn floor(scenario: &Scenario) -> u64 {
    let runs = every_run(scenario, REPLICATIONS);
    let points = runs.into_iter().take(REPLICATIONS).map(|run| run.point).collect();
    let plans = plan(scenario, points).expect("valid runs");
    plans
        .iter()
        .map(|plan| {
            let spec = plan.generator.as_ref().expect("a generator per replication");
            spec.generate(0.0).fold(0, |count, request| {
                std::hint::black_box(request.expect("generated").duration);
                count + 1
            })
        })
        .sum()
}

fn replications(scenario: &Scenario) -> u64 {
    let spec = McSpec {
        scenario,
        replications: REPLICATIONS,
        percents: [5, 50, 95].map(Decimal::from).to_vec(),
        budget: None,
        scenario_hash: String::new(),
        shard: None,
    };
    let outcome = monte_carlo(&spec).expect("runs");
    outcome
        .runs
        .iter()
        .flat_map(|run| &run.rows)
        .map(|row| row.requests)
        .sum()
}

fn main() {
    let alone = scenario(LAMBDA);
    let three = scenario(&format!("{LAMBDA}{OTHERS}"));
    let floor = median(3, || floor(&alone));
    let once = median(3, || {
        compare(&three)
            .expect("runs")
            .iter()
            .map(|named| named.result.requests.total)
            .sum()
    });
    let one = median(3, || replications(&alone));
    let all = median(3, || replications(&three));
    println!("\n200 replications of a 100,000-request day (+ 5 tornado runs), 2 cores\n");
    println!("| case | requests simulated | wall s | CPU s | ms per run | wall / floor | CPU / floor |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let row = |name: &str, sample: &Sample, runs: usize| {
        println!(
            "| {name} | {} | {:.2} | {:.2} | {:.1} | {:.2}x | {:.2}x |",
            sample.rows,
            sample.wall,
            sample.cpu,
            1000.0 * sample.wall / runs as f64,
            sample.wall / floor.wall,
            sample.cpu / floor.cpu
        );
    };
    row("floor: generate the 200 workloads", &floor, REPLICATIONS);
    row("one compare, 3 deployments", &once, 1);
    row("200 replications, 1 deployment", &one, REPLICATIONS + 5);
    row("200 replications, 3 deployments", &all, REPLICATIONS + 5);
}
