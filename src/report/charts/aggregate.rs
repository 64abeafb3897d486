//! Long series made readable: a series' buckets are grouped into at most
//! [`MAX_STEPS`] steps, each keeping the least, the most and the mean of
//! its buckets, so a month of minutes draws as a line of the most with a
//! band down to the least rather than as a hairball of 43,200 segments.

use crate::series::MINUTE;
use crate::units::Micros;

/// The most steps a chart draws per series.
pub const MAX_STEPS: usize = 360;

/// Step lengths that read well (minutes): a step is the shortest of these
/// that keeps a series within [`MAX_STEPS`].
const NICE_MINUTES: [u64; 16] = [
    1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 720, 1_440, 2_880, 10_080,
];

/// One group of buckets, from `start` to `end` on the time axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub start: f64,
    pub end: f64,
    pub low: f64,
    pub high: f64,
    pub mean: f64,
}

/// Bucket values grouped into steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Steps {
    pub steps: Vec<Step>,
    /// Minutes one step covers.
    pub step_minutes: u64,
}

/// Groups `values`, buckets of `width` each, into at most [`MAX_STEPS`]
/// steps, times in units of `unit` seconds.
pub fn group(values: &[f64], width: Micros, unit: f64) -> Steps {
    let bucket_minutes = (width / MINUTE).max(1);
    let needed = values.len().div_ceil(MAX_STEPS).max(1);
    let per_step = if needed == 1 {
        1
    } else {
        let minutes = needed as u64 * bucket_minutes;
        let nice = NICE_MINUTES
            .into_iter()
            .find(|nice| *nice >= minutes)
            .unwrap_or(minutes);
        nice.div_ceil(bucket_minutes) as usize
    };
    let length = bucket_minutes as f64 * 60.0 / unit;
    let steps = values
        .chunks(per_step)
        .enumerate()
        .map(|(index, chunk)| {
            let first = index * per_step;
            Step {
                start: first as f64 * length,
                end: (first + chunk.len()) as f64 * length,
                low: chunk.iter().copied().fold(f64::INFINITY, f64::min),
                high: chunk.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                mean: chunk.iter().sum::<f64>() / chunk.len() as f64,
            }
        })
        .collect();
    Steps {
        steps,
        step_minutes: per_step as u64 * bucket_minutes,
    }
}

impl Steps {
    /// The outline of `value` of each step, as a staircase.
    pub fn staircase(&self, value: fn(&Step) -> f64) -> Vec<(f64, f64)> {
        self.steps
            .iter()
            .flat_map(|step| [(step.start, value(step)), (step.end, value(step))])
            .collect()
    }

    /// Whether any step's least and most differ (a band worth drawing).
    pub fn varies(&self) -> bool {
        self.steps.iter().any(|step| step.low < step.high)
    }

    /// The band from each step's least to its most, as a polygon.
    pub fn band(&self) -> Vec<(f64, f64)> {
        let mut outline = self.staircase(|step| step.high);
        outline.extend(self.staircase(|step| step.low).into_iter().rev());
        outline
    }

    pub fn end(&self) -> f64 {
        self.steps.last().map_or(0.0, |step| step.end)
    }
}

/// The time axis unit of the longest horizon among `results`.
pub fn time_unit_of(results: &[crate::compare::NamedResult]) -> (f64, &'static str) {
    let horizon = results
        .iter()
        .map(|named| named.result.horizon_s)
        .fold(0.0, f64::max);
    time_unit(horizon)
}

/// Time axis unit: hours for spans up to two days, else days.
pub fn time_unit(horizon_s: f64) -> (f64, &'static str) {
    if horizon_s <= 2.0 * 86_400.0 {
        (3_600.0, "hours")
    } else {
        (86_400.0, "days")
    }
}

/// "2 hours", "108 minutes", "1 minute": a step's length for a legend.
pub fn minutes_in_words(minutes: u64) -> String {
    match minutes {
        1 => "1 minute".to_owned(),
        m if m % 1_440 == 0 => format!("{} day{}", m / 1_440, if m == 1_440 { "" } else { "s" }),
        m if m % 60 == 0 => format!("{} hour{}", m / 60, if m == 60 { "" } else { "s" }),
        m => format!("{m} minutes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_of_minutes_becomes_360_steps_of_two_hours() {
        // 30 days × 1,440 = 43,200 one-minute buckets; ⌈43,200 / 360⌉ = 120
        // per step: 360 steps of 2 hours = 1/12 day each. Step 1 holds
        // minutes 120..240: values 0 and 5 alternate, so least 0, most 5,
        // mean 2.5.
        let values: Vec<f64> = (0..43_200).map(|m| if m % 2 == 0 { 0.0 } else { 5.0 }).collect();
        let steps = group(&values, MINUTE, 86_400.0);
        assert_eq!(steps.steps.len(), 360);
        assert_eq!(steps.step_minutes, 120);
        let step = steps.steps[1];
        assert!((step.start - 1.0 / 12.0).abs() < 1e-12);
        assert!((step.end - 2.0 / 12.0).abs() < 1e-12);
        assert_eq!((step.low, step.high, step.mean), (0.0, 5.0, 2.5));
        assert!((steps.end() - 30.0).abs() < 1e-9);
        assert!(steps.varies());
        assert_eq!(minutes_in_words(steps.step_minutes), "2 hours");
    }

    #[test]
    fn a_short_series_keeps_its_buckets_and_the_last_step_may_be_short() {
        // 3 buckets of 8 minutes in hours: 8/60 h each; no grouping.
        let steps = group(&[1.0, 2.0, 2.0], 8 * MINUTE, 3_600.0);
        assert_eq!(steps.step_minutes, 8);
        assert_eq!(
            steps.staircase(|step| step.high),
            [
                (0.0, 1.0),
                (8.0 / 60.0, 1.0),
                (8.0 / 60.0, 2.0),
                (16.0 / 60.0, 2.0),
                (16.0 / 60.0, 2.0),
                (24.0 / 60.0, 2.0)
            ]
        );
        assert!(!steps.varies());
        // 361 buckets: 2 per step, 181 steps, the last holding one bucket.
        let steps = group(&vec![1.0; 361], MINUTE, 3_600.0);
        assert_eq!(steps.steps.len(), 181);
        let last = steps.steps[180];
        assert!((last.end - last.start - 1.0 / 60.0).abs() < 1e-12);
    }

    #[test]
    fn step_lengths_read_as_words() {
        assert_eq!(minutes_in_words(1), "1 minute");
        assert_eq!(minutes_in_words(108), "108 minutes");
        assert_eq!(minutes_in_words(60), "1 hour");
        assert_eq!(minutes_in_words(2_880), "2 days");
    }
}
