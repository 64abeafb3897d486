//! Counts of a workload as it streams past: requests over time (for
//! charts) and requests and bytes per UTC clock hour, from which a service
//! priced in front of a deployment (API Gateway) is billed by calendar month
//! (exactly: no clock hour straddles a month) and over time.

use std::ops::Range;

use chrono::{DateTime, Utc};

use super::Request;
use crate::calendar::{BillingMonth, MonthCursor};
use crate::series::{Buckets, CountRecorder, HOUR, MINUTE};
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
    /// The hour of the current run.
    hour: usize,
    /// The run: the arrivals in both one clock hour and one minute from
    /// the origin (the finest bucket of `arrivals`), and the requests and
    /// bytes among them not yet added to `per_hour` and `arrivals`.
    /// Requests come in order, so most only count here: one comparison,
    /// not a division.
    run: Range<Micros>,
    run_requests: u64,
    run_bytes: u128,
}

impl WorkloadTally {
    pub fn new(origin: DateTime<Utc>) -> Self {
        WorkloadTally {
            origin,
            hour_offset: origin.timestamp_micros().rem_euclid(HOUR as i64) as Micros,
            arrivals: CountRecorder::default(),
            per_hour: Vec::new(),
            hour: 0,
            run: 0..0,
            run_requests: 0,
            run_bytes: 0,
        }
    }

    #[inline(always)]
    pub fn add(&mut self, request: &Request) {
        if !self.run.contains(&request.arrival) {
            self.enter_run_of(request.arrival);
        }
        self.run_requests += 1;
        self.run_bytes += u128::from(request.bytes_out);
    }

    /// Counts the run so far, and makes the one `arrival` falls in the
    /// current one.
    #[cold]
    fn enter_run_of(&mut self, arrival: Micros) {
        if self.run_requests > 0 {
            self.arrivals.add(self.run.start, self.run_requests);
            let (requests, bytes) = &mut self.per_hour[self.hour];
            *requests += std::mem::take(&mut self.run_requests);
            *bytes += std::mem::take(&mut self.run_bytes);
        }
        let hour = (arrival + self.hour_offset) / HOUR;
        let index = hour as usize;
        if self.per_hour.len() <= index {
            self.per_hour.resize(index + 1, (0, 0));
        }
        self.hour = index;
        // Hour `h` holds the arrivals from h × HOUR - offset (0 for the
        // first) up to (h + 1) × HOUR - offset.
        let hour_start = (hour * HOUR).saturating_sub(self.hour_offset);
        let minute_start = arrival / MINUTE * MINUTE;
        self.run =
            hour_start.max(minute_start)..((hour + 1) * HOUR - self.hour_offset).min(minute_start + MINUTE);
    }

    /// Requests and bytes per clock hour, the current run's included.
    fn hours(&self) -> impl Iterator<Item = (u64, u128)> + '_ {
        self.per_hour
            .iter()
            .enumerate()
            .map(|(hour, &(requests, bytes))| match hour == self.hour {
                true => (requests + self.run_requests, bytes + self.run_bytes),
                false => (requests, bytes),
            })
    }

    /// The instant simulated time counts from.
    pub fn origin(&self) -> DateTime<Utc> {
        self.origin
    }

    /// Requests arriving in each bucket of time.
    pub fn requests_over_time(&self) -> Buckets<u64> {
        let mut arrivals = self.arrivals.clone();
        if self.run_requests > 0 {
            arrivals.add(self.run.start, self.run_requests);
        }
        arrivals.buckets()
    }

    /// Requests and bytes by calendar month, of the clock hours that start
    /// before `until` (`Micros::MAX` for all).
    pub fn service_usage_until(&self, until: Micros) -> ServiceUsage {
        let mut cursor = MonthCursor::new(self.origin);
        let mut months: Vec<ServiceMonthUsage> = Vec::new();
        let first = BillingMonth::containing(self.origin);
        for (hour, (requests, bytes)) in self.hours().enumerate() {
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
        assert_eq!(tally.hours().collect::<Vec<_>>(), vec![(2, 3), (2, 20), (1, 8)]);
        // Per minute: 0, 29, 30, 31 and 95 minutes, one each.
        let counts = tally.requests_over_time().values;
        let at = |minute: usize| counts[minute];
        assert_eq!(
            (at(0), at(29), at(30), at(31), at(95), counts.iter().sum::<u64>()),
            (1, 1, 1, 1, 1, 5)
        );
    }
}
