//! Replaying requests under one flat plan: each arrival passes the plan's
//! limits ([`Limits`]) and its concurrency limit, or is turned away and
//! counted by reason; an accepted request runs for its duration, cut at the
//! time limit (then it counts as timed out), at once or, on a queueing plan
//! at its concurrency limit, when the earliest running request ends (first
//! come, first served). A min-heap of end times answers "how many are
//! running" in O(log n) per request. Requests and compute are metered per
//! calendar month (UTC), with the overage beyond a soft quota.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use chrono::{DateTime, Utc};

use super::flat_plan_fit::Demand;
use super::flat_plan_limits::{Limits, Rejection};
use crate::calendar::{BillingMonth, MonthCursor};
use crate::engine::{EventQueue, Model};
use crate::metrics::{InstanceTally, LatencyRecorder, RequestCounts};
use crate::pricing::flat_plan_book::{AtLimit, FlatPlanOffering, PlanLimits, Quota};
use crate::pricing::{FlatPlanMonth, FlatPlanUsage};
use crate::series::LevelRecorder;
use crate::units::{MICROS_PER_SECOND, Micros};
use crate::workload::Request;

/// A flat plan schedules no events of its own: requests end when they end.
#[derive(Debug)]
pub enum NoEvent {}

/// The state of a replay under one plan.
#[derive(Debug)]
pub struct FlatPlanReplay {
    plan: PlanLimits,
    time_limit: Option<Micros>,
    limits: Limits,
    origin: DateTime<Utc>,
    cursor: MonthCursor,
    months: Vec<FlatPlanMonth>,
    /// End times of accepted requests not yet ended (waiting or running).
    in_system: BinaryHeap<Reverse<Micros>>,
    /// When each of the concurrency limit's slots frees (queueing plans).
    slots: BinaryHeap<Reverse<Micros>>,
    counts: RequestCounts,
    rejected: BTreeMap<Rejection, u64>,
    latency: LatencyRecorder,
    served_latency: LatencyRecorder,
    queueing: LatencyRecorder,
    tally: InstanceTally,
    levels: LevelRecorder,
    last_end: Micros,
    horizon: Option<Micros>,
    demand: Demand,
}

/// What a replay observed.
#[derive(Debug)]
pub struct FlatPlanRun {
    pub counts: RequestCounts,
    pub rejected: BTreeMap<Rejection, u64>,
    /// What clients saw: served requests and those cut at the time limit.
    pub latency: LatencyRecorder,
    /// The served requests' own latency.
    pub served_latency: LatencyRecorder,
    pub queueing: LatencyRecorder,
    pub tally: InstanceTally,
    pub requests_per_minute: Vec<u32>,
    pub horizon_end: Micros,
    pub usage: FlatPlanUsage,
    pub demand: Demand,
}

impl FlatPlanReplay {
    pub fn new(
        offering: &FlatPlanOffering,
        plan: &PlanLimits,
        origin: DateTime<Utc>,
        horizon: Option<Micros>,
    ) -> Self {
        FlatPlanReplay {
            time_limit: plan
                .time_limit_s
                .map(|seconds| (seconds * MICROS_PER_SECOND as f64).round() as Micros),
            limits: Limits::new(plan),
            plan: plan.clone(),
            origin,
            cursor: MonthCursor::new(origin),
            months: Vec::new(),
            in_system: BinaryHeap::new(),
            slots: BinaryHeap::new(),
            counts: RequestCounts::default(),
            rejected: BTreeMap::new(),
            latency: LatencyRecorder::default(),
            served_latency: LatencyRecorder::default(),
            queueing: LatencyRecorder::default(),
            tally: InstanceTally::default(),
            levels: LevelRecorder::until(horizon),
            last_end: 0,
            horizon,
            demand: Demand::new(offering),
        }
    }

    /// The month of `offset`, its meters created (and the months before it).
    fn month_at(&mut self, offset: Micros) -> usize {
        let index = self.cursor.advance_to(offset);
        while self.months.len() <= index {
            let month = self
                .months
                .last()
                .map_or_else(|| BillingMonth::containing(self.origin), |last| last.month.next());
            let starts_at =
                u64::try_from(month.start_epoch_micros() - self.origin.timestamp_micros()).unwrap_or(0);
            self.months.push(FlatPlanMonth {
                month,
                starts_at,
                accepted: 0,
                over_quota: 0,
                compute_us: 0,
            });
        }
        index
    }

    /// Ends the requests that finished by `now`, in time order.
    fn release_until(&mut self, now: Micros) {
        while let Some(&Reverse(end)) = self.in_system.peek() {
            if end > now {
                break;
            }
            self.in_system.pop();
            self.levels.set(end, self.in_system.len() as u32);
        }
    }

    fn admit(&mut self, request: &Request, month: usize) -> Result<(), Rejection> {
        self.limits.check(request, self.months[month].accepted)?;
        if self.plan.at_limit == AtLimit::Reject
            && let Some(limit) = self.plan.concurrency
            && self.in_system.len() >= limit as usize
        {
            return Err(Rejection::Concurrency);
        }
        Ok(())
    }

    fn start(&mut self, request: &Request, month: usize) {
        self.limits.accept();
        let service = self
            .time_limit
            .map_or(request.duration, |limit| request.duration.min(limit));
        let starts = match self.plan.concurrency {
            Some(limit) if self.plan.at_limit == AtLimit::Queue && self.slots.len() >= limit as usize => {
                let free = self.slots.pop().map_or(request.arrival, |slot| slot.0);
                free.max(request.arrival)
            }
            _ => request.arrival,
        };
        let end = starts.saturating_add(service);
        if self.plan.at_limit == AtLimit::Queue {
            self.slots.push(Reverse(end));
        }
        self.in_system.push(Reverse(end));
        self.levels.set(request.arrival, self.in_system.len() as u32);
        self.tally.peak = self.tally.peak.max(self.in_system.len() as u64);
        self.tally.busy_us += u128::from(service);
        self.tally.instance_us += u128::from(service);
        self.latency.record(end - request.arrival);
        self.queueing.record(starts - request.arrival);
        self.last_end = self.last_end.max(end);
        if service < request.duration {
            self.counts.timed_out += 1;
        } else {
            self.counts.served += 1;
            self.served_latency.record(end - request.arrival);
        }
        let meters = &mut self.months[month];
        meters.accepted += 1;
        meters.compute_us += u128::from(service);
        if self.plan.quota == Quota::Soft
            && self
                .plan
                .requests_per_month
                .is_some_and(|quota| meters.accepted > quota)
        {
            meters.over_quota += 1;
            self.counts.over_quota += 1;
        }
    }

    pub fn finish(mut self) -> FlatPlanRun {
        let horizon_end = self.horizon.unwrap_or(self.last_end);
        self.month_at(horizon_end.saturating_sub(1));
        self.release_until(Micros::MAX);
        FlatPlanRun {
            counts: self.counts,
            rejected: self.rejected,
            latency: self.latency,
            served_latency: self.served_latency,
            queueing: self.queueing,
            tally: self.tally,
            requests_per_minute: self.levels.finish(horizon_end),
            horizon_end,
            usage: FlatPlanUsage { months: self.months },
            demand: self.demand,
        }
    }
}

impl Model for FlatPlanReplay {
    type Event = NoEvent;

    fn arrive(&mut self, request: Request, _queue: &mut EventQueue<NoEvent>) {
        let month = self.month_at(request.arrival);
        self.demand.record(&request, month);
        self.counts.total += 1;
        self.release_until(request.arrival);
        match self.admit(&request, month) {
            Ok(()) => self.start(&request, month),
            Err(reason) => {
                self.counts.throttled += 1;
                *self.rejected.entry(reason).or_default() += 1;
            }
        }
    }

    fn handle(&mut self, _now: Micros, event: NoEvent, _queue: &mut EventQueue<NoEvent>) {
        match event {}
    }
}
