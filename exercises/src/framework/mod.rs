//! "Coding Advanced Activities": the plugin-based analysis framework — the
//! seed's `AsyncAnalysisFramework` and its challenge, caching, an
//! auto-optimizer and adaptive batching — on synthetic images.

use crate::{Exercise, Growth, Target, Variant, Work};

#[cfg(feature = "runner")]
mod demo;
#[cfg(feature = "runner")]
pub(super) mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        images: IntList { min: 1, max: 2000, max_len: 6 } = "8,32",
            "images",
            "items per batch, the sweep; a stream of this many images with repeats";
        size: Int { min: 8, max: 512 } = "256",
            "size (pixels per side)",
            "each image is size × size grayscale pixels";
        blobs: Int { min: 0, max: 64 } = "6",
            "blobs",
            "bright blobs per image, at most: each image has between half and all of them";
        fail_rate: Int { min: 0, max: 100 } = "10",
            "fail_rate (%)",
            "the percentage of images the quality plugin rejects, the same images every time";
        repeat: Int { min: 0, max: 300 } = "110",
            "repeat (Zipf s × 100)",
            "how often images repeat: image k is drawn with weight 1/(k+1)^s; 0 draws uniformly, \
             higher repeats the popular ones more";
        cache_size: Int { min: 0, max: 10_000 } = "64",
            "cache_size (entries)",
            "the result cache's entries (one per image, at the deepest stage it reached); the \
             memory-aware cache gets as many bytes as this many input images";
        batch: Int { min: 1, max: 1000 } = "32",
            "batch (fixed)",
            "the fixed batch size that adaptive batching is compared with";
        workers: Int { min: 1, max: 16 } = "2",
            "workers",
            "items in flight at once, and the most pool threads the CPU-heavy plugins use";
        memory_kb: Int { min: 64, max: 1_000_000 } = "1024",
            "memory_kb (budget)",
            "the bytes a batch in flight may hold, for the optimizer and adaptive batching";
        target_ms: Int { min: 1, max: 10_000 } = "10",
            "target_ms (batch latency)",
            "adaptive batching grows a batch while it takes less than this";
        ttl_ms: Int { min: 1, max: 60_000 } = "10",
            "ttl_ms (cache entry life)",
            "the TTL cache drops an entry this long after storing it";
        seed: Int { min: 0, max: 1_000_000 } = "42",
            "seed",
            "the same seed gives the same images, repeats and failures";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "framework",
    title: "Framework: plugins, caches, an auto-optimizer and adaptive batching",
    seed: "Coding Advanced Activities: building a high-performance analysis framework",
    summary: "The seed's AsyncAnalysisFramework in Rust — plugins behind a trait, a timing wrapper, \
              batches with a semaphore, CPU-heavy plugins on the thread pool, failures kept apart, a \
              report — and its three TODOs built: smart caching, an auto-optimizer, adaptive batching.",
    explanation: &[
        "A stream of synthetic images (bright blobs on noise, some repeated) goes through five plugins: \
         blur (a separable box blur), quality (rejects a seeded fraction of images), threshold (Otsu's \
         method), segment (connected components by union-find) and stats (area, centroid and mean \
         intensity per region). Each plugin implements one trait — name, kind (CPU-heavy or light), \
         input validation and an async process — and the registry wraps every plugin in a timing \
         wrapper, the seed's timing_decorator as a type, so no plugin times itself.",
        "Every variant runs the same plugin kernels; what differs is the framework around them. naive \
         is the seed's design as written: one image at a time, every plugin awaited in turn. \
         concurrent is process_batch with a semaphore of `workers` permits. The batch is a small task graph, \
         as Dask builds one: images × plugins, each image's plugins a chain of tasks that depend on the one \
         before. The executor runs what is ready: light plugins on the worker's event loop, then the CPU-heavy \
         steps of the images in flight together on the thread pool, one job each; an image that ends frees \
         its permit and the next one is admitted at once. cached adds a result cache keyed by image and pipeline prefix, so a repeated \
         image resumes after the deepest stage already computed. tuned runs the auto-optimizer's \
         choice of plugin order, batch size and workers, and adaptive feeds tuned from a bounded queue, \
         its batch size set from the measured latency and memory.",
        "The auto-optimizer first proves which orders it may use: it runs every order of the plugins on \
         a sample and keeps those with the same results (quality reads no pixel, so it can run before \
         blur and spare the blur of the images it rejects; blur after threshold would change the \
         regions' intensities). Then it times each kept order × batch size × worker count on the \
         sample, picks the fastest and caches the choice: a second run reuses it and says so.",
        "What to read: the Gantt charts show which lane ran each plugin call — the top row is the event \
         loop, the rows below it the pool's threads — so the idle gaps where a round waits for its slowest \
         image are visible. The cache table compares LRU, LFU, TTL and a memory-aware cache on the same \
         stream; the report turns the metrics into sentences with their numbers.",
    ],
    params: PARAMS,
    size_param: "images",
    variants: &[
        Variant {
            name: "naive",
            technique: "the seed's design: one image at a time, every plugin awaited in turn",
            growth: Growth::Linear,
        },
        Variant {
            name: "concurrent",
            technique: "process_batch: a semaphore of `workers` permits, CPU-heavy plugins on the pool",
            growth: Growth::Linear,
        },
        Variant {
            name: "cached",
            technique: "concurrent plus an LRU result cache keyed by image and pipeline prefix",
            growth: Growth::Linear,
        },
        Variant {
            name: "tuned",
            technique: "cached with the auto-optimizer's plugin order, batch size and workers",
            growth: Growth::Linear,
        },
        Variant {
            name: "adaptive",
            technique: "tuned fed by a bounded queue, its batch size adapted to latency and memory",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/framework/mod.rs",
    // Measured here at the defaults (two cores): 1.5–1.9× in six runs.
    target: Target {
        variant: "tuned",
        baseline: "naive",
        speedup: 1.3,
        size: 32,
    },
    thread_sweep: Some("concurrent"),
    gpu: &[],
    local_file: None,
    sections: &[],
    limits: None,
    work: Some(Work {
        unit: "images",
        per_call: |n, _| n as f64,
    }),
    #[cfg(feature = "runner")]
    runner: &run::Framework,
};
