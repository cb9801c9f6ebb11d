//! Sorting for the handful of items the core ever sorts: the spellings of one field, the
//! changes to one entry, the (at most three) changed data keys.
//!
//! The standard library's stable sort is written for large inputs; each of its instantiations
//! adds about 3 KB to the WebAssembly module, which has a size budget. An insertion sort is a
//! few dozen bytes, stable, and fastest at these sizes anyway.

/// Sorts `items` by `key`, keeping the order of equal keys (stable). Quadratic: for short
/// slices only.
pub(crate) fn sort_small_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && key(&items[j - 1]) > key(&items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sort_small_by_key;

    #[test]
    fn sorts_and_keeps_equal_keys_in_order() {
        let mut v = [(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        sort_small_by_key(&mut v, |p| p.0);
        assert_eq!(v, [(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
    }

    #[test]
    fn agrees_with_the_standard_stable_sort() {
        // A fixed pseudo-random sequence with many repeated keys.
        let mut x: u32 = 12345;
        let mut v: Vec<(u32, usize)> = (0..200)
            .map(|i| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                ((x >> 16) % 7, i)
            })
            .collect();
        let mut expected = v.clone();
        expected.sort_by_key(|p| p.0);
        sort_small_by_key(&mut v, |p| p.0);
        assert_eq!(v, expected);
    }
}
