//! A VM deployment's settings: instance type and count, the autoscaling
//! group, billing mode, reserved and spot terms and the load balancer, with
//! the user's `KEY=VALUE` overrides checked against the price book.

use serde::Serialize;

use super::autoscale::{ScalingBounds, ScalingPolicy};
use super::farm::{FarmConfig, Routing};
use super::pool_settings::{MAX_SERVERS, check_bounds};
use super::settings::{Kind, Setting, SettingSpec, Values};
use super::speed::{CPU_FRACTION, SpeedSettings, THREADS};
use crate::error::{Error, Result, SettingProblem};
use crate::pricing::VmChoices;
use crate::pricing::vm_book::{VmBilling, VmOffering};
use crate::units::{MICROS_PER_SECOND, Micros};

/// The load balancer's client timeout: Elastic Load Balancing closes a
/// connection idle for 60 s by default, and the client gets an error while
/// the instance still does the work. Sources (accessed 2026-12-01):
/// <https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-idle-timeout.html>,
/// <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout>.
const DEFAULT_CLIENT_TIMEOUT_S: f64 = 60.0;

/// CloudWatch's one-minute metric period.
const METRIC_PERIOD: Micros = 60 * MICROS_PER_SECOND;

const INSTANCES: Kind = Kind::Whole {
    unit: "instances",
    min: 1,
    max: MAX_SERVERS,
};

/// The keys a VM group accepts.
pub const VM_SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        key: "instance_type",
        kind: Kind::Name,
        doc: "instance type (see the book's types, e.g. m4.large)",
    },
    SettingSpec {
        key: "instances",
        kind: INSTANCES,
        doc: "instances running (the starting count when autoscaling)",
    },
    SettingSpec {
        key: "capacity",
        kind: Kind::Whole {
            unit: "requests",
            min: 1,
            max: 100_000,
        },
        doc: "requests one instance serves at once (default: vCPUs × the book's requests per vCPU)",
    },
    SettingSpec {
        key: "autoscale",
        kind: Kind::Choice(&["off", "utilization", "schedule"]),
        doc: "off, utilization (target tracking) or schedule",
    },
    SettingSpec {
        key: "min_instances",
        kind: INSTANCES,
        doc: "autoscaling group minimum",
    },
    SettingSpec {
        key: "max_instances",
        kind: INSTANCES,
        doc: "autoscaling group maximum",
    },
    SettingSpec {
        key: "target_utilization",
        kind: Kind::Fraction,
        doc: "average utilisation target tracking aims for (e.g. 0.6)",
    },
    SettingSpec {
        key: "boot_s",
        kind: Kind::Span { min: 0 },
        doc: "a launched instance serves only after this long (billed meanwhile)",
    },
    SettingSpec {
        key: "cooldown_s",
        kind: Kind::Span { min: 0 },
        doc: "no scale-in within this long of the last scaling action",
    },
    SettingSpec {
        key: "ephemeral_storage_gb",
        kind: Kind::Whole {
            unit: "GB",
            min: 1,
            max: 10_000,
        },
        doc: "ephemeral storage per task, GB, for task sizes (Fargate; default: the included GB)",
    },
    SettingSpec {
        key: "schedule",
        kind: Kind::Name,
        doc: "instances by hour of day (UTC), e.g. 0-7:2,8-19:6,20-23:3",
    },
    SettingSpec {
        key: "billing",
        kind: Kind::Choice(&["hourly", "per-second", "per_second"]),
        doc: "hourly (every started hour, EC2 before 2017-10-02) or per-second (60 s minimum)",
    },
    SettingSpec {
        key: "reserved",
        kind: Kind::Whole {
            unit: "instances",
            min: 0,
            max: MAX_SERVERS,
        },
        doc: "reserved instances billed every hour, used or not, at the reserved rate",
    },
    SettingSpec {
        key: "spot",
        kind: Kind::Flag,
        doc: "run on spot instances at the book's spot discount",
    },
    SettingSpec {
        key: "spot_interruptions_per_hour",
        kind: Kind::Number {
            unit: "interruptions per instance-hour",
            min: 0.0,
            max: 60.0,
        },
        doc: "rate at which the provider terminates each spot instance (at most one a minute)",
    },
    SettingSpec {
        key: "load_balancer",
        kind: Kind::Flag,
        doc: "price a load balancer in front",
    },
    SettingSpec {
        key: "client_timeout_s",
        kind: Kind::Span { min: 0 },
        doc: "the client gets an error after this long (ELB's default idle timeout: 60 s) while the instance finishes the work; 0 for none",
    },
    SettingSpec {
        key: "queue_limit",
        kind: Kind::Whole {
            unit: "requests per instance",
            min: 0,
            max: 1_000_000,
        },
        doc: "requests allowed to wait per serving instance; arrivals beyond are refused (default: no limit)",
    },
    CPU_FRACTION,
    THREADS,
    SettingSpec {
        key: "reference_instance_type",
        kind: Kind::Name,
        doc: "instance type the trace's durations were recorded on, for the speed model (default: instance_type)",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VmAutoscale {
    Off,
    Utilization,
    Schedule,
}

#[derive(Debug, Clone, Serialize)]
pub struct VmSettings {
    pub instance_type: String,
    pub instances: u32,
    pub capacity: u32,
    pub autoscale: VmAutoscale,
    pub min_instances: u32,
    pub max_instances: u32,
    pub target_utilization: f64,
    pub boot_s: f64,
    pub cooldown_s: f64,
    pub schedule: Option<[u32; 24]>,
    pub billing: VmBilling,
    pub reserved: u32,
    pub spot: bool,
    pub spot_interruptions_per_hour: f64,
    pub load_balancer: bool,
    /// Ephemeral storage per task (task sizes), GB; 0 for the included.
    #[serde(skip_serializing_if = "is_included")]
    pub ephemeral_storage_gb: u32,
    pub client_timeout_s: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_limit: Option<u32>,
    pub cpu_fraction: f64,
    pub threads: u32,
    pub reference_instance_type: String,
}

/// Parses `0-7:2,8-19:6,20-23:3`: every hour of the day exactly once.
pub fn parse_schedule(value: &str) -> std::result::Result<[u32; 24], String> {
    let expected = "expected hour ranges with counts covering 0-23 once, e.g. 0-7:2,8-19:6,20-23:3";
    let mut counts = [None; 24];
    for part in value.split(',') {
        let (hours, count) = part
            .split_once(':')
            .ok_or_else(|| format!("setting `schedule`: {expected}, found `{part}`"))?;
        let count: u32 = count
            .trim()
            .parse()
            .map_err(|_| format!("setting `schedule`: `{count}` is not a whole number of instances"))?;
        let (from, to) = hours.split_once('-').unwrap_or((hours, hours));
        let hour = |text: &str| text.trim().parse::<usize>().ok().filter(|hour| *hour < 24);
        let (Some(from), Some(to)) = (hour(from), hour(to)) else {
            return Err(format!(
                "setting `schedule`: `{hours}` is not an hour range within 0-23"
            ));
        };
        for slot in counts.iter_mut().take(to + 1).skip(from) {
            if slot.replace(count).is_some() {
                return Err(format!("setting `schedule`: hours in `{hours}` are given twice"));
            }
        }
    }
    let mut full = [0; 24];
    for (hour, count) in counts.iter().enumerate() {
        full[hour] =
            count.ok_or_else(|| format!("setting `schedule`: hour {hour} has no count; {expected}"))?;
    }
    Ok(full)
}

/// Task sizes (Fargate) take ephemeral storage up to the book's maximum and
/// no reservations; instance types take no ephemeral storage.
fn check_task_settings(settings: &VmSettings, offering: &VmOffering, problems: &mut Vec<SettingProblem>) {
    let is_task = offering
        .types
        .get(&settings.instance_type)
        .is_some_and(|kind| kind.task.is_some());
    let storage = offering.ephemeral_storage.as_ref().filter(|_| is_task);
    match storage {
        Some(storage) if settings.ephemeral_storage_gb > storage.max_gb => problems.push(SettingProblem::at(
            "ephemeral_storage_gb",
            format!(
                "setting `ephemeral_storage_gb`: at most {} GB per task",
                storage.max_gb
            ),
        )),
        None if settings.ephemeral_storage_gb > 0 => problems.push(SettingProblem::at(
            "ephemeral_storage_gb",
            "setting `ephemeral_storage_gb`: only for task sizes of a book with [vm.ephemeral_storage]"
                .to_owned(),
        )),
        _ => {}
    }
    if is_task && settings.reserved > 0 {
        problems.push(SettingProblem::at(
            "reserved",
            "setting `reserved`: task sizes have no reserved instances".to_owned(),
        ));
    }
}

/// No storage beyond the included (a setting `--set` would refuse as 0).
fn is_included(gb: &u32) -> bool {
    *gb == 0
}

impl VmSettings {
    pub fn resolve(book_id: &str, offering: &VmOffering, settings: &[Setting]) -> Result<Self> {
        let (values, mut problems) = Values::parse(VM_SETTINGS, settings, "vm");
        let defaults = &offering.defaults;
        let instance_type = values
            .text("instance_type")
            .map_or_else(|| defaults.instance_type.clone(), str::to_owned);
        let default_capacity = offering
            .types
            .get(&instance_type)
            .map_or(1, |kind| kind.vcpus.saturating_mul(defaults.requests_per_vcpu));
        let instances = values.whole("instances").unwrap_or(defaults.instances);
        let schedule = values.text("schedule").and_then(|text| {
            parse_schedule(text)
                .map_err(|message| problems.push(SettingProblem::at("schedule", message)))
                .ok()
        });
        let resolved = VmSettings {
            capacity: values.whole("capacity").unwrap_or(default_capacity),
            autoscale: match values.text("autoscale") {
                Some("utilization") => VmAutoscale::Utilization,
                Some("schedule") => VmAutoscale::Schedule,
                _ => VmAutoscale::Off,
            },
            min_instances: values.whole("min_instances").unwrap_or(1),
            max_instances: values.whole("max_instances").unwrap_or(instances.max(10)),
            target_utilization: values
                .number("target_utilization")
                .unwrap_or(defaults.target_utilization),
            boot_s: values.seconds("boot_s").unwrap_or(defaults.boot_s),
            cooldown_s: values.seconds("cooldown_s").unwrap_or(defaults.cooldown_s),
            schedule,
            billing: match values.text("billing") {
                Some("hourly") => VmBilling::Hourly,
                Some(_) => VmBilling::PerSecond,
                None => offering.billing,
            },
            reserved: values.whole("reserved").unwrap_or(0),
            spot: values.flag("spot").unwrap_or(false),
            spot_interruptions_per_hour: values.number("spot_interruptions_per_hour").unwrap_or(0.0),
            load_balancer: values.flag("load_balancer").unwrap_or(defaults.load_balancer),
            ephemeral_storage_gb: values.whole("ephemeral_storage_gb").unwrap_or(0),
            client_timeout_s: values
                .seconds("client_timeout_s")
                .unwrap_or(DEFAULT_CLIENT_TIMEOUT_S),
            queue_limit: values.whole("queue_limit"),
            cpu_fraction: values.number("cpu_fraction").unwrap_or(0.0),
            threads: values.whole("threads").unwrap_or(1),
            reference_instance_type: values
                .text("reference_instance_type")
                .map_or_else(|| instance_type.clone(), str::to_owned),
            instance_type,
            instances,
        };
        resolved.check(book_id, offering, &values, &mut problems);
        Error::settings(problems)?;
        Ok(resolved)
    }

    fn check(
        &self,
        book_id: &str,
        offering: &VmOffering,
        values: &Values,
        problems: &mut Vec<SettingProblem>,
    ) {
        check_task_settings(self, offering, problems);
        let mut problem = |key: &str, message: String| problems.push(SettingProblem::at(key, message));
        if !offering.types.contains_key(&self.instance_type) {
            problem(
                "instance_type",
                format!(
                    "setting `instance_type`: {book_id} has no type `{}`; its types: {}",
                    self.instance_type,
                    offering.types.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            );
        }
        if values.has("reference_instance_type")
            && !offering.types.contains_key(&self.reference_instance_type)
        {
            problem(
                "reference_instance_type",
                format!(
                    "setting `reference_instance_type`: {book_id} has no type `{}`",
                    self.reference_instance_type
                ),
            );
        }
        match (self.autoscale, self.schedule) {
            (VmAutoscale::Schedule, None) if !values.has("schedule") => problem(
                "autoscale",
                "setting `autoscale`: schedule needs a `schedule`, e.g. 0-7:2,8-19:6,20-23:3".into(),
            ),
            (VmAutoscale::Off | VmAutoscale::Utilization, Some(_)) => {
                problem("schedule", "setting `schedule`: needs autoscale=schedule".into());
            }
            _ => {}
        }
        if self.spot && self.reserved > 0 {
            problem(
                "reserved",
                "settings `spot` and `reserved`: a group here is either spot or on-demand with reservations"
                    .into(),
            );
        }
        if self.spot_interruptions_per_hour > 0.0 && !self.spot {
            problem(
                "spot_interruptions_per_hour",
                "setting `spot_interruptions_per_hour`: needs spot=true".into(),
            );
        }
        if self.load_balancer && offering.load_balancer.is_none() {
            problem(
                "load_balancer",
                format!("setting `load_balancer`: {book_id} prices no load balancer"),
            );
        }
        let start = if self.autoscale == VmAutoscale::Utilization {
            self.instances
        } else {
            self.min_instances
        };
        check_bounds(
            ("instances", "min_instances", "max_instances"),
            (start, self.min_instances, self.max_instances),
            values,
            problems,
        );
    }

    pub fn speed_settings(&self) -> SpeedSettings {
        SpeedSettings {
            cpu_fraction: self.cpu_fraction,
            threads: self.threads,
        }
    }

    /// The choices the bill reads.
    pub fn pricing_choices(&self) -> VmChoices {
        VmChoices {
            instance_type: self.instance_type.clone(),
            billing: self.billing,
            reserved: self.reserved,
            spot: self.spot,
            load_balancer: self.load_balancer,
            ephemeral_storage_gb: self.ephemeral_storage_gb,
        }
    }

    /// The farm these settings describe: a load balancer sending each
    /// request to the least-loaded instance, queueing when all are full.
    pub fn farm_config(&self, offering: &VmOffering, origin_into_day: Micros) -> FarmConfig {
        let vcpus_of = |name: &str| offering.types.get(name).map_or(1.0, |kind| f64::from(kind.vcpus));
        let speed = self.speed_settings();
        let micros = |seconds: f64| (seconds * MICROS_PER_SECOND as f64).round() as Micros;
        let scaling = match (self.autoscale, self.schedule) {
            (VmAutoscale::Utilization, _) => ScalingPolicy::TargetTracking {
                target: self.target_utilization,
                evaluation_periods: offering.defaults.evaluation_periods,
                scale_in_periods: offering.defaults.scale_in_periods,
                cooldown: micros(self.cooldown_s),
            },
            (VmAutoscale::Schedule, Some(counts)) => ScalingPolicy::Schedule { counts },
            _ => ScalingPolicy::Fixed,
        };
        FarmConfig {
            initial_servers: self.instances,
            slots: self.capacity,
            speed: 1.0,
            duration_scale: speed.scale(
                vcpus_of(&self.reference_instance_type),
                vcpus_of(&self.instance_type),
            ),
            routing: Routing::Shared,
            request_timeout: (self.client_timeout_s > 0.0).then(|| micros(self.client_timeout_s)),
            queue_limit: self.queue_limit,
            boot: micros(self.boot_s),
            sleep: None,
            accrual_tail: None,
            interruptions_per_hour: if self.spot {
                self.spot_interruptions_per_hour
            } else {
                0.0
            },
            scaling,
            bounds: ScalingBounds {
                min: self.min_instances,
                max: self.max_instances.max(self.instances),
                period: METRIC_PERIOD,
            },
            origin_into_day,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_schedule;

    #[test]
    fn schedules_cover_every_hour_once() {
        let counts = parse_schedule("0-7:2,8-19:6,20-23:3").expect("valid");
        assert_eq!(
            (
                counts[0], counts[7], counts[8], counts[19], counts[20], counts[23]
            ),
            (2, 2, 6, 6, 3, 3)
        );
        assert!(
            parse_schedule("0-7:2,8-19:6")
                .unwrap_err()
                .contains("hour 20 has no count")
        );
        assert!(
            parse_schedule("0-12:2,12-23:3")
                .unwrap_err()
                .contains("given twice")
        );
        assert!(parse_schedule("0-24:1").unwrap_err().contains("within 0-23"));
        assert!(
            parse_schedule("0-23:x")
                .unwrap_err()
                .contains("not a whole number")
        );
    }
}
