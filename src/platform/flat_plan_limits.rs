//! The limits a flat plan applies to each arriving request, apart from
//! its concurrency (which depends on what is running): memory, the
//! script's lifetime, a hard monthly quota and rate limits. Each check is
//! constant work per request.

use std::collections::HashMap;

use super::flat_plan_rate::SlidingCounter;
use crate::pricing::flat_plan_book::{PlanLimits, Quota};
use crate::units::{MICROS_PER_SECOND, Micros};
use crate::workload::{FunctionId, Request};

const DAY: Micros = 86_400 * MICROS_PER_SECOND;

/// Why a request was turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rejection {
    /// It asked for more memory than the plan gives.
    Memory,
    /// Its script had expired (Webscript's free plan).
    Expired,
    /// The month's hard quota was used up.
    Quota,
    /// The concurrency limit was reached.
    Concurrency,
    /// A rate limit per `per` was reached.
    Rate { per: &'static str },
}

impl Rejection {
    /// How a bill note names the reason.
    pub fn describe(self, limits: &PlanLimits) -> String {
        match self {
            Rejection::Memory => format!(
                "asked for more than the plan's {} MB",
                limits.memory_mb.unwrap_or(0)
            ),
            Rejection::Expired => format!(
                "arrived after their script expired ({} days after its first request)",
                limits.script_lifetime_days.unwrap_or(0)
            ),
            Rejection::Quota => format!(
                "arrived after the month's quota of {} was used (a hard limit)",
                limits.requests_per_month.unwrap_or(0)
            ),
            Rejection::Concurrency => format!(
                "arrived with {} requests running (the concurrency limit)",
                limits.concurrency.unwrap_or(0)
            ),
            Rejection::Rate { per } => {
                let limit = limits.rate_limits.iter().find(|limit| limit.per == per);
                format!(
                    "exceeded the rate limit of {} per {per}",
                    limit.map_or(0, |limit| limit.requests)
                )
            }
        }
    }
}

/// The per-request limits of one plan and the state they keep.
#[derive(Debug)]
pub struct Limits {
    limits: PlanLimits,
    rates: Vec<(&'static str, u64, SlidingCounter)>,
    first_request: HashMap<FunctionId, Micros>,
}

impl Limits {
    pub fn new(limits: &PlanLimits) -> Self {
        Limits {
            rates: limits
                .rate_limits
                .iter()
                .map(|limit| (limit.per, limit.requests, SlidingCounter::new(limit.window_us())))
                .collect(),
            limits: limits.clone(),
            first_request: HashMap::new(),
        }
    }

    /// Checks `request`, given the requests already accepted this month;
    /// the caller then checks concurrency and calls [`Self::accept`].
    pub fn check(&mut self, request: &Request, accepted_this_month: u64) -> Result<(), Rejection> {
        let first = *self
            .first_request
            .entry(request.function)
            .or_insert(request.arrival);
        if let (Some(limit), Some(memory)) = (self.limits.memory_mb, request.memory_mb)
            && memory > limit
        {
            return Err(Rejection::Memory);
        }
        if let Some(days) = self.limits.script_lifetime_days
            && request.arrival - first >= u64::from(days) * DAY
        {
            return Err(Rejection::Expired);
        }
        if self.limits.quota == Quota::Hard
            && self
                .limits
                .requests_per_month
                .is_some_and(|quota| accepted_this_month >= quota)
        {
            return Err(Rejection::Quota);
        }
        for (per, requests, counter) in &mut self.rates {
            if counter.advance(request.arrival) >= *requests {
                return Err(Rejection::Rate { per });
            }
        }
        Ok(())
    }

    /// Counts an accepted request against the rate limits.
    pub fn accept(&mut self) {
        for (_, _, counter) in &mut self.rates {
            counter.add();
        }
    }
}
