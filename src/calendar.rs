//! Calendar months in UTC, the period over which vendors reset monthly
//! allowances (free tiers, caps, plans).
//!
//! Simulated time is an offset in microseconds from the trace origin, a UTC
//! instant. [`MonthCursor`] maps monotonically increasing offsets to the billing
//! month they fall in without a calendar computation per request.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use std::fmt;

use crate::units::Micros;

/// A calendar month in UTC, such as 2016-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct BillingMonth {
    pub year: i32,
    pub month: u32,
}

impl BillingMonth {
    pub fn containing(instant: DateTime<Utc>) -> Self {
        BillingMonth {
            year: instant.year(),
            month: instant.month(),
        }
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            BillingMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            BillingMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Microseconds since the Unix epoch at 00:00:00 UTC on the first day.
    pub fn start_epoch_micros(self) -> i64 {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
            .and_then(|date| date.and_hms_opt(0, 0, 0))
            .map(|moment| moment.and_utc().timestamp_micros())
            .unwrap_or(i64::MAX)
    }
}

impl fmt::Display for BillingMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Walks forward through billing months as simulated time advances.
#[derive(Debug, Clone)]
pub struct MonthCursor {
    origin_epoch_micros: i64,
    current: BillingMonth,
    /// Offset from the origin at which `current` ends.
    current_end: Micros,
    index: usize,
}

impl MonthCursor {
    pub fn new(origin: DateTime<Utc>) -> Self {
        let current = BillingMonth::containing(origin);
        let origin_epoch_micros = origin.timestamp_micros();
        let current_end = offset_of(origin_epoch_micros, current.next());
        MonthCursor {
            origin_epoch_micros,
            current,
            current_end,
            index: 0,
        }
    }

    /// The index (months since the origin's month) of the month containing
    /// `offset`. Offsets must not decrease between calls.
    #[inline]
    pub fn advance_to(&mut self, offset: Micros) -> usize {
        if offset >= self.current_end {
            self.cross_months(offset);
        }
        self.index
    }

    /// The month the cursor is in.
    pub fn current(&self) -> BillingMonth {
        self.current
    }

    #[cold]
    fn cross_months(&mut self, offset: Micros) {
        while offset >= self.current_end {
            self.current = self.current.next();
            self.current_end = offset_of(self.origin_epoch_micros, self.current.next());
            self.index += 1;
        }
    }
}

fn offset_of(origin_epoch_micros: i64, month: BillingMonth) -> Micros {
    u64::try_from(month.start_epoch_micros() - origin_epoch_micros).unwrap_or(0)
}

/// The part of a span that falls in one billing month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthPiece {
    /// Months since the origin's month.
    pub index: usize,
    pub month: BillingMonth,
    pub from: Micros,
    pub until: Micros,
}

/// Splits the span `[start, end)` (offsets from `origin`) at month boundaries.
pub fn split_by_month(origin: DateTime<Utc>, start: Micros, end: Micros) -> Vec<MonthPiece> {
    let mut cursor = MonthCursor::new(origin);
    let mut pieces = Vec::new();
    let mut from = start;
    while from < end {
        let index = cursor.advance_to(from);
        let until = end.min(cursor.current_end);
        pieces.push(MonthPiece {
            index,
            month: cursor.current(),
            from,
            until,
        });
        from = until;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::MICROS_PER_SECOND;

    fn origin() -> DateTime<Utc> {
        "2016-01-31T23:59:00Z".parse().expect("literal timestamp")
    }

    #[test]
    fn cursor_crosses_into_february_exactly_at_midnight() {
        let mut cursor = MonthCursor::new(origin());
        assert_eq!(cursor.advance_to(0), 0);
        assert_eq!(cursor.current().to_string(), "2016-01");
        assert_eq!(cursor.advance_to(59 * MICROS_PER_SECOND + 999_999), 0);
        assert_eq!(cursor.advance_to(60 * MICROS_PER_SECOND), 1);
        assert_eq!(cursor.current().to_string(), "2016-02");
        // 2016 is a leap year: February has 29 days, so March starts
        // 60 s + 29 days after the origin.
        let march = 60 * MICROS_PER_SECOND + 29 * 86_400 * MICROS_PER_SECOND;
        assert_eq!(cursor.advance_to(march - 1), 1);
        assert_eq!(cursor.advance_to(march), 2);
        assert_eq!(cursor.current().to_string(), "2016-03");
    }

    #[test]
    fn spans_split_at_month_boundaries() {
        let pieces = split_by_month(origin(), 30 * MICROS_PER_SECOND, 90 * MICROS_PER_SECOND);
        let described: Vec<_> = pieces
            .iter()
            .map(|piece| (piece.month.to_string(), piece.from, piece.until))
            .collect();
        assert_eq!(
            described,
            vec![
                (
                    "2016-01".to_string(),
                    30 * MICROS_PER_SECOND,
                    60 * MICROS_PER_SECOND
                ),
                (
                    "2016-02".to_string(),
                    60 * MICROS_PER_SECOND,
                    90 * MICROS_PER_SECOND
                ),
            ]
        );
    }
}
