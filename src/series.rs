//! Time series a run produces for charts: cost over time, live instances and
//! requests over time, and the latency distribution. Their size is bounded
//! by what a chart draws, never by the number of requests nor by the span
//! simulated: instances and requests are kept in at most [`MAX_BUCKETS`]
//! buckets of one minute, and a longer span doubles the buckets' width
//! (two minutes, four, …), merging neighbours, as often as it needs. Cost is
//! sampled at about a thousand instants.

use crate::units::Micros;

pub const MINUTE: Micros = 60_000_000;
pub const HOUR: Micros = 3_600_000_000;
/// The most buckets a series keeps: 2^17 minutes is 91 days; a 100-year
/// span is kept in buckets of 512 minutes.
pub const MAX_BUCKETS: usize = 1 << 17;
/// Cost is sampled at most at about this many instants.
const COST_SAMPLES: u64 = 1_000;

/// The charts' data for one deployment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSeries {
    /// (seconds since the start, cumulative cost in dollars).
    pub cost_over_time: Vec<(f64, f64)>,
    /// Most instances alive in each bucket.
    pub instances: Buckets<u32>,
    /// (latency in ms, share of requests at or below it).
    pub latency_cdf: Vec<(f64, f64)>,
    /// Requests arriving in each bucket.
    pub requests: Buckets<u64>,
}

/// Values in buckets of equal width from offset 0: value `i` covers
/// `[i × width, (i + 1) × width)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Buckets<T> {
    /// A minute times a power of two.
    pub width: Micros,
    pub values: Vec<T>,
}

impl<T> Default for Buckets<T> {
    fn default() -> Self {
        Buckets {
            width: MINUTE,
            values: Vec::new(),
        }
    }
}

/// The width of the buckets of a series that reaches `end`: the narrowest
/// (a minute times a power of two) that holds `end` in [`MAX_BUCKETS`].
pub fn bucket_width(end: Micros) -> Micros {
    MINUTE << shift_for(end / MINUTE)
}

/// The doublings of a minute that put `minute` within [`MAX_BUCKETS`].
fn shift_for(minute: u64) -> u32 {
    let mut shift = 0;
    while minute >> shift >= MAX_BUCKETS as u64 {
        shift += 1;
    }
    shift
}

/// Buckets being filled: their width is a minute doubled `shift` times.
#[derive(Debug, Clone, Default)]
struct Filling<T> {
    shift: u32,
    values: Vec<T>,
}

impl<T: Copy + Default> Filling<T> {
    /// The index of `time`'s bucket, which exists after the call; beyond
    /// [`MAX_BUCKETS`], neighbours merge (with `merge`) first.
    #[inline]
    fn reach(&mut self, time: Micros, merge: fn(T, T) -> T) -> usize {
        let index = ((time / MINUTE) >> self.shift) as usize;
        if index < self.values.len() {
            return index;
        }
        self.grow(time, merge)
    }

    #[cold]
    fn grow(&mut self, time: Micros, merge: fn(T, T) -> T) -> usize {
        self.widen(shift_for(time / MINUTE), merge);
        let index = ((time / MINUTE) >> self.shift) as usize;
        if self.values.len() <= index {
            self.values.resize(index + 1, T::default());
        }
        index
    }

    /// Doubles the width, merging neighbours, until it is a minute doubled
    /// at least `shift` times.
    fn widen(&mut self, shift: u32, merge: fn(T, T) -> T) {
        while self.shift < shift {
            let merged = self.values.len().div_ceil(2);
            for index in 0..merged {
                let second = self.values.get(2 * index + 1).copied().unwrap_or_default();
                self.values[index] = merge(self.values[2 * index], second);
            }
            self.values.truncate(merged);
            self.shift += 1;
        }
    }

    fn width(&self) -> Micros {
        MINUTE << self.shift
    }
}

/// The most a level (live instances) reached in each bucket, fed with the
/// times at which it changes, in time order. Changes after an optional
/// limit are not recorded (the horizon's end: the chart stops there).
#[derive(Debug, Clone, Default)]
pub struct LevelRecorder {
    buckets: Filling<u32>,
    limit: Option<Micros>,
    level: u32,
    since: Micros,
}

impl LevelRecorder {
    /// A recorder of the changes up to `limit`, if any.
    pub fn until(limit: Option<Micros>) -> Self {
        LevelRecorder {
            limit,
            ..LevelRecorder::default()
        }
    }

    /// The level becomes `level` at `time` (times earlier than the last
    /// change count as the last change).
    pub fn set(&mut self, time: Micros, level: u32) {
        let time = time.max(self.since);
        match self.limit {
            Some(limit) if time > limit => {
                // The old level lasts to the limit; the new one is not seen.
                if self.since <= limit {
                    self.extend(limit);
                }
            }
            _ => {
                let to = self.extend(time);
                self.buckets.values[to] = self.buckets.values[to].max(level);
            }
        }
        self.level = level;
        self.since = time;
    }

    /// Raises the buckets from the last change's to `time`'s to the level
    /// held meanwhile; returns `time`'s bucket.
    fn extend(&mut self, time: Micros) -> usize {
        let to = self.buckets.reach(time, u32::max);
        let from = ((self.since / MINUTE) >> self.buckets.shift) as usize;
        for bucket in &mut self.buckets.values[from..=to] {
            *bucket = (*bucket).max(self.level);
        }
        to
    }

    /// The maxima up to `end`, in buckets of [`bucket_width`]`(end)`: the
    /// shape the platform seam hands over.
    pub fn finish(mut self, end: Micros) -> Vec<u32> {
        let level = self.level;
        self.set(end, level);
        let shift = shift_for(end / MINUTE);
        self.buckets.widen(shift, u32::max);
        let length = ((end / MINUTE) >> shift) as usize + 1;
        // Changes recorded far beyond `end` (with no limit) may have widened
        // the buckets more than `end` needs: each then stands for the
        // narrower ones it covers.
        let repeat = 1usize << (self.buckets.shift - shift);
        self.buckets
            .values
            .iter()
            .flat_map(|&value| std::iter::repeat_n(value, repeat))
            .take(length)
            .collect()
    }
}

/// How many times something happened in each bucket (requests arriving).
#[derive(Debug, Clone, Default)]
pub struct CountRecorder {
    buckets: Filling<u64>,
}

impl CountRecorder {
    /// Counts `count` events at `time`.
    #[inline]
    pub fn add(&mut self, time: Micros, count: u64) {
        let index = self.buckets.reach(time, u64::saturating_add);
        self.buckets.values[index] = self.buckets.values[index].saturating_add(count);
    }

    /// The counts so far.
    pub fn buckets(&self) -> Buckets<u64> {
        Buckets {
            width: self.buckets.width(),
            values: self.buckets.values.clone(),
        }
    }
}

/// Hour boundaries at which cost is sampled: every `step` hours (at most
/// about [`COST_SAMPLES`] points) and the end itself.
pub fn sample_times(end: Micros) -> Vec<Micros> {
    let hours = end.div_ceil(HOUR).max(1);
    let step = hours.div_ceil(COST_SAMPLES).max(1) * HOUR;
    let mut times = vec![0];
    times.extend(
        (1..)
            .map_while(|index: Micros| index.checked_mul(step))
            .take_while(|time| *time < end),
    );
    times.push(end);
    times
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Micros = 24 * HOUR;
    const YEAR: Micros = 365 * DAY;

    #[test]
    fn levels_keep_each_minutes_maximum() {
        let mut recorder = LevelRecorder::default();
        recorder.set(10 * 1_000_000, 2);
        recorder.set(30 * 1_000_000, 5);
        recorder.set(50 * 1_000_000, 1);
        // Minute 0 peaked at 5; minutes 1-2 stayed at 1; 3 rises to 3.
        recorder.set(3 * MINUTE + 1, 3);
        assert_eq!(recorder.finish(4 * MINUTE), vec![5, 1, 1, 3, 3]);
    }

    #[test]
    fn bucket_widths_double_past_the_cap() {
        // 2^17 minutes fit in minutes; one more needs 2 minutes; 100 years
        // (52,596,000 minutes of 365.25 days) need 52,596,000 / 2^17 =
        // 401.3 → 512 minutes (102,727 buckets).
        assert_eq!(bucket_width(0), MINUTE);
        assert_eq!(bucket_width((MAX_BUCKETS as Micros - 1) * MINUTE), MINUTE);
        assert_eq!(bucket_width(MAX_BUCKETS as Micros * MINUTE), 2 * MINUTE);
        assert_eq!(bucket_width(52_596_000 * MINUTE), 512 * MINUTE);
        // The largest offset needs 2^(64 - 26 - 17) minutes or less.
        assert!(bucket_width(Micros::MAX) / MINUTE <= 1 << 22);
    }

    #[test]
    fn a_long_span_merges_neighbouring_minutes() {
        // Level 4 for the first 30 s, 0 until 3 min 10 s, 7 for 10 s, then
        // 2: minutes [4, 0, 0, 7, 2, 2, …]. A change to 9 at minute 2^17
        // doubles the width: 2-minute buckets hold the larger of each pair,
        // [4, 7, 2, 2, …], and the last one (minute 2^17 and the next) 9.
        let second = 1_000_000;
        let mut recorder = LevelRecorder::default();
        recorder.set(0, 4);
        recorder.set(30 * second, 0);
        recorder.set(3 * MINUTE + 10 * second, 7);
        recorder.set(3 * MINUTE + 20 * second, 2);
        let last = MAX_BUCKETS as Micros * MINUTE;
        recorder.set(last, 9);
        let values = recorder.finish(last);
        assert_eq!(values.len(), MAX_BUCKETS / 2 + 1);
        assert_eq!(&values[..4], &[4, 7, 2, 2]);
        assert_eq!(values[MAX_BUCKETS / 2 - 1], 2);
        assert_eq!(values[MAX_BUCKETS / 2], 9);
    }

    #[test]
    fn a_century_stays_within_the_cap() {
        // Two instances a century apart: the series ends at 100 years in
        // buckets of 512 minutes: 52,596,000 / 512 = 102,726.6 → 102,727.
        let century = 52_596_000 * MINUTE;
        let mut recorder = LevelRecorder::default();
        recorder.set(0, 1);
        recorder.set(MINUTE, 0);
        recorder.set(century, 1);
        let values = recorder.finish(century);
        assert_eq!(values.len(), 102_727);
        assert_eq!((values[0], values[1], values[102_726]), (1, 0, 1));
    }

    #[test]
    fn changes_past_the_limit_are_not_recorded() {
        // Limit at minute 2: the level 3 set at minute 1 lasts into minute 2;
        // the drop at minute 2 + 1 µs and the rise at 100 years are beyond.
        let mut recorder = LevelRecorder::until(Some(2 * MINUTE));
        recorder.set(MINUTE, 3);
        recorder.set(2 * MINUTE + 1, 0);
        recorder.set(100 * YEAR, 8);
        assert_eq!(recorder.finish(2 * MINUTE), vec![0, 3, 3]);
    }

    #[test]
    fn changes_far_past_the_end_leave_the_series_at_the_ends_width() {
        // Without a limit, a change at 100 years widens the buckets to 512
        // minutes; ending at minute 3 repeats the first bucket (the most
        // alive in minutes 0-511) over minutes 0-3.
        let mut recorder = LevelRecorder::default();
        recorder.set(MINUTE, 2);
        recorder.set(100 * YEAR, 0);
        assert_eq!(recorder.finish(3 * MINUTE), vec![2, 2, 2, 2]);
    }

    #[test]
    fn counts_sum_when_buckets_merge() {
        // One event in minute 0, two in minute 1, one at minute 2^17 and
        // one at 2^17 + 1: in 2-minute buckets, 3 in the first, 2 in the last.
        let mut counts = CountRecorder::default();
        for time in [0, MINUTE, MINUTE + 5] {
            counts.add(time, 1);
        }
        let far = MAX_BUCKETS as Micros * MINUTE;
        counts.add(far, 1);
        counts.add(far + MINUTE, 1);
        let buckets = counts.buckets();
        assert_eq!(buckets.width, 2 * MINUTE);
        assert_eq!(buckets.values.len(), MAX_BUCKETS / 2 + 1);
        assert_eq!(buckets.values[0], 3);
        assert_eq!(buckets.values[MAX_BUCKETS / 2], 2);
        assert_eq!(buckets.values.iter().sum::<u64>(), 5);
    }

    #[test]
    fn cost_samples_cover_the_horizon() {
        assert_eq!(sample_times(HOUR + 5), vec![0, HOUR, HOUR + 5]);
        let month = sample_times(30 * 24 * HOUR);
        assert_eq!(month.len(), 721);
        assert!(sample_times(400 * 24 * HOUR).len() <= 1_002);
    }

    #[test]
    fn cost_samples_stay_bounded_at_the_largest_offsets() {
        // 18,446,744,073,709 s is the longest horizon a u64 of µs holds:
        // 5,124,095,577 hours in steps of 5,124,096; step 1,000 would pass
        // the end (and overflow): 0, 999 steps and the end.
        let end = 18_446_744_073_709 * 1_000_000;
        let times = sample_times(end);
        assert_eq!(times.len(), 1_001);
        assert_eq!(times[1], 5_124_096 * HOUR);
        assert!(times.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(sample_times(Micros::MAX).last(), Some(&Micros::MAX));
    }
}
