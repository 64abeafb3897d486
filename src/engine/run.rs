//! The run loop. Arrivals come from the sorted request stream, one at a time;
//! the queue holds only events the model scheduled (completions, expiries,
//! scaling ticks). An event due at the same microsecond as an arrival is
//! handled first, so an instance freed at time t can serve a request arriving
//! at t.

use super::EventQueue;
use crate::error::{Error, Result};
use crate::units::Micros;
use crate::workload::Request;

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
pub fn run<M, I>(model: &mut M, requests: I, horizon_end: Option<Micros>) -> Result<RunOutcome>
where
    M: Model,
    I: IntoIterator<Item = Result<Request>>,
{
    let mut replay = Replay::new(horizon_end);
    for request in requests {
        replay.offer(model, request?)?;
    }
    Ok(replay.finish(model))
}

/// [`run`] over requests handed over in batches (slices in arrival order,
/// as a reading thread fills them): no call through the stream and no
/// `Result` per request. The outcome is the same as [`run`]'s on the
/// concatenated batches.
pub fn run_batches<M, B, S>(model: &mut M, batches: B, horizon_end: Option<Micros>) -> Result<RunOutcome>
where
    M: Model,
    B: IntoIterator<Item = Result<S>>,
    S: AsRef<[Request]>,
{
    let mut replay = Replay::new(horizon_end);
    for batch in batches {
        for &request in batch?.as_ref() {
            replay.offer(model, request)?;
        }
    }
    Ok(replay.finish(model))
}

/// The loop's state between arrivals.
struct Replay<E> {
    queue: EventQueue<E>,
    outcome: RunOutcome,
    previous_arrival: Micros,
    horizon_end: Option<Micros>,
}

impl<E> Replay<E> {
    fn new(horizon_end: Option<Micros>) -> Self {
        Replay {
            queue: EventQueue::default(),
            outcome: RunOutcome::default(),
            previous_arrival: 0,
            horizon_end,
        }
    }

    /// Hands `request` to `model` after the events due by its arrival.
    #[inline(always)]
    fn offer<M: Model<Event = E>>(&mut self, model: &mut M, request: Request) -> Result<()> {
        if request.arrival < self.previous_arrival {
            return Err(Error::input(
                "request stream",
                self.outcome.simulated + self.outcome.beyond_horizon + 1,
                "requests must be in arrival order",
            ));
        }
        self.previous_arrival = request.arrival;
        if self.horizon_end.is_some_and(|end| request.arrival >= end) {
            self.outcome.beyond_horizon += 1;
            return Ok(());
        }
        while let Some((due, event)) = self.queue.pop_due(request.arrival) {
            model.handle(due, event, &mut self.queue);
        }
        model.arrive(request, &mut self.queue);
        self.outcome.simulated += 1;
        Ok(())
    }

    /// Ends the stream and handles every event still pending.
    fn finish<M: Model<Event = E>>(mut self, model: &mut M) -> RunOutcome {
        model.end_of_stream(&mut self.queue);
        while let Some((due, event)) = self.queue.pop() {
            model.handle(due, event, &mut self.queue);
        }
        self.outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn request(arrival: Micros, duration: Micros) -> Result<Request> {
        Ok(Request::at(arrival, duration))
    }

    #[test]
    fn events_due_at_an_arrival_come_first() {
        let mut model = Recorder::default();
        let outcome =
            run(&mut model, [request(0, 10), request(10, 5), request(12, 1)], None).expect("sorted");
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
        let outcome = run(
            &mut model,
            [request(0, 10), request(10, 5), request(20, 1)],
            Some(10),
        )
        .expect("sorted");
        assert_eq!(
            outcome,
            RunOutcome {
                simulated: 1,
                beyond_horizon: 2
            }
        );
    }

    #[test]
    fn batches_replay_as_the_stream_they_make() {
        let requests = [(0, 10), (10, 5), (12, 1), (20, 3)];
        let mut streamed = Recorder::default();
        let stream_outcome = run(
            &mut streamed,
            requests.map(|(arrival, duration)| request(arrival, duration)),
            Some(20),
        )
        .expect("sorted");
        let batches: Vec<Result<Vec<Request>>> = vec![
            Ok(vec![Request::at(0, 10)]),
            Ok(Vec::new()),
            Ok(vec![Request::at(10, 5), Request::at(12, 1), Request::at(20, 3)]),
        ];
        let mut batched = Recorder::default();
        let batch_outcome = run_batches(&mut batched, batches, Some(20)).expect("sorted");
        assert_eq!(batched.log, streamed.log);
        // Three simulated, the one at the horizon's end only counted.
        assert_eq!(
            batch_outcome,
            RunOutcome {
                simulated: 3,
                beyond_horizon: 1
            }
        );
        assert_eq!(batch_outcome, stream_outcome);
    }

    #[test]
    fn batches_out_of_order_across_a_boundary_are_rejected() {
        let batches: Vec<Result<Vec<Request>>> = vec![
            Ok(vec![Request::at(1, 1), Request::at(5, 1)]),
            Ok(vec![Request::at(4, 1)]),
        ];
        let error = run_batches(&mut Recorder::default(), batches, None).expect_err("unsorted");
        assert_eq!(
            error.to_string(),
            "request stream:3: requests must be in arrival order"
        );
    }

    #[test]
    fn unsorted_streams_are_rejected() {
        let mut model = Recorder::default();
        let error = run(&mut model, [request(5, 1), request(4, 1)], None).expect_err("unsorted");
        assert_eq!(
            error.to_string(),
            "request stream:2: requests must be in arrival order"
        );
    }
}
