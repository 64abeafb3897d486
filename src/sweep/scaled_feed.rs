//! A point's workload with every request's duration scaled (the sweep's
//! `duration_scale`), as its models replay it: the stream's observation is
//! the reader's, but with the recorded durations and their range check
//! those of the scaled requests, as if the point had read a trace of them.

use std::sync::Arc;

use crate::error::Result;
use crate::metrics::LatencyRecorder;
use crate::platform::speed::DurationScale;
use crate::units::Micros;
use crate::workload::{MAX_DURATION, Observation, ObservedStream, Request, out_of_range};

pub struct ScaledFeed<S> {
    inner: S,
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
            scale,
            horizon,
            recorded: LatencyRecorder::default(),
            seen: 0,
        }
    }

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

impl<S: ObservedStream> Iterator for ScaledFeed<S> {
    type Item = Result<Request>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.inner.next()?;
        Some(item.and_then(|request| self.scaled(request)))
    }
}

impl<S: ObservedStream> ObservedStream for ScaledFeed<S> {
    fn observation(&mut self) -> Result<Arc<Observation>> {
        let read = self.inner.observation()?;
        Ok(Arc::new(Observation {
            recorded: std::mem::take(&mut self.recorded),
            ..Observation::clone(&read)
        }))
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::workload::{Observer, Observing};

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
        let durations: Vec<Micros> = feed
            .by_ref()
            .map(|item| item.expect("in range").duration)
            .collect();
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
        assert!(feed.next().expect("first").is_ok());
        let error = feed.next().expect("second").expect_err("too long");
        assert!(error.to_string().starts_with("request stream:2: "), "{error}");
    }
}
