//! Arrival processes for synthetic workloads: when requests arrive.
//!
//! - `Poisson`: a constant rate.
//! - `Hourly`: a rate for each hour of the day (UTC, from the origin's hour),
//!   as a non-homogeneous Poisson process.
//! - `Sinusoid`: a daily wave between a trough and a peak rate.
//! - `Markov`: a Markov-modulated Poisson process: the rate switches between
//!   states that last exponential times (on/off bursts are two states, one
//!   with rate 0).
//! - `Series`: given counts per bucket (per second, per minute, …), spread
//!   inside each bucket uniformly or equidistantly (keeping each count), or
//!   as a Poisson process at the bucket's rate (the count then varies).
//!
//! Non-homogeneous processes are drawn by thinning (Lewis and Shedler): a
//! Poisson process at the peak rate, each arrival kept with probability
//! rate(t) / peak. Every process is an iterator of arrival offsets in
//! increasing order, drawing from the generator it is given, so a seed fixes
//! the result. Each ends at its `end` (the span, or the largest time there
//! is), whatever its rates, and streams: a bucket's arrivals are drawn one at
//! a time in order (uniform ones as sorted uniform order statistics), so
//! memory never grows with a count.

use rand::RngExt;
use rand_pcg::Pcg64;
use rust_decimal::Decimal;

use super::generator_options::MAX_RATE;
use super::traffic::TrafficFactor;
use crate::units::{MICROS_PER_SECOND, Micros};

const DAY_SECONDS: f64 = 86_400.0;

/// How arrivals inside a bucket of a rate series are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spread {
    Uniform,
    Equidistant,
    Poisson,
}

impl Spread {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "uniform" => Ok(Spread::Uniform),
            "equidistant" => Ok(Spread::Equidistant),
            "poisson" => Ok(Spread::Poisson),
            _ => Err(format!(
                "expected uniform, equidistant or poisson, found `{text}`"
            )),
        }
    }
}

/// The buckets of a rate series that hold arrivals: (bucket index, count),
/// by increasing index.
pub type BucketCounts = Vec<(u64, u64)>;

#[derive(Debug, Clone, PartialEq)]
pub enum ArrivalProcess {
    Poisson {
        rate: f64,
    },
    Hourly {
        rates: [f64; 24],
    },
    Sinusoid {
        trough: f64,
        peak: f64,
        peak_hour: f64,
    },
    Markov {
        rates: Vec<f64>,
        mean_dwell_s: Vec<f64>,
    },
    Series {
        counts: BucketCounts,
        bucket: Micros,
        spread: Spread,
    },
}

impl ArrivalProcess {
    /// Rate per second at `seconds` after the start of the origin's day.
    fn rate_at(&self, day_seconds: f64) -> f64 {
        match self {
            ArrivalProcess::Poisson { rate } => *rate,
            ArrivalProcess::Hourly { rates } => rates[((day_seconds / 3_600.0) as usize) % 24],
            ArrivalProcess::Sinusoid {
                trough,
                peak,
                peak_hour,
            } => {
                let phase = 2.0 * std::f64::consts::PI * (day_seconds / 3_600.0 - peak_hour) / 24.0;
                trough + (peak - trough) * (1.0 + phase.cos()) / 2.0
            }
            ArrivalProcess::Markov { .. } | ArrivalProcess::Series { .. } => 0.0,
        }
    }

    /// The highest rate per second (for Markov, of any state).
    pub fn peak_rate(&self) -> f64 {
        match self {
            ArrivalProcess::Poisson { rate } => *rate,
            ArrivalProcess::Hourly { rates } => rates.iter().copied().fold(0.0, f64::max),
            ArrivalProcess::Sinusoid { trough, peak, .. } => trough.max(*peak),
            ArrivalProcess::Markov { rates, .. } => rates.iter().copied().fold(0.0, f64::max),
            ArrivalProcess::Series { .. } => 0.0,
        }
    }

    /// The slowest positive rate the process spends whole stretches at
    /// (an hour of a diurnal profile, a sinusoid's trough), or the mean: a
    /// count can take that long to reach, drawing candidates at the peak
    /// meanwhile.
    pub fn slowest_rate(&self) -> f64 {
        match self {
            ArrivalProcess::Hourly { rates } => rates
                .iter()
                .copied()
                .filter(|rate| *rate > 0.0)
                .fold(f64::INFINITY, f64::min),
            ArrivalProcess::Sinusoid { trough, .. } if *trough > 0.0 => *trough,
            _ => self.mean_and_draw_rates().0,
        }
    }

    /// The long-run mean rate per second, and the draws per second its
    /// generation costs (candidates at the peak rate when thinned; arrivals
    /// plus state changes for Markov). Zero for a series.
    pub fn mean_and_draw_rates(&self) -> (f64, f64) {
        match self {
            ArrivalProcess::Poisson { rate } => (*rate, *rate),
            ArrivalProcess::Hourly { rates } => (rates.iter().sum::<f64>() / 24.0, self.peak_rate()),
            ArrivalProcess::Sinusoid { trough, peak, .. } => ((trough + peak) / 2.0, self.peak_rate()),
            ArrivalProcess::Markov { rates, mean_dwell_s } => {
                let cycle: f64 = mean_dwell_s.iter().sum();
                let mean = rates
                    .iter()
                    .zip(mean_dwell_s)
                    .map(|(rate, dwell)| rate * dwell)
                    .sum::<f64>()
                    / cycle;
                (mean, mean + rates.len() as f64 / cycle)
            }
            ArrivalProcess::Series { .. } => (0.0, 0.0),
        }
    }

    /// The arrivals, starting at offset 0, `origin_day_seconds` into the
    /// origin's UTC day, and ending before `end` (none: the largest time).
    pub fn arrivals(self, rng: Pcg64, origin_day_seconds: f64, end: Option<Micros>) -> Arrivals {
        let end = end.unwrap_or(Micros::MAX);
        Arrivals {
            state: 0,
            state_ends: 0.0,
            clock: 0.0,
            end_seconds: end as f64 / MICROS_PER_SECOND as f64,
            end,
            bucket: BucketCursor::default(),
            next_bucket: 0,
            peak: self.peak_rate(),
            process: self,
            rng,
            origin_day_seconds,
        }
    }
}

/// `rate` × `factor`, still within the rates a process accepts. The
/// product is taken in decimal on the rate as written (0.1 × 3 is 0.3, as
/// if the user had written 0.3), in floating point where the rate has more
/// digits than a decimal holds.
fn scale_rate(name: &str, rate: f64, factor: &TrafficFactor) -> Result<f64, String> {
    let decimal = rate
        .to_string()
        .parse::<Decimal>()
        .ok()
        .and_then(|written| written.checked_mul(factor.as_decimal()))
        .and_then(|product| product.normalize().to_string().parse::<f64>().ok());
    let scaled = decimal.unwrap_or(rate * factor.as_f64());
    if scaled.is_nan() || scaled > MAX_RATE {
        return Err(format!(
            "traffic {factor}: `{name}` {rate} would become {scaled:e}, above the highest rate ({MAX_RATE:e} per second)"
        ));
    }
    if rate > 0.0 && scaled == 0.0 {
        return Err(format!("traffic {factor}: `{name}` {rate:e} would become 0"));
    }
    Ok(scaled)
}

fn scale_rates(name: &str, rates: &[f64], factor: &TrafficFactor) -> Result<Vec<f64>, String> {
    rates.iter().map(|rate| scale_rate(name, *rate, factor)).collect()
}

/// A series' counts × `factor`, each bucket's count the difference of the
/// rounded running totals: the total is the exact total × f rounded, and
/// fractions carry over to the next buckets (counts of 1 halved become 1,
/// 0, 1, 0, …) instead of all rounding the same way. Emptied buckets go.
fn scale_counts(counts: &[(u64, u64)], factor: &TrafficFactor) -> Result<BucketCounts, String> {
    let too_many = || format!("traffic {factor}: the series holds too many arrivals to scale exactly");
    let mut total: u128 = 0;
    let mut placed: u128 = 0;
    let mut scaled = Vec::with_capacity(counts.len());
    for &(index, count) in counts {
        total += u128::from(count);
        let rounded = factor.scale_count(total).ok_or_else(too_many)?;
        let count = u64::try_from(rounded - placed).map_err(|_| too_many())?;
        placed = rounded;
        if count > 0 {
            scaled.push((index, count));
        }
    }
    Ok(scaled)
}

impl ArrivalProcess {
    /// The process with every rate (or a series' counts) scaled by
    /// `factor`; times of day, dwell times and buckets are kept, so the
    /// shape and span stay as they are.
    pub fn scaled(&self, factor: &TrafficFactor) -> Result<ArrivalProcess, String> {
        Ok(match self {
            ArrivalProcess::Poisson { rate } => ArrivalProcess::Poisson {
                rate: scale_rate("rate", *rate, factor)?,
            },
            ArrivalProcess::Hourly { rates } => {
                let scaled = scale_rates("hourly", rates, factor)?;
                let mut rates = *rates;
                rates.copy_from_slice(&scaled);
                ArrivalProcess::Hourly { rates }
            }
            ArrivalProcess::Sinusoid {
                trough,
                peak,
                peak_hour,
            } => ArrivalProcess::Sinusoid {
                trough: scale_rate("trough", *trough, factor)?,
                peak: scale_rate("peak", *peak, factor)?,
                peak_hour: *peak_hour,
            },
            ArrivalProcess::Markov { rates, mean_dwell_s } => ArrivalProcess::Markov {
                rates: scale_rates("rates", rates, factor)?,
                mean_dwell_s: mean_dwell_s.clone(),
            },
            ArrivalProcess::Series {
                counts,
                bucket,
                spread,
            } => ArrivalProcess::Series {
                counts: scale_counts(counts, factor)?,
                bucket: *bucket,
                spread: *spread,
            },
        })
    }
}

/// Where the arrivals of the current bucket of a series stand.
#[derive(Debug, Default)]
struct BucketCursor {
    start: Micros,
    length: Micros,
    count: u64,
    /// Arrivals placed so far (uniform, equidistant).
    placed: u64,
    /// The last uniform order statistic, as a share of the bucket.
    share: f64,
    /// Microseconds into the bucket of the last Poisson arrival.
    offset: f64,
    spread: Option<Spread>,
}

/// Arrival offsets in increasing order, before the end.
pub struct Arrivals {
    process: ArrivalProcess,
    rng: Pcg64,
    origin_day_seconds: f64,
    peak: f64,
    /// Seconds since the start.
    clock: f64,
    end: Micros,
    end_seconds: f64,
    state: usize,
    state_ends: f64,
    bucket: BucketCursor,
    /// Index into the series' buckets of the next one to start.
    next_bucket: usize,
}

/// The next of `remaining` sorted uniform draws in [0, 1) above `last`
/// (Bentley and Saxe): its distance to 1 is the last distance times the
/// largest of `remaining` uniforms, U^(1/remaining). Drawn one at a time,
/// sorted draws need no memory however many there are.
pub fn next_uniform_share(last: f64, remaining: f64, rng: &mut Pcg64) -> f64 {
    let draw: f64 = 1.0 - rng.random::<f64>();
    1.0 - (1.0 - last) * draw.powf(1.0 / remaining)
}

/// An exponential draw with the given rate.
fn exponential(rng: &mut Pcg64, rate: f64) -> f64 {
    let uniform: f64 = rng.random();
    -(1.0 - uniform).ln() / rate
}

impl Arrivals {
    fn next_thinned(&mut self) -> Option<Micros> {
        if self.peak <= 0.0 {
            return None;
        }
        loop {
            self.clock += exponential(&mut self.rng, self.peak);
            if self.clock >= self.end_seconds {
                return None;
            }
            let rate = self
                .process
                .rate_at((self.clock + self.origin_day_seconds) % DAY_SECONDS);
            let keep: f64 = self.rng.random();
            if keep * self.peak < rate {
                return self.before_end(self.clock);
            }
        }
    }

    fn next_markov(&mut self) -> Option<Micros> {
        let ArrivalProcess::Markov { rates, mean_dwell_s } = &self.process else {
            return None;
        };
        if rates.iter().all(|rate| *rate <= 0.0) {
            return None;
        }
        while self.clock < self.end_seconds {
            if self.state_ends <= self.clock {
                // Enter the next state (cyclically, as on/off alternates).
                if self.state_ends > 0.0 {
                    self.state = (self.state + 1) % rates.len();
                }
                self.clock = self.state_ends.max(self.clock);
                self.state_ends = self.clock + exponential(&mut self.rng, 1.0 / mean_dwell_s[self.state]);
            }
            let rate = rates[self.state];
            if rate > 0.0 {
                let next = self.clock + exponential(&mut self.rng, rate);
                if next < self.state_ends {
                    self.clock = next;
                    return self.before_end(next);
                }
            }
            self.clock = self.state_ends;
        }
        None
    }

    /// `seconds` as an arrival, if it lies before the end.
    fn before_end(&mut self, seconds: f64) -> Option<Micros> {
        let micros = seconds * MICROS_PER_SECOND as f64;
        if micros.is_finite() && micros.round() < self.end as f64 {
            Some(micros.round() as Micros)
        } else {
            self.clock = self.end_seconds;
            None
        }
    }

    /// Starts the next bucket of the series that holds arrivals; false when
    /// none is left before the end.
    fn start_bucket(&mut self) -> bool {
        let ArrivalProcess::Series {
            counts,
            bucket,
            spread,
        } = &self.process
        else {
            return false;
        };
        let Some(&(index, count)) = counts.get(self.next_bucket) else {
            return false;
        };
        self.next_bucket += 1;
        let Some(start) = index.checked_mul(*bucket).filter(|start| *start < self.end) else {
            self.next_bucket = counts.len();
            return false;
        };
        self.bucket = BucketCursor {
            start,
            length: *bucket,
            count,
            spread: Some(*spread),
            ..BucketCursor::default()
        };
        true
    }

    /// The next arrival of the current bucket, if any is left.
    fn next_in_bucket(&mut self) -> Option<Micros> {
        let cursor = &mut self.bucket;
        let length = cursor.length as f64;
        let offset = match cursor.spread? {
            Spread::Poisson => {
                // A Poisson process at the bucket's rate: exponential gaps,
                // so the number placed varies around the count.
                let rate = cursor.count as f64 / length;
                if !(rate > 0.0 && rate.is_finite()) {
                    return None;
                }
                cursor.offset += exponential(&mut self.rng, rate);
                if cursor.offset >= length {
                    return None;
                }
                cursor.offset as Micros
            }
            _ if cursor.placed >= cursor.count => return None,
            Spread::Equidistant => {
                let offset = u128::from(cursor.placed) * u128::from(cursor.length) / u128::from(cursor.count);
                cursor.placed += 1;
                offset as Micros
            }
            Spread::Uniform => {
                let remaining = (cursor.count - cursor.placed) as f64;
                cursor.share = next_uniform_share(cursor.share, remaining, &mut self.rng);
                cursor.placed += 1;
                ((cursor.share * length) as Micros).min(cursor.length.saturating_sub(1))
            }
        };
        let arrival = cursor.start.checked_add(offset)?;
        (arrival < self.end).then_some(arrival)
    }

    fn next_in_series(&mut self) -> Option<Micros> {
        loop {
            if let Some(arrival) = self.next_in_bucket() {
                return Some(arrival);
            }
            if !self.start_bucket() {
                return None;
            }
        }
    }
}

impl Iterator for Arrivals {
    type Item = Micros;

    fn next(&mut self) -> Option<Micros> {
        match self.process {
            ArrivalProcess::Poisson { .. }
            | ArrivalProcess::Hourly { .. }
            | ArrivalProcess::Sinusoid { .. } => self.next_thinned(),
            ArrivalProcess::Markov { .. } => self.next_markov(),
            ArrivalProcess::Series { .. } => self.next_in_series(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn take_until(process: ArrivalProcess, seconds: u64) -> Vec<Micros> {
        process
            .arrivals(Pcg64::seed_from_u64(5), 0.0, None)
            .take_while(|&arrival| arrival < seconds * MICROS_PER_SECOND)
            .collect()
    }

    #[test]
    fn poisson_counts_per_window_have_poisson_mean_and_variance() {
        // 100/s for 2,000 s: counts per 1 s window have mean 100 and
        // variance 100; 2,000 windows put the sample mean within ±0.7 (3 SE)
        // and the sample variance within about ±10%.
        let arrivals = take_until(ArrivalProcess::Poisson { rate: 100.0 }, 2_000);
        let mut windows = vec![0f64; 2_000];
        for arrival in &arrivals {
            windows[(arrival / MICROS_PER_SECOND) as usize] += 1.0;
        }
        let mean = windows.iter().sum::<f64>() / 2_000.0;
        let variance = windows.iter().map(|count| (count - mean).powi(2)).sum::<f64>() / 1_999.0;
        assert!((mean - 100.0).abs() < 0.7, "mean {mean}");
        assert!((variance / 100.0 - 1.0).abs() < 0.12, "variance {variance}");
        assert!(arrivals.windows(2).all(|pair| pair[0] <= pair[1]));
    }

    #[test]
    fn hourly_rates_are_followed_hour_by_hour() {
        let mut rates = [10.0; 24];
        rates[1] = 50.0;
        let arrivals = take_until(ArrivalProcess::Hourly { rates }, 7_200);
        let first = arrivals
            .iter()
            .filter(|&&a| a < 3_600 * MICROS_PER_SECOND)
            .count() as f64;
        let second = arrivals.len() as f64 - first;
        // Expected 36,000 and 180,000 (SD 190 and 424).
        assert!((first / 36_000.0 - 1.0).abs() < 0.02, "{first}");
        assert!((second / 180_000.0 - 1.0).abs() < 0.01, "{second}");
    }

    #[test]
    fn on_off_bursts_average_to_the_duty_cycle() {
        // On at 100/s for 10 s on average, off for 30 s: a quarter of the
        // time on, 25/s on average.
        let arrivals = take_until(
            ArrivalProcess::Markov {
                rates: vec![100.0, 0.0],
                mean_dwell_s: vec![10.0, 30.0],
            },
            40_000,
        );
        let rate = arrivals.len() as f64 / 40_000.0;
        assert!((rate / 25.0 - 1.0).abs() < 0.1, "{rate}");
    }

    #[test]
    fn series_places_each_bucket_count_inside_its_bucket() {
        let process = ArrivalProcess::Series {
            counts: vec![(0, 3), (2, 2)],
            bucket: 60 * MICROS_PER_SECOND,
            spread: Spread::Equidistant,
        };
        let arrivals: Vec<Micros> = process.arrivals(Pcg64::seed_from_u64(1), 0.0, None).collect();
        assert_eq!(
            arrivals,
            vec![0, 20_000_000, 40_000_000, 120_000_000, 150_000_000]
        );
        let process = ArrivalProcess::Series {
            counts: vec![(0, 1_000), (1, 1_000), (2, 1_000)],
            bucket: MICROS_PER_SECOND,
            spread: Spread::Poisson,
        };
        let arrivals: Vec<Micros> = process.arrivals(Pcg64::seed_from_u64(1), 0.0, None).collect();
        // Poisson spreading keeps the rate, not the count: 3,000 ± 3 SD (164).
        assert!(
            (arrivals.len() as f64 - 3_000.0).abs() < 165.0,
            "{}",
            arrivals.len()
        );
        assert!(arrivals.windows(2).all(|pair| pair[0] <= pair[1]));
        let process = ArrivalProcess::Series {
            counts: vec![(0, 1_000), (1, 1_000), (2, 1_000)],
            bucket: MICROS_PER_SECOND,
            spread: Spread::Uniform,
        };
        let arrivals: Vec<Micros> = process.arrivals(Pcg64::seed_from_u64(1), 0.0, None).collect();
        assert_eq!(arrivals.iter().filter(|&&a| a < MICROS_PER_SECOND).count(), 1_000);
        assert!(arrivals.windows(2).all(|pair| pair[0] <= pair[1]));
    }
}

#[cfg(test)]
mod scaling_tests {
    use super::*;

    fn factor(text: &str) -> TrafficFactor {
        TrafficFactor::parse(text).expect("a valid factor")
    }

    #[test]
    fn a_series_scales_its_counts_carrying_fractions_on() {
        // Running totals 1, 2, 3, 4 × 0.5 = 0.5, 1, 1.5, 2, rounded (halves
        // up) 1, 1, 2, 2: counts 1, 0, 1, 0, the empty buckets dropped.
        let series = ArrivalProcess::Series {
            counts: vec![(0, 1), (1, 1), (2, 1), (5, 1)],
            bucket: 60 * MICROS_PER_SECOND,
            spread: Spread::Uniform,
        };
        let halved = series.scaled(&factor("0.5")).expect("scalable");
        let ArrivalProcess::Series { counts, bucket, .. } = &halved else {
            panic!("a series");
        };
        assert_eq!(
            (counts.as_slice(), *bucket),
            (&[(0, 1), (2, 1)][..], 60 * MICROS_PER_SECOND)
        );
        // 7 and 3 × 1.5 = 10.5 and 4.5: totals 10.5 → 11 and 15, so 11 and 4.
        let series = ArrivalProcess::Series {
            counts: vec![(0, 7), (1, 3)],
            bucket: MICROS_PER_SECOND,
            spread: Spread::Equidistant,
        };
        let ArrivalProcess::Series { counts, .. } = series.scaled(&factor("1.5")).expect("scalable") else {
            panic!("a series");
        };
        assert_eq!(counts, [(0, 11), (1, 4)]);
        let huge = ArrivalProcess::Series {
            counts: vec![(0, u64::MAX)],
            bucket: MICROS_PER_SECOND,
            spread: Spread::Equidistant,
        };
        assert_eq!(
            huge.scaled(&factor("2")).expect_err("too many"),
            "traffic 2: the series holds too many arrivals to scale exactly"
        );
    }
}

#[cfg(test)]
mod streaming_tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn a_huge_bucket_count_streams_in_order() {
        // 2^64 - 1 arrivals in one second: the first ones come at once, in
        // order, inside the bucket, without memory for the rest.
        for spread in [Spread::Uniform, Spread::Equidistant, Spread::Poisson] {
            let process = ArrivalProcess::Series {
                counts: vec![(0, u64::MAX)],
                bucket: MICROS_PER_SECOND,
                spread,
            };
            let first: Vec<Micros> = process
                .arrivals(Pcg64::seed_from_u64(1), 0.0, None)
                .take(1_000)
                .collect();
            assert_eq!(first.len(), 1_000, "{spread:?}");
            assert!(first.windows(2).all(|pair| pair[0] <= pair[1]), "{spread:?}");
            assert!(
                first.iter().all(|&arrival| arrival < MICROS_PER_SECOND),
                "{spread:?}"
            );
        }
    }

    #[test]
    fn uniform_spreading_keeps_each_count_in_its_bucket_sorted() {
        // 3 + 5 arrivals in buckets 0 and 4 of 10 s: 3 in [0, 10 s), 5 in [40 s, 50 s).
        let process = ArrivalProcess::Series {
            counts: vec![(0, 3), (4, 5)],
            bucket: 10 * MICROS_PER_SECOND,
            spread: Spread::Uniform,
        };
        let arrivals: Vec<Micros> = process.arrivals(Pcg64::seed_from_u64(3), 0.0, None).collect();
        assert_eq!(arrivals.len(), 8);
        assert!(arrivals[..3].iter().all(|&a| a < 10 * MICROS_PER_SECOND));
        assert!(
            arrivals[3..]
                .iter()
                .all(|&a| (40..50).contains(&(a / MICROS_PER_SECOND)))
        );
        assert!(arrivals.windows(2).all(|pair| pair[0] <= pair[1]));
    }

    #[test]
    fn processes_that_rarely_fire_end_at_their_end() {
        // On at 1e-300/s: no arrival in an hour, and the state switches
        // (every 30 s on average) stop at the hour.
        let onoff = ArrivalProcess::Markov {
            rates: vec![1e-300, 0.0],
            mean_dwell_s: vec![30.0, 30.0],
        };
        let hour = 3_600 * MICROS_PER_SECOND;
        assert_eq!(
            onoff.arrivals(Pcg64::seed_from_u64(1), 0.0, Some(hour)).count(),
            0
        );
        // Every arrival of a Poisson process at 10/s lies before a 2 s end.
        let poisson = ArrivalProcess::Poisson { rate: 10.0 };
        let arrivals: Vec<Micros> = poisson
            .arrivals(Pcg64::seed_from_u64(1), 0.0, Some(2 * MICROS_PER_SECOND))
            .collect();
        assert!(arrivals.iter().all(|&a| a < 2 * MICROS_PER_SECOND));
        // Buckets past the largest time are never reached.
        let far = ArrivalProcess::Series {
            counts: vec![(u64::MAX / 2, 1)],
            bucket: 60 * MICROS_PER_SECOND,
            spread: Spread::Equidistant,
        };
        assert_eq!(far.arrivals(Pcg64::seed_from_u64(1), 0.0, None).count(), 0);
    }
}
