//! The farm as the engine drives it: arrivals (dispatched to a server),
//! completions, servers becoming ready, autoscaling ticks and spot
//! interruptions, each handled by its own method.

use super::{Due, FarmEvent, HOUR_MICROS, IntervalEnd, Pending, ServerFarm, State};
use crate::engine::{EventQueue, Model};
use crate::platform::autoscale::PeriodSummary;
use crate::units::Micros;
use crate::workload::Request;

/// Durations below this many µs are exact as an `f64`.
const EXACT_IN_F64: Micros = 1 << f64::MANTISSA_DIGITS;

impl Model for ServerFarm {
    type Event = FarmEvent;

    fn arrive(&mut self, request: Request, queue: &mut EventQueue<FarmEvent>) {
        let now = request.arrival;
        self.advance(now);
        self.last_arrival = now;
        self.counts.total += 1;
        self.in_system.rise(self.now);
        if now >= self.hour_end {
            self.enter_hour(now, queue);
        }
        if request.bytes_out != 0 {
            self.usage.bytes_out += u128::from(request.bytes_out);
            self.usage.bytes_by_hour[self.hour] += u128::from(request.bytes_out);
        }
        // At speed 1 and scale 1 the duration itself: what the scaling,
        // division and rounding give for any duration an f64 holds exactly
        // (below 2^53 µs).
        let work = if self.work_is_duration && request.duration < EXACT_IN_F64 {
            request.duration
        } else {
            self.scaled_work(request.duration)
        };
        self.dispatch(Pending { arrival: now, work }, now, queue);
    }

    #[inline(always)]
    fn handle(&mut self, now: Micros, event: FarmEvent, queue: &mut EventQueue<FarmEvent>) {
        self.advance(now);
        match event.due() {
            Due::Completion {
                server,
                generation,
                arrival,
            } => self.on_completion(server, generation, arrival, now, queue),
            Due::Ready { server, generation } => self.on_ready(server, generation, now, queue),
            Due::Tick => self.on_tick(now, queue),
            Due::Interruption { server, generation } => self.on_interruption(server, generation, now, queue),
        }
    }

    fn end_of_stream(&mut self, _queue: &mut EventQueue<FarmEvent>) {
        self.stream_ended = true;
    }
}

impl ServerFarm {
    /// The work of a request of `duration` on this server type (at speed 1
    /// the scaled duration itself, below 2^53 µs: the division is exact).
    fn scaled_work(&self, duration: Micros) -> Micros {
        let duration = self.config.duration_scale.apply(duration);
        (duration as f64 / self.config.speed).round() as Micros
    }

    /// The first arrival in a new clock hour: `bytes_by_hour` reaches it.
    /// The very first arrival (`hour_end` starts at 0) also starts the
    /// farm's periodic events.
    #[cold]
    fn enter_hour(&mut self, now: Micros, queue: &mut EventQueue<FarmEvent>) {
        if !self.started {
            self.start_events(now, queue);
        }
        let hour = now / HOUR_MICROS;
        self.hour = hour as usize;
        self.hour_end = (hour + 1).saturating_mul(HOUR_MICROS);
        if self.usage.bytes_by_hour.len() <= self.hour {
            self.usage.bytes_by_hour.resize(self.hour + 1, 0);
        }
    }

    /// The first arrival at `now`: scaling ticks and spot interruptions
    /// begin.
    fn start_events(&mut self, now: Micros, queue: &mut EventQueue<FarmEvent>) {
        self.started = true;
        if self.autoscaler.is_active() {
            let period = self.autoscaler.period();
            queue.schedule(now - now % period + period, FarmEvent::tick());
        }
        for index in self.routable.clone() {
            self.schedule_interruption(index, now, queue);
        }
    }

    /// A request on `index` finished: it counts as served or (past the
    /// router timeout) timed out, and the slot takes queued work.
    #[inline(always)]
    fn on_completion(
        &mut self,
        index: u32,
        generation: u32,
        arrival: Micros,
        now: Micros,
        queue: &mut EventQueue<FarmEvent>,
    ) {
        {
            let server = &mut self.servers[index as usize];
            if server.generation != generation {
                return; // lost with an interrupted server
            }
            server.busy -= 1;
            server.last_end = now;
            self.in_system.fall(self.now);
            self.busy_slots.fall(self.now);
            // Events come in time order.
            self.last_completion = now;
            let latency = now - arrival;
            self.autoscaler.record_response(latency);
            if latency > self.timeout_or_never {
                self.timed_out_latency.record(self.timeout_or_never);
            } else {
                self.latency.record(latency);
            }
            // `pull_work` hands the freed slot its next request and then
            // tells the free-slot index the server's load once.
            self.pull_work(index, now, queue);
            let server = &self.servers[index as usize];
            if server.state == State::Retiring && server.busy == 0 && server.queue.is_empty() {
                self.remove(index, now, IntervalEnd::Stopped);
                self.timeline.push((now, self.live));
            }
        }
    }

    /// A booting server is ready and starts taking requests.
    #[inline(never)]
    fn on_ready(&mut self, index: u32, generation: u32, now: Micros, queue: &mut EventQueue<FarmEvent>) {
        {
            let server = &mut self.servers[index as usize];
            if server.generation == generation && server.state == State::Booting {
                server.state = State::Serving;
                server.ready_at = now;
                server.last_end = now;
                self.make_routable(index);
                self.pull_work(index, now, queue);
            }
        }
    }

    /// The autoscaler's periodic decision, on the period's utilisation.
    #[inline(never)]
    fn on_tick(&mut self, now: Micros, queue: &mut EventQueue<FarmEvent>) {
        {
            self.settle_capacity();
            let busy_slot_area = self.busy_slots.area(self.now);
            let busy = busy_slot_area - self.period_busy_start;
            let capacity = self.capacity_area - self.period_capacity_start;
            self.period_busy_start = busy_slot_area;
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
                queue.schedule(next, FarmEvent::tick());
            }
        }
    }

    /// The provider terminates a spot server: its requests are lost and the
    /// group replaces it.
    #[inline(never)]
    fn on_interruption(
        &mut self,
        index: u32,
        generation: u32,
        now: Micros,
        queue: &mut EventQueue<FarmEvent>,
    ) {
        {
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
            self.in_system.fall_by(lost, self.now);
            self.busy_slots.fall_by(busy, self.now);
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
