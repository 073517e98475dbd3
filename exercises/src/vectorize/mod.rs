//! Seed exercise 6: column statistics, from a list of lists to SIMD lanes.

use crate::params::FromValues;
use crate::{Exercise, Growth, Target, Variant, Work};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        rows: IntList { min: 1, max: 200_000, max_len: 8, } = "1000,3000,10000",
            "rows",
            "row counts to time; the seed uses 1000";
        cols: Int { min: 1, max: 1000 } = "100",
            "columns",
            "numbers per row; the seed uses 100";
        offset: Int { min: 0, max: 1_000_000_000_000, } = "1000000000",
            "precision demo offset",
            "added to every number in the precision table";
    }
}

/// The most bytes a table may take: the threaded build's memory is 1 GiB,
/// shared with the worker's code, the pool's stacks and the measurements.
const TABLE_BYTES: u64 = 512 << 20;

/// Refuses, before anything runs, a table that cannot fit: both layouts
/// hold every value (8 bytes each), and each nested row its own header.
fn limits(values: &crate::params::ParamValues) -> Vec<crate::params::ParamError> {
    let (rows, cols) = (values.list("rows").iter().max().copied().unwrap_or(0), values.int("cols"));
    let bytes = rows * (16 * cols + 24);
    if bytes <= TABLE_BYTES {
        return Vec::new();
    }
    vec![crate::params::ParamError {
        name: "rows".into(),
        message: format!(
            "rows: {rows} rows × {cols} columns need about {} MiB (every value in both layouts); at most {} MiB \
             fit in the worker's memory: lower rows or cols",
            bytes >> 20,
            TABLE_BYTES >> 20
        ),
    }]
}

pub static EXERCISE: Exercise = Exercise {
    id: "vectorize",
    title: "Vectorize: contiguous memory, SIMD lanes, threads",
    seed: "Performance Optimization Practice, exercise 6 (NumPy optimization)",
    summary: "The same column statistics over a list of lists and over one contiguous buffer: \
              memory layout, one pass instead of three, SIMD and threads, and a variance formula \
              that loses its digits.",
    explanation: &[
        "The naive variant is the seed's calculate_stats_python: the table is a list of rows, each \
         row its own allocation, and two of its three passes walk it column by column. Every step \
         of those loops jumps to another row somewhere else in memory, so the processor's caches \
         and prefetcher cannot help, and every number is read three times.",
        "flat is what NumPy does for you: the numbers live in one contiguous row-major buffer and \
         are read once, in storage order, updating every column's sum and sum of squares and the \
         row's sum as it goes. simd does the same two columns per instruction with f64x2 lanes \
         (WebAssembly SIMD128, the analog of NumPy's vectorized inner loops), and parallel splits \
         the rows into blocks that threads reduce separately and then merge.",
        "NumPy's advantages, answered: contiguous typed storage (no pointer per element, no boxed \
         floats), loops in compiled code with SIMD, one pass where Python needs several, and \
         threads in the libraries under it. The throughput column reads the bytes of the table \
         per second: the fast variants approach the memory bandwidth, where the only remaining \
         cost is reading the data once.",
        "The seed computes the variance as E[x²] − E[x]². With data far from zero both terms are \
         huge and nearly equal, and their difference cancels: at an offset of 10⁹, E[x²] ≈ 10¹⁸ \
         is only known to about ±128, while the variance is 1/12. The table below shows the \
         seed's formula losing every digit (or going negative: the square root of a negative \
         number is NaN; Python would raise ValueError) while welford, which updates a running \
         mean and sum of squared deviations, stays exact to about 15 digits. welford costs a \
         division per number; it is the one to use when you cannot bound your data's offset.",
    ],
    params: PARAMS,
    size_param: "rows",
    variants: &[
        Variant {
            name: "naive",
            technique: "a list of lists, column-wise index loops, three passes: the seed's code",
            growth: Growth::Linear,
        },
        Variant {
            name: "flat",
            technique: "one contiguous buffer read once, in storage order",
            growth: Growth::Linear,
        },
        Variant {
            name: "simd",
            technique: "the flat pass two columns at a time in f64x2 lanes (SIMD128)",
            growth: Growth::Linear,
        },
        Variant {
            name: "parallel",
            technique: "blocks of rows reduced on every thread, then merged",
            growth: Growth::Linear,
        },
        Variant {
            name: "welford",
            technique: "the flat pass with Welford's numerically stable variance",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/vectorize/mod.rs",
    target: Target {
        variant: "simd",
        baseline: "naive",
        speedup: 10.0,
        size: 10_000,
    },
    thread_sweep: Some("parallel"),
    gpu: &[],
    local_file: None,
    sections: &[],
    limits: Some(limits),
    work: Some(Work {
        unit: "bytes",
        per_call: |rows, values| (rows * Params::from_values(values).cols * 8) as f64,
    }),
    #[cfg(feature = "runner")]
    runner: &run::Vectorize,
};
