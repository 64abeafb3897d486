//! A function deployment's settings: the price book's behaviour defaults with
//! the user's `KEY=VALUE` overrides applied and checked against the book's
//! limits. Every problem is reported at once.

use serde::Serialize;

use super::settings::{Setting, SettingKey, check_keys, parse_bool, parse_seconds, parse_whole, setting};
use crate::distribution::DurationSpec;
use crate::error::{Error, Result};
use crate::pricing::FunctionChoices;
use crate::pricing::FunctionOffering;
use crate::units::{MICROS_PER_SECOND, Micros, parse_span};

/// The coarsest billing granularity accepted: an hour.
const MAX_GRANULARITY_US: Micros = 3_600 * MICROS_PER_SECOND;

/// The keys a function deployment accepts.
pub const FUNCTION_SETTING_KEYS: &[SettingKey] = &[
    SettingKey {
        key: "memory_mb",
        help: "memory per instance in MB (e.g. 512)",
    },
    SettingKey {
        key: "architecture",
        help: "instruction set whose prices apply (e.g. x86, arm)",
    },
    SettingKey {
        key: "keep_alive_s",
        help: "an idle instance expires this long after its last request ends (e.g. 600, 10m)",
    },
    SettingKey {
        key: "cold_start_ms",
        help: "cold-start delay: 250ms, or lognormal:median=250ms,p99=1s, uniform:min=..,max=.., exponential:mean=..",
    },
    SettingKey {
        key: "concurrency_limit",
        help: "busy instances allowed at once; requests beyond are throttled",
    },
    SettingKey {
        key: "instance_concurrency",
        help: "requests one instance serves at a time (1 for Lambda)",
    },
    SettingKey {
        key: "max_duration_s",
        help: "requests running longer are cut off and count as timed out",
    },
    SettingKey {
        key: "provisioned",
        help: "always-warm provisioned instances per function, billed while configured",
    },
    SettingKey {
        key: "provisioned_until",
        help: "provisioned instances are released this long after the trace start (default: never, e.g. 8h)",
    },
    SettingKey {
        key: "ephemeral_storage_mb",
        help: "ephemeral storage per instance in MB, billed above the included amount",
    },
    SettingKey {
        key: "free_tier",
        help: "deduct the monthly free tier (true/false)",
    },
    SettingKey {
        key: "granularity_ms",
        help: "bill each request's duration rounded up to this many ms (default: the book's; e.g. 1 to ask what per-ms billing would have cost in 2016)",
    },
];

/// Resolved settings of a function deployment.
#[derive(Debug, Clone, Serialize)]
pub struct FunctionSettings {
    pub memory_mb: u32,
    pub architecture: String,
    #[serde(serialize_with = "seconds")]
    pub keep_alive: Micros,
    #[serde(serialize_with = "as_text")]
    pub cold_start: DurationSpec,
    pub concurrency_limit: u32,
    pub instance_concurrency: u32,
    #[serde(serialize_with = "seconds")]
    pub max_duration: Micros,
    pub provisioned: u32,
    #[serde(serialize_with = "optional_seconds")]
    pub provisioned_until: Option<Micros>,
    pub ephemeral_storage_mb: u32,
    pub free_tier: bool,
    /// Billed duration is rounded up to a multiple of this (µs).
    #[serde(rename = "granularity_ms", serialize_with = "millis")]
    pub granularity_us: u64,
}

fn millis<S: serde::Serializer>(value: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(*value as f64 / 1_000.0)
}

fn seconds<S: serde::Serializer>(value: &Micros, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(*value as f64 / MICROS_PER_SECOND as f64)
}

fn optional_seconds<S: serde::Serializer>(value: &Option<Micros>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => seconds(value, serializer),
        None => serializer.serialize_none(),
    }
}

fn as_text<S: serde::Serializer>(value: &DurationSpec, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

impl FunctionSettings {
    /// The choices the bill reads: `bill_data_out` is false when a service in
    /// front bills the client-facing data out.
    pub fn pricing_choices(&self, bill_data_out: bool) -> FunctionChoices {
        FunctionChoices {
            architecture: self.architecture.clone(),
            free_tier: self.free_tier,
            bill_data_out,
        }
    }

    /// Applies `settings` to the book's defaults and checks the result.
    pub fn resolve(book_id: &str, offering: &FunctionOffering, settings: &[Setting]) -> Result<Self> {
        let mut problems = check_keys(settings, FUNCTION_SETTING_KEYS, "function");
        let defaults = &offering.defaults;
        let seconds_of = |value: f64| (value * MICROS_PER_SECOND as f64).round() as Micros;
        let included_storage = offering
            .billing
            .ephemeral_storage
            .as_ref()
            .map_or(0, |s| s.included_mb);
        let resolved = FunctionSettings {
            memory_mb: setting(settings, "memory_mb", defaults.memory_mb, &mut problems, |v| {
                parse_whole("memory_mb", v, "megabytes")
            }),
            architecture: setting(
                settings,
                "architecture",
                defaults.architecture.clone(),
                &mut problems,
                |v| Ok(v.to_owned()),
            ),
            keep_alive: setting(
                settings,
                "keep_alive_s",
                seconds_of(defaults.keep_alive_s),
                &mut problems,
                |v| parse_seconds("keep_alive_s", v),
            ),
            cold_start: setting(
                settings,
                "cold_start_ms",
                defaults.cold_start.clone(),
                &mut problems,
                |v| DurationSpec::parse(v).map_err(|error| format!("setting `cold_start_ms`: {error}")),
            ),
            concurrency_limit: setting(
                settings,
                "concurrency_limit",
                defaults.concurrency_limit,
                &mut problems,
                |v| parse_whole("concurrency_limit", v, "instances"),
            ),
            instance_concurrency: setting(
                settings,
                "instance_concurrency",
                defaults.instance_concurrency,
                &mut problems,
                |v| parse_whole("instance_concurrency", v, "requests"),
            ),
            max_duration: setting(
                settings,
                "max_duration_s",
                seconds_of(defaults.max_duration_s),
                &mut problems,
                |v| parse_seconds("max_duration_s", v),
            ),
            provisioned: setting(settings, "provisioned", 0, &mut problems, |v| {
                parse_whole("provisioned", v, "instances")
            }),
            provisioned_until: setting(settings, "provisioned_until", None, &mut problems, |v| {
                parse_seconds("provisioned_until", v).map(Some)
            }),
            ephemeral_storage_mb: setting(
                settings,
                "ephemeral_storage_mb",
                included_storage,
                &mut problems,
                |v| parse_whole("ephemeral_storage_mb", v, "megabytes"),
            ),
            free_tier: setting(
                settings,
                "free_tier",
                offering.billing.free_tier.is_some(),
                &mut problems,
                |v| parse_bool("free_tier", v),
            ),
            granularity_us: setting(
                settings,
                "granularity_ms",
                offering.billing.granularity_us,
                &mut problems,
                |v| {
                    parse_span(v, "ms")
                        .ok()
                        .filter(|span| (1..=MAX_GRANULARITY_US).contains(span))
                        .ok_or_else(|| {
                            format!("setting `granularity_ms`: expected from 1 µs to 1 hour, found `{v}`")
                        })
                },
            ),
        };
        resolved.check(book_id, offering, &mut problems);
        if problems.is_empty() {
            Ok(resolved)
        } else {
            Err(Error::usage(problems.join("\n")))
        }
    }

    fn check(&self, book_id: &str, offering: &FunctionOffering, problems: &mut Vec<String>) {
        let limits = &offering.limits;
        if let Err(problem) = check_memory(offering, self.memory_mb) {
            problems.push(format!("setting `memory_mb`: {problem} on {book_id}"));
        }
        let Some(rates) = offering.architectures.get(&self.architecture) else {
            problems.push(format!(
                "setting `architecture`: {book_id} prices {}, not `{}`",
                offering
                    .architectures
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" and "),
                self.architecture
            ));
            return;
        };
        if self.max_duration == 0 || self.max_duration > u64::from(limits.max_duration_s) * MICROS_PER_SECOND
        {
            problems.push(format!(
                "setting `max_duration_s`: expected more than 0 and at most {} s on {book_id}, found {} s",
                limits.max_duration_s,
                self.max_duration as f64 / MICROS_PER_SECOND as f64
            ));
        }
        if self.concurrency_limit == 0 {
            problems.push("setting `concurrency_limit`: expected at least 1".into());
        }
        if let Some(cap) = limits.max_concurrency_limit
            && self.concurrency_limit > cap
        {
            problems.push(format!(
                "setting `concurrency_limit`: {book_id} allows at most {cap}"
            ));
        }
        if self.instance_concurrency == 0 {
            problems.push("setting `instance_concurrency`: expected at least 1".into());
        }
        if self.provisioned > 0 {
            if rates.provisioned.is_none() {
                problems.push(format!(
                    "setting `provisioned`: {book_id} has no provisioned instances (no provisioned prices for {})",
                    self.architecture
                ));
            }
            if self.provisioned > self.concurrency_limit {
                problems.push(format!(
                    "setting `provisioned`: {} provisioned instances exceed the concurrency limit of {}",
                    self.provisioned, self.concurrency_limit
                ));
            }
        }
        if self.provisioned_until.is_some() && self.provisioned == 0 {
            problems.push("setting `provisioned_until`: needs `provisioned` above 0".into());
        }
        let included_storage = offering
            .billing
            .ephemeral_storage
            .as_ref()
            .map(|storage| storage.included_mb);
        match (included_storage, limits.max_ephemeral_storage_mb) {
            (Some(included), Some(max)) if !(included..=max).contains(&self.ephemeral_storage_mb) => {
                problems.push(format!(
                    "setting `ephemeral_storage_mb`: expected {included} to {max} MB on {book_id}, found {}",
                    self.ephemeral_storage_mb
                ));
            }
            (Some(_), Some(_)) => {}
            _ if self.ephemeral_storage_mb != included_storage.unwrap_or(0) => {
                problems.push(format!(
                    "setting `ephemeral_storage_mb`: {book_id} has no configurable ephemeral storage"
                ));
            }
            _ => {}
        }
        if self.free_tier && offering.billing.free_tier.is_none() {
            problems.push(format!("setting `free_tier`: {book_id} has no free tier"));
        }
    }
}

/// Checks a memory size against the book's sizes.
fn check_memory(offering: &FunctionOffering, memory_mb: u32) -> std::result::Result<(), String> {
    let sizes = &offering.limits.memory;
    if sizes.contains(memory_mb) {
        Ok(())
    } else {
        Err(format!("expected {}, found {memory_mb}", sizes.describe()))
    }
}
