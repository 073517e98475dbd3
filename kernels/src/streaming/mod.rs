//! Seed exercise 9, "Generators and iterators": the sum of the squares of
//! `data`, through a full list of squares (the seed's list comprehension)
//! and through an iterator chain (its generator expression), with two more
//! ways that keep memory bounded.
//!
//! Sums are `i128`: Python's integers do not overflow, and the sum of the
//! squares below 10⁷ is already past `i64::MAX`.

use std::hint::black_box;

/// `list(range(n))`: the seed's data.
pub fn data(n: usize) -> Vec<i64> {
    (0..n as i64).collect()
}

/// A kernel: the sum of the squares of `data`.
pub type Kernel = fn(&[i64]) -> i128;

/// Every variant by name, the naive port first.
pub const VARIANTS: [(&str, Kernel); 4] = [
    ("naive", naive),
    ("iterator", iterator),
    ("chunked", chunked),
    ("parallel", parallel),
];

/// `process_with_list`: `squared = [x * x for x in data]`, then
/// `sum(squared)`. The list of squares is as big as the data: 8 bytes per
/// element, written once and read back once. It passes through
/// `black_box`, as a list handed to other code would, so the compiler
/// cannot fuse the two loops and skip the list.
pub fn naive(data: &[i64]) -> i128 {
    let squared: Vec<i64> = data.iter().map(|x| x * x).collect();
    black_box(&squared).iter().map(|&s| i128::from(s)).sum()
}

/// `process_with_generator`: `sum(x * x for x in data)`. Each square is
/// added as it is made and nothing is stored: no allocation at all, and
/// one pass over the data instead of three.
pub fn iterator(data: &[i64]) -> i128 {
    data.iter().map(|x| i128::from(x * x)).sum()
}

/// Squares made in chunks into one small reused buffer: what a generator
/// pipeline with a buffered stage does. Memory stays at one chunk
/// whatever the size of the data.
pub fn chunked(data: &[i64]) -> i128 {
    const CHUNK: usize = 4096;
    let mut buffer = Vec::with_capacity(CHUNK);
    let mut sum = 0i128;
    for piece in data.chunks(CHUNK) {
        buffer.clear();
        buffer.extend(piece.iter().map(|x| x * x));
        sum += black_box(&buffer)
            .iter()
            .map(|&s| i128::from(s))
            .sum::<i128>();
    }
    sum
}

/// The iterator chain on every thread: an iterator over part of the data
/// needs nothing from the other parts, so streaming splits freely.
pub fn parallel(data: &[i64]) -> i128 {
    parallel_in(data, rayon::current_num_threads())
}

/// [`parallel`] as `parts` tasks, so at most `parts` threads work (the
/// thread sweep's knob). Integer sums are exact in any order.
pub fn parallel_in(data: &[i64], parts: usize) -> i128 {
    let parts = parts.max(1);
    let piece = data.len().div_ceil(parts).max(1);
    crate::interleaved(parts, parts, |task| {
        iterator(
            data.get(task * piece..)
                .map_or(&[][..], |rest| &rest[..piece.min(rest.len())]),
        )
    })
    .into_iter()
    .sum()
}
