//! The `[pool]` section of a price book: dyno pools and instance classes
//! (Heroku, App Engine, Azure App Service) with their prices, behaviour
//! defaults and billing rule, raw (as parsed) and validated.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::book::Checker;
use super::flat_plan_book::Confidence;
use super::money::Decimal;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPool {
    billing: Spanned<String>,
    seconds_per_month: Option<Spanned<u32>>,
    accrual_tail_min: Option<Spanned<f64>>,
    daily_free_instance_hours: Option<Spanned<f64>>,
    free_hours_per_month: Option<Spanned<f64>>,
    hours_per_month: Option<Spanned<u32>>,
    sleep_after_s: Option<Spanned<f64>>,
    wake_s: Option<Spanned<f64>>,
    defaults: RawPoolDefaults,
    types: Spanned<BTreeMap<String, RawPoolType>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoolDefaults {
    dyno_type: Spanned<String>,
    dynos: Spanned<u32>,
    workers: Spanned<u32>,
    routing: Spanned<String>,
    router_timeout_s: Spanned<f64>,
    boot_s: Spanned<f64>,
    min_dynos: Spanned<u32>,
    max_dynos: Spanned<u32>,
    target_p95_ms: Spanned<f64>,
    target_utilization: Spanned<f64>,
    autoscale_window_s: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoolType {
    monthly_price: Option<Spanned<f64>>,
    hourly_price: Option<Spanned<f64>>,
    plan_fee_per_month: Option<Spanned<f64>>,
    memory_mb: Spanned<u32>,
    speed: Spanned<f64>,
    /// CPU share in compute units (Heroku: standard-1x = 1), for the speed
    /// model; 1 when not given.
    cpu: Option<Spanned<f64>>,
    #[serde(default)]
    sleeps: bool,
    #[serde(default)]
    autoscaling: bool,
    #[serde(default)]
    unconfirmed: bool,
}

/// How a pool is billed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum PoolBilling {
    /// Heroku: each dyno's time is charged at its monthly price divided by
    /// `seconds_per_month`, capped at the monthly price per dyno per month.
    Prorated { seconds_per_month: u32 },
    /// App Engine: instance-hours from an instance's start until
    /// `accrual_tail` after its last request, with free hours each day
    /// (Pacific time) counted in units of the cheapest class.
    InstanceHours {
        accrual_tail_min: f64,
        daily_free_instance_hours: Decimal,
    },
    /// Azure App Service: each instance's whole life (booting, idle or
    /// serving) at its type's hourly price, to the second, with no monthly
    /// cap. `hours_per_month` is the month the vendor's portal quoted
    /// monthly prices for (744 h, 730 h from 2019), for display only.
    Hourly { hours_per_month: Option<u32> },
}

#[derive(Debug, Clone, Serialize)]
pub struct PoolOffering {
    pub billing: PoolBilling,
    /// Free hours per month for sleeping (free) types, shared by the account.
    pub free_hours_per_month: Option<Decimal>,
    pub sleep_after_s: f64,
    pub wake_s: f64,
    pub defaults: PoolDefaults,
    pub types: BTreeMap<String, PoolType>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PoolDefaults {
    pub dyno_type: String,
    pub dynos: u32,
    pub workers: u32,
    pub routing: String,
    pub router_timeout_s: f64,
    pub boot_s: f64,
    pub min_dynos: u32,
    pub max_dynos: u32,
    pub target_p95_ms: f64,
    pub target_utilization: f64,
    pub autoscale_window_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PoolType {
    /// Price per month (prorated billing) or per hour (instance-hours).
    pub price: Decimal,
    /// A flat subscription per calendar month in which the type runs
    /// (Heroku Eco), on top of `price`.
    pub plan_fee_per_month: Decimal,
    pub memory_mb: u32,
    /// How fast requests run relative to the trace's reference hardware.
    pub speed: f64,
    /// CPU share in compute units, for the speed model (`cpu_fraction`).
    pub cpu: f64,
    pub sleeps: bool,
    pub autoscaling: bool,
    /// Whether the price was read in the vendor's own text ([R] if not).
    pub confidence: Confidence,
}

pub(super) fn validate_pool(raw: RawPool, checker: &mut Checker) -> PoolOffering {
    let billing = validate_billing(&raw, checker);
    let hourly = matches!(
        billing,
        PoolBilling::InstanceHours { .. } | PoolBilling::Hourly { .. }
    );
    let types = validate_types(&raw.types, hourly, checker);
    let defaults = validate_defaults(&raw.defaults, &types, checker);
    PoolOffering {
        billing,
        free_hours_per_month: raw
            .free_hours_per_month
            .as_ref()
            .map(|value| checker.quantity(value, "pool.free_hours_per_month")),
        sleep_after_s: raw
            .sleep_after_s
            .as_ref()
            .map_or(0.0, |value| checker.seconds(value, "pool.sleep_after_s")),
        wake_s: raw
            .wake_s
            .as_ref()
            .map_or(0.0, |value| checker.seconds(value, "pool.wake_s")),
        defaults,
        types,
    }
}

fn validate_billing(raw: &RawPool, checker: &mut Checker) -> PoolBilling {
    match raw.billing.get_ref().as_str() {
        "prorated" => PoolBilling::Prorated {
            seconds_per_month: match &raw.seconds_per_month {
                Some(value) => checker.positive(value, "pool.seconds_per_month"),
                None => {
                    checker.problem(
                        &raw.billing,
                        "pool.seconds_per_month",
                        "prorated billing needs seconds_per_month",
                    );
                    1
                }
            },
        },
        "instance_hours" => PoolBilling::InstanceHours {
            accrual_tail_min: raw
                .accrual_tail_min
                .as_ref()
                .map_or(0.0, |value| checker.seconds(value, "pool.accrual_tail_min")),
            daily_free_instance_hours: raw
                .daily_free_instance_hours
                .as_ref()
                .map_or(Decimal::ZERO, |value| {
                    checker.quantity(value, "pool.daily_free_instance_hours")
                }),
        },
        "hourly" => PoolBilling::Hourly {
            hours_per_month: raw
                .hours_per_month
                .as_ref()
                .map(|value| checker.positive(value, "pool.hours_per_month")),
        },
        other => {
            checker.problem(
                &raw.billing,
                "pool.billing",
                format!("expected `prorated`, `instance_hours` or `hourly`, found `{other}`"),
            );
            PoolBilling::Prorated { seconds_per_month: 1 }
        }
    }
}

fn validate_types(
    raw_types: &Spanned<BTreeMap<String, RawPoolType>>,
    hourly: bool,
    checker: &mut Checker,
) -> BTreeMap<String, PoolType> {
    let mut types = BTreeMap::new();
    if raw_types.get_ref().is_empty() {
        checker.problem(raw_types, "pool.types", "expected at least one type");
    }
    for (name, kind) in raw_types.get_ref() {
        let key = format!("pool.types.{name}");
        let price = match (hourly, &kind.monthly_price, &kind.hourly_price) {
            (false, Some(price), None) => checker.price(price, &format!("{key}.monthly_price")),
            (true, None, Some(price)) => checker.price(price, &format!("{key}.hourly_price")),
            _ => {
                checker.problem(
                    &kind.memory_mb,
                    &key,
                    if hourly {
                        "instance-hour billing needs hourly_price (and no monthly_price)"
                    } else {
                        "prorated billing needs monthly_price (and no hourly_price)"
                    },
                );
                Decimal::ZERO
            }
        };
        types.insert(
            name.clone(),
            PoolType {
                price,
                plan_fee_per_month: kind.plan_fee_per_month.as_ref().map_or(Decimal::ZERO, |fee| {
                    checker.price(fee, &format!("{key}.plan_fee_per_month"))
                }),
                memory_mb: checker.positive(&kind.memory_mb, &format!("{key}.memory_mb")),
                speed: checker.positive(&kind.speed, &format!("{key}.speed")),
                cpu: kind
                    .cpu
                    .as_ref()
                    .map_or(1.0, |cpu| checker.positive(cpu, &format!("{key}.cpu"))),
                sleeps: kind.sleeps,
                autoscaling: kind.autoscaling,
                confidence: if kind.unconfirmed {
                    Confidence::Unconfirmed
                } else {
                    Confidence::Confirmed
                },
            },
        );
    }
    types
}

fn validate_defaults(
    defaults: &RawPoolDefaults,
    types: &BTreeMap<String, PoolType>,
    checker: &mut Checker,
) -> PoolDefaults {
    if !types.contains_key(defaults.dyno_type.get_ref()) {
        checker.problem(
            &defaults.dyno_type,
            "pool.defaults.dyno_type",
            format!("`{}` is not among the types", defaults.dyno_type.get_ref()),
        );
    }
    if !matches!(defaults.routing.get_ref().as_str(), "random" | "shared") {
        checker.problem(
            &defaults.routing,
            "pool.defaults.routing",
            "expected `random` or `shared`",
        );
    }
    if defaults.min_dynos.get_ref() > defaults.max_dynos.get_ref() {
        checker.problem(
            &defaults.max_dynos,
            "pool.defaults.max_dynos",
            format!("must not be below min_dynos ({})", defaults.min_dynos.get_ref()),
        );
    }
    PoolDefaults {
        dyno_type: defaults.dyno_type.get_ref().clone(),
        dynos: checker.positive(&defaults.dynos, "pool.defaults.dynos"),
        workers: checker.positive(&defaults.workers, "pool.defaults.workers"),
        routing: defaults.routing.get_ref().clone(),
        router_timeout_s: checker.seconds(&defaults.router_timeout_s, "pool.defaults.router_timeout_s"),
        boot_s: checker.seconds(&defaults.boot_s, "pool.defaults.boot_s"),
        min_dynos: checker.positive(&defaults.min_dynos, "pool.defaults.min_dynos"),
        max_dynos: checker.positive(&defaults.max_dynos, "pool.defaults.max_dynos"),
        target_p95_ms: checker.positive(&defaults.target_p95_ms, "pool.defaults.target_p95_ms"),
        target_utilization: checker
            .fraction(&defaults.target_utilization, "pool.defaults.target_utilization"),
        autoscale_window_s: checker
            .positive(&defaults.autoscale_window_s, "pool.defaults.autoscale_window_s"),
    }
}
