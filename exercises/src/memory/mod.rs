//! Seed exercise 3: a processor that keeps everything, and four fixes.

use crate::params::FromValues;
use crate::{Exercise, Growth, Target, Variant, Work};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        iterations: IntList { min: 1, max: 2000, max_len: 6, } = "10,50,100",
            "iterations",
            "steps to time; the seed runs 50";
        chunk: Int { min: 1, max: 1_000_000, } = "10000",
            "chunk",
            "numbers per chunk; the seed uses 10000";
        cache_limit: Int { min: 1, max: 1000 } = "4",
            "cache limit",
            "chunks the bounded cache keeps";
        cleanup_every: Int { min: 1, max: 1000 } = "10",
            "clean up every",
            "steps between two cleanups of the cleanup variant";
    }
}

/// The most bytes the leaking variants may keep: the threaded build's
/// memory is 1 GiB, shared with everything else in the worker.
const KEPT_BYTES: u64 = 512 << 20;

/// Refuses, before anything runs, a run whose leak cannot fit: the seed's
/// processor keeps every chunk in its list and again in its cache, 8 bytes
/// a number each, and the list's growth copies it once more at worst.
fn limits(values: &crate::params::ParamValues) -> Vec<crate::params::ParamError> {
    let (iterations, chunk) = (values.list("iterations").iter().max().copied().unwrap_or(0), values.int("chunk"));
    let bytes = iterations * chunk * 24;
    if bytes <= KEPT_BYTES {
        return Vec::new();
    }
    vec![crate::params::ParamError {
        name: "iterations".into(),
        message: format!(
            "iterations: {iterations} steps of {chunk} numbers make the naive processor keep about {} MiB; at most \
             {} MiB fit in the worker's memory: lower iterations or chunk",
            bytes >> 20,
            KEPT_BYTES >> 20
        ),
    }]
}

pub static EXERCISE: Exercise = Exercise {
    id: "memory",
    title: "Memory: find the leak, then stream, bound, clean up or hold weakly",
    seed: "Performance Optimization Practice, exercise 3 (memory profiling)",
    summary: "The seed's DataProcessor keeps every chunk twice, in a list and in a cache that never \
              shrinks. The worker's counting allocator measures live bytes after every step: the \
              leak, and four fixes that get the same sum.",
    explanation: &[
        "The naive variant is the seed's DataProcessor.process_large_dataset: each step makes a chunk of \
         chunk numbers, copies it onto data_store and also stores it in cache under the step's number. \
         Neither is ever emptied, so memory grows by two chunks per step for as long as the object \
         lives: a leak in everything but name.",
        "streaming is the generator fix: each chunk is summed as it is produced and nothing is kept. \
         bounded keeps a running sum and a least-recently-used cache of at most cache_limit chunks. \
         cleanup is the seed's class with a clear_cache method called every cleanup_every steps; note \
         that Vec::clear keeps its allocation, so the fix assigns a new, empty one. weak caches weak \
         references (Rc/Weak, Python's WeakValueDictionary) to chunks that something else owns: the \
         processor keeps the cache_limit most recent chunks in use, and the cache maps every step to \
         its chunk without keeping it alive. An entry lives exactly as long as its chunk is in use \
         elsewhere, so the cache's memory is the window's, however many steps it has seen.",
        "What the fixes buy is memory: bounded's peak is cache_limit chunks however many steps run, \
         where the seed's grows by two chunks a step (the table's peak column). Time gains less: the \
         target asks bounded for 1.3× at 50 steps, and it measures about 1.5×, the cost of copying \
         each chunk onto a list that keeps outgrowing its allocation (and is copied again each time). \
         The gap widens with the steps, as the seed's list does.",
        "Memory here is measured, not estimated: every allocation of the worker goes through a counting \
         allocator, and the plot below shows the bytes live after every step of one call. WebAssembly \
         memory grows and never shrinks (its size says how big the heap once was), so the allocator's \
         live bytes, not the memory size, are what show a leak being fixed. The table sets the seed's \
         memory_estimate (28 bytes per kept number, as for a CPython int, and 100 per cache entry) \
         beside the measured bytes. It is wrong twice: a Rust i64 takes 8 bytes, not 28, and a cache \
         entry holds a whole chunk, not 100 bytes; the errors partly cancel, and the list's capacity, \
         which doubles as it grows, is in neither.",
    ],
    params: PARAMS,
    size_param: "iterations",
    variants: &[
        Variant {
            name: "naive",
            technique: "every chunk kept in a list and an ever-growing cache: the seed's code",
            growth: Growth::Linear,
        },
        Variant {
            name: "streaming",
            technique: "each chunk summed as it is generated; nothing kept",
            growth: Growth::Linear,
        },
        Variant {
            name: "bounded",
            technique: "a running sum and an LRU cache of a few chunks",
            growth: Growth::Linear,
        },
        Variant {
            name: "cleanup",
            technique: "the seed's class, emptied by clear_cache every few steps",
            growth: Growth::Linear,
        },
        Variant {
            name: "weak",
            technique: "a cache of weak references to the chunks in use: entries live as long as their owners",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/memory/mod.rs",
    target: Target {
        variant: "bounded",
        baseline: "naive",
        speedup: 1.3,
        size: 50,
    },
    thread_sweep: None,
    gpu: &[],
    local_file: None,
    sections: &[],
    limits: Some(limits),
    work: Some(Work {
        unit: "numbers",
        per_call: |iterations, values| (iterations * Params::from_values(values).chunk) as f64,
    }),
    #[cfg(feature = "runner")]
    runner: &run::Memory,
};
