//! The routable servers of a farm grouped by how many of their slots are
//! busy, so that shared-queue routing finds the least-loaded server (fewest
//! busy slots, lowest index on ties) without scanning every server: a
//! request costs a few word operations, whatever the number of servers.
//!
//! Each busy level holds a two-level bit set of server indices (a bit per
//! server, and a summary bit per 64-server word), and a bit set of the levels
//! that are not empty: the least-loaded server is the lowest set bit of the
//! lowest non-empty level. Finding it takes constant time up to 4,096
//! servers, then a scan of one summary word per further 4,096.

const NOT_ROUTED: u32 = u32::MAX;

/// Routable servers by busy slots; servers with no free slot are left out.
#[derive(Debug, Default)]
pub struct FreeSlots {
    /// Whether the farm routes by load at all; if not, nothing is tracked.
    tracking: bool,
    slots: u32,
    /// `by_busy[b]`: the routable servers with `b` busy slots (`b < slots`).
    by_busy: Vec<IndexSet>,
    /// The levels `b` whose set is not empty.
    levels: IndexSet,
    /// Busy slots of each routable server, or [`NOT_ROUTED`].
    busy: Vec<u32>,
}

impl FreeSlots {
    /// Tracks servers of `slots` slots each.
    pub fn new(slots: u32) -> Self {
        FreeSlots {
            tracking: true,
            slots,
            ..FreeSlots::default()
        }
    }

    /// Tracks nothing (for routing that ignores load).
    pub fn untracked() -> Self {
        FreeSlots::default()
    }

    /// `server`, with `busy` busy slots, now takes requests.
    pub fn route(&mut self, server: u32, busy: u32) {
        if !self.tracking {
            return;
        }
        let index = server as usize;
        if self.busy.len() <= index {
            self.busy.resize(index + 1, NOT_ROUTED);
        }
        self.busy[index] = busy;
        self.enter(server, busy);
    }

    /// `server` no longer takes requests.
    pub fn unroute(&mut self, server: u32) {
        if let Some(&busy) = self.busy.get(server as usize)
            && busy != NOT_ROUTED
        {
            self.leave(server, busy);
            self.busy[server as usize] = NOT_ROUTED;
        }
    }

    /// `server` now has `busy` busy slots (ignored unless it is routable).
    #[inline]
    pub fn set_busy(&mut self, server: u32, busy: u32) {
        if let Some(&old) = self.busy.get(server as usize)
            && old != NOT_ROUTED
            && old != busy
        {
            self.leave(server, old);
            self.enter(server, busy);
            self.busy[server as usize] = busy;
        }
    }

    /// The routable server with the most free slots, lowest index on ties;
    /// none if every routable server is full.
    #[inline]
    pub fn least_loaded(&self) -> Option<u32> {
        let level = self.levels.first()?;
        self.by_busy[level].first().map(|server| server as u32)
    }

    fn enter(&mut self, server: u32, busy: u32) {
        if busy >= self.slots {
            return;
        }
        let level = busy as usize;
        if self.by_busy.len() <= level {
            self.by_busy.resize_with(level + 1, IndexSet::default);
        }
        if self.by_busy[level].is_empty() {
            self.levels.insert(level);
        }
        self.by_busy[level].insert(server as usize);
    }

    fn leave(&mut self, server: u32, busy: u32) {
        if busy >= self.slots {
            return;
        }
        let level = busy as usize;
        self.by_busy[level].remove(server as usize);
        if self.by_busy[level].is_empty() {
            self.levels.remove(level);
        }
    }
}

/// A set of small integers as bits, with a summary bit per word of 64.
#[derive(Debug, Default, Clone)]
struct IndexSet {
    words: Vec<u64>,
    summary: Vec<u64>,
    len: usize,
}

impl IndexSet {
    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn insert(&mut self, value: usize) {
        let word = value / 64;
        if self.words.len() <= word {
            self.words.resize(word + 1, 0);
            self.summary.resize(word / 64 + 1, 0);
        }
        let bit = 1u64 << (value % 64);
        if self.words[word] & bit == 0 {
            self.words[word] |= bit;
            self.summary[word / 64] |= 1u64 << (word % 64);
            self.len += 1;
        }
    }

    fn remove(&mut self, value: usize) {
        let word = value / 64;
        let bit = 1u64 << (value % 64);
        if let Some(bits) = self.words.get_mut(word)
            && *bits & bit != 0
        {
            *bits &= !bit;
            if *bits == 0 {
                self.summary[word / 64] &= !(1u64 << (word % 64));
            }
            self.len -= 1;
        }
    }

    fn first(&self) -> Option<usize> {
        let (block, &bits) = self.summary.iter().enumerate().find(|(_, bits)| **bits != 0)?;
        let word = block * 64 + bits.trailing_zeros() as usize;
        Some(word * 64 + self.words[word].trailing_zeros() as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_busy_server_wins_and_ties_go_to_the_lowest_index() {
        let mut free = FreeSlots::new(2);
        for server in [5, 1, 300] {
            free.route(server, 0);
        }
        assert_eq!(free.least_loaded(), Some(1));
        free.set_busy(1, 1);
        // 5 and 300 are idle, 1 has one busy slot: 5 is the lowest idle.
        assert_eq!(free.least_loaded(), Some(5));
        free.set_busy(5, 2);
        free.set_busy(300, 1);
        // 5 is full; 1 and 300 have one busy slot each.
        assert_eq!(free.least_loaded(), Some(1));
        free.unroute(1);
        assert_eq!(free.least_loaded(), Some(300));
        free.set_busy(300, 2);
        assert_eq!(free.least_loaded(), None);
        free.set_busy(5, 1);
        assert_eq!(free.least_loaded(), Some(5));
    }

    #[test]
    fn servers_not_routed_are_ignored() {
        let mut free = FreeSlots::new(4);
        free.set_busy(7, 1);
        free.unroute(7);
        assert_eq!(free.least_loaded(), None);
        let mut untracked = FreeSlots::untracked();
        untracked.route(0, 0);
        assert_eq!(untracked.least_loaded(), None);
    }

    #[test]
    fn sets_span_many_words() {
        let mut set = IndexSet::default();
        for value in [70_000, 4_097, 64, 63] {
            set.insert(value);
        }
        assert_eq!(set.first(), Some(63));
        set.remove(63);
        set.remove(64);
        assert_eq!(set.first(), Some(4_097));
        set.remove(4_097);
        assert_eq!(set.first(), Some(70_000));
        set.remove(70_000);
        assert!(set.is_empty());
        assert_eq!(set.first(), None);
    }
}
