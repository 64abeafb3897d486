//! Counts of a workload as it streams past: requests per minute (for
//! charts) and requests and bytes per hour (for services priced in front of
//! a deployment, month by month and over time).

use chrono::{DateTime, Utc};

use super::Request;
use crate::calendar::{BillingMonth, MonthCursor};
use crate::series::{HOUR, MINUTE};
use crate::units::Micros;
use crate::usage::{ServiceMonthUsage, ServiceUsage};

#[derive(Debug, Clone)]
pub struct WorkloadTally {
    origin: DateTime<Utc>,
    cursor: MonthCursor,
    /// Exact requests and bytes per calendar month.
    months: ServiceUsage,
    per_minute: Vec<u32>,
    /// (requests, bytes) per hour.
    per_hour: Vec<(u64, u128)>,
}

impl WorkloadTally {
    pub fn new(origin: DateTime<Utc>) -> Self {
        WorkloadTally {
            origin,
            cursor: MonthCursor::new(origin),
            months: ServiceUsage::default(),
            per_minute: Vec::new(),
            per_hour: Vec::new(),
        }
    }

    pub fn add(&mut self, request: &Request) {
        let index = self.cursor.advance_to(request.arrival);
        while self.months.months.len() <= index {
            let month = self
                .months
                .months
                .last()
                .map_or(BillingMonth::containing(self.origin), |last| last.month.next());
            self.months.months.push(ServiceMonthUsage {
                month,
                requests: 0,
                bytes_out: 0,
            });
        }
        self.months.months[index].requests += 1;
        self.months.months[index].bytes_out += u128::from(request.bytes_out);
        let minute = (request.arrival / MINUTE) as usize;
        if self.per_minute.len() <= minute {
            self.per_minute.resize(minute + 1, 0);
        }
        self.per_minute[minute] += 1;
        let hour = (request.arrival / HOUR) as usize;
        if self.per_hour.len() <= hour {
            self.per_hour.resize(hour + 1, (0, 0));
        }
        self.per_hour[hour].0 += 1;
        self.per_hour[hour].1 += u128::from(request.bytes_out);
    }

    pub fn requests_per_minute(&self) -> &[u32] {
        &self.per_minute
    }

    /// Requests and bytes by calendar month.
    pub fn service_usage(&self) -> &ServiceUsage {
        &self.months
    }

    /// Requests and bytes by calendar month, counting the hours (from the
    /// origin) that start before `until`: the approximation charts use.
    pub fn service_usage_until(&self, until: Micros) -> ServiceUsage {
        let mut cursor = MonthCursor::new(self.origin);
        let mut months: Vec<ServiceMonthUsage> = Vec::new();
        let first = BillingMonth::containing(self.origin);
        for (hour, (requests, bytes)) in self.per_hour.iter().enumerate() {
            let start = hour as Micros * HOUR;
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
