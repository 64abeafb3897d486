//! Counts of a workload as it streams past: requests over time (for
//! charts) and requests and bytes per UTC clock hour, from which a service
//! priced in front of a deployment (API Gateway) is billed by calendar month
//! (exactly: no clock hour straddles a month) and over time.

use std::ops::Range;

use chrono::{DateTime, Utc};

use super::Request;
use crate::calendar::{BillingMonth, MonthCursor};
use crate::series::{Buckets, CountRecorder, HOUR};
use crate::units::Micros;
use crate::usage::{ServiceMonthUsage, ServiceUsage};

#[derive(Debug, Clone)]
pub struct WorkloadTally {
    origin: DateTime<Utc>,
    /// How far into its UTC hour the origin lies.
    hour_offset: Micros,
    arrivals: CountRecorder,
    /// (requests, bytes) per UTC clock hour, the first holding the origin.
    per_hour: Vec<(u64, u128)>,
    /// The hour of the last request added, and the arrivals it covers:
    /// requests come in order, so most need one comparison, not a division.
    hour: usize,
    hour_arrivals: Range<Micros>,
}

impl WorkloadTally {
    pub fn new(origin: DateTime<Utc>) -> Self {
        WorkloadTally {
            origin,
            hour_offset: origin.timestamp_micros().rem_euclid(HOUR as i64) as Micros,
            arrivals: CountRecorder::default(),
            per_hour: Vec::new(),
            hour: 0,
            hour_arrivals: 0..0,
        }
    }

    #[inline(always)]
    pub fn add(&mut self, request: &Request) {
        self.arrivals.add(request.arrival);
        if !self.hour_arrivals.contains(&request.arrival) {
            self.enter_hour_of(request.arrival);
        }
        let (requests, bytes) = &mut self.per_hour[self.hour];
        *requests += 1;
        *bytes += u128::from(request.bytes_out);
    }

    /// Makes the hour `arrival` falls in the current one.
    #[cold]
    fn enter_hour_of(&mut self, arrival: Micros) {
        let hour = (arrival + self.hour_offset) / HOUR;
        let index = hour as usize;
        if self.per_hour.len() <= index {
            self.per_hour.resize(index + 1, (0, 0));
        }
        self.hour = index;
        // Hour `h` holds the arrivals from h × HOUR - offset (0 for the
        // first) up to (h + 1) × HOUR - offset.
        self.hour_arrivals =
            (hour * HOUR).saturating_sub(self.hour_offset)..(hour + 1) * HOUR - self.hour_offset;
    }

    /// The instant simulated time counts from.
    pub fn origin(&self) -> DateTime<Utc> {
        self.origin
    }

    /// Requests arriving in each bucket of time.
    pub fn requests_over_time(&self) -> Buckets<u64> {
        self.arrivals.buckets()
    }

    /// Requests and bytes by calendar month, of the clock hours that start
    /// before `until` (`Micros::MAX` for all).
    pub fn service_usage_until(&self, until: Micros) -> ServiceUsage {
        let mut cursor = MonthCursor::new(self.origin);
        let mut months: Vec<ServiceMonthUsage> = Vec::new();
        let first = BillingMonth::containing(self.origin);
        for (hour, (requests, bytes)) in self.per_hour.iter().enumerate() {
            let start = (hour as Micros * HOUR).saturating_sub(self.hour_offset);
            if start >= until {
                break;
            }
            let index = cursor.advance_to(start);
            while months.len() <= index {
                let month = months.last().map_or(first, |last| last.month.next());
                months.push(ServiceMonthUsage {
                    month,
                    requests: 0,
                    bytes_out: 0,
                });
            }
            months[index].requests += requests;
            months[index].bytes_out += bytes;
        }
        ServiceUsage { months }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_count_in_their_clock_hour_in_any_order() {
        // The origin is 00:30 UTC, so hour 0 holds the first 30 minutes,
        // hour 1 the next 60.
        let origin = "2016-01-01T00:30:00Z".parse().expect("literal");
        let mut tally = WorkloadTally::new(origin);
        let minutes = |count: u64| count * 60_000_000;
        for (arrival, bytes_out) in [
            (0, 1),
            (minutes(29), 2),
            (minutes(31), 4),
            (minutes(95), 8),
            (minutes(30), 16),
        ] {
            let mut request = Request::at(arrival, 1);
            request.bytes_out = bytes_out;
            tally.add(&request);
        }
        // Hour 0: 0 and 29 min (1 + 2 bytes); hour 1: 31 and 30 min (4 + 16);
        // hour 2 (90 to 150 min): 95 min (8).
        assert_eq!(tally.per_hour, vec![(2, 3), (2, 20), (1, 8)]);
    }
}
