//! The `[service]` section of a price book: a per-request service priced
//! alongside a deployment (API Gateway in front of Lambda), with monthly
//! request tiers and data out.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::book::Checker;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawService {
    name: String,
    request_tiers: Spanned<Vec<RawRequestTier>>,
    data_out_price_per_gb: Option<Spanned<f64>>,
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
    pub request_tiers: Vec<RequestTier>,
    pub data_out_price_per_gb: Option<f64>,
}

/// Requests of a month up to `up_to_millions` (cumulative; none for the
/// last tier) cost `price_per_million`.
#[derive(Debug, Clone, Serialize)]
pub struct RequestTier {
    pub up_to_millions: Option<f64>,
    pub price_per_million: f64,
}

pub(super) fn validate_service(raw: RawService, checker: &mut Checker) -> ServiceOffering {
    let tiers = raw.request_tiers.get_ref();
    if tiers.is_empty() {
        checker.problem(
            &raw.request_tiers,
            "service.request_tiers",
            "expected at least one tier",
        );
    }
    let mut previous = 0.0;
    let mut request_tiers = Vec::new();
    for (index, tier) in tiers.iter().enumerate() {
        let key = format!("service.request_tiers[{index}]");
        let last = index + 1 == tiers.len();
        let up_to_millions = match (&tier.up_to_millions, last) {
            (Some(bound), false) => {
                let value = *bound.get_ref();
                if value.is_nan() || value <= previous {
                    checker.problem(
                        bound,
                        &format!("{key}.up_to_millions"),
                        "tier bounds must increase",
                    );
                }
                previous = value;
                Some(value)
            }
            (None, true) => None,
            (Some(bound), true) => {
                checker.problem(
                    bound,
                    &format!("{key}.up_to_millions"),
                    "the last tier is open-ended: remove its bound",
                );
                None
            }
            (None, false) => {
                checker.problem(
                    &tier.price_per_million,
                    &key,
                    "only the last tier may omit up_to_millions",
                );
                None
            }
        };
        request_tiers.push(RequestTier {
            up_to_millions,
            price_per_million: checker.price(&tier.price_per_million, &format!("{key}.price_per_million")),
        });
    }
    ServiceOffering {
        name: raw.name,
        request_tiers,
        data_out_price_per_gb: raw
            .data_out_price_per_gb
            .as_ref()
            .map(|value| checker.price(value, "service.data_out_price_per_gb")),
    }
}
