//! The lives of the farm's servers: launching (and booting), closing paid
//! and accrual intervals, removing, sleeping and waking, scaling to a target
//! count, and spot interruptions.

use std::collections::VecDeque;

use super::{FarmEvent, HOUR, IntervalEnd, Server, ServerFarm, ServerInterval, State, next_generation};
use crate::engine::EventQueue;
use crate::units::Micros;

impl ServerFarm {
    pub(super) fn launch(&mut self, now: Micros, state: State) -> u32 {
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
                let generation = next_generation(self.servers[index].generation);
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

    pub(super) fn make_routable(&mut self, index: u32) {
        if let Err(position) = self.routable.binary_search(&index) {
            self.settle_capacity();
            self.routable.insert(position, index);
            self.free_slots.route(index, self.servers[index as usize].busy);
        }
    }

    pub(super) fn unroute(&mut self, index: u32) {
        if let Ok(position) = self.routable.binary_search(&index) {
            self.settle_capacity();
            self.routable.remove(position);
            self.free_slots.unroute(index);
        }
    }

    /// Draws when a spot server will be interrupted (exponential, so
    /// interruptions form a Poisson process per server).
    pub(super) fn schedule_interruption(
        &mut self,
        index: u32,
        now: Micros,
        queue: &mut EventQueue<FarmEvent>,
    ) {
        if self.config.interruptions_per_hour > 0.0 {
            let draw = self.draws.unit();
            let after = -(1.0 - draw).ln() / self.config.interruptions_per_hour * HOUR;
            let generation = self.servers[index as usize].generation;
            queue.schedule(
                now.saturating_add(after as Micros),
                FarmEvent::interruption(index, generation),
            );
        }
    }

    /// Closes the open paid interval of `index` at `end`.
    pub(super) fn close_paid(&mut self, index: u32, end: Micros, ended: IntervalEnd) {
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
    pub(super) fn close_accrual(&mut self, index: u32, end: Micros) {
        if let Some(start) = self.servers[index as usize].accrual_since.take() {
            self.usage.accrual.push(ServerInterval {
                server: index,
                start,
                end: end.max(start),
                ended: IntervalEnd::Stopped,
            });
        }
    }

    pub(super) fn remove(&mut self, index: u32, now: Micros, ended: IntervalEnd) {
        self.close_paid(index, now, ended);
        if let Some(tail) = self.config.accrual_tail {
            // Google bills until the tail after the last request even when
            // the instance stops sooner (scaled in, or never used).
            let last_end = self.servers[index as usize].last_end;
            self.close_accrual(index, last_end + tail);
        }
        self.unroute(index);
        let server = &mut self.servers[index as usize];
        server.state = State::Gone;
        server.generation = next_generation(server.generation);
        self.live -= 1;
    }

    /// Puts an idle sleeping server to sleep if it has been quiet long
    /// enough by `now`.
    pub(super) fn settle_sleep(&mut self, index: u32, now: Micros) {
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
    #[inline]
    pub(super) fn wake(&mut self, index: u32, now: Micros) -> bool {
        let Some(sleep) = self.config.sleep else {
            return false;
        };
        self.settle_sleep(index, now);
        let server = &mut self.servers[index as usize];
        if server.paid_since.is_some() {
            return false;
        }
        server.paid_since = Some(now);
        server.ready_at = now + sleep.wake;
        true
    }

    pub(super) fn scale_to(&mut self, desired: u32, now: Micros, queue: &mut EventQueue<FarmEvent>) {
        let mut current = self.target;
        while current < desired {
            let index = self.launch(now, State::Booting);
            let generation = self.servers[index as usize].generation;
            queue.schedule(now + self.config.boot, FarmEvent::ready(index, generation));
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
}
