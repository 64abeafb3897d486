//! Request counts per interval, turned into requests: the World Cup 98
//! per-minute file (`period,count` with `YYYY-MM-DD HH:MM:SS` times) or a
//! plain list of counts (the NASA per-second file: space-separated on one
//! line). Each bucket's count is spread inside the bucket and durations are
//! drawn from a given distribution.

use std::io::Read;
use std::path::Path;

use chrono::{DateTime, NaiveDateTime, Utc};
use rand::SeedableRng;
use rand_pcg::Pcg64;

use super::ImportReport;
use crate::distribution::DurationSpec;
use crate::error::{Error, Result};
use crate::units::Micros;
use crate::workload::{ArrivalProcess, Spread, TraceWriter, open_input};

/// Counts per bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct RateSeries {
    /// Counts per bucket, gaps in the file filled with zeros.
    pub counts: Vec<u64>,
    /// Data rows (or counts) the file held.
    pub rows: usize,
    pub interval: Micros,
    /// The start of the first bucket, when the file says.
    pub start: Option<DateTime<Utc>>,
}

pub struct RateSeriesOptions {
    pub spread: Spread,
    pub duration: DurationSpec,
    pub function: String,
    pub seed: u64,
    /// Import only buckets `first_bucket..first_bucket + buckets`.
    pub first_bucket: usize,
    pub buckets: Option<usize>,
}

fn parse_period(text: &str) -> Option<i64> {
    let text = text.trim();
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .map(|time| time.and_utc().timestamp_micros())
        .ok()
        .or_else(|| {
            DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|time| time.timestamp_micros())
        })
}

/// Reads a rate series; `interval` is required for a plain list of counts
/// and checked against the timestamps of a CSV.
pub fn read_rate_series(path: &Path, interval: Option<Micros>) -> Result<RateSeries> {
    let label = path.display().to_string();
    let mut text = String::new();
    open_input(path)?
        .read_to_string(&mut text)
        .map_err(|error| Error::io(path, error))?;
    let first_line = text.lines().next().unwrap_or("");
    if !first_line.contains(',') {
        let interval = interval
            .ok_or_else(|| Error::usage("a plain list of counts needs --interval (e.g. 1s or 1m)"))?;
        let mut counts = Vec::new();
        for (index, line) in text.lines().enumerate() {
            for token in line.split_whitespace() {
                let count = token.parse::<u64>().map_err(|_| {
                    Error::input(
                        &label,
                        index as u64 + 1,
                        format!("expected a whole-number count, found `{token}`"),
                    )
                })?;
                counts.push(count);
            }
        }
        return Ok(RateSeries {
            rows: counts.len(),
            counts,
            interval,
            start: None,
        });
    }
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate().skip(1) {
        let number = index as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let (period, count) = line
            .split_once(',')
            .ok_or_else(|| Error::input(&label, number, "expected `period,count`"))?;
        let time = parse_period(period).ok_or_else(|| {
            Error::input(
                &label,
                number,
                format!("field `period`: expected a time like 1998-04-30 21:30:00, found `{period}`"),
            )
        })?;
        let count = count.trim().parse::<u64>().map_err(|_| {
            Error::input(
                &label,
                number,
                format!("field `count`: expected a whole number, found `{}`", count.trim()),
            )
        })?;
        rows.push((number, time, count));
    }
    let Some(&(_, first, _)) = rows.first() else {
        return Ok(RateSeries {
            counts: Vec::new(),
            rows: 0,
            interval: interval.unwrap_or(60_000_000),
            start: None,
        });
    };
    let inferred = rows.get(1).map(|&(_, second, _)| second - first);
    let interval = match (interval, inferred) {
        (Some(given), _) => given,
        (None, Some(step)) if step > 0 => step as Micros,
        _ => {
            return Err(Error::usage(format!(
                "{label}: cannot tell the interval; give --interval"
            )));
        }
    };
    let mut counts = Vec::new();
    let row_count = rows.len();
    for (number, time, count) in rows {
        let offset = time - first;
        if offset < 0 || !(offset as Micros).is_multiple_of(interval) {
            return Err(Error::input(
                &label,
                number,
                format!(
                    "field `period`: not on the {} s grid from the first row, or before it",
                    interval as f64 / 1e6
                ),
            ));
        }
        let bucket = (offset as Micros / interval) as usize;
        if counts.len() <= bucket {
            counts.resize(bucket + 1, 0);
        }
        counts[bucket] += count;
    }
    Ok(RateSeries {
        counts,
        rows: row_count,
        interval,
        start: DateTime::from_timestamp_micros(first),
    })
}

pub fn import_rate_series(
    series: &RateSeries,
    options: &RateSeriesOptions,
    writer: &mut TraceWriter,
) -> Result<ImportReport> {
    let end = options.buckets.map_or(series.counts.len(), |buckets| {
        (options.first_bucket + buckets).min(series.counts.len())
    });
    let counts = series
        .counts
        .get(options.first_bucket..end)
        .unwrap_or_default()
        .to_vec();
    let process = ArrivalProcess::Series {
        counts,
        bucket: series.interval,
        spread: options.spread,
    };
    let sampler = options.duration.sampler();
    let mut durations = Pcg64::seed_from_u64(options.seed ^ 0x5bd1_e995);
    let mut report = ImportReport {
        origin: series.start.map(|start| {
            start + chrono::Duration::microseconds((options.first_bucket as u64 * series.interval) as i64)
        }),
        ..ImportReport::default()
    };
    for arrival in process.arrivals(Pcg64::seed_from_u64(options.seed), 0.0) {
        let request = crate::workload::Request {
            arrival,
            duration: sampler.sample(&mut durations),
            function: crate::workload::FunctionId(0),
            memory_mb: None,
            bytes_out: 0,
        };
        writer.write(&request, &options.function)?;
        report.rows += 1;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_series_with_a_gap_and_plain_counts() {
        let folder = tempfile::tempdir().expect("folder");
        let path = folder.path().join("wc.csv");
        std::fs::write(
            &path,
            "period,count\n1998-04-30 21:30:00,5\n1998-04-30 21:31:00,7\n1998-04-30 21:33:00,1\n",
        )
        .expect("write");
        let series = read_rate_series(&path, None).expect("valid");
        assert_eq!(series.counts, vec![5, 7, 0, 1]);
        assert_eq!(series.rows, 3);
        assert_eq!(series.interval, 60_000_000);
        assert_eq!(
            series.start.map(|s| s.to_rfc3339()),
            Some("1998-04-30T21:30:00+00:00".into())
        );
        let path = folder.path().join("nasa.txt");
        std::fs::write(&path, "0 3 1\n2").expect("write");
        assert!(read_rate_series(&path, None).is_err());
        let series = read_rate_series(&path, Some(1_000_000)).expect("valid");
        assert_eq!(series.counts, vec![0, 3, 1, 2]);
        std::fs::write(&path, "0 x 1").expect("write");
        let error = read_rate_series(&path, Some(1_000_000)).expect_err("bad count");
        assert!(
            error
                .to_string()
                .contains("nasa.txt:1: expected a whole-number count, found `x`"),
            "{error}"
        );
    }
}
