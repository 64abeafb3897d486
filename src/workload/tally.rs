//! Counts of a workload as it streams past: requests over time (for
//! charts) and requests and bytes per UTC clock hour, from which a service
//! priced in front of a deployment (API Gateway) is billed by calendar month
//! (exactly: no clock hour straddles a month) and over time.

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
}

impl WorkloadTally {
    pub fn new(origin: DateTime<Utc>) -> Self {
        WorkloadTally {
            origin,
            hour_offset: origin.timestamp_micros().rem_euclid(HOUR as i64) as Micros,
            arrivals: CountRecorder::default(),
            per_hour: Vec::new(),
        }
    }

    #[inline]
    pub fn add(&mut self, request: &Request) {
        self.arrivals.add(request.arrival);
        let hour = ((request.arrival + self.hour_offset) / HOUR) as usize;
        if self.per_hour.len() <= hour {
            self.per_hour.resize(hour + 1, (0, 0));
        }
        self.per_hour[hour].0 += 1;
        self.per_hour[hour].1 += u128::from(request.bytes_out);
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
