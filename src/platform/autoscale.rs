//! Scaling policies for dyno pools and VM groups, and the decision each
//! makes at a scaling tick from what the last period looked like.
//!
//! - `P95`: Heroku's autoscaling. Every period it looks at the 95th
//!   percentile of response times over a trailing window and adds one dyno
//!   when it is above the target, or removes one when it is below half the
//!   target (Heroku "scales down less aggressively than up"). A service whose
//!   own p95 execution time exceeds half the target therefore never scales
//!   in: choose the target with that in mind.
//! - `StepUtilization`: ±1 server per period towards a utilisation target.
//! - `TargetTracking`: AWS target tracking on average utilisation: scale out
//!   to `ceil(n × utilisation / target)` after `evaluation_periods` periods
//!   above target; scale in the same way after `scale_in_periods` periods
//!   below it, and not within `cooldown` of the last scaling action.
//! - `Schedule`: a server count for each hour of the day (UTC).

use hdrhistogram::Histogram;

use crate::units::Micros;

const HOUR: Micros = 3_600_000_000;

#[derive(Debug, Clone, PartialEq)]
pub enum ScalingPolicy {
    Fixed,
    P95 {
        target: Micros,
        window_periods: usize,
    },
    StepUtilization {
        target: f64,
    },
    TargetTracking {
        target: f64,
        evaluation_periods: u32,
        scale_in_periods: u32,
        cooldown: Micros,
    },
    Schedule {
        counts: [u32; 24],
    },
}

/// Bounds and cadence shared by every policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScalingBounds {
    pub min: u32,
    pub max: u32,
    pub period: Micros,
}

/// What one period looked like.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeriodSummary {
    /// Busy capacity over available capacity of the serving servers, 0..=1.
    pub utilization: f64,
}

/// The state a policy keeps between ticks.
#[derive(Debug)]
pub struct Autoscaler {
    policy: ScalingPolicy,
    bounds: ScalingBounds,
    /// How far into its UTC day the run's origin lies, for schedules.
    origin_into_day: Micros,
    /// Response times of recent periods, newest last (P95 only).
    windows: std::collections::VecDeque<Histogram<u64>>,
    above: u32,
    below: u32,
    last_action: Option<Micros>,
}

impl Autoscaler {
    pub fn new(policy: ScalingPolicy, bounds: ScalingBounds, origin_into_day: Micros) -> Self {
        Autoscaler {
            policy,
            bounds,
            origin_into_day,
            windows: std::collections::VecDeque::new(),
            above: 0,
            below: 0,
            last_action: None,
        }
    }

    pub fn is_active(&self) -> bool {
        self.policy != ScalingPolicy::Fixed
    }

    pub fn period(&self) -> Micros {
        self.bounds.period
    }

    /// Notes a response time for the percentile policies.
    pub fn record_response(&mut self, latency: Micros) {
        if let ScalingPolicy::P95 { .. } = self.policy {
            if self.windows.is_empty() {
                self.windows.push_back(new_histogram());
            }
            if let Some(current) = self.windows.back_mut() {
                current.saturating_record(latency);
            }
        }
    }

    /// The server count wanted after the period ending at `now`, given
    /// `current` servers (booting ones included).
    pub fn decide(&mut self, now: Micros, current: u32, period: PeriodSummary) -> u32 {
        let desired = match &self.policy {
            ScalingPolicy::Fixed => current,
            ScalingPolicy::P95 {
                target,
                window_periods,
            } => {
                let (target, window_periods) = (*target, *window_periods);
                let mut merged = new_histogram();
                for window in &self.windows {
                    let _ = merged.add(window);
                }
                self.windows.push_back(new_histogram());
                while self.windows.len() > window_periods.max(1) {
                    self.windows.pop_front();
                }
                if merged.is_empty() {
                    // No traffic in the window: nothing to serve.
                    current.saturating_sub(1)
                } else {
                    let p95 = merged.value_at_quantile(0.95);
                    if p95 > target {
                        current + 1
                    } else if p95 < target / 2 {
                        current.saturating_sub(1)
                    } else {
                        current
                    }
                }
            }
            ScalingPolicy::StepUtilization { target } => {
                if period.utilization > *target {
                    current + 1
                } else if current > 1
                    && period.utilization * f64::from(current) / f64::from(current - 1) < *target
                {
                    current - 1
                } else {
                    current
                }
            }
            ScalingPolicy::TargetTracking {
                target,
                evaluation_periods,
                scale_in_periods,
                cooldown,
            } => {
                let wanted = (f64::from(current) * period.utilization / target).ceil() as u32;
                if period.utilization > *target {
                    self.above += 1;
                    self.below = 0;
                } else if wanted < current {
                    self.below += 1;
                    self.above = 0;
                } else {
                    self.above = 0;
                    self.below = 0;
                }
                let cooled = self.last_action.is_none_or(|last| now >= last + cooldown);
                if self.above >= *evaluation_periods {
                    wanted.max(current + 1)
                } else if self.below >= *scale_in_periods && cooled {
                    wanted
                } else {
                    current
                }
            }
            ScalingPolicy::Schedule { counts } => {
                counts[(((now + self.origin_into_day) / HOUR) % 24) as usize]
            }
        };
        let desired = desired.clamp(self.bounds.min, self.bounds.max);
        if desired != current {
            self.last_action = Some(now);
            self.above = 0;
            self.below = 0;
        }
        desired
    }
}

fn new_histogram() -> Histogram<u64> {
    // One hour in microseconds at 2 significant digits: a few kilobytes.
    Histogram::new_with_bounds(1, HOUR, 2).expect("constant histogram bounds are valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Micros = 60_000_000;

    fn bounds() -> ScalingBounds {
        ScalingBounds {
            min: 1,
            max: 5,
            period: MINUTE,
        }
    }

    fn idle(utilization: f64) -> PeriodSummary {
        PeriodSummary { utilization }
    }

    #[test]
    fn p95_adds_one_above_target_and_removes_one_well_below() {
        let mut scaler = Autoscaler::new(
            ScalingPolicy::P95 {
                target: 500_000,
                window_periods: 1,
            },
            bounds(),
            0,
        );
        scaler.record_response(900_000);
        assert_eq!(scaler.decide(MINUTE, 2, idle(0.0)), 3);
        scaler.record_response(400_000);
        assert_eq!(scaler.decide(2 * MINUTE, 3, idle(0.0)), 3);
        scaler.record_response(100_000);
        assert_eq!(scaler.decide(3 * MINUTE, 3, idle(0.0)), 2);
    }

    #[test]
    fn target_tracking_waits_for_evaluation_periods_and_cooldown() {
        let mut scaler = Autoscaler::new(
            ScalingPolicy::TargetTracking {
                target: 0.5,
                evaluation_periods: 2,
                scale_in_periods: 3,
                cooldown: 5 * MINUTE,
            },
            bounds(),
            0,
        );
        // 2 servers at 90%: want ceil(2 × 0.9 / 0.5) = 4, after 2 periods.
        assert_eq!(scaler.decide(MINUTE, 2, idle(0.9)), 2);
        assert_eq!(scaler.decide(2 * MINUTE, 2, idle(0.9)), 4);
        // 4 at 10%: want 1; needs 3 periods below and 5 minutes since the
        // scale-out at minute 2, so it happens at minute 7.
        for minute in 3..7 {
            assert_eq!(scaler.decide(minute * MINUTE, 4, idle(0.1)), 4, "minute {minute}");
        }
        assert_eq!(scaler.decide(7 * MINUTE, 4, idle(0.1)), 1);
    }

    #[test]
    fn schedules_follow_the_hour_of_day() {
        let mut counts = [2; 24];
        counts[9] = 5;
        let mut scaler = Autoscaler::new(ScalingPolicy::Schedule { counts }, bounds(), 0);
        assert_eq!(scaler.decide(9 * HOUR, 2, idle(0.0)), 5);
        assert_eq!(scaler.decide(10 * HOUR, 5, idle(0.0)), 2);
        assert_eq!(scaler.decide(33 * HOUR, 2, idle(0.0)), 5);
        // An origin at 08:00 UTC puts offset 1 h at 09:00.
        let mut scaler = Autoscaler::new(ScalingPolicy::Schedule { counts }, bounds(), 8 * HOUR);
        assert_eq!(scaler.decide(HOUR, 2, idle(0.0)), 5);
    }
}
