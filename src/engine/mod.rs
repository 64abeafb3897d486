//! The discrete-event engine: an event queue and the loop that interleaves a
//! sorted request stream with the events a platform model schedules.

mod event_queue;
mod run;

pub use event_queue::EventQueue;
pub use run::{Model, RunOutcome, run};
