//! A bill: line items with quantities, unit prices and unrounded amounts, as
//! a vendor's invoice lists them, plus what idle capacity cost.

use serde::Serialize;

use crate::metrics::InstanceTally;
use crate::units::MICROS_PER_SECOND;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineItem {
    pub item: String,
    /// Billed quantity, after free allowances.
    pub quantity: f64,
    /// Quantity used but covered by a free allowance.
    pub free_quantity: f64,
    pub unit: String,
    pub unit_price: f64,
    /// `quantity × unit_price`, unrounded; round to cents only for display.
    pub amount: f64,
}

/// Paid capacity-time that served no request, and its share of the bill.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Idle {
    pub seconds: f64,
    pub amount: f64,
}

impl Idle {
    /// The idle share of paid capacity: instance time not busy, and that
    /// share of `capacity_amount` (what the capacity cost).
    pub fn share_of(capacity_amount: f64, tally: &InstanceTally) -> Self {
        let idle_us = tally.instance_us.saturating_sub(tally.busy_us);
        Idle {
            seconds: idle_us as f64 / MICROS_PER_SECOND as f64,
            amount: if tally.instance_us == 0 {
                0.0
            } else {
                capacity_amount * idle_us as f64 / tally.instance_us as f64
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bill {
    pub currency: String,
    pub total: f64,
    pub line_items: Vec<LineItem>,
    pub idle: Idle,
    /// What the reader of the bill should know (allowances exceeded, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Bill {
    /// A bill from its line items; the total is their unrounded sum.
    pub fn new(currency: &str, line_items: Vec<LineItem>, idle: Idle) -> Self {
        Bill {
            currency: currency.to_owned(),
            total: line_items.iter().map(|item| item.amount).sum(),
            line_items,
            idle,
            notes: Vec::new(),
        }
    }
}

/// A quantity to bill and the part of the usage that was free.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Charge {
    pub billed: f64,
    pub free: f64,
}

impl Charge {
    pub fn billed(quantity: f64) -> Self {
        Charge {
            billed: quantity,
            free: 0.0,
        }
    }
}

/// Adds `charge` at `unit_price` to the item of that name, creating it on
/// first use, so that per-month charges become one line per item.
pub fn accumulate(items: &mut Vec<LineItem>, item: &str, unit: &str, unit_price: f64, charge: Charge) {
    let amount = charge.billed * unit_price;
    match items.iter_mut().find(|existing| existing.item == item) {
        Some(existing) => {
            existing.quantity += charge.billed;
            existing.free_quantity += charge.free;
            existing.amount += amount;
        }
        None => items.push(LineItem {
            item: item.to_owned(),
            quantity: charge.billed,
            free_quantity: charge.free,
            unit: unit.to_owned(),
            unit_price,
            amount,
        }),
    }
}
