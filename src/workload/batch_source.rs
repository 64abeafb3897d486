//! A request source read a batch at a time into a buffer: the reading
//! thread of a prefetch fills its batches this way, so the trace reader's
//! plain rows go from the bytes into the batch in one tight loop, with no
//! `Option<Result<Request>>` built, matched and copied per row on the way
//! through each layer of sources. Any iterator of items is a source too,
//! through [`Items`].

use super::Request;
use crate::error::Result;

/// A request stream in arrival order that appends to a batch.
pub trait BatchSource {
    /// Appends the next requests to `batch` until it holds `limit`; false
    /// once the source has ended (its last requests appended), and false
    /// again if asked after that. An error ends the source: the requests
    /// read before it are in `batch`.
    fn fill(&mut self, batch: &mut Vec<Request>, limit: usize) -> Result<bool>;
}

/// An iterator of items as a [`BatchSource`], one item at a time.
pub struct Items<I>(pub I);

impl<I: Iterator<Item = Result<Request>>> BatchSource for Items<I> {
    fn fill(&mut self, batch: &mut Vec<Request>, limit: usize) -> Result<bool> {
        while batch.len() < limit {
            match self.0.next() {
                Some(item) => batch.push(item?),
                None => return Ok(false),
            }
        }
        Ok(true)
    }
}

impl<I: Iterator> Iterator for Items<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        self.0.next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn items_fill_to_the_limit_then_stop_at_the_end_or_an_error() {
        let mut items = Items((0..5).map(|arrival| Ok(Request::at(arrival, 1))));
        let mut batch = Vec::new();
        // 5 items, a limit of 3: 3 now (more to come), then the other 2 and the end.
        assert!(items.fill(&mut batch, 3).expect("no error"));
        assert_eq!(batch.len(), 3);
        batch.clear();
        assert!(!items.fill(&mut batch, 3).expect("no error"));
        assert_eq!(
            batch.iter().map(|request| request.arrival).collect::<Vec<_>>(),
            [3, 4]
        );
        assert!(!items.fill(&mut batch, 3).expect("still ended"));
        let mut failing = Items((0..3).map(|arrival| {
            if arrival == 2 {
                Err(Error::usage("bad"))
            } else {
                Ok(Request::at(arrival, 1))
            }
        }));
        let mut batch = Vec::new();
        assert!(failing.fill(&mut batch, 10).is_err());
        assert_eq!(batch.len(), 2, "the two requests before the error are kept");
    }
}
