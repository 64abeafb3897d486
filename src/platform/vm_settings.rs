//! A VM deployment's settings: instance type and count, the autoscaling
//! group, billing mode, reserved and spot terms and the load balancer, with
//! the user's `KEY=VALUE` overrides checked against the price book.

use serde::Serialize;

use super::autoscale::{ScalingBounds, ScalingPolicy};
use super::farm::{FarmConfig, Routing};
use super::settings::{Setting, SettingKey, check_keys, parse_bool, parse_seconds, parse_whole, setting};
use crate::error::{Error, Result};
use crate::pricing::VmChoices;
use crate::pricing::vm_book::{VmBilling, VmOffering};
use crate::units::{MICROS_PER_SECOND, Micros};

/// CloudWatch's one-minute metric period.
const METRIC_PERIOD: Micros = 60 * MICROS_PER_SECOND;

pub const VM_SETTING_KEYS: &[SettingKey] = &[
    SettingKey {
        key: "instance_type",
        help: "instance type (see the book's types, e.g. m4.large)",
    },
    SettingKey {
        key: "instances",
        help: "instances running (the starting count when autoscaling)",
    },
    SettingKey {
        key: "capacity",
        help: "requests one instance serves at once (default: vCPUs × the book's requests per vCPU)",
    },
    SettingKey {
        key: "autoscale",
        help: "off, utilization (target tracking) or schedule",
    },
    SettingKey {
        key: "min_instances",
        help: "autoscaling group minimum",
    },
    SettingKey {
        key: "max_instances",
        help: "autoscaling group maximum",
    },
    SettingKey {
        key: "target_utilization",
        help: "average utilisation target tracking aims for (e.g. 0.6)",
    },
    SettingKey {
        key: "boot_s",
        help: "a launched instance serves only after this long (billed meanwhile)",
    },
    SettingKey {
        key: "cooldown_s",
        help: "no scale-in within this long of the last scaling action",
    },
    SettingKey {
        key: "schedule",
        help: "instances by hour of day (UTC), e.g. 0-7:2,8-19:6,20-23:3",
    },
    SettingKey {
        key: "billing",
        help: "hourly (every started hour, EC2 before 2017-10-02) or per-second (60 s minimum)",
    },
    SettingKey {
        key: "reserved",
        help: "reserved instances billed every hour, used or not, at the reserved rate",
    },
    SettingKey {
        key: "spot",
        help: "run on spot instances at the book's spot discount (true/false)",
    },
    SettingKey {
        key: "spot_interruptions_per_hour",
        help: "rate at which the provider terminates each spot instance",
    },
    SettingKey {
        key: "load_balancer",
        help: "price a load balancer in front (true/false)",
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
}

fn seconds(value: Micros) -> f64 {
    value as f64 / MICROS_PER_SECOND as f64
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

impl VmSettings {
    pub fn resolve(book_id: &str, offering: &VmOffering, settings: &[Setting]) -> Result<Self> {
        let mut problems = check_keys(settings, VM_SETTING_KEYS, "vm");
        let defaults = &offering.defaults;
        let instance_type = setting(
            settings,
            "instance_type",
            defaults.instance_type.clone(),
            &mut problems,
            |v| Ok(v.to_owned()),
        );
        let default_capacity = offering
            .types
            .get(&instance_type)
            .map_or(1, |kind| kind.vcpus * defaults.requests_per_vcpu);
        let instances = setting(settings, "instances", defaults.instances, &mut problems, |v| {
            parse_whole("instances", v, "instances")
        });
        let resolved = VmSettings {
            capacity: setting(settings, "capacity", default_capacity, &mut problems, |v| {
                parse_whole("capacity", v, "requests")
            }),
            autoscale: setting(
                settings,
                "autoscale",
                VmAutoscale::Off,
                &mut problems,
                |v| match v {
                    "off" => Ok(VmAutoscale::Off),
                    "utilization" => Ok(VmAutoscale::Utilization),
                    "schedule" => Ok(VmAutoscale::Schedule),
                    _ => Err(format!(
                        "setting `autoscale`: expected off, utilization or schedule, found `{v}`"
                    )),
                },
            ),
            min_instances: setting(settings, "min_instances", 1, &mut problems, |v| {
                parse_whole("min_instances", v, "instances")
            }),
            max_instances: setting(settings, "max_instances", instances.max(10), &mut problems, |v| {
                parse_whole("max_instances", v, "instances")
            }),
            target_utilization: setting(
                settings,
                "target_utilization",
                defaults.target_utilization,
                &mut problems,
                |v| {
                    v.parse::<f64>()
                        .ok()
                        .filter(|share| *share > 0.0 && *share <= 1.0)
                        .ok_or_else(|| format!("setting `target_utilization`: expected a fraction above 0 and at most 1, found `{v}`"))
                },
            ),
            boot_s: setting(settings, "boot_s", defaults.boot_s, &mut problems, |v| {
                parse_seconds("boot_s", v).map(seconds)
            }),
            cooldown_s: setting(settings, "cooldown_s", defaults.cooldown_s, &mut problems, |v| {
                parse_seconds("cooldown_s", v).map(seconds)
            }),
            schedule: setting(settings, "schedule", None, &mut problems, |v| {
                parse_schedule(v).map(Some)
            }),
            billing: setting(
                settings,
                "billing",
                offering.billing,
                &mut problems,
                |v| match v {
                    "hourly" => Ok(VmBilling::Hourly),
                    "per-second" | "per_second" => Ok(VmBilling::PerSecond),
                    _ => Err(format!(
                        "setting `billing`: expected hourly or per-second, found `{v}`"
                    )),
                },
            ),
            reserved: setting(settings, "reserved", 0, &mut problems, |v| {
                parse_whole("reserved", v, "instances")
            }),
            spot: setting(settings, "spot", false, &mut problems, |v| parse_bool("spot", v)),
            spot_interruptions_per_hour: setting(
                settings,
                "spot_interruptions_per_hour",
                0.0,
                &mut problems,
                |v| {
                    v.parse::<f64>()
                    .ok()
                    .filter(|rate| rate.is_finite() && *rate >= 0.0)
                    .ok_or_else(|| format!("setting `spot_interruptions_per_hour`: expected a rate of zero or more, found `{v}`"))
                },
            ),
            load_balancer: setting(
                settings,
                "load_balancer",
                defaults.load_balancer,
                &mut problems,
                |v| parse_bool("load_balancer", v),
            ),
            instance_type,
            instances,
        };
        resolved.check(book_id, offering, &mut problems);
        if problems.is_empty() {
            Ok(resolved)
        } else {
            Err(Error::usage(problems.join("\n")))
        }
    }

    fn check(&self, book_id: &str, offering: &VmOffering, problems: &mut Vec<String>) {
        if !offering.types.contains_key(&self.instance_type) {
            problems.push(format!(
                "setting `instance_type`: {book_id} has no type `{}`; its types: {}",
                self.instance_type,
                offering.types.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        if self.instances == 0 {
            problems.push("setting `instances`: expected at least 1 instance".into());
        }
        if self.capacity == 0 {
            problems.push("setting `capacity`: expected at least 1 request per instance".into());
        }
        if self.min_instances == 0 || self.min_instances > self.max_instances {
            problems.push(format!(
                "settings `min_instances` and `max_instances`: expected 1 <= min <= max, found min {} and max {}",
                self.min_instances, self.max_instances
            ));
        } else if self.autoscale == VmAutoscale::Utilization
            && !(self.min_instances..=self.max_instances).contains(&self.instances)
        {
            problems.push(format!(
                "setting `instances`: the starting count {} lies outside min_instances {} to max_instances {}",
                self.instances, self.min_instances, self.max_instances
            ));
        }
        match (self.autoscale, self.schedule) {
            (VmAutoscale::Schedule, None) => {
                problems.push(
                    "setting `autoscale`: schedule needs a `schedule`, e.g. 0-7:2,8-19:6,20-23:3".into(),
                );
            }
            (VmAutoscale::Off | VmAutoscale::Utilization, Some(_)) => {
                problems.push("setting `schedule`: needs autoscale=schedule".into());
            }
            _ => {}
        }
        if self.spot && self.reserved > 0 {
            problems.push(
                "settings `spot` and `reserved`: a group here is either spot or on-demand with reservations"
                    .into(),
            );
        }
        if self.spot_interruptions_per_hour > 0.0 && !self.spot {
            problems.push("setting `spot_interruptions_per_hour`: needs spot=true".into());
        }
        if self.load_balancer && offering.load_balancer.is_none() {
            problems.push(format!(
                "setting `load_balancer`: {book_id} prices no load balancer"
            ));
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
        }
    }

    /// The farm these settings describe: a load balancer sending each
    /// request to the least-loaded instance, queueing when all are full.
    pub fn farm_config(&self, offering: &VmOffering, origin_into_day: Micros) -> FarmConfig {
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
            routing: Routing::Shared,
            request_timeout: None,
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
