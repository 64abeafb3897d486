//! A point's workload with every request's duration scaled (the sweep's
//! `duration_scale`), as its models replay it: the stream's observation is
//! the reader's, but with the recorded durations and their range check
//! those of the scaled requests, as if the point had read a trace of them.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::metrics::LatencyRecorder;
use crate::platform::speed::DurationScale;
use crate::units::Micros;
use crate::workload::{MAX_DURATION, Observation, ObservedStream, Request, RequestBatches, out_of_range};

pub struct ScaledFeed<S> {
    inner: S,
    scaling: Scaling,
    /// The scaled copy of the inner stream's batch.
    batch: Vec<Request>,
    /// A scaled duration out of range, reported after the requests before it.
    failed: Option<Error>,
    finished: bool,
}

/// The scale, and what it has recorded so far.
struct Scaling {
    scale: DurationScale,
    horizon: Option<Micros>,
    recorded: LatencyRecorder,
    /// Requests seen so far (the position of the latest).
    seen: u64,
}

impl<S: ObservedStream> ScaledFeed<S> {
    /// `inner` with durations times `scale`; only the requests arriving
    /// before `horizon` are recorded.
    pub fn new(inner: S, scale: DurationScale, horizon: Option<Micros>) -> Self {
        ScaledFeed {
            inner,
            scaling: Scaling {
                scale,
                horizon,
                recorded: LatencyRecorder::default(),
                seen: 0,
            },
            batch: Vec::new(),
            failed: None,
            finished: false,
        }
    }
}

impl Scaling {
    fn scaled(&mut self, mut request: Request) -> Result<Request> {
        self.seen += 1;
        request.duration = self.scale.apply(request.duration);
        if request.duration > MAX_DURATION {
            return Err(out_of_range(self.seen));
        }
        if self.horizon.is_none_or(|end| request.arrival < end) {
            self.recorded.record(request.duration);
        }
        Ok(request)
    }
}

impl<S: ObservedStream> RequestBatches for ScaledFeed<S> {
    fn next_batch(&mut self) -> Option<Result<&[Request]>> {
        if let Some(error) = self.failed.take() {
            return Some(Err(error));
        }
        if self.finished {
            return None;
        }
        let read = match self.inner.next_batch()? {
            Ok(read) => read,
            Err(error) => return Some(Err(error)),
        };
        self.batch.clear();
        for &request in read {
            match self.scaling.scaled(request) {
                Ok(request) => self.batch.push(request),
                Err(error) => {
                    self.failed = Some(error);
                    self.finished = true;
                    break;
                }
            }
        }
        if self.batch.is_empty() {
            return self.failed.take().map(Err);
        }
        Some(Ok(&self.batch))
    }
}

impl<S: ObservedStream> ObservedStream for ScaledFeed<S> {
    fn observation(&mut self) -> Result<Arc<Observation>> {
        let read = self.inner.observation()?;
        Ok(Arc::new(Observation {
            recorded: std::mem::take(&mut self.scaling.recorded),
            ..Observation::clone(&read)
        }))
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::workload::{Observer, Observing, drain};

    fn request(arrival: Micros, duration: Micros) -> Result<Request> {
        Ok(Request::at(arrival, duration))
    }

    #[test]
    fn durations_and_their_record_are_scaled() {
        // 150 ms and 250 ms at ×2: 300 ms and 500 ms, mean 400 ms; the
        // request at the horizon (10 s) is replayed but not recorded.
        let items = [request(0, 150_000), request(1, 250_000), request(10_000_000, 1)];
        let read = Observing::new(
            items.into_iter(),
            Observer::new(DateTime::UNIX_EPOCH, Some(10_000_000)),
        );
        let mut feed = ScaledFeed::new(read, DurationScale::of(2.0), Some(10_000_000));
        let (requests, error) = drain(&mut feed);
        assert!(error.is_none(), "in range");
        let durations: Vec<Micros> = requests.iter().map(|request| request.duration).collect();
        assert_eq!(durations, [300_000, 500_000, 2]);
        let observation = feed.observation().expect("observed");
        assert_eq!(observation.recorded.summary().mean, 400.0);
        assert_eq!(observation.last_arrival, Some(10_000_000));
    }

    #[test]
    fn a_duration_scaled_past_the_range_is_named_by_its_position() {
        // Ten years (MAX_DURATION) at ×2 is past the range.
        let items = [request(0, 1), request(1, MAX_DURATION)];
        let read = Observing::new(items.into_iter(), Observer::new(DateTime::UNIX_EPOCH, None));
        let mut feed = ScaledFeed::new(read, DurationScale::of(2.0), None);
        let (requests, error) = drain(&mut feed);
        assert_eq!(requests.len(), 1, "the first passes");
        let error = error.expect("the second is too long");
        assert!(error.to_string().starts_with("request stream:2: "), "{error}");
    }
}
