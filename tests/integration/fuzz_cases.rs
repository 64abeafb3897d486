//! End-to-end fuzz cases, shared by the bounded run in `cargo test`
//! (`fuzz_end_to_end.rs`) and the long one (`cargo run --release --example
//! fuzz -- --seconds 600`): mutations of the bundled samples (traces,
//! scenarios, price books) and of small seeds for each importer, settings
//! and generator flags, each run through the real binary under a time and a
//! memory limit, with panics, aborts, hangs and runs over 1 GB recorded.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The kinds of input fuzzed, one command line each.
pub const KINDS: [&str; 11] = [
    "import-azure-2019",
    "trace",
    "trace-stats",
    "scenario",
    "price-book",
    "import-csv",
    "import-clf",
    "import-rate-series",
    "import-azure-2021",
    "settings",
    "generator",
];

/// Values that have broken parsers and arithmetic before.
const INTERESTING: [&str; 24] = [
    "0",
    "-1",
    "-2",
    "1",
    "1e300",
    "-1e300",
    "1e-300",
    "nan",
    "inf",
    "-inf",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "4294967295",
    "4294967296",
    "0.0000001",
    "",
    " ",
    "1e18",
    "99999999999999999999",
    "18446744073709s",
    "1000000",
    "0s",
    "24",
];

/// A deterministic generator (SplitMix64): the same seed, the same cases.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One to four mutations of `input`: bytes flipped, inserted or deleted,
/// lines duplicated or swapped, numbers replaced by interesting values, or
/// the end cut off.
pub fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut bytes = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(8) {
            0 if !bytes.is_empty() => {
                let last = bytes.len() - 1;
                bytes[at.min(last)] ^= 1 << rng.below(8);
            }
            1 => bytes.insert(at, rng.next() as u8),
            2 => {
                let end = (at + 1 + rng.below(16)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            3 => bytes.truncate(at),
            4 => bytes = replace_number(rng, &bytes),
            5 => bytes = shuffle_lines(rng, &bytes, true),
            6 => bytes = shuffle_lines(rng, &bytes, false),
            _ => {
                let token = rng.pick(&INTERESTING);
                bytes.splice(at..at, token.bytes());
            }
        }
    }
    bytes
}

/// Replaces one run of digits with an interesting value.
fn replace_number(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let starts: Vec<usize> = (0..bytes.len())
        .filter(|&i| bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()))
        .collect();
    if starts.is_empty() {
        return bytes.to_vec();
    }
    let start = starts[rng.below(starts.len())];
    let end = (start..bytes.len())
        .find(|&i| !bytes[i].is_ascii_digit())
        .unwrap_or(bytes.len());
    let mut out = bytes[..start].to_vec();
    out.extend_from_slice(rng.pick(&INTERESTING).as_bytes());
    out.extend_from_slice(&bytes[end..]);
    out
}

/// Duplicates one line, or swaps two.
fn shuffle_lines(rng: &mut Rng, bytes: &[u8], duplicate: bool) -> Vec<u8> {
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let (first, second) = (rng.below(lines.len()), rng.below(lines.len()));
    if duplicate {
        lines.insert(second, lines[first]);
    } else {
        lines.swap(first, second);
    }
    lines.join(&b'\n')
}

/// The seeds mutated: the bundled samples (traces cut to 200 rows, the
/// scenario to two days so a case runs in a second) and small hand-written
/// inputs for the importers.
pub struct Samples {
    pub traces: Vec<Vec<u8>>,
    pub scenarios: Vec<Vec<u8>>,
    pub books: Vec<(String, Vec<u8>)>,
}

fn files(folder: &Path, extension: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
        .unwrap_or_default();
    paths.retain(|path| path.extension().is_some_and(|found| found == extension));
    paths.sort();
    paths
}

impl Samples {
    pub fn load(repository: &Path) -> Samples {
        let read = |path: &Path| std::fs::read(path).unwrap_or_default();
        let traces = files(&repository.join("traces"), "csv")
            .iter()
            .map(|path| {
                let text = read(path);
                let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').take(200).collect();
                lines.join(&b'\n')
            })
            .collect();
        let scenarios = files(&repository.join("scenarios"), "toml")
            .iter()
            .map(|path| {
                String::from_utf8_lossy(&read(path))
                    .replace("\"31d\"", "\"2d\"")
                    .into_bytes()
            })
            .collect();
        // Platforms only: a service book (API Gateway) is priced in front of one.
        let books = files(&repository.join("pricing"), "toml")
            .iter()
            .filter(|path| !path.to_string_lossy().contains("api-gateway"))
            .map(|path| {
                let id = path
                    .file_stem()
                    .map(|stem| stem.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (id, read(path))
            })
            .collect();
        Samples {
            traces,
            scenarios,
            books,
        }
    }
}

/// A case: files to write into its folder and the arguments to run.
pub struct Case {
    pub kind: &'static str,
    pub files: Vec<(String, Vec<u8>)>,
    pub args: Vec<String>,
}

const CLF: &str = "h - - [01/Jul/1995:00:00:01 -0400] \"GET /a HTTP/1.0\" 200 6245 0.042\n\
                   h - - [01/Jul/1995:00:00:02 -0400] \"GET /b HTTP/1.0\" 404 - 0.010\n\
                   h - - [01/Jul/1995:00:00:09 -0400] \"GET /c HTTP/1.0\" 200 12 1.5\n";
const SERIES_CSV: &str =
    "period,count\n1998-04-30 21:30:00,5\n1998-04-30 21:31:00,7\n1998-04-30 21:33:00,1\n";
const SERIES_PLAIN: &str = "0 3 1 2\n5 0 1\n";
const AZURE_2021: &str = "app,func,end_timestamp,duration\na,f,10.5,0.5\na,g,3.0,2.0\nb,f,4.0,0.001\n";
const AZURE_2019: [(&str, &str); 3] = [
    (
        "inv.csv",
        "HashOwner,HashApp,HashFunction,Trigger,480,481\no1,a1,f1,http,2,1\no1,a1,f2,timer,5,0\no2,a2,f3,http,0,3\n",
    ),
    (
        "dur.csv",
        "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\n\
         o1,a1,f1,100,3,100.0,100.0,100,100,100,100,100,100,100\no2,a2,f3,20,3,10.0,30.0,10,10,15,20,25,30,30\n",
    ),
    (
        "mem.csv",
        "HashFunction,HashOwner,HashApp,SampleCount,AverageAllocatedMb\nf1,o1,a1,5,150.5\n",
    ),
];
const FUNCTION_KEYS: [&str; 8] = [
    "memory_mb",
    "keep_alive_s",
    "cold_start_ms",
    "concurrency_limit",
    "instance_concurrency",
    "max_duration_s",
    "provisioned",
    "ephemeral_storage_mb",
];
const POOL_KEYS: [&str; 10] = [
    "dynos",
    "workers",
    "routing",
    "router_timeout_s",
    "autoscale",
    "min_dynos",
    "max_dynos",
    "target_p95_ms",
    "boot_s",
    "speed",
];
const VM_KEYS: [&str; 10] = [
    "instances",
    "capacity",
    "autoscale",
    "min_instances",
    "max_instances",
    "target_utilization",
    "boot_s",
    "cooldown_s",
    "schedule",
    "spot_interruptions_per_hour",
];
const SETTING_SEEDS: [&str; 8] = [
    "600",
    "lognormal:median=250ms,p99=1s",
    "true",
    "0-7:2,8-19:6,20-23:3",
    "2",
    "shared",
    "utilization",
    "pareto:scale=1ms,shape=2",
];

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| (*arg).to_owned()).collect()
}

impl Case {
    /// A fresh case of `kind` drawn from `rng`.
    pub fn draw(kind: &'static str, rng: &mut Rng, samples: &Samples) -> Case {
        let trace = samples.traces[rng.below(samples.traces.len())].clone();
        let book = &samples.books[rng.below(samples.books.len())];
        let (files, args): (Vec<(String, Vec<u8>)>, Vec<String>) = match kind {
            "trace" => (
                vec![("t.csv".into(), mutate(rng, &trace))],
                strings(&[
                    "simulate",
                    "--trace",
                    "t.csv",
                    "--platform",
                    &book.0,
                    "--format",
                    "json",
                ]),
            ),
            "trace-stats" => (
                vec![("t.csv".into(), mutate(rng, &trace))],
                strings(&["trace", "stats", "t.csv"]),
            ),
            "scenario" => {
                let scenario = &samples.scenarios[rng.below(samples.scenarios.len())];
                (
                    vec![
                        ("s.toml".into(), mutate(rng, scenario)),
                        ("traces/api-sample.csv".into(), trace),
                    ],
                    strings(&["compare", "s.toml", "--no-report", "--format", "json"]),
                )
            }
            "price-book" => (
                vec![
                    ("book.toml".into(), mutate(rng, &book.1)),
                    ("t.csv".into(), trace),
                ],
                strings(&["simulate", "--trace", "t.csv", "--platform", "book.toml"]),
            ),
            "import-csv" => (
                vec![("in.csv".into(), mutate(rng, &trace))],
                strings(&[
                    "trace",
                    "import",
                    "--from",
                    "csv",
                    "in.csv",
                    "--time-col",
                    "time",
                    "--duration-col",
                    "duration_ms",
                    "-o",
                    "out.csv",
                ]),
            ),
            "import-clf" => (
                vec![("in.log".into(), mutate(rng, CLF.as_bytes()))],
                strings(&[
                    "trace",
                    "import",
                    "--from",
                    "clf",
                    "in.log",
                    "--response-time-unit",
                    "s",
                    "-o",
                    "out.csv",
                ]),
            ),
            "import-rate-series" => {
                let seed = if rng.below(2) == 0 {
                    SERIES_CSV
                } else {
                    SERIES_PLAIN
                };
                let spread = rng.pick(&["uniform", "equidistant", "poisson"]);
                (
                    vec![("in.txt".into(), mutate(rng, seed.as_bytes()))],
                    strings(&[
                        "trace",
                        "import",
                        "--from",
                        "rate-series",
                        "in.txt",
                        "--interval",
                        "1m",
                        "--spread",
                        spread,
                        "--duration",
                        "50ms",
                        "--max-rows",
                        "1000000",
                        "-o",
                        "out.csv",
                    ]),
                )
            }
            "import-azure-2021" => (
                vec![("in.csv".into(), mutate(rng, AZURE_2021.as_bytes()))],
                strings(&[
                    "trace",
                    "import",
                    "--from",
                    "azure-2021",
                    "in.csv",
                    "-o",
                    "out.csv",
                ]),
            ),
            "import-azure-2019" => {
                let target = rng.below(AZURE_2019.len());
                let files = AZURE_2019
                    .iter()
                    .enumerate()
                    .map(|(index, (name, text))| {
                        let bytes = if index == target {
                            mutate(rng, text.as_bytes())
                        } else {
                            text.as_bytes().to_vec()
                        };
                        ((*name).to_owned(), bytes)
                    })
                    .collect();
                let durations_from = rng.pick(&["percentiles", "average"]);
                let spread = rng.pick(&["uniform", "equidistant"]);
                (
                    files,
                    strings(&[
                        "trace",
                        "import",
                        "--from",
                        "azure-2019",
                        "--invocations",
                        "inv.csv",
                        "--durations",
                        "dur.csv",
                        "--memory",
                        "mem.csv",
                        "--durations-from",
                        durations_from,
                        "--spread",
                        spread,
                        "--max-rows",
                        "1000000",
                        "-o",
                        "out.csv",
                    ]),
                )
            }
            "settings" => Case::settings(rng, samples, trace),
            _ => (Vec::new(), Case::generator(rng)),
        };
        // A command line cannot hold a NUL byte.
        let args = args.into_iter().map(|arg| arg.replace('\0', "")).collect();
        Case { kind, files, args }
    }

    fn settings(rng: &mut Rng, samples: &Samples, trace: Vec<u8>) -> (Vec<(String, Vec<u8>)>, Vec<String>) {
        let book = &samples.books[rng.below(samples.books.len())].0;
        let keys: &[&str] = if book.contains("heroku") || book.contains("gae") {
            &POOL_KEYS
        } else if book.contains("ec2") {
            &VM_KEYS
        } else {
            &FUNCTION_KEYS
        };
        let mut args = strings(&["simulate", "--trace", "t.csv", "--platform", book]);
        for _ in 0..1 + rng.below(2) {
            let value = match rng.below(3) {
                0 => rng.pick(&INTERESTING).to_owned(),
                1 => {
                    let seed = rng.pick(&SETTING_SEEDS);
                    String::from_utf8_lossy(&mutate(rng, seed.as_bytes())).into_owned()
                }
                _ => rng.pick(&SETTING_SEEDS).to_owned(),
            };
            args.push("--set".into());
            args.push(format!("{}={value}", rng.pick(keys)));
        }
        (vec![("t.csv".into(), trace)], args)
    }

    fn generator(rng: &mut Rng) -> Vec<String> {
        let arrivals = rng.pick(&["poisson", "diurnal", "sinusoid", "onoff", "mmpp"]);
        // Most flags keep their valid seed, so that some cases run.
        let value = |rng: &mut Rng, seed: &str| match rng.below(10) {
            0 => rng.pick(&INTERESTING).to_owned(),
            1 => String::from_utf8_lossy(&mutate(rng, seed.as_bytes())).into_owned(),
            _ => seed.to_owned(),
        };
        let mut args = strings(&[
            "trace",
            "gen",
            "--arrivals",
            arrivals,
            "--max-rows",
            "1000000",
            "-o",
            "out.csv",
        ]);
        let flags: &[(&str, &str)] = match arrivals {
            "poisson" => &[("--rate", "100")],
            "diurnal" => &[(
                "--hourly",
                "1,1,1,1,1,1,2,5,10,10,10,10,10,10,10,10,10,10,5,2,1,1,1,1",
            )],
            "sinusoid" => &[("--trough", "5"), ("--peak", "50"), ("--peak-hour", "14")],
            "onoff" => &[("--on-rate", "200"), ("--mean-on", "30s"), ("--mean-off", "5m")],
            _ => &[("--rates", "5,50"), ("--dwell", "10m,2m")],
        };
        for (flag, seed) in flags.iter().chain(&[
            ("--span", "1h"),
            ("--duration", "lognormal:median=120ms,p99=900ms"),
        ]) {
            // `--flag=value`, so that a value such as -1 is not read as a flag.
            args.push(format!("{flag}={}", value(rng, seed)));
        }
        if rng.below(3) == 0 {
            args.push(format!("--count={}", value(rng, "1000")));
        }
        args
    }
}

/// What a run of the binary did.
#[derive(Debug)]
pub struct Outcome {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub hung: bool,
    pub max_rss_kb: i64,
    pub elapsed: Duration,
    pub stderr: String,
}

/// A defect an outcome shows, if any.
pub fn finding(outcome: &Outcome) -> Option<&'static str> {
    if outcome.hung {
        Some("hang")
    } else if outcome.code == Some(101) || outcome.stderr.contains("panicked") {
        Some("panic")
    } else if outcome.code == Some(134) || outcome.signal == Some(libc::SIGABRT) {
        Some("abort")
    } else if outcome.max_rss_kb > 1 << 20 {
        Some("over 1 GB")
    } else if outcome.signal.is_some() {
        Some("signal")
    } else {
        None
    }
}

/// Address space allowed a run: 1 GiB plus room for thread stacks and
/// allocator arenas, which reserve more than they use.
const ADDRESS_SPACE: libc::rlim_t = 3 << 30;

/// Runs `case` with `binary` in a fresh folder under `root`, killed after
/// `limit`, its address space limited; the folder is removed afterwards.
pub fn run(binary: &Path, root: &Path, case: &Case, limit: Duration) -> Outcome {
    let folder = tempfile::tempdir_in(root).expect("a case folder");
    for (name, bytes) in &case.files {
        let path = folder.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a case subfolder");
        }
        std::fs::write(path, bytes).expect("a case file");
    }
    let stderr_path = folder.path().join("stderr.txt");
    let mut command = Command::new(binary);
    command
        .args(&case.args)
        .current_dir(folder.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).expect("a stderr file"));
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit is async-signal-safe, as pre_exec requires.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: ADDRESS_SPACE,
                rlim_max: ADDRESS_SPACE,
            };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
    let started = Instant::now();
    // Reaped by `wait4` below, which also reports its peak memory.
    #[allow(clippy::zombie_processes)]
    let child = command.spawn().expect("the binary starts");
    let (status, rusage, hung) = wait_with_limit(child.id(), started, limit);
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&std::fs::read(&stderr_path).unwrap_or_default()).into_owned();
    Outcome {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        signal: (libc::WIFSIGNALED(status) && !hung).then(|| libc::WTERMSIG(status)),
        hung,
        max_rss_kb: rusage.ru_maxrss,
        elapsed,
        stderr,
    }
}

/// Waits for process `pid`, killing it after `limit`; its status, resource
/// use and whether it was killed.
fn wait_with_limit(pid: u32, started: Instant, limit: Duration) -> (i32, libc::rusage, bool) {
    let pid = pid as libc::pid_t;
    let mut hung = false;
    loop {
        let mut status = 0;
        // SAFETY: a zeroed rusage is valid; wait4 on our own child.
        let mut rusage: libc::rusage = unsafe { std::mem::zeroed() };
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut rusage) };
        if reaped == pid || reaped < 0 {
            return (status, rusage, hung);
        }
        if !hung && started.elapsed() > limit {
            hung = true;
            // SAFETY: the child has not been reaped, so `pid` is still ours.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}
