//! Seed exercise 9: a list of squares, then its sum, against an iterator.

use crate::{Exercise, Growth, Target, Variant, Work};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        n: IntList { min: 1, max: 40_000_000, max_len: 6, } = "100000,1000000,10000000",
            "n",
            "elements, list(range(n)); the seed uses 1000000 and asks for 10M+";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "streaming",
    title: "Streaming: sum as you go instead of building a list",
    seed: "Performance Optimization Practice, exercise 9 (generators and iterators)",
    summary: "The seed's sum of squares through a full list and through a generator, to 10⁷ elements and \
              beyond: the same result, one with memory as big as the data and one with none.",
    explanation: &[
        "naive is the seed's process_with_list: [x * x for x in data] builds a list as long as the data, \
         and sum() reads it back. iterator is process_with_generator: each square is added as it is \
         made. Rust's iterator chains are its generators, except that they cost nothing: map and sum \
         compile to one loop with no object per item, where a Python generator pays a function \
         resumption per element.",
        "Watch the memory column: naive's peak is 8 bytes per element (80 MB at 10⁷), measured by the \
         worker's counting allocator; iterator and parallel allocate nothing; chunked holds one buffer of \
         4096 squares (32 KiB) whatever the size — a pipeline stage that batches. The data itself \
         (list(range(n)), 8 bytes per element) is made before the measurement and is the same for all. \
         Time differs less than memory: naive writes 8 bytes per element and reads them back, which is \
         memory traffic the others never make.",
        "When to use a generator: whenever the consumer reads the items once, in order — sums, filters, \
         writing out, a file processed row by row (the csv_stream exercise). Keep a list when the items \
         are read more than once, out of order, or need their length first. Sums here are 128-bit \
         integers: like Python's, they cannot overflow, and the sum of the squares below 10⁷ is already \
         larger than a 64-bit integer holds.",
    ],
    params: PARAMS,
    size_param: "n",
    variants: &[
        Variant {
            name: "naive",
            technique: "a list of every square, then its sum: the seed's list comprehension",
            growth: Growth::Linear,
        },
        Variant {
            name: "iterator",
            technique: "an iterator chain: each square added as it is made, nothing stored",
            growth: Growth::Linear,
        },
        Variant {
            name: "chunked",
            technique: "squares made 4096 at a time into one reused buffer",
            growth: Growth::Linear,
        },
        Variant {
            name: "parallel",
            technique: "the iterator chain over one slice of the data per thread",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/streaming/mod.rs",
    target: Target {
        variant: "iterator",
        baseline: "naive",
        speedup: 1.3,
        size: 10_000_000,
    },
    thread_sweep: Some("parallel"),
    gpu: &[],
    local_file: None,
    sections: &[],
    limits: None,
    work: Some(Work {
        unit: "elements",
        per_call: |n, _| n as f64,
    }),
    #[cfg(feature = "runner")]
    runner: &run::Streaming,
};
