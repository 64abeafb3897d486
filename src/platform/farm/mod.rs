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
//! - A request's work is its trace duration scaled by the server type's
//!   speed. A router or load-balancer timeout counts a response as timed
//!   out at the timeout, as the client saw it (Heroku H12, an ELB 504),
//!   while the server still does the work. With a queue limit, an arrival
//!   finding its queue full is refused (counted as throttled).
//! - Servers started by scaling boot first (billed, not serving); servers
//!   scaled in stop taking requests, finish their own queue, then go.
//! - A sleeping server (Heroku free dyno) falls asleep after a quiet spell;
//!   the next request wakes it and waits the wake-up delay (a cold start).
//! - Spot servers may be interrupted (a Poisson process): their requests
//!   are lost and a replacement boots.
//!
//! The model records each server's paid intervals and, where the book bills
//! a tail after the last request (App Engine), its accrual intervals: the
//! tail is a metering parameter of the book, like a function's billing
//! granularity, and the bill is computed from those intervals afterwards.
//!
//! The model is split by concern: `lifecycle` (launching, removing,
//! sleeping, waking and scaling servers), `routing` (dispatching requests
//! to servers and their queues), `events` (the engine's arrivals and
//! events) and `draws` (its random numbers).

mod draws;
mod events;
mod lifecycle;
mod routing;

use std::collections::VecDeque;

use super::autoscale::{Autoscaler, ScalingBounds, ScalingPolicy};
use super::free_slots::FreeSlots;
use super::speed::DurationScale;
use crate::metrics::{InstanceTally, LatencyRecorder, RequestCounts};
use crate::series::LevelRecorder;
use crate::units::Micros;
pub use crate::usage::{FarmUsage, IntervalEnd, ServerInterval};
use draws::Draws;

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
    /// Work per request = trace duration × `duration_scale` / speed.
    pub speed: f64,
    /// The speed model's factor from the reference type's CPU to this
    /// type's (see `platform::speed`).
    pub duration_scale: DurationScale,
    pub routing: Routing,
    /// The router's or load balancer's timeout: past it the client gets an
    /// error (counted at the timeout) while the server still does the work.
    pub request_timeout: Option<Micros>,
    /// Requests allowed to wait per serving server (a dyno's backlog, a
    /// VM's queue); an arrival beyond is refused (counted as throttled).
    pub queue_limit: Option<u32>,
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

/// What a farm run produced.
#[derive(Debug, Clone)]
pub struct FarmRun {
    pub counts: RequestCounts,
    /// Latency of the served requests.
    pub latency: LatencyRecorder,
    /// The timed-out requests, each at the timeout (what the client saw).
    pub timed_out_latency: LatencyRecorder,
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

/// A count that steps up and down at event times, and its integral over
/// time. The integral up to `t` (no earlier than any step) is `count × t`
/// less the time each unit counted spent uncounted: the sum of the times it
/// rose less the sum of the times it fell. So a step costs an addition, and
/// only reading the integral a multiplication.
#[derive(Debug, Clone, Copy, Default)]
struct StepArea {
    count: u64,
    rise_times: u128,
    fall_times: u128,
}

impl StepArea {
    /// One more, from `now` on.
    #[inline(always)]
    fn rise(&mut self, now: Micros) {
        self.count += 1;
        self.rise_times += u128::from(now);
    }

    /// One fewer, from `now` on.
    #[inline(always)]
    fn fall(&mut self, now: Micros) {
        self.count -= 1;
        self.fall_times += u128::from(now);
    }

    /// `by` fewer, from `now` on.
    fn fall_by(&mut self, by: u64, now: Micros) {
        self.count -= by;
        self.fall_times += u128::from(by) * u128::from(now);
    }

    /// The count's integral from 0 to `until`, no earlier than any step.
    fn area(&self, until: Micros) -> u128 {
        u128::from(self.count) * u128::from(until) + self.fall_times - self.rise_times
    }
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

/// An event of the farm model as the engine's queue holds it, packed into
/// 16 bytes so that a queue entry (its 16-byte key and the event) takes 32
/// bytes rather than 48: the kind rides in the top two bits of the
/// generation. [`FarmEvent::due`] unpacks it into [`Due`], matched
/// exhaustively.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FarmEvent {
    arrival: Micros,
    server: u32,
    kind_and_generation: u32,
}

/// The farm's events, unpacked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Due {
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

const KIND_SHIFT: u32 = 30;
/// Generations count modulo 2^30 (the low bits of `kind_and_generation`):
/// they only tell an event of a server's earlier life from one of its
/// current life.
const GENERATION_MASK: u32 = (1 << KIND_SHIFT) - 1;
const COMPLETION: u32 = 0;
const READY: u32 = 1;
const TICK: u32 = 2;
const INTERRUPTION: u32 = 3;

/// The generation after `generation`, modulo 2^30.
fn next_generation(generation: u32) -> u32 {
    generation.wrapping_add(1) & GENERATION_MASK
}

impl FarmEvent {
    fn pack(kind: u32, server: u32, generation: u32, arrival: Micros) -> Self {
        FarmEvent {
            arrival,
            server,
            kind_and_generation: kind << KIND_SHIFT | (generation & GENERATION_MASK),
        }
    }

    fn completion(server: u32, generation: u32, arrival: Micros) -> Self {
        FarmEvent::pack(COMPLETION, server, generation, arrival)
    }

    fn ready(server: u32, generation: u32) -> Self {
        FarmEvent::pack(READY, server, generation, 0)
    }

    fn tick() -> Self {
        FarmEvent::pack(TICK, 0, 0, 0)
    }

    fn interruption(server: u32, generation: u32) -> Self {
        FarmEvent::pack(INTERRUPTION, server, generation, 0)
    }

    #[inline]
    fn due(self) -> Due {
        let (server, arrival) = (self.server, self.arrival);
        let generation = self.kind_and_generation & GENERATION_MASK;
        match self.kind_and_generation >> KIND_SHIFT {
            COMPLETION => Due::Completion {
                server,
                generation,
                arrival,
            },
            READY => Due::Ready { server, generation },
            TICK => Due::Tick,
            _ => Due::Interruption { server, generation },
        }
    }
}

pub struct ServerFarm {
    config: FarmConfig,
    draws: Draws,
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

    /// The time of the event or arrival being handled, clipped to the
    /// horizon: when the counts below change.
    now: Micros,
    /// Requests queued or in service.
    in_system: StepArea,
    busy_slots: StepArea,
    /// Serving slots × time up to `capacity_since`: brought forward only
    /// when the routable servers change and when read (`settle_capacity`).
    capacity_area: u128,
    capacity_since: Micros,
    period_busy_start: u128,
    period_capacity_start: u128,
    last_arrival: Micros,
    last_completion: Micros,
    /// Whether a request's work is its trace duration (speed 1, no scale).
    work_is_duration: bool,
    /// The request timeout, or the end of time (which no latency exceeds).
    timeout_or_never: Micros,
    /// The clock hour of the last arrival, as an index of `bytes_by_hour`,
    /// and where it ends.
    hour: usize,
    hour_end: Micros,

    counts: RequestCounts,
    latency: LatencyRecorder,
    timed_out_latency: LatencyRecorder,
    queueing: LatencyRecorder,
    /// Requests that started at once, not yet in `queueing`.
    zero_waits: u64,
    tally: InstanceTally,
    usage: FarmUsage,
    timeline: Vec<(Micros, u32)>,
}

impl ServerFarm {
    pub fn new(config: FarmConfig, horizon_end: Option<Micros>, seed: u64) -> Self {
        let autoscaler = Autoscaler::new(config.scaling.clone(), config.bounds, config.origin_into_day);
        let mut farm = ServerFarm {
            draws: Draws::new(seed),
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
            in_system: StepArea::default(),
            busy_slots: StepArea::default(),
            capacity_area: 0,
            capacity_since: 0,
            period_busy_start: 0,
            period_capacity_start: 0,
            last_arrival: 0,
            last_completion: 0,
            work_is_duration: config.speed == 1.0 && config.duration_scale.is_unchanged(),
            timeout_or_never: config.request_timeout.unwrap_or(Micros::MAX),
            hour: 0,
            hour_end: 0,
            counts: RequestCounts::default(),
            latency: LatencyRecorder::default(),
            timed_out_latency: LatencyRecorder::default(),
            queueing: LatencyRecorder::default(),
            zero_waits: 0,
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

    pub(super) fn clip(&self, time: Micros) -> Micros {
        self.horizon_limit.map_or(time, |limit| time.min(limit))
    }

    /// Moves the clock to `now` (at most to the horizon), where the counts
    /// change next: events and arrivals come in time order.
    #[inline(always)]
    pub(super) fn advance(&mut self, now: Micros) {
        self.now = self.clip(now);
    }

    /// Brings `capacity_area` forward to `now` (the routable servers have
    /// not changed since `capacity_since`).
    pub(super) fn settle_capacity(&mut self) {
        let serving = self.routable.len() as u128 * u128::from(self.config.slots);
        self.capacity_area += serving * u128::from(self.now - self.capacity_since);
        self.capacity_since = self.now;
    }

    pub(super) fn should_keep_ticking(&self, next: Micros) -> bool {
        match self.horizon_limit {
            Some(limit) => next <= limit,
            None => !self.stream_ended || self.in_system.count > 0,
        }
    }

    /// Ends the run and hands over what it recorded.
    pub fn finish(mut self) -> FarmRun {
        let horizon_end = self
            .horizon_limit
            .unwrap_or_else(|| self.last_completion.max(self.last_arrival));
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
        self.tally.busy_us = self.busy_slots.area(horizon_end) / u128::from(self.config.slots.max(1));
        // Every served and timed-out request's latency was recorded, so
        // the recorders count them.
        self.counts.served = self.latency.count();
        self.counts.timed_out = self.timed_out_latency.count();
        self.queueing.record_zeros(std::mem::take(&mut self.zero_waits));
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
            timed_out_latency: self.timed_out_latency,
            queueing: self.queueing,
            instances: self.tally,
            usage: self.usage,
            timeline: self.timeline,
            mean_in_system: if horizon_end == 0 {
                0.0
            } else {
                self.in_system.area(horizon_end) as f64 / horizon_end as f64
            },
            horizon_end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_unpack_to_what_was_packed() {
        // 2^30 - 1 is the largest generation; the kind sits above it.
        let top = GENERATION_MASK;
        assert_eq!(top, 1_073_741_823);
        assert_eq!(
            FarmEvent::completion(7, top, 123_456).due(),
            Due::Completion {
                server: 7,
                generation: top,
                arrival: 123_456
            }
        );
        assert_eq!(
            FarmEvent::ready(u32::MAX, 5).due(),
            Due::Ready {
                server: u32::MAX,
                generation: 5
            }
        );
        assert_eq!(FarmEvent::tick().due(), Due::Tick);
        assert_eq!(
            FarmEvent::interruption(3, 0).due(),
            Due::Interruption {
                server: 3,
                generation: 0
            }
        );
    }

    #[test]
    fn an_event_takes_16_bytes_and_generations_wrap_at_2_pow_30() {
        // u64 arrival + u32 server + u32 kind and generation.
        assert_eq!(std::mem::size_of::<FarmEvent>(), 16);
        assert_eq!(next_generation(41), 42);
        assert_eq!(next_generation(GENERATION_MASK), 0);
    }
}
