//! A dyno pool deployment's settings: the price book's defaults with the
//! user's `KEY=VALUE` overrides, checked against the book, and the farm
//! configuration they describe.

use serde::Serialize;

use super::autoscale::{ScalingBounds, ScalingPolicy};
use super::farm::{FarmConfig, Routing, Sleep};
use super::settings::{Setting, SettingKey, check_keys, parse_bool, parse_seconds, parse_whole, setting};
use crate::error::{Error, Result};
use crate::pricing::PoolChoices;
use crate::pricing::pool_book::{PoolBilling, PoolOffering};
use crate::units::{MICROS_PER_MS, MICROS_PER_SECOND, Micros};

/// Autoscaling decisions are made once a minute (Heroku: "at least 1
/// minute apart").
const SCALING_PERIOD: Micros = 60 * MICROS_PER_SECOND;

pub const POOL_SETTING_KEYS: &[SettingKey] = &[
    SettingKey {
        key: "dyno_type",
        help: "dyno type or instance class (see the book's types, e.g. standard-1x)",
    },
    SettingKey {
        key: "dynos",
        help: "dynos running (the starting count when autoscaling)",
    },
    SettingKey {
        key: "workers",
        help: "requests one dyno serves at a time (web server processes or threads)",
    },
    SettingKey {
        key: "routing",
        help: "random (Heroku's router: a random dyno, whose queue holds the request) or shared (one queue)",
    },
    SettingKey {
        key: "router_timeout_s",
        help: "responses slower than this count as timed out (Heroku H12: 30 s); 0 for none",
    },
    SettingKey {
        key: "autoscale",
        help: "off, p95 (Heroku: ±1 dyno a minute on p95 response time) or utilization",
    },
    SettingKey {
        key: "min_dynos",
        help: "autoscaling floor",
    },
    SettingKey {
        key: "max_dynos",
        help: "autoscaling ceiling",
    },
    SettingKey {
        key: "target_p95_ms",
        help: "p95 response time the p95 rule aims for",
    },
    SettingKey {
        key: "target_utilization",
        help: "busy share of workers the utilization rule aims for (e.g. 0.7)",
    },
    SettingKey {
        key: "autoscale_window_s",
        help: "trailing window of the p95 rule (Heroku: one hour)",
    },
    SettingKey {
        key: "boot_s",
        help: "a dyno added by scaling serves only after this long (billed meanwhile)",
    },
    SettingKey {
        key: "speed",
        help: "requests run this many times faster than in the trace (default: the type's)",
    },
    SettingKey {
        key: "free_tier",
        help: "deduct free dyno or instance hours (true/false)",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolAutoscale {
    Off,
    P95,
    Utilization,
}

#[derive(Debug, Clone, Serialize)]
pub struct PoolSettings {
    pub dyno_type: String,
    pub dynos: u32,
    pub workers: u32,
    pub routing: Routing,
    pub router_timeout_s: f64,
    pub autoscale: PoolAutoscale,
    pub min_dynos: u32,
    pub max_dynos: u32,
    pub target_p95_ms: f64,
    pub target_utilization: f64,
    pub autoscale_window_s: f64,
    pub boot_s: f64,
    pub speed: f64,
    pub free_tier: bool,
}

fn parse_fraction(key: &str, value: &str) -> std::result::Result<f64, String> {
    value
        .parse::<f64>()
        .ok()
        .filter(|share| *share > 0.0 && *share <= 1.0)
        .ok_or_else(|| format!("setting `{key}`: expected a fraction above 0 and at most 1, found `{value}`"))
}

fn parse_positive(key: &str, value: &str) -> std::result::Result<f64, String> {
    value
        .parse::<f64>()
        .ok()
        .filter(|number| number.is_finite() && *number > 0.0)
        .ok_or_else(|| format!("setting `{key}`: expected a number above 0, found `{value}`"))
}

fn seconds(value: Micros) -> f64 {
    value as f64 / MICROS_PER_SECOND as f64
}

impl PoolSettings {
    pub fn resolve(book_id: &str, offering: &PoolOffering, settings: &[Setting]) -> Result<Self> {
        let mut problems = check_keys(settings, POOL_SETTING_KEYS, "pool");
        let defaults = &offering.defaults;
        let dyno_type = setting(
            settings,
            "dyno_type",
            defaults.dyno_type.clone(),
            &mut problems,
            |v| Ok(v.to_owned()),
        );
        let type_speed = offering.types.get(&dyno_type).map_or(1.0, |kind| kind.speed);
        let default_routing = if defaults.routing == "shared" {
            Routing::Shared
        } else {
            Routing::Random
        };
        let resolved = PoolSettings {
            dynos: setting(settings, "dynos", defaults.dynos, &mut problems, |v| {
                parse_whole("dynos", v, "dynos")
            }),
            workers: setting(settings, "workers", defaults.workers, &mut problems, |v| {
                parse_whole("workers", v, "workers")
            }),
            routing: setting(settings, "routing", default_routing, &mut problems, |v| match v {
                "random" => Ok(Routing::Random),
                "shared" => Ok(Routing::Shared),
                _ => Err(format!(
                    "setting `routing`: expected random or shared, found `{v}`"
                )),
            }),
            router_timeout_s: setting(
                settings,
                "router_timeout_s",
                defaults.router_timeout_s,
                &mut problems,
                |v| parse_seconds("router_timeout_s", v).map(seconds),
            ),
            autoscale: setting(
                settings,
                "autoscale",
                PoolAutoscale::Off,
                &mut problems,
                |v| match v {
                    "off" => Ok(PoolAutoscale::Off),
                    "p95" => Ok(PoolAutoscale::P95),
                    "utilization" => Ok(PoolAutoscale::Utilization),
                    _ => Err(format!(
                        "setting `autoscale`: expected off, p95 or utilization, found `{v}`"
                    )),
                },
            ),
            min_dynos: setting(settings, "min_dynos", defaults.min_dynos, &mut problems, |v| {
                parse_whole("min_dynos", v, "dynos")
            }),
            max_dynos: setting(settings, "max_dynos", defaults.max_dynos, &mut problems, |v| {
                parse_whole("max_dynos", v, "dynos")
            }),
            target_p95_ms: setting(
                settings,
                "target_p95_ms",
                defaults.target_p95_ms,
                &mut problems,
                |v| parse_positive("target_p95_ms", v),
            ),
            target_utilization: setting(
                settings,
                "target_utilization",
                defaults.target_utilization,
                &mut problems,
                |v| parse_fraction("target_utilization", v),
            ),
            autoscale_window_s: setting(
                settings,
                "autoscale_window_s",
                defaults.autoscale_window_s,
                &mut problems,
                |v| parse_seconds("autoscale_window_s", v).map(seconds),
            ),
            boot_s: setting(settings, "boot_s", defaults.boot_s, &mut problems, |v| {
                parse_seconds("boot_s", v).map(seconds)
            }),
            speed: setting(settings, "speed", type_speed, &mut problems, |v| {
                parse_positive("speed", v)
            }),
            free_tier: setting(settings, "free_tier", true, &mut problems, |v| {
                parse_bool("free_tier", v)
            }),
            dyno_type,
        };
        resolved.check(book_id, offering, &mut problems);
        if problems.is_empty() {
            Ok(resolved)
        } else {
            Err(Error::usage(problems.join("\n")))
        }
    }

    fn check(&self, book_id: &str, offering: &PoolOffering, problems: &mut Vec<String>) {
        let Some(kind) = offering.types.get(&self.dyno_type) else {
            problems.push(format!(
                "setting `dyno_type`: {book_id} has no type `{}`; its types: {}",
                self.dyno_type,
                offering.types.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            return;
        };
        if self.dynos == 0 {
            problems.push("setting `dynos`: expected at least 1 dyno".into());
        }
        if self.workers == 0 {
            problems.push("setting `workers`: expected at least 1 worker per dyno".into());
        }
        if self.autoscale != PoolAutoscale::Off {
            if !kind.autoscaling {
                problems.push(format!(
                    "setting `autoscale`: {book_id} autoscales only {} dynos, not {}",
                    offering
                        .types
                        .iter()
                        .filter(|(_, kind)| kind.autoscaling)
                        .map(|(name, _)| name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    self.dyno_type
                ));
            }
            if self.min_dynos == 0 || self.min_dynos > self.max_dynos {
                problems.push(format!(
                    "settings `min_dynos` and `max_dynos`: expected 1 <= min <= max, found min {} and max {}",
                    self.min_dynos, self.max_dynos
                ));
            } else if !(self.min_dynos..=self.max_dynos).contains(&self.dynos) {
                problems.push(format!(
                    "setting `dynos`: the starting count {} lies outside min_dynos {} to max_dynos {}",
                    self.dynos, self.min_dynos, self.max_dynos
                ));
            }
        }
        if kind.sleeps && self.dynos > 1 {
            problems.push(format!(
                "setting `dynos`: {} dynos run one per app",
                self.dyno_type
            ));
        }
    }

    /// The choices the bill reads.
    pub fn pricing_choices(&self) -> PoolChoices {
        PoolChoices {
            dyno_type: self.dyno_type.clone(),
            free_tier: self.free_tier,
        }
    }

    /// The farm these settings describe.
    pub fn farm_config(&self, offering: &PoolOffering, origin_into_day: Micros) -> FarmConfig {
        let micros = |seconds: f64| (seconds * MICROS_PER_SECOND as f64).round() as Micros;
        let sleeps = offering
            .types
            .get(&self.dyno_type)
            .is_some_and(|kind| kind.sleeps);
        let scaling = match self.autoscale {
            PoolAutoscale::Off => ScalingPolicy::Fixed,
            PoolAutoscale::P95 => ScalingPolicy::P95 {
                target: (self.target_p95_ms * MICROS_PER_MS as f64).round() as Micros,
                window_periods: (micros(self.autoscale_window_s) / SCALING_PERIOD).max(1) as usize,
            },
            PoolAutoscale::Utilization => ScalingPolicy::StepUtilization {
                target: self.target_utilization,
            },
        };
        FarmConfig {
            initial_servers: self.dynos,
            slots: self.workers,
            speed: self.speed,
            routing: self.routing,
            request_timeout: (self.router_timeout_s > 0.0).then(|| micros(self.router_timeout_s)),
            boot: micros(self.boot_s),
            sleep: sleeps.then(|| Sleep {
                after: micros(offering.sleep_after_s),
                wake: micros(offering.wake_s),
            }),
            accrual_tail: match offering.billing {
                PoolBilling::InstanceHours { accrual_tail_min, .. } => Some(micros(accrual_tail_min * 60.0)),
                PoolBilling::Prorated { .. } => None,
            },
            interruptions_per_hour: 0.0,
            scaling,
            bounds: ScalingBounds {
                min: self.min_dynos,
                max: self.max_dynos.max(self.dynos),
                period: SCALING_PERIOD,
            },
            origin_into_day,
        }
    }
}
