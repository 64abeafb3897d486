//! Data sent to the internet, as AWS and Google bill it: a free allowance per
//! calendar month, then tiers by the month's volume in GB (2^30 bytes).
//! Shared by every book that prices egress (`[….data_out]`).

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::bill::LineItem;
use super::book::Checker;
use super::money::{Decimal, ratio};
use super::tiers::{self, RawTierView, Tier};

pub const BYTES_PER_GB: u128 = 1 << 30;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDataOut {
    #[serde(default)]
    free_gb_per_month: Option<Spanned<f64>>,
    tiers: Spanned<Vec<RawDataOutTier>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDataOutTier {
    up_to_gb: Option<Spanned<f64>>,
    price_per_gb: Spanned<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataOut {
    pub free_gb_per_month: Decimal,
    pub tiers: Vec<Tier>,
}

pub(super) fn validate(raw: &RawDataOut, key: &str, checker: &mut Checker) -> DataOut {
    let views: Vec<RawTierView> = raw
        .tiers
        .get_ref()
        .iter()
        .map(|tier| RawTierView {
            up_to: tier.up_to_gb.as_ref(),
            price: &tier.price_per_gb,
        })
        .collect();
    DataOut {
        free_gb_per_month: raw.free_gb_per_month.as_ref().map_or(Decimal::ZERO, |free| {
            checker.quantity(free, &format!("{key}.free_gb_per_month"))
        }),
        tiers: tiers::validate(
            &views,
            &raw.tiers,
            &format!("{key}.tiers"),
            ("up_to_gb", "price_per_gb"),
            checker,
        ),
    }
}

impl DataOut {
    /// One line for `pricing show`: "first 1 GB free, then $0.09/GB up to
    /// 10240 GB, …".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.free_gb_per_month.is_zero() {
            parts.push(format!("first {} GB a month free", self.free_gb_per_month));
        }
        for tier in &self.tiers {
            parts.push(match tier.up_to {
                Some(bound) => format!("${}/GB up to {bound} GB", tier.price),
                None => format!("${}/GB beyond", tier.price),
            });
        }
        parts.join(", ")
    }

    /// Adds one month's `bytes` to `items` as "{label}" lines (one per tier
    /// used).
    pub fn bill_month(&self, label: &str, bytes: u128, items: &mut Vec<LineItem>) {
        if bytes == 0 {
            return;
        }
        let gigabytes = ratio(bytes, BYTES_PER_GB);
        tiers::bill(items, label, "GB", gigabytes, self.free_gb_per_month, &self.tiers);
    }
}
