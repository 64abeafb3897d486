//! The run loop. Arrivals come from the sorted request stream, a batch at a
//! time (a slice walked in order, with no call per request);
//! the queue holds only events the model scheduled (completions, expiries,
//! scaling ticks). An event due at the same microsecond as an arrival is
//! handled first, so an instance freed at time t can serve a request arriving
//! at t.

use super::EventQueue;
use crate::error::{Error, Result};
use crate::units::Micros;
use crate::workload::{Request, RequestBatches};

/// A platform model: a state machine the engine drives with arrivals and with
/// the events the model itself scheduled. Each model has its own event enum,
/// matched exhaustively.
pub trait Model {
    type Event;

    /// `request` arrives at `request.arrival`; every event due at or before
    /// that time has been handled.
    fn arrive(&mut self, request: Request, queue: &mut EventQueue<Self::Event>);

    /// An event the model scheduled is due at `now`.
    fn handle(&mut self, now: Micros, event: Self::Event, queue: &mut EventQueue<Self::Event>);

    /// The request stream has ended: no arrival will follow. A model with
    /// periodic events (scaling ticks) stops rescheduling them once it has
    /// nothing left to do, so that the run ends.
    fn end_of_stream(&mut self, _queue: &mut EventQueue<Self::Event>) {}
}

/// What the loop itself observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunOutcome {
    /// Requests handed to the model.
    pub simulated: u64,
    /// Requests at or after the horizon's end, read (and so validated) but not
    /// simulated.
    pub beyond_horizon: u64,
}

/// Replays `requests` through `model`. Requests arriving at or after
/// `horizon_end` are counted but not simulated. Events still pending when the
/// stream ends are handled, so every admitted request completes.
pub fn run<M, B>(model: &mut M, requests: &mut B, horizon_end: Option<Micros>) -> Result<RunOutcome>
where
    M: Model,
    B: RequestBatches + ?Sized,
{
    let mut queue = EventQueue::default();
    let mut outcome = RunOutcome::default();
    let mut previous_arrival = 0;
    while let Some(batch) = requests.next_batch() {
        for &request in batch? {
            if request.arrival < previous_arrival {
                return Err(Error::input(
                    "request stream",
                    outcome.simulated + outcome.beyond_horizon + 1,
                    "requests must be in arrival order",
                ));
            }
            previous_arrival = request.arrival;
            if horizon_end.is_some_and(|end| request.arrival >= end) {
                outcome.beyond_horizon += 1;
                continue;
            }
            while let Some(due) = queue.next_time().filter(|&due| due <= request.arrival) {
                if let Some((_, event)) = queue.pop() {
                    model.handle(due, event, &mut queue);
                }
            }
            model.arrive(request, &mut queue);
            outcome.simulated += 1;
        }
    }
    model.end_of_stream(&mut queue);
    while let Some((due, event)) = queue.pop() {
        model.handle(due, event, &mut queue);
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Batched;

    /// Logs what it sees and schedules a completion for each arrival.
    #[derive(Default)]
    struct Recorder {
        log: Vec<String>,
    }

    impl Model for Recorder {
        type Event = u64;

        fn arrive(&mut self, request: Request, queue: &mut EventQueue<u64>) {
            self.log.push(format!("arrive {}", request.arrival));
            queue.schedule(request.arrival + request.duration, request.arrival);
        }

        fn handle(&mut self, now: Micros, started: u64, _queue: &mut EventQueue<u64>) {
            self.log.push(format!("complete {started} at {now}"));
        }
    }

    fn requests(pairs: &[(Micros, Micros)]) -> Batched<impl Iterator<Item = Result<Request>> + '_> {
        Batched::new(
            pairs
                .iter()
                .map(|&(arrival, duration)| Ok(Request::at(arrival, duration))),
        )
    }

    #[test]
    fn events_due_at_an_arrival_come_first() {
        let mut model = Recorder::default();
        let outcome = run(&mut model, &mut requests(&[(0, 10), (10, 5), (12, 1)]), None).expect("sorted");
        assert_eq!(
            model.log,
            vec![
                "arrive 0",
                "complete 0 at 10",
                "arrive 10",
                "arrive 12",
                "complete 12 at 13",
                "complete 10 at 15"
            ]
        );
        assert_eq!(outcome.simulated, 3);
    }

    #[test]
    fn arrivals_past_the_horizon_are_counted_not_simulated() {
        let mut model = Recorder::default();
        let outcome = run(&mut model, &mut requests(&[(0, 10), (10, 5), (20, 1)]), Some(10)).expect("sorted");
        assert_eq!(
            outcome,
            RunOutcome {
                simulated: 1,
                beyond_horizon: 2
            }
        );
    }

    #[test]
    fn unsorted_streams_are_rejected() {
        let mut model = Recorder::default();
        let error = run(&mut model, &mut requests(&[(5, 1), (4, 1)]), None).expect_err("unsorted");
        assert_eq!(
            error.to_string(),
            "request stream:2: requests must be in arrival order"
        );
    }
}
