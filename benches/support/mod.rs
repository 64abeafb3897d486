//! What both benches share: the process's CPU time, a measured run, the
//! median of several, and the floor of any replay (a bare parse of the same
//! file with the csv crate).

use std::path::Path;
use std::time::Instant;

/// CPU time of this process so far (user + system, every thread) and of
/// the child processes it has waited for, in seconds, from /proc (Linux
/// counts it in ticks of 1/100 s there).
pub fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            // Fields after the command name (which is in parentheses):
            // utime, stime, cutime, cstime.
            let rest = stat.rsplit_once(')')?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let ticks = (11..=14)
                .map(|index| fields.get(index)?.parse::<f64>().ok())
                .sum::<Option<f64>>()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(f64::NAN)
}

/// One measured run: wall seconds, CPU seconds, rows.
#[derive(Clone, Copy)]
pub struct Sample {
    pub wall: f64,
    pub cpu: f64,
    pub rows: u64,
}

pub fn measure(work: impl Fn() -> u64) -> Sample {
    let (cpu, started) = (cpu_seconds(), Instant::now());
    let rows = work();
    Sample {
        wall: started.elapsed().as_secs_f64(),
        cpu: cpu_seconds() - cpu,
        rows,
    }
}

/// The run with the median wall time of `runs`.
pub fn median(runs: usize, work: impl Fn() -> u64) -> Sample {
    median_of((0..runs).map(|_| measure(&work)).collect())
}

/// The sample with the median wall time of `samples` (at least one).
pub fn median_of(mut samples: Vec<Sample>) -> Sample {
    samples.sort_by(|a, b| a.wall.total_cmp(&b.wall));
    samples[samples.len() / 2]
}

/// Counts the rows of `path` with the csv crate, touching every field's
/// bytes as a reader must: the floor of any replay.
pub fn bare_csv_parse(path: &Path) -> u64 {
    let mut reader = csv::ReaderBuilder::new()
        .buffer_capacity(256 * 1024)
        .from_path(path)
        .expect("open");
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut bytes) = (0u64, 0usize);
    while reader.read_byte_record(&mut record).expect("read") {
        rows += 1;
        bytes += record.as_slice().len();
    }
    std::hint::black_box(bytes);
    rows
}
