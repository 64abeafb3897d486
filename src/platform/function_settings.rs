//! A function deployment's settings: the schema of keys a function
//! deployment accepts, and the price book's behaviour defaults with the
//! user's overrides applied and checked against the book's limits. Every
//! problem is reported at once, each naming its key.

use serde::Serialize;

use super::settings::{Kind, Setting, SettingSpec, Values};
use super::speed::{CPU_FRACTION, DurationScale, SpeedSettings, THREADS};
use crate::distribution::DurationSpec;
use crate::error::{Error, Result, SettingProblem};
use crate::pricing::{FunctionChoices, FunctionOffering};
use crate::units::{MICROS_PER_SECOND, Micros};

/// The keys a function deployment accepts.
pub const FUNCTION_SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        key: "memory_mb",
        kind: Kind::Whole {
            unit: "MB",
            min: 1,
            max: 1_048_576,
        },
        doc: "memory per instance (one of the book's sizes, e.g. 512)",
    },
    SettingSpec {
        key: "architecture",
        kind: Kind::Name,
        doc: "instruction set whose prices apply (e.g. x86, arm)",
    },
    SettingSpec {
        key: "keep_alive_s",
        kind: Kind::Span { min: 0 },
        doc: "an idle instance expires this long after its last request ends (e.g. 600, 10m)",
    },
    SettingSpec {
        key: "cold_start_ms",
        kind: Kind::Distribution,
        doc: "cold-start delay: 250ms, or lognormal:median=250ms,p99=1s, uniform:min=..,max=.., exponential:mean=..",
    },
    SettingSpec {
        key: "concurrency_limit",
        kind: Kind::Whole {
            unit: "instances",
            min: 1,
            max: 10_000_000,
        },
        doc: "busy instances allowed at once; requests beyond are throttled",
    },
    SettingSpec {
        key: "instance_concurrency",
        kind: Kind::Whole {
            unit: "requests",
            min: 1,
            max: 1_000,
        },
        doc: "requests one instance serves at a time (1 for Lambda)",
    },
    SettingSpec {
        key: "max_duration_s",
        kind: Kind::Span { min: 1 },
        doc: "requests running longer are cut off and count as timed out",
    },
    SettingSpec {
        key: "provisioned",
        kind: Kind::Whole {
            unit: "instances",
            min: 0,
            max: 100_000,
        },
        doc: "always-warm provisioned instances per function, billed while configured",
    },
    SettingSpec {
        key: "provisioned_until",
        kind: Kind::Span { min: 0 },
        doc: "provisioned instances are released this long after the trace start (default: never, e.g. 8h)",
    },
    SettingSpec {
        key: "ephemeral_storage_mb",
        kind: Kind::Whole {
            unit: "MB",
            min: 0,
            max: 1_048_576,
        },
        doc: "ephemeral storage per instance, billed above the included amount",
    },
    SettingSpec {
        key: "free_tier",
        kind: Kind::Flag,
        doc: "deduct the monthly free tier",
    },
    SettingSpec {
        key: "granularity_ms",
        kind: Kind::Millis {
            min: 1,
            max: 3_600 * MICROS_PER_SECOND,
        },
        doc: "bill each request's duration rounded up to this (default: the book's; e.g. 1 to ask what per-ms billing would have cost in 2016)",
    },
    SettingSpec {
        key: "min_instances",
        kind: Kind::Whole {
            unit: "instances",
            min: 0,
            max: 100_000,
        },
        doc: "Cloud Run's name for `provisioned`: instances kept warm, billed idle",
    },
    SettingSpec {
        key: "max_instances",
        kind: Kind::Whole {
            unit: "instances",
            min: 1,
            max: 10_000_000,
        },
        doc: "Cloud Run's name for `concurrency_limit`: requests beyond wait (at_limit=queue)",
    },
    SettingSpec {
        key: "at_limit",
        kind: Kind::Choice(&["throttle", "queue"]),
        doc: "requests beyond the concurrency limit are throttled (Lambda) or wait for a free instance (Cloud Run's max instances)",
    },
    SettingSpec {
        key: "cpu",
        kind: Kind::Number {
            unit: "vCPUs",
            min: 0.08,
            max: 8.0,
        },
        doc: "vCPUs per instance, where instance time is billed by CPU (Cloud Run)",
    },
    SettingSpec {
        key: "billing",
        kind: Kind::Choice(&["request", "instance"]),
        doc: "Cloud Run: request-based (instance time while serving, plus a request fee) or instance-based (whole instance life, lower rates)",
    },
    SettingSpec {
        key: "cpu_ms_per_request",
        kind: Kind::Number {
            unit: "CPU-ms",
            min: 0.0,
            max: 900_000.0,
        },
        doc: "CPU time per request where the book bills CPU apart from wall time (Workers; default: the whole duration)",
    },
    CPU_FRACTION,
    THREADS,
    SettingSpec {
        key: "reference_memory_mb",
        kind: Kind::Whole {
            unit: "MB",
            min: 1,
            max: 1_048_576,
        },
        doc: "memory the trace's durations were recorded at, for rows without their own memory_mb (default: memory_mb)",
    },
    SettingSpec {
        key: "reference_cpu",
        kind: Kind::Number {
            unit: "vCPUs",
            min: 0.08,
            max: 8.0,
        },
        doc: "vCPUs the trace's durations were recorded with, where the `cpu` setting gives the CPU (Cloud Run; default: cpu)",
    },
];

/// Resolved settings of a function deployment, serialised with the keys
/// `--set` takes.
#[derive(Debug, Clone, Serialize)]
pub struct FunctionSettings {
    pub memory_mb: u32,
    pub architecture: String,
    #[serde(rename = "keep_alive_s", serialize_with = "seconds")]
    pub keep_alive: Micros,
    #[serde(rename = "cold_start_ms", serialize_with = "as_text")]
    pub cold_start: DurationSpec,
    pub concurrency_limit: u32,
    pub instance_concurrency: u32,
    #[serde(rename = "max_duration_s", serialize_with = "seconds")]
    pub max_duration: Micros,
    pub provisioned: u32,
    #[serde(serialize_with = "optional_seconds")]
    pub provisioned_until: Option<Micros>,
    pub ephemeral_storage_mb: u32,
    pub free_tier: bool,
    /// Billed duration is rounded up to a multiple of this (µs).
    #[serde(rename = "granularity_ms", serialize_with = "millis")]
    pub granularity_us: u64,
    #[serde(rename = "at_limit", serialize_with = "at_limit")]
    pub queue_at_limit: bool,
    /// vCPUs per instance in thousandths, where instance time is billed.
    #[serde(rename = "cpu", serialize_with = "vcpus", skip_serializing_if = "is_zero")]
    pub milli_vcpu: u32,
    /// Instance-time billing (Cloud Run): instance-based rather than
    /// request-based; none where the book bills per request.
    #[serde(
        rename = "billing",
        serialize_with = "billing_mode",
        skip_serializing_if = "Option::is_none"
    )]
    pub instance_based: Option<bool>,
    /// CPU-ms per request, where the book bills CPU time (Workers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_ms_per_request: Option<f64>,
    /// Share of a recorded duration that scales with CPU (the speed model).
    pub cpu_fraction: f64,
    /// Threads a request's work can use.
    pub threads: u32,
    /// Memory the durations were recorded at (rows without their own).
    pub reference_memory_mb: u32,
    /// vCPUs (thousandths) the durations were recorded with, where the
    /// `cpu` setting gives the CPU.
    #[serde(
        rename = "reference_cpu",
        serialize_with = "vcpus",
        skip_serializing_if = "is_zero"
    )]
    pub reference_milli_vcpu: u32,
}

fn at_limit<S: serde::Serializer>(queue: &bool, serializer: S) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(if *queue { "queue" } else { "throttle" })
}

fn vcpus<S: serde::Serializer>(milli: &u32, serializer: S) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_f64(f64::from(*milli) / 1_000.0)
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

fn billing_mode<S: serde::Serializer>(
    mode: &Option<bool>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(if *mode == Some(true) {
        "instance"
    } else {
        "request"
    })
}

fn seconds<S: serde::Serializer>(value: &Micros, serializer: S) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_f64(*value as f64 / MICROS_PER_SECOND as f64)
}

fn millis<S: serde::Serializer>(value: &u64, serializer: S) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_f64(*value as f64 / 1_000.0)
}

fn optional_seconds<S: serde::Serializer>(
    value: &Option<Micros>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    match value {
        Some(value) => seconds(value, serializer),
        None => serializer.serialize_none(),
    }
}

fn as_text<S: serde::Serializer>(
    value: &DurationSpec,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

impl FunctionSettings {
    /// Applies `settings` to the book's defaults and checks the result.
    pub fn resolve(book_id: &str, offering: &FunctionOffering, settings: &[Setting]) -> Result<Self> {
        let (values, mut problems) = Values::parse(FUNCTION_SETTINGS, settings, "function");
        let defaults = &offering.defaults;
        let span_of = |seconds: f64| (seconds * MICROS_PER_SECOND as f64).round() as Micros;
        let included_storage = offering
            .billing
            .ephemeral_storage
            .as_ref()
            .map_or(0, |storage| storage.included_mb);
        let mut resolved = FunctionSettings {
            memory_mb: values.whole("memory_mb").unwrap_or(defaults.memory_mb),
            architecture: values
                .text("architecture")
                .map_or_else(|| defaults.architecture.clone(), str::to_owned),
            keep_alive: values
                .span("keep_alive_s")
                .unwrap_or(span_of(defaults.keep_alive_s)),
            cold_start: values
                .distribution("cold_start_ms")
                .unwrap_or_else(|| defaults.cold_start.clone()),
            concurrency_limit: values
                .whole("max_instances")
                .or(values.whole("concurrency_limit"))
                .unwrap_or(defaults.concurrency_limit),
            instance_concurrency: values
                .whole("instance_concurrency")
                .unwrap_or(defaults.instance_concurrency),
            max_duration: values
                .span("max_duration_s")
                .unwrap_or(span_of(defaults.max_duration_s)),
            provisioned: values
                .whole("min_instances")
                .or(values.whole("provisioned"))
                .unwrap_or(0),
            provisioned_until: values.span("provisioned_until"),
            ephemeral_storage_mb: values.whole("ephemeral_storage_mb").unwrap_or(included_storage),
            free_tier: values
                .flag("free_tier")
                .unwrap_or(offering.billing.free_tier.is_some()),
            granularity_us: values
                .span("granularity_ms")
                .unwrap_or(offering.billing.granularity_us),
            queue_at_limit: values
                .text("at_limit")
                .map_or(defaults.queue_at_limit, |mode| mode == "queue"),
            milli_vcpu: values
                .number("cpu")
                .map_or(defaults.milli_vcpu, |vcpus| (vcpus * 1_000.0).round() as u32),
            instance_based: offering
                .billing
                .instance_time
                .as_ref()
                .map(|_| values.text("billing") == Some("instance")),
            cpu_ms_per_request: values.number("cpu_ms_per_request"),
            cpu_fraction: values.number("cpu_fraction").unwrap_or(0.0),
            threads: values.whole("threads").unwrap_or(1),
            reference_memory_mb: 0,
            reference_milli_vcpu: 0,
        };
        resolved.reference_memory_mb = values.whole("reference_memory_mb").unwrap_or(resolved.memory_mb);
        resolved.reference_milli_vcpu = values
            .number("reference_cpu")
            .map_or(resolved.milli_vcpu, |vcpus| (vcpus * 1_000.0).round() as u32);

        if resolved.cpu_ms_per_request.is_some() && offering.billing.cpu_time.is_none() {
            problems.push(SettingProblem::at(
                "cpu_ms_per_request",
                format!("setting `cpu_ms_per_request`: {book_id} bills no CPU time apart from duration"),
            ));
        }
        resolved.check_instance_time(book_id, offering, &values, &mut problems);
        resolved.check(book_id, offering, &mut problems);
        Error::settings(problems)?;
        Ok(resolved)
    }

    pub fn speed_settings(&self) -> SpeedSettings {
        SpeedSettings {
            cpu_fraction: self.cpu_fraction,
            threads: self.threads,
        }
    }

    /// The speed model's factor for rows without their own memory: from the
    /// reference size to the deployment's, by the book's CPU per size.
    pub fn duration_scale(&self, offering: &FunctionOffering) -> DurationScale {
        let cpu = &offering.limits.cpu;
        let sizes = &offering.limits.memory;
        self.speed_settings().scale(
            cpu.vcpus(sizes, self.reference_memory_mb, self.reference_milli_vcpu),
            cpu.vcpus(sizes, self.memory_mb, self.milli_vcpu),
        )
    }

    /// The choices the bill reads: `bill_data_out` is false when a service in
    /// front bills the client-facing data out.
    pub fn pricing_choices(&self, bill_data_out: bool) -> FunctionChoices {
        FunctionChoices {
            architecture: self.architecture.clone(),
            free_tier: self.free_tier,
            bill_data_out,
            instance_based: self.instance_based == Some(true),
            milli_vcpu: self.milli_vcpu,
            memory_mb: self.memory_mb,
            cpu_ms_per_request: self.cpu_ms_per_request.and_then(crate::pricing::money::from_book),
        }
    }

    fn check(&self, book_id: &str, offering: &FunctionOffering, problems: &mut Vec<SettingProblem>) {
        let limits = &offering.limits;
        if !limits.memory.contains(self.memory_mb) {
            problems.push(SettingProblem::at(
                "memory_mb",
                format!(
                    "setting `memory_mb`: expected {} on {book_id}, found {}",
                    limits.memory.describe(),
                    self.memory_mb
                ),
            ));
        }
        let Some(rates) = offering.architectures.get(&self.architecture) else {
            problems.push(SettingProblem::at(
                "architecture",
                format!(
                    "setting `architecture`: {book_id} prices {}, not `{}`",
                    offering
                        .architectures
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" and "),
                    self.architecture
                ),
            ));
            return;
        };
        if self.max_duration > u64::from(limits.max_duration_s) * MICROS_PER_SECOND {
            problems.push(SettingProblem::at(
                "max_duration_s",
                format!(
                    "setting `max_duration_s`: {book_id} allows at most {} s, found {} s",
                    limits.max_duration_s,
                    self.max_duration as f64 / MICROS_PER_SECOND as f64
                ),
            ));
        }
        if let Some(cap) = limits.max_concurrency_limit
            && self.concurrency_limit > cap
        {
            problems.push(SettingProblem::at(
                "concurrency_limit",
                format!("setting `concurrency_limit`: {book_id} allows at most {cap}"),
            ));
        }
        let reference_vcpus = limits.cpu.vcpus(
            &limits.memory,
            self.reference_memory_mb,
            self.reference_milli_vcpu,
        );
        if self.cpu_fraction > 0.0 && reference_vcpus <= 0.0 {
            problems.push(SettingProblem::at(
                "reference_memory_mb",
                format!(
                    "setting `reference_memory_mb`: {book_id} gives no CPU for {} MB (CPU {})",
                    self.reference_memory_mb,
                    limits.cpu.describe()
                ),
            ));
        }
        let priced = rates.provisioned.is_some() || offering.billing.instance_time.is_some();
        self.check_provisioned(book_id, priced, problems);
        self.check_storage(book_id, offering, problems);
        if self.free_tier && offering.billing.free_tier.is_none() {
            problems.push(SettingProblem::at(
                "free_tier",
                format!("setting `free_tier`: {book_id} has no free tier"),
            ));
        }
    }

    fn check_instance_time(
        &self,
        book_id: &str,
        offering: &FunctionOffering,
        values: &Values,
        problems: &mut Vec<SettingProblem>,
    ) {
        if offering.billing.instance_time.is_some() {
            return;
        }
        for key in ["cpu", "billing", "reference_cpu"] {
            if values.has(key) {
                problems.push(SettingProblem::at(
                    key,
                    format!("setting `{key}`: {book_id} bills each request's duration, not instance time"),
                ));
            }
        }
    }

    fn check_provisioned(&self, book_id: &str, priced: bool, problems: &mut Vec<SettingProblem>) {
        if self.provisioned > 0 && !priced {
            problems.push(SettingProblem::at(
                "provisioned",
                format!(
                    "setting `provisioned`: {book_id} has no provisioned instances (no provisioned prices for {})",
                    self.architecture
                ),
            ));
        }
        if self.provisioned > self.concurrency_limit {
            problems.push(SettingProblem::at(
                "provisioned",
                format!(
                    "setting `provisioned`: {} provisioned instances exceed the concurrency limit of {}",
                    self.provisioned, self.concurrency_limit
                ),
            ));
        }
        if self.provisioned_until.is_some() && self.provisioned == 0 {
            problems.push(SettingProblem::at(
                "provisioned_until",
                "setting `provisioned_until`: needs `provisioned` above 0",
            ));
        }
    }

    fn check_storage(&self, book_id: &str, offering: &FunctionOffering, problems: &mut Vec<SettingProblem>) {
        let included = offering
            .billing
            .ephemeral_storage
            .as_ref()
            .map(|storage| storage.included_mb);
        let message = match (included, offering.limits.max_ephemeral_storage_mb) {
            (Some(included), Some(max)) if !(included..=max).contains(&self.ephemeral_storage_mb) => format!(
                "setting `ephemeral_storage_mb`: expected {included} to {max} MB on {book_id}, found {}",
                self.ephemeral_storage_mb
            ),
            (Some(_), Some(_)) => return,
            _ if self.ephemeral_storage_mb != included.unwrap_or(0) => {
                format!("setting `ephemeral_storage_mb`: {book_id} has no configurable ephemeral storage")
            }
            _ => return,
        };
        problems.push(SettingProblem::at("ephemeral_storage_mb", message));
    }
}
