//! The engine's agenda: future events ordered by (time, sequence number).
//!
//! The sequence number is assigned at scheduling, so two events due at the
//! same microsecond always come out in the order they were scheduled, whatever
//! the heap's internal layout: runs are deterministic.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::units::Micros;

/// An event with its ordering key: the due time in the high 64 bits and the
/// sequence number in the low 64, so one integer comparison orders both.
struct Scheduled<E> {
    key: u128,
    event: E,
}

impl<E> Scheduled<E> {
    fn time(&self) -> Micros {
        (self.key >> 64) as Micros
    }
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<E> Eq for Scheduled<E> {}

impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Scheduled<E> {
    /// Reversed, so that the max-heap yields the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// A priority queue of future events. It holds only what is in flight, never
/// the workload itself.
pub struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    next_sequence: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_sequence: 0,
        }
    }
}

impl<E> EventQueue<E> {
    pub fn schedule(&mut self, time: Micros, event: E) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.heap.push(Scheduled {
            key: (u128::from(time) << 64) | u128::from(sequence),
            event,
        });
    }

    /// The time of the earliest event, if any.
    pub fn next_time(&self) -> Option<Micros> {
        self.heap.peek().map(Scheduled::time)
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(Micros, E)> {
        self.heap
            .pop()
            .map(|scheduled| (scheduled.time(), scheduled.event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_come_out_in_scheduling_order() {
        let mut queue = EventQueue::default();
        queue.schedule(5, "late");
        queue.schedule(1, "first at 1");
        queue.schedule(1, "second at 1");
        queue.schedule(3, "middle");
        let order: Vec<_> = std::iter::from_fn(|| queue.pop()).collect();
        assert_eq!(
            order,
            vec![(1, "first at 1"), (1, "second at 1"), (3, "middle"), (5, "late")]
        );
    }
}
