//! Seed exercise 4: caching recursive Fibonacci.

use crate::{Exercise, Growth, Target, Variant};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        n: IntList { min: 1, max: kernels_max_n(), max_len: 12, } = "35,40,45",
            "n",
            "which Fibonacci numbers to compute; the seed uses 35, 40, 45";
        ttl_ms: Int { min: 100, max: 60_000, } = "5000",
            "TTL (ms)",
            "how long the TTL demo keeps a value, in milliseconds";
        maxsize: Int { min: 1, max: 1000 } = "8",
            "LRU maxsize",
            "entries the bounded cache keeps; try 1, 2 and 3";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "caching",
    title: "Caching: memoize, bound, or rethink",
    seed: "Performance Optimization Practice, exercise 4 (caching with lru_cache, TTL caches)",
    summary: "Recursive Fibonacci recomputes the same values an exponential number of times; \
              a cache makes it linear, a bounded cache trades memory for misses, and a loop \
              needs no cache at all.",
    explanation: &[
        "The naive variant is the seed's fibonacci: fib(n) calls fib(n − 1) and fib(n − 2), and \
         each of those calls both again, so the number of calls grows like φⁿ (φ ≈ 1.618): every \
         +5 in n multiplies the time by about 11. The fit below recovers that base from the \
         measured times.",
        "memoized is @lru_cache(maxsize=None): each fib(k) is computed once and kept, so fib(n) \
         costs n + 1 misses and n − 2 hits (Python's cache_info() for fib(35) says hits=33, \
         misses=36; so does this cache). lru is @lru_cache(maxsize): only the most recently used \
         values are kept. Because the recursion needs fib(n − 2) right after computing fib(n − 1), \
         a cache of three entries keeps the work linear; one or two entries evict exactly what \
         is needed next, and the time explodes again. That is the memory-vs-speed trade-off: the \
         unbounded cache's memory grows with n, a bounded one's does not, and whether that costs \
         speed depends on how the program reuses values.",
        "iterative keeps two numbers and needs no cache: O(n) time, O(1) memory. A cache is the \
         right tool when the same expensive inputs recur across calls (and the seed's TTL cache, \
         in the kernels, adds expiry for values that go stale); when the reuse is inside one \
         computation, restructuring it is usually better.",
        "The timeline shows the seed's TTL cache (in the kernels: TtlCache, and TtlCached, which \
         wraps any function like the seed's decorator) in front of a function that takes half a \
         second, on a simulated clock: \"prices\" is asked for every second, \"rates\" every \
         three. A value is served from the cache until it is ttl seconds old, then recomputed: \
         stale data is bounded by the TTL, and the slow function runs once per TTL per key.",
        "Each cached call here starts with an empty cache, so the numbers measure computing \
         fib(n) with a cache. Timing Python's decorated function twice measures a dictionary \
         lookup the second time.",
    ],
    params: PARAMS,
    size_param: "n",
    variants: &[
        Variant {
            name: "naive",
            technique: "two recursive calls per call: the seed's code",
            growth: Growth::Exponential,
        },
        Variant {
            name: "memoized",
            technique: "an unbounded memo, like @lru_cache(maxsize=None)",
            growth: Growth::Linear,
        },
        Variant {
            name: "lru",
            technique: "a bounded least-recently-used cache, like @lru_cache(maxsize)",
            growth: Growth::Linear,
        },
        Variant {
            name: "iterative",
            technique: "two running values, no recursion, no cache",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/caching/mod.rs",
    target: Target {
        variant: "memoized",
        baseline: "naive",
        speedup: 1000.0,
        size: 35,
    },
    thread_sweep: None,
    gpu: &[],
    local_file: None,
    sections: &[],
    limits: None,
    work: None,
    #[cfg(feature = "runner")]
    runner: &run::Caching,
};

/// The largest `n` whose Fibonacci number fits in a `u64` (kernels'
/// `MAX_N`, restated so the app does not link kernels; a test checks it).
const fn kernels_max_n() -> u64 {
    93
}
