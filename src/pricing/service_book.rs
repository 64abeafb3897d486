//! The `[service]` section of a price book: a per-request service priced
//! alongside a deployment (API Gateway in front of Lambda), with monthly
//! request tiers and client-facing data out, and the meters of
//! `service_meters.rs` (units per request, storage, capacity, node fees).

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::book::Checker;
use super::data_out::{self, DataOut, RawDataOut};
use super::service_meters::{
    RawCapacity, RawMeters, RawNodeFee, RawStorage, RawUnitMeter, ServiceMeters, validate_meters,
};
use super::tiers::{self, RawTierView, Tier};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawService {
    name: String,
    /// None for a service without a per-request fee (DynamoDB, S3).
    request_tiers: Option<Spanned<Vec<RawRequestTier>>>,
    data_out: Option<RawDataOut>,
    #[serde(default)]
    units: Vec<RawUnitMeter>,
    storage: Option<RawStorage>,
    #[serde(default)]
    capacity: Vec<RawCapacity>,
    node_fee: Option<Spanned<RawNodeFee>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequestTier {
    up_to_millions: Option<Spanned<f64>>,
    price_per_million: Spanned<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceOffering {
    /// Short name for line items, e.g. "API Gateway".
    pub name: String,
    /// Prices per million requests by the month's volume in millions.
    pub request_tiers: Vec<Tier>,
    /// Client-facing data out; a platform behind this service then bills
    /// none of its own (traffic to the service in one region is free).
    pub data_out: Option<DataOut>,
    /// Units per request, storage, provisioned capacity, node fees.
    #[serde(flatten)]
    pub meters: ServiceMeters,
}

pub(super) fn validate_service(raw: RawService, checker: &mut Checker) -> ServiceOffering {
    let request_tiers = raw.request_tiers.as_ref().map_or_else(Vec::new, |request_tiers| {
        let views: Vec<RawTierView> = request_tiers
            .get_ref()
            .iter()
            .map(|tier| RawTierView {
                up_to: tier.up_to_millions.as_ref(),
                price: &tier.price_per_million,
            })
            .collect();
        tiers::validate(
            &views,
            request_tiers,
            "service.request_tiers",
            ("up_to_millions", "price_per_million"),
            checker,
        )
    });
    let meters = validate_meters(
        RawMeters {
            units: &raw.units,
            storage: raw.storage.as_ref(),
            capacity: &raw.capacity,
            node_fee: raw.node_fee.as_ref(),
        },
        checker,
    );
    ServiceOffering {
        name: raw.name,
        request_tiers,
        data_out: raw
            .data_out
            .as_ref()
            .map(|raw| data_out::validate(raw, "service.data_out", checker)),
        meters,
    }
}
