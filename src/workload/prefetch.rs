//! Reads a request stream on a second thread, in batches, so that parsing a
//! trace and simulating it overlap on two cores. Order is preserved exactly
//! (one producer, one consumer, a FIFO channel), so results stay
//! deterministic; the bounded channel keeps memory independent of the trace,
//! and emptied batches travel back to be refilled, so nothing is allocated
//! per batch. The reading thread also observes the stream ([`Observer`]),
//! and hands the observation over at its end.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::Request;
use super::batch_source::BatchSource;
use super::batches::RequestBatches;
use super::observation::{Observation, ObservedStream, Observer, not_observed};
use crate::error::{Error, Result};

/// Requests per batch (640 KB): the model thread, when it is the faster one,
/// sleeps until the next batch comes, and waking a sleeping vCPU costs tens
/// of microseconds; at 16,384 a 30M-row month hands over 1,831 batches, not
/// 7,324 (its replay ran about a tenth faster than with 4,096). A few
/// batches alive at a time keep memory at a few megabytes.
const BATCH: usize = 16_384;
/// Batches in flight between the threads.
const BATCHES_IN_FLIGHT: usize = 4;

/// What travels from the reading thread.
enum Message {
    Requests(Vec<Request>),
    Failed(Error),
    /// The end of the source, with what was observed of it.
    End(Arc<Observation>),
}

/// The consuming end: the source's requests in order, in the batches
/// they were read in.
pub struct Prefetched {
    receiver: Receiver<Message>,
    /// Emptied batches going back to the producer.
    recycler: SyncSender<Vec<Request>>,
    batch: Vec<Request>,
    position: usize,
    finished: bool,
    observation: Option<Arc<Observation>>,
}

/// Starts reading `source` on a background thread, observed there by
/// `observer`. The thread stops at the end of the source, after the first
/// error, or when the consumer is dropped.
pub fn prefetch<S>(source: S, observer: Observer) -> Prefetched
where
    S: BatchSource + Send + 'static,
{
    let (sender, receiver) = sync_channel(BATCHES_IN_FLIGHT);
    let (recycler, recycled) = sync_channel(BATCHES_IN_FLIGHT + 2);
    std::thread::spawn(move || produce(source, observer, &sender, &recycled));
    Prefetched {
        receiver,
        recycler,
        batch: Vec::new(),
        position: 0,
        finished: false,
        observation: None,
    }
}

fn produce<S: BatchSource>(
    mut source: S,
    mut observer: Observer,
    sender: &SyncSender<Message>,
    recycled: &Receiver<Vec<Request>>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    let last = loop {
        let filled = source.fill(&mut batch, BATCH);
        // A request the observer refuses comes before any error the source
        // met after it, and the requests after it are not delivered.
        let end = match (observer.see_batch(&batch), filled) {
            (Err((refused, error)), _) => {
                batch.truncate(refused);
                Message::Failed(error)
            }
            (Ok(()), Err(error)) => Message::Failed(error),
            (Ok(()), Ok(false)) => break None,
            (Ok(()), Ok(true)) => {
                let empty = recycled.try_recv().unwrap_or_else(|_| Vec::with_capacity(BATCH));
                let full = std::mem::replace(&mut batch, empty);
                if sender.send(Message::Requests(full)).is_err() {
                    return;
                }
                continue;
            }
        };
        break Some(end);
    };
    let end = last.unwrap_or_else(|| Message::End(Arc::new(observer.finish())));
    // The rows before an error, then the error (or the end).
    let _ = sender
        .send(Message::Requests(batch))
        .and_then(|()| sender.send(end));
}

impl RequestBatches for Prefetched {
    #[inline]
    fn next_batch(&mut self) -> Option<Result<&[Request]>> {
        while self.position == self.batch.len() {
            if self.finished {
                return None;
            }
            match self.receiver.recv() {
                Ok(Message::Requests(batch)) => {
                    let mut empty = std::mem::replace(&mut self.batch, batch);
                    self.position = 0;
                    empty.clear();
                    // A full return channel just means the producer has
                    // enough spare batches; this one is then freed.
                    let _ = self.recycler.try_send(empty);
                }
                Ok(Message::Failed(error)) => {
                    self.finished = true;
                    return Some(Err(error));
                }
                Ok(Message::End(observation)) => {
                    self.finished = true;
                    self.observation = Some(observation);
                }
                // The producer stopped and hung up.
                Err(_) => self.finished = true,
            }
        }
        let unread = self.position;
        self.position = self.batch.len();
        Some(Ok(&self.batch[unread..]))
    }
}

impl ObservedStream for Prefetched {
    fn observation(&mut self) -> Result<Arc<Observation>> {
        self.observation.take().ok_or_else(not_observed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::workload::FunctionId;
    use crate::workload::batch_source::Items;
    use crate::workload::batches::one_by_one;

    fn observer() -> Observer {
        Observer::new(chrono::DateTime::UNIX_EPOCH, None)
    }

    fn request(arrival: u64) -> Result<Request> {
        Ok(Request {
            arrival,
            duration: 1,
            function: FunctionId(0),
            memory_mb: None,
            bytes_out: 0,
        })
    }

    #[test]
    fn order_is_kept_across_batches() {
        let count = BATCH as u64 * 3 + 17;
        let mut stream = prefetch(Items((0..count).map(request)), observer());
        let arrivals: Vec<u64> = one_by_one(&mut stream)
            .map(|item| item.expect("no errors").arrival)
            .collect();
        assert_eq!(arrivals, (0..count).collect::<Vec<_>>());
        let last = stream.observation().expect("observed").last_arrival;
        assert_eq!(last, Some(count - 1));
    }

    #[test]
    fn an_error_arrives_after_the_rows_before_it() {
        let source = (0..5u64).map(|index| {
            if index == 3 {
                Err(Error::usage("bad row"))
            } else {
                request(index)
            }
        });
        let items: Vec<_> = one_by_one(&mut prefetch(Items(source), observer())).collect();
        assert_eq!(items.len(), 4);
        assert!(items[..3].iter().all(Result::is_ok));
        assert_eq!(
            items[3].as_ref().err().map(ToString::to_string),
            Some("bad row".into())
        );
    }
}
