//! A scenario's `[uncertain]` table: the inputs a Monte Carlo run draws,
//! each a 90% range keyed by the parameter it sets (the names `sweep`
//! uses), and how a trace is resampled.
//!
//! ```toml
//! [uncertain]
//! traffic = { low = 0.8, high = 1.5 }                  # a growth factor
//! "generator.rate" = { low = 80, high = 120 }          # or generator.rate = …
//! "Lambda.cold_start_ms" = { low = "100ms", high = "400ms", distribution = "uniform" }
//! resample = "days"                                    # a trace: bootstrap its days
//! ```
//!
//! Ends are numbers, or strings of a number and a unit (the same unit at
//! both ends, written after every value drawn). Ends written as integers
//! draw whole numbers. `low` must be below `high`, and above zero for a
//! lognormal. Every problem is reported at its line, all at once.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::uncertain::{Shape, UncertainInput, Uncertainty};
use crate::pricing::Decimal;
use crate::sweep::grid_toml::Located;

type Key<'a> = Spanned<std::borrow::Cow<'a, str>>;
type Node<'a> = Spanned<DeValue<'a>>;

/// Parameters that cannot be uncertain, and why.
const NOT_UNCERTAIN: [(&str, &str); 3] = [
    ("seed", "every replication draws a seed of its own"),
    (
        "generator.seed",
        "every replication draws a generator seed of its own",
    ),
    (
        "platform",
        "a price book is not a number; compare books as deployments or sweep them",
    ),
];

/// The `[uncertain]` table of a scenario's text (none without one), or
/// every problem at its offset; `generator` says the workload is a
/// generator, which has no days to resample.
pub fn resolve(source: &str, generator: bool) -> Result<Option<Uncertainty>, Vec<Located>> {
    let document = DeTable::parse(source).map_err(|error| vec![(0, error.to_string())])?;
    let Some(table) = document.get_ref().get("uncertain") else {
        return Ok(None);
    };
    let DeValue::Table(entries) = table.get_ref() else {
        return Err(vec![(
            table.span().start,
            "[uncertain]: expected a table of inputs and their 90% ranges".into(),
        )]);
    };
    let mut uncertainty = Uncertainty::default();
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for (key, value) in entries {
        if key.get_ref() == "resample" {
            match value.get_ref() {
                DeValue::String(text) if text == "days" && generator => problems.push((
                    value.span().start,
                    "`uncertain.resample`: resampling days needs a trace; a generator draws a new \
                     workload each replication from a seed of its own"
                        .into(),
                )),
                DeValue::String(text) if text == "days" => uncertainty.resample_days = true,
                _ => problems.push((
                    value.span().start,
                    "`uncertain.resample`: expected \"days\" (bootstrap the trace's days)".into(),
                )),
            }
            continue;
        }
        read_inputs(key, value, "", &mut inputs, &mut problems);
    }
    inputs.sort_by_key(|(offset, _)| *offset);
    uncertainty.inputs = inputs.into_iter().map(|(_, input)| input).collect();
    problems.sort_by_key(|(offset, _)| *offset);
    match problems.is_empty() {
        true => Ok(Some(uncertainty)),
        false => Err(problems),
    }
}

/// The inputs under `key` (a range, or a table of them joined with dots).
fn read_inputs(
    key: &Key,
    value: &Node,
    prefix: &str,
    inputs: &mut Vec<(usize, UncertainInput)>,
    problems: &mut Vec<Located>,
) {
    let name = format!("{prefix}{}", key.get_ref());
    let at = key.span().start;
    let DeValue::Table(entries) = value.get_ref() else {
        problems.push((
            value.span().start,
            format!("`uncertain.{name}`: expected a 90% range, e.g. {{ low = 80, high = 120 }}"),
        ));
        return;
    };
    let is_range = entries
        .iter()
        .any(|(inner, _)| ["low", "high", "distribution"].contains(&inner.get_ref().as_ref()));
    if !is_range {
        for (inner_key, inner_value) in entries {
            read_inputs(inner_key, inner_value, &format!("{name}."), inputs, problems);
        }
        return;
    }
    if let Some((_, why)) = NOT_UNCERTAIN.iter().find(|(refused, _)| name == *refused) {
        problems.push((at, format!("`uncertain.{name}`: cannot be uncertain: {why}")));
        return;
    }
    match read_range(&name, entries) {
        Ok(input) => inputs.push((at, input)),
        Err(found) => problems.extend(
            found
                .into_iter()
                .map(|(offset, problem)| (offset.unwrap_or(at), format!("`uncertain.{name}`: {problem}"))),
        ),
    }
}

/// Problems at an offset, or at the range's key when none.
type RangeProblems = Vec<(Option<usize>, String)>;

/// One range: `low`, `high` and an optional `distribution`.
fn read_range(name: &str, entries: &DeTable) -> Result<UncertainInput, RangeProblems> {
    let mut problems = Vec::new();
    let (mut low, mut high, mut shape) = (None, None, Shape::Lognormal);
    for (key, value) in entries {
        let at = Some(value.span().start);
        match key.get_ref().as_ref() {
            "low" => {
                low = end(value)
                    .map_err(|problem| problems.push((at, format!("`low`: {problem}"))))
                    .ok()
            }
            "high" => {
                high = end(value)
                    .map_err(|problem| problems.push((at, format!("`high`: {problem}"))))
                    .ok()
            }
            "distribution" => match value.get_ref() {
                DeValue::String(text) if text == "lognormal" => shape = Shape::Lognormal,
                DeValue::String(text) if text == "uniform" => shape = Shape::Uniform,
                _ => problems.push((at, "`distribution`: expected \"lognormal\" or \"uniform\"".into())),
            },
            other => problems.push((
                Some(key.span().start),
                format!("unknown key `{other}`: a range takes `low`, `high` and `distribution`"),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let (Some(low), Some(high)) = (low, high) else {
        return Err(vec![(
            None,
            "expected both `low` and `high` (the 5th and 95th percentiles)".into(),
        )]);
    };
    checked(name, low, high, shape).map_err(|problem| vec![(None, problem)])
}

/// One end of a range: its number, unit and whether it was an integer.
#[derive(Debug, Clone, PartialEq)]
struct End {
    number: Decimal,
    unit: String,
    whole: bool,
}

fn end(value: &Node) -> Result<End, String> {
    match value.get_ref() {
        DeValue::Integer(integer) => i64::from_str_radix(integer.as_str(), integer.radix())
            .map(|number| End {
                number: Decimal::from(number),
                unit: String::new(),
                whole: true,
            })
            .map_err(|_| format!("expected a number below 2^63, found `{integer}`")),
        DeValue::Float(float) => number_of(float.as_str()).map(|number| End {
            number,
            unit: String::new(),
            whole: false,
        }),
        DeValue::String(text) => with_unit(text),
        _ => Err("expected a number, or a string of a number and its unit such as \"100ms\"".into()),
    }
}

fn number_of(text: &str) -> Result<Decimal, String> {
    let parsed = match text.contains(['e', 'E']) {
        true => Decimal::from_scientific(text),
        false => Decimal::from_str_exact(text),
    };
    parsed.map_err(|_| format!("expected a finite number, found `{text}`"))
}

/// `"100ms"`: the number and the unit after it.
fn with_unit(text: &str) -> Result<End, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    if number.is_empty() {
        return Err(format!("expected a number before the unit, found `{text}`"));
    }
    Ok(End {
        number: number_of(number)?,
        unit: unit.trim().to_owned(),
        whole: !number.contains('.'),
    })
}

/// The input, if its ends make a range of its shape.
fn checked(name: &str, low: End, high: End, shape: Shape) -> Result<UncertainInput, String> {
    if low.unit != high.unit {
        return Err(format!(
            "`low` is in `{}` and `high` in `{}`: give both ends in one unit",
            low.unit, high.unit
        ));
    }
    if low.number >= high.number {
        return Err(format!(
            "`low` ({}) must be below `high` ({})",
            low.number, high.number
        ));
    }
    if shape == Shape::Lognormal && low.number <= Decimal::ZERO {
        return Err(format!(
            "a lognormal range needs `low` above zero, found {}; write distribution = \"uniform\" for a range through zero",
            low.number
        ));
    }
    Ok(UncertainInput {
        name: name.to_owned(),
        low: low.number,
        high: high.number,
        unit: low.unit,
        whole: low.whole && high.whole,
        shape,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(source: &str) -> Uncertainty {
        resolve(source, false).unwrap().unwrap()
    }

    fn problems(source: &str) -> Vec<String> {
        resolve(source, false)
            .unwrap_err()
            .into_iter()
            .map(|(_, problem)| problem)
            .collect()
    }

    #[test]
    fn ranges_are_read_in_the_order_written_with_dotted_names() {
        let read = inputs(
            "[uncertain]\ntraffic = { low = 0.8, high = 1.5 }\n\
             generator.rate = { low = 80, high = 120, distribution = \"uniform\" }\n\
             \"Lambda.cold_start_ms\" = { low = \"100ms\", high = \"400ms\" }\nresample = \"days\"\n",
        );
        let names: Vec<&str> = read.inputs.iter().map(|input| input.name.as_str()).collect();
        assert_eq!(names, ["traffic", "generator.rate", "Lambda.cold_start_ms"]);
        assert!(read.resample_days);
        assert_eq!(read.inputs[1].shape, Shape::Uniform);
        assert!(read.inputs[1].whole && !read.inputs[0].whole);
        assert_eq!(read.inputs[2].unit, "ms");
        assert_eq!(read.inputs[2].low_value(), "100ms");
    }

    #[test]
    fn no_table_is_no_uncertainty() {
        assert_eq!(resolve("name = \"x\"\n", false).unwrap(), None);
    }

    #[test]
    fn every_bad_range_is_reported_at_once() {
        let found = problems(
            "[uncertain]\na = { low = 5, high = 1 }\nb = { low = 0, high = 1 }\n\
             c = { low = \"1ms\", high = \"2s\" }\nd = { low = 1 }\ne = 3\n\
             f = { low = 1, high = 2, distribution = \"normal\", spread = 1 }\nseed = { low = 1, high = 2 }\n\
             resample = \"weeks\"\n",
        );
        let expected = [
            "`uncertain.a`: `low` (5) must be below `high` (1)",
            "`uncertain.b`: a lognormal range needs `low` above zero",
            "`uncertain.c`: `low` is in `ms` and `high` in `s`",
            "`uncertain.d`: expected both `low` and `high`",
            "`uncertain.e`: expected a 90% range",
            "`uncertain.f`: `distribution`: expected \"lognormal\" or \"uniform\"",
            "`uncertain.f`: unknown key `spread`",
            "`uncertain.seed`: cannot be uncertain",
            "`uncertain.resample`: expected \"days\"",
        ];
        assert_eq!(found.len(), expected.len(), "{found:#?}");
        for (problem, start) in found.iter().zip(expected) {
            assert!(problem.starts_with(start), "{problem} should start with {start}");
        }
    }

    #[test]
    fn a_uniform_range_may_cross_zero() {
        let read = inputs("[uncertain]\nx = { low = -1, high = 1, distribution = \"uniform\" }\n");
        assert_eq!(read.inputs[0].median(), "0");
    }
}
