//! Replay throughput, as `cargo bench` runs it: one table of trace replays
//! (`costsim simulate` itself, a process of its own: read + model + bill +
//! JSON; and `compare` of 1, 3 and 8 deployments reading the trace once, in
//! this process), each as a ratio to its
//! floor, a bare parse of the same file with the csv crate, run in turn
//! with the case (floor, case, floor, case, ...) so that a machine that
//! slows down or speeds up during the bench moves both alike. The gzipped
//! month is also set beside `zcat` (the gzip tool) decompressing it. Then
//! the model alone on an in-memory stream, and a generated month with the
//! process's peak memory before and after.
//!
//! `cargo bench -- quick` runs a tenth of the sizes. Each case runs three
//! times (once in quick mode); the table shows the median wall time and the
//! process CPU time of that run (both threads: reader and model), and the
//! median wall time of the floor's runs beside it.

mod support;

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use costsim::compare::compare;
use costsim::platform::Setting;
use costsim::pricing::resolve;
use costsim::scenario::Scenario;
use costsim::simulation::{Deployment, RunOptions, simulate};
use costsim::workload::{FunctionId, Request, open_input};
use support::{Sample, bare_csv_parse, measure, median, median_of};

/// Deterministic arrivals: a fixed gap with a repeating jitter pattern, so the
/// benchmark needs no random-number crate and is identical run to run.
fn requests(count: u64, mean_gap_us: u64, duration_us: u64) -> impl Iterator<Item = Request> {
    (0..count).map(move |index| Request {
        arrival: index * mean_gap_us + (index * 7919 % 13) * mean_gap_us / 13,
        duration: duration_us + (index * 104_729 % 17) * duration_us / 17,
        function: FunctionId(0),
        memory_mb: None,
        bytes_out: 0,
    })
}

fn deployment_of(book: &str, settings: &[&str]) -> Deployment {
    let book = resolve(book).expect("shipped book");
    let settings: Vec<Setting> = settings
        .iter()
        .map(|text| Setting::parse(text).expect("pair"))
        .collect();
    Deployment::resolve(book, &settings).expect("valid settings")
}

fn origin() -> DateTime<Utc> {
    "2016-01-01T00:00:00Z".parse().expect("literal")
}

fn options() -> RunOptions {
    RunOptions {
        origin: origin(),
        horizon: None,
        seed: 1,
    }
}

/// Peak resident memory of this process so far, in MiB (Linux).
fn peak_memory_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// Writes `rows` as a trace, with a `function` column when `names` says
/// how to name row `index`.
fn write_trace(path: &Path, rows: impl Iterator<Item = Request>, names: Option<&dyn Fn(u64) -> String>) {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path).expect("create"));
    match names {
        Some(_) => writeln!(out, "time,duration_ms,function"),
        None => writeln!(out, "time,duration_ms"),
    }
    .expect("write");
    for (index, request) in rows.enumerate() {
        write!(
            out,
            "{}.{:06},{}.{:03}",
            request.arrival / 1_000_000,
            request.arrival % 1_000_000,
            request.duration / 1_000,
            request.duration % 1_000
        )
        .expect("write");
        match names {
            Some(name) => writeln!(out, ",{}", name(index as u64)),
            None => writeln!(out),
        }
        .expect("write");
    }
    // On disk before anything is timed: the kernel writing a gigabyte
    // back during the first case would slow that case alone.
    out.into_inner().expect("flush").sync_all().expect("sync");
}

fn gzip_file(from: &Path, to: &Path) {
    let mut encoder = flate2::write::GzEncoder::new(
        BufWriter::new(File::create(to).expect("create")),
        flate2::Compression::default(),
    );
    std::io::copy(&mut File::open(from).expect("open"), &mut encoder).expect("compress");
    let file = encoder.finish().expect("finish").into_inner().expect("flush");
    file.sync_all().expect("sync");
}

fn bare_inflate(path: &Path) -> u64 {
    let mut input = open_input(path).expect("open");
    let mut buffer = vec![0u8; 256 * 1024];
    let mut lines = 0u64;
    loop {
        let read = input.read(&mut buffer).expect("inflate");
        if read == 0 {
            return lines;
        }
        lines += memchr::memchr_iter(b'\n', &buffer[..read]).count() as u64;
    }
}

/// Replays `path` on `book` with `settings`: `costsim simulate --trace PATH
/// --platform BOOK --set … --format json`, the command itself in a process
/// of its own (the whole process is the measure: start-up, reader thread,
/// model, bill, JSON). Returns the requests its result counts.
fn replay(path: &Path, book: &str, settings: &[&str]) -> u64 {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_costsim"));
    command.args(["--quiet", "simulate", "--trace"]).arg(path).args([
        "--platform",
        book,
        "--format",
        "json",
        "-o",
        "-",
    ]);
    for setting in settings {
        command.args(["--set", setting]);
    }
    let output = command
        .stderr(std::process::Stdio::null())
        .output()
        .expect("costsim runs");
    assert!(output.status.success(), "costsim simulate succeeds");
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    result["requests"]["total"].as_u64().expect("a request count")
}

/// Platforms of the compare rows: one per family, then every era too.
const COMPARED: [&str; 8] = [
    "aws-lambda-2016",
    "heroku-2016",
    "ec2-2016",
    "aws-lambda-2025",
    "azure-functions-2016",
    "gcf-2017",
    "heroku-2025",
    "ec2-2025",
];

/// A scenario of the first `count` of [`COMPARED`] (default settings) on
/// the trace at `path`.
fn scenario_of(path: &Path, count: usize) -> Scenario {
    let mut text = format!(
        "name = \"bench\"\n[workload]\ntrace = {:?}\n",
        path.display().to_string()
    );
    for platform in &COMPARED[..count] {
        text.push_str(&format!(
            "\n[[deployment]]\nname = \"{platform}\"\nplatform = \"{platform}\"\n"
        ));
    }
    Scenario::from_toml("bench.toml", &text, Path::new(".")).expect("valid scenario")
}

/// Runs `scenario` as `costsim compare` does (the trace read once, each
/// deployment on its own thread), checking that every row was simulated.
fn compare_rows(scenario: &Scenario) -> u64 {
    let results = compare(scenario).expect("runs");
    let rows = results[0].result.requests.total;
    assert!(results.iter().all(|named| named.result.requests.total == rows));
    std::hint::black_box(results.len());
    rows
}

struct Table {
    runs: usize,
    rows: Vec<String>,
}

impl Table {
    /// Runs `work` and the bare parse of `file` in turn, and adds the row.
    fn add(&mut self, case: &str, file: &Path, work: impl Fn() -> u64) {
        let (floor, sample) = paired(self.runs, || bare_csv_parse(file), work);
        self.add_against(case, "bare parse", floor, sample);
    }

    fn add_against(&mut self, case: &str, floor_name: &str, floor: Sample, sample: Sample) {
        self.rows.push(format!(
            "| {case} | {:.1}M | {:.2} | {:.2} | {floor_name} {:.2} | {:.2}x |",
            sample.rows as f64 / 1e6,
            sample.wall,
            sample.cpu,
            floor.wall,
            sample.wall / floor.wall
        ));
    }

    fn print(&self) {
        println!("| case | rows | wall s (median) | CPU s | floor wall s (median) | wall / floor |");
        println!("|---|---|---|---|---|---|");
        for row in &self.rows {
            println!("{row}");
        }
    }
}

/// `floor` and `work` run in turn `runs` times each: the median run of each.
fn paired(runs: usize, floor: impl Fn() -> u64, work: impl Fn() -> u64) -> (Sample, Sample) {
    let (mut floors, mut samples) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        floors.push(measure(&floor));
        samples.push(measure(&work));
    }
    (median_of(floors), median_of(samples))
}

/// `zcat FILE > /dev/null`, the gzip tool decompressing the file alone:
/// its wall time, and its CPU time as the kernel counts it for children.
fn zcat(path: &Path) -> u64 {
    let status = std::process::Command::new("zcat")
        .arg(path)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("zcat runs (the gzip package)");
    assert!(status.success(), "zcat decompresses the file");
    0
}

struct Files {
    _folder: tempfile::TempDir,
    month: PathBuf,
    month_gz: PathBuf,
    busy_one: PathBuf,
    busy_50k: PathBuf,
}

/// A month of requests without a `function` column (~11.6/s at full size),
/// gzipped too, and busy traces (~1,000/s) with one and 50,000 functions.
/// The one function's name is as long as most of the 50,000 (`fn25000`),
/// so the two busy traces differ in how many functions they name, not in
/// their bytes.
fn write_files(month_rows: u64, busy_rows: u64) -> Files {
    let folder = tempfile::tempdir().expect("temporary folder");
    let month = folder.path().join("month.csv");
    let month_gz = folder.path().join("month.csv.gz");
    let busy_one = folder.path().join("busy-1.csv");
    let busy_50k = folder.path().join("busy-50k.csv");
    let month_us = 30 * 86_400 * 1_000_000u64;
    write_trace(&month, requests(month_rows, month_us / month_rows, 120_000), None);
    gzip_file(&month, &month_gz);
    write_trace(
        &busy_one,
        requests(busy_rows, 1_000, 100_000),
        Some(&|_| "fn25000".to_owned()),
    );
    write_trace(
        &busy_50k,
        requests(busy_rows, 1_000, 100_000),
        Some(&|index| format!("fn{}", index * 7919 % 50_000)),
    );
    Files {
        _folder: folder,
        month,
        month_gz,
        busy_one,
        busy_50k,
    }
}

fn replay_table(quick: bool) {
    let scale = if quick { 10 } else { 1 };
    let runs = if quick { 1 } else { 3 };
    let files = write_files(30_000_000 / scale, 10_000_000 / scale);
    let mut table = Table {
        runs,
        rows: Vec::new(),
    };
    for (case, book) in [
        ("aws-lambda-2016 (default), month.csv", "aws-lambda-2016"),
        ("heroku-2016 (default), month.csv", "heroku-2016"),
        ("ec2-2016 (default), month.csv", "ec2-2016"),
    ] {
        table.add(case, &files.month, || replay(&files.month, book, &[]));
    }
    gzip_rows(&mut table, &files);
    let lambda = "aws-lambda-2016";
    table.add("aws-lambda-2016, busy trace, 1 function", &files.busy_one, || {
        replay(&files.busy_one, lambda, &[])
    });
    table.add(
        "aws-lambda-2016, busy trace, 50,000 functions",
        &files.busy_50k,
        || replay(&files.busy_50k, lambda, &[]),
    );
    let dynos = ["dynos=500", "workers=1", "routing=shared"];
    table.add(
        "heroku-2016, 500 dynos, shared routing, busy trace",
        &files.busy_one,
        || replay(&files.busy_one, "heroku-2016", &dynos),
    );
    table.add(
        "heroku-2016, 500 dynos, random routing, busy trace",
        &files.busy_one,
        || replay(&files.busy_one, "heroku-2016", &["dynos=500", "workers=1"]),
    );
    for (case, count) in [
        ("compare, 1 deployment (aws-lambda-2016), month.csv", 1),
        ("compare, 3 deployments (one per family), month.csv", 3),
        ("compare, 8 deployments (every family, both eras), month.csv", 8),
    ] {
        let scenario = scenario_of(&files.month, count);
        table.add(case, &files.month, || compare_rows(&scenario));
    }
    table.print();
}

/// The gzipped month: a bare inflate of it in this process, then the
/// replay against `zcat` and against the bare inflate.
fn gzip_rows(table: &mut Table, files: &Files) {
    let gz = &files.month_gz;
    let (tool, replayed) = paired(table.runs, || zcat(gz), || replay(gz, "aws-lambda-2016", &[]));
    let inflate = median(table.runs, || bare_inflate(gz));
    table.add_against("bare gzip inflate, month.csv.gz", "zcat", tool, inflate);
    table.add_against("aws-lambda-2016, month.csv.gz", "zcat", tool, replayed);
    table.add_against("aws-lambda-2016, month.csv.gz", "bare inflate", inflate, replayed);
}

/// The models alone: 20M requests (~1,000/s, 100-200 ms each, about 150
/// busy), materialised first so that only the model is timed.
fn model_throughput(quick: bool) {
    let count = 20_000_000 / if quick { 10 } else { 1 };
    let stream: Vec<Request> = requests(count, 1_000, 100_000).collect();
    println!();
    println!("Models alone, {count} in-memory requests:");
    for (label, book, settings) in [
        (
            "function (aws-lambda-2016)",
            "aws-lambda-2016",
            &["concurrency_limit=100000"][..],
        ),
        (
            "dyno pool (heroku-2016, 40 × 5 workers, random routing)",
            "heroku-2016",
            &["dynos=40", "workers=5"][..],
        ),
        (
            "dyno pool (heroku-2016, 40 × 5 workers, shared queue)",
            "heroku-2016",
            &["dynos=40", "workers=5", "routing=shared"][..],
        ),
        (
            "VM group (ec2-2016, 20 × capacity 10)",
            "ec2-2016",
            &["instances=20", "capacity=10"][..],
        ),
    ] {
        let deployment = deployment_of(book, settings);
        let started = Instant::now();
        let result = simulate(&deployment, stream.iter().copied().map(Ok), options()).expect("runs");
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "  {label}: {elapsed:.3} s = {:.2} M requests/s (bill ${:.2})",
            count as f64 / elapsed / 1e6,
            result.bill.total
        );
    }
}

/// A 30-million-request month at 200 ms each, streamed from a generator:
/// memory must not grow with the request count.
fn generated_month(quick: bool) {
    let count = 30_000_000 / if quick { 10 } else { 1 };
    let month_us = 30 * 86_400 * 1_000_000u64;
    let deployment = deployment_of("aws-lambda-2016", &["concurrency_limit=100000"]);
    let before = peak_memory_mib();
    let started = Instant::now();
    let stream = requests(count, month_us / count, 200_000).map(|mut request| {
        request.duration = 200_000;
        Ok(request)
    });
    let result = simulate(&deployment, stream, options()).expect("runs");
    println!();
    println!(
        "Generated month: {count} requests in {:.3} s; peak memory {before:.1} MiB before, {:.1} MiB after; bill ${:.2}",
        started.elapsed().as_secs_f64(),
        peak_memory_mib(),
        result.bill.total
    );
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "quick");
    generated_month(quick);
    replay_table(quick);
    model_throughput(quick);
}
