//! Web server logs in Common or Combined Log Format, as NASA's 1995 logs:
//! `host ident user [01/Jul/1995:00:00:01 -0400] "GET /x HTTP/1.0" 200 6245`
//! (Combined adds `"referer" "agent"`). When the log's last field is a
//! response time (Apache's `%D` or `%T`, nginx's `$request_time`), it is
//! the request's duration; otherwise durations are drawn from a given
//! distribution. Bytes sent become `bytes_out`.

use std::io::BufRead;
use std::path::Path;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand_pcg::Pcg64;

use super::{BadRows, DURATION_RANGE, ImportReport, TimedSink, micros_from};
use crate::distribution::DurationSpec;
use crate::error::{Error, Result};
use crate::units::Micros;
use crate::workload::{FunctionId, Request, TraceWriter, open_input};

pub struct ClfOptions {
    /// Microseconds per unit of a trailing response-time field, if the log
    /// has one.
    pub response_time_unit: Option<Micros>,
    /// Durations when the log has no response times.
    pub duration: Option<DurationSpec>,
    pub function: String,
    pub start: Option<DateTime<Utc>>,
    pub sort: bool,
    pub seed: u64,
    pub bad_rows: BadRows,
}

/// A parsed log line: when, bytes sent and the trailing field.
struct LogLine<'a> {
    time: DateTime<Utc>,
    bytes: u64,
    last_field: &'a str,
}

fn parse_line(line: &str) -> std::result::Result<LogLine<'_>, &'static str> {
    let open = line.find('[').ok_or("no [timestamp]")?;
    let close = line[open..].find(']').ok_or("no [timestamp]")? + open;
    let time = DateTime::parse_from_str(&line[open + 1..close], "%d/%b/%Y:%H:%M:%S %z")
        .map_err(|_| "timestamp is not like [01/Jul/1995:00:00:01 -0400]")?
        .with_timezone(&Utc);
    let rest = &line[close + 1..];
    let quote = rest.find('"').ok_or("no \"request\"")?;
    let end_quote = rest[quote + 1..].find('"').ok_or("no \"request\"")? + quote + 1;
    let mut after = rest[end_quote + 1..].split_whitespace();
    let _status = after.next().ok_or("no status")?;
    let bytes = match after.next().ok_or("no bytes")? {
        "-" => 0,
        text => text.parse().map_err(|_| "bytes is not a number")?,
    };
    let last_field = rest.split_whitespace().last().unwrap_or("");
    Ok(LogLine {
        time,
        bytes,
        last_field,
    })
}

pub fn import_clf(path: &Path, options: &ClfOptions, writer: &mut TraceWriter) -> Result<ImportReport> {
    let label = path.display().to_string();
    let sampler = match (&options.duration, options.response_time_unit) {
        (_, Some(_)) => None,
        (Some(spec), None) => Some(spec.sampler()),
        (None, None) => {
            return Err(Error::usage(
                "a log without response times needs --duration (e.g. lognormal:median=50ms,p99=400ms), or --response-time-unit if its last field is one",
            ));
        }
    };
    let mut rng = Pcg64::seed_from_u64(options.seed);
    let mut report = ImportReport::default();
    let mut sink = TimedSink::new(writer, options.start, options.sort);
    let input = std::io::BufReader::new(open_input(path)?);
    for (index, line) in input.lines().enumerate() {
        let number = index as u64 + 1;
        let line = line.map_err(|error| Error::io(path, error))?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed = match parse_line(&line) {
            Ok(parsed) => parsed,
            Err(problem) => {
                report.bad_row(
                    options.bad_rows,
                    problem,
                    Error::input(&label, number, format!("{problem}: `{line}`")),
                )?;
                continue;
            }
        };
        let duration = match (options.response_time_unit, &sampler) {
            (Some(unit), _) => match parsed
                .last_field
                .parse::<f64>()
                .ok()
                .and_then(|value| micros_from(value, unit as f64))
            {
                Some(micros) => micros,
                None => {
                    let error = Error::input(
                        &label,
                        number,
                        format!(
                            "the last field `{}` is not a response time {DURATION_RANGE}",
                            parsed.last_field
                        ),
                    );
                    report.bad_row(options.bad_rows, "no response time", error)?;
                    continue;
                }
            },
            (None, Some(sampler)) => sampler.sample(&mut rng),
            (None, None) => 0,
        };
        let request = Request {
            arrival: 0,
            duration,
            function: FunctionId(0),
            memory_mb: None,
            bytes_out: parsed.bytes,
        };
        sink.put(parsed.time.timestamp_micros(), request, &options.function, || {
            (label.clone(), number)
        })?;
        report.rows += 1;
    }
    report.origin = sink.finish()?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_combined_lines_parse() {
        let line = parse_line(
            r#"199.72.81.55 - - [01/Jul/1995:00:00:01 -0400] "GET /history/apollo/ HTTP/1.0" 200 6245"#,
        )
        .expect("common");
        assert_eq!(line.time.to_rfc3339(), "1995-07-01T04:00:01+00:00");
        assert_eq!(line.bytes, 6245);
        let line = parse_line(
            r#"h - u [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 - "http://x/" "Mozilla" 0.042"#,
        )
        .expect("combined");
        assert_eq!((line.bytes, line.last_field), (0, "0.042"));
        assert_eq!(parse_line("garbage").err(), Some("no [timestamp]"));
        assert!(parse_line(r#"h - - [99/Foo/1995:00:00:01 -0400] "GET / HTTP/1.0" 200 1"#).is_err());
    }
}
