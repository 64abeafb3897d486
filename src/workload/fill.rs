//! A sample priced as a period: `--fill repeat` (scenario `fill = "repeat"`)
//! lays copies of a trace end to end until the horizon, so that a typical
//! day or week is priced as a month.
//!
//! The copies keep the calendar: the tile period is the trace's span (from
//! its origin to its last arrival) rounded up to whole days when it is
//! under a week, and to whole weeks otherwise, so each copy starts at the
//! same time of day as the first (and, from a week up, on the same day of
//! the week). A one-day trace is repeated daily, a 3-day one every 3 days, a
//! 10-day one every 2 weeks (the gap after it kept as the trace's own quiet).
//! Each copy's arrivals are the first's plus a whole number of periods; the
//! last copy is cut at the horizon.
//!
//! Streaming: [`Repeated`] holds one source at a time and asks for a fresh
//! one (the trace file opened again, a generator started again from its
//! seed) at the end of each copy, so memory does not grow with the number of
//! copies. Standard input cannot be read twice, and is refused.
//!
//! Without fill, [`horizon_warning`] says when the horizon runs on for days
//! past the last request, which time-billed platforms price as idle.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use super::Request;
use super::batch_source::BatchSource;
use crate::error::{Error, Result};
use crate::units::Micros;

pub const DAY: Micros = 86_400_000_000;
pub const WEEK: Micros = 7 * DAY;

/// What to do when the horizon is longer than the trace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Fill {
    /// Nothing: the horizon after the last request is simulated empty.
    #[default]
    None,
    /// Repeat the trace until the horizon.
    Repeat,
}

impl Fill {
    /// Parses `none` or `repeat`.
    pub fn parse(text: &str) -> std::result::Result<Fill, String> {
        match text {
            "none" => Ok(Fill::None),
            "repeat" => Ok(Fill::Repeat),
            other => Err(format!("expected `repeat` or `none`, found `{other}`")),
        }
    }
}

/// Refuses to repeat standard input (`-`), which can be read only once.
pub fn check_repeatable(path: &Path) -> Result<()> {
    if path == Path::new("-") {
        return Err(Error::usage(
            "`--fill repeat` (scenario `fill = \"repeat\"`) reads the trace again for every copy, so it cannot read standard input (`-`): save the trace to a file first",
        ));
    }
    Ok(())
}

/// The tile period of a trace whose last arrival is `last_arrival` after
/// its origin: the span rounded up to whole days under a week, to whole
/// weeks from a week; always longer than `last_arrival`.
pub fn tile_period(last_arrival: Micros) -> Micros {
    let unit = if last_arrival < WEEK { DAY } else { WEEK };
    (last_arrival / unit).saturating_add(1).saturating_mul(unit)
}

/// How a trace was tiled over a horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tiling {
    pub period: Micros,
    pub horizon: Micros,
}

impl Tiling {
    /// Whether any copy beyond the first was laid.
    pub fn repeats(&self) -> bool {
        self.period < self.horizon
    }

    /// Copies of the period in the horizon (the last may be partial).
    pub fn copies(&self) -> f64 {
        self.horizon as f64 / self.period as f64
    }

    /// What the result's warnings say about it.
    pub fn warning(&self) -> String {
        let whole = self.horizon.is_multiple_of(self.period);
        let copies = if whole {
            format!("{}", self.horizon / self.period)
        } else {
            format!("{:.2}", self.copies())
        };
        let (period, alignment) = if self.period.is_multiple_of(WEEK) {
            (
                plural(self.period / WEEK, "week"),
                "the day of the week and the time of day",
            )
        } else {
            (
                plural(self.period / DAY, "day"),
                "the time of day (not the day of the week: the trace spans less than a week)",
            )
        };
        format!(
            "the trace was repeated {copies} times to fill the {} horizon (copies of a {period} period, the trace's span rounded up{}), keeping {alignment}",
            days(self.horizon),
            if whole {
                ""
            } else {
                "; the last copy cut at the horizon"
            }
        )
    }
}

fn plural(count: u64, unit: &str) -> String {
    if count == 1 {
        format!("1-{unit}")
    } else {
        format!("{count}-{unit}")
    }
}

/// A span as days: `30-day`, `30.5-day`.
fn days(span: Micros) -> String {
    let text = format!("{:.2}", span as f64 / DAY as f64);
    format!("{}-day", text.trim_end_matches('0').trim_end_matches('.'))
}

/// The warning for a horizon that runs past the last request's day (the
/// last arrival rounded up to a whole day after the origin), as long as
/// the run is not filled.
pub fn horizon_warning(last_arrival: Option<Micros>, horizon: Option<Micros>) -> Option<String> {
    let (last, horizon) = (last_arrival?, horizon?);
    let covered = (last / DAY).saturating_add(1).saturating_mul(DAY);
    (horizon > covered).then(|| {
        format!(
            "the {} horizon runs {:.2} days past the trace's last request ({:.2} days after the start): time-billed capacity (dynos, instances, provisioned concurrency) is priced idle meanwhile; `--fill repeat` (scenario `fill = \"repeat\"`) repeats the trace to fill the horizon",
            days(horizon),
            (horizon - last) as f64 / DAY as f64,
            last as f64 / DAY as f64
        )
    })
}

/// A request stream repeated to a horizon: the first copy as it comes,
/// then fresh sources from `reopen`, shifted by whole periods.
pub struct Repeated<I, F> {
    current: I,
    reopen: F,
    /// The horizon to fill; none passes the first source through alone.
    fill_to: Option<Micros>,
    /// Copies finished so far (0 while the first is read).
    copy: u64,
    period: Micros,
    last_arrival: Option<Micros>,
    tiling: Arc<OnceLock<Tiling>>,
    finished: bool,
}

impl<I, F> Repeated<I, F>
where
    I: Iterator<Item = Result<Request>>,
    F: FnMut() -> Result<I>,
{
    /// Repeats `first` to `fill_to` (passes it through alone when none),
    /// calling `reopen` for every further copy.
    pub fn new(first: I, reopen: F, fill_to: Option<Micros>) -> Self {
        Repeated {
            current: first,
            reopen,
            fill_to,
            copy: 0,
            period: 0,
            last_arrival: None,
            tiling: Arc::new(OnceLock::new()),
            finished: false,
        }
    }

    /// The source being read (to name the row just read in a message).
    pub fn current(&self) -> &I {
        &self.current
    }

    /// Where the tiling is recorded once the first copy ends (none when
    /// nothing was to be filled or the trace was empty).
    pub fn tiling(&self) -> Arc<OnceLock<Tiling>> {
        Arc::clone(&self.tiling)
    }

    /// Starts the next copy, or finishes when the horizon is reached.
    fn next_copy(&mut self) -> Result<()> {
        let (Some(horizon), Some(last)) = (self.fill_to, self.last_arrival) else {
            self.finished = true;
            return Ok(());
        };
        if self.copy == 0 {
            self.period = tile_period(last);
            let _ = self.tiling.set(Tiling {
                period: self.period,
                horizon,
            });
        }
        self.copy += 1;
        if self.copy.saturating_mul(self.period) >= horizon {
            self.finished = true;
            return Ok(());
        }
        self.current = (self.reopen)()?;
        Ok(())
    }
}

impl<I, F> BatchSource for Repeated<I, F>
where
    I: BatchSource + Iterator<Item = Result<Request>>,
    F: FnMut() -> Result<I>,
{
    fn fill(&mut self, batch: &mut Vec<Request>, limit: usize) -> Result<bool> {
        while !self.finished && batch.len() < limit {
            let start = batch.len();
            let filled = self.current.fill(batch, limit);
            if self.place_copy(batch, start) {
                // Whatever the source met after the horizon is not read.
                self.finished = true;
                break;
            }
            match filled {
                Err(error) => {
                    self.finished = true;
                    return Err(error);
                }
                Ok(false) => self.next_copy().inspect_err(|_| self.finished = true)?,
                Ok(true) => {}
            }
        }
        Ok(!self.finished)
    }
}

impl<I, F> Repeated<I, F> {
    /// Places the requests of the current copy just appended to `batch`
    /// (from `start`): the first copy's as they are, a later copy's a whole
    /// number of periods on, up to the horizon; true if it was reached
    /// (the requests from it on are dropped).
    fn place_copy(&mut self, batch: &mut Vec<Request>, start: usize) -> bool {
        if self.copy == 0 {
            if let Some(last) = batch[start..].last() {
                self.last_arrival = Some(last.arrival);
            }
            return false;
        }
        let shift = self.copy * self.period;
        for (index, request) in batch.iter_mut().enumerate().skip(start) {
            let arrival = request.arrival.saturating_add(shift);
            if self.fill_to.is_none_or(|horizon| arrival >= horizon) {
                batch.truncate(index);
                return true;
            }
            request.arrival = arrival;
        }
        false
    }
}

impl<I, F> Iterator for Repeated<I, F>
where
    I: Iterator<Item = Result<Request>>,
    F: FnMut() -> Result<I>,
{
    type Item = Result<Request>;

    // Inlined with the reader's own `next` into the reading loop.
    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        while !self.finished {
            match self.current.next() {
                Some(Ok(mut request)) => {
                    if self.copy == 0 {
                        self.last_arrival = Some(request.arrival);
                        return Some(Ok(request));
                    }
                    let arrival = request.arrival.saturating_add(self.copy * self.period);
                    if self.fill_to.is_none_or(|horizon| arrival >= horizon) {
                        self.finished = true;
                        return None;
                    }
                    request.arrival = arrival;
                    return Some(Ok(request));
                }
                Some(Err(error)) => {
                    self.finished = true;
                    return Some(Err(error));
                }
                None => {
                    if let Err(error) = self.next_copy() {
                        self.finished = true;
                        return Some(Err(error));
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use super::*;
    use crate::workload::FunctionId;
    use crate::workload::batch_source::Items;

    const HOUR: Micros = 3_600_000_000;

    fn request(arrival: Micros) -> Request {
        Request {
            arrival,
            duration: 1_000,
            function: FunctionId(0),
            memory_mb: None,
            bytes_out: 0,
        }
    }

    /// A source of requests at `arrivals` that counts the sources alive and
    /// the requests it has handed out, to show the repetition streams.
    struct Counted {
        arrivals: std::vec::IntoIter<Micros>,
        alive: Rc<Cell<usize>>,
        produced: Rc<Cell<usize>>,
    }

    impl Iterator for Counted {
        type Item = Result<Request>;
        fn next(&mut self) -> Option<Self::Item> {
            let arrival = self.arrivals.next()?;
            self.produced.set(self.produced.get() + 1);
            Some(Ok(request(arrival)))
        }
    }

    impl Drop for Counted {
        fn drop(&mut self) {
            self.alive.set(self.alive.get() - 1);
        }
    }

    #[test]
    fn periods_round_up_to_days_then_weeks() {
        // A day's trace (last arrival 23:59:59) tiles daily; one arriving
        // at 24:00 exactly needs two days; 6.5 days rounds to 7 days; from
        // a week, whole weeks: 7 days + 1 h → 2 weeks.
        assert_eq!(tile_period(DAY - 1_000_000), DAY);
        assert_eq!(tile_period(0), DAY);
        assert_eq!(tile_period(DAY), 2 * DAY);
        assert_eq!(tile_period(6 * DAY + 12 * HOUR), 7 * DAY);
        assert_eq!(tile_period(WEEK + HOUR), 2 * WEEK);
    }

    #[test]
    fn copies_stream_one_source_at_a_time_to_the_horizon() {
        let alive = Rc::new(Cell::new(1));
        let produced = Rc::new(Cell::new(0));
        let opened = Rc::new(Cell::new(1));
        let source = |alive: &Rc<Cell<usize>>, produced: &Rc<Cell<usize>>| Counted {
            arrivals: vec![HOUR, 12 * HOUR, 23 * HOUR].into_iter(),
            alive: Rc::clone(alive),
            produced: Rc::clone(produced),
        };
        let first = source(&alive, &produced);
        let (reopen_alive, reopen_produced, reopen_opened) =
            (alive.clone(), produced.clone(), opened.clone());
        let reopen = move || {
            reopen_alive.set(reopen_alive.get() + 1);
            reopen_opened.set(reopen_opened.get() + 1);
            Ok(source(&reopen_alive, &reopen_produced))
        };
        // A horizon of 2.5 days: copies at 0, 1 and 2 days, the third cut
        // at 60 h, so it keeps only its 01:00 (49 h); its 12:00 (60 h) is
        // the horizon itself and ends the stream.
        let repeated = Repeated::new(first, reopen, Some(60 * HOUR));
        let tiling = repeated.tiling();
        let mut arrivals = Vec::new();
        for item in repeated {
            arrivals.push(item.expect("no errors").arrival / HOUR);
            // One source alive between copies, and nothing read ahead:
            // each request handed out is the last one produced.
            assert_eq!(alive.get(), 1, "sources alive");
            assert_eq!(produced.get(), arrivals.len(), "read ahead");
        }
        assert_eq!(arrivals, vec![1, 12, 23, 25, 36, 47, 49]);
        // The 60 h arrival was read, found at the horizon, and ended the stream.
        assert_eq!(produced.get(), 8);
        assert_eq!(opened.get(), 3);
        let tiling = *tiling.get().expect("tiled");
        assert_eq!(
            tiling,
            Tiling {
                period: DAY,
                horizon: 60 * HOUR
            }
        );
        assert_eq!(
            tiling.warning(),
            "the trace was repeated 2.50 times to fill the 2.5-day horizon (copies of a 1-day period, the trace's span rounded up; the last copy cut at the horizon), keeping the time of day (not the day of the week: the trace spans less than a week)"
        );
    }

    /// The arrivals (in hours) that [`Repeated`] fills into batches of
    /// three up to 60 h, copying `day` (its item `index` failing in copy
    /// `copy`, if given); the error, if it came.
    fn filled_in_threes(day: &[Micros], failing: Option<(usize, usize)>) -> (Vec<Micros>, Option<String>) {
        let opened = Cell::new(0);
        let source = || {
            let copy = opened.replace(opened.get() + 1);
            let items: Vec<Result<Request>> = (day.iter().enumerate())
                .map(|(index, &arrival)| match Some((copy, index)) == failing {
                    true => Err(Error::usage("bad row")),
                    false => Ok(request(arrival)),
                })
                .collect();
            Items(items.into_iter())
        };
        let mut repeated = Repeated::new(source(), || Ok(source()), Some(60 * HOUR));
        let (mut arrivals, mut batch) = (Vec::new(), Vec::new());
        let error = loop {
            batch.clear();
            let filled = repeated.fill(&mut batch, 3);
            arrivals.extend(batch.iter().map(|request| request.arrival / HOUR));
            match filled {
                Ok(true) => assert_eq!(batch.len(), 3, "a batch that is not the last is full"),
                Ok(false) => break None,
                Err(error) => break Some(error.to_string()),
            }
        };
        (arrivals, error)
    }

    #[test]
    fn batches_hold_the_copies_the_iteration_yields() {
        // As above: copies at 0, 1 and 2 days, the third cut at 60 h.
        let day = [HOUR, 12 * HOUR, 23 * HOUR];
        let copies = vec![1, 12, 23, 25, 36, 47, 49];
        assert_eq!(filled_in_threes(&day, None), (copies.clone(), None));
        // A row failing past the horizon (the third copy's 23:00, 71 h) is
        // never reached.
        assert_eq!(filled_in_threes(&day, Some((2, 2))), (copies, None));
        // One failing before it ends the fill after the rows before it: the
        // second copy's 12:00 (36 h).
        let failed = (vec![1, 12, 23, 25], Some("bad row".to_string()));
        assert_eq!(filled_in_threes(&day, Some((1, 1))), failed);
    }

    #[test]
    fn without_a_horizon_to_fill_the_source_passes_through() {
        let first = vec![Ok(request(HOUR)), Ok(request(2 * HOUR))].into_iter();
        let repeated = Repeated::new(
            first,
            || -> Result<std::vec::IntoIter<Result<Request>>> { unreachable!() },
            None,
        );
        assert_eq!(
            repeated.map(|item| item.expect("ok").arrival).collect::<Vec<_>>(),
            vec![HOUR, 2 * HOUR]
        );
        // A trace longer than the horizon is not repeated either.
        let first = vec![Ok(request(3 * DAY))].into_iter();
        let mut repeated = Repeated::new(
            first,
            || -> Result<std::vec::IntoIter<Result<Request>>> { unreachable!() },
            Some(DAY),
        );
        let tiling = repeated.tiling();
        assert_eq!(repeated.by_ref().count(), 1);
        assert!(!tiling.get().expect("tiled").repeats());
    }

    #[test]
    fn a_long_horizon_past_the_last_day_warns() {
        // Last request at 23:00 of day 1: the first day is covered, so a
        // 1-day horizon says nothing and a 31-day one warns of 30.04 days.
        assert_eq!(horizon_warning(Some(23 * HOUR), Some(DAY)), None);
        assert_eq!(horizon_warning(Some(23 * HOUR), None), None);
        let warning = horizon_warning(Some(23 * HOUR), Some(31 * DAY)).expect("warns");
        assert!(
            warning.starts_with(
                "the 31-day horizon runs 30.04 days past the trace's last request (0.96 days after the start)"
            ),
            "{warning}"
        );
    }

    #[test]
    fn weeks_keep_the_day_of_the_week() {
        let tiling = Tiling {
            period: WEEK,
            horizon: 28 * DAY,
        };
        assert!(tiling.warning().starts_with(
            "the trace was repeated 4 times to fill the 28-day horizon (copies of a 1-week period"
        ));
        assert!(
            tiling
                .warning()
                .ends_with("keeping the day of the week and the time of day")
        );
    }
}
