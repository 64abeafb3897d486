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

    /// Whether [`Model::prefetch`] does anything, asked before each batch
    /// (a model whose state fits in the cache leaves it unasked).
    fn prefetches(&self) -> bool {
        false
    }

    /// A hint, before each arrival, that the requests of `batch` from
    /// `next` on follow it: a model whose state outgrows the cache may
    /// start loading what they will touch. It must change nothing
    /// observable.
    #[inline(always)]
    fn prefetch(&self, _batch: &[Request], _next: usize) {}

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
    let mut replay = Replay::new(horizon_end);
    while let Some(batch) = requests.next_batch() {
        let batch = batch?;
        if model.prefetches() {
            replay.offer_batch::<M, true>(model, batch)?;
        } else {
            replay.offer_batch::<M, false>(model, batch)?;
        }
    }
    Ok(replay.finish(model))
}

/// The loop's state between arrivals.
struct Replay<E> {
    queue: EventQueue<E>,
    /// Requests read, in the batches before the current one.
    offered: u64,
    beyond_horizon: u64,
    previous_arrival: Micros,
    horizon_end: Option<Micros>,
}

impl<E> Replay<E> {
    fn new(horizon_end: Option<Micros>) -> Self {
        Replay {
            queue: EventQueue::default(),
            offered: 0,
            beyond_horizon: 0,
            previous_arrival: 0,
            horizon_end,
        }
    }

    /// Hands each request of `batch` to `model` after the events due by its
    /// arrival, with the hint of those to come if `PREFETCH`.
    #[inline(always)]
    fn offer_batch<M: Model<Event = E>, const PREFETCH: bool>(
        &mut self,
        model: &mut M,
        batch: &[Request],
    ) -> Result<()> {
        // Without a horizon the end of time stands in for it, and the
        // second test keeps a request arriving at that very microsecond.
        let horizon = self.horizon_end.unwrap_or(Micros::MAX);
        let mut previous = self.previous_arrival;
        for (position, &request) in batch.iter().enumerate() {
            if request.arrival < previous {
                return Err(self.unsorted(position));
            }
            previous = request.arrival;
            if request.arrival >= horizon && self.horizon_end.is_some() {
                self.beyond_horizon += 1;
                continue;
            }
            if PREFETCH {
                model.prefetch(batch, position + 1);
            }
            while let Some((due, event)) = self.queue.pop_due(request.arrival) {
                model.handle(due, event, &mut self.queue);
            }
            model.arrive(request, &mut self.queue);
        }
        self.previous_arrival = previous;
        self.offered += batch.len() as u64;
        Ok(())
    }

    /// The error for the request at `position` of the current batch,
    /// earlier than the one before it.
    #[cold]
    fn unsorted(&self, position: usize) -> Error {
        Error::input(
            "request stream",
            self.offered + position as u64 + 1,
            "requests must be in arrival order",
        )
    }

    /// Ends the stream and handles every event still pending.
    fn finish<M: Model<Event = E>>(mut self, model: &mut M) -> RunOutcome {
        model.end_of_stream(&mut self.queue);
        while let Some((due, event)) = self.queue.pop() {
            model.handle(due, event, &mut self.queue);
        }
        RunOutcome {
            simulated: self.offered - self.beyond_horizon,
            beyond_horizon: self.beyond_horizon,
        }
    }
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

    /// Logs the hints it is given, and arrivals.
    #[derive(Default)]
    struct Hinted {
        log: Vec<String>,
        hints: std::cell::RefCell<Vec<String>>,
    }

    impl Model for Hinted {
        type Event = u64;

        fn arrive(&mut self, request: Request, _queue: &mut EventQueue<u64>) {
            let hints = self.hints.take().join(" ");
            self.log.push(format!("{hints} arrive {}", request.arrival));
        }

        fn handle(&mut self, _now: Micros, _event: u64, _queue: &mut EventQueue<u64>) {}

        fn prefetches(&self) -> bool {
            true
        }

        fn prefetch(&self, batch: &[Request], next: usize) {
            let ahead: Vec<String> = batch[next..]
                .iter()
                .map(|request| request.arrival.to_string())
                .collect();
            self.hints.borrow_mut().push(format!("[{}]", ahead.join(",")));
        }
    }

    #[test]
    fn a_prefetching_model_is_told_of_the_rest_of_the_batch_before_each_arrival() {
        // Batches of [1, 2, 3] and [4]: before 1 come 2 and 3, before 3
        // nothing, and a new batch starts afresh.
        let batches = vec![
            vec![Request::at(1, 1), Request::at(2, 1), Request::at(3, 1)],
            vec![Request::at(4, 1)],
        ];
        let mut model = Hinted::default();
        run(&mut model, &mut slices(batches, None), None).expect("sorted");
        assert_eq!(
            model.log,
            vec!["[2,3] arrive 1", "[3] arrive 2", "[] arrive 3", "[] arrive 4"]
        );
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

    /// Batches given as they are, then an error if one is given.
    struct Slices {
        batches: std::vec::IntoIter<Vec<Request>>,
        current: Vec<Request>,
        error: Option<Error>,
    }

    impl RequestBatches for Slices {
        fn next_batch(&mut self) -> Option<Result<&[Request]>> {
            match self.batches.next() {
                Some(batch) => {
                    self.current = batch;
                    Some(Ok(&self.current))
                }
                None => self.error.take().map(Err),
            }
        }
    }

    fn slices(batches: Vec<Vec<Request>>, error: Option<Error>) -> Slices {
        Slices {
            batches: batches.into_iter(),
            current: Vec::new(),
            error,
        }
    }

    #[test]
    fn batches_out_of_order_across_a_boundary_are_rejected() {
        let batches = vec![
            vec![Request::at(1, 1), Request::at(5, 1)],
            vec![Request::at(4, 1)],
        ];
        let error = run(&mut Recorder::default(), &mut slices(batches, None), None).expect_err("unsorted");
        assert_eq!(
            error.to_string(),
            "request stream:3: requests must be in arrival order"
        );
    }

    #[test]
    fn a_stream_error_ends_the_run_after_the_requests_before_it() {
        let mut model = Recorder::default();
        let batches = vec![vec![Request::at(0, 10)], vec![Request::at(3, 1)]];
        let error = run(
            &mut model,
            &mut slices(batches, Some(Error::usage("bad row"))),
            None,
        )
        .expect_err("the stream failed");
        assert_eq!(error.to_string(), "bad row");
        assert_eq!(model.log, vec!["arrive 0", "arrive 3"]);
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
