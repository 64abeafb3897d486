//! Progress bars and notes on standard error, and nowhere else.
//!
//! The command line calls [`configure`] once: bars are drawn only when
//! standard error is a terminal and `--quiet` was not given, and only once a
//! task has run for a second, so quick runs and pipes stay silent. A bar
//! counts requests (with a known or estimated total) or bytes of input
//! (every trace or source file opened through [`watch`] adds to one bar, its
//! length the files' sizes, or unknown for standard input). Hot loops stay
//! cheap: inputs are counted per read of a buffer, requests per batch of
//! [`BATCH`]. A bar of items (a sweep's points, a Monte Carlo's runs) is the
//! only one drawn while it lasts: the reads inside it draw none of their own.
//! [`note`] prints a line (`costsim: …`) unless `--quiet`.

use std::fmt::Display;
use std::io::{IsTerminal, Read};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::report::quantity;

/// Requests counted locally before the bar is told.
pub const BATCH: u64 = 4096;
/// A bar appears only after this long.
const DELAY: Duration = Duration::from_secs(1);

static QUIET: AtomicBool = AtomicBool::new(false);
static BARS: AtomicBool = AtomicBool::new(false);
/// Bars of items alive: while any is, no other bar is made.
static ITEM_BARS: AtomicUsize = AtomicUsize::new(0);
/// The bar of the inputs being read, shared by every [`watch`]ed reader.
static INPUTS: Mutex<Option<Progress>> = Mutex::new(None);

/// Sets, once per run, whether notes and bars are shown.
pub fn configure(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
    BARS.store(!quiet && std::io::stderr().is_terminal(), Ordering::Relaxed);
}

/// Prints `costsim: <message>` on standard error unless `--quiet`.
pub fn note(message: impl Display) {
    if QUIET.load(Ordering::Relaxed) {
        return;
    }
    finish_inputs();
    eprintln!("costsim: {message}");
}

/// A warning line (already prefixed) on standard error, even under
/// `--quiet`, after any input bar is finished.
pub fn warn(line: impl Display) {
    finish_inputs();
    eprintln!("{line}");
}

/// One task's bar; a no-op when bars are off.
#[derive(Clone, Default)]
pub struct Progress {
    shared: Option<Arc<Shared>>,
}

struct Shared {
    bar: ProgressBar,
    started: Instant,
    visible: AtomicBool,
    /// A bar of items, counted in [`ITEM_BARS`] while it lives.
    of_items: bool,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if self.of_items {
            ITEM_BARS.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// Whether bars may be drawn now: on a terminal, and not inside a bar of
/// items.
fn bars_on() -> bool {
    BARS.load(Ordering::Relaxed) && ITEM_BARS.load(Ordering::Relaxed) == 0
}

impl Progress {
    /// A bar of requests made or replayed, out of `total` if known.
    pub fn requests(total: Option<u64>) -> Self {
        let template = match total {
            Some(_) => "{spinner} [{bar:30}] {human_pos}/{human_len} requests, {rate}, ETA {eta}",
            None => "{spinner} {human_pos} requests, {rate}",
        };
        Self::new(total, template, false)
    }

    /// A bar of `total` items of work, e.g. `replications`: the only bar
    /// drawn while it lives.
    pub fn items(total: u64, noun: &str) -> Self {
        let template = format!("{{spinner}} [{{bar:30}}] {{pos}}/{{len}} {noun}, ETA {{eta}}");
        Self::new(Some(total), &template, true)
    }

    /// A bar of input bytes read, out of `total` if known.
    pub fn bytes(total: Option<u64>) -> Self {
        let template = match total {
            Some(_) => "{spinner} [{bar:30}] {bytes}/{total_bytes} read, {bytes_per_sec}, ETA {eta}",
            None => "{spinner} {bytes} read, {bytes_per_sec}",
        };
        Self::new(total, template, false)
    }

    fn new(total: Option<u64>, template: &str, of_items: bool) -> Self {
        if !bars_on() {
            return Progress::default();
        }
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key("rate", |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                let _ = write!(out, "{}/s", quantity(state.per_sec().round()));
            })
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::hidden()).with_style(style);
        if of_items {
            ITEM_BARS.fetch_add(1, Ordering::Relaxed);
        }
        Progress {
            shared: Some(Arc::new(Shared {
                bar,
                started: Instant::now(),
                visible: AtomicBool::new(false),
                of_items,
            })),
        }
    }

    /// Counts `done` more units.
    pub fn add(&self, done: u64) {
        let Some(shared) = &self.shared else { return };
        shared.bar.inc(done);
        if !shared.visible.load(Ordering::Relaxed) && shared.started.elapsed() >= DELAY {
            shared.visible.store(true, Ordering::Relaxed);
            shared.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Adds `more` to the expected total.
    fn grow(&self, more: u64) {
        if let Some(shared) = &self.shared {
            shared.bar.inc_length(more);
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        if let Some(shared) = &self.shared {
            shared.bar.finish_and_clear();
        }
    }

    /// Counts the items of `items` as requests, per batch.
    pub fn count<I: Iterator>(self, items: I) -> Counted<I> {
        Counted {
            items,
            progress: self,
            pending: 0,
        }
    }
}

/// An iterator that counts its items on a [`Progress`] bar.
pub struct Counted<I> {
    items: I,
    progress: Progress,
    pending: u64,
}

impl<I: Iterator> Iterator for Counted<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let item = self.items.next();
        if item.is_some() {
            self.pending += 1;
        }
        if self.pending == BATCH || (item.is_none() && self.pending > 0) {
            self.progress.add(self.pending);
            self.pending = 0;
        }
        item
    }
}

impl<I> Drop for Counted<I> {
    fn drop(&mut self) {
        self.progress.finish();
    }
}

/// `input` (`length` bytes, if known), counted on the inputs' bar.
pub fn watch(input: Box<dyn Read + Send>, length: Option<u64>) -> Box<dyn Read + Send> {
    if !bars_on() {
        return input;
    }
    let mut inputs = INPUTS.lock().unwrap_or_else(PoisonError::into_inner);
    let progress = match (inputs.as_ref(), length) {
        (Some(progress), Some(length)) => {
            progress.grow(length);
            progress.clone()
        }
        (Some(progress), None) => progress.clone(),
        (None, length) => inputs.insert(Progress::bytes(length)).clone(),
    };
    Box::new(CountedInput { input, progress })
}

/// Clears the inputs' bar (at the end of a run, or before a note).
pub fn finish_inputs() {
    if let Some(progress) = INPUTS.lock().unwrap_or_else(PoisonError::into_inner).take() {
        progress.finish();
    }
}

struct CountedInput {
    input: Box<dyn Read + Send>,
    progress: Progress,
}

impl Read for CountedInput {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.input.read(buffer)?;
        self.progress.add(read as u64);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_iterators_and_inputs_pass_everything_through() {
        // Bars are off in tests (not configured): counting changes nothing.
        let items: Vec<u32> = Progress::requests(Some(10)).count(0..10_000).collect();
        assert_eq!(items.len(), 10_000);
        let mut text = String::new();
        watch(Box::new(&b"time,duration_ms\n"[..]), Some(17))
            .read_to_string(&mut text)
            .expect("readable");
        assert_eq!(text, "time,duration_ms\n");
    }
}
