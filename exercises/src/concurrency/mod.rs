//! Seed exercise 5: I/O-bound requests at several concurrency limits, and
//! CPU-bound work on threads.

use crate::{Exercise, Growth, Target, Variant, Work};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        count: IntList { min: 1, max: 20, max_len: 6, } = "1,3,5",
            "numbers",
            "how many of 100000, 200000, … part B processes; the seed's list has 5";
        limits: IntList { min: 1, max: 50, max_len: 6, } = "1,5,10,50",
            "concurrency limits k",
            "part A: at most k requests in flight; 1 is one after another, 50 is all at once";
        latency_ms: Int { min: 0, max: 2000 } = "100",
            "latency (ms)",
            "part A: the endpoint's mean answer time";
        jitter_ms: Int { min: 0, max: 1000 } = "20",
            "jitter (ms)",
            "part A: each answer's time varies by up to this much either way";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "concurrency",
    title: "Concurrency: wait together, compute apart",
    seed: "Performance Optimization Practice, exercise 5 (concurrency optimization)",
    summary: "Part A: the seed's 50 requests one after another, all at once, and at most k at once, as real \
              fetches against an endpoint with a set latency. Part B: process_number over the seed's list, \
              sequential and on threads, with the thread sweep and Amdahl's law.",
    explanation: &[
        "Part A is I/O-bound. The seed fetches its 5 URLs × 10 one after another, so the total is 50 \
         latencies end to end. Here each request is a real fetch() from the worker to the site's own \
         endpoint (answered by its service worker after the latency you set, ± the jitter), waited for \
         on the browser's event loop. With at most k requests in flight, the total falls to about \
         ⌈50 / k⌉ latencies: waiting overlaps, and it needs no thread at all, only an event loop \
         (asyncio's analog). The charts below show each request as a bar, one row per slot.",
        "Part B is CPU-bound: the seed's process_number over [100 000, 200 000, …]. naive runs the \
         numbers one after another. per_number gives each number its own task, as multiprocessing's \
         Pool.map does; the numbers cost 1, 2, …, 5 units, so the thread that draws the biggest \
         finishes last and the others idle. split cuts every number's range into equal pieces and \
         shares the pieces out: balanced work, and the thread sweep below fits Amdahl's law to it.",
        "When to use each: for waiting (network, disk, timers), concurrency on one thread — async \
         code on an event loop, or threads if the library blocks; for computing, parallelism — as \
         many threads as cores, with the work split evenly. Python's GIL lets only one thread run \
         Python code at a time, so its threads help waiting but not computing, and multiprocessing \
         pays to copy data between processes. The browser's map: the page's main thread is the one \
         event loop that must stay responsive (no kernel runs there); Web Workers are the threads, \
         each with its own event loop; SharedArrayBuffer (the threaded build) lets them share \
         memory without copying, which is what rayon's pool here uses — threads without a GIL.",
    ],
    params: PARAMS,
    size_param: "count",
    variants: &[
        Variant {
            name: "naive",
            technique: "one number after another: the seed's process_sequential",
            growth: Growth::Quadratic,
        },
        Variant {
            name: "per_number",
            technique: "one task per number on the thread pool, like Pool.map",
            growth: Growth::Quadratic,
        },
        Variant {
            name: "split",
            technique: "every range cut into equal pieces shared over the threads",
            growth: Growth::Quadratic,
        },
    ],
    source: "kernels/src/concurrency/mod.rs",
    target: Target {
        variant: "split",
        baseline: "naive",
        speedup: 1.3,
        size: 5,
    },
    thread_sweep: Some("split"),
    gpu: &[],
    local_file: None,
    sections: &[],
    limits: None,
    work: Some(Work {
        unit: "terms",
        per_call: |count, _| (count * (count + 1) / 2 * 100_000) as f64,
    }),
    #[cfg(feature = "runner")]
    runner: &run::Concurrency,
};
