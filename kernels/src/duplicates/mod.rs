//! Seed exercise 2, "O(n²) → O(n)": find the values that occur more than once.
//!
//! Every variant returns the repeated values in the order of their first
//! occurrence, as the seed's `find_duplicates_slow` does: it appends
//! `numbers[i]` at the first `i` that has an equal later element, which is
//! the value's first occurrence.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// A duplicate-finding kernel: the input list in, the repeated values out.
pub type Kernel = fn(&[u32]) -> Vec<u32>;

/// Every variant by name, the naive port first. Tests and the benchmark
/// worker iterate over this list, so a new variant is tested by being here.
pub const VARIANTS: [(&str, Kernel); 5] = [
    ("naive", naive),
    ("hash_set", hash_set),
    ("sort", sort),
    ("counting", counting),
    ("parallel", parallel),
];

/// The seed's `test_numbers`; every variant must return `[1, 3, 5]`.
pub const TEST_NUMBERS: [u32; 15] = [1, 3, 5, 7, 9, 3, 2, 4, 6, 8, 1, 10, 12, 11, 5];

/// The seed's `generate_test_data`: `size` values drawn uniformly from
/// `1 ..= size / range_divisor` (at least `1 ..= 1`, where Python's
/// `randint(1, 0)` would raise), reproducible from `seed`.
pub fn generate_test_data(size: usize, range_divisor: u32, seed: u64) -> Vec<u32> {
    let high = (size as u64 / u64::from(range_divisor.max(1))).clamp(1, u64::from(u32::MAX)) as u32;
    let mut rng = Pcg64::seed_from_u64(seed);
    (0..size).map(|_| rng.random_range(1..=high)).collect()
}

/// The seed's nested loops: every pair `(i, j)` is compared, and each match
/// scans the result list (`not in duplicates`) before appending. O(n²).
pub fn naive(numbers: &[u32]) -> Vec<u32> {
    let mut duplicates = Vec::new();
    for i in 0..numbers.len() {
        for j in i + 1..numbers.len() {
            if numbers[i] == numbers[j] && !duplicates.contains(&numbers[i]) {
                duplicates.push(numbers[i]);
            }
        }
    }
    duplicates
}

/// One pass with hash sets finds the repeated values in O(n); a second pass
/// over the input emits each once, in first-seen order.
pub fn hash_set(numbers: &[u32]) -> Vec<u32> {
    use std::collections::HashSet;
    let mut seen = HashSet::with_capacity(numbers.len());
    let mut repeated = HashSet::new();
    for &x in numbers {
        if !seen.insert(x) {
            repeated.insert(x);
        }
    }
    let mut duplicates = Vec::with_capacity(repeated.len());
    for &x in numbers {
        if repeated.remove(&x) {
            duplicates.push(x);
        }
    }
    duplicates
}

/// Sorts a copy of `(value, index)` pairs so equal values sit side by side
/// with their first occurrence first, keeps runs longer than one, and
/// restores first-seen order by index. O(n log n).
pub fn sort(numbers: &[u32]) -> Vec<u32> {
    let mut by_value: Vec<(u32, usize)> = numbers.iter().copied().zip(0..).collect();
    by_value.sort_unstable();
    let mut firsts: Vec<(u32, usize)> = by_value
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
        .map(|run| run[0])
        .collect();
    firsts.sort_unstable_by_key(|&(_, index)| index);
    firsts.into_iter().map(|(value, _)| value).collect()
}

/// Counts occurrences in an array indexed by `value - min`: no hashing, no
/// comparisons, O(n + range) time and O(range) memory, so it suits inputs
/// whose values lie in a small range (the seed's generator draws from
/// `1 ..= n / 2`). Counts saturate at 2: "more than once" is all we ask.
pub fn counting(numbers: &[u32]) -> Vec<u32> {
    let (Some(&min), Some(&max)) = (numbers.iter().min(), numbers.iter().max()) else {
        return Vec::new();
    };
    let mut counts = vec![0u8; (max - min) as usize + 1];
    for &x in numbers {
        let count = &mut counts[(x - min) as usize];
        *count = (*count + 1).min(2);
    }
    let mut duplicates = Vec::new();
    for &x in numbers {
        let count = &mut counts[(x - min) as usize];
        if *count == 2 {
            duplicates.push(x);
            *count = 0;
        }
    }
    duplicates
}

/// [`sharded`] with one shard per thread of the current rayon pool.
pub fn parallel(numbers: &[u32]) -> Vec<u32> {
    sharded(numbers, rayon::current_num_threads())
}

/// Splits the values into `shards` disjoint sets by a hash of the value, so
/// each shard finds its own duplicates with its own hash map and no locks;
/// the shards run in parallel (at most `shards` threads work), then their
/// `(first index, value)` pairs are merged in first-seen order. O(n) work
/// per shard for the scan, O(n / shards) for the hashing.
pub fn sharded(numbers: &[u32], shards: usize) -> Vec<u32> {
    use std::collections::HashMap;
    let shards = shards.max(1);
    // A multiplicative hash spreads consecutive values over the shards.
    let shard_of = |x: u32| (x.wrapping_mul(0x9E37_79B1) >> 16) as usize % shards;
    // One task per shard, each spawned on its own (see `interleaved`).
    let per_shard = crate::interleaved(shards, shards, |shard| {
        let mut first_seen: HashMap<u32, (usize, bool)> = HashMap::new();
        for (index, &x) in numbers.iter().enumerate() {
            if shard_of(x) == shard {
                first_seen
                    .entry(x)
                    .and_modify(|(_, repeated)| *repeated = true)
                    .or_insert((index, false));
            }
        }
        first_seen
            .into_iter()
            .filter(|(_, (_, repeated))| *repeated)
            .map(|(x, (index, _))| (index, x))
            .collect::<Vec<_>>()
    });
    let mut firsts: Vec<(usize, u32)> = per_shard.into_iter().flatten().collect();
    firsts.sort_unstable();
    firsts.into_iter().map(|(_, x)| x).collect()
}
