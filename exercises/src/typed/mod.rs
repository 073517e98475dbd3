//! Bonus exercise B: what static types buy, from an interpreter to SIMD.

use crate::{Exercise, Growth, Target, Variant, Work};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        n: IntList { min: 1, max: 10_000_000, max_len: 8, } = "1000,10000,100000",
            "n",
            "how many numbers to sum";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "typed",
    title: "Typed: from an interpreter to SIMD, one step at a time",
    seed: "Performance Optimization Practice, bonus exercise B (Cython basics)",
    summary: "The same sum of squares run by a dynamically typed interpreter, then with static \
              types, without bounds checks, and with SIMD lanes: the speedup ladder Cython climbs.",
    explanation: &[
        "naive runs the loop `total = total + data[i] * data[i]` in a small interpreter built the \
         way CPython is: every value is a heap object (a boxed float), every variable is looked up \
         by name in a dictionary, every operation checks its operands' types at run time and \
         allocates its result. That is the work Python does for each step, and the reason a pure \
         Python loop runs at tens of millions of operations per second at best.",
        "typed is what a .pyx file with `cdef double total` and `cdef Py_ssize_t i` compiles to: \
         the types are known ahead of time, so values sit unboxed in registers and `+` is one \
         instruction. The first and biggest step: no lookups, no type checks, no allocation.",
        "unchecked is Cython's @boundscheck(False): typed checks `i < len(data)` on every step, \
         because `n` comes from outside and the compiler cannot prove it; slicing `data[..n]` once \
         moves that check out of the loop. Measure it: here the two run at the same speed. The \
         check is a branch that is always predicted, and the loop is limited by its chain of \
         dependent additions (each waits for the previous one), not by the check. What a check \
         can cost is vectorization, and a floating-point sum is not vectorized automatically \
         anyway: addition is not associative, so the compiler may not reorder it. simd reorders \
         it on purpose, two squares per instruction in f64x2 lanes with four independent \
         accumulators, and runs several times faster.",
        "Why static types and known layouts make code fast: the machine adds numbers, not objects. \
         Knowing the type removes the dispatch, knowing the layout (a contiguous array of f64) \
         removes the pointers, and knowing the bounds removes the checks, which leaves the loop \
         free to be vectorized. The numbers are whole (0 … 999), so every variant's sum is exact \
         and they agree to the last digit.",
    ],
    params: PARAMS,
    size_param: "n",
    variants: &[
        Variant {
            name: "naive",
            technique: "a dynamically typed interpreter: boxed values, names looked up in a dictionary",
            growth: Growth::Linear,
        },
        Variant {
            name: "typed",
            technique: "static types: unboxed f64 in registers, a bounds check per step",
            growth: Growth::Linear,
        },
        Variant {
            name: "unchecked",
            technique: "one bounds check before the loop instead of one per step",
            growth: Growth::Linear,
        },
        Variant {
            name: "simd",
            technique: "f64x2 lanes (SIMD128) and four independent accumulators",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/typed/mod.rs",
    target: Target {
        variant: "simd",
        baseline: "naive",
        speedup: 100.0,
        size: 100_000,
    },
    thread_sweep: None,
    gpu: &[],
    local_file: None,
    sections: &[],
    limits: None,
    work: Some(Work {
        unit: "elements",
        per_call: |n, _| n as f64,
    }),
    #[cfg(feature = "runner")]
    runner: &run::Typed,
};
