//! The `[service]` section of a price book: a per-request service priced
//! alongside a deployment (API Gateway in front of Lambda), with monthly
//! request tiers and client-facing data out.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::book::Checker;
use super::data_out::{self, DataOut, RawDataOut};
use super::tiers::{self, RawTierView, Tier};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawService {
    name: String,
    request_tiers: Spanned<Vec<RawRequestTier>>,
    data_out: Option<RawDataOut>,
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
}

pub(super) fn validate_service(raw: RawService, checker: &mut Checker) -> ServiceOffering {
    let views: Vec<RawTierView> = raw
        .request_tiers
        .get_ref()
        .iter()
        .map(|tier| RawTierView {
            up_to: tier.up_to_millions.as_ref(),
            price: &tier.price_per_million,
        })
        .collect();
    ServiceOffering {
        name: raw.name,
        request_tiers: tiers::validate(
            &views,
            &raw.request_tiers,
            "service.request_tiers",
            ("up_to_millions", "price_per_million"),
            checker,
        ),
        data_out: raw
            .data_out
            .as_ref()
            .map(|raw| data_out::validate(raw, "service.data_out", checker)),
    }
}
