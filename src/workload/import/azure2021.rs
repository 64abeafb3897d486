//! The Azure Functions 2021 invocation trace: `app,func,end_timestamp,duration`
//! with seconds as floats from the trace start; arrival = end − duration.
//! Rows are not in arrival order, so the import sorts them in memory.

use std::path::Path;

use super::{BadRows, DURATION_RANGE, ImportReport, Sink, micros_from};
use crate::error::{Error, Result};
use crate::units::MICROS_PER_SECOND;
use crate::workload::{FunctionId, Request, TraceWriter, open_input};

pub fn import_azure_2021(path: &Path, policy: BadRows, writer: &mut TraceWriter) -> Result<ImportReport> {
    let label = path.display().to_string();
    let mut csv = csv::Reader::from_reader(open_input(path)?);
    let headers = csv
        .headers()
        .map_err(|error| Error::input(&label, 1, error.to_string()))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|header| header.trim() == name)
            .ok_or_else(|| {
                Error::input(
                    &label,
                    1,
                    format!("header: missing column `{name}`; expected app,func,end_timestamp,duration"),
                )
            })
    };
    let (app, func, end, duration) = (
        column("app")?,
        column("func")?,
        column("end_timestamp")?,
        column("duration")?,
    );
    let mut report = ImportReport::default();
    let mut sink = Sink::new(writer, true);
    let mut record = csv::StringRecord::new();
    while report.next_record(&mut csv, &mut record, &label, policy)? {
        let line = record.position().map_or(0, |position| position.line());
        let seconds = |index: usize, field: &str| {
            record
                .get(index)
                .and_then(|text| text.trim().parse::<f64>().ok())
                .and_then(|value| Some((value, micros_from(value, MICROS_PER_SECOND as f64)?)))
                .ok_or_else(|| {
                    Error::input(
                        &label,
                        line,
                        format!(
                            "field `{field}`: expected seconds {DURATION_RANGE}, found `{}`",
                            record.get(index).unwrap_or("")
                        ),
                    )
                })
        };
        let parsed = seconds(end, "end_timestamp").and_then(|end| Ok((end, seconds(duration, "duration")?)));
        let ((end, end_micros), (length, length_micros)) = match parsed {
            Ok(values) => values,
            Err(error) => {
                report.bad_row(policy, "bad number", error)?;
                continue;
            }
        };
        if length_micros > end_micros {
            let error = Error::input(
                &label,
                line,
                format!("field `duration`: {length} s is longer than end_timestamp {end} s"),
            );
            report.bad_row(policy, "starts before the trace", error)?;
            continue;
        }
        let name = format!(
            "{}/{}",
            record.get(app).unwrap_or(""),
            record.get(func).unwrap_or("")
        );
        sink.put(
            Request {
                arrival: end_micros - length_micros,
                duration: length_micros,
                function: FunctionId(0),
                memory_mb: None,
                bytes_out: 0,
            },
            &name,
        )?;
        report.rows += 1;
    }
    sink.flush()?;
    Ok(report)
}
