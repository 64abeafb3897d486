//! A bill: line items with quantities, unit prices and unrounded amounts, as
//! a vendor's invoice lists them, plus what idle capacity cost.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineItem {
    pub item: String,
    /// Billed quantity, after free allowances.
    pub quantity: f64,
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bill {
    pub currency: String,
    pub total: f64,
    pub line_items: Vec<LineItem>,
    pub idle: Idle,
}

impl Bill {
    /// A bill from its line items; the total is their unrounded sum.
    pub fn new(currency: &str, line_items: Vec<LineItem>, idle: Idle) -> Self {
        Bill {
            currency: currency.to_owned(),
            total: line_items.iter().map(|item| item.amount).sum(),
            line_items,
            idle,
        }
    }
}

/// Adds `amount` for `quantity` to the item of that name, creating it on
/// first use, so that per-month charges become one line per item.
pub fn accumulate(items: &mut Vec<LineItem>, item: &str, unit: &str, unit_price: f64, quantity: f64) {
    let amount = quantity * unit_price;
    match items.iter_mut().find(|existing| existing.item == item) {
        Some(existing) => {
            existing.quantity += quantity;
            existing.amount += amount;
        }
        None => items.push(LineItem {
            item: item.to_owned(),
            quantity,
            unit: unit.to_owned(),
            unit_price,
            amount,
        }),
    }
}
