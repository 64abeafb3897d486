//! The speed model: a CPU-bound function recorded at one memory size runs
//! slower with less CPU and faster with more (up to its threads), and the
//! bill follows the durations.

use costsim::pricing::Decimal;
use costsim::simulation::SimulationResult;
use costsim::workload::{FunctionId, Request};

use crate::support::{deployment, replay};

/// One request of 1 s on AWS Lambda 2025 (1 ms billing, no start-up
/// delay, no free tier), recorded at 1,769 MB (one vCPU), CPU-bound.
fn lambda_at(memory_mb: u32, extra: &[&str]) -> SimulationResult {
    let memory = format!("memory_mb={memory_mb}");
    let mut settings = vec![
        memory.as_str(),
        "reference_memory_mb=1769",
        "cpu_fraction=1",
        "cold_start_ms=0",
        "free_tier=false",
    ];
    settings.extend_from_slice(extra);
    let request = Request {
        arrival: 0,
        duration: 1_000_000,
        function: FunctionId(0),
        memory_mb: None,
        bytes_out: 0,
    };
    replay(&deployment("aws-lambda-2025", &settings), &[request], 1)
}

fn duration_item(result: &SimulationResult) -> (Decimal, Decimal) {
    let item = result
        .bill
        .line_items
        .iter()
        .find(|item| item.item.starts_with("Duration"))
        .expect("a duration line");
    (item.quantity, item.amount)
}

fn d(text: &str) -> Decimal {
    text.parse().expect("decimal")
}

#[test]
fn a_cpu_bound_function_takes_twice_as_long_on_half_the_memory() {
    // 885 MB has 885 / 1,769 vCPU: 1 s × 1,769 / 885 = 1.998870056 s, i.e.
    // 1,998,870 µs, billed as 1,999 ms. GB-s: 885 × 1.999 / 1,024 =
    // 1.7276513671875; × $0.0000166667 = $0.00002879424704150390625.
    let result = lambda_at(885, &[]);
    assert_eq!(result.latency_ms.max, 1_998.87);
    assert!(
        result
            .deployment
            .ends_with(", cpu_fraction 1 over 1 thread, recorded on 1769 MB"),
        "{}",
        result.deployment
    );
    assert_eq!(
        duration_item(&result),
        (d("1.7276513671875"), d("0.00002879424704150390625"))
    );
}

#[test]
fn at_its_reference_size_a_function_runs_as_recorded() {
    // 1,769 MB × 1 s / 1,024 = 1.7275390625 GB-s × $0.0000166667 =
    // $0.00002879237529296875.
    let result = lambda_at(1_769, &[]);
    assert_eq!(result.latency_ms.max, 1_000.0);
    assert_eq!(
        duration_item(&result),
        (d("1.7275390625"), d("0.00002879237529296875"))
    );
}

#[test]
fn more_cpu_helps_only_as_many_threads_as_the_work_has() {
    // 3,538 MB is 2 vCPUs. One thread uses one: 1 s, and the bill doubles:
    // 3,538 / 1,024 = 3.455078125 GB-s × $0.0000166667 = $0.0000575847505859375.
    let one = lambda_at(3_538, &["threads=1"]);
    assert_eq!(one.latency_ms.max, 1_000.0);
    assert_eq!(
        duration_item(&one),
        (d("3.455078125"), d("0.0000575847505859375"))
    );
    // Two threads use both: 0.5 s, and the GB-s are those of 1,769 MB × 1 s.
    let two = lambda_at(3_538, &["threads=2"]);
    assert_eq!(two.latency_ms.max, 500.0);
    assert_eq!(
        duration_item(&two),
        (d("1.7275390625"), d("0.00002879237529296875"))
    );
}

#[test]
fn without_a_cpu_fraction_durations_do_not_depend_on_memory() {
    // The default, cpu_fraction 0: 1 s at 885 MB as at 1,769 MB.
    let request = Request {
        arrival: 0,
        duration: 1_000_000,
        function: FunctionId(0),
        memory_mb: None,
        bytes_out: 0,
    };
    let settings = ["memory_mb=885", "reference_memory_mb=1769", "cold_start_ms=0"];
    let result = replay(&deployment("aws-lambda-2025", &settings), &[request], 1);
    assert_eq!(result.latency_ms.max, 1_000.0);
    assert_eq!(result.settings["cpu_fraction"], 0.0);
}

#[test]
fn cloud_functions_scale_by_their_clock_table() {
    // Cloud Functions gen 1: 2,048 MB has 2,400 MHz, 512 MB 800 MHz. A
    // CPU-bound 300 ms recorded at 2,048 MB takes 300 × 2,400 / 800 =
    // 900 ms at 512 MB.
    let request = Request {
        arrival: 0,
        duration: 300_000,
        function: FunctionId(0),
        memory_mb: None,
        bytes_out: 0,
    };
    let settings = [
        "memory_mb=512",
        "reference_memory_mb=2048",
        "cpu_fraction=1",
        "cold_start_ms=0",
    ];
    let result = replay(&deployment("gcf-2017", &settings), &[request], 1);
    assert_eq!(result.latency_ms.max, 900.0);
}

fn one_second() -> [Request; 1] {
    [Request {
        arrival: 0,
        duration: 1_000_000,
        function: FunctionId(0),
        memory_mb: None,
        bytes_out: 0,
    }]
}

#[test]
fn vm_types_scale_by_their_vcpus() {
    // Recorded on an m4.large (2 vCPUs), run on a t2.small (1 vCPU),
    // CPU-bound: with two threads the work had 2 vCPUs and now has 1, so
    // 1 s takes 2 s; with one thread it used one vCPU either way: 1 s.
    let base = [
        "instance_type=t2.small",
        "instances=1",
        "reference_instance_type=m4.large",
        "cpu_fraction=1",
    ];
    let two = [&base[..], &["threads=2"]].concat();
    let result = replay(&deployment("ec2-2016", &two), &one_second(), 1);
    assert_eq!(result.latency_ms.max, 2_000.0);
    let result = replay(&deployment("ec2-2016", &base), &one_second(), 1);
    assert_eq!(result.latency_ms.max, 1_000.0);
}

#[test]
fn dyno_types_scale_by_their_cpu_share() {
    // Recorded on a standard-2x (2 compute units), run on a standard-1x
    // (1), half CPU-bound, two threads: 1 s × (0.5 × 2 / 1 + 0.5) = 1.5 s.
    let settings = [
        "dyno_type=standard-1x",
        "dynos=1",
        "reference_dyno_type=standard-2x",
        "cpu_fraction=0.5",
        "threads=2",
    ];
    let result = replay(&deployment("heroku-2016", &settings), &one_second(), 1);
    assert_eq!(result.latency_ms.max, 1_500.0);
}

#[test]
fn a_reference_the_book_cannot_size_is_refused() {
    let problems = |book: &str, settings: &[&str]| {
        let settings: Vec<costsim::platform::Setting> = settings
            .iter()
            .map(|text| costsim::platform::Setting::parse(text).expect("KEY=VALUE"))
            .collect();
        let book = costsim::pricing::resolve(book).expect("shipped");
        costsim::simulation::Deployment::resolve(book, &settings)
            .expect_err("refused")
            .to_string()
    };
    // Cloud Functions gen 1 lists sizes up to 2,048 MB: 4,096 has no clock.
    let message = problems("gcf-2017", &["cpu_fraction=1", "reference_memory_mb=4096"]);
    assert!(message.contains("setting `reference_memory_mb`"), "{message}");
    let message = problems("ec2-2016", &["reference_instance_type=z9.huge"]);
    assert!(message.contains("no type `z9.huge`"), "{message}");
}
