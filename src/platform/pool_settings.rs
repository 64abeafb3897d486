//! A dyno pool deployment's settings: the price book's defaults with the
//! user's `KEY=VALUE` overrides, checked against the book, and the farm
//! configuration they describe.

use serde::Serialize;

use super::autoscale::{ScalingBounds, ScalingPolicy};
use super::farm::{FarmConfig, Routing, Sleep};
use super::settings::{Kind, Setting, SettingSpec, Values};
use super::speed::{CPU_FRACTION, SpeedSettings, THREADS};
use crate::error::{Error, Result, SettingProblem};
use crate::pricing::PoolChoices;
use crate::pricing::pool_book::{PoolBilling, PoolOffering};
use crate::units::{MICROS_PER_MS, MICROS_PER_SECOND, Micros};

/// Autoscaling decisions are made once a minute (Heroku: "at least 1
/// minute apart").
const SCALING_PERIOD: Micros = 60 * MICROS_PER_SECOND;

/// Most servers a pool or VM group may run: the work per request does not
/// grow with it, but the cost of starting them does.
pub const MAX_SERVERS: u32 = 10_000;

const SERVERS: Kind = Kind::Whole {
    unit: "dynos",
    min: 1,
    max: MAX_SERVERS,
};

/// The keys a dyno pool accepts.
pub const POOL_SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        key: "dyno_type",
        kind: Kind::Name,
        doc: "dyno type or instance class (see the book's types, e.g. standard-1x)",
    },
    SettingSpec {
        key: "dynos",
        kind: SERVERS,
        doc: "dynos running (the starting count when autoscaling)",
    },
    SettingSpec {
        key: "workers",
        kind: Kind::Whole {
            unit: "workers",
            min: 1,
            max: 10_000,
        },
        doc: "requests one dyno serves at a time (web server processes or threads)",
    },
    SettingSpec {
        key: "routing",
        kind: Kind::Choice(&["random", "shared"]),
        doc: "random (Heroku's router: a random dyno, whose queue holds the request) or shared (one queue)",
    },
    SettingSpec {
        key: "router_timeout_s",
        kind: Kind::Span { min: 0 },
        doc: "responses slower than this count as timed out (Heroku H12: 30 s); 0 for none",
    },
    SettingSpec {
        key: "backlog_limit",
        kind: Kind::Whole {
            unit: "requests per dyno",
            min: 0,
            max: 1_000_000,
        },
        doc: "requests allowed to wait per dyno; arrivals beyond are refused (default: no limit)",
    },
    SettingSpec {
        key: "autoscale",
        kind: Kind::Choice(&["off", "p95", "utilization", "schedule"]),
        doc: "off, p95 (Heroku: ±1 dyno a minute on p95 response time), utilization or schedule",
    },
    SettingSpec {
        key: "min_dynos",
        kind: SERVERS,
        doc: "autoscaling floor",
    },
    SettingSpec {
        key: "max_dynos",
        kind: SERVERS,
        doc: "autoscaling ceiling",
    },
    SettingSpec {
        key: "target_p95_ms",
        kind: Kind::Number {
            unit: "ms",
            min: 1.0,
            max: 3_600_000.0,
        },
        doc: "p95 response time the p95 rule aims for",
    },
    SettingSpec {
        key: "target_utilization",
        kind: Kind::Fraction,
        doc: "busy share of workers the utilization rule aims for (e.g. 0.7)",
    },
    SettingSpec {
        key: "autoscale_window_s",
        kind: Kind::Span { min: 1 },
        doc: "trailing window of the p95 rule (Heroku: one hour)",
    },
    SettingSpec {
        key: "boot_s",
        kind: Kind::Span { min: 0 },
        doc: "a dyno added by scaling serves only after this long (billed meanwhile)",
    },
    SettingSpec {
        key: "speed",
        kind: Kind::Number {
            unit: "times the trace's speed",
            min: 0.001,
            max: 1_000.0,
        },
        doc: "requests run this many times faster than in the trace (default: the type's)",
    },
    SettingSpec {
        key: "free_tier",
        kind: Kind::Flag,
        doc: "deduct free dyno or instance hours",
    },
    SettingSpec {
        key: "schedule",
        kind: Kind::Name,
        doc: "with autoscale=schedule: dynos by hour of day (UTC), e.g. 0-7:1,8-19:3,20-23:1",
    },
    CPU_FRACTION,
    THREADS,
    SettingSpec {
        key: "reference_dyno_type",
        kind: Kind::Name,
        doc: "dyno type the trace's durations were recorded on, for the speed model (default: dyno_type)",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolAutoscale {
    Off,
    P95,
    Utilization,
    Schedule,
}

#[derive(Debug, Clone, Serialize)]
pub struct PoolSettings {
    pub dyno_type: String,
    pub dynos: u32,
    pub workers: u32,
    pub routing: Routing,
    pub router_timeout_s: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backlog_limit: Option<u32>,
    pub autoscale: PoolAutoscale,
    pub min_dynos: u32,
    pub max_dynos: u32,
    pub target_p95_ms: f64,
    pub target_utilization: f64,
    pub autoscale_window_s: f64,
    pub boot_s: f64,
    pub speed: f64,
    pub free_tier: bool,
    /// Dynos by hour of day (UTC) when autoscaling on a schedule.
    pub schedule: Option<[u32; 24]>,
    pub cpu_fraction: f64,
    pub threads: u32,
    pub reference_dyno_type: String,
}

impl PoolSettings {
    pub fn resolve(book_id: &str, offering: &PoolOffering, settings: &[Setting]) -> Result<Self> {
        let (values, mut problems) = Values::parse(POOL_SETTINGS, settings, "pool");
        let defaults = &offering.defaults;
        let dyno_type = values
            .text("dyno_type")
            .map_or_else(|| defaults.dyno_type.clone(), str::to_owned);
        let type_speed = offering.types.get(&dyno_type).map_or(1.0, |kind| kind.speed);
        let routing = match values.text("routing").unwrap_or(&defaults.routing) {
            "shared" => Routing::Shared,
            _ => Routing::Random,
        };
        let resolved = PoolSettings {
            dynos: values.whole("dynos").unwrap_or(defaults.dynos),
            workers: values.whole("workers").unwrap_or(defaults.workers),
            routing,
            router_timeout_s: values
                .seconds("router_timeout_s")
                .unwrap_or(defaults.router_timeout_s),
            backlog_limit: values.whole("backlog_limit"),
            autoscale: match values.text("autoscale") {
                Some("p95") => PoolAutoscale::P95,
                Some("utilization") => PoolAutoscale::Utilization,
                Some("schedule") => PoolAutoscale::Schedule,
                _ => PoolAutoscale::Off,
            },
            min_dynos: values.whole("min_dynos").unwrap_or(defaults.min_dynos),
            max_dynos: values.whole("max_dynos").unwrap_or(defaults.max_dynos),
            target_p95_ms: values.number("target_p95_ms").unwrap_or(defaults.target_p95_ms),
            target_utilization: values
                .number("target_utilization")
                .unwrap_or(defaults.target_utilization),
            autoscale_window_s: values
                .seconds("autoscale_window_s")
                .unwrap_or(defaults.autoscale_window_s),
            boot_s: values.seconds("boot_s").unwrap_or(defaults.boot_s),
            speed: values.number("speed").unwrap_or(type_speed),
            free_tier: values.flag("free_tier").unwrap_or(true),
            schedule: schedule_of(&values, &mut problems),
            cpu_fraction: values.number("cpu_fraction").unwrap_or(0.0),
            threads: values.whole("threads").unwrap_or(1),
            reference_dyno_type: values
                .text("reference_dyno_type")
                .map_or_else(|| dyno_type.clone(), str::to_owned),
            dyno_type,
        };
        resolved.check(book_id, offering, &values, &mut problems);
        Error::settings(problems)?;
        Ok(resolved)
    }

    fn check(
        &self,
        book_id: &str,
        offering: &PoolOffering,
        values: &Values,
        problems: &mut Vec<SettingProblem>,
    ) {
        if values.has("reference_dyno_type") && !offering.types.contains_key(&self.reference_dyno_type) {
            problems.push(SettingProblem::at(
                "reference_dyno_type",
                format!(
                    "setting `reference_dyno_type`: {book_id} has no type `{}`",
                    self.reference_dyno_type
                ),
            ));
        }
        let Some(kind) = offering.types.get(&self.dyno_type) else {
            problems.push(SettingProblem::at(
                "dyno_type",
                format!(
                    "setting `dyno_type`: {book_id} has no type `{}`; its types: {}",
                    self.dyno_type,
                    offering.types.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
            return;
        };
        if self.autoscale != PoolAutoscale::Off {
            if !kind.autoscaling {
                let autoscaling: Vec<&str> = offering
                    .types
                    .iter()
                    .filter(|(_, kind)| kind.autoscaling)
                    .map(|(name, _)| name.as_str())
                    .collect();
                problems.push(SettingProblem::at(
                    "autoscale",
                    format!(
                        "setting `autoscale`: {book_id} autoscales only {} dynos, not {}",
                        autoscaling.join(", "),
                        self.dyno_type
                    ),
                ));
            }
            check_bounds(
                ("dynos", "min_dynos", "max_dynos"),
                (self.dynos, self.min_dynos, self.max_dynos),
                values,
                problems,
            );
        }
        check_schedule(self, values, problems);
        if kind.sleeps && self.dynos > 1 {
            problems.push(SettingProblem::at(
                "dynos",
                format!("setting `dynos`: {} dynos run one per app", self.dyno_type),
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

    pub fn speed_settings(&self) -> SpeedSettings {
        SpeedSettings {
            cpu_fraction: self.cpu_fraction,
            threads: self.threads,
        }
    }

    /// The farm these settings describe.
    pub fn farm_config(&self, offering: &PoolOffering, origin_into_day: Micros) -> FarmConfig {
        let cpu_of = |name: &str| offering.types.get(name).map_or(1.0, |kind| kind.cpu);
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
            PoolAutoscale::Schedule => ScalingPolicy::Schedule {
                counts: self.schedule.unwrap_or([self.dynos; 24]),
            },
        };
        FarmConfig {
            initial_servers: self.dynos,
            slots: self.workers,
            speed: self.speed,
            duration_scale: self
                .speed_settings()
                .scale(cpu_of(&self.reference_dyno_type), cpu_of(&self.dyno_type)),
            routing: self.routing,
            request_timeout: (self.router_timeout_s > 0.0).then(|| micros(self.router_timeout_s)),
            queue_limit: self.backlog_limit,
            boot: micros(self.boot_s),
            sleep: sleeps.then(|| Sleep {
                after: micros(offering.sleep_after_s),
                wake: micros(offering.wake_s),
            }),
            accrual_tail: match offering.billing {
                PoolBilling::InstanceHours { accrual_tail_min, .. } => Some(micros(accrual_tail_min * 60.0)),
                PoolBilling::Prorated { .. } | PoolBilling::Hourly { .. } => None,
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

/// The `schedule` setting, parsed; a problem when malformed.
fn schedule_of(values: &Values, problems: &mut Vec<SettingProblem>) -> Option<[u32; 24]> {
    let text = values.text("schedule")?;
    super::vm_settings::parse_schedule(text)
        .map_err(|message| problems.push(SettingProblem::at("schedule", message)))
        .ok()
}

/// A schedule goes with autoscale=schedule, and the other way round, and
/// its counts lie within the autoscaling bounds.
fn check_schedule(settings: &PoolSettings, values: &Values, problems: &mut Vec<SettingProblem>) {
    let scheduling = settings.autoscale == PoolAutoscale::Schedule;
    if scheduling && !values.has("schedule") {
        problems.push(SettingProblem::at(
            "autoscale",
            "setting `autoscale`: schedule needs a `schedule`, e.g. 0-7:1,8-19:3,20-23:1",
        ));
    } else if !scheduling && settings.schedule.is_some() {
        problems.push(SettingProblem::at(
            "schedule",
            "setting `schedule`: needs autoscale=schedule",
        ));
    } else if let Some(count) = settings
        .schedule
        .iter()
        .flatten()
        .find(|count| !(settings.min_dynos..=settings.max_dynos).contains(count))
    {
        problems.push(SettingProblem::at(
            "schedule",
            format!(
                "setting `schedule`: {count} dynos lie outside min_dynos {} to max_dynos {}",
                settings.min_dynos, settings.max_dynos
            ),
        ));
    }
}

/// Checks `min <= start <= max` of an autoscaled group, blaming the key the
/// user gave (the book's own defaults are checked when the book is read).
pub(super) fn check_bounds(
    (start_key, min_key, max_key): (&str, &str, &str),
    (start, min, max): (u32, u32, u32),
    values: &Values,
    problems: &mut Vec<SettingProblem>,
) {
    if min > max {
        let key = if values.has(max_key) { max_key } else { min_key };
        problems.push(SettingProblem::at(
            key,
            format!(
                "settings `{min_key}` and `{max_key}`: expected {min_key} <= {max_key}, found {min} and {max}"
            ),
        ));
    } else if !(min..=max).contains(&start) {
        problems.push(SettingProblem::at(
            start_key,
            format!("setting `{start_key}`: the starting count {start} lies outside {min_key} {min} to {max_key} {max}"),
        ));
    }
}
