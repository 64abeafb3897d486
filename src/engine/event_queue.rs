//! The engine's agenda: future events ordered by (time, sequence number).
//!
//! The sequence number is assigned at scheduling, so two events due at the
//! same microsecond always come out in the order they were scheduled, whatever
//! the heap's internal layout: runs are deterministic.
//!
//! Events scheduled ahead of everything in the heap wait in a small sorted
//! array outside it, so that a replay with only a handful of events in flight
//! never touches the heap; one with many uses the heap as a plain one would.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::mem::MaybeUninit;

use crate::units::Micros;

/// How many of the earliest events can wait outside the heap.
const SOONEST: usize = 8;

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
///
/// Invariants: `soonest[..len]` is initialised and sorted by key from the
/// latest (index 0) to the earliest (index `len - 1`), and every event in
/// `heap` is later than every event in `soonest`. So the earliest event is
/// `soonest[len - 1]`, or the heap's first once `soonest` is empty: with many
/// events in flight those leave the heap directly, and only the few scheduled
/// ahead of all of the heap's wait outside it.
pub struct EventQueue<E> {
    soonest: [MaybeUninit<Scheduled<E>>; SOONEST],
    len: usize,
    /// Every event later than those in `soonest`.
    heap: BinaryHeap<Scheduled<E>>,
    next_sequence: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            soonest: [const { MaybeUninit::uninit() }; SOONEST],
            len: 0,
            heap: BinaryHeap::new(),
            next_sequence: 0,
        }
    }
}

impl<E> Drop for EventQueue<E> {
    fn drop(&mut self) {
        for slot in &mut self.soonest[..self.len] {
            // SAFETY: the first `len` slots are initialised, and each is
            // dropped once here; `len` is not used again.
            unsafe { slot.assume_init_drop() };
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
        if self.len < SOONEST {
            match self.heap.peek() {
                Some(first_in_heap) if first_in_heap.key < scheduled.key => self.heap.push(scheduled),
                _ => self.insert_with_room(scheduled),
            }
        } else if scheduled.key < self.key_at(0) {
            self.insert_displacing_latest(scheduled);
        } else {
            self.heap.push(scheduled);
        }
    }

    /// The time of the earliest event, if any.
    #[inline]
    pub fn next_time(&self) -> Option<Micros> {
        match self.len.checked_sub(1) {
            Some(earliest) => Some((self.key_at(earliest) >> 64) as Micros),
            None => self.heap.peek().map(Scheduled::time),
        }
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
        let scheduled = match self.len.checked_sub(1) {
            Some(earliest) => {
                self.len = earliest;
                // SAFETY: slot `earliest` was initialised; `len` now excludes
                // it, so it is read out only once.
                unsafe { self.soonest[earliest].assume_init_read() }
            }
            None => self.heap.pop()?,
        };
        Some((scheduled.time(), scheduled.event))
    }

    /// The key in initialised slot `index` (< `len`).
    #[inline(always)]
    fn key_at(&self, index: usize) -> u128 {
        debug_assert!(index < self.len);
        // SAFETY: callers pass an index below `len`, an initialised slot.
        unsafe { self.soonest[index].assume_init_ref().key }
    }

    /// Moves slot `from` (initialised) to slot `to` (vacant or just moved out).
    #[inline(always)]
    fn shift(&mut self, from: usize, to: usize) {
        // SAFETY: `from` is initialised and the caller treats it as vacant
        // from now on, so the event is neither duplicated nor lost.
        let moved = unsafe { self.soonest[from].assume_init_read() };
        self.soonest[to].write(moved);
    }

    /// Inserts into `soonest` (not full), keeping it sorted: the earlier
    /// events at the end move up one slot to make room.
    #[inline(always)]
    fn insert_with_room(&mut self, scheduled: Scheduled<E>) {
        let mut gap = self.len;
        while gap > 0 && self.key_at(gap - 1) < scheduled.key {
            self.shift(gap - 1, gap);
            gap -= 1;
        }
        self.soonest[gap].write(scheduled);
        self.len += 1;
    }

    /// Inserts into the full `soonest` an event earlier than its latest,
    /// which moves to the heap: the events later than the new one move down
    /// one slot into the room it leaves.
    #[inline(never)]
    fn insert_displacing_latest(&mut self, scheduled: Scheduled<E>) {
        // SAFETY: the array is full, so slot 0 is initialised; it is written
        // again below before anything reads it.
        let latest = unsafe { self.soonest[0].assume_init_read() };
        self.heap.push(latest);
        let mut gap = 0;
        while gap + 1 < SOONEST && self.key_at(gap + 1) > scheduled.key {
            self.shift(gap + 1, gap);
            gap += 1;
        }
        self.soonest[gap].write(scheduled);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    /// A sorted list of (time, sequence) as the reference: an event comes out
    /// at the smallest pair, so ties leave in scheduling order.
    #[derive(Default)]
    struct Reference {
        pending: Vec<(Micros, u64)>,
        next_sequence: u64,
    }

    impl Reference {
        fn schedule(&mut self, time: Micros) -> u64 {
            let sequence = self.next_sequence;
            self.next_sequence += 1;
            self.pending.push((time, sequence));
            self.pending.sort_unstable();
            sequence
        }

        fn pop(&mut self) -> Option<(Micros, u64)> {
            (!self.pending.is_empty()).then(|| self.pending.remove(0))
        }
    }

    /// One step of a random run: schedule an event `offset` after the time
    /// last popped, pop the earliest, or pop what is due by `offset` after it.
    #[derive(Debug, Clone)]
    enum Step {
        Schedule(Micros),
        Pop,
        PopDue(Micros),
    }

    fn steps() -> impl Strategy<Value = Vec<Step>> {
        // Offsets from a range of 4 give many ties; bursts of schedules grow
        // the queue well past the inline capacity of 8.
        let offset = prop_oneof![0..4u64, 0..1_000u64];
        let step = prop_oneof![
            4 => offset.clone().prop_map(Step::Schedule),
            2 => Just(Step::Pop),
            1 => offset.prop_map(Step::PopDue),
        ];
        proptest::collection::vec(step, 0..400)
    }

    /// Applies `steps` to the queue (events carry their sequence number) and
    /// to the reference; both must agree on every answer.
    fn agree(steps: &[Step]) -> Result<(), TestCaseError> {
        let mut queue = EventQueue::default();
        let mut reference = Reference::default();
        let mut now = 0;
        for step in steps {
            match *step {
                Step::Schedule(offset) => {
                    let sequence = reference.schedule(now + offset);
                    queue.schedule(now + offset, sequence);
                }
                Step::Pop => {
                    let expected = reference.pop();
                    prop_assert_eq!(queue.pop(), expected);
                    now = expected.map_or(now, |(time, _)| time);
                }
                Step::PopDue(offset) => {
                    let due = reference.pending.first().is_some_and(|&(t, _)| t <= now + offset);
                    let expected = if due { reference.pop() } else { None };
                    prop_assert_eq!(queue.pop_due(now + offset), expected);
                }
            }
            prop_assert_eq!(queue.next_time(), reference.pending.first().map(|&(t, _)| t));
        }
        let rest: Vec<_> = std::iter::from_fn(|| queue.pop()).collect();
        prop_assert_eq!(rest, reference.pending);
        Ok(())
    }

    proptest! {
        #[test]
        fn the_queue_agrees_with_a_sorted_reference(steps in steps()) {
            agree(&steps)?;
        }
    }

    #[test]
    fn twenty_ties_beyond_the_inline_slots_keep_scheduling_order() {
        // 20 events at 9, then 3 earlier ones that push the latest of the
        // inline 8 into the heap: order is 1, 2, 3, then the 20 by sequence.
        let mut queue = EventQueue::default();
        for index in 0..20u64 {
            queue.schedule(9, index);
        }
        for (time, index) in [(3, 100), (1, 101), (2, 102)] {
            queue.schedule(time, index);
        }
        let order: Vec<_> = std::iter::from_fn(|| queue.pop()).collect();
        let mut expected = vec![(1, 101), (2, 102), (3, 100)];
        expected.extend((0..20).map(|index| (9, index)));
        assert_eq!(order, expected);
    }

    #[test]
    fn events_left_in_the_queue_are_dropped_once() {
        // 12 events, 8 inline and 4 in the heap, each holding a clone of one
        // Rc: after the queue drops, only the original reference is left.
        let shared = std::rc::Rc::new(());
        let mut queue = EventQueue::default();
        for time in 0..12 {
            queue.schedule(time, std::rc::Rc::clone(&shared));
        }
        assert_eq!(std::rc::Rc::strong_count(&shared), 13);
        drop(queue.pop());
        drop(queue);
        assert_eq!(std::rc::Rc::strong_count(&shared), 1);
    }
}
