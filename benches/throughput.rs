//! Throughput of the function model, as `cargo bench` runs it: requests per
//! second from an in-memory stream and from a CSV file (next to plain CSV
//! parsing of the same file), and a 30-million-request month streamed from a
//! generator with the process's peak memory before and after.
//!
//! `cargo bench -- quick` runs smaller sizes.

use std::io::Write;
use std::time::Instant;

use chrono::{DateTime, Utc};
use costsim::platform::Setting;
use costsim::pricing::resolve;
use costsim::simulation::{Deployment, RunOptions, simulate};
use costsim::workload::{FunctionId, Request, TraceReader, prefetch};

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

fn deployment() -> Deployment {
    deployment_of("aws-lambda-2016", &["concurrency_limit=100000"])
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

fn rate(count: u64, seconds: f64) -> String {
    format!("{:.2} M requests/s", count as f64 / seconds / 1e6)
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "quick");
    let scale = if quick { 10 } else { 1 };
    let deployment = deployment();

    // 1. A 30-million-request month at 128 MB and 200 ms each, streamed from
    //    a generator: memory must not grow with the request count.
    let count = 30_000_000 / scale;
    let month_us = 30 * 86_400 * 1_000_000u64;
    let before = peak_memory_mib();
    let started = Instant::now();
    let result = simulate(
        &deployment,
        requests(count, month_us / count, 200_000).map(|mut request| {
            request.duration = 200_000;
            Ok(request)
        }),
        options(),
    )
    .expect("runs");
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "30M-request month: {count} requests in {elapsed:.3} s = {}; peak memory {before:.1} MiB before, {:.1} MiB after; bill ${:.2}",
        rate(count, elapsed),
        peak_memory_mib(),
        result.bill.total
    );
    // 2. In memory: 20M requests, ~1,000/s, 100-200 ms each (about 150 busy
    //    instances), materialised first so that only the model is timed.
    let count = 20_000_000 / scale;
    let stream: Vec<Request> = requests(count, 1_000, 100_000).collect();
    let started = Instant::now();
    let result = simulate(&deployment, stream.iter().copied().map(Ok), options()).expect("runs");
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "in-memory stream: {count} requests in {elapsed:.3} s = {} (peak {} instances, bill ${:.2})",
        rate(count, elapsed),
        result.instances.peak,
        result.bill.total
    );

    // Dyno pool and VM group on the same stream: ~1,000/s of 100-200 ms
    // requests need ~150 busy slots.
    for (label, book, settings) in [
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
        let farm = deployment_of(book, settings);
        let started = Instant::now();
        let result = simulate(&farm, stream.iter().copied().map(Ok), options()).expect("runs");
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "{label}: {count} requests in {elapsed:.3} s = {} (mean wait {:.2} ms, bill ${:.2})",
            rate(count, elapsed),
            result.queue_ms.mean,
            result.bill.total
        );
    }
    drop(stream);

    // 3. From a CSV file, next to plain CSV parsing of the same file.
    let count = 5_000_000 / scale;
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("bench.csv");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        writeln!(out, "time,duration_ms,function").expect("write");
        for request in requests(count, 1_000, 100_000) {
            writeln!(
                out,
                "{}.{:06},{}.{:03},api",
                request.arrival / 1_000_000,
                request.arrival % 1_000_000,
                request.duration / 1_000,
                request.duration % 1_000
            )
            .expect("write");
        }
    }
    let bytes = std::fs::metadata(&path).map_or(0, |meta| meta.len());
    let started = Instant::now();
    let mut reader = csv::Reader::from_path(&path).expect("open");
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    while reader.read_byte_record(&mut record).expect("read") {
        rows += 1;
    }
    let parse = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let trace = TraceReader::open(&path, None).expect("open");
    let read = trace
        .inspect(|request| assert!(request.is_ok(), "valid row"))
        .count();
    let reading = started.elapsed().as_secs_f64();
    assert_eq!(read as u64, rows);
    let started = Instant::now();
    let trace = TraceReader::open(&path, None).expect("open");
    let result = simulate(&deployment, trace, options()).expect("runs");
    let replay_one_thread = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let trace = TraceReader::open(&path, None).expect("open");
    let result_prefetched = simulate(&deployment, prefetch(trace), options()).expect("runs");
    let replay = started.elapsed().as_secs_f64();
    assert_eq!(
        serde_json::to_string(&result).expect("json"),
        serde_json::to_string(&result_prefetched).expect("json")
    );
    assert_eq!(result.requests.total, rows);
    println!(
        "CSV file ({:.0} MB, {rows} rows): plain csv parsing {parse:.3} s = {}; TraceReader alone {reading:.3} s; replay on one thread {replay_one_thread:.3} s = {} ({:.2}x parsing); replay with the reader on a second thread (as `simulate` does) {replay:.3} s = {} ({:.2}x parsing)",
        bytes as f64 / 1e6,
        rate(rows, parse),
        rate(rows, replay_one_thread),
        replay_one_thread / parse,
        rate(rows, replay),
        replay / parse
    );
}
