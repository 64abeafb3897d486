//! The routable servers of a farm by how many of their slots are busy, so
//! that shared-queue routing finds the least-loaded server (fewest busy
//! slots, lowest index on ties) without scanning every server.
//!
//! A tournament tree over the servers keeps at each node the winner of the
//! servers below it (the least loaded, then the lowest index: the smallest
//! key `busy << 32 | index`), so the answer is at the root, and a change of
//! one server's load replays the matches on its path only: at most log2 of
//! the servers, and it stops at the first node whose winner stays the same.
//! With one slot per server the free servers are the idle ones, and the
//! lowest of them is found in a bit set of the idle servers (a bit per
//! server, a summary bit per 64-server word) in constant time instead.
//! A farm of a few servers (up to [`SCAN_LIMIT`]) keeps neither: a scan of
//! their loads costs less than keeping the tree up to date.

const NOT_ROUTED: u32 = u32::MAX;
/// Up to this many servers (counting every index seen), the least loaded is
/// found by a scan.
const SCAN_LIMIT: usize = 8;
/// The key of a server that takes no request (not routable, or full): it
/// loses every match.
const OUT: u64 = u64::MAX;

/// Routable servers by busy slots; servers with no free slot are left out.
#[derive(Debug, Default)]
pub struct FreeSlots {
    /// Whether the farm routes by load at all; if not, nothing is tracked.
    tracking: bool,
    slots: u32,
    /// Busy slots of each routable server, or [`NOT_ROUTED`].
    busy: Vec<u32>,
    /// The tree in an array: node 1 is the root, node `n`'s children are
    /// `2n` and `2n + 1`, and server `s` is the leaf `leaves + s`. Each node
    /// holds its winner's key, or [`OUT`]. Kept only past [`SCAN_LIMIT`]
    /// servers (and with more than one slot each).
    tree: Vec<u64>,
    /// A power of two, at least the number of servers seen; 0 until the
    /// tree is built.
    leaves: usize,
    /// The routable idle servers, when servers have one slot (the tree is
    /// then not kept).
    idle: Option<IndexSet>,
}

impl FreeSlots {
    /// Tracks servers of `slots` slots each.
    pub fn new(slots: u32) -> Self {
        FreeSlots {
            tracking: true,
            slots,
            idle: (slots == 1).then(IndexSet::default),
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
        self.replay(index, busy);
    }

    /// `server` no longer takes requests.
    pub fn unroute(&mut self, server: u32) {
        if let Some(busy) = self.busy.get_mut(server as usize)
            && *busy != NOT_ROUTED
        {
            *busy = NOT_ROUTED;
            self.replay(server as usize, NOT_ROUTED);
        }
    }

    /// `server` now has `busy` busy slots (ignored unless it is routable).
    #[inline(always)]
    pub fn set_busy(&mut self, server: u32, busy: u32) {
        if let Some(old) = self.busy.get_mut(server as usize)
            && *old != NOT_ROUTED
            && *old != busy
        {
            *old = busy;
            self.replay(server as usize, busy);
        }
    }

    /// The routable server with the most free slots, lowest index on ties;
    /// none if every routable server is full.
    #[inline]
    pub fn least_loaded(&self) -> Option<u32> {
        if let Some(idle) = &self.idle {
            return idle.first().map(|server| server as u32);
        }
        let winner = if self.scans() {
            (0..self.busy.len()).map(|server| self.key(server)).min()
        } else {
            self.tree.get(1).copied()
        };
        // The low 32 bits of a key are its server.
        winner.filter(|&key| key != OUT).map(|key| key as u32)
    }

    /// Whether the least loaded is found by a scan, the tree not kept.
    #[inline(always)]
    fn scans(&self) -> bool {
        self.busy.len() <= SCAN_LIMIT
    }

    /// The least-loaded server (as [`FreeSlots::least_loaded`]), counted
    /// from now on with one more busy slot; none if every routable server
    /// is full.
    #[inline(always)]
    pub fn take(&mut self) -> Option<u32> {
        if let Some(idle) = &mut self.idle {
            let server = idle.pop_first()?;
            self.busy[server] = 1;
            return Some(server as u32);
        }
        let server = self.least_loaded()?;
        self.busy[server as usize] += 1;
        if !self.scans() {
            self.replay_tree(server as usize);
        }
        Some(server)
    }

    /// The key of `server`: its busy slots, then its index.
    #[inline]
    fn key(&self, server: usize) -> u64 {
        // [`NOT_ROUTED`] is above any number of slots: it is full too.
        match self.busy[server] {
            busy if busy >= self.slots => OUT,
            busy => u64::from(busy) << 32 | server as u64,
        }
    }

    /// Files `server` under its new load `busy` (or [`NOT_ROUTED`]): in the
    /// idle set with one slot per server, else in the tree if it is kept.
    #[inline(always)]
    fn replay(&mut self, server: usize, busy: u32) {
        let scans = self.scans();
        match &mut self.idle {
            Some(idle) if busy == 0 => idle.insert(server),
            Some(idle) => idle.remove(server),
            None if scans => {}
            None => self.replay_tree(server),
        }
    }

    /// Replays the matches from `server`'s leaf up, after its key changed.
    #[inline(always)]
    fn replay_tree(&mut self, server: usize) {
        if server >= self.leaves {
            return self.rebuild();
        }
        let mut node = self.leaves + server;
        let mut winner = self.key(server);
        self.tree[node] = winner;
        while node > 1 {
            // The match at the parent: this side's winner against the other's.
            winner = winner.min(self.tree[node ^ 1]);
            node /= 2;
            if self.tree[node] == winner {
                break;
            }
            self.tree[node] = winner;
        }
    }

    /// Builds the tree anew with room for every server seen.
    #[cold]
    fn rebuild(&mut self) {
        self.leaves = self.busy.len().next_power_of_two();
        self.tree = vec![OUT; 2 * self.leaves];
        for server in 0..self.busy.len() {
            self.tree[self.leaves + server] = self.key(server);
        }
        for node in (1..self.leaves).rev() {
            self.tree[node] = self.tree[2 * node].min(self.tree[2 * node + 1]);
        }
    }
}

/// A set of small integers as bits, with a summary bit per word of 64.
#[derive(Debug, Default, Clone)]
struct IndexSet {
    words: Vec<u64>,
    summary: Vec<u64>,
}

impl IndexSet {
    #[inline]
    fn insert(&mut self, value: usize) {
        let word = value / 64;
        if self.words.len() <= word {
            self.grow(word);
        }
        let bits = &mut self.words[word];
        if *bits == 0 {
            self.summary[word / 64] |= 1u64 << (word % 64);
        }
        *bits |= 1u64 << (value % 64);
    }

    #[cold]
    fn grow(&mut self, word: usize) {
        self.words.resize(word + 1, 0);
        self.summary.resize(word / 64 + 1, 0);
    }

    #[inline]
    fn remove(&mut self, value: usize) {
        let word = value / 64;
        if let Some(bits) = self.words.get_mut(word) {
            *bits &= !(1u64 << (value % 64));
            if *bits == 0 {
                self.summary[word / 64] &= !(1u64 << (word % 64));
            }
        }
    }

    #[inline]
    fn first(&self) -> Option<usize> {
        let (block, &bits) = self.summary.iter().enumerate().find(|(_, bits)| **bits != 0)?;
        let word = block * 64 + bits.trailing_zeros() as usize;
        Some(word * 64 + self.words[word].trailing_zeros() as usize)
    }

    /// Removes and returns the smallest value.
    #[inline]
    fn pop_first(&mut self) -> Option<usize> {
        let (block, summary) = self
            .summary
            .iter_mut()
            .enumerate()
            .find(|(_, bits)| **bits != 0)?;
        let word = block * 64 + summary.trailing_zeros() as usize;
        let bits = &mut self.words[word];
        let value = word * 64 + bits.trailing_zeros() as usize;
        // Clears the lowest set bit.
        *bits &= *bits - 1;
        if *bits == 0 {
            *summary &= !(1u64 << (word % 64));
        }
        Some(value)
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
    fn taking_a_server_counts_it_one_slot_busier() {
        for slots in [1, 2] {
            let mut free = FreeSlots::new(slots);
            for server in [9, 4, 130] {
                free.route(server, 0);
            }
            // 4 is the lowest idle server, then 9 and 130.
            assert_eq!(free.take(), Some(4));
            assert_eq!(free.take(), Some(9));
            assert_eq!(free.take(), Some(130));
            // With two slots each server has one left, again from the
            // lowest; with one slot every server is full.
            let rest: Vec<_> = std::iter::from_fn(|| free.take()).collect();
            assert_eq!(rest, if slots == 2 { vec![4, 9, 130] } else { vec![] });
            free.set_busy(9, slots - 1);
            assert_eq!(free.take(), Some(9));
        }
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
        assert_eq!(untracked.take(), None);
    }

    #[test]
    fn servers_far_apart_are_found() {
        // Routed in this order, servers 0 and 1 are scanned, then the tree
        // is built with 64 leaves and grows to 8,192 and 131,072 (two
        // slots), and the bit set grows to 1,094 words (one slot); the
        // lowest index among the idle wins.
        for slots in [1, 2] {
            let mut free = FreeSlots::new(slots);
            for server in [0, 1, 63, 4_097, 70_000] {
                free.route(server, 0);
            }
            let mut order = Vec::new();
            while let Some(server) = free.least_loaded() {
                order.push(server);
                free.set_busy(server, slots);
            }
            assert_eq!(order, [0, 1, 63, 4_097, 70_000]);
            free.set_busy(4_097, 0);
            assert_eq!(free.least_loaded(), Some(4_097));
        }
    }

    proptest::proptest! {
        #[test]
        fn the_winner_is_what_a_scan_finds(
            changes in proptest::collection::vec((0u32..40, 0u32..6), 0..200),
            slots in 1u32..4,
        ) {
            // Busy 4 stands for unrouting the server, 5 for taking the
            // least-loaded one; `slots` busy is full.
            let mut free = FreeSlots::new(slots);
            let mut busy = [None; 40];
            let scan = |busy: &[Option<u32>; 40]| {
                (0..40u32)
                    .filter_map(|server| busy[server as usize].filter(|&level| level < slots).map(|level| (level, server)))
                    .min()
                    .map(|(_, server)| server)
            };
            for (server, level) in changes {
                match (level, busy[server as usize]) {
                    (5, _) => {
                        let expected = scan(&busy);
                        proptest::prop_assert_eq!(free.take(), expected);
                        if let Some(taken) = expected {
                            busy[taken as usize] = busy[taken as usize].map(|level| level + 1);
                        }
                    }
                    (4, _) => {
                        free.unroute(server);
                        busy[server as usize] = None;
                    }
                    (_, None) => {
                        free.route(server, level);
                        busy[server as usize] = Some(level);
                    }
                    (_, Some(_)) => {
                        free.set_busy(server, level);
                        busy[server as usize] = Some(level);
                    }
                }
                proptest::prop_assert_eq!(free.least_loaded(), scan(&busy));
            }
        }
    }
}
