//! Idle instances in lists threaded through the instance table: no
//! allocation per function, and no timer event or ticket per request.
//!
//! Every idle instance expires a fixed keep-alive period after it became
//! idle, and instances become idle in time order, so the list of all idle
//! instances in the order they went idle is also the order their keep-alive
//! ends: its oldest is the next to expire. Each function keeps its own idle
//! instances in a second list in the same order: a warm start takes the
//! newest (most recently used), an expiry the oldest. An instance taken for
//! reuse is unlinked from both lists at once, so nothing stale is left
//! behind to skip.

/// Marks the end of a list.
pub const NONE: u32 = u32::MAX;

/// Which list of an instance's two a link belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thread {
    /// Its function's idle instances.
    Function = 0,
    /// All idle instances, in the order their keep-alive ends.
    Expiry = 1,
}

/// An item's neighbours in one list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Links {
    older: u32,
    newer: u32,
}

impl Links {
    pub const UNLINKED: Links = Links {
        older: NONE,
        newer: NONE,
    };

    /// The neighbours' ids, [`NONE`] for a missing one.
    #[inline(always)]
    pub fn neighbours(&self) -> [u32; 2] {
        [self.older, self.newer]
    }
}

/// An item of a table that lists are threaded through.
pub trait Threaded {
    fn links(&mut self, thread: Thread) -> &mut Links;
}

/// The two ends of a list of items, oldest to newest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdleList {
    oldest: u32,
    newest: u32,
}

impl IdleList {
    pub const EMPTY: IdleList = IdleList {
        oldest: NONE,
        newest: NONE,
    };

    #[inline]
    pub fn oldest(&self) -> Option<u32> {
        (self.oldest != NONE).then_some(self.oldest)
    }

    #[inline]
    pub fn newest(&self) -> Option<u32> {
        (self.newest != NONE).then_some(self.newest)
    }

    /// The oldest item and its id.
    #[inline]
    pub fn oldest_in<'a, T>(&self, items: &'a [T]) -> Option<(u32, &'a T)> {
        // NONE is past the end of any table: one comparison for both.
        items.get(self.oldest as usize).map(|item| (self.oldest, item))
    }

    /// Appends `id` (in no list of `thread`) as the newest.
    #[inline]
    pub fn push_newest<T: Threaded>(&mut self, items: &mut [T], id: u32, thread: Thread) {
        *items[id as usize].links(thread) = Links {
            older: self.newest,
            newer: NONE,
        };
        match items.get_mut(self.newest as usize) {
            Some(newest) => newest.links(thread).newer = id,
            None => self.oldest = id,
        }
        self.newest = id;
    }

    /// Threads the items of this list, listed in `from`, in the same order
    /// through `to`, where none of them is listed; returns the list's ends,
    /// which are the same in both.
    pub fn copy_thread<T: Threaded>(&self, items: &mut [T], from: Thread, to: Thread) -> IdleList {
        let mut next = self.oldest;
        while let Some(item) = items.get_mut(next as usize) {
            let links = *item.links(from);
            *item.links(to) = links;
            next = links.newer;
        }
        *self
    }

    /// Takes `id`, an item of this list, off it.
    #[inline]
    pub fn remove<T: Threaded>(&mut self, items: &mut [T], id: u32, thread: Thread) {
        let Links { older, newer } = std::mem::replace(items[id as usize].links(thread), Links::UNLINKED);
        match items.get_mut(newer as usize) {
            Some(item) => item.links(thread).older = older,
            None => self.newest = older,
        }
        match items.get_mut(older as usize) {
            Some(item) => item.links(thread).newer = newer,
            None => self.oldest = newer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item([Links; 2]);

    impl Threaded for Item {
        fn links(&mut self, thread: Thread) -> &mut Links {
            &mut self.0[thread as usize]
        }
    }

    /// The ids from oldest to newest, following the `newer` links.
    fn walk(list: &IdleList, items: &mut [Item], thread: Thread) -> Vec<u32> {
        let mut ids = Vec::new();
        let mut next = list.oldest;
        while next != NONE {
            ids.push(next);
            next = items[next as usize].links(thread).newer;
        }
        ids
    }

    #[test]
    fn items_leave_from_either_end_or_the_middle() {
        let mut items: Vec<Item> = (0..4).map(|_| Item([Links::UNLINKED; 2])).collect();
        let mut list = IdleList::EMPTY;
        for id in [2, 0, 3, 1] {
            list.push_newest(&mut items, id, Thread::Function);
        }
        assert_eq!((list.oldest(), list.newest()), (Some(2), Some(1)));
        // The middle (0), the newest (1), then the oldest (2): 3 is left.
        list.remove(&mut items, 0, Thread::Function);
        assert_eq!(walk(&list, &mut items, Thread::Function), vec![2, 3, 1]);
        list.remove(&mut items, 1, Thread::Function);
        list.remove(&mut items, 2, Thread::Function);
        assert_eq!((list.oldest(), list.newest()), (Some(3), Some(3)));
        list.remove(&mut items, 3, Thread::Function);
        assert_eq!(list, IdleList::EMPTY);
        // The other thread's links were never touched.
        assert!(
            items
                .iter_mut()
                .all(|item| *item.links(Thread::Expiry) == Links::UNLINKED)
        );
    }

    #[test]
    fn a_copied_thread_lists_the_same_items_in_the_same_order() {
        let mut items: Vec<Item> = (0..4).map(|_| Item([Links::UNLINKED; 2])).collect();
        let mut by_expiry = IdleList::EMPTY;
        for id in [3, 1, 2] {
            by_expiry.push_newest(&mut items, id, Thread::Expiry);
        }
        let mut by_function = by_expiry.copy_thread(&mut items, Thread::Expiry, Thread::Function);
        assert_eq!(walk(&by_function, &mut items, Thread::Function), vec![3, 1, 2]);
        // The copy is a list of its own: taking 1 off it leaves the original.
        by_function.remove(&mut items, 1, Thread::Function);
        assert_eq!(walk(&by_function, &mut items, Thread::Function), vec![3, 2]);
        assert_eq!(walk(&by_expiry, &mut items, Thread::Expiry), vec![3, 1, 2]);
        // Item 0, in neither, is untouched.
        assert_eq!(items[0].0, [Links::UNLINKED; 2]);
        assert_eq!(
            IdleList::EMPTY.copy_thread(&mut items, Thread::Expiry, Thread::Function),
            IdleList::EMPTY
        );
    }

    #[test]
    fn an_item_is_in_two_lists_at_once() {
        let mut items: Vec<Item> = (0..3).map(|_| Item([Links::UNLINKED; 2])).collect();
        let (mut by_function, mut by_expiry) = (IdleList::EMPTY, IdleList::EMPTY);
        for id in [0, 1, 2] {
            by_expiry.push_newest(&mut items, id, Thread::Expiry);
        }
        for id in [2, 0] {
            by_function.push_newest(&mut items, id, Thread::Function);
        }
        by_expiry.remove(&mut items, 2, Thread::Expiry);
        assert_eq!(walk(&by_expiry, &mut items, Thread::Expiry), vec![0, 1]);
        assert_eq!(walk(&by_function, &mut items, Thread::Function), vec![2, 0]);
    }
}
