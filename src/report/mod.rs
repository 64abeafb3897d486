//! Exporters: a simulation result turned into bytes, in the format asked for.
//! Each exporter returns the whole output, so nothing is written until it is
//! complete and a failure never leaves half a report behind.

pub mod breakeven;
pub mod charts;
pub mod comparison;
mod conclusion;
mod csv_summary;
mod format;
pub mod html;
mod json;
pub mod montecarlo;
pub mod sweep;
mod text;
mod text_table;
pub mod workload;

pub use comparison::dropped_note;
pub use csv_summary::{LINE_ITEM_COLUMNS, SUMMARY_CSV_COLUMNS};
pub use format::{decimal_quantity, dollars, fixed, quantity, unit_price};
pub use text_table::{Align, Dialect, TextTable};

use crate::error::Result;
use crate::simulation::SimulationResult;

/// Output formats of `simulate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    /// The bill's line items as a long CSV table.
    LineItems,
    Markdown,
}

/// Renders one result in `format`.
pub fn render(result: &SimulationResult, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Table => Ok(text::render(result, Dialect::Terminal).into_bytes()),
        Format::Markdown => Ok(text::render(result, Dialect::Markdown).into_bytes()),
        Format::Json => json::render(result),
        Format::Csv => csv_summary::render(result),
        Format::LineItems => csv_summary::render_line_items(result),
    }
}
