//! Seed exercise 8: concatenating strings, and what each way allocates.

use crate::{Exercise, Growth, Target, Variant, Work};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        cases: ShapeList { max_factor: 1_000_000, max_total: 10_000_000, max_len: 8, } = "100x10,1000x100,10000x500",
            "cases (<count>x<length>)",
            "e.g. 100x10 is 100 strings of 10 characters; the seed's cases are the default";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "strings",
    title: "Strings: stop copying what you already built",
    seed: "Performance Optimization Practice, exercise 8 (string concatenation)",
    summary: "Appending to an immutable string copies everything so far on every step; a growable \
              buffer, an exact capacity or a join copies each byte once. Time and allocations \
              per method.",
    explanation: &[
        "Each case is <count>x<length>: count strings of length x's, as the seed's \
         generate_test_data(num_strings, chars_per_string). Note that the seed's code runs \
         100 strings of 10 characters, 1000 of 100 and 10 000 of 500, while its comments say the \
         opposite (\"100 chars, 10 strings\"): the tuples are (num_strings, chars_per_string). \
         The sweep is plotted by the total length, count × length.",
        "1. Why + is slow for repeated concatenation: a Python str is immutable, so \
         result += s builds a new string and copies the whole result into it. Appending count \
         strings of length L copies L + 2L + … + count·L ≈ count²·L/2 bytes and makes count \
         allocations: quadratic. naive does exactly that (CPython sometimes cheats by resizing in \
         place when nothing else refers to the string; that is an interpreter detail, not a \
         promise). The allocations column and the time-vs-memory plot show it.",
        "2. More sizes and kinds of data: edit the cases (up to ten million characters in total). \
         The property tests also run every method on arbitrary Unicode text: UTF-8 strings join \
         byte for byte, so multi-byte characters change the byte count, not the method's cost.",
        "3. Memory of each method: push_str grows one buffer by doubling (about log₂(length) \
         allocations, at most twice the final size at the peak); with_capacity and concat \
         (Python's \"\".join) measure first and allocate exactly once; builder keeps borrowed \
         parts (a vector of references, no copies) and allocates the result once. naive's peak \
         is about twice the result, but its bytes allocated grow with count².",
        "4. When each is appropriate: one or two + are fine and clearest; in a loop, push onto \
         one buffer (push_str, or write! into a String); when the pieces are already in a list, \
         join them (concat/join); when the total is known, reserve it (with_capacity); a \
         StringBuilder earns its keep when parts arrive over time from many places and you want \
         len() before building.",
    ],
    params: PARAMS,
    size_param: "cases",
    variants: &[
        Variant {
            name: "naive",
            technique: "a new string per append, copying all so far: the seed's +=",
            growth: Growth::Quadratic,
        },
        Variant {
            name: "push_str",
            technique: "one buffer that doubles when full",
            growth: Growth::Linear,
        },
        Variant {
            name: "with_capacity",
            technique: "the exact length reserved up front, one allocation",
            growth: Growth::Linear,
        },
        Variant {
            name: "concat",
            technique: "the standard library's concat, Python's \"\".join",
            growth: Growth::Linear,
        },
        Variant {
            name: "builder",
            technique: "the seed's StringBuilder: borrowed parts, one exact allocation",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/strings/mod.rs",
    target: Target {
        variant: "concat",
        baseline: "naive",
        speedup: 20.0,
        size: 100_000,
    },
    thread_sweep: None,
    gpu: &[],
    local_file: None,
    sections: &[],
    limits: None,
    work: Some(Work {
        unit: "bytes",
        per_call: |total, _| total as f64,
    }),
    #[cfg(feature = "runner")]
    runner: &run::Strings,
};
