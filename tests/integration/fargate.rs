//! AWS Fargate (`fargate-2025`, task sizes on the VM model) to the cent
//! through trace → simulate, against the vendor's worked examples in
//! ../shared/pricing/FACTS.md §11 (#20, #21, #23) and its billing minimums.
//!
//! The examples run N tasks for S seconds a day for 30 days. Per-second
//! billing makes that the same bill as N tasks running 30 × S seconds once
//! (every launch is far above the minimum), so each test runs N fixed tasks
//! for a horizon of 30 × S seconds.

use crate::support::{Workspace, assert_close, cents, line_item, number};

/// A few short requests over the first minutes; `args` set the tasks.
fn simulate(workspace: &Workspace, args: &[&str]) -> serde_json::Value {
    let trace = workspace.write("few.csv", "time,duration_ms\n0,10\n60,10\n120,10\n");
    let mut all = vec![
        "--trace",
        trace.to_str().expect("utf-8 path"),
        "--platform",
        "fargate-2025",
    ];
    all.extend_from_slice(args);
    workspace.simulate_json(&all)
}

#[track_caller]
fn assert_item(result: &serde_json::Value, item: &str, quantity: f64, amount_cents: f64) {
    let line = line_item(result, item);
    assert_close(number(line, "quantity"), quantity, 1e-9);
    assert_eq!(cents(number(line, "amount")), amount_cents, "{item}");
}

#[test]
fn example_20_linux_x86_five_tasks_ten_minutes_a_day() {
    // 5 tasks × 600 s × 30 days = 90,000 task-s (a 5 h horizon × 5 tasks),
    // 1 vCPU, 2 GB, 30 GB ephemeral storage:
    // vCPU 90,000 × $0.000011244 = $1.01196 → $1.01;
    // memory 180,000 GB-s × $0.000001235 = $0.2223 → $0.22;
    // storage (30 − 20) GB × 90,000 s = 900,000 GB-s × $0.0000000308 = $0.02772 → $0.03;
    // total $1.26198 → $1.26.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--set",
            "instances=5",
            "--set",
            "ephemeral_storage_gb=30",
            "--horizon",
            "5h",
        ],
    );
    assert_item(&result, "Tasks vCPU (linux-x86)", 90_000.0, 1.01);
    assert_item(&result, "Tasks memory (linux-x86)", 180_000.0, 0.22);
    assert_item(&result, "Ephemeral storage above 20 GB", 900_000.0, 0.03);
    assert_eq!(cents(number(&result, "bill.total")), 1.26);
}

#[test]
fn example_21_linux_arm_same_tasks() {
    // As #20 on Graviton2: vCPU 90,000 × $0.0000089944 = $0.809496 → $0.81;
    // memory 180,000 × $0.0000009889 = $0.178002 → $0.18; storage $0.02772
    // → $0.03; total $1.015218 → $1.02.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--set",
            "instance_type=linux-arm.1vcpu-2gb",
            "--set",
            "instances=5",
            "--set",
            "ephemeral_storage_gb=30",
            "--horizon",
            "5h",
        ],
    );
    assert_item(&result, "Tasks vCPU (linux-arm)", 90_000.0, 0.81);
    assert_item(&result, "Tasks memory (linux-arm)", 180_000.0, 0.18);
    assert_item(&result, "Ephemeral storage above 20 GB", 900_000.0, 0.03);
    assert_eq!(cents(number(&result, "bill.total")), 1.02);
}

#[test]
fn example_23_windows_ten_tasks_an_hour_a_day() {
    // 10 tasks × 3,600 s × 30 days = 1,080,000 task-s (a 30 h horizon × 10),
    // 1 vCPU, 2 GB: vCPU 1,080,000 × $0.0000254167 = $27.450036 → $27.45;
    // OS licence 1,080,000 × $0.0000127778 = $13.800024 → $13.80;
    // memory 2,160,000 × $0.0000027778 = $6.000048 → $6.00;
    // total $47.250108 → $47.25.
    let workspace = Workspace::new();
    let result = simulate(
        &workspace,
        &[
            "--set",
            "instance_type=windows.1vcpu-2gb",
            "--set",
            "instances=10",
            "--horizon",
            "30h",
        ],
    );
    assert_item(&result, "Tasks vCPU (windows)", 1_080_000.0, 27.45);
    assert_item(&result, "OS licence (windows)", 1_080_000.0, 13.80);
    assert_item(&result, "Tasks memory (windows)", 2_160_000.0, 6.00);
    assert_eq!(cents(number(&result, "bill.total")), 47.25);
}

#[test]
fn a_short_task_bills_the_minimum_of_its_platform() {
    // One task for 30 s: Linux bills 60 s, Windows 300 s.
    // Linux x86 1 vCPU 2 GB: 60 × $0.000011244 + 120 × $0.000001235 = $0.00082284.
    // Windows: 300 × ($0.0000254167 + $0.0000127778) + 600 × $0.0000027778
    // = $0.01145835 + $0.00166668 = $0.01312503.
    let workspace = Workspace::new();
    let linux = simulate(&workspace, &["--set", "instances=1", "--horizon", "30s"]);
    assert_close(
        number(line_item(&linux, "Tasks vCPU (linux-x86)"), "quantity"),
        60.0,
        1e-9,
    );
    assert_close(number(&linux, "bill.total"), 0.00082284, 1e-12);
    let windows = simulate(
        &workspace,
        &[
            "--set",
            "instances=1",
            "--set",
            "instance_type=windows.1vcpu-2gb",
            "--horizon",
            "30s",
        ],
    );
    assert_close(
        number(line_item(&windows, "Tasks vCPU (windows)"), "quantity"),
        300.0,
        1e-9,
    );
    assert_close(number(&windows, "bill.total"), 0.01312503, 1e-12);
}

#[test]
fn task_settings_outside_their_range_are_named() {
    // 250 GB is above Fargate's 200 GB; reservations do not apply to tasks;
    // an EC2 instance type takes no ephemeral storage.
    let workspace = Workspace::new();
    let trace = workspace.write("one.csv", "time,duration_ms\n0,10\n");
    let path = trace.to_str().expect("utf-8 path");
    for (args, expected) in [
        (
            vec!["--platform", "fargate-2025", "--set", "ephemeral_storage_gb=250"],
            "at most 200 GB per task",
        ),
        (
            vec!["--platform", "fargate-2025", "--set", "reserved=1"],
            "task sizes have no reserved instances",
        ),
        (
            vec!["--platform", "ec2-2025", "--set", "ephemeral_storage_gb=30"],
            "only for task sizes",
        ),
    ] {
        let mut all = vec!["simulate", "--trace", path];
        all.extend_from_slice(&args);
        let output = workspace.run(&all);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}
