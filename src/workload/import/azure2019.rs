//! The Azure Functions 2019 dataset ("Serverless in the Wild"): invocation
//! counts per function per minute, execution-time percentiles per function,
//! and memory per application, as three files. Both the original layout
//! (minute columns named `1`…`1440`, or a slice such as `480`…`959`) and the
//! sampled layout (`minute_1`…) are read.
//!
//! Each minute's invocations are spread inside the minute (uniformly or
//! equidistantly, seeded), each request's execution time is drawn from its
//! function's percentile points (linear in between), or set to the
//! function's average, and its memory is its application's average
//! allocation. Functions without a duration row are
//! skipped and counted. Time 0 of the output is the first minute column of
//! the file; each minute's requests are produced in order by merging the
//! functions' sorted arrivals, so memory holds one pending arrival per
//! function, not a minute of requests, however large the counts.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::path::{Path, PathBuf};

use rand::SeedableRng;
use rand_pcg::Pcg64;

use super::{BadRows, DURATION_RANGE, ImportReport, micros_from};
use crate::distribution::{DurationSampler, DurationSpec};
use crate::error::{Error, Result};
use crate::units::{MICROS_PER_SECOND, Micros};
use crate::workload::{FunctionId, Request, Spread, TraceWriter, check_rows, next_uniform_share, open_input};

const MINUTE: Micros = 60 * MICROS_PER_SECOND;
/// The duration file's percentile columns and the percentiles they hold.
const PERCENTILES: [(&str, f64); 7] = [
    ("percentile_Average_0", 0.0),
    ("percentile_Average_1", 1.0),
    ("percentile_Average_25", 25.0),
    ("percentile_Average_50", 50.0),
    ("percentile_Average_75", 75.0),
    ("percentile_Average_99", 99.0),
    ("percentile_Average_100", 100.0),
];

pub struct Azure2019Files {
    pub invocations: PathBuf,
    pub durations: PathBuf,
    pub memory: Option<PathBuf>,
}

/// Where each request's execution time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationSource {
    /// Drawn from the function's percentile points.
    Percentiles,
    /// The function's `Average`, for every invocation (reproduces the
    /// dataset's invocation-weighted duration statistics exactly).
    Average,
}

/// How an Azure 2019 import turns counts into requests.
#[derive(Debug, Clone, Copy)]
pub struct Azure2019Options {
    pub durations_from: DurationSource,
    pub spread: Spread,
    pub seed: u64,
    pub bad_rows: BadRows,
    /// The most rows to write.
    pub max_rows: u64,
}

struct Function {
    name: String,
    sampler: DurationSampler,
    memory_mb: Option<u32>,
    counts: Vec<u32>,
}

/// A CSV file being read, its header and its name for messages.
struct CsvFile {
    csv: csv::Reader<Box<dyn std::io::Read + Send>>,
    headers: csv::StringRecord,
    label: String,
}

fn reader(path: &Path) -> Result<CsvFile> {
    let label = path.display().to_string();
    let mut csv = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(open_input(path)?);
    let headers = csv
        .headers()
        .map_err(|error| Error::input(&label, 1, format!("header: {error}")))?
        .clone();
    Ok(CsvFile { csv, headers, label })
}

fn column(headers: &csv::StringRecord, label: &str, name: &str) -> Result<usize> {
    headers
        .iter()
        .position(|header| header.trim() == name)
        .ok_or_else(|| Error::input(label, 1, format!("header: missing column `{name}`")))
}

/// A row the CSV reader could not read, with its line.
fn malformed(label: &str, error: &csv::Error) -> Error {
    Error::input(
        label,
        error.position().map_or(0, |position| position.line()),
        error.to_string(),
    )
}

fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, |position| position.line())
}

/// Execution times by function hash: its percentile points, or its average.
fn read_durations(
    path: &Path,
    source: DurationSource,
    policy: BadRows,
    report: &mut ImportReport,
) -> Result<HashMap<String, DurationSpec>> {
    let CsvFile {
        mut csv,
        headers,
        label,
    } = reader(path)?;
    let function = column(&headers, &label, "HashFunction")?;
    let average = column(&headers, &label, "Average")?;
    let columns = PERCENTILES
        .iter()
        .map(|(name, percentile)| Ok((column(&headers, &label, name)?, *percentile)))
        .collect::<Result<Vec<_>>>()?;
    let mut durations = HashMap::new();
    for record in csv.records() {
        let record = record.map_err(|error| malformed(&label, &error))?;
        if source == DurationSource::Average {
            let text = record.get(average).unwrap_or("").trim();
            match text.parse::<f64>().ok().and_then(|ms| micros_from(ms, 1_000.0)) {
                Some(micros) => {
                    let spec = DurationSpec::Constant(micros);
                    durations
                        .entry(record.get(function).unwrap_or("").to_owned())
                        .or_insert(spec);
                }
                None => {
                    let error = Error::input(
                        &label,
                        line_of(&record),
                        format!("field `Average`: expected milliseconds {DURATION_RANGE}, found `{text}`"),
                    );
                    report.bad_row(policy, "duration row with a bad number", error)?;
                }
            }
            continue;
        }
        let mut points = Vec::with_capacity(columns.len());
        for &(index, percentile) in &columns {
            let text = record.get(index).unwrap_or("").trim();
            match text.parse::<f64>().ok().and_then(|ms| micros_from(ms, 1_000.0)) {
                Some(micros) => points.push((percentile, micros)),
                None => {
                    let error = Error::input(
                        &label,
                        line_of(&record),
                        format!(
                            "field `{}`: expected milliseconds {DURATION_RANGE}, found `{text}`",
                            PERCENTILES[points.len()].0
                        ),
                    );
                    report.bad_row(policy, "duration row with a bad number", error)?;
                    break;
                }
            }
        }
        if points.len() != columns.len() {
            continue;
        }
        // Percentiles of 30-second averages can dip between points; keep
        // them non-decreasing so they describe a distribution.
        for index in 1..points.len() {
            points[index].1 = points[index].1.max(points[index - 1].1);
        }
        if let Some(spec) = DurationSpec::from_percentiles(points) {
            durations
                .entry(record.get(function).unwrap_or("").to_owned())
                .or_insert(spec);
        }
    }
    Ok(durations)
}

/// Average allocated memory by application hash.
fn read_memory(path: &Path) -> Result<HashMap<String, u32>> {
    let CsvFile {
        mut csv,
        headers,
        label,
    } = reader(path)?;
    let app = column(&headers, &label, "HashApp")?;
    let average = column(&headers, &label, "AverageAllocatedMb")?;
    let mut memory = HashMap::new();
    for record in csv.records() {
        let record = record.map_err(|error| malformed(&label, &error))?;
        let text = record.get(average).unwrap_or("").trim();
        let megabytes = text
            .parse::<f64>()
            .ok()
            .filter(|mb| *mb > 0.0 && *mb <= f64::from(u32::MAX))
            .ok_or_else(|| {
                Error::input(
                    &label,
                    line_of(&record),
                    format!(
                        "field `AverageAllocatedMb`: expected megabytes above 0 and at most {}, found `{text}`",
                        u32::MAX
                    ),
                )
            })?;
        memory
            .entry(record.get(app).unwrap_or("").to_owned())
            .or_insert(megabytes.ceil() as u32);
    }
    Ok(memory)
}

/// The minute number a header names (`480` or `minute_480`).
fn minute_of(header: &str) -> Option<u32> {
    header
        .trim()
        .strip_prefix("minute_")
        .unwrap_or(header.trim())
        .parse()
        .ok()
}

/// The minute columns of the invocation file: (column, minute number),
/// which must be consecutive.
fn minute_columns(headers: &csv::StringRecord, label: &str) -> Result<Vec<(usize, u32)>> {
    let minutes: Vec<(usize, u32)> = headers
        .iter()
        .enumerate()
        .filter_map(|(index, header)| minute_of(header).map(|minute| (index, minute)))
        .collect();
    if minutes.is_empty() {
        return Err(Error::input(
            label,
            1,
            "header: no minute columns (`1`…`1440` or `minute_1`…)",
        ));
    }
    if minutes.windows(2).any(|pair| pair[1].1 != pair[0].1 + 1) {
        return Err(Error::input(
            label,
            1,
            "header: minute columns must be consecutive",
        ));
    }
    Ok(minutes)
}

pub fn import_azure_2019(
    files: &Azure2019Files,
    options: &Azure2019Options,
    writer: &mut TraceWriter,
) -> Result<ImportReport> {
    let policy = options.bad_rows;
    let mut report = ImportReport::default();
    let durations = read_durations(&files.durations, options.durations_from, policy, &mut report)?;
    let memory = files
        .memory
        .as_deref()
        .map(read_memory)
        .transpose()?
        .unwrap_or_default();

    let CsvFile {
        mut csv,
        headers,
        label,
    } = reader(&files.invocations)?;
    let function_column = column(&headers, &label, "HashFunction")?;
    let app_column = column(&headers, &label, "HashApp")?;
    let minutes = minute_columns(&headers, &label)?;
    let mut functions = Vec::new();
    for record in csv.records() {
        let record = record.map_err(|error| malformed(&label, &error))?;
        let hash = record.get(function_column).unwrap_or("");
        let mut counts = Vec::with_capacity(minutes.len());
        for &(index, minute) in &minutes {
            let text = record.get(index).unwrap_or("").trim();
            match text.parse::<u32>() {
                Ok(count) => counts.push(count),
                Err(_) => {
                    let error = Error::input(
                        &label,
                        line_of(&record),
                        format!("field `{minute}`: expected a whole number of invocations, found `{text}`"),
                    );
                    report.bad_row(policy, "invocation row with a bad count", error)?;
                    break;
                }
            }
        }
        if counts.len() != minutes.len() {
            continue;
        }
        let Some(spec) = durations.get(hash) else {
            *report
                .skipped
                .entry("functions without a duration row".into())
                .or_default() += 1;
            *report
                .skipped
                .entry("invocations of those functions".into())
                .or_default() += counts.iter().map(|&count| u64::from(count)).sum::<u64>();
            continue;
        };
        functions.push(Function {
            name: hash.chars().take(16).collect(),
            sampler: spec.sampler(),
            memory_mb: memory.get(record.get(app_column).unwrap_or("")).copied(),
            counts,
        });
    }

    let rows: f64 = functions
        .iter()
        .flat_map(|function| function.counts.iter())
        .map(|&count| f64::from(count))
        .sum();
    check_rows("the import", rows, rows, options.max_rows).map_err(Error::usage)?;
    let (spread, mut rng) = (options.spread, Pcg64::seed_from_u64(options.seed));
    for minute in 0..minutes.len() {
        if writer.closed() {
            break;
        }
        report.rows += write_minute(&functions, minute, spread, &mut rng, writer)?;
    }
    Ok(report)
}

/// Where one function's arrivals in the current minute stand.
struct MinuteCursor {
    count: u32,
    placed: u32,
    /// The last uniform order statistic, as a share of the minute.
    share: f64,
}

impl MinuteCursor {
    /// The offset into the minute of the next arrival: evenly spaced, or
    /// the next of the count's sorted uniform draws.
    fn next_offset(&mut self, spread: Spread, rng: &mut Pcg64) -> Micros {
        let offset = match spread {
            Spread::Equidistant => u64::from(self.placed) * MINUTE / u64::from(self.count),
            Spread::Uniform | Spread::Poisson => {
                let remaining = f64::from(self.count - self.placed);
                self.share = next_uniform_share(self.share, remaining, rng);
                ((self.share * MINUTE as f64) as Micros).min(MINUTE - 1)
            }
        };
        self.placed += 1;
        offset
    }
}

/// Writes the requests of one minute in arrival order, merging the
/// functions' sorted arrivals (ties in function order), so memory holds one
/// pending arrival per function, not the minute; returns the rows written.
fn write_minute(
    functions: &[Function],
    minute: usize,
    spread: Spread,
    rng: &mut Pcg64,
    writer: &mut TraceWriter,
) -> Result<u64> {
    let start = minute as Micros * MINUTE;
    let mut cursors: Vec<MinuteCursor> = functions
        .iter()
        .map(|function| MinuteCursor {
            count: function.counts[minute],
            placed: 0,
            share: 0.0,
        })
        .collect();
    let mut pending = BinaryHeap::new();
    for (index, cursor) in cursors.iter_mut().enumerate() {
        if cursor.count > 0 {
            pending.push(Reverse((cursor.next_offset(spread, rng), index)));
        }
    }
    let mut rows = 0;
    while let Some(Reverse((offset, index))) = pending.pop() {
        let function = &functions[index];
        let request = Request {
            arrival: start + offset,
            duration: function.sampler.sample(rng),
            function: FunctionId(index as u32),
            memory_mb: function.memory_mb,
            bytes_out: 0,
        };
        writer.write(&request, &function.name)?;
        if writer.closed() {
            break;
        }
        rows += 1;
        let cursor = &mut cursors[index];
        if cursor.placed < cursor.count {
            pending.push(Reverse((cursor.next_offset(spread, rng), index)));
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::TraceReader;

    #[test]
    fn fixture_in_the_original_layout() {
        let folder = tempfile::tempdir().expect("folder");
        let write = |name: &str, text: &str| {
            let path = folder.path().join(name);
            std::fs::write(&path, text).expect("write");
            path
        };
        let invocations = write(
            "invocations.csv",
            "HashOwner,HashApp,HashFunction,Trigger,480,481\no1,a1,f1,http,2,1\no1,a1,f2,timer,5,0\no2,a2,f3,http,0,3\n",
        );
        let durations = write(
            "durations.csv",
            "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\n\
             o1,a1,f1,100,3,100.0,100.0,100,100,100,100,100,100,100\n\
             o2,a2,f3,20,3,10.0,30.0,10,10,15,20,25,30,30\n",
        );
        let memory = write(
            "memory.csv",
            "HashFunction,HashOwner,HashApp,SampleCount,AverageAllocatedMb\nf1,o1,a1,5,150.5\n",
        );
        let output = folder.path().join("out.csv");
        let mut writer = TraceWriter::create(Some(&output), true, false).expect("create");
        let files = Azure2019Files {
            invocations,
            durations,
            memory: Some(memory),
        };
        let options = Azure2019Options {
            durations_from: DurationSource::Percentiles,
            spread: Spread::Equidistant,
            seed: 1,
            bad_rows: BadRows::Fail,
            max_rows: 100,
        };
        let report = import_azure_2019(&files, &options, &mut writer).expect("imports");
        writer.finish().expect("finish");
        // f2 has no duration row: skipped with its 5 invocations.
        assert_eq!(report.rows, 6);
        assert_eq!(report.skipped.get("functions without a duration row"), Some(&1));
        assert_eq!(report.skipped.get("invocations of those functions"), Some(&5));
        let rows: Vec<Request> = TraceReader::open(&output, None)
            .expect("open")
            .map(|r| r.expect("row"))
            .collect();
        // Minute 0: f1 at 0 and 30 s. Minute 1: f1 at 60 s; f3 at 60, 80, 100 s.
        let arrivals: Vec<u64> = rows.iter().map(|r| r.arrival / MICROS_PER_SECOND).collect();
        assert_eq!(arrivals, vec![0, 30, 60, 60, 80, 100]);
        assert_eq!(rows[0].duration, 100_000);
        assert_eq!(rows[0].memory_mb, Some(151));
        assert!(
            rows[3..]
                .iter()
                .all(|r| (10_000..=30_000).contains(&r.duration) && r.memory_mb.is_none())
        );
    }

    #[test]
    fn minute_headers_of_both_layouts() {
        assert_eq!(minute_of("480"), Some(480));
        assert_eq!(minute_of("minute_1"), Some(1));
        assert_eq!(minute_of("HashApp"), None);
    }
}
