//! Keep-alive expiry for idle instances, without a timer event per request.
//!
//! Every idle instance expires a fixed keep-alive period after it became
//! idle, and instances become idle in time order, so expiries come due in the
//! order they were filed: a FIFO suffices where a heap would otherwise be
//! needed. An instance reused before its expiry is not searched for; its
//! ticket goes stale because the instance's generation moves on. The reused
//! instance is usually the one that went idle last (newest first), whose
//! ticket is the newest one: that ticket is withdrawn at once, so that at
//! high rates the queue holds about one ticket per idle instance rather than
//! one per request of the last keep-alive period.

use std::collections::VecDeque;

use crate::units::Micros;

/// A promise to retire `instance` at `expires` if it is still idle in the
/// same `generation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    pub expires: Micros,
    pub instance: u32,
    pub generation: u32,
}

#[derive(Debug, Default)]
pub struct KeepAliveQueue {
    tickets: VecDeque<Ticket>,
}

impl KeepAliveQueue {
    pub fn file(&mut self, ticket: Ticket) {
        debug_assert!(
            self.tickets
                .back()
                .is_none_or(|last| last.expires <= ticket.expires)
        );
        self.tickets.push_back(ticket);
    }

    /// Withdraws the ticket of `instance` in `generation` if it is the
    /// newest one (any other stale ticket is skipped when it comes due).
    pub fn withdraw(&mut self, instance: u32, generation: u32) {
        if self
            .tickets
            .back()
            .is_some_and(|last| last.instance == instance && last.generation == generation)
        {
            self.tickets.pop_back();
        }
    }

    /// Whether a ticket (stale or not) is due at or before `now`.
    #[inline]
    pub fn is_due(&self, now: Micros) -> bool {
        self.tickets.front().is_some_and(|ticket| ticket.expires <= now)
    }

    /// The next ticket due at or before `now`, stale or not.
    pub fn pop_due(&mut self, now: Micros) -> Option<Ticket> {
        if self.tickets.front()?.expires <= now {
            self.tickets.pop_front()
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_come_due_in_filing_order() {
        let mut queue = KeepAliveQueue::default();
        for (expires, instance) in [(10, 1), (10, 2), (15, 3)] {
            queue.file(Ticket {
                expires,
                instance,
                generation: 0,
            });
        }
        assert_eq!(queue.pop_due(9), None);
        assert_eq!(queue.pop_due(10).map(|t| t.instance), Some(1));
        assert_eq!(queue.pop_due(10).map(|t| t.instance), Some(2));
        assert_eq!(queue.pop_due(14), None);
        assert_eq!(queue.pop_due(20).map(|t| t.instance), Some(3));
    }

    #[test]
    fn only_the_newest_ticket_is_withdrawn() {
        let mut queue = KeepAliveQueue::default();
        for (expires, instance) in [(10, 1), (12, 2)] {
            queue.file(Ticket {
                expires,
                instance,
                generation: 4,
            });
        }
        // Instance 1's ticket is not the newest: it stays, to go stale.
        queue.withdraw(1, 4);
        // Instance 2's ticket of another generation is not this one.
        queue.withdraw(2, 3);
        queue.withdraw(2, 4);
        assert_eq!(queue.pop_due(20).map(|t| t.instance), Some(1));
        assert_eq!(queue.pop_due(20), None);
    }
}
