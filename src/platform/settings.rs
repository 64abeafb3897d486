//! Deployment settings, declared once per model as a schema of
//! [`SettingSpec`]s (key, kind with its unit and range, doc): `--set`,
//! scenario keys, `pricing show` and error messages all read it. The user's
//! `KEY=VALUE` pairs are parsed against the schema into typed [`Values`];
//! each problem names its key, so a scenario can point at the key's line.
//! Ranges keep every quantity far from where microsecond or count arithmetic
//! could wrap.

use std::collections::BTreeMap;

use crate::distribution::DurationSpec;
use crate::error::SettingProblem;
use crate::units::{MICROS_PER_SECOND, Micros, parse_span};

/// The longest span a setting takes (keep-alive, time limits, boot): ten
/// years.
pub const MAX_SPAN: Micros = 10 * 365 * 86_400 * MICROS_PER_SECOND;

/// One `KEY=VALUE` setting as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: String,
    pub value: String,
}

impl Setting {
    /// Parses `KEY=VALUE`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => Ok(Setting {
                key: key.trim().to_owned(),
                value: value.trim().to_owned(),
            }),
            _ => Err(format!("expected KEY=VALUE (e.g. memory_mb=512), found `{text}`")),
        }
    }
}

/// A settable key: what it takes and what it means.
#[derive(Debug, Clone, Copy)]
pub struct SettingSpec {
    pub key: &'static str,
    pub kind: Kind,
    pub doc: &'static str,
}

/// What a setting takes, with its unit and range.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A whole number of `unit` from `min` to `max`.
    Whole { unit: &'static str, min: u32, max: u32 },
    /// A span, in seconds unless a unit is given (`600`, `10m`, `8h`), from
    /// `min` to [`MAX_SPAN`].
    Span { min: Micros },
    /// A span in milliseconds unless a unit is given, from `min` to `max`.
    Millis { min: Micros, max: Micros },
    /// A finite number of `unit` from `min` to `max`.
    Number { unit: &'static str, min: f64, max: f64 },
    /// A share above 0 and at most 1.
    Fraction,
    /// true/false (also yes/no, on/off).
    Flag,
    /// One of the words listed.
    Choice(&'static [&'static str]),
    /// A name the book defines (a type, an architecture), checked by the
    /// model against the book.
    Name,
    /// A duration or a distribution of durations (`250ms`,
    /// `lognormal:median=250ms,p99=1s`, …).
    Distribution,
}

impl Kind {
    /// What the kind accepts, for help and errors.
    pub fn describe(&self) -> String {
        match self {
            Kind::Whole { unit, min, max } => format!("a whole number of {unit} from {min} to {max}"),
            Kind::Span { min } if *min == 0 => {
                "a span in seconds (or 250ms, 10m, 8h) from 0 to 10 years".into()
            }
            Kind::Span { .. } => "a span in seconds (or 250ms, 10m, 8h) above 0 and up to 10 years".into(),
            Kind::Millis { min, max } => format!(
                "a span in ms (or 1s) from {} to {} ms",
                *min as f64 / 1_000.0,
                *max as f64 / 1_000.0
            ),
            Kind::Number { unit, min, max } => format!("a number of {unit} from {min} to {max}"),
            Kind::Fraction => "a fraction above 0 and at most 1".into(),
            Kind::Flag => "true or false".into(),
            Kind::Choice(words) => format!("one of {}", words.join(", ")),
            Kind::Name => "a name from the price book".into(),
            Kind::Distribution => {
                "a duration or distribution (250ms, lognormal:median=250ms,p99=1s, …)".into()
            }
        }
    }

    fn parse(&self, value: &str) -> Result<Value, String> {
        let expected = || format!("expected {}, found `{value}`", self.describe());
        match *self {
            Kind::Whole { min, max, .. } => value
                .parse::<u32>()
                .ok()
                .filter(|number| (min..=max).contains(number))
                .map(Value::Whole)
                .ok_or_else(expected),
            Kind::Span { min } => parse_span(value, "s")
                .ok()
                .filter(|span| (min..=MAX_SPAN).contains(span))
                .map(Value::Span)
                .ok_or_else(expected),
            Kind::Millis { min, max } => parse_span(value, "ms")
                .ok()
                .filter(|span| (min..=max).contains(span))
                .map(Value::Span)
                .ok_or_else(expected),
            Kind::Number { min, max, .. } => value
                .parse::<f64>()
                .ok()
                .filter(|number| number.is_finite() && (min..=max).contains(number))
                .map(Value::Number)
                .ok_or_else(expected),
            Kind::Fraction => value
                .parse::<f64>()
                .ok()
                .filter(|share| *share > 0.0 && *share <= 1.0)
                .map(Value::Number)
                .ok_or_else(expected),
            Kind::Flag => match value {
                "true" | "yes" | "on" => Ok(Value::Flag(true)),
                "false" | "no" | "off" => Ok(Value::Flag(false)),
                _ => Err(expected()),
            },
            Kind::Choice(words) => words
                .iter()
                .find(|word| **word == value)
                .map(|word| Value::Text((*word).to_owned()))
                .ok_or_else(expected),
            Kind::Name => Ok(Value::Text(value.to_owned())),
            Kind::Distribution => DurationSpec::parse(value).map(Value::Distribution),
        }
    }
}

/// A parsed setting value.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Whole(u32),
    Span(Micros),
    Number(f64),
    Flag(bool),
    Text(String),
    Distribution(DurationSpec),
}

/// The user's settings, parsed against a schema: the last value of a key
/// wins; keys the user did not give are absent (the book's default applies).
#[derive(Debug, Default)]
pub struct Values {
    values: BTreeMap<&'static str, Value>,
}

impl Values {
    /// Parses `settings` against `schema`; unknown keys and malformed values
    /// are problems naming their key (unknown keys list the valid ones).
    pub fn parse(
        schema: &[SettingSpec],
        settings: &[Setting],
        family: &str,
    ) -> (Values, Vec<SettingProblem>) {
        let mut values = Values::default();
        let mut problems = Vec::new();
        for setting in settings {
            let Some(spec) = schema.iter().find(|spec| spec.key == setting.key) else {
                problems.push(SettingProblem::at(
                    &setting.key,
                    format!(
                        "unknown setting `{}` for a {family} platform; valid settings: {}",
                        setting.key,
                        schema.iter().map(|spec| spec.key).collect::<Vec<_>>().join(", ")
                    ),
                ));
                continue;
            };
            match spec.kind.parse(&setting.value) {
                Ok(value) => {
                    values.values.insert(spec.key, value);
                }
                Err(message) => problems.push(SettingProblem::at(
                    spec.key,
                    format!("setting `{}`: {message}", spec.key),
                )),
            }
        }
        (values, problems)
    }

    pub fn whole(&self, key: &str) -> Option<u32> {
        match self.values.get(key) {
            Some(Value::Whole(number)) => Some(*number),
            _ => None,
        }
    }

    pub fn span(&self, key: &str) -> Option<Micros> {
        match self.values.get(key) {
            Some(Value::Span(span)) => Some(*span),
            _ => None,
        }
    }

    /// A span as seconds (the farm models' unit).
    pub fn seconds(&self, key: &str) -> Option<f64> {
        self.span(key).map(|span| span as f64 / MICROS_PER_SECOND as f64)
    }

    pub fn number(&self, key: &str) -> Option<f64> {
        match self.values.get(key) {
            Some(Value::Number(number)) => Some(*number),
            _ => None,
        }
    }

    pub fn flag(&self, key: &str) -> Option<bool> {
        match self.values.get(key) {
            Some(Value::Flag(flag)) => Some(*flag),
            _ => None,
        }
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        match self.values.get(key) {
            Some(Value::Text(text)) => Some(text),
            _ => None,
        }
    }

    pub fn distribution(&self, key: &str) -> Option<DurationSpec> {
        match self.values.get(key) {
            Some(Value::Distribution(spec)) => Some(spec.clone()),
            _ => None,
        }
    }

    /// Whether the user gave `key`.
    pub fn has(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }
}

/// Resolved settings as JSON keyed and valued as `--set` and scenarios take
/// them: unset optional keys (null) are left out, so every entry can be
/// given back as `KEY=VALUE`.
pub fn as_set_values<T: serde::Serialize>(settings: &T) -> serde_json::Value {
    let mut value = serde_json::to_value(settings).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.retain(|_, entry| !entry.is_null());
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &[SettingSpec] = &[
        SettingSpec {
            key: "dynos",
            kind: Kind::Whole {
                unit: "dynos",
                min: 1,
                max: 10,
            },
            doc: "",
        },
        SettingSpec {
            key: "keep_alive_s",
            kind: Kind::Span { min: 0 },
            doc: "",
        },
    ];

    fn settings(pairs: &[&str]) -> Vec<Setting> {
        pairs
            .iter()
            .map(|text| Setting::parse(text).expect("pair"))
            .collect()
    }

    #[test]
    fn pairs_parse_and_bad_pairs_explain() {
        assert_eq!(
            Setting::parse("memory_mb = 512"),
            Ok(Setting {
                key: "memory_mb".into(),
                value: "512".into()
            })
        );
        assert!(
            Setting::parse("memory_mb")
                .unwrap_err()
                .contains("expected KEY=VALUE")
        );
        assert!(Setting::parse("=5").is_err());
    }

    #[test]
    fn values_are_typed_and_the_last_one_wins() {
        let (values, problems) = Values::parse(
            SCHEMA,
            &settings(&["dynos=2", "dynos=3", "keep_alive_s=10m"]),
            "pool",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(values.whole("dynos"), Some(3));
        assert_eq!(values.span("keep_alive_s"), Some(600 * MICROS_PER_SECOND));
        assert_eq!(values.whole("keep_alive_s"), None);
    }

    #[test]
    fn problems_name_their_key_and_what_was_expected() {
        let (_, problems) = Values::parse(
            SCHEMA,
            &settings(&["colour=blue", "dynos=11", "keep_alive_s=18446744073709s"]),
            "pool",
        );
        let text: Vec<(Option<&str>, &str)> = problems
            .iter()
            .map(|problem| (problem.key.as_deref(), problem.message.as_str()))
            .collect();
        assert_eq!(
            text,
            vec![
                (
                    Some("colour"),
                    "unknown setting `colour` for a pool platform; valid settings: dynos, keep_alive_s"
                ),
                (
                    Some("dynos"),
                    "setting `dynos`: expected a whole number of dynos from 1 to 10, found `11`"
                ),
                (
                    Some("keep_alive_s"),
                    "setting `keep_alive_s`: expected a span in seconds (or 250ms, 10m, 8h) from 0 to 10 years, found `18446744073709s`"
                ),
            ]
        );
    }
}
