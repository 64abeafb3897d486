//! A farm of servers, each with a number of slots (workers, or concurrent
//! requests), behind a router: the model shared by dyno pools (Heroku, App
//! Engine) and VM groups (EC2 behind a load balancer). The families differ in
//! their settings and their bills, not in how requests wait and run.
//!
//! - Routing `Random` (Heroku's router): each request goes to a random
//!   serving server and waits in that server's own queue. Routing `Shared`
//!   (one queue, as a load balancer with least-outstanding-requests or the
//!   M/M/c queue of textbooks): a request takes a free slot on the
//!   least-loaded server, or waits in one queue for the first slot to free.
//! - A request's work is its trace duration divided by the server type's
//!   speed. A router timeout counts a response as timed out (Heroku H12)
//!   while the server still does the work.
//! - Servers started by scaling boot first (billed, not serving); servers
//!   scaled in stop taking requests, finish their own queue, then go.
//! - A sleeping server (Heroku free dyno) falls asleep after a quiet spell;
//!   the next request wakes it and waits the wake-up delay (a cold start).
//! - Spot servers may be interrupted (a Poisson process): their requests
//!   are lost and a replacement boots.
//!
//! The model records each server's paid intervals and, for App Engine, its
//! accrual intervals (from start until a tail after its last request). The
//! bill is computed from those afterwards.

use std::collections::VecDeque;

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::autoscale::{Autoscaler, PeriodSummary, ScalingBounds, ScalingPolicy};
use super::free_slots::FreeSlots;
use crate::engine::{EventQueue, Model};
use crate::metrics::{InstanceTally, LatencyRecorder, RequestCounts};
use crate::series::LevelRecorder;
use crate::units::Micros;
use crate::workload::Request;

const HOUR: f64 = 3_600_000_000.0;
const HOUR_MICROS: Micros = 3_600_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Routing {
    Random,
    Shared,
}

/// How a server is configured to sleep when unused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sleep {
    pub after: Micros,
    pub wake: Micros,
}

/// Everything the farm needs, resolved from a deployment's settings.
#[derive(Debug, Clone)]
pub struct FarmConfig {
    pub initial_servers: u32,
    pub slots: u32,
    /// Work per request = trace duration / speed.
    pub speed: f64,
    pub routing: Routing,
    pub request_timeout: Option<Micros>,
    pub boot: Micros,
    pub sleep: Option<Sleep>,
    /// App Engine: accrual runs on this long after a server's last request.
    pub accrual_tail: Option<Micros>,
    pub interruptions_per_hour: f64,
    pub scaling: ScalingPolicy,
    pub bounds: ScalingBounds,
    /// How far into its UTC day the origin lies (for scaling schedules).
    pub origin_into_day: Micros,
}

/// Why a paid interval ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalEnd {
    /// Scaled in, fell asleep, or the horizon ended.
    Stopped,
    /// Terminated by the provider (spot): a partial hour is not charged
    /// under hourly billing.
    Interrupted,
}

/// A span during which server `server` (its slot number, reused after the
/// server goes) existed and was paid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ServerInterval {
    pub server: u32,
    pub start: Micros,
    pub end: Micros,
    pub ended: IntervalEnd,
}

/// What a farm run recorded for billing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FarmUsage {
    pub intervals: Vec<ServerInterval>,
    /// App Engine accrual spans (start → last request end + tail).
    pub accrual: Vec<ServerInterval>,
    pub bytes_out: u128,
    /// Bytes sent per hour from the origin, for the cost-over-time chart.
    pub bytes_by_hour: Vec<u128>,
}

impl FarmUsage {
    /// The usage of the first `until` microseconds (bytes by whole hours).
    pub fn until(&self, until: Micros) -> FarmUsage {
        let clip = |intervals: &[ServerInterval]| {
            intervals
                .iter()
                .filter(|interval| interval.start < until)
                .map(|interval| ServerInterval {
                    end: interval.end.min(until),
                    ended: if interval.end <= until {
                        interval.ended
                    } else {
                        IntervalEnd::Stopped
                    },
                    ..*interval
                })
                .collect()
        };
        let hours = until.div_ceil(HOUR_MICROS) as usize;
        let bytes_by_hour: Vec<u128> = self.bytes_by_hour.iter().copied().take(hours).collect();
        FarmUsage {
            intervals: clip(&self.intervals),
            accrual: clip(&self.accrual),
            bytes_out: bytes_by_hour.iter().sum(),
            bytes_by_hour,
        }
    }
}

/// What a farm run produced.
#[derive(Debug, Clone)]
pub struct FarmRun {
    pub counts: RequestCounts,
    pub latency: LatencyRecorder,
    pub queueing: LatencyRecorder,
    pub instances: InstanceTally,
    pub usage: FarmUsage,
    /// (time, live servers) at every change of the count.
    pub timeline: Vec<(Micros, u32)>,
    /// Most servers alive in each bucket of `series::bucket_width(horizon_end)`
    /// (a minute for spans up to 91 days).
    pub instances_per_minute: Vec<u32>,
    /// Time-averaged number of requests queued or in service.
    pub mean_in_system: f64,
    pub horizon_end: Micros,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Booting,
    Serving,
    Retiring,
    Gone,
}

#[derive(Debug, Clone, Copy)]
struct Pending {
    arrival: Micros,
    work: Micros,
}

#[derive(Debug)]
struct Server {
    state: State,
    generation: u32,
    busy: u32,
    queue: VecDeque<Pending>,
    /// Requests start no earlier than this (wake-up).
    ready_at: Micros,
    /// Start of the open paid interval; none while asleep or gone.
    paid_since: Option<Micros>,
    last_end: Micros,
    accrual_since: Option<Micros>,
}

/// Events of the farm model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FarmEvent {
    Completion {
        server: u32,
        generation: u32,
        arrival: Micros,
    },
    Ready {
        server: u32,
        generation: u32,
    },
    Tick,
    Interruption {
        server: u32,
        generation: u32,
    },
}

pub struct ServerFarm {
    config: FarmConfig,
    rng: Pcg64,
    autoscaler: Autoscaler,
    horizon_limit: Option<Micros>,

    servers: Vec<Server>,
    /// Servers taking new requests, in index order.
    routable: Vec<u32>,
    /// The routable servers by busy slots (shared routing only).
    free_slots: FreeSlots,
    shared_queue: VecDeque<Pending>,
    /// Servers wanted (serving + booting).
    target: u32,
    live: u32,
    stream_ended: bool,
    started: bool,

    now: Micros,
    in_system: u64,
    busy_slots: u64,
    in_system_area: u128,
    busy_slot_area: u128,
    capacity_area: u128,
    period_busy_start: u128,
    period_capacity_start: u128,
    last_arrival: Micros,
    last_completion: Micros,

    counts: RequestCounts,
    latency: LatencyRecorder,
    queueing: LatencyRecorder,
    tally: InstanceTally,
    usage: FarmUsage,
    timeline: Vec<(Micros, u32)>,
}

impl ServerFarm {
    pub fn new(config: FarmConfig, horizon_end: Option<Micros>, seed: u64) -> Self {
        let autoscaler = Autoscaler::new(config.scaling.clone(), config.bounds, config.origin_into_day);
        let mut farm = ServerFarm {
            rng: Pcg64::seed_from_u64(seed),
            autoscaler,
            horizon_limit: horizon_end,
            servers: Vec::new(),
            routable: Vec::new(),
            free_slots: match config.routing {
                Routing::Shared => FreeSlots::new(config.slots),
                Routing::Random => FreeSlots::untracked(),
            },
            shared_queue: VecDeque::new(),
            target: config.initial_servers,
            live: 0,
            stream_ended: false,
            started: false,
            now: 0,
            in_system: 0,
            busy_slots: 0,
            in_system_area: 0,
            busy_slot_area: 0,
            capacity_area: 0,
            period_busy_start: 0,
            period_capacity_start: 0,
            last_arrival: 0,
            last_completion: 0,
            counts: RequestCounts::default(),
            latency: LatencyRecorder::default(),
            queueing: LatencyRecorder::default(),
            tally: InstanceTally::default(),
            usage: FarmUsage::default(),
            timeline: Vec::new(),
            config,
        };
        // The initial servers were started before the trace: serving at 0.
        for _ in 0..farm.config.initial_servers {
            farm.launch(0, State::Serving);
        }
        farm.timeline.push((0, farm.live));
        farm
    }

    fn clip(&self, time: Micros) -> Micros {
        self.horizon_limit.map_or(time, |limit| time.min(limit))
    }

    /// Moves the time integrals forward to `now` (at most to the horizon).
    fn advance(&mut self, now: Micros) {
        let now = self.clip(now);
        if now > self.now {
            let elapsed = u128::from(now - self.now);
            let serving = self.routable.len() as u128 * u128::from(self.config.slots);
            self.in_system_area += u128::from(self.in_system) * elapsed;
            self.busy_slot_area += u128::from(self.busy_slots) * elapsed;
            self.capacity_area += serving * elapsed;
            self.now = now;
        }
    }

    fn launch(&mut self, now: Micros, state: State) -> u32 {
        let fresh = Server {
            state,
            generation: 0,
            busy: 0,
            queue: VecDeque::new(),
            ready_at: now,
            paid_since: Some(now),
            last_end: now,
            accrual_since: self.config.accrual_tail.map(|_| now),
        };
        let index = match self.servers.iter().position(|server| server.state == State::Gone) {
            Some(index) => {
                let generation = self.servers[index].generation.wrapping_add(1);
                self.servers[index] = Server { generation, ..fresh };
                index as u32
            }
            None => {
                self.servers.push(fresh);
                (self.servers.len() - 1) as u32
            }
        };
        self.live += 1;
        self.tally.peak = self.tally.peak.max(u64::from(self.live));
        if state == State::Serving {
            self.make_routable(index);
        }
        index
    }

    fn make_routable(&mut self, index: u32) {
        if let Err(position) = self.routable.binary_search(&index) {
            self.routable.insert(position, index);
            self.free_slots.route(index, self.servers[index as usize].busy);
        }
    }

    fn unroute(&mut self, index: u32) {
        if let Ok(position) = self.routable.binary_search(&index) {
            self.routable.remove(position);
            self.free_slots.unroute(index);
        }
    }

    /// Draws when a spot server will be interrupted (exponential, so
    /// interruptions form a Poisson process per server).
    fn schedule_interruption(&mut self, index: u32, now: Micros, queue: &mut EventQueue<FarmEvent>) {
        if self.config.interruptions_per_hour > 0.0 {
            let draw: f64 = self.rng.random();
            let after = -(1.0 - draw).ln() / self.config.interruptions_per_hour * HOUR;
            let generation = self.servers[index as usize].generation;
            queue.schedule(
                now.saturating_add(after as Micros),
                FarmEvent::Interruption {
                    server: index,
                    generation,
                },
            );
        }
    }

    /// Closes the open paid interval of `index` at `end`.
    fn close_paid(&mut self, index: u32, end: Micros, ended: IntervalEnd) {
        let end = self.clip(end);
        if let Some(start) = self.servers[index as usize].paid_since.take() {
            let end = end.max(start);
            self.tally.instance_us += u128::from(end - start);
            self.usage.intervals.push(ServerInterval {
                server: index,
                start,
                end,
                ended,
            });
        }
    }

    /// Closes the open accrual interval of `index` (App Engine tail rule).
    fn close_accrual(&mut self, index: u32, end: Micros) {
        if let Some(start) = self.servers[index as usize].accrual_since.take() {
            self.usage.accrual.push(ServerInterval {
                server: index,
                start,
                end: end.max(start),
                ended: IntervalEnd::Stopped,
            });
        }
    }

    fn remove(&mut self, index: u32, now: Micros, ended: IntervalEnd) {
        self.close_paid(index, now, ended);
        if let Some(tail) = self.config.accrual_tail {
            let last_end = self.servers[index as usize].last_end;
            self.close_accrual(index, (last_end + tail).min(now.max(last_end)));
        }
        self.unroute(index);
        let server = &mut self.servers[index as usize];
        server.state = State::Gone;
        server.generation = server.generation.wrapping_add(1);
        self.live -= 1;
    }

    /// Puts an idle sleeping server to sleep if it has been quiet long
    /// enough by `now`.
    fn settle_sleep(&mut self, index: u32, now: Micros) {
        let Some(sleep) = self.config.sleep else {
            return;
        };
        let server = &self.servers[index as usize];
        let asleep_at = server.last_end + sleep.after;
        if server.paid_since.is_some() && server.busy == 0 && server.queue.is_empty() && now >= asleep_at {
            self.close_paid(index, asleep_at, IntervalEnd::Stopped);
        }
    }

    /// Wakes a sleeping server for a request arriving at `now`; whether it
    /// had to wake.
    fn wake(&mut self, index: u32, now: Micros) -> bool {
        self.settle_sleep(index, now);
        let Some(sleep) = self.config.sleep else {
            return false;
        };
        let server = &mut self.servers[index as usize];
        if server.paid_since.is_some() {
            return false;
        }
        server.paid_since = Some(now);
        server.ready_at = now + sleep.wake;
        true
    }

    /// Starts `pending` on a free slot of `index`.
    fn start(&mut self, index: u32, pending: Pending, now: Micros, queue: &mut EventQueue<FarmEvent>) {
        if let Some(tail) = self.config.accrual_tail {
            let server = &self.servers[index as usize];
            let accrual_end = server.last_end + tail;
            if server.busy == 0 && now > accrual_end {
                // The accrual ran out before this request: close it and open
                // another, so downtime under the tail is never counted twice.
                self.close_accrual(index, accrual_end);
                self.servers[index as usize].accrual_since = Some(now);
            }
        }
        let server = &mut self.servers[index as usize];
        let begin = now.max(server.ready_at);
        server.busy += 1;
        let generation = server.generation;
        self.free_slots.set_busy(index, server.busy);
        self.busy_slots += 1;
        self.queueing.record(begin - pending.arrival);
        queue.schedule(
            begin + pending.work,
            FarmEvent::Completion {
                server: index,
                generation,
                arrival: pending.arrival,
            },
        );
    }

    /// The serving server with the most free slots (lowest index on ties).
    fn least_loaded(&self) -> Option<u32> {
        self.free_slots.least_loaded()
    }

    fn dispatch(&mut self, pending: Pending, now: Micros, queue: &mut EventQueue<FarmEvent>) {
        if self.routable.is_empty() {
            // Nothing serving yet (servers booting): wait at the router.
            self.shared_queue.push_back(pending);
            return;
        }
        match self.config.routing {
            Routing::Random => {
                let pick = self.routable[self.rng.random_range(0..self.routable.len())];
                if self.wake(pick, now) {
                    self.counts.cold_starts += 1;
                }
                if self.servers[pick as usize].busy < self.config.slots {
                    self.start(pick, pending, now, queue);
                } else {
                    self.servers[pick as usize].queue.push_back(pending);
                }
            }
            Routing::Shared => match self.least_loaded() {
                Some(pick) => {
                    if self.wake(pick, now) {
                        self.counts.cold_starts += 1;
                    }
                    self.start(pick, pending, now, queue);
                }
                None => self.shared_queue.push_back(pending),
            },
        }
    }

    /// Gives free slots of `index` the work waiting for it.
    fn pull_work(&mut self, index: u32, now: Micros, queue: &mut EventQueue<FarmEvent>) {
        while self.servers[index as usize].busy < self.config.slots {
            let next = match self.servers[index as usize].queue.pop_front() {
                Some(pending) => Some(pending),
                None if self.servers[index as usize].state == State::Serving => self.shared_queue.pop_front(),
                None => None,
            };
            match next {
                Some(pending) => self.start(index, pending, now, queue),
                None => break,
            }
        }
    }

    fn scale_to(&mut self, desired: u32, now: Micros, queue: &mut EventQueue<FarmEvent>) {
        let mut current = self.target;
        while current < desired {
            let index = self.launch(now, State::Booting);
            let generation = self.servers[index as usize].generation;
            queue.schedule(
                now + self.config.boot,
                FarmEvent::Ready {
                    server: index,
                    generation,
                },
            );
            self.schedule_interruption(index, now, queue);
            current += 1;
        }
        while current > desired {
            // Cancel a boot first, else retire the newest serving server.
            let booting = (0..self.servers.len() as u32)
                .rev()
                .find(|&index| self.servers[index as usize].state == State::Booting);
            let victim = booting.or_else(|| self.routable.last().copied());
            let Some(index) = victim else { break };
            self.unroute(index);
            let server = &mut self.servers[index as usize];
            if server.state == State::Booting || (server.busy == 0 && server.queue.is_empty()) {
                self.remove(index, now, IntervalEnd::Stopped);
            } else {
                server.state = State::Retiring;
            }
            current -= 1;
        }
        self.target = desired;
        if self.timeline.last().is_none_or(|&(_, live)| live != self.live) {
            self.timeline.push((now, self.live));
        }
    }

    fn should_keep_ticking(&self, next: Micros) -> bool {
        match self.horizon_limit {
            Some(limit) => next <= limit,
            None => !self.stream_ended || self.in_system > 0,
        }
    }

    /// Ends the run and hands over what it recorded.
    pub fn finish(mut self) -> FarmRun {
        let horizon_end = self
            .horizon_limit
            .unwrap_or_else(|| self.last_completion.max(self.last_arrival));
        self.advance(horizon_end);
        self.horizon_limit = Some(horizon_end);
        for index in 0..self.servers.len() as u32 {
            if self.servers[index as usize].state == State::Gone {
                continue;
            }
            self.settle_sleep(index, horizon_end);
            self.close_paid(index, horizon_end, IntervalEnd::Stopped);
            if let Some(tail) = self.config.accrual_tail {
                // The tail is a billing rule: it runs past the horizon.
                let last_end = self.servers[index as usize].last_end;
                self.close_accrual(index, last_end + tail);
            }
        }
        self.tally.busy_us = self.busy_slot_area / u128::from(self.config.slots.max(1));
        self.usage
            .intervals
            .sort_by_key(|interval| (interval.start, interval.server));
        self.usage
            .accrual
            .sort_by_key(|interval| (interval.start, interval.server));
        let mut levels = LevelRecorder::until(Some(horizon_end));
        for &(time, live) in &self.timeline {
            levels.set(time, live);
        }
        FarmRun {
            instances_per_minute: levels.finish(horizon_end),
            counts: self.counts,
            latency: self.latency,
            queueing: self.queueing,
            instances: self.tally,
            usage: self.usage,
            timeline: self.timeline,
            mean_in_system: if horizon_end == 0 {
                0.0
            } else {
                self.in_system_area as f64 / horizon_end as f64
            },
            horizon_end,
        }
    }
}

impl Model for ServerFarm {
    type Event = FarmEvent;

    fn arrive(&mut self, request: Request, queue: &mut EventQueue<FarmEvent>) {
        let now = request.arrival;
        self.advance(now);
        self.last_arrival = now;
        if !self.started {
            self.started = true;
            if self.autoscaler.is_active() {
                let period = self.autoscaler.period();
                queue.schedule(now - now % period + period, FarmEvent::Tick);
            }
            for index in self.routable.clone() {
                self.schedule_interruption(index, now, queue);
            }
        }
        self.counts.total += 1;
        self.in_system += 1;
        self.usage.bytes_out += u128::from(request.bytes_out);
        let hour = (now / HOUR_MICROS) as usize;
        if self.usage.bytes_by_hour.len() <= hour {
            self.usage.bytes_by_hour.resize(hour + 1, 0);
        }
        self.usage.bytes_by_hour[hour] += u128::from(request.bytes_out);
        let work = (request.duration as f64 / self.config.speed).round() as Micros;
        self.dispatch(Pending { arrival: now, work }, now, queue);
    }

    fn handle(&mut self, now: Micros, event: FarmEvent, queue: &mut EventQueue<FarmEvent>) {
        self.advance(now);
        match event {
            FarmEvent::Completion {
                server: index,
                generation,
                arrival,
            } => {
                if self.servers[index as usize].generation != generation {
                    return; // lost with an interrupted server
                }
                self.in_system -= 1;
                self.busy_slots -= 1;
                self.last_completion = self.last_completion.max(now);
                let latency = now - arrival;
                self.latency.record(latency);
                self.autoscaler.record_response(latency);
                if self
                    .config
                    .request_timeout
                    .is_some_and(|timeout| latency > timeout)
                {
                    self.counts.timed_out += 1;
                } else {
                    self.counts.served += 1;
                }
                let server = &mut self.servers[index as usize];
                server.busy -= 1;
                server.last_end = now;
                self.free_slots.set_busy(index, server.busy);
                self.pull_work(index, now, queue);
                let server = &self.servers[index as usize];
                if server.state == State::Retiring && server.busy == 0 && server.queue.is_empty() {
                    self.remove(index, now, IntervalEnd::Stopped);
                    self.timeline.push((now, self.live));
                }
            }
            FarmEvent::Ready {
                server: index,
                generation,
            } => {
                let server = &mut self.servers[index as usize];
                if server.generation == generation && server.state == State::Booting {
                    server.state = State::Serving;
                    server.ready_at = now;
                    server.last_end = now;
                    self.make_routable(index);
                    self.pull_work(index, now, queue);
                }
            }
            FarmEvent::Tick => {
                let busy = self.busy_slot_area - self.period_busy_start;
                let capacity = self.capacity_area - self.period_capacity_start;
                self.period_busy_start = self.busy_slot_area;
                self.period_capacity_start = self.capacity_area;
                let utilization = if capacity == 0 {
                    1.0
                } else {
                    busy as f64 / capacity as f64
                };
                let desired = self
                    .autoscaler
                    .decide(now, self.target, PeriodSummary { utilization });
                self.scale_to(desired, now, queue);
                let next = now + self.autoscaler.period();
                if self.should_keep_ticking(next) {
                    queue.schedule(next, FarmEvent::Tick);
                }
            }
            FarmEvent::Interruption {
                server: index,
                generation,
            } => {
                let server = &self.servers[index as usize];
                // Past the end of the work an interruption changes nothing
                // that is billed or measured: the server just runs out the
                // horizon.
                if server.generation != generation
                    || server.state == State::Gone
                    || !self.should_keep_ticking(now)
                {
                    return;
                }
                let lost = u64::from(server.busy) + server.queue.len() as u64;
                let busy = u64::from(server.busy);
                let was_target = server.state != State::Retiring;
                self.counts.interrupted += lost;
                self.in_system -= lost;
                self.busy_slots -= busy;
                self.servers[index as usize].queue.clear();
                self.remove(index, now, IntervalEnd::Interrupted);
                if was_target {
                    // The group replaces it to keep its size.
                    self.target -= 1;
                    let wanted = self.target + 1;
                    self.scale_to(wanted, now, queue);
                } else {
                    self.timeline.push((now, self.live));
                }
            }
        }
    }

    fn end_of_stream(&mut self, _queue: &mut EventQueue<FarmEvent>) {
        self.stream_ended = true;
    }
}
