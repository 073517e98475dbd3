//! Seed exercise 1: profile the seed's program, find its bottleneck, fix it.

use crate::{Exercise, Growth, Target, Variant};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        values: IntList { min: 1, max: 100_000, max_len: 8, } = "100,300,1000",
            "values in the first list",
            "the seed draws 100 (and twice as many for the second list)";
        wait_ms: Int { min: 0, max: 5_000 } = "100",
            "simulated I/O wait (ms)",
            "each of the two waits of main(); the seed sleeps 0.1 s";
        seed: Int { min: 0, max: u32::MAX as u64, } = "42",
            "random seed",
            "the same seed gives the same lists";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "profiling",
    title: "Profiling: measure first, then fix what the profile shows",
    seed: "Performance Optimization Practice, exercise 1 (profiling basics with cProfile)",
    summary: "A span profiler, the Rust analog of cProfile, runs the seed's main() with its real \
              I/O waits: a table of calls and times, a flame graph, and a report that names the \
              bottleneck and its fix.",
    explanation: &[
        "The seed's main() draws 100 random numbers (100 … 1000), passes them to process_data, \
         which calls slow_calculation(n), a loop adding i² for every i < n; it waits 0.1 s \
         (simulated I/O), does the same for 200 numbers (500 … 2000), waits again, and processes \
         the first list a second time. Here the waits are real browser timers awaited by async \
         code in the worker, not busy loops.",
        "The profiler is a guard: `let _span = probe.enter(\"slow_calculation\")` records the \
         time the function is entered, and dropping the span at the end of the function records \
         the exit, like the seed's profile_function decorator wrapping each call. The program is \
         generic over the probe: with the Unprofiled probe every span is an empty value the \
         compiler removes, which is the baseline of the profiler's overhead below. Like cProfile \
         it is deterministic (every call is recorded, none sampled), so it is exact about call \
         counts and costs a little time on every call.",
        "Reading the table as pstats prints it, sorted by cumulative time: ncalls is how many \
         times a function ran; tottime is the time spent in its own code, callees excluded; \
         cumtime includes everything it called; percall divides each by ncalls. main's cumtime \
         is the whole run; the function with the largest tottime is where the time actually \
         goes. The browser's clock ticks every few microseconds, so a single short call reads \
         as zero or one tick, but the sums over hundreds of calls average that out.",
        "What the profile says: most of the wall time is waiting, which no faster arithmetic \
         can shorten; of the compute, nearly all is slow_calculation. Its loop has a closed \
         form, (n − 1)·n·(2n − 1)/6, which gives the same integer in O(1); the profile also \
         shows process_data called three times with two distinct lists, so the third pass can \
         come from a cache. The compiler knows the closed form too: without a black_box in the \
         loop, it replaces the loop by the formula on its own, and the naive variant would be \
         as fast as the fix.",
        "The variants time the compute only (the waits cost every variant the same 2 × wait_ms): \
         the seed's loop, the loop memoized per n (@lru_cache on slow_calculation), the closed \
         form, and the closed form with each pass cached by its list. Caching a pass has to hash \
         the list, which costs about what the closed form costs, so it saves little once the \
         arithmetic is O(1): memoize expensive functions, not cheap ones.",
    ],
    params: PARAMS,
    size_param: "values",
    variants: &[
        Variant {
            name: "naive",
            technique: "the seed's loop: Σ i² one iteration at a time",
            growth: Growth::Linear,
        },
        Variant {
            name: "memoized",
            technique: "the loop, each slow_calculation(n) computed once and cached",
            growth: Growth::Linear,
        },
        Variant {
            name: "closed_form",
            technique: "(n − 1)·n·(2n − 1)/6 instead of the loop",
            growth: Growth::Linear,
        },
        Variant {
            name: "optimized",
            technique: "the closed form, and each pass cached by its input list",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/profiling/mod.rs",
    target: Target {
        variant: "closed_form",
        baseline: "naive",
        speedup: 50.0,
        size: 100,
    },
    thread_sweep: None,
    gpu: &[],
    local_file: None,
    sections: &[],
    limits: None,
    work: None,
    #[cfg(feature = "runner")]
    runner: &run::Profiling,
};
