//! Which plan of a flat-plan book the workload fits, and the cheapest one
//! that does. While a run replays the workload under the chosen plan,
//! [`Demand`] records what the workload itself asked for, whatever the plan
//! let through: requests and compute per month, peak concurrency, the
//! busiest window of each rate limit any plan names, the longest request,
//! the most memory, the oldest script. A plan fits when none of its limits
//! would have turned a request away or counted it as overage (a queueing
//! plan fits any concurrency: requests wait instead).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use super::flat_plan_rate::SlidingCounter;
use crate::pricing::flat_plan_book::{AtLimit, FlatPlanOffering, Plan, PlanLimits};
use crate::pricing::money::round;
use crate::pricing::{Decimal, plan_cost};
use crate::units::{MICROS_PER_SECOND, Micros};
use crate::workload::{FunctionId, Request};

const DAY: Micros = 86_400 * MICROS_PER_SECOND;

/// What the workload asked for, plan aside.
#[derive(Debug, Clone)]
pub struct Demand {
    /// Per window length (s): its counter and the most requests seen in it.
    windows: BTreeMap<u64, (SlidingCounter, u64)>,
    ends: BinaryHeap<Reverse<Micros>>,
    peak_concurrency: u64,
    longest: Micros,
    most_memory: Option<u32>,
    oldest_script: Micros,
    first_request: HashMap<FunctionId, Micros>,
    /// (requests, compute µs) per month since the origin's.
    months: Vec<(u64, u128)>,
}

impl Demand {
    /// Tracks the rate windows that any plan of `offering` names.
    pub fn new(offering: &FlatPlanOffering) -> Self {
        let windows = offering
            .plans
            .values()
            .flat_map(|plan| &plan.limits.rate_limits)
            .map(|limit| (limit.window_s, (SlidingCounter::new(limit.window_us()), 0)))
            .collect();
        Demand {
            windows,
            ends: BinaryHeap::new(),
            peak_concurrency: 0,
            longest: 0,
            most_memory: None,
            oldest_script: 0,
            first_request: HashMap::new(),
            months: Vec::new(),
        }
    }

    /// Notes `request`, arriving in month `month` (months since the origin's).
    pub fn record(&mut self, request: &Request, month: usize) {
        for (counter, peak) in self.windows.values_mut() {
            counter.advance(request.arrival);
            counter.add();
            *peak = (*peak).max(counter.advance(request.arrival));
        }
        while self.ends.peek().is_some_and(|end| end.0 <= request.arrival) {
            self.ends.pop();
        }
        self.ends
            .push(Reverse(request.arrival.saturating_add(request.duration)));
        self.peak_concurrency = self.peak_concurrency.max(self.ends.len() as u64);
        self.longest = self.longest.max(request.duration);
        self.most_memory = self.most_memory.max(request.memory_mb);
        let first = *self
            .first_request
            .entry(request.function)
            .or_insert(request.arrival);
        self.oldest_script = self.oldest_script.max(request.arrival - first);
        if self.months.len() <= month {
            self.months.resize(month + 1, (0, 0));
        }
        self.months[month].0 += 1;
        self.months[month].1 += u128::from(request.duration);
    }

    /// The first limit of `limits` the workload exceeds, if any.
    pub fn misfit(&self, limits: &PlanLimits) -> Option<String> {
        if let Some(quota) = limits.requests_per_month
            && let Some(most) = self
                .months
                .iter()
                .map(|month| month.0)
                .max()
                .filter(|most| *most > quota)
        {
            return Some(format!("{most} requests in a month, over its quota of {quota}"));
        }
        if let Some(limit) = limits.concurrency
            && limits.at_limit == AtLimit::Reject
            && self.peak_concurrency > u64::from(limit)
        {
            return Some(format!(
                "{} requests at once, over its concurrency limit of {limit}",
                self.peak_concurrency
            ));
        }
        for limit in &limits.rate_limits {
            let busiest = self.windows.get(&limit.window_s).map_or(0, |window| window.1);
            if busiest > limit.requests {
                return Some(format!(
                    "{busiest} requests in a {}, over its rate limit of {}",
                    limit.per, limit.requests
                ));
            }
        }
        if let Some(seconds) = limits.time_limit_s
            && self.longest as f64 > seconds * MICROS_PER_SECOND as f64
        {
            return Some(format!(
                "a request of {} s, over its time limit of {seconds} s",
                self.longest as f64 / MICROS_PER_SECOND as f64
            ));
        }
        if let (Some(limit), Some(most)) = (limits.memory_mb, self.most_memory)
            && most > limit
        {
            return Some(format!("a request of {most} MB, over its {limit} MB"));
        }
        if let Some(days) = limits.script_lifetime_days
            && self.oldest_script >= u64::from(days) * DAY
        {
            return Some(format!("scripts in use for more than its {days}-day lifetime"));
        }
        None
    }

    /// What `plan` would cost for this workload over `months` months.
    pub fn cost(&self, plan: &Plan, months: usize) -> Decimal {
        let mut compute: Vec<u128> = self.months.iter().map(|month| month.1).collect();
        compute.resize(months.max(compute.len()), 0);
        plan_cost(plan, &compute)
    }
}

/// One sentence on the chosen plan against the cheapest that fits.
pub fn advice(offering: &FlatPlanOffering, chosen: &str, demand: &Demand, months: usize) -> String {
    let cheapest = offering
        .plans
        .iter()
        .filter(|(_, plan)| demand.misfit(&plan.limits).is_none())
        .map(|(name, plan)| (demand.cost(plan, months), name))
        .min();
    let spell = |cost: Decimal| format!("${:.2} for {months} month(s)", round(cost, 2));
    let misfit = offering
        .plans
        .get(chosen)
        .and_then(|plan| demand.misfit(&plan.limits));
    match (misfit, cheapest) {
        (None, Some((cost, name))) if name == chosen => {
            format!(
                "Plan {chosen} fits this workload and is the cheapest that does ({}).",
                spell(cost)
            )
        }
        (None, Some((cost, name))) => format!(
            "Plan {chosen} fits this workload, but the cheapest plan that fits is {name} ({}).",
            spell(cost)
        ),
        (Some(reason), Some((cost, name))) => format!(
            "This workload does not fit plan {chosen} ({reason}); you would have needed plan {name} ({}), the cheapest that fits.",
            spell(cost)
        ),
        (Some(reason), None) => {
            format!("This workload does not fit plan {chosen} ({reason}), nor any other plan of this book.")
        }
        (None, None) => format!("Plan {chosen} is not in this book."),
    }
}
