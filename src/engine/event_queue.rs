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
/// the workload itself. The earliest event waits outside the heap, so that
/// the usual few events in flight cost a heap of one fewer: a completion
/// scheduled and due before the next arrival never enters it.
pub struct EventQueue<E> {
    /// The earliest event; none only while the heap is empty too.
    front: Option<Scheduled<E>>,
    /// Every other event, none earlier than `front`.
    heap: BinaryHeap<Scheduled<E>>,
    next_sequence: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            front: None,
            heap: BinaryHeap::new(),
            next_sequence: 0,
        }
    }
}

impl<E> EventQueue<E> {
    #[inline(always)]
    pub fn schedule(&mut self, time: Micros, event: E) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        let scheduled = Scheduled {
            key: (u128::from(time) << 64) | u128::from(sequence),
            event,
        };
        match &mut self.front {
            None => self.front = Some(scheduled),
            Some(front) if scheduled.key < front.key => {
                let later = std::mem::replace(front, scheduled);
                self.heap.push(later);
            }
            Some(_) => self.heap.push(scheduled),
        }
    }

    /// The time of the earliest event, if any.
    #[inline]
    pub fn next_time(&self) -> Option<Micros> {
        self.front.as_ref().map(Scheduled::time)
    }

    /// Removes and returns the earliest event if it is due by `now`.
    #[inline]
    pub fn pop_due(&mut self, now: Micros) -> Option<(Micros, E)> {
        if self.next_time()? > now {
            return None;
        }
        self.pop()
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(Micros, E)> {
        let earliest = self.front.take()?;
        self.front = self.heap.pop();
        Some((earliest.time(), earliest.event))
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

    #[test]
    fn an_earlier_event_displaces_the_front_and_ties_keep_their_order() {
        let mut queue = EventQueue::default();
        queue.schedule(7, "a at 7");
        queue.schedule(7, "b at 7");
        queue.schedule(2, "c at 2");
        assert_eq!(queue.next_time(), Some(2));
        queue.schedule(7, "d at 7");
        queue.schedule(1, "e at 1");
        let order: Vec<_> = std::iter::from_fn(|| queue.pop()).collect();
        assert_eq!(
            order,
            vec![
                (1, "e at 1"),
                (2, "c at 2"),
                (7, "a at 7"),
                (7, "b at 7"),
                (7, "d at 7")
            ]
        );
        assert_eq!(queue.next_time(), None);
    }

    #[test]
    fn only_events_due_by_a_time_are_popped_by_it() {
        let mut queue = EventQueue::default();
        queue.schedule(4, "at 4");
        queue.schedule(2, "at 2");
        assert_eq!(queue.pop_due(1), None);
        assert_eq!(queue.pop_due(3), Some((2, "at 2")));
        assert_eq!(queue.pop_due(3), None);
        assert_eq!(queue.pop_due(4), Some((4, "at 4")));
        assert_eq!(queue.pop_due(u64::MAX), None);
    }
}
