//! The function platform model (AWS Lambda and its peers): per function, a
//! pool of instances that start cold, serve `instance_concurrency` requests at
//! a time, stay warm for a keep-alive period, and are capped by a concurrency
//! limit; optionally with always-warm provisioned instances.
//!
//! Semantics, as measured on AWS Lambda and used by SimFaaS:
//! - a request goes to a provisioned instance with a free slot, else to an
//!   on-demand instance that is busy but has a free slot, else to the most
//!   recently used idle instance (warm start), else starts a new instance
//!   (cold start: the request waits for the start-up delay);
//! - starting to use an idle instance, or starting a new one, needs a busy
//!   instance fewer than the concurrency limit, or the request is throttled
//!   (counted, not billed);
//! - an idle instance expires `keep_alive` after its last request ends;
//! - a request running past `max_duration` is cut off there, billed up to it
//!   and counted as timed out;
//! - a row without its own memory runs for its recorded duration scaled by
//!   the speed model (`cpu_fraction`; none by default), a row naming its
//!   memory runs at that size as recorded.
//!
//! The model records billable quantities (rounded durations × memory, per
//! UTC clock hour, from which calendar months are summed exactly), never
//! dollars: pricing is done on the totals afterwards.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand_pcg::Pcg64;

use super::function_settings::FunctionSettings;
use super::keepalive::{IdleList, Links, NONE, Thread, Threaded};
use super::speed::DurationScale;
use crate::cache::prefetch;
use crate::calendar::{BillingMonth, MonthCursor, split_by_month};
use crate::distribution::DurationSampler;
use crate::engine::{EventQueue, Model};
use crate::metrics::{InstanceTally, LatencyRecorder, RequestCounts};
use crate::pricing::FunctionOffering;
use crate::pricing::function_book::MemorySizes;
use crate::series::{HOUR, LevelRecorder};
use crate::units::Micros;
use crate::usage::{BilledSize, FunctionMeters, FunctionUsage, OwnSizeTally};
use crate::workload::Request;

/// The function model's one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionEvent {
    /// A request on `instance` finished (or was cut off).
    Completion { instance: u32 },
}

/// Marks an instance that is in neither availability list.
const NOT_LISTED: u32 = u32::MAX;

/// One cache line: a request reads or writes most of it.
#[derive(Debug, Clone)]
#[repr(align(64))]
struct Instance {
    function: u32,
    /// Requests in progress (or waiting for the start-up to finish).
    active: u32,
    /// When the start-up delay ends and requests can begin executing.
    ready_at: Micros,
    created_at: Micros,
    busy_since: Micros,
    /// When an idle instance's keep-alive ends.
    idle_until: Micros,
    /// While idle: its place in its function's idle list and in the list
    /// of all idle instances (see [`super::keepalive`]).
    idle_links: [Links; 2],
    provisioned: bool,
    /// A provisioned instance whose provisioning ended while it was busy.
    retiring: bool,
    alive: bool,
    /// Position in its function's availability list, or [`NOT_LISTED`].
    listed_at: u32,
}

impl Threaded for Instance {
    #[inline(always)]
    fn links(&mut self, thread: Thread) -> &mut Links {
        &mut self.idle_links[thread as usize]
    }
}

/// Instances of one function: 12 bytes, so that tens of thousands of
/// functions take little cache.
#[derive(Debug, Clone, Copy)]
struct FunctionPool {
    /// Idle on-demand instances, least recently used the oldest.
    idle: IdleList,
    /// Its entry in [`FunctionPlatform::free_lists`], or [`NONE`] while it
    /// has needed none.
    free_lists: u32,
}

impl FunctionPool {
    const EMPTY: FunctionPool = FunctionPool {
        idle: IdleList::EMPTY,
        free_lists: NONE,
    };
}

/// Instances of one function with a free slot, made for a function only
/// when it first has one (several slots per instance, or provisioning).
#[derive(Debug, Default)]
struct FreeLists {
    /// On-demand instances with some but not all slots busy.
    partly_busy: Vec<u32>,
    /// Provisioned instances with a free slot.
    provisioned_free: Vec<u32>,
}

/// A billing granularity, with what it takes to round a duration up to it
/// without a 64-bit division per request.
#[derive(Debug, Clone, Copy)]
struct Granularity {
    step: Micros,
    /// ⌈2^64 / step⌉ for steps from 2 to 2^32, else 0: for any `n` below
    /// 2^32, ⌊n / step⌋ is then the high 64 bits of `reciprocal × n`
    /// (Lemire, Kaser and Kurz, "Faster remainder by direct computation",
    /// 2019, theorem 1, with 64 fraction bits ≥ 32 bits of `n` + 32 of
    /// `step`).
    reciprocal: u64,
}

impl Granularity {
    fn new(step: Micros) -> Self {
        // ⌈2^64 / step⌉ = ⌊(2^64 - 1) / step⌋ + 1 for every step above 1
        // (a power of two divides 2^64, and then 2^64 - 1 falls just short).
        let reciprocal = if (2..=1 << 32).contains(&step) {
            u64::MAX / step + 1
        } else {
            0
        };
        Granularity { step, reciprocal }
    }

    /// `micros` rounded up to a whole number of steps (saturating).
    #[inline(always)]
    fn round_up(self, micros: Micros) -> Micros {
        if micros >> 32 == 0 && self.reciprocal != 0 {
            let quotient = ((u128::from(self.reciprocal) * u128::from(micros)) >> 64) as Micros;
            // Below 2^32 steps of below 2^32 µs each: no overflow.
            let down = quotient * self.step;
            return if down == micros { down } else { down + self.step };
        }
        micros.div_ceil(self.step).saturating_mul(self.step)
    }
}

/// The billing rules a model must apply per request, because a request's
/// billed duration is rounded before it is summed.
#[derive(Debug, Clone)]
struct Rounding {
    granularity: Granularity,
    minimum_us: u64,
    memory_rounding_mb: u32,
    minimum_memory_mb: u32,
    /// The configurable sizes (and, for Google, their CPU clocks).
    sizes: MemorySizes,
    init_billed: bool,
    /// [`Rounding::memory`] of the deployment's memory size, for the rows
    /// that do not name their own (worked out once, not per request).
    default_memory: (u32, u32),
}

impl Rounding {
    #[inline(always)]
    fn duration(&self, micros: Micros) -> Micros {
        self.granularity.round_up(micros).max(self.minimum_us)
    }

    /// The memory billed for a request that needs `megabytes`: first the
    /// next size the platform can be configured with (a trace row asking for
    /// 267 MB runs on a 320 MB Lambda in 2016), then the vendor's billing
    /// rounding (Azure: 128 MB steps); with the size's CPU clock in MHz
    /// where the book bills CPU (Google), else 0.
    fn memory(&self, megabytes: u32) -> (u32, u32) {
        // Rows above the largest size are refused by the row check first.
        let configurable = self.sizes.fitting(megabytes).unwrap_or(megabytes);
        let billed = configurable
            .div_ceil(self.memory_rounding_mb)
            .saturating_mul(self.memory_rounding_mb)
            .max(self.minimum_memory_mb);
        (billed, self.sizes.cpu_mhz(configurable).unwrap_or(0))
    }
}

/// What a function run produced.
#[derive(Debug, Clone)]
pub struct FunctionRun {
    pub counts: RequestCounts,
    /// Latency of the served requests.
    pub latency: LatencyRecorder,
    /// What the client saw of the timed-out requests (their cut-off).
    pub timed_out_latency: LatencyRecorder,
    /// On-demand instances' time alive but not busy, µs: warm instances
    /// that per-request billing does not charge for.
    pub warm_unbilled_us: u128,
    /// Waits before execution starts (start-ups).
    pub queueing: LatencyRecorder,
    pub instances: InstanceTally,
    pub usage: FunctionUsage,
    /// Billable quantities of each UTC clock hour with usage, by hour (0
    /// being the one the origin falls in), in hour order: sparse, so that a
    /// long span with few requests costs no memory.
    hourly: Vec<(Micros, FunctionMeters)>,
    /// How far into its UTC hour the origin lies.
    hour_offset: Micros,
    memory_mb: u32,
    /// Most instances alive in each bucket of
    /// `series::bucket_width(horizon_end)` (a minute for spans up to 91 days).
    pub instances_per_minute: Vec<u32>,
    /// End of the horizon, as an offset from the origin.
    pub horizon_end: Micros,
    origin: DateTime<Utc>,
    /// Provisioned memory (MB·µs per µs) configured for the whole run, the
    /// end of the provisioning window and its billing granularity.
    provisioned_mb: u128,
    provisioned_until: Option<Micros>,
    provisioned_granularity_us: u64,
    /// How request sizes were billed (for [`FunctionRun::usage_at_memory`]).
    rounding: Rounding,
}

impl FunctionRun {
    /// The whole run's usage as if the deployment had been configured with
    /// `memory_mb` on the same book, every request lasting as long (a run
    /// whose durations do not depend on its size).
    pub fn usage_at_memory(&self, memory_mb: u32) -> FunctionUsage {
        let billed = |(memory_mb, cpu_mhz)| BilledSize { memory_mb, cpu_mhz };
        self.usage.at_memory(
            (self.memory_mb, billed(self.rounding.default_memory)),
            (memory_mb, billed(self.rounding.memory(memory_mb))),
        )
    }

    /// The usage of the run's first `until` microseconds (whole hours of
    /// requests), priced for the cost-over-time chart.
    pub fn usage_until(&self, until: Micros) -> FunctionUsage {
        self.usage_of(until, self.provisioned_until.map_or(until, |end| end.min(until)))
    }

    /// Usage of the requests of the hours starting before `requests_before`
    /// and of provisioned capacity configured until `provisioned_to`. Hours
    /// are UTC clock hours, so none straddles a month: the monthly totals
    /// derived here are exact.
    fn usage_of(&self, requests_before: Micros, provisioned_to: Micros) -> FunctionUsage {
        let mut usage = FunctionUsage::new(BillingMonth::containing(self.origin), self.memory_mb);
        let mut cursor = MonthCursor::new(self.origin);
        for &(hour, ref delta) in &self.hourly {
            let start = (hour * HOUR).saturating_sub(self.hour_offset);
            if start >= requests_before {
                break;
            }
            usage.month_mut(cursor.advance_to(start)).meters.add(delta);
        }
        add_provisioned(
            &mut usage,
            self.origin,
            self.provisioned_mb,
            provisioned_to,
            self.provisioned_granularity_us,
        );
        usage
    }
}

/// Adds provisioned capacity configured from the origin to `window_end`:
/// `provisioned_mb` MB for each calendar month's part of the window. The
/// window (enable to disable) is rounded up to the billing granularity once,
/// as AWS bills it; the rounding falls in the month the window ends in.
fn add_provisioned(
    usage: &mut FunctionUsage,
    origin: DateTime<Utc>,
    provisioned_mb: u128,
    window_end: Micros,
    granularity_us: u64,
) {
    if provisioned_mb == 0 {
        return;
    }
    let rounding = window_end.div_ceil(granularity_us).saturating_mul(granularity_us) - window_end;
    let pieces = split_by_month(origin, 0, window_end);
    let last = pieces.len().saturating_sub(1);
    for (position, piece) in pieces.into_iter().enumerate() {
        let configured = piece.until - piece.from + if position == last { rounding } else { 0 };
        usage.month_mut(piece.index).meters.provisioned_configured_mb_us +=
            provisioned_mb * u128::from(configured);
    }
}

/// The span (start..end, as offsets from the origin) of the UTC hour that
/// `time` falls in, the origin lying `hour_offset` into its hour: the times
/// [`FunctionPlatform::hour_meters`] counts in that hour.
fn hour_span(time: Micros, hour_offset: Micros) -> (Micros, Micros) {
    let hour = time.saturating_add(hour_offset) / HOUR;
    let start = (hour * HOUR).saturating_sub(hour_offset);
    let end = (hour + 1).saturating_mul(HOUR).saturating_sub(hour_offset);
    (start, end)
}

pub struct FunctionPlatform {
    settings: FunctionSettings,
    /// The speed model's factor for rows recorded at the reference size
    /// (rows naming their memory run at it, as recorded).
    duration_scale: DurationScale,
    rounding: Rounding,
    provisioned_granularity_us: u64,
    extra_storage_mb: u32,
    cold_start: DurationSampler,
    rng: Pcg64,
    origin: DateTime<Utc>,
    /// An explicit horizon end; none means "until the last request ends".
    horizon_limit: Option<Micros>,
    /// The horizon's end, or the end of time without one: what instance
    /// time is clipped to.
    clip_at: Micros,

    pools: Vec<FunctionPool>,
    free_lists: Vec<FreeLists>,
    instances: Vec<Instance>,
    vacant: Vec<u32>,
    /// All idle instances, the next to expire the oldest.
    expiring: IdleList,
    /// Whether at most one function has been seen: its idle list is then
    /// `expiring` (the same instances in the same order), and its own is
    /// left unkept until a second function comes.
    one_function: bool,
    provisioning: bool,
    /// When provisioned instances are released, while they are kept; the
    /// end of time once they are (or if there never were any).
    provisioning_ends: Micros,
    live: u64,
    busy_instances: u32,
    last_arrival: Micros,
    last_completion: Micros,

    counts: RequestCounts,
    latency: LatencyRecorder,
    timed_out_latency: LatencyRecorder,
    queueing: LatencyRecorder,
    /// Requests that started at once, not yet in `queueing` (counted apart,
    /// as the usual case, and added when the run ends).
    zero_waits: u64,
    tally: InstanceTally,
    provisioned_instance_us: u128,
    provisioned_busy_us: u128,
    hour_offset: Micros,
    /// Usage of each UTC clock hour with usage (see [`FunctionRun`]).
    hourly: Vec<(Micros, FunctionMeters)>,
    /// The requests at the deployment's own size in the hour spanning
    /// `own_size_hour` (start..end, model time), not yet in `hourly`.
    own_size: OwnSizeTally,
    own_size_hour: (Micros, Micros),
    levels: LevelRecorder,
    /// Requests waiting for a free instance at the limit (Cloud Run), in
    /// arrival order.
    waiting: VecDeque<Request>,
    /// Whether instance time is metered (books that bill it).
    meter_instances: bool,
}

impl FunctionPlatform {
    /// A model for one deployment. `horizon_end`, when given, clips instance
    /// time; `seed` drives the start-up delays.
    pub fn new(
        settings: FunctionSettings,
        offering: &FunctionOffering,
        origin: DateTime<Utc>,
        horizon_end: Option<Micros>,
        seed: u64,
    ) -> Self {
        let billing = &offering.billing;
        let included_storage = billing
            .ephemeral_storage
            .as_ref()
            .map_or(0, |storage| storage.included_mb);
        let mut rounding = Rounding {
            granularity: Granularity::new(settings.granularity_us),
            minimum_us: billing.minimum_billed_us,
            memory_rounding_mb: billing.memory_rounding_mb,
            minimum_memory_mb: billing.minimum_billed_memory_mb,
            sizes: offering.limits.memory.clone(),
            init_billed: billing.init_billed,
            default_memory: (0, 0),
        };
        rounding.default_memory = rounding.memory(settings.memory_mb);
        FunctionPlatform {
            duration_scale: settings.duration_scale(offering),
            rounding,
            provisioned_granularity_us: u64::from(billing.provisioned_granularity_s) * 1_000_000,
            extra_storage_mb: settings.ephemeral_storage_mb.saturating_sub(included_storage),
            cold_start: settings.cold_start.sampler(),
            rng: Pcg64::seed_from_u64(seed),
            origin,
            horizon_limit: horizon_end,
            clip_at: horizon_end.unwrap_or(Micros::MAX),
            pools: Vec::new(),
            free_lists: Vec::new(),
            instances: Vec::new(),
            vacant: Vec::new(),
            expiring: IdleList::EMPTY,
            one_function: true,
            provisioning: settings.provisioned > 0,
            provisioning_ends: settings
                .provisioned_until
                .filter(|_| settings.provisioned > 0)
                .unwrap_or(Micros::MAX),
            live: 0,
            busy_instances: 0,
            last_arrival: 0,
            last_completion: 0,
            counts: RequestCounts::default(),
            latency: LatencyRecorder::default(),
            timed_out_latency: LatencyRecorder::default(),
            queueing: LatencyRecorder::default(),
            zero_waits: 0,
            tally: InstanceTally::default(),
            provisioned_instance_us: 0,
            provisioned_busy_us: 0,

            hour_offset: origin.timestamp_micros().rem_euclid(HOUR as i64) as Micros,
            hourly: Vec::new(),
            own_size: OwnSizeTally::default(),
            own_size_hour: (0, 0),
            levels: LevelRecorder::until(horizon_end),
            waiting: VecDeque::new(),
            meter_instances: billing.instance_time.is_some(),
            settings,
        }
    }

    /// The meters of the UTC hour `time` falls in. Requests arrive in
    /// order, so their hour is the last one or a new one; instance spans
    /// (busy periods, lives) may reach back, and are found by search.
    #[inline(always)]
    fn hour_meters(&mut self, time: Micros) -> &mut FunctionMeters {
        let hour = time.saturating_add(self.hour_offset) / HOUR;
        let last = self.hourly.len().wrapping_sub(1);
        if self
            .hourly
            .get(last)
            .is_some_and(|&(last_hour, _)| last_hour == hour)
        {
            return &mut self.hourly[last].1;
        }
        self.other_hour_meters(hour)
    }

    /// [`Self::hour_meters`] of an hour other than the last one metered.
    fn other_hour_meters(&mut self, hour: Micros) -> &mut FunctionMeters {
        let index = match self.hourly.last() {
            Some(&(last, _)) if last < hour => {
                self.hourly.push((hour, FunctionMeters::default()));
                self.hourly.len() - 1
            }
            None => {
                self.hourly.push((hour, FunctionMeters::default()));
                0
            }
            Some(_) => match self.hourly.binary_search_by_key(&hour, |&(hour, _)| hour) {
                Ok(index) => index,
                Err(index) => {
                    self.hourly.insert(index, (hour, FunctionMeters::default()));
                    index
                }
            },
        };
        &mut self.hourly[index].1
    }

    /// Adds the span `start..end` of instance time, plus `extra` (rounding)
    /// in its last hour, to `meter` of each UTC hour it covers.
    fn add_span(
        &mut self,
        start: Micros,
        end: Micros,
        extra: Micros,
        meter: fn(&mut FunctionMeters) -> &mut u128,
    ) {
        let mut from = start;
        while from < end {
            let hour_end = ((from + self.hour_offset) / HOUR + 1) * HOUR - self.hour_offset;
            let until = end.min(hour_end);
            *meter(self.hour_meters(from)) += u128::from(until - from);
            from = until;
        }
        *meter(self.hour_meters(end.max(start).saturating_sub(1))) += u128::from(extra);
    }

    /// Meters a busy period that ended (rounded up to the granularity).
    #[inline(always)]
    fn meter_busy(&mut self, since: Micros, end: Micros, provisioned: bool) {
        if !self.meter_instances || end <= since {
            return;
        }
        let length = end - since;
        let rounding =
            length.div_ceil(self.rounding.granularity.step) * self.rounding.granularity.step - length;
        if provisioned {
            self.add_span(since, end, rounding, |meters| &mut meters.minimum_busy_us);
        } else {
            self.add_span(since, end, rounding, |meters| &mut meters.instance_busy_us);
        }
    }

    fn clip(&self, time: Micros) -> Micros {
        time.min(self.clip_at)
    }

    fn spawn(&mut self, function: u32, now: Micros, provisioned: bool) -> u32 {
        let instance = Instance {
            function,
            active: 0,
            ready_at: now,
            created_at: now,
            busy_since: now,
            idle_until: now,
            idle_links: [Links::UNLINKED; 2],
            provisioned,
            retiring: false,
            alive: true,
            listed_at: NOT_LISTED,
        };
        self.live += 1;
        self.tally.peak = self.tally.peak.max(self.live);
        self.levels.set(now, self.live as u32);
        match self.vacant.pop() {
            Some(id) => {
                self.instances[id as usize] = instance;
                id
            }
            None => {
                self.instances.push(instance);
                (self.instances.len() - 1) as u32
            }
        }
    }

    fn retire(&mut self, id: u32, at: Micros) {
        self.unlist(id);
        let end = self.clip(at);
        let instance = &mut self.instances[id as usize];
        instance.alive = false;
        let lifetime = u128::from(end.saturating_sub(instance.created_at));
        let (created_at, provisioned) = (instance.created_at, instance.provisioned);
        self.tally.instance_us += lifetime;
        if provisioned {
            self.provisioned_instance_us += lifetime;
        }
        if self.meter_instances {
            if provisioned {
                self.add_span(created_at, end, 0, |meters| &mut meters.minimum_life_us);
            } else {
                self.add_span(created_at, end, 0, |meters| &mut meters.instance_life_us);
            }
        }
        self.live -= 1;
        self.levels.set(at, self.live as u32);
        self.vacant.push(id);
    }

    fn list(&mut self, id: u32) {
        let instance = &self.instances[id as usize];
        if instance.listed_at != NOT_LISTED {
            return;
        }
        let provisioned = instance.provisioned;
        let lists = self.free_lists_of(instance.function);
        let list = if provisioned {
            &mut lists.provisioned_free
        } else {
            &mut lists.partly_busy
        };
        let position = list.len() as u32;
        list.push(id);
        self.instances[id as usize].listed_at = position;
    }

    #[inline(always)]
    fn unlist(&mut self, id: u32) {
        let position = self.instances[id as usize].listed_at;
        if position != NOT_LISTED {
            self.unlist_at(id, position);
        }
    }

    /// Takes `id`, filed at `position` of its pool's list, off that list.
    fn unlist_at(&mut self, id: u32, position: u32) {
        let instance = &self.instances[id as usize];
        // Listed, so its function has free lists.
        let lists = &mut self.free_lists[self.pools[instance.function as usize].free_lists as usize];
        let list = if instance.provisioned {
            &mut lists.provisioned_free
        } else {
            &mut lists.partly_busy
        };
        list.swap_remove(position as usize);
        if let Some(&moved) = list.get(position as usize) {
            self.instances[moved as usize].listed_at = position;
        }
        self.instances[id as usize].listed_at = NOT_LISTED;
    }

    /// The free lists of `function`, made when it first needs them.
    fn free_lists_of(&mut self, function: u32) -> &mut FreeLists {
        let pool = &mut self.pools[function as usize];
        if pool.free_lists == NONE {
            pool.free_lists = self.free_lists.len() as u32;
            self.free_lists.push(FreeLists::default());
        }
        &mut self.free_lists[pool.free_lists as usize]
    }

    /// The idle instance whose keep-alive ends first, if it ends by `now`.
    #[inline(always)]
    fn due_by(&self, now: Micros) -> Option<u32> {
        match self.expiring.oldest_in(&self.instances) {
            Some((id, instance)) if instance.idle_until <= now => Some(id),
            _ => None,
        }
    }

    /// Retires idle instances whose keep-alive ran out by `now`.
    #[inline(always)]
    fn expire_until(&mut self, now: Micros) {
        if self.due_by(now).is_some() {
            self.expire_due(now);
        }
    }

    /// [`Self::expire_until`] once an instance is due.
    fn expire_due(&mut self, now: Micros) {
        while let Some(id) = self.due_by(now) {
            // Idle instances are listed in the order they went idle, so the
            // one expiring now is its function's least recently used.
            debug_assert_eq!(
                self.idle_list_of(self.instances[id as usize].function).oldest(),
                Some(id)
            );
            self.take_idle(id, self.instances[id as usize].function);
            self.retire(id, self.instances[id as usize].idle_until);
        }
    }

    /// Takes the idle instance `id` of `function` off its function's idle
    /// list and the list of all idle instances.
    #[inline(always)]
    fn take_idle(&mut self, id: u32, function: u32) {
        if !self.one_function {
            self.pools[function as usize]
                .idle
                .remove(&mut self.instances, id, Thread::Function);
        }
        self.expiring.remove(&mut self.instances, id, Thread::Expiry);
    }

    /// The idle instances of `function`, least recently used the oldest.
    #[inline(always)]
    fn idle_list_of(&self, function: u32) -> IdleList {
        if self.one_function {
            self.expiring
        } else {
            self.pools[function as usize].idle
        }
    }

    /// Releases provisioned instances once the provisioning window has ended.
    #[inline(always)]
    fn end_provisioning_by(&mut self, now: Micros) {
        if self.provisioning_ends <= now {
            self.end_provisioning(self.provisioning_ends);
        }
    }

    /// Releases the provisioned instances at `until`, the window's end.
    fn end_provisioning(&mut self, until: Micros) {
        self.provisioning = false;
        self.provisioning_ends = Micros::MAX;
        for id in 0..self.instances.len() as u32 {
            let instance = &self.instances[id as usize];
            if instance.alive && instance.provisioned {
                if instance.active == 0 {
                    self.retire(id, until);
                } else {
                    self.unlist(id);
                    self.instances[id as usize].retiring = true;
                }
            }
        }
    }

    /// Makes room for `function`, starting its provisioned instances (which
    /// exist from the origin) when it is first seen.
    #[inline(always)]
    fn pool_for(&mut self, function: u32) {
        if self.pools.len() <= function as usize {
            self.add_pools(function);
        }
    }

    /// [`Self::pool_for`] of a function not seen before.
    #[cold]
    fn add_pools(&mut self, function: u32) {
        while self.pools.len() <= function as usize {
            let new_function = self.pools.len() as u32;
            if new_function == 1 {
                // Function 0's idle instances, until now all of them.
                self.pools[0].idle =
                    self.expiring
                        .copy_thread(&mut self.instances, Thread::Expiry, Thread::Function);
            }
            self.one_function = new_function == 0;
            self.pools.push(FunctionPool::EMPTY);
            if self.provisioning {
                for _ in 0..self.settings.provisioned {
                    let id = self.spawn(new_function, 0, true);
                    self.list(id);
                }
            }
        }
    }

    /// An instance to serve a request of `function`, and whether it has to
    /// start cold; none when the request is throttled.
    #[inline(always)]
    fn choose_instance(&mut self, function: u32, now: Micros) -> Option<(u32, bool)> {
        let pool = self.pools[function as usize];
        if let Some(lists) = self.free_lists.get(pool.free_lists as usize)
            && let Some(&id) = lists.provisioned_free.last().or(lists.partly_busy.last())
        {
            let needs_slot = self.instances[id as usize].active == 0;
            if !needs_slot || self.busy_instances < self.settings.concurrency_limit {
                return Some((id, false));
            }
            return None;
        }
        if self.busy_instances >= self.settings.concurrency_limit {
            return None;
        }
        if let Some(id) = self.idle_list_of(function).newest() {
            self.take_idle(id, function);
            return Some((id, false));
        }
        let id = self.spawn(function, now, false);
        Some((id, true))
    }

    /// Ends the run at the horizon and hands over what it recorded.
    pub fn finish(mut self) -> FunctionRun {
        let horizon_end = self
            .horizon_limit
            .unwrap_or_else(|| self.last_completion.max(self.last_arrival));
        self.horizon_limit = Some(horizon_end);
        self.clip_at = horizon_end;
        self.spill_own_size();
        for request in std::mem::take(&mut self.waiting) {
            // Still waiting when the horizon ended: the client gave up.
            self.timed_out_latency
                .record(horizon_end.saturating_sub(request.arrival));
        }
        self.expire_until(horizon_end);
        self.end_provisioning_by(horizon_end);
        for id in 0..self.instances.len() as u32 {
            if self.instances[id as usize].alive {
                self.retire(id, horizon_end);
            }
        }
        let provisioned_mb = u128::from(self.settings.provisioned)
            * self.pools.len() as u128
            * u128::from(self.settings.memory_mb);
        let on_demand_life = self
            .tally
            .instance_us
            .saturating_sub(self.provisioned_instance_us);
        let on_demand_busy = self.tally.busy_us.saturating_sub(self.provisioned_busy_us);
        // Every served and timed-out request's latency was recorded, so
        // the recorders count them.
        self.counts.served = self.latency.count();
        self.counts.timed_out = self.timed_out_latency.count();
        self.queueing.record_zeros(std::mem::take(&mut self.zero_waits));
        let mut run = FunctionRun {
            counts: self.counts,
            latency: self.latency,
            timed_out_latency: self.timed_out_latency,
            warm_unbilled_us: on_demand_life.saturating_sub(on_demand_busy),
            queueing: self.queueing,
            instances: self.tally,
            usage: FunctionUsage::new(BillingMonth::containing(self.origin), self.settings.memory_mb),
            hourly: self.hourly,
            hour_offset: self.hour_offset,
            memory_mb: self.settings.memory_mb,
            instances_per_minute: self.levels.finish(horizon_end),
            horizon_end,
            origin: self.origin,
            provisioned_mb,
            provisioned_until: self.settings.provisioned_until,
            provisioned_granularity_us: self.provisioned_granularity_us,
            rounding: self.rounding,
        };
        let provisioned_to = run
            .provisioned_until
            .map_or(horizon_end, |until| until.min(horizon_end));
        run.usage = run.usage_of(Micros::MAX, provisioned_to);
        run.usage.provisioned_idle_us = self
            .provisioned_instance_us
            .saturating_sub(self.provisioned_busy_us);
        run
    }
}

impl FunctionPlatform {
    /// Starts `request` on instance `id` at `now` (its arrival, or later if
    /// it waited at the limit). `continuing`: the instance's slot was freed
    /// at this instant, so its busy period goes on rather than restarting.
    #[inline(always)]
    fn start(
        &mut self,
        id: u32,
        cold: bool,
        request: Request,
        now: Micros,
        continuing: bool,
        queue: &mut EventQueue<FunctionEvent>,
    ) {
        let (init, billed_init) = if cold {
            self.counts.cold_starts += 1;
            let init = self.cold_start.sample(&mut self.rng);
            (init, if self.rounding.init_billed { init } else { 0 })
        } else {
            (0, 0)
        };
        let instance = &mut self.instances[id as usize];
        if cold {
            instance.ready_at = now + init;
        }
        if instance.active == 0 && !continuing {
            instance.busy_since = now;
            self.busy_instances += 1;
        }
        instance.active += 1;
        let provisioned = instance.provisioned;
        let waited = now - request.arrival;
        let limit = self.settings.max_duration.saturating_sub(waited);
        let execution = request.duration.min(limit);
        let timed_out = request.duration > limit;
        let start = now.max(instance.ready_at);
        let completion = start + execution;
        let has_room = instance.active < self.settings.instance_concurrency;
        let listed_at = instance.listed_at;
        if has_room != (listed_at != NOT_LISTED) {
            if has_room {
                self.list(id);
            } else {
                self.unlist_at(id, listed_at);
            }
        }
        queue.schedule(completion, FunctionEvent::Completion { instance: id });
        self.meter_request(&request, execution + billed_init, now, provisioned);
        let wait = start - request.arrival;
        if wait == 0 {
            self.zero_waits += 1;
        } else {
            self.queueing.record(wait);
        }
        if timed_out {
            self.timed_out_latency.record(completion - request.arrival);
        } else {
            self.latency.record(completion - request.arrival);
        }
    }

    /// Records a request's billable quantities in the hour it started: a
    /// request at the deployment's own size in the hour being tallied only
    /// adds to the tally.
    #[inline(always)]
    fn meter_request(&mut self, request: &Request, billed: Micros, now: Micros, provisioned: bool) {
        let billed_us = self.rounding.duration(billed);
        let (start, end) = self.own_size_hour;
        if !(request.memory_mb.is_none()
            && start <= now
            && now < end
            && self.own_size.try_add(billed_us, provisioned, request.bytes_out))
        {
            self.meter_request_otherwise(request, billed_us, now, provisioned);
        }
    }

    /// [`Self::meter_request`] of a request at its own size, or in another
    /// hour than the tally's, or one the tally has no room for.
    #[inline(never)]
    fn meter_request_otherwise(
        &mut self,
        request: &Request,
        billed_us: Micros,
        now: Micros,
        provisioned: bool,
    ) {
        let Some(megabytes) = request.memory_mb else {
            self.spill_own_size();
            self.own_size_hour = hour_span(now, self.hour_offset);
            // An empty tally has room for any one request.
            let counted = self.own_size.try_add(billed_us, provisioned, request.bytes_out);
            debug_assert!(counted);
            return;
        };
        let (memory, cpu_mhz) = self.rounding.memory(megabytes);
        let megabyte_micros = u128::from(billed_us) * u128::from(memory);
        let extra_storage = u128::from(billed_us) * u128::from(self.extra_storage_mb);
        let delta = self.hour_meters(now);
        delta.requests += 1;
        if provisioned {
            delta.provisioned_duration_mb_us += megabyte_micros;
        } else {
            delta.on_demand_mb_us += megabyte_micros;
        }
        delta.cpu_mhz_us += u128::from(billed_us) * u128::from(cpu_mhz);
        delta.extra_storage_mb_us += extra_storage;
        delta.bytes_out += u128::from(request.bytes_out);
    }

    /// Moves the tally of own-size requests into its hour's meters.
    fn spill_own_size(&mut self) {
        if self.own_size.requests == 0 {
            return;
        }
        let tally = std::mem::take(&mut self.own_size);
        let (memory_mb, cpu_mhz) = self.rounding.default_memory;
        let extra_storage_mb = self.extra_storage_mb;
        let meters = self.hour_meters(self.own_size_hour.0);
        tally.add_to(meters, BilledSize { memory_mb, cpu_mhz }, extra_storage_mb);
    }

    /// Gives the slot just freed on `id` to the oldest waiting request of
    /// its function; whether it did. Requests that waited past the time
    /// limit time out (not billed).
    #[inline(never)]
    fn reuse_slot(&mut self, id: u32, now: Micros, queue: &mut EventQueue<FunctionEvent>) -> bool {
        let function = self.instances[id as usize].function;
        if self.instances[id as usize].retiring
            || self
                .waiting
                .front()
                .is_none_or(|head| head.function.0 != function)
        {
            return false;
        }
        let Some(request) = self.next_waiting(now) else {
            return false;
        };
        self.start(id, false, request, now, true, queue);
        true
    }

    /// The oldest waiting request still within its time limit; the ones
    /// past it are counted as timed out.
    fn next_waiting(&mut self, now: Micros) -> Option<Request> {
        while let Some(request) = self.waiting.pop_front() {
            if now - request.arrival < self.settings.max_duration {
                return Some(request);
            }
            self.timed_out_latency.record(self.settings.max_duration);
        }
        None
    }

    /// Starts waiting requests while the limit has room (another function's
    /// instance went idle, or an idle one expired).
    #[inline(never)]
    fn drain_waiting(&mut self, now: Micros, queue: &mut EventQueue<FunctionEvent>) {
        while let Some(function) = self.waiting.front().map(|head| head.function.0) {
            let Some((id, cold)) = self.choose_instance(function, now) else {
                return;
            };
            match self.next_waiting(now) {
                Some(request) if request.function.0 == function => {
                    self.start(id, cold, request, now, false, queue)
                }
                // The head timed out: put the instance back as it was.
                other => {
                    self.release_unused(id, cold, now);
                    if let Some(request) = other {
                        self.waiting.push_front(request);
                    }
                }
            }
        }
    }

    /// Undoes `choose_instance` for an instance that got no request.
    fn release_unused(&mut self, id: u32, cold: bool, now: Micros) {
        if cold {
            self.retire(id, now);
        } else if self.instances[id as usize].active == 0 && !self.instances[id as usize].provisioned {
            self.go_idle(id, now);
        }
    }

    /// Files `id`, now without requests, as idle until its keep-alive ends.
    fn go_idle(&mut self, id: u32, now: Micros) {
        self.unlist(id);
        self.idle_from(id, now);
    }

    /// [`Self::go_idle`] of an instance on no free list.
    #[inline(always)]
    fn idle_from(&mut self, id: u32, now: Micros) {
        let idle_until = now + self.settings.keep_alive;
        debug_assert!(
            self.expiring
                .newest()
                .is_none_or(|newest| self.instances[newest as usize].idle_until <= idle_until)
        );
        let instances = &mut self.instances[..];
        let instance = &mut instances[id as usize];
        debug_assert_eq!(instance.listed_at, NOT_LISTED);
        instance.idle_until = idle_until;
        let function = instance.function as usize;
        if !self.one_function {
            self.pools[function]
                .idle
                .push_newest(instances, id, Thread::Function);
        }
        self.expiring.push_newest(instances, id, Thread::Expiry);
    }
}

/// How many requests ahead [`Model::prefetch`] loads a request's pool, the
/// idle instance it will take, and that instance's neighbours in the list
/// of all idle instances: each step needs the one before it in cache.
const POOL_AHEAD: usize = 15;
const INSTANCE_AHEAD: usize = 7;
const NEIGHBOURS_AHEAD: usize = 2;

impl Model for FunctionPlatform {
    type Event = FunctionEvent;

    /// With many functions, the pools and instances requests touch
    /// outgrow the cache; with one, they stay in it.
    fn prefetches(&self) -> bool {
        !self.one_function
    }

    #[inline(always)]
    fn prefetch(&self, batch: &[Request], next: usize) {
        let function_at = |ahead: usize| batch.get(next + ahead).map(|request| request.function.0 as usize);
        let idle_at = |ahead: usize| {
            let pool = self.pools.get(function_at(ahead)?)?;
            pool.idle.newest().map(|id| id as usize)
        };
        if let Some(function) = function_at(POOL_AHEAD) {
            prefetch(&self.pools, function);
        }
        if let Some(id) = idle_at(INSTANCE_AHEAD) {
            prefetch(&self.instances, id);
        }
        if let Some(instance) = idle_at(NEIGHBOURS_AHEAD).and_then(|id| self.instances.get(id)) {
            for neighbour in instance.idle_links[Thread::Expiry as usize].neighbours() {
                if neighbour != NONE {
                    prefetch(&self.instances, neighbour as usize);
                }
            }
        }
    }

    #[inline(always)]
    fn arrive(&mut self, mut request: Request, queue: &mut EventQueue<FunctionEvent>) {
        if request.memory_mb.is_none() {
            request.duration = self.duration_scale.apply(request.duration);
        }
        let now = request.arrival;
        self.last_arrival = now;
        self.expire_until(now);
        self.end_provisioning_by(now);
        let function = request.function.0;
        self.pool_for(function);
        self.counts.total += 1;
        if !self.waiting.is_empty() {
            // Others are already waiting at the limit: this one queues too.
            self.waiting.push_back(request);
            return;
        }
        match self.choose_instance(function, now) {
            Some((id, cold)) => self.start(id, cold, request, now, false, queue),
            None if self.settings.queue_at_limit => self.waiting.push_back(request),
            None => self.counts.throttled += 1,
        }
    }

    #[inline(always)]
    fn handle(&mut self, now: Micros, event: FunctionEvent, queue: &mut EventQueue<FunctionEvent>) {
        let FunctionEvent::Completion { instance: id } = event;
        // Events come in time order, none before the request it ends.
        self.last_completion = now;
        let instance = &mut self.instances[id as usize];
        instance.active -= 1;
        if instance.active == 0
            && !instance.provisioned
            && instance.listed_at == NOT_LISTED
            && !self.meter_instances
            && self.waiting.is_empty()
        {
            // The common case, in short: an on-demand instance on no free
            // list served its last request, nothing waits, and its busy time
            // is not metered.
            self.busy_instances -= 1;
            let busy = now
                .min(self.clip_at)
                .saturating_sub(instance.busy_since.min(self.clip_at));
            self.tally.busy_us += u128::from(busy);
            self.idle_from(id, now);
            return;
        }
        self.handle_otherwise(id, now, queue);
    }
}

impl FunctionPlatform {
    /// [`Model::handle`] once the completion's slot is freed, in every case.
    #[inline(never)]
    fn handle_otherwise(&mut self, id: u32, now: Micros, queue: &mut EventQueue<FunctionEvent>) {
        if !self.waiting.is_empty() && self.reuse_slot(id, now, queue) {
            return;
        }
        let instance = &self.instances[id as usize];
        if instance.active > 0 {
            if !instance.retiring {
                self.list(id);
            }
            return;
        }
        self.finish_busy_period(id, now);
        if self.instances[id as usize].provisioned {
            if self.instances[id as usize].retiring {
                self.retire(id, now);
            } else {
                self.list(id);
            }
        } else {
            self.go_idle(id, now);
        }
        if !self.waiting.is_empty() {
            self.drain_waiting(now, queue);
        }
    }
}

impl FunctionPlatform {
    /// `id` has just served its last request: its busy time counts.
    #[inline(always)]
    fn finish_busy_period(&mut self, id: u32, now: Micros) {
        self.busy_instances -= 1;
        let end = self.clip(now);
        let instance = &self.instances[id as usize];
        let busy_since = self.clip(instance.busy_since);
        let provisioned = instance.provisioned;
        let busy = u128::from(end.saturating_sub(busy_since));
        self.tally.busy_us += busy;
        if provisioned {
            self.provisioned_busy_us += busy;
        }
        self.meter_busy(busy_since, end, provisioned);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_function_and_an_instance_take_little_cache() {
        // Two list ends and a free-list index: 3 × 4 bytes.
        assert_eq!(std::mem::size_of::<FunctionPool>(), 12);
        // Four times (32 bytes), three u32 (12), four links (16) and three
        // flags (3): 63, one cache line.
        assert_eq!(std::mem::size_of::<Instance>(), 64);
    }

    /// Replays `(arrival, function)` requests of 100 ms each on Lambda
    /// (2016) with its defaults.
    fn lambda_run(requests: &[(Micros, u32)]) -> FunctionRun {
        let book = crate::pricing::resolve("aws-lambda-2016").expect("shipped");
        let offering = book.function().expect("a function book");
        let settings = FunctionSettings::resolve(&book.id, offering, &[]).expect("defaults");
        let mut model = FunctionPlatform::new(settings, offering, chrono::DateTime::UNIX_EPOCH, None, 1);
        let stream = requests.iter().map(|&(arrival, function)| {
            Ok(Request {
                arrival,
                duration: 100_000,
                function: crate::workload::FunctionId(function),
                memory_mb: None,
                bytes_out: 0,
            })
        });
        crate::engine::run(&mut model, &mut crate::workload::Batched::new(stream), None).expect("sorted");
        model.finish()
    }

    #[test]
    fn a_second_function_leaves_the_first_its_idle_instances() {
        // Ten seconds apart: far beyond any start-up delay, well within
        // the keep-alive.
        let step = 10_000_000;
        let keep_alive = {
            let book = crate::pricing::resolve("aws-lambda-2016").expect("shipped");
            let offering = book.function().expect("a function book");
            FunctionSettings::resolve(&book.id, offering, &[])
                .expect("defaults")
                .keep_alive
        };
        assert!(4 * step < keep_alive);
        let run = lambda_run(&[
            (0, 0),                     // cold: instance A
            (step, 0),                  // warm on A
            (2 * step, 1),              // cold: B, a second function, while A is idle
            (3 * step, 0),              // warm on A, from function 0's own idle list
            (4 * step, 1),              // warm on B
            (5 * step + keep_alive, 0), // both expired by now: cold
        ]);
        assert_eq!(run.counts.total, 6);
        assert_eq!(run.counts.cold_starts, 3);
        assert_eq!(run.instances.peak, 2);
    }

    #[test]
    fn rounding_up_by_reciprocal_matches_division() {
        // Around each multiple of the step, at the 32-bit edge, and a
        // deterministic spread of values, for the shipped steps (1 µs, 1 ms,
        // 100 ms), a power of two, odd ones and the largest fast step.
        let steps = [
            1,
            2,
            3,
            7,
            1_000,
            65_536,
            100_000,
            999_983,
            1 << 32,
            (1 << 32) + 1,
        ];
        let mut values: Vec<Micros> = vec![0, 1, u32::MAX.into(), 1 << 32, u64::MAX - 1, u64::MAX];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..20_000 {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            values.push(state >> 32);
        }
        for step in steps {
            let granularity = Granularity::new(step);
            let near_multiples = (1..2_000u64).flat_map(|k| {
                let multiple = k.saturating_mul(step);
                [multiple - 1, multiple, multiple + 1]
            });
            for micros in values.iter().copied().chain(near_multiples) {
                let expected = micros.div_ceil(step).saturating_mul(step);
                assert_eq!(granularity.round_up(micros), expected, "{micros} by {step}");
            }
        }
    }

    #[test]
    fn an_hour_span_is_the_times_of_one_utc_hour() {
        // The origin 15 minutes into its hour: its hour is cut to 45 minutes,
        // the next runs from 45 to 105 minutes.
        let quarter = 15 * 60_000_000;
        assert_eq!(hour_span(0, quarter), (0, HOUR - quarter));
        assert_eq!(hour_span(HOUR - quarter - 1, quarter), (0, HOUR - quarter));
        assert_eq!(
            hour_span(HOUR - quarter, quarter),
            (HOUR - quarter, 2 * HOUR - quarter)
        );
        // The last hour there is ends with time itself.
        let last = u64::MAX / HOUR * HOUR;
        assert_eq!(hour_span(u64::MAX, 0), (last, u64::MAX));
        assert_eq!(hour_span(u64::MAX, quarter), (last - quarter, u64::MAX - quarter));
    }
}
