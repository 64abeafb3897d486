//! Routing a request to a server: a random serving server and its own
//! queue (Heroku's router), or the least-loaded free slot and one shared
//! queue (a load balancer); and handing queued work to freed slots.

use super::{FarmEvent, Pending, Routing, ServerFarm, State};
use crate::engine::EventQueue;
use crate::units::Micros;

impl ServerFarm {
    /// Starts `pending` on a free slot of `index`. The caller tells
    /// `free_slots` the server's new load.
    #[inline(always)]
    pub(super) fn start(
        &mut self,
        index: u32,
        pending: Pending,
        now: Micros,
        queue: &mut EventQueue<FarmEvent>,
    ) {
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
        self.busy_slots.rise(self.now);
        match begin - pending.arrival {
            0 => self.zero_waits += 1,
            wait => self.queueing.record(wait),
        }
        queue.schedule(
            begin + pending.work,
            FarmEvent::completion(index, generation, pending.arrival),
        );
    }

    pub(super) fn dispatch(&mut self, pending: Pending, now: Micros, queue: &mut EventQueue<FarmEvent>) {
        if self.routable.is_empty() {
            // Nothing serving yet (servers booting): wait at the router.
            self.enqueue_shared(pending);
            return;
        }
        match self.config.routing {
            Routing::Random => {
                let pick = self.routable[self.draws.index_below(self.routable.len())];
                if self.wake(pick, now) {
                    self.counts.cold_starts += 1;
                }
                let server = &self.servers[pick as usize];
                if server.busy < self.config.slots {
                    self.start(pick, pending, now, queue);
                } else if self.has_room(server.queue.len(), 1) {
                    self.servers[pick as usize].queue.push_back(pending);
                } else {
                    self.refuse();
                }
            }
            // The serving server with the most free slots (lowest index on
            // ties), which `take` counts one slot busier.
            Routing::Shared => match self.free_slots.take() {
                Some(pick) => {
                    if self.wake(pick, now) {
                        self.counts.cold_starts += 1;
                    }
                    self.start(pick, pending, now, queue);
                }
                None => self.enqueue_shared(pending),
            },
        }
    }

    /// Queues `pending` at the router (one queue for all servers), or
    /// refuses it when the queue limit of the serving servers is reached.
    fn enqueue_shared(&mut self, pending: Pending) {
        let servers = self.routable.len().max(1);
        if self.has_room(self.shared_queue.len(), servers) {
            self.shared_queue.push_back(pending);
        } else {
            self.refuse();
        }
    }

    /// Whether a queue holding `waiting` requests for `servers` servers
    /// takes another one.
    fn has_room(&self, waiting: usize, servers: usize) -> bool {
        self.config
            .queue_limit
            .is_none_or(|limit| waiting < limit as usize * servers)
    }

    /// An arrival finding its queue full is answered with an error at once.
    fn refuse(&mut self) {
        self.counts.throttled += 1;
        self.in_system.fall(self.now);
    }

    /// Gives free slots of `index` the work waiting for it, then tells
    /// `free_slots` the server's load.
    #[inline(always)]
    pub(super) fn pull_work(&mut self, index: u32, now: Micros, queue: &mut EventQueue<FarmEvent>) {
        loop {
            let server = &mut self.servers[index as usize];
            let next = if server.busy >= self.config.slots {
                None
            } else {
                match server.queue.pop_front() {
                    Some(pending) => Some(pending),
                    None if server.state == State::Serving => self.shared_queue.pop_front(),
                    None => None,
                }
            };
            match next {
                Some(pending) => self.start(index, pending, now, queue),
                None => return self.free_slots.set_busy(index, server.busy),
            }
        }
    }
}
