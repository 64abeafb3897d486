//! A hint to the processor to bring an item into cache before it is needed:
//! state too large for the cache (tens of thousands of functions) is asked
//! for a few requests ahead of the one being served or read (a model's
//! per-function state, the trace reader's table of names), so that its load
//! does not wait on memory. It changes nothing a program can observe, only
//! how long loads take.

/// Starts loading the cache line holding `items[index]`. An index past the
/// end is no error: nothing is read, so it only wastes the hint.
#[inline(always)]
pub fn prefetch<T>(items: &[T], index: usize) {
    let address = items.as_ptr().wrapping_add(index);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing a program sees and cannot fault,
    // whatever the address; SSE, which the instruction needs, is part of
    // every x86-64 processor.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(address.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_index_is_a_harmless_hint() {
        // Within, at and far past the end, and of an empty table: nothing
        // is read and nothing changes.
        let items = vec![7u64; 4];
        for index in [0, 3, 4, usize::MAX] {
            prefetch(&items, index);
        }
        prefetch::<u64>(&[], 10);
        assert_eq!(items, vec![7; 4]);
    }
}
