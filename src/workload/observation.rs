//! What a workload showed as it was read, whatever a model made of it: its
//! tally (requests over time, requests and bytes per clock hour), the
//! recorded durations of the requests within the horizon, its last arrival,
//! and the range check every request passes. It is taken once, where the
//! workload is read (the reading thread of a fan-out or a prefetch), and
//! shared by every model that replays the workload, so a model's own thread
//! does no more per request than the model itself.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::batches::{BatchBuffer, RequestBatches};
use super::{MAX_ARRIVAL, MAX_DURATION, Request, WorkloadTally};
use crate::error::{Error, Result};
use crate::metrics::LatencyRecorder;
use crate::units::Micros;

/// What the stream itself showed.
#[derive(Debug, Clone)]
pub struct Observation {
    pub tally: WorkloadTally,
    /// Recorded durations of the requests within the horizon.
    pub recorded: LatencyRecorder,
    pub last_arrival: Option<Micros>,
}

/// Takes an [`Observation`] of requests as they stream past.
#[derive(Debug)]
pub struct Observer {
    observation: Observation,
    horizon: Option<Micros>,
    /// Requests seen so far (the position of the latest).
    seen: u64,
}

impl Observer {
    /// Observes a workload whose offset zero is `origin`; only the requests
    /// arriving before `horizon` (all without one) are tallied.
    pub fn new(origin: DateTime<Utc>, horizon: Option<Micros>) -> Self {
        Observer {
            observation: Observation {
                tally: WorkloadTally::new(origin),
                recorded: LatencyRecorder::default(),
                last_arrival: None,
            },
            horizon,
            seen: 0,
        }
    }

    /// Checks the next request's range and notes it. Inlined into the
    /// reading loop, like the reader's own row functions: out of line, the
    /// request was copied in and out of the call.
    #[inline(always)]
    pub fn see(&mut self, request: Request) -> Result<Request> {
        self.seen += 1;
        if !in_range(&request) {
            return Err(out_of_range(self.seen));
        }
        self.note(&request);
        self.observation.last_arrival = Some(request.arrival);
        Ok(request)
    }

    /// [`Self::see`] of each request of a batch, in order: the index of the
    /// first out of range and its error, if any (those before it are seen).
    pub fn see_batch(&mut self, batch: &[Request]) -> std::result::Result<(), (usize, Error)> {
        let refused = batch.iter().position(|request| {
            let refused = !in_range(request);
            if !refused {
                self.note(request);
            }
            refused
        });
        let seen = refused.unwrap_or(batch.len());
        self.seen += seen as u64;
        if let Some(last) = batch[..seen].last() {
            self.observation.last_arrival = Some(last.arrival);
        }
        match refused {
            Some(index) => Err((index, out_of_range(self.seen + 1))),
            None => Ok(()),
        }
    }

    /// Tallies and records a request in range, if it arrives before the
    /// horizon.
    #[inline(always)]
    fn note(&mut self, request: &Request) {
        if self.horizon.is_none_or(|end| request.arrival < end) {
            self.observation.tally.add(request);
            self.observation.recorded.record(request.duration);
        }
    }

    /// [`Self::see`] of a stream's item; an error passes as it is (it
    /// ends the stream).
    #[inline(always)]
    pub fn see_item(&mut self, item: Result<Request>) -> Result<Request> {
        item.and_then(|request| self.see(request))
    }

    pub fn finish(self) -> Observation {
        self.observation
    }
}

/// Whether a request lies in the range every model simulates.
#[inline(always)]
fn in_range(request: &Request) -> bool {
    request.arrival <= MAX_ARRIVAL && request.duration <= MAX_DURATION
}

/// The error of the `position`-th request, out of the simulated range.
#[cold]
pub fn out_of_range(position: u64) -> Error {
    Error::input(
        "request stream",
        position,
        "a request arrives more than 100 years after the start or runs longer than ten years",
    )
}

/// A request stream that can tell, once it has ended, what was observed of
/// it.
pub trait ObservedStream: RequestBatches {
    /// The observation of the whole stream, once `next_batch` has returned
    /// `None`; an error if the stream ended without one (its reader
    /// stopped early).
    fn observation(&mut self) -> Result<Arc<Observation>>;
}

/// The error of a stream asked for its observation before one arrived.
#[cold]
pub fn not_observed() -> Error {
    Error::usage("the workload's reader stopped before the end of the stream")
}

/// Observes a stream on the thread that replays it (a stream built in
/// memory, or one read without a second thread), cut into batches.
pub struct Observing<I> {
    inner: I,
    observer: Option<Observer>,
    buffer: BatchBuffer,
}

impl<I: Iterator<Item = Result<Request>>> Observing<I> {
    pub fn new(inner: I, observer: Observer) -> Self {
        Observing {
            inner,
            observer: Some(observer),
            buffer: BatchBuffer::default(),
        }
    }
}

impl<I: Iterator<Item = Result<Request>>> RequestBatches for Observing<I> {
    fn next_batch(&mut self) -> Option<Result<&[Request]>> {
        match &mut self.observer {
            Some(observer) => self
                .buffer
                .refill(self.inner.by_ref().map(|item| observer.see_item(item))),
            None => self.buffer.refill(self.inner.by_ref()),
        }
    }
}

impl<I: Iterator<Item = Result<Request>>> ObservedStream for Observing<I> {
    fn observation(&mut self) -> Result<Arc<Observation>> {
        self.observer
            .take()
            .map(|observer| Arc::new(observer.finish()))
            .ok_or_else(not_observed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::drain;

    fn request(arrival: Micros, duration: Micros) -> Result<Request> {
        Ok(Request {
            bytes_out: 10,
            ..Request::at(arrival, duration)
        })
    }

    fn origin() -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH
    }

    #[test]
    fn only_requests_before_the_horizon_are_tallied() {
        // Arrivals at 0, 5 and 10 µs with a horizon at 10: two tallied
        // (durations 3 and 4 µs: mean 3.5 µs = 0.0035 ms; 10 bytes each),
        // the last arrival is still 10.
        let items = [request(0, 3), request(5, 4), request(10, 1_000)];
        let mut stream = Observing::new(items.into_iter(), Observer::new(origin(), Some(10)));
        let (requests, error) = drain(&mut stream);
        assert!(error.is_none(), "in range");
        let arrivals: Vec<Micros> = requests.iter().map(|request| request.arrival).collect();
        assert_eq!(arrivals, [0, 5, 10]);
        let observation = stream.observation().expect("observed");
        assert_eq!(observation.recorded.summary().mean, 0.0035);
        assert_eq!(
            observation.tally.service_usage_until(Micros::MAX).months[0].requests,
            2
        );
        assert_eq!(
            observation.tally.service_usage_until(Micros::MAX).months[0].bytes_out,
            20
        );
        assert_eq!(observation.last_arrival, Some(10));
        assert!(stream.observation().is_err(), "taken once");
    }

    #[test]
    fn an_out_of_range_request_is_named_by_its_position() {
        let items = [request(0, 1), request(1, MAX_DURATION + 1)];
        let mut stream = Observing::new(items.into_iter(), Observer::new(origin(), None));
        let (requests, error) = drain(&mut stream);
        assert_eq!(requests.len(), 1, "the first passes");
        let error = error.expect("the second is too long");
        assert_eq!(
            error.to_string(),
            "request stream:2: a request arrives more than 100 years after the start or runs longer than ten years"
        );
    }

    #[test]
    fn a_batch_is_seen_up_to_its_first_request_out_of_range() {
        let mut observer = Observer::new(origin(), None);
        let first = [Request::at(0, 1), Request::at(5, 1)];
        assert!(observer.see_batch(&first).is_ok());
        // The second batch's third request arrives past 100 years: it is
        // the fifth seen, and the two before it are noted.
        let second = [
            Request::at(6, 1),
            Request::at(7, 1),
            Request::at(MAX_ARRIVAL + 1, 1),
        ];
        let (index, error) = observer.see_batch(&second).expect_err("out of range");
        assert_eq!(index, 2);
        assert!(error.to_string().starts_with("request stream:5: "), "{error}");
        let observation = observer.finish();
        assert_eq!(observation.last_arrival, Some(7));
        let tallied: u64 = observation.tally.requests_over_time().values.iter().sum();
        assert_eq!(tallied, 4, "the 2 + 2 requests in range");
    }
}
