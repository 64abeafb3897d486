//! One read, many models: a workload source is read once, on the calling
//! thread, into shared batches that every consumer (a deployment's model)
//! replays on a thread of its own. The reading thread also observes the
//! workload ([`Observer`]) once for all consumers, and hands each the
//! observation at the end of its stream. Each consumer has a bounded channel, so a
//! slow model holds the reader back and only a few batches are alive at a
//! time, whatever the length of the trace. Every consumer sees the same
//! requests in the same order, so results do not depend on threads or timing.
//!
//! Rows are screened per consumer as they are read (a deployment's own limits,
//! such as Lambda's largest memory size): a row one consumer rejects ends that
//! consumer's stream with the error naming the row, and the others go on. An
//! error of the source itself (a malformed row, a failed read) ends every
//! stream still open: the first such consumer receives it and the later ones a
//! note that the workload failed. In consumer order the errors are thus those
//! each consumer would have met reading the source alone.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::Request;
use super::batches::RequestBatches;
use super::observation::{Observation, ObservedStream, Observer, not_observed};
use crate::error::{Error, Result};

/// Requests per batch: the channels' cost per request is negligible, and a
/// batch is 160 KB.
const BATCH: usize = 4_096;
/// Batches waiting in each consumer's channel.
const QUEUED: usize = 4;
/// What a consumer after the first open one receives when the source fails.
const WORKLOAD_FAILED: &str =
    "the workload failed before this run ended (the error is reported for an earlier deployment)";

/// What travels to a consumer.
enum Message {
    Requests(Arc<Vec<Request>>),
    /// The end of this consumer's stream, with the reason.
    Failed(Error),
    /// The end of the workload, with what was observed of it.
    End(Arc<Observation>),
}

/// A consumer's stream: the source's requests in order, ending with the end
/// of the source or with the error that ended this consumer's share of it.
pub struct Feed {
    receiver: Receiver<Message>,
    batch: Arc<Vec<Request>>,
    position: usize,
    finished: bool,
    observation: Option<Arc<Observation>>,
}

impl RequestBatches for Feed {
    #[inline]
    fn next_batch(&mut self) -> Option<Result<&[Request]>> {
        while self.position == self.batch.len() {
            if self.finished {
                return None;
            }
            match self.receiver.recv() {
                Ok(Message::Requests(batch)) => {
                    self.batch = batch;
                    self.position = 0;
                }
                Ok(Message::Failed(error)) => {
                    self.finished = true;
                    return Some(Err(error));
                }
                Ok(Message::End(observation)) => {
                    self.finished = true;
                    self.observation = Some(observation);
                }
                // The reader stopped and hung up.
                Err(_) => self.finished = true,
            }
        }
        let unread = self.position;
        self.position = self.batch.len();
        Some(Ok(&self.batch[unread..]))
    }
}

impl ObservedStream for Feed {
    fn observation(&mut self) -> Result<Arc<Observation>> {
        self.observation.take().ok_or_else(not_observed)
    }
}

/// Reads `source` once, observed by `observer`, and replays it into
/// `consumers` consumers, each on a thread of its own: `consume(index,
/// feed)`. Before a request goes to consumer `index`, `screen(source, index,
/// request)` may reject it, with `source` at hand to name the row just read.
/// Returns the consumers' results in index order.
pub fn fan_out<S, R>(
    mut source: S,
    observer: Observer,
    consumers: usize,
    screen: impl Fn(&S, usize, &Request) -> Result<()>,
    consume: impl Fn(usize, Feed) -> Result<R> + Sync,
) -> Vec<Result<R>>
where
    S: Iterator<Item = Result<Request>>,
    R: Send,
{
    let verdicts = (0..consumers).map(|_| None).collect();
    replay(verdicts, consume, |reader| {
        reader.read(&mut source, &screen, observer)
    })
}

/// Loads `source` whole (rows in any order), screening every row for each
/// consumer in file order, sorts the requests by arrival (stable: rows that
/// arrive together keep their order), and replays them as [`fan_out`] does
/// into every consumer that accepted every row, observed in arrival order. A
/// consumer that rejected a row, or the source failing, ends that consumer's
/// stream before any request.
pub fn fan_out_sorted<S, R>(
    mut source: S,
    observer: Observer,
    consumers: usize,
    screen: impl Fn(&S, usize, &Request) -> Result<()>,
    consume: impl Fn(usize, Feed) -> Result<R> + Sync,
) -> Vec<Result<R>>
where
    S: Iterator<Item = Result<Request>>,
    R: Send,
{
    let mut verdicts: Vec<Option<Error>> = (0..consumers).map(|_| None).collect();
    let mut requests = Vec::new();
    while let Some(item) = source.next() {
        let request = match item {
            Ok(request) => request,
            Err(error) => {
                fail_open(&mut verdicts, error);
                break;
            }
        };
        for (index, verdict) in verdicts.iter_mut().enumerate() {
            if verdict.is_none() {
                *verdict = screen(&source, index, &request).err();
            }
        }
        requests.push(request);
    }
    requests.sort_by_key(|request| request.arrival);
    replay(verdicts, consume, |reader| {
        reader.read(&mut requests.into_iter().map(Ok), &|_, _, _| Ok(()), observer);
    })
}

/// Gives `error` to the first consumer without a verdict and the note that
/// the workload failed to the others.
fn fail_open(verdicts: &mut [Option<Error>], error: Error) {
    let mut error = Some(error);
    for verdict in verdicts.iter_mut().filter(|verdict| verdict.is_none()) {
        *verdict = Some(error.take().unwrap_or_else(|| Error::usage(WORKLOAD_FAILED)));
    }
}

/// Starts the consumers, each ended first by its verdict if it has one, runs
/// `read` on this thread and collects the consumers' results.
fn replay<R: Send>(
    verdicts: Vec<Option<Error>>,
    consume: impl Fn(usize, Feed) -> Result<R> + Sync,
    read: impl FnOnce(Reader),
) -> Vec<Result<R>> {
    let mut senders = Vec::with_capacity(verdicts.len());
    let mut feeds = Vec::with_capacity(verdicts.len());
    for verdict in verdicts {
        let (sender, receiver) = sync_channel(QUEUED);
        match verdict {
            Some(error) => {
                // Room for one message: this cannot block.
                let _ = sender.send(Message::Failed(error));
                senders.push(None);
            }
            None => senders.push(Some(sender)),
        }
        feeds.push(Feed {
            receiver,
            batch: Arc::new(Vec::new()),
            position: 0,
            finished: false,
            observation: None,
        });
    }
    let consume = &consume;
    std::thread::scope(|scope| {
        let threads: Vec<_> = feeds
            .into_iter()
            .enumerate()
            .map(|(index, feed)| scope.spawn(move || consume(index, feed)))
            .collect();
        read(Reader {
            senders,
            batch: Vec::with_capacity(BATCH),
            sent: VecDeque::new(),
        });
        threads
            .into_iter()
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// The reading end: fills batches and sends each to every open consumer.
struct Reader {
    /// One per consumer; none once its stream has ended.
    senders: Vec<Option<SyncSender<Message>>>,
    batch: Vec<Request>,
    /// Batches sent lately, reused once every consumer has let go of them.
    sent: VecDeque<Arc<Vec<Request>>>,
}

impl Reader {
    /// Reads `source` to its end (then hands every open stream the
    /// observation), its first error, or until no consumer is left; dropping
    /// the reader then ends every stream still open.
    fn read<S>(
        mut self,
        source: &mut S,
        screen: &impl Fn(&S, usize, &Request) -> Result<()>,
        mut observer: Observer,
    ) where
        S: Iterator<Item = Result<Request>>,
    {
        while let Some(item) = source.next() {
            let request = match observer.see_item(item) {
                Ok(request) => request,
                Err(error) => return self.fail(error),
            };
            for index in 0..self.senders.len() {
                if self.senders[index].is_some()
                    && let Err(error) = screen(source, index, &request)
                {
                    self.end(index, error);
                }
            }
            if self.senders.iter().all(Option::is_none) {
                return;
            }
            self.batch.push(request);
            if self.batch.len() == BATCH {
                self.flush();
            }
        }
        self.flush();
        let observation = Arc::new(observer.finish());
        for sender in self.senders.iter().flatten() {
            let _ = sender.send(Message::End(Arc::clone(&observation)));
        }
    }

    /// Ends consumer `index`'s stream with `error`, after the rows before it.
    fn end(&mut self, index: usize, error: Error) {
        self.flush();
        if let Some(sender) = self.senders[index].take() {
            let _ = sender.send(Message::Failed(error));
        }
    }

    /// Ends every open stream after the rows read so far: `error` to the
    /// first consumer still listening, the note that the workload failed to
    /// the others.
    fn fail(mut self, error: Error) {
        self.flush();
        let mut error = Some(error);
        for sender in self.senders.iter_mut().filter_map(Option::take) {
            let Some(message) = error.take() else {
                let _ = sender.send(Message::Failed(Error::usage(WORKLOAD_FAILED)));
                continue;
            };
            // A consumer that has hung up hands the error back for the next.
            if let Err(returned) = sender.send(Message::Failed(message))
                && let Message::Failed(message) = returned.0
            {
                error = Some(message);
            }
        }
    }

    /// Sends the batch being filled to every open consumer.
    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let spare = self.spare();
        let full = Arc::new(std::mem::replace(&mut self.batch, spare));
        for slot in &mut self.senders {
            if let Some(sender) = slot
                && sender.send(Message::Requests(Arc::clone(&full))).is_err()
            {
                *slot = None;
            }
        }
        self.sent.push_back(full);
        if self.sent.len() > QUEUED + 2 {
            self.sent.pop_front();
        }
    }

    /// An empty batch: the oldest one sent if every consumer is done with
    /// it, else a new one.
    fn spare(&mut self) -> Vec<Request> {
        if let Some(oldest) = self.sent.front_mut()
            && let Some(batch) = Arc::get_mut(oldest)
        {
            let mut batch = std::mem::take(batch);
            self.sent.pop_front();
            batch.clear();
            return batch;
        }
        Vec::with_capacity(BATCH)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;
    use crate::workload::FunctionId;
    use crate::workload::batches::one_by_one;

    fn request(arrival: u64) -> Request {
        Request {
            arrival,
            duration: 1,
            function: FunctionId(0),
            memory_mb: None,
            bytes_out: 0,
        }
    }

    /// Rows of a pretend file with a header: the row yielded last is on
    /// line `line`.
    struct Rows {
        items: std::vec::IntoIter<Result<Request>>,
        line: u64,
    }

    impl Rows {
        fn new(items: Vec<Result<Request>>) -> Self {
            Rows {
                items: items.into_iter(),
                line: 1,
            }
        }
    }

    impl Iterator for Rows {
        type Item = Result<Request>;

        fn next(&mut self) -> Option<Self::Item> {
            self.line += 1;
            self.items.next()
        }
    }

    /// Rows with arrivals `0..count`, row `bad` (if any) failing to parse.
    fn rows(count: u64, bad: Option<u64>) -> Rows {
        Rows::new(
            (0..count)
                .map(|index| {
                    if Some(index) == bad {
                        Err(Error::usage("bad row"))
                    } else {
                        Ok(request(index))
                    }
                })
                .collect(),
        )
    }

    fn observer() -> Observer {
        Observer::new(chrono::DateTime::UNIX_EPOCH, None)
    }

    /// Consumer `index` rejects the rows whose arrival is in `rejects[index]`.
    fn screen_by<'a>(rejects: &'a [&'a [u64]]) -> impl Fn(&Rows, usize, &Request) -> Result<()> + 'a {
        move |rows, index, request| {
            if rejects[index].contains(&request.arrival) {
                Err(Error::input("t.csv", rows.line, "field `memory_mb`: too large"))
            } else {
                Ok(())
            }
        }
    }

    /// The arrivals a consumer saw, or its error with how many it saw first.
    fn arrivals(_: usize, mut feed: Feed) -> Result<Vec<u64>> {
        let mut seen = Vec::new();
        for item in one_by_one(&mut feed) {
            match item {
                Ok(request) => seen.push(request.arrival),
                Err(error) => return Err(Error::usage(format!("{error} (after {})", seen.len()))),
            }
        }
        Ok(seen)
    }

    fn messages(results: Vec<Result<Vec<u64>>>) -> Vec<String> {
        results
            .into_iter()
            .map(|result| match result {
                Ok(seen) => format!("{} requests", seen.len()),
                Err(error) => error.to_string(),
            })
            .collect()
    }

    #[test]
    fn every_consumer_sees_every_request_in_order() {
        let count = BATCH as u64 * 3 + 17;
        let results = fan_out(rows(count, None), observer(), 3, |_, _, _| Ok(()), arrivals);
        for result in results {
            assert_eq!(result.expect("no errors"), (0..count).collect::<Vec<_>>());
        }
    }

    #[test]
    fn every_consumer_gets_the_one_observation_at_the_end() {
        // 10,000 requests of 1 µs each, observed once on the reading thread.
        let results = fan_out(
            rows(10_000, None),
            observer(),
            2,
            |_, _, _| Ok(()),
            |_, mut feed| {
                let early = feed.observation().is_err();
                let count = one_by_one(&mut feed).count();
                let observation = feed.observation()?;
                Ok((
                    early,
                    count,
                    observation.last_arrival,
                    observation.recorded.summary().max,
                ))
            },
        );
        for result in results {
            assert_eq!(result.expect("no errors"), (true, 10_000, Some(9_999), 0.001));
        }
    }

    #[test]
    fn a_rejected_row_ends_only_that_consumers_stream() {
        // Arrival 5,000 is the 5,001st row: line 5,002 under the header.
        let rejects: [&[u64]; 3] = [&[], &[5_000, 6_000], &[]];
        let results = fan_out(rows(10_000, None), observer(), 3, screen_by(&rejects), arrivals);
        assert_eq!(
            messages(results),
            [
                "10000 requests",
                "t.csv:5002: field `memory_mb`: too large (after 5000)",
                "10000 requests"
            ]
        );
    }

    #[test]
    fn a_source_error_goes_to_the_first_open_consumer() {
        // Consumer 0 rejects the 11th row (line 12) before the source fails
        // at its 51st row; consumer 1 then gets the source's error, and
        // consumer 2 the note, both after the 50 rows before it.
        let rejects: [&[u64]; 3] = [&[10], &[], &[]];
        let results = fan_out(rows(100, Some(50)), observer(), 3, screen_by(&rejects), arrivals);
        assert_eq!(
            messages(results),
            [
                "t.csv:12: field `memory_mb`: too large (after 10)".to_owned(),
                "bad row (after 50)".to_owned(),
                format!("{WORKLOAD_FAILED} (after 50)"),
            ]
        );
    }

    #[test]
    fn a_consumer_that_hangs_up_hands_the_source_error_on() {
        // Consumer 0 stops after 10 requests. Its channel holds QUEUED
        // batches, so by the time the reader is QUEUED + 2 batches further
        // it has found the hang-up; the source's error then goes to consumer 1.
        let bad = BATCH as u64 * (QUEUED as u64 + 4);
        let results = fan_out(
            rows(bad + 10, Some(bad)),
            observer(),
            2,
            |_, _, _| Ok(()),
            |index, mut feed| match index {
                0 => Ok(one_by_one(&mut feed)
                    .take(10)
                    .map(|item| item.map(|request| request.arrival))
                    .collect::<Result<Vec<_>>>()?),
                _ => arrivals(index, feed),
            },
        );
        assert_eq!(
            messages(results),
            ["10 requests".to_owned(), format!("bad row (after {bad})")]
        );
    }

    #[test]
    fn a_slow_consumer_holds_the_reader_back() {
        // The reader may run ahead of the slowest consumer by the batch that
        // consumer is replaying, QUEUED in its channel, one being sent and
        // the one being filled.
        let count = BATCH as u64 * 20;
        let consumed = AtomicU64::new(0);
        let lead = AtomicU64::new(0);
        let source = (0..count).map(|index| {
            lead.fetch_max(
                index - consumed.load(Ordering::SeqCst).min(index),
                Ordering::SeqCst,
            );
            Ok(request(index))
        });
        let results = fan_out(
            source,
            observer(),
            2,
            |_, _, _| Ok(()),
            |index, mut feed| {
                let mut seen = 0u64;
                for item in one_by_one(&mut feed) {
                    item?;
                    seen += 1;
                    if index == 0 {
                        (0..200).for_each(|_| std::hint::spin_loop());
                        consumed.store(seen, Ordering::SeqCst);
                    }
                }
                Ok(seen)
            },
        );
        let counts: Vec<u64> = results
            .into_iter()
            .map(|result| result.expect("no errors"))
            .collect();
        assert_eq!(counts, [count, count]);
        let lead = lead.load(Ordering::SeqCst);
        assert!(
            lead <= (QUEUED as u64 + 3) * BATCH as u64,
            "ran {lead} requests ahead"
        );
    }

    #[test]
    fn sorting_is_stable_and_a_rejection_leaves_a_consumer_nothing() {
        // Arrivals 3, 1, 2, 1 in file order; the two 1s keep their order
        // (told apart by their function). Consumer 1 rejects the arrival
        // at 2 (the third row, line 4) and so replays nothing.
        let mut items: Vec<Request> = [3, 1, 2, 1].map(request).to_vec();
        items[3].function = FunctionId(7);
        let source = Rows::new(items.into_iter().map(Ok).collect());
        let rejects: [&[u64]; 2] = [&[], &[2]];
        let results = fan_out_sorted(source, observer(), 2, screen_by(&rejects), |_, mut feed| {
            one_by_one(&mut feed)
                .map(|item| item.map(|request| (request.arrival, request.function.0)))
                .collect::<Result<Vec<_>>>()
        });
        let mut results = results.into_iter();
        assert_eq!(
            results.next().map(|result| result.expect("no errors")),
            Some(vec![(1, 0), (1, 7), (2, 0), (3, 0)])
        );
        assert_eq!(
            results
                .next()
                .map(|result| result.map_err(|error| error.to_string())),
            Some(Err("t.csv:4: field `memory_mb`: too large".to_owned()))
        );
    }

    #[test]
    fn a_source_error_while_sorting_fails_every_consumer_before_any_request() {
        let results = fan_out_sorted(rows(10, Some(5)), observer(), 2, |_, _, _| Ok(()), arrivals);
        assert_eq!(
            messages(results),
            [
                "bad row (after 0)".to_owned(),
                format!("{WORKLOAD_FAILED} (after 0)")
            ]
        );
    }
}
