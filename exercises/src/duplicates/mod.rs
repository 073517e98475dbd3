//! Seed exercise 2: duplicate detection, from O(n²) to O(n).

use crate::{Exercise, Growth, Target, Variant, Work};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        sizes: IntList { min: 1, max: 10_000_000, max_len: 12, } = "100,500,1000,2000,10000",
            "sizes (n)",
            "list lengths to time; the seed uses 100, 500, 1000, 2000, and the target is at 10 000";
        range_divisor: Int { min: 1, max: 1_000_000, } = "2",
            "range divisor",
            "values are drawn from 1 ..= n / divisor; the seed uses 2";
        seed: Int { min: 0, max: u32::MAX as u64, } = "42",
            "random seed",
            "the same seed gives the same input";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "duplicates",
    title: "Duplicates: from O(n²) to O(n)",
    seed: "Performance Optimization Practice, exercise 2 (algorithm optimization)",
    summary: "The same answer from nested loops, a hash set, sorting and counting: \
              the algorithm, not the language, decides how the time grows.",
    explanation: &[
        "The naive variant is the seed's find_duplicates_slow, ported line for line: for every \
         element it compares all later elements, and on each match scans the result list \
         (`not in duplicates`) before appending. That is n(n−1)/2 comparisons: doubling n \
         quadruples the time, which is a slope of 2 on the log-log plot.",
        "The hash set visits each element once; a lookup costs about the same whatever the \
         size, so the time grows linearly (slope 1). Sorting costs O(n log n) and needs no \
         hashing; counting into an array indexed by value needs neither, but its memory grows \
         with the range of the values, so it fits only bounded inputs like the seed's \
         (values from 1 to n / 2).",
        "The parallel variant splits the values, by a hash of the value, into one shard per \
         thread, so each thread keeps its own hash map and no two threads ever touch the same \
         value: no locks. Every thread still scans the whole input, which is the serial part \
         that Amdahl's law charges for; the thread sweep below measures it.",
        "All variants return the repeated values in order of first occurrence, as the seed's \
         function does, so the outputs are compared exactly. Notice how the gap widens with n: \
         a speedup is not one number but a function of the size, and the fitted exponent in the \
         legend says why.",
    ],
    params: PARAMS,
    size_param: "sizes",
    variants: &[
        Variant {
            name: "naive",
            technique: "nested loops with a `not in` list check: the seed's code",
            growth: Growth::Quadratic,
        },
        Variant {
            name: "hash_set",
            technique: "one pass with hash sets, a second pass keeps first-seen order",
            growth: Growth::Linear,
        },
        Variant {
            name: "sort",
            technique: "sort (value, index) pairs, scan neighbours, restore first-seen order",
            growth: Growth::LogLinear,
        },
        Variant {
            name: "counting",
            technique: "a counting array over the bounded value range: no hashing, no comparisons",
            growth: Growth::Linear,
        },
        Variant {
            name: "parallel",
            technique: "values sharded by hash over the threads, one hash map per shard, merged in order",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/duplicates/mod.rs",
    target: Target {
        variant: "hash_set",
        baseline: "naive",
        speedup: 50.0,
        size: 10_000,
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
    runner: &run::Duplicates,
};
