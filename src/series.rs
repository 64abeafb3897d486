//! Time series a run produces for charts: cost over time, live instances
//! per minute, the latency distribution and requests per minute. Their
//! memory grows with the horizon (minutes, hours), never with the number of
//! requests.

use crate::units::Micros;

pub const MINUTE: Micros = 60_000_000;
pub const HOUR: Micros = 3_600_000_000;

/// The charts' data for one deployment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSeries {
    /// (seconds since the start, cumulative cost in dollars).
    pub cost_over_time: Vec<(f64, f64)>,
    /// Most instances alive in each minute.
    pub instances_per_minute: Vec<u32>,
    /// (latency in ms, share of requests at or below it).
    pub latency_cdf: Vec<(f64, f64)>,
    /// Requests arriving in each minute.
    pub requests_per_minute: Vec<u32>,
}

/// The most a level (live instances) reached in each minute, fed with the
/// times at which it changes, in time order.
#[derive(Debug, Clone, Default)]
pub struct LevelRecorder {
    per_minute: Vec<u32>,
    level: u32,
    since: Micros,
}

impl LevelRecorder {
    /// The level becomes `level` at `time` (times earlier than the last
    /// change count as the last change).
    pub fn set(&mut self, time: Micros, level: u32) {
        let time = time.max(self.since);
        let from = (self.since / MINUTE) as usize;
        let to = (time / MINUTE) as usize;
        if self.per_minute.len() <= to {
            self.per_minute.resize(to + 1, 0);
        }
        for bucket in &mut self.per_minute[from..=to] {
            *bucket = (*bucket).max(self.level);
        }
        self.per_minute[to] = self.per_minute[to].max(level);
        self.level = level;
        self.since = time;
    }

    /// The per-minute maxima up to `end`.
    pub fn finish(mut self, end: Micros) -> Vec<u32> {
        let level = self.level;
        self.set(end, level);
        self.per_minute.truncate((end / MINUTE) as usize + 1);
        self.per_minute
    }
}

/// Hour boundaries at which cost is sampled: every `step` hours (at most
/// about a thousand points) and the end itself.
pub fn sample_times(end: Micros) -> Vec<Micros> {
    let hours = end.div_ceil(HOUR).max(1);
    let step = hours.div_ceil(1_000).max(1);
    let mut times: Vec<Micros> = (1..)
        .map(|index| index * step * HOUR)
        .take_while(|time| *time < end)
        .collect();
    times.insert(0, 0);
    times.push(end);
    times
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn cost_samples_cover_the_horizon() {
        assert_eq!(sample_times(HOUR + 5), vec![0, HOUR, HOUR + 5]);
        let month = sample_times(30 * 24 * HOUR);
        assert_eq!(month.len(), 721);
        assert!(sample_times(400 * 24 * HOUR).len() <= 1_002);
    }
}
