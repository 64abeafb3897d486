//! What a service book charges besides its per-request fee: units counted
//! per request (DynamoDB read/write request units, S3 GETs and PUTs),
//! storage per GB-month, provisioned capacity per unit-hour (DynamoDB 2016)
//! and a management fee on the nodes of the platform underneath (Docker
//! Cloud per node-hour, or a share of the instance price). The counts and
//! sizes a deployment gives are [`ServiceSettings`](super::service_settings).

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::book::Checker;
use super::money::Decimal;

/// A count a deployment gives per request (or per trace row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Reads,
    Writes,
    Gets,
    Puts,
}

impl UnitKind {
    const ALL: [UnitKind; 4] = [UnitKind::Reads, UnitKind::Writes, UnitKind::Gets, UnitKind::Puts];

    pub fn name(self) -> &'static str {
        match self {
            UnitKind::Reads => "reads",
            UnitKind::Writes => "writes",
            UnitKind::Gets => "gets",
            UnitKind::Puts => "puts",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        UnitKind::ALL.into_iter().find(|kind| kind.name() == text)
    }

    /// The deployment key giving its count per request, e.g. `reads_per_request`.
    pub fn per_request_key(self) -> String {
        format!("{}_per_request", self.name())
    }

    /// The deployment key giving provisioned units, e.g. `read_capacity_units`.
    pub fn capacity_key(self) -> String {
        format!("{}_capacity_units", self.name().trim_end_matches('s'))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUnitMeter {
    count: Spanned<String>,
    label: String,
    price_per_million: Option<Spanned<f64>>,
    price_per_thousand: Option<Spanned<f64>>,
    free_per_month: Option<Spanned<f64>>,
    default_per_request: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStorage {
    price_per_gb_month: Spanned<f64>,
    free_gb: Option<Spanned<f64>>,
    default_gb: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCapacity {
    count: Spanned<String>,
    label: String,
    price_per_unit_hour: Spanned<f64>,
    free_units: Option<Spanned<u32>>,
    default_units: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNodeFee {
    label: String,
    price_per_node_hour: Option<Spanned<f64>>,
    share_of_instance_price: Option<Spanned<f64>>,
}

/// Units counted per request, each priced per unit after a monthly allowance.
#[derive(Debug, Clone, Serialize)]
pub struct UnitMeter {
    pub count: UnitKind,
    pub label: String,
    pub price_per_unit: Decimal,
    pub free_per_month: Decimal,
    /// Units per request when the deployment gives no count.
    pub default_per_request: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct StorageRate {
    pub price_per_gb_month: Decimal,
    /// Free GB in each whole month (prorated over part of one).
    pub free_gb: Decimal,
    pub default_gb: Decimal,
}

/// Provisioned capacity billed per unit-hour whether used or not.
#[derive(Debug, Clone, Serialize)]
pub struct CapacityRate {
    pub count: UnitKind,
    pub label: String,
    pub price_per_unit_hour: Decimal,
    pub free_units: u32,
    pub default_units: u32,
}

/// A management fee on the platform's own nodes.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeFee {
    /// Per node-hour of the instances the platform ran (prorated per second).
    PerNodeHour { label: String, price: Decimal },
    /// A share of the platform's instance-hour charges.
    ShareOfInstancePrice { label: String, share: Decimal },
}

/// Everything a service bills besides requests and data out.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServiceMeters {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<UnitMeter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage: Option<StorageRate>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub capacity: Vec<CapacityRate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_fee: Option<NodeFee>,
}

/// The raw sections, as `[service]` holds them.
pub(super) struct RawMeters<'a> {
    pub units: &'a [RawUnitMeter],
    pub storage: Option<&'a RawStorage>,
    pub capacity: &'a [RawCapacity],
    pub node_fee: Option<&'a Spanned<RawNodeFee>>,
}

fn unit_kind(text: &Spanned<String>, key: &str, checker: &mut Checker) -> UnitKind {
    UnitKind::parse(text.get_ref()).unwrap_or_else(|| {
        checker.problem(
            text,
            key,
            format!(
                "expected `reads`, `writes`, `gets` or `puts`, found `{}`",
                text.get_ref()
            ),
        );
        UnitKind::Reads
    })
}

fn validate_unit(raw: &RawUnitMeter, checker: &mut Checker) -> UnitMeter {
    let key = "service.units";
    let price_per_unit = match (&raw.price_per_million, &raw.price_per_thousand) {
        (Some(price), None) => {
            checker.price(price, &format!("{key}.price_per_million")) / Decimal::from(1_000_000)
        }
        (None, Some(price)) => {
            checker.price(price, &format!("{key}.price_per_thousand")) / Decimal::from(1_000)
        }
        _ => {
            checker.problem(
                &raw.count,
                key,
                "give exactly one of price_per_million and price_per_thousand",
            );
            Decimal::ZERO
        }
    };
    UnitMeter {
        count: unit_kind(&raw.count, &format!("{key}.count"), checker),
        label: raw.label.clone(),
        price_per_unit,
        free_per_month: raw.free_per_month.as_ref().map_or(Decimal::ZERO, |free| {
            checker.quantity(free, &format!("{key}.free_per_month"))
        }),
        default_per_request: raw.default_per_request.as_ref().map_or(Decimal::ONE, |count| {
            checker.quantity(count, &format!("{key}.default_per_request"))
        }),
    }
}

fn validate_node_fee(raw: &Spanned<RawNodeFee>, checker: &mut Checker) -> NodeFee {
    let fee = raw.get_ref();
    let label = fee.label.clone();
    match (&fee.price_per_node_hour, &fee.share_of_instance_price) {
        (Some(price), None) => NodeFee::PerNodeHour {
            label,
            price: checker.price(price, "service.node_fee.price_per_node_hour"),
        },
        (None, Some(share)) => NodeFee::ShareOfInstancePrice {
            label,
            share: checker.discount(share, "service.node_fee.share_of_instance_price"),
        },
        _ => {
            checker.problem(
                raw,
                "service.node_fee",
                "give exactly one of price_per_node_hour and share_of_instance_price",
            );
            NodeFee::PerNodeHour {
                label,
                price: Decimal::ZERO,
            }
        }
    }
}

pub(super) fn validate_meters(raw: RawMeters, checker: &mut Checker) -> ServiceMeters {
    let units: Vec<UnitMeter> = raw
        .units
        .iter()
        .map(|unit| validate_unit(unit, checker))
        .collect();
    let capacity: Vec<CapacityRate> = raw
        .capacity
        .iter()
        .map(|rate| CapacityRate {
            count: unit_kind(&rate.count, "service.capacity.count", checker),
            label: rate.label.clone(),
            price_per_unit_hour: checker
                .price(&rate.price_per_unit_hour, "service.capacity.price_per_unit_hour"),
            free_units: rate.free_units.as_ref().map_or(0, |free| *free.get_ref()),
            default_units: *rate.default_units.get_ref(),
        })
        .collect();
    for (index, rate) in capacity.iter().enumerate() {
        if capacity[..index].iter().any(|other| other.count == rate.count) {
            checker.problem(
                &raw.capacity[index].count,
                "service.capacity.count",
                "given twice",
            );
        }
    }
    for (index, unit) in units.iter().enumerate() {
        if units[..index].iter().any(|other| other.count == unit.count) {
            checker.problem(&raw.units[index].count, "service.units.count", "given twice");
        }
    }
    ServiceMeters {
        units,
        storage: raw.storage.map(|storage| StorageRate {
            price_per_gb_month: checker
                .price(&storage.price_per_gb_month, "service.storage.price_per_gb_month"),
            free_gb: storage.free_gb.as_ref().map_or(Decimal::ZERO, |free| {
                checker.quantity(free, "service.storage.free_gb")
            }),
            default_gb: checker.quantity(&storage.default_gb, "service.storage.default_gb"),
        }),
        capacity,
        node_fee: raw.node_fee.map(|fee| validate_node_fee(fee, checker)),
    }
}

impl ServiceMeters {
    /// Lines for `pricing show`: each rate with its allowance and default.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for unit in &self.units {
            out.push_str(&format!(
                "{}: ${}/M ({}_per_request, default {}){}.\n",
                unit.label,
                (unit.price_per_unit * Decimal::from(1_000_000)).normalize(),
                unit.count.name(),
                unit.default_per_request.normalize(),
                free_text(unit.free_per_month, "a month")
            ));
        }
        if let Some(storage) = &self.storage {
            out.push_str(&format!(
                "Storage: ${}/GB-month (storage_gb, default {}){}.\n",
                storage.price_per_gb_month.normalize(),
                storage.default_gb.normalize(),
                free_text(storage.free_gb, "GB a month")
            ));
        }
        for rate in &self.capacity {
            out.push_str(&format!(
                "{}: ${}/unit-hour ({}, default {}){}.\n",
                rate.label,
                rate.price_per_unit_hour.normalize(),
                rate.count.capacity_key(),
                rate.default_units,
                free_text(Decimal::from(rate.free_units), "units")
            ));
        }
        match &self.node_fee {
            Some(NodeFee::PerNodeHour { label, price }) => out.push_str(&format!(
                "{label}: ${}/node-hour of the platform's instances.\n",
                price.normalize()
            )),
            Some(NodeFee::ShareOfInstancePrice { label, share }) => out.push_str(&format!(
                "{label}: {}% of the platform's instance charges.\n",
                (*share * Decimal::from(100)).normalize()
            )),
            None => {}
        }
        out
    }
}

fn free_text(free: Decimal, unit: &str) -> String {
    if free.is_zero() {
        String::new()
    } else {
        format!(", first {} {unit} free", free.normalize())
    }
}
