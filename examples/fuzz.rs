//! A long end-to-end fuzz run: `cargo run --release --example fuzz --
//! --seconds 600 [--seed N] [--limit-seconds 10]`. Mutates the bundled
//! samples (traces/*.csv, scenarios/*.toml, pricing/*.toml) and seeds for
//! each importer, settings and generator flags, runs the release binary on
//! each case under a time limit and a memory limit, and prints the cases
//! run, panics, aborts, hangs and runs over 1 GB per input kind, with every
//! finding's command line and message; each finding's files and command
//! line are kept in `target/fuzz-findings/<n>-<kind>/`. Exits 1 if anything
//! was found.

#[path = "../tests/integration/fuzz_cases.rs"]
mod fuzz_cases;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use fuzz_cases::{Case, KINDS, Rng, Samples, finding, run};

struct Options {
    seconds: u64,
    seed: u64,
    limit: Duration,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        seconds: 60,
        seed: 1,
        limit: Duration::from_secs(10),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number: u64 = value
            .parse()
            .map_err(|_| format!("{flag}: expected a whole number, found `{value}`"))?;
        match flag.as_str() {
            "--seconds" => options.seconds = number,
            "--seed" => options.seed = number,
            "--limit-seconds" => options.limit = Duration::from_secs(number),
            _ => {
                return Err(format!(
                    "unknown flag `{flag}`: expected --seconds, --seed or --limit-seconds"
                ));
            }
        }
    }
    Ok(options)
}

/// The release binary beside this example, built first when run by cargo.
fn binary(repository: &Path) -> Result<PathBuf, String> {
    if let Ok(cargo) = std::env::var("CARGO") {
        let built = std::process::Command::new(cargo)
            .args(["build", "--release", "--quiet", "--bin", "costsim"])
            .current_dir(repository)
            .status()
            .map_err(|error| format!("cargo build: {error}"))?;
        if !built.success() {
            return Err("cargo build --release --bin costsim failed".into());
        }
    }
    let binary = repository.join("target/release/costsim");
    binary
        .exists()
        .then_some(binary)
        .ok_or_else(|| "no target/release/costsim: run `cargo build --release` first".into())
}

/// Keeps a finding's files and command line for replay.
fn keep(repository: &Path, number: usize, case: &Case) {
    let folder = repository.join(format!("target/fuzz-findings/{number}-{}", case.kind));
    for (name, bytes) in &case.files {
        let path = folder.join(name);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(path, bytes);
    }
    let _ = std::fs::write(folder.join("args.txt"), case.args.join("\n"));
}

#[derive(Default)]
struct Tally {
    cases: u64,
    /// Runs by exit code (0 success, 1 bad data, 2 bad usage).
    exits: BTreeMap<i32, u64>,
    findings: BTreeMap<&'static str, u64>,
    slowest: Duration,
    largest_rss_kb: i64,
}

fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(problem) => {
            eprintln!("fuzz: {problem}");
            return ExitCode::from(2);
        }
    };
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let binary = match binary(repository) {
        Ok(binary) => binary,
        Err(problem) => {
            eprintln!("fuzz: {problem}");
            return ExitCode::from(2);
        }
    };
    let samples = Samples::load(repository);
    let root = tempfile::tempdir().expect("a temporary folder");
    let mut rng = Rng(options.seed);
    let mut tallies: BTreeMap<&'static str, Tally> = BTreeMap::new();
    let mut found = Vec::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(options.seconds) {
        let kind = KINDS[rng.below(KINDS.len())];
        let case = Case::draw(kind, &mut rng, &samples);
        let outcome = run(&binary, root.path(), &case, options.limit);
        let tally = tallies.entry(case.kind).or_default();
        tally.cases += 1;
        *tally.exits.entry(outcome.code.unwrap_or(-1)).or_default() += 1;
        tally.slowest = tally.slowest.max(outcome.elapsed);
        tally.largest_rss_kb = tally.largest_rss_kb.max(outcome.max_rss_kb);
        if std::env::var("FUZZ_SHOW").is_ok_and(|show| show == format!("{kind}:{:?}", outcome.code)) {
            eprintln!("costsim {}\n  {}", case.args.join(" "), outcome.stderr.trim_end());
        }
        if let Some(defect) = finding(&outcome) {
            *tally.findings.entry(defect).or_default() += 1;
            keep(repository, found.len(), &case);
            found.push(format!(
                "{kind}: {defect} (exit {:?}, signal {:?}, {:?}, {} MB): costsim {}\n  files: {}\n  {}",
                outcome.code,
                outcome.signal,
                outcome.elapsed,
                outcome.max_rss_kb / 1024,
                case.args.join(" "),
                case.files
                    .iter()
                    .map(|(name, bytes)| format!("{name} ({} bytes)", bytes.len()))
                    .collect::<Vec<_>>()
                    .join(", "),
                outcome.stderr.trim_end().replace('\n', "\n  ")
            ));
        }
    }
    println!(
        "{:<20} {:>7} {:>7} {:>7} {:>7} {:>6} {:>6} {:>6} {:>8} {:>9} {:>10}",
        "kind",
        "cases",
        "exit 0",
        "exit 1",
        "exit 2",
        "panic",
        "abort",
        "hang",
        "over 1GB",
        "slowest s",
        "max RSS MB"
    );
    for (kind, tally) in &tallies {
        let count = |name| tally.findings.get(name).copied().unwrap_or(0);
        let exits = |code| tally.exits.get(&code).copied().unwrap_or(0);
        println!(
            "{kind:<20} {:>7} {:>7} {:>7} {:>7} {:>6} {:>6} {:>6} {:>8} {:>9.2} {:>10}",
            tally.cases,
            exits(0),
            exits(1),
            exits(2),
            count("panic"),
            count("abort"),
            count("hang"),
            count("over 1 GB"),
            tally.slowest.as_secs_f64(),
            tally.largest_rss_kb / 1024
        );
    }
    for finding in &found {
        println!("\n{finding}");
    }
    if found.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
