//! Seed exercise 5, part B, "CPU-bound task": `process_number` over a list
//! of numbers, one after another and on threads.

use rayon::prelude::*;

/// The seed's CPU-intensive computation: `Σ √i · sin i · cos i` for `i < n`.
pub fn process_number(n: u64) -> f64 {
    let mut result = 0.0;
    for i in 0..n {
        let x = i as f64;
        result += x.sqrt() * x.sin() * x.cos();
    }
    result
}

/// The seed's list for `count` numbers: 100 000, 200 000, ….
pub fn numbers(count: usize) -> Vec<u64> {
    (1..=count as u64).map(|k| k * 100_000).collect()
}

/// A kernel over the list: one result per number.
pub type Kernel = fn(&[u64]) -> Vec<f64>;

/// Every variant by name, the naive port first.
pub const VARIANTS: [(&str, Kernel); 3] = [
    ("naive", naive),
    ("per_number", per_number),
    ("split", split),
];

/// `process_sequential`: one number after another.
pub fn naive(numbers: &[u64]) -> Vec<f64> {
    numbers.iter().map(|&n| process_number(n)).collect()
}

/// `Pool.map(process_number, numbers)`: one task per number. The numbers
/// cost 1, 2, … 5 units, so the thread that draws the largest finishes
/// last while the others wait: the list's imbalance caps the speedup.
pub fn per_number(numbers: &[u64]) -> Vec<f64> {
    numbers.par_iter().map(|&n| process_number(n)).collect()
}

/// Items of one task of [`split`].
const PIECE: u64 = 1 << 14;

/// The sum of `√i · sin i · cos i` for `i` in `range`.
fn partial(range: std::ops::Range<u64>) -> f64 {
    range
        .map(|i| i as f64)
        .map(|x| x.sqrt() * x.sin() * x.cos())
        .sum()
}

/// Every number's range cut into equal pieces, all pieces shared out over
/// the threads: balanced work. Adding pieces changes the summation order,
/// so results agree with naive within rounding, not bit for bit.
pub fn split(numbers: &[u64]) -> Vec<f64> {
    split_in(numbers, rayon::current_num_threads())
}

/// [`split`] as `parts` tasks, so at most `parts` threads work (the thread
/// sweep's knob).
pub fn split_in(numbers: &[u64], parts: usize) -> Vec<f64> {
    let pieces: Vec<(usize, std::ops::Range<u64>)> = numbers
        .iter()
        .enumerate()
        .flat_map(|(index, &n)| {
            (0..n)
                .step_by(PIECE as usize)
                .map(move |start| (index, start..(start + PIECE).min(n)))
        })
        .collect();
    let sums = crate::interleaved(pieces.len(), parts, |piece| {
        partial(pieces[piece].1.clone())
    });
    // Each number's pieces are added in order, so the result does not
    // depend on the number of parts.
    let mut results = vec![0.0; numbers.len()];
    for ((index, _), sum) in pieces.iter().zip(sums) {
        results[*index] += sum;
    }
    results
}
