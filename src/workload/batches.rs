//! Requests handed over a batch at a time: the form in which every model's
//! run reads its workload. A reading thread's batches (a prefetch, a
//! fan-out) pass as they came, so the model's loop walks a slice: no call
//! through the stream and no `Result` per request, only per batch. A stream
//! built in memory, or read on the model's own thread, is cut into batches
//! by [`Batched`].

use super::Request;
use crate::error::{Error, Result};

/// Requests per batch cut from an iterator.
const BATCH: usize = 1_024;

/// A request stream in arrival order, a batch at a time.
pub trait RequestBatches {
    /// The next requests (never an empty slice), the error that ends the
    /// stream (after the requests before it), or none at its end.
    fn next_batch(&mut self) -> Option<Result<&[Request]>>;
}

/// Batches cut from a stream of items: the requests up to an error come
/// first, then the error, then nothing.
#[derive(Debug, Default)]
pub struct BatchBuffer {
    batch: Vec<Request>,
    failed: Option<Error>,
    finished: bool,
}

impl BatchBuffer {
    /// The next batch of `items`' requests.
    pub fn refill<I>(&mut self, items: I) -> Option<Result<&[Request]>>
    where
        I: Iterator<Item = Result<Request>>,
    {
        if let Some(error) = self.failed.take() {
            return Some(Err(error));
        }
        if self.finished {
            return None;
        }
        self.batch.clear();
        for item in items.take(BATCH) {
            match item {
                Ok(request) => self.batch.push(request),
                Err(error) => {
                    self.finished = true;
                    self.failed = Some(error);
                    break;
                }
            }
        }
        if self.batch.len() < BATCH {
            self.finished = true;
        }
        if self.batch.is_empty() {
            return self.failed.take().map(Err);
        }
        Some(Ok(&self.batch))
    }
}

/// An iterator of requests as [`RequestBatches`].
pub struct Batched<I> {
    items: I,
    buffer: BatchBuffer,
}

impl<I: Iterator<Item = Result<Request>>> Batched<I> {
    pub fn new(items: I) -> Self {
        Batched {
            items,
            buffer: BatchBuffer::default(),
        }
    }
}

impl<I: Iterator<Item = Result<Request>>> RequestBatches for Batched<I> {
    fn next_batch(&mut self) -> Option<Result<&[Request]>> {
        self.buffer.refill(self.items.by_ref())
    }
}

/// Every request of `stream`, and the error that ended it, if any (for
/// tests and tools that want the whole stream at once).
pub fn drain(stream: &mut dyn RequestBatches) -> (Vec<Request>, Option<Error>) {
    let mut requests = Vec::new();
    while let Some(batch) = stream.next_batch() {
        match batch {
            Ok(batch) => requests.extend_from_slice(batch),
            Err(error) => return (requests, Some(error)),
        }
    }
    (requests, None)
}

/// A stream's requests one at a time, each batch copied as it comes (for
/// tests that read a stream item by item).
#[cfg(test)]
pub fn one_by_one(stream: &mut dyn RequestBatches) -> impl Iterator<Item = Result<Request>> + '_ {
    let mut batch = std::collections::VecDeque::new();
    let mut ended = false;
    std::iter::from_fn(move || {
        if batch.is_empty() && !ended {
            match stream.next_batch() {
                Some(Ok(requests)) => batch.extend(requests.iter().copied().map(Ok)),
                Some(Err(error)) => {
                    ended = true;
                    batch.push_back(Err(error));
                }
                None => ended = true,
            }
        }
        batch.pop_front()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_iterator_is_cut_into_full_batches_then_the_rest() {
        // 2,500 requests: 1,024 + 1,024 + 452.
        let mut batches = Batched::new((0..2_500).map(|arrival| Ok(Request::at(arrival, 1))));
        let mut sizes = Vec::new();
        while let Some(batch) = batches.next_batch() {
            sizes.push(batch.expect("no error").len());
        }
        assert_eq!(sizes, vec![1_024, 1_024, 452]);
        assert!(batches.next_batch().is_none());
    }

    #[test]
    fn an_error_comes_after_the_requests_before_it_and_ends_the_stream() {
        let items = (0..10u64).map(|index| match index {
            3 => Err(Error::usage("bad row")),
            _ => Ok(Request::at(index, 1)),
        });
        let (requests, error) = drain(&mut Batched::new(items));
        assert_eq!(
            requests.iter().map(|request| request.arrival).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(error.map(|error| error.to_string()), Some("bad row".into()));
    }
}
