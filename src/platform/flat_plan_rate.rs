//! A sliding-window request counter for rate limits: the window is cut
//! into [`BUCKETS`] equal buckets on the clock, and the count is the sum of
//! the current bucket and the ones before it that lie within the window,
//! kept as a running total. Each request costs a constant amount of work
//! (buckets that fell out of the window are cleared as time passes, at
//! most [`BUCKETS`] per call), never a scan of past requests. A request at
//! `t` sees the requests since the start of the bucket a window before
//! its own: a window of between 99% and 100% of its length.

use crate::units::Micros;

/// Buckets per window: a hundred divides every window a book can name
/// (a second into 10 ms, a day into 864 s) exactly.
pub const BUCKETS: usize = 100;

#[derive(Debug, Clone)]
pub struct SlidingCounter {
    bucket_us: Micros,
    counts: [u64; BUCKETS],
    /// The clock bucket (time / bucket width) of the newest count.
    newest: u64,
    total: u64,
}

impl SlidingCounter {
    /// A counter over a window of `window_us` (at least [`BUCKETS`] µs).
    pub fn new(window_us: Micros) -> Self {
        SlidingCounter {
            bucket_us: (window_us / BUCKETS as u64).max(1),
            counts: [0; BUCKETS],
            newest: 0,
            total: 0,
        }
    }

    /// Moves the window to end at `now` (times must not decrease) and
    /// returns the count within it.
    pub fn advance(&mut self, now: Micros) -> u64 {
        let bucket = now / self.bucket_us;
        if bucket > self.newest {
            let gap = bucket - self.newest;
            if gap >= BUCKETS as u64 {
                self.counts = [0; BUCKETS];
                self.total = 0;
            } else {
                for step in 1..=gap {
                    let slot = ((self.newest + step) % BUCKETS as u64) as usize;
                    self.total -= self.counts[slot];
                    self.counts[slot] = 0;
                }
            }
            self.newest = bucket;
        }
        self.total
    }

    /// Counts one request in the current bucket (after [`Self::advance`]).
    pub fn add(&mut self) {
        self.counts[(self.newest % BUCKETS as u64) as usize] += 1;
        self.total += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Micros = 1_000_000;

    #[test]
    fn requests_leave_the_window_a_window_later() {
        let mut counter = SlidingCounter::new(SECOND);
        // Requests at 0, 0.1, ..., 0.9 s: ten in the window at 0.9 s.
        for tenth in 0..10 {
            counter.advance(tenth * SECOND / 10);
            counter.add();
        }
        assert_eq!(counter.advance(SECOND * 9 / 10), 10);
        // At 0.999 s the bucket of 0 s (0 to 10 ms) is still in the window.
        assert_eq!(counter.advance(999_999), 10);
        // At 1.0 s it is not: the request at 0 s left, nine remain.
        assert_eq!(counter.advance(SECOND), 9);
        // At 1.9 s the window starts at 0.91 s: all ten left.
        assert_eq!(counter.advance(SECOND * 19 / 10), 0);
    }

    #[test]
    fn a_gap_longer_than_the_window_clears_it() {
        let mut counter = SlidingCounter::new(60 * SECOND);
        counter.advance(0);
        counter.add();
        counter.add();
        assert_eq!(counter.advance(59 * SECOND), 2);
        assert_eq!(counter.advance(3_600 * SECOND), 0);
        counter.add();
        assert_eq!(counter.advance(3_600 * SECOND + 1), 1);
    }
}
