//! A bill: line items with exact decimal quantities, unit prices and
//! amounts, as a vendor's invoice lists them, plus what idle capacity cost.
//! Amounts are exact; only display rounds them to cents.

use serde::Serialize;

use super::money::{Decimal, from_count, ratio, times};
use crate::units::MICROS_PER_SECOND;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineItem {
    pub item: String,
    /// Billed quantity, after free allowances.
    pub quantity: Decimal,
    /// Quantity used but covered by a free allowance.
    pub free_quantity: Decimal,
    pub unit: String,
    pub unit_price: Decimal,
    /// `quantity × unit_price`, exact; round to cents only for display.
    pub amount: Decimal,
}

/// Paid capacity-time that served no request, and its share of the bill:
/// counted in the unit the vendor bills (billed dyno-seconds, started
/// instance-hours, provisioned instance time), never more than the time
/// paid for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Idle {
    /// Paid capacity-seconds that served nothing.
    pub seconds: f64,
    pub amount: Decimal,
    /// The capacity-seconds paid for, of which `seconds` sat idle.
    pub paid_seconds: f64,
}

impl Idle {
    /// The idle share of `paid_us` of capacity (what the vendor billed as
    /// capacity-time) of which `busy_us` served requests, and that share of
    /// `capacity_amount` (what the capacity cost).
    pub fn share_of(capacity_amount: Decimal, paid_us: u128, busy_us: u128) -> Self {
        let idle_us = paid_us - busy_us.min(paid_us);
        Idle {
            seconds: idle_us as f64 / MICROS_PER_SECOND as f64,
            paid_seconds: paid_us as f64 / MICROS_PER_SECOND as f64,
            amount: if paid_us == 0 {
                Decimal::ZERO
            } else {
                times(capacity_amount, ratio(idle_us, paid_us))
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bill {
    pub currency: String,
    pub total: Decimal,
    pub line_items: Vec<LineItem>,
    pub idle: Idle,
    /// What the reader of the bill should know (allowances exceeded, caps
    /// applied, usage no rate in the book prices, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Bill {
    /// A bill from its line items; the total is their exact sum.
    pub fn new(currency: &str, line_items: Vec<LineItem>, idle: Idle) -> Self {
        Bill {
            currency: currency.to_owned(),
            total: sum(&line_items),
            line_items,
            idle,
            notes: Vec::new(),
        }
    }

    /// Adds line items (a service priced alongside) and keeps the total.
    pub fn extend(&mut self, items: Vec<LineItem>) {
        self.line_items.extend(items);
        self.total = sum(&self.line_items);
    }
}

/// The exact sum of `items`' amounts.
pub fn sum(items: &[LineItem]) -> Decimal {
    items
        .iter()
        .fold(Decimal::ZERO, |total, item| total.saturating_add(item.amount))
        .normalize()
}

/// A quantity to bill and the part of the usage that was free.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Charge {
    pub billed: Decimal,
    pub free: Decimal,
}

impl Charge {
    pub fn billed(quantity: Decimal) -> Self {
        Charge {
            billed: quantity,
            free: Decimal::ZERO,
        }
    }

    /// A whole count billed in full.
    pub fn count(count: u128) -> Self {
        Charge::billed(from_count(count))
    }
}

/// Adds `charge` at `unit_price` to the item of that name, creating it on
/// first use, so that per-month charges become one line per item.
pub fn accumulate(items: &mut Vec<LineItem>, item: &str, unit: &str, unit_price: Decimal, charge: Charge) {
    accumulate_amount(
        items,
        item,
        unit,
        unit_price,
        charge,
        times(charge.billed, unit_price),
    );
}

/// [`accumulate`] with the amount computed by the caller, where the vendor's
/// arithmetic is not quantity × a terminating unit price (Heroku prorates
/// the monthly price: price × seconds / seconds per month).
pub fn accumulate_amount(
    items: &mut Vec<LineItem>,
    item: &str,
    unit: &str,
    unit_price: Decimal,
    charge: Charge,
    amount: Decimal,
) {
    let amount = amount.normalize();
    match items.iter_mut().find(|existing| existing.item == item) {
        Some(existing) => {
            existing.quantity = (existing.quantity.saturating_add(charge.billed)).normalize();
            existing.free_quantity = (existing.free_quantity.saturating_add(charge.free)).normalize();
            existing.amount = (existing.amount.saturating_add(amount)).normalize();
        }
        None => items.push(LineItem {
            item: item.to_owned(),
            quantity: charge.billed.normalize(),
            free_quantity: charge.free.normalize(),
            unit: unit.to_owned(),
            unit_price: unit_price.normalize(),
            amount,
        }),
    }
}
