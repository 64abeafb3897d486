//! The one tier rule: a month's volume (GB-seconds, requests, GB sent) is
//! split over price steps by its cumulative position, after a free allowance
//! taken from the bottom. Duration tiers, request tiers and data-out tiers
//! are all this rule; books write them as lists of `{ up_to_…, price_… }`.

use toml::Spanned;

use super::bill::{Charge, LineItem, accumulate};
use super::book::Checker;
use super::money::{Decimal, from_book};

/// One step: volume up to `up_to` (cumulative within the month; none for
/// the last, open-ended step) costs `price` per unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Tier {
    pub up_to: Option<Decimal>,
    pub price: Decimal,
}

/// What one tier charges for a month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TierCharge {
    pub index: usize,
    pub billed: Decimal,
    /// Volume inside this tier that the allowance covered.
    pub free: Decimal,
}

/// Splits `used` over `tiers` after `allowance` free units. The first tier
/// is always reported (so a bill shows its line even at zero); later tiers
/// only when they bill something.
pub fn split(used: Decimal, allowance: Decimal, tiers: &[Tier]) -> Vec<TierCharge> {
    let mut charges = Vec::new();
    let mut start = Decimal::ZERO;
    for (index, tier) in tiers.iter().enumerate() {
        let end = tier.up_to.unwrap_or(Decimal::MAX);
        let billed = (used.min(end) - allowance.max(start)).max(Decimal::ZERO);
        let free = (used.min(end).min(allowance) - start).max(Decimal::ZERO);
        if index == 0 || billed > Decimal::ZERO {
            charges.push(TierCharge {
                index,
                billed: billed.normalize(),
                free: free.normalize(),
            });
        }
        start = end;
    }
    charges
}

/// Adds a month's `used` volume over `tiers` after `allowance` to `items`,
/// as lines named `label` (or `label, tier N` when there are several tiers).
pub fn bill(
    items: &mut Vec<LineItem>,
    label: &str,
    unit: &str,
    used: Decimal,
    allowance: Decimal,
    tiers: &[Tier],
) {
    for charge in split(used, allowance, tiers) {
        let name = if tiers.len() == 1 {
            label.to_owned()
        } else {
            format!("{label}, tier {}", charge.index + 1)
        };
        accumulate(
            items,
            &name,
            unit,
            tiers[charge.index].price,
            Charge {
                billed: charge.billed,
                free: charge.free,
            },
        );
    }
}

/// A tier as a book writes it: its bound and its price, with their spans.
pub(super) struct RawTierView<'a> {
    pub up_to: Option<&'a Spanned<f64>>,
    pub price: &'a Spanned<f64>,
}

/// Checks a book's tier list under `key`: at least one tier, bounds that
/// increase, only the last one open-ended. `bound` and `price` name the
/// book's fields (`up_to_gb_s`, `price_per_gb_s`) in messages.
pub(super) fn validate(
    tiers: &[RawTierView],
    at: &Spanned<impl Sized>,
    key: &str,
    (bound, price): (&str, &str),
    checker: &mut Checker,
) -> Vec<Tier> {
    if tiers.is_empty() {
        checker.problem(at, key, "expected at least one tier");
    }
    let mut previous = Decimal::ZERO;
    let mut validated = Vec::new();
    for (index, tier) in tiers.iter().enumerate() {
        let tier_key = format!("{key}[{index}]");
        let last = index + 1 == tiers.len();
        let up_to = match (tier.up_to, last) {
            (Some(value), false) => {
                let decimal = from_book(*value.get_ref()).filter(|bound| *bound > previous);
                if decimal.is_none() {
                    checker.problem(value, &format!("{tier_key}.{bound}"), "tier bounds must increase");
                }
                previous = decimal.unwrap_or(previous);
                decimal
            }
            (None, true) => None,
            (Some(value), true) => {
                checker.problem(
                    value,
                    &format!("{tier_key}.{bound}"),
                    "the last tier is open-ended: remove its bound",
                );
                None
            }
            (None, false) => {
                checker.problem(
                    tier.price,
                    &tier_key,
                    format!("only the last tier may omit {bound}"),
                );
                None
            }
        };
        validated.push(Tier {
            up_to,
            price: checker.price(tier.price, &format!("{tier_key}.{price}")),
        });
    }
    validated
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().expect("decimal")
    }

    fn tiers() -> Vec<Tier> {
        vec![
            Tier {
                up_to: Some(d("10")),
                price: d("3"),
            },
            Tier {
                up_to: Some(d("50")),
                price: d("2"),
            },
            Tier {
                up_to: None,
                price: d("1"),
            },
        ]
    }

    #[test]
    fn volume_fills_tiers_from_the_bottom_after_the_allowance() {
        // 60 used, 4 free: tier 1 bills 10 - 4 = 6 (4 free), tier 2 bills
        // 50 - 10 = 40, tier 3 bills 60 - 50 = 10.
        let charges = split(d("60"), d("4"), &tiers());
        let billed: Vec<_> = charges.iter().map(|c| (c.index, c.billed, c.free)).collect();
        assert_eq!(
            billed,
            vec![(0, d("6"), d("4")), (1, d("40"), d("0")), (2, d("10"), d("0"))]
        );
    }

    #[test]
    fn an_allowance_past_the_first_tier_frees_the_second_too() {
        // 20 used, 15 free: tier 1 all free (10), tier 2 bills 20 - 15 = 5
        // with 5 free.
        let charges = split(d("20"), d("15"), &tiers());
        let billed: Vec<_> = charges.iter().map(|c| (c.index, c.billed, c.free)).collect();
        assert_eq!(billed, vec![(0, d("0"), d("10")), (1, d("5"), d("5"))]);
    }

    #[test]
    fn the_first_tier_shows_even_when_nothing_is_used() {
        let charges = split(Decimal::ZERO, d("4"), &tiers());
        assert_eq!(charges.len(), 1);
        assert_eq!((charges[0].billed, charges[0].free), (d("0"), d("0")));
    }
}
