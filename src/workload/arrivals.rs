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
//! the result.

use rand::RngExt;
use rand_pcg::Pcg64;

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
        counts: Vec<u64>,
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

    fn peak_rate(&self) -> f64 {
        match self {
            ArrivalProcess::Poisson { rate } => *rate,
            ArrivalProcess::Hourly { rates } => rates.iter().copied().fold(0.0, f64::max),
            ArrivalProcess::Sinusoid { trough, peak, .. } => trough.max(*peak),
            ArrivalProcess::Markov { rates, .. } => rates.iter().copied().fold(0.0, f64::max),
            ArrivalProcess::Series { .. } => 0.0,
        }
    }

    /// The arrivals, starting at offset 0, `origin_day_seconds` into the
    /// origin's UTC day.
    pub fn arrivals(self, rng: Pcg64, origin_day_seconds: f64) -> Arrivals {
        Arrivals {
            state: 0,
            state_ends: 0.0,
            clock: 0.0,
            bucket: 0,
            in_bucket: Vec::new(),
            peak: self.peak_rate(),
            process: self,
            rng,
            origin_day_seconds,
        }
    }
}

/// Arrival offsets in increasing order; endless except for a finite series.
pub struct Arrivals {
    process: ArrivalProcess,
    rng: Pcg64,
    origin_day_seconds: f64,
    peak: f64,
    /// Seconds since the start.
    clock: f64,
    state: usize,
    state_ends: f64,
    bucket: usize,
    /// Arrivals of the current bucket, latest first.
    in_bucket: Vec<Micros>,
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
            let rate = self
                .process
                .rate_at((self.clock + self.origin_day_seconds) % DAY_SECONDS);
            let keep: f64 = self.rng.random();
            if keep * self.peak < rate {
                return Some(seconds_to_micros(self.clock));
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
        loop {
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
                    return Some(seconds_to_micros(next));
                }
            }
            self.clock = self.state_ends;
        }
    }

    fn next_in_series(&mut self) -> Option<Micros> {
        loop {
            if let Some(arrival) = self.in_bucket.pop() {
                return Some(arrival);
            }
            let ArrivalProcess::Series {
                counts,
                bucket,
                spread,
            } = &self.process
            else {
                return None;
            };
            let (bucket_length, spread) = (*bucket, *spread);
            let count = *counts.get(self.bucket)?;
            let start = self.bucket as Micros * bucket_length;
            self.bucket += 1;
            let mut placed: Vec<Micros> = match spread {
                Spread::Equidistant => (0..count)
                    .map(|index| start + index * bucket_length / count)
                    .collect(),
                Spread::Uniform => (0..count)
                    .map(|_| start + (self.rng.random::<f64>() * bucket_length as f64) as Micros)
                    .collect(),
                Spread::Poisson => {
                    // A Poisson process at the bucket's rate: exponential
                    // gaps, so the number placed varies around the count.
                    let rate = count as f64 / bucket_length as f64;
                    let mut placed = Vec::new();
                    let mut at = 0.0;
                    if rate > 0.0 {
                        loop {
                            at += exponential(&mut self.rng, rate);
                            if at >= bucket_length as f64 {
                                break;
                            }
                            placed.push(start + at as Micros);
                        }
                    }
                    placed
                }
            };
            placed.sort_unstable_by(|a, b| b.cmp(a));
            self.in_bucket = placed;
        }
    }
}

fn seconds_to_micros(seconds: f64) -> Micros {
    (seconds * MICROS_PER_SECOND as f64).round() as Micros
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
            .arrivals(Pcg64::seed_from_u64(5), 0.0)
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
            counts: vec![3, 0, 2],
            bucket: 60 * MICROS_PER_SECOND,
            spread: Spread::Equidistant,
        };
        let arrivals: Vec<Micros> = process.arrivals(Pcg64::seed_from_u64(1), 0.0).collect();
        assert_eq!(
            arrivals,
            vec![0, 20_000_000, 40_000_000, 120_000_000, 150_000_000]
        );
        let process = ArrivalProcess::Series {
            counts: vec![1_000; 3],
            bucket: MICROS_PER_SECOND,
            spread: Spread::Poisson,
        };
        let arrivals: Vec<Micros> = process.arrivals(Pcg64::seed_from_u64(1), 0.0).collect();
        // Poisson spreading keeps the rate, not the count: 3,000 ± 3 SD (164).
        assert!(
            (arrivals.len() as f64 - 3_000.0).abs() < 165.0,
            "{}",
            arrivals.len()
        );
        assert!(arrivals.windows(2).all(|pair| pair[0] <= pair[1]));
        let process = ArrivalProcess::Series {
            counts: vec![1_000; 3],
            bucket: MICROS_PER_SECOND,
            spread: Spread::Uniform,
        };
        let arrivals: Vec<Micros> = process.arrivals(Pcg64::seed_from_u64(1), 0.0).collect();
        assert_eq!(arrivals.iter().filter(|&&a| a < MICROS_PER_SECOND).count(), 1_000);
        assert!(arrivals.windows(2).all(|pair| pair[0] <= pair[1]));
    }
}
