//! Deployment settings given as `KEY=VALUE` (`--set` on the command line, keys
//! of a scenario's deployment): parsing of the pairs and of their values. Each
//! platform family lists its keys and resolves them against a price book's
//! defaults; an unknown key is an error that lists the valid ones.

use crate::units::{Micros, parse_span};

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

/// A settable key and what it means, for help text and error messages.
pub struct SettingKey {
    pub key: &'static str,
    pub help: &'static str,
}

/// Rejects keys that are not in `known`, naming the valid ones.
pub fn check_keys(settings: &[Setting], known: &[SettingKey], family: &str) -> Vec<String> {
    settings
        .iter()
        .filter(|setting| !known.iter().any(|key| key.key == setting.key))
        .map(|setting| {
            format!(
                "unknown setting `{}` for a {family} platform; valid settings: {}",
                setting.key,
                known.iter().map(|key| key.key).collect::<Vec<_>>().join(", ")
            )
        })
        .collect()
}

/// The value the user gave for `key`, if any (the last one wins).
pub fn value_of<'a>(settings: &'a [Setting], key: &str) -> Option<&'a str> {
    settings
        .iter()
        .rev()
        .find(|setting| setting.key == key)
        .map(|setting| setting.value.as_str())
}

/// The user's value for `key` parsed by `parse`, or `default`; a value that
/// does not parse is recorded in `problems`.
pub fn setting<T>(
    settings: &[Setting],
    key: &str,
    default: T,
    problems: &mut Vec<String>,
    parse: impl FnOnce(&str) -> std::result::Result<T, String>,
) -> T {
    match value_of(settings, key).map(parse) {
        Some(Ok(value)) => value,
        Some(Err(problem)) => {
            problems.push(problem);
            default
        }
        None => default,
    }
}

pub fn parse_whole(key: &str, value: &str, unit: &str) -> Result<u32, String> {
    value
        .parse::<u32>()
        .map_err(|_| format!("setting `{key}`: expected a whole number of {unit}, found `{value}`"))
}

pub fn parse_bool(key: &str, value: &str) -> Result<bool, String> {
    match value {
        "true" | "yes" | "on" => Ok(true),
        "false" | "no" | "off" => Ok(false),
        _ => Err(format!(
            "setting `{key}`: expected true or false, found `{value}`"
        )),
    }
}

/// A span in seconds unless a unit is given (`600`, `10m`, `8h`).
pub fn parse_seconds(key: &str, value: &str) -> Result<Micros, String> {
    parse_span(value, "s").map_err(|error| format!("setting `{key}`: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn unknown_keys_list_the_valid_ones() {
        let known = [
            SettingKey { key: "a", help: "" },
            SettingKey { key: "b", help: "" },
        ];
        let settings = [Setting::parse("c=1").expect("pair")];
        assert_eq!(
            check_keys(&settings, &known, "function"),
            vec!["unknown setting `c` for a function platform; valid settings: a, b"]
        );
    }
}
