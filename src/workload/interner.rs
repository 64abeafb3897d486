//! Function names to ids as a trace streams past, by the row's bytes, with
//! no allocation per row: only a name never seen before is copied.
//!
//! A trace may name tens of thousands of functions in no particular order,
//! so a lookup should cost one cache miss, not three (table, bucket, key
//! allocation) nor a call to `memcmp`: the table is open-addressed, and each
//! 16-byte slot (four to a cache line) holds the first 8 bytes of its name,
//! so a short name is found and compared within its slot. Longer names
//! compare their tail in an arena, found through an array beside the slots.
//! The hash is Fx (as in rustc): names come from the user's own trace, so
//! resistance to crafted collisions is not needed.
//!
//! hashbrown's `HashTable` was tried in its place: its tag bytes take the
//! mispredicted branches of a probe away, but a lookup costs 17 more
//! instructions (its `find` is not inlined), and the reading thread was no
//! faster with 50,000 names and slower with one.

use super::request::{DEFAULT_FUNCTION, FunctionId, FunctionNames};
use crate::cache::prefetch;

/// Bytes of a name kept in its slot.
const HEAD: usize = 8;
const EMPTY: u32 = u32::MAX;
const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// A started lookup: the name's head and hash.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lookup {
    head: u64,
    hash: u64,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    head: u64,
    len: u32,
    /// The name's id, or [`EMPTY`].
    id: u32,
}

const VACANT: Slot = Slot {
    head: 0,
    len: 0,
    id: EMPTY,
};

/// Interns the function names of a trace into [`FunctionNames`].
#[derive(Debug, Default)]
pub struct FunctionInterner {
    names: FunctionNames,
    /// A power of two in length, at most half full: with linear probing,
    /// four in five lookups of 50,000 names end at their first slot (at 7/8
    /// full, three in five, and a lookup walked 2.6 slots on average, often
    /// into a second cache line). That cut the reading thread of a 10M-row
    /// trace of 50,000 names by a sixth; the table is 2 MB at that size.
    slots: Vec<Slot>,
    /// Where each slot's name starts in the arena (read for names longer
    /// than [`HEAD`] and when the table grows).
    offsets: Vec<u32>,
    used: usize,
    /// Every name's bytes, for long names' tails and for growing the table.
    arena: Vec<u8>,
    /// The id of rows without a name (no `function` column, or empty).
    unnamed: Option<FunctionId>,
}

impl FunctionInterner {
    pub fn names(&self) -> &FunctionNames {
        &self.names
    }

    pub fn into_names(self) -> FunctionNames {
        self.names
    }

    /// The id of `name` (trimmed by the caller); an empty name is
    /// [`DEFAULT_FUNCTION`].
    #[inline(always)]
    pub fn intern(&mut self, name: &[u8]) -> FunctionId {
        if name.is_empty() {
            return match self.unnamed {
                Some(id) => id,
                None => *self.unnamed.insert(self.names.intern(DEFAULT_FUNCTION)),
            };
        }
        let lookup = self.lookup_of(name);
        self.intern_looked_up(name, lookup)
    }

    /// Where `name`'s lookup starts.
    #[inline(always)]
    fn lookup_of(&self, name: &[u8]) -> Lookup {
        let head = head_of(name);
        Lookup {
            head,
            hash: hash(head, name),
        }
    }

    /// Where `name`'s lookup starts; its slot is asked into the cache, for
    /// [`Self::intern_looked_up`] a little later (after the lookups of a few
    /// other names have been started too).
    #[inline(always)]
    pub fn look_up(&self, name: &[u8]) -> Lookup {
        let lookup = self.lookup_of(name);
        prefetch(&self.slots, self.start_of(lookup.hash));
        lookup
    }

    /// [`Self::intern`] of a name whose lookup was started by
    /// [`Self::look_up`] (the table may have grown since: the lookup starts
    /// from the hash).
    #[inline(always)]
    pub fn intern_looked_up(&mut self, name: &[u8], lookup: Lookup) -> FunctionId {
        if name.is_empty() {
            return self.intern(name);
        }
        let Lookup { head, hash } = lookup;
        let mut index = self.start_of(hash);
        while let Some(slot) = self.slots.get(index)
            && slot.id != EMPTY
        {
            if slot.head == head && slot.len as usize == name.len() && self.tail_matches(index, name) {
                return FunctionId(slot.id);
            }
            index = (index + 1) & (self.slots.len() - 1);
        }
        self.insert(head, name)
    }

    fn start_of(&self, hash: u64) -> usize {
        if self.slots.is_empty() {
            usize::MAX
        } else {
            hash as usize & (self.slots.len() - 1)
        }
    }

    /// Whether the name in slot `index`, whose head and length match
    /// `name`'s, has `name`'s tail.
    #[inline(always)]
    fn tail_matches(&self, index: usize, name: &[u8]) -> bool {
        name.len() <= HEAD || {
            let start = self.offsets[index] as usize;
            self.arena[start + HEAD..start + name.len()] == name[HEAD..]
        }
    }

    #[cold]
    fn insert(&mut self, head: u64, name: &[u8]) -> FunctionId {
        if (self.used + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let id = self.names.intern(&String::from_utf8_lossy(name));
        let slot = Slot {
            head,
            len: name.len() as u32,
            id: id.0,
        };
        let offset = self.arena.len() as u32;
        self.arena.extend_from_slice(name);
        self.place(slot, offset, hash(head, name));
        self.used += 1;
        id
    }

    fn place(&mut self, slot: Slot, offset: u32, hash: u64) {
        let mask = self.slots.len() - 1;
        let mut index = hash as usize & mask;
        while self.slots[index].id != EMPTY {
            index = (index + 1) & mask;
        }
        self.slots[index] = slot;
        self.offsets[index] = offset;
    }

    fn grow(&mut self) {
        let capacity = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![VACANT; capacity]);
        let old_offsets = std::mem::replace(&mut self.offsets, vec![0; capacity]);
        for (slot, offset) in old
            .into_iter()
            .zip(old_offsets)
            .filter(|(slot, _)| slot.id != EMPTY)
        {
            let start = offset as usize;
            let name = &self.arena[start..start + slot.len as usize];
            let hash = hash(slot.head, name);
            self.place(slot, offset, hash);
        }
    }
}

/// The first [`HEAD`] bytes of `name` as a word, zero-padded.
///
/// Read with at most two loads, never a byte at a time nor through a copy
/// into a padded buffer (a call to `memcpy` whose byte stores the word's
/// load then waits on: a fifth of the reading thread's time with 50,000
/// names). A shorter name is read as two overlapping halves, its first and
/// its last bytes, whose overlap holds the same bytes in both.
#[inline(always)]
fn head_of(name: &[u8]) -> u64 {
    let length = name.len();
    match length {
        HEAD.. => load::<8>(name, 0),
        4..HEAD => load::<4>(name, 0) | (load::<4>(name, length - 4) << (8 * (length - 4))),
        2..4 => load::<2>(name, 0) | (load::<2>(name, length - 2) << (8 * (length - 2))),
        1 => load::<1>(name, 0),
        _ => 0,
    }
}

/// The `N` bytes of `name` at `offset` as a little-endian word (one load:
/// the copy's length is known when compiling).
#[inline(always)]
fn load<const N: usize>(name: &[u8], offset: usize) -> u64 {
    let mut word = [0u8; 8];
    word[..N].copy_from_slice(&name[offset..offset + N]);
    u64::from_le_bytes(word)
}

#[inline(always)]
fn hash(head: u64, name: &[u8]) -> u64 {
    let add = |hash: u64, word: u64| (hash.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    let mut value = add(add(0, name.len() as u64), head);
    if name.len() > HEAD {
        for chunk in name[HEAD..].chunks(8) {
            value = add(value, head_of(chunk));
        }
    }
    // The product's high bits depend on every input bit, its low bits only
    // on the input's low bits (a name's first bytes, often shared by all
    // names): the table indexes by the low bits, so bring the high ones down.
    value.rotate_left(26)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_get_dense_ids_in_order_of_first_appearance() {
        let mut interner = FunctionInterner::default();
        let long = b"a-function-name-longer-than-sixteen-bytes";
        let similar = b"a-function-name-longer-than-sixteen-bytez";
        let ids: Vec<u32> = [&b"api"[..], long, b"", b"api", similar, long, b"default"]
            .iter()
            .map(|name| interner.intern(name).0)
            .collect();
        // api 0, long 1, empty = "default" 2, similar 3; "default" is the
        // empty name's id.
        assert_eq!(ids, vec![0, 1, 2, 0, 3, 1, 2]);
        assert_eq!(interner.names().name(FunctionId(2)), "default");
    }

    #[test]
    fn a_head_is_the_first_eight_bytes_zero_padded() {
        let bytes: Vec<u8> = (1..=12).collect();
        for length in 0..=12 {
            let mut padded = [0u8; 8];
            let kept = length.min(8);
            padded[..kept].copy_from_slice(&bytes[..kept]);
            assert_eq!(
                head_of(&bytes[..length]),
                u64::from_le_bytes(padded),
                "length {length}"
            );
        }
        // "fn7": f = 0x66, n = 0x6E, 7 = 0x37, the first byte lowest.
        assert_eq!(head_of(b"fn7"), 0x37_6E_66);
    }

    #[test]
    fn names_alike_in_their_first_eight_bytes_stay_apart() {
        let mut interner = FunctionInterner::default();
        // The same 8-byte head: "fn1" padded with zeros as "fn1\0", and
        // "function" with or without a tail; only length or tail differ.
        let names: [&[u8]; 5] = [b"fn1", b"fn1\0", b"function", b"function-a", b"function-b"];
        let ids: Vec<u32> = names.iter().map(|name| interner.intern(name).0).collect();
        assert_eq!(ids, vec![0, 1, 2, 3, 4]);
        let again: Vec<u32> = names.iter().rev().map(|name| interner.intern(name).0).collect();
        assert_eq!(again, vec![4, 3, 2, 1, 0]);
    }

    #[test]
    fn lookups_started_before_the_table_grows_still_find_their_names() {
        let mut interner = FunctionInterner::default();
        let names: Vec<String> = (0..300).map(|index| format!("function-{index}")).collect();
        // In groups of eight; the table grows from 64 slots to 1,024 on the
        // way (past 32, 64, 128 and 256 names), inside groups.
        for group in names.chunks(8) {
            let lookups: Vec<Lookup> = group
                .iter()
                .map(|name| interner.look_up(name.as_bytes()))
                .collect();
            for (name, lookup) in group.iter().zip(lookups) {
                interner.intern_looked_up(name.as_bytes(), lookup);
            }
        }
        assert_eq!(interner.slots.len(), 1_024);
        for (id, name) in names.iter().enumerate() {
            let lookup = interner.look_up(name.as_bytes());
            assert_eq!(
                interner.intern_looked_up(name.as_bytes(), lookup),
                FunctionId(id as u32)
            );
        }
    }

    #[test]
    fn the_table_grows_without_losing_names() {
        let mut interner = FunctionInterner::default();
        let names: Vec<String> = (0..5_000).map(|index| format!("fn{index}")).collect();
        for (index, name) in names.iter().enumerate() {
            assert_eq!(interner.intern(name.as_bytes()).index(), index);
        }
        for (index, name) in names.iter().enumerate().rev() {
            assert_eq!(interner.intern(name.as_bytes()).index(), index);
        }
        // 5,000 names need 16,384 slots (at most half full).
        assert_eq!(interner.slots.len(), 16_384);
    }
}
