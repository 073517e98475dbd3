//! Generators and iterators: the same pipeline of four steps, as a list
//! built at each step (Python's list comprehensions one after another)
//! and as a lazy iterator chain (Python's generator expressions), which
//! holds one item at a time.

use std::hint::black_box;
use std::ops::Range;

/// A variant: the pipeline's result over the numbers of `items`.
pub type Kernel = fn(&Range<u64>) -> u64;

/// Every variant by name, the list per step first.
pub const VARIANTS: [(&str, Kernel); 2] = [("collect", collect), ("lazy", lazy)];

/// A `Vec` at each step: the numbers, their squares, the even ones, each
/// scaled; then the sum. Memory holds whole lists: about 3 × 8n bytes at
/// the peak. (`black_box` keeps each list real; the compiler would
/// otherwise fuse the steps itself.)
pub fn collect(items: &Range<u64>) -> u64 {
    let numbers: Vec<u64> = black_box(items.clone().collect());
    let squares: Vec<u64> = black_box(numbers.iter().map(|x| x.wrapping_mul(*x)).collect());
    let even: Vec<u64> = black_box(
        squares
            .iter()
            .copied()
            .filter(|x| x.is_multiple_of(2))
            .collect(),
    );
    let scaled: Vec<u64> = black_box(even.iter().map(|x| x / 3 + 1).collect());
    scaled.iter().fold(0u64, |sum, &x| sum.wrapping_add(x))
}

/// A lazy chain: each number goes through every step before the next one
/// starts; nothing is stored, and the compiler fuses the steps into one
/// loop.
pub fn lazy(items: &Range<u64>) -> u64 {
    items
        .clone()
        .map(|x| x.wrapping_mul(x))
        .filter(|x| x.is_multiple_of(2))
        .map(|x| x / 3 + 1)
        .fold(0u64, |sum, x| sum.wrapping_add(x))
}
