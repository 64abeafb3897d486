//! Request counts per interval, turned into requests: the World Cup 98
//! per-minute file (`period,count` with `YYYY-MM-DD HH:MM:SS` times) or a
//! plain list of counts (the NASA per-second file: space-separated on one
//! line). Each bucket's count is spread inside the bucket and durations are
//! drawn from a given distribution.
//!
//! Counts are whole numbers from 0 to 2^64 - 1, kept per bucket that has
//! any (a gap of years costs nothing) and streamed out one arrival at a
//! time; the rows they make are estimated before anything is written and
//! refused above `--max-rows`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, NaiveDateTime, Utc};
use rand::SeedableRng;
use rand_pcg::Pcg64;

use super::ImportReport;
use crate::distribution::DurationSpec;
use crate::error::{Error, Result};
use crate::units::Micros;
use crate::workload::{ArrivalProcess, BucketCounts, Spread, TraceWriter, check_rows, open_input};

/// Counts per bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct RateSeries {
    /// (bucket index, count) of the buckets holding arrivals, in order.
    pub counts: BucketCounts,
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
    pub first_bucket: u64,
    pub buckets: Option<u64>,
    /// The most rows to write.
    pub max_rows: u64,
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

/// Adds `count` arrivals to bucket `index` (buckets of `interval`), or
/// names what does not fit.
fn add_count(
    buckets: &mut BTreeMap<u64, u64>,
    index: u64,
    count: u64,
    interval: Micros,
) -> std::result::Result<(), String> {
    if index
        .checked_add(1)
        .and_then(|end| end.checked_mul(interval))
        .is_none()
    {
        return Err(format!(
            "bucket {index} of {} s ends after the largest time (about 584,542 years)",
            interval as f64 / 1e6
        ));
    }
    let total = buckets.entry(index).or_default();
    *total = total
        .checked_add(count)
        .ok_or_else(|| format!("field `count`: the counts of bucket {index} add up to more than 2^64 - 1"))?;
    Ok(())
}

/// A plain list of counts, whitespace-separated, one bucket each.
fn read_plain_counts(label: &str, text: &str, interval: Option<Micros>) -> Result<RateSeries> {
    let interval =
        interval.ok_or_else(|| Error::usage("a plain list of counts needs --interval (e.g. 1s or 1m)"))?;
    let mut buckets = BTreeMap::new();
    let mut index: u64 = 0;
    for (number, line) in text.lines().enumerate() {
        let number = number as u64 + 1;
        for token in line.split_whitespace() {
            let count = token.parse::<u64>().map_err(|_| {
                Error::input(
                    label,
                    number,
                    format!("expected a whole-number count from 0 to 2^64 - 1, found `{token}`"),
                )
            })?;
            if count > 0 {
                add_count(&mut buckets, index, count, interval)
                    .map_err(|problem| Error::input(label, number, problem))?;
            }
            index += 1;
        }
    }
    Ok(RateSeries {
        counts: buckets.into_iter().collect(),
        rows: index as usize,
        interval,
        start: None,
    })
}

/// The rows of a `period,count` CSV: (line, epoch µs, count).
fn read_csv_rows(label: &str, text: &str) -> Result<Vec<(u64, i64, u64)>> {
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate().skip(1) {
        let number = index as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let (period, count) = line
            .split_once(',')
            .ok_or_else(|| Error::input(label, number, "expected `period,count`"))?;
        let time = parse_period(period).ok_or_else(|| {
            Error::input(
                label,
                number,
                format!("field `period`: expected a time like 1998-04-30 21:30:00, found `{period}`"),
            )
        })?;
        let count = count.trim().parse::<u64>().map_err(|_| {
            Error::input(
                label,
                number,
                format!(
                    "field `count`: expected a whole number from 0 to 2^64 - 1, found `{}`",
                    count.trim()
                ),
            )
        })?;
        rows.push((number, time, count));
    }
    Ok(rows)
}

/// Reads a rate series; `interval` is required for a plain list of counts
/// and checked against the timestamps of a CSV.
pub fn read_rate_series(path: &Path, interval: Option<Micros>) -> Result<RateSeries> {
    let label = path.display().to_string();
    let mut text = String::new();
    open_input(path)?
        .read_to_string(&mut text)
        .map_err(|error| Error::io(path, error))?;
    if interval == Some(0) {
        return Err(Error::usage("--interval: expected a span above zero"));
    }
    let first_line = text.lines().next().unwrap_or("");
    if !first_line.contains(',') {
        return read_plain_counts(&label, &text, interval);
    }
    let rows = read_csv_rows(&label, &text)?;
    let Some(&(_, first, _)) = rows.first() else {
        return Ok(RateSeries {
            counts: Vec::new(),
            rows: 0,
            interval: interval.unwrap_or(60_000_000),
            start: None,
        });
    };
    let inferred = rows.get(1).map(|&(_, second, _)| second.saturating_sub(first));
    let interval = match (interval, inferred) {
        (Some(given), _) => given,
        (None, Some(step)) if step > 0 => step as Micros,
        _ => {
            return Err(Error::usage(format!(
                "{label}: cannot tell the interval; give --interval"
            )));
        }
    };
    let mut buckets = BTreeMap::new();
    let row_count = rows.len();
    for (number, time, count) in rows {
        let offset = time
            .checked_sub(first)
            .and_then(|offset| u64::try_from(offset).ok());
        let Some(offset) = offset.filter(|offset| offset.is_multiple_of(interval)) else {
            return Err(Error::input(
                &label,
                number,
                format!(
                    "field `period`: not on the {} s grid from the first row, or before it",
                    interval as f64 / 1e6
                ),
            ));
        };
        add_count(&mut buckets, offset / interval, count, interval)
            .map_err(|problem| Error::input(&label, number, problem))?;
    }
    Ok(RateSeries {
        counts: buckets.into_iter().collect(),
        rows: row_count,
        interval,
        start: DateTime::from_timestamp_micros(first),
    })
}

/// The buckets `first..first + buckets` of a series, renumbered from 0.
fn window(series: &RateSeries, first: u64, buckets: Option<u64>) -> BucketCounts {
    let end = buckets.map_or(u64::MAX, |buckets| first.saturating_add(buckets));
    series
        .counts
        .iter()
        .filter(|(index, _)| (first..end).contains(index))
        .map(|&(index, count)| (index - first, count))
        .collect()
}

pub fn import_rate_series(
    series: &RateSeries,
    options: &RateSeriesOptions,
    writer: &mut TraceWriter,
) -> Result<ImportReport> {
    let counts = window(series, options.first_bucket, options.buckets);
    let rows: f64 = counts.iter().map(|(_, count)| *count as f64).sum();
    check_rows("the import", rows, rows, options.max_rows).map_err(Error::usage)?;
    let origin = match series.start {
        None => None,
        Some(start) => {
            let skipped = options
                .first_bucket
                .checked_mul(series.interval)
                .and_then(|micros| i64::try_from(micros).ok())
                .and_then(|micros| start.checked_add_signed(chrono::Duration::microseconds(micros)));
            Some(
                skipped
                    .ok_or_else(|| Error::usage("--first-bucket: beyond the times the series can hold"))?,
            )
        }
    };
    let process = ArrivalProcess::Series {
        counts,
        bucket: series.interval,
        spread: options.spread,
    };
    let sampler = options.duration.sampler();
    let mut durations = Pcg64::seed_from_u64(options.seed ^ 0x5bd1_e995);
    let mut report = ImportReport {
        origin,
        ..ImportReport::default()
    };
    for arrival in process.arrivals(Pcg64::seed_from_u64(options.seed), 0.0, None) {
        let request = crate::workload::Request {
            arrival,
            duration: sampler.sample(&mut durations),
            function: crate::workload::FunctionId(0),
            memory_mb: None,
            bytes_out: 0,
        };
        writer.write(&request, &options.function)?;
        if writer.closed() {
            break;
        }
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
        assert_eq!(series.counts, vec![(0, 5), (1, 7), (3, 1)]);
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
        assert_eq!(series.counts, vec![(1, 3), (2, 1), (3, 2)]);
        assert_eq!(series.rows, 4);
        std::fs::write(&path, "0 x 1").expect("write");
        let error = read_rate_series(&path, Some(1_000_000)).expect_err("bad count");
        assert!(
            error
                .to_string()
                .contains("nasa.txt:1: expected a whole-number count from 0 to 2^64 - 1, found `x`"),
            "{error}"
        );
    }

    #[test]
    fn huge_counts_and_far_periods_cost_no_memory_and_overflow_is_named() {
        let folder = tempfile::tempdir().expect("folder");
        let path = folder.path().join("wc.csv");
        // A period 8,000 years later is bucket 4,207,680,000 of a minute grid:
        // one entry, not four billion.
        std::fs::write(
            &path,
            "period,count\n1998-04-30 21:30:00,18446744073709551615\n9998-04-30 21:30:00,1\n",
        )
        .expect("write");
        let series = read_rate_series(&path, Some(60_000_000)).expect("valid");
        assert_eq!(series.counts.len(), 2);
        assert_eq!(series.counts[0], (0, u64::MAX));
        std::fs::write(
            &path,
            "period,count\n1998-04-30 21:30:00,18446744073709551615\n1998-04-30 21:30:00,1\n",
        )
        .expect("write");
        let error = read_rate_series(&path, Some(60_000_000)).expect_err("overflow");
        assert!(
            error
                .to_string()
                .contains("wc.csv:3: field `count`: the counts of bucket 0 add up"),
            "{error}"
        );
    }
}
