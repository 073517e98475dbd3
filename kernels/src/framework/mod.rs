//! "Building a High-Performance Analysis Framework": the seed's
//! `AsyncAnalysisFramework` — plugins, a timing wrapper, batches with
//! bounded concurrency, CPU-heavy plugins on the thread pool, failures kept
//! apart, a report — and its challenge `OptimizedAnalysisFramework`: result
//! caching, an auto-optimizer and adaptive batching, on synthetic images.
//!
//! Every variant runs the same plugin kernels; they differ in how the
//! framework schedules them, so the speedups are the framework's.

pub mod caches;
pub mod engine;
pub mod image;
pub mod plugins;
pub mod report;
pub mod tuning;

use std::hash::{Hash, Hasher};

use caches::{Policy, PolicyCache};
use engine::{Clock, Options, Outcome, Registry, block_on, process_batch};
use image::Image;
use plugins::{Blur, Item, Quality, Segment, Stats, Threshold};
use tuning::{Config, Control};

/// The pipeline as a learner first writes it: blur, check quality, then
/// threshold, segment and measure. The quality check reads no pixel, so it
/// could run first and spare the blur of the images it rejects.
pub const PIPELINE: [&str; 5] = ["blur", "quality", "threshold", "segment", "stats"];

/// The blur's radius.
pub const BLUR_RADIUS: usize = 2;

/// The registry every variant uses: the five plugins, each wrapped by the
/// timing wrapper.
pub fn registry(fail_rate: f64, seed: u64, clock: Clock) -> Registry {
    let mut registry = Registry::new(clock);
    let plugins: [Box<dyn plugins::Plugin>; 5] = [
        Box::new(Blur { radius: BLUR_RADIUS }),
        Box::new(Quality { fail_rate, seed }),
        Box::new(Threshold),
        Box::new(Segment),
        Box::new(Stats),
    ];
    for plugin in plugins {
        registry.register(plugin).expect("the five plugins have distinct names");
    }
    registry
}

/// What every variant must agree on: the regions of each processed item
/// and which items failed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Summary {
    /// Regions over all processed items.
    pub regions: u64,
    /// A hash of every processed item's index and region statistics.
    pub checksum: u64,
    /// The failed items' indices, in order.
    pub failed: Vec<usize>,
}

impl Summary {
    /// The summary of a batch's outcome.
    pub fn of(outcome: &Outcome) -> Summary {
        let mut hasher = std::hash::DefaultHasher::new();
        let mut regions = 0;
        for (index, item) in &outcome.results {
            let found = item.regions.as_deref().unwrap_or_default();
            regions += found.len() as u64;
            (index, found).hash(&mut hasher);
        }
        Summary { regions, checksum: hasher.finish(), failed: outcome.failed.iter().map(|f| f.index).collect() }
    }
}

/// The seed's design as written, which the `naive` variant runs: one item
/// at a time, every plugin awaited in turn on this thread, no cache.
pub fn naive_outcome(registry: &Registry, items: Vec<Item>, pipeline: &[&str]) -> Result<Outcome, String> {
    let plugins = registry.pipeline(pipeline)?;
    let mut outcome = Outcome { max_in_flight: 1, ..Outcome::default() };
    'items: for (index, mut item) in items.into_iter().enumerate() {
        for plugin in &plugins {
            let key = item.key;
            let result = engine::check_input(*plugin, &item).and_then(|()| block_on(plugin.process(item)));
            match result {
                Ok(next) => item = next,
                Err(error) => {
                    outcome.failed.push(engine::Failure::new(index, key, plugin.name(), &error));
                    continue 'items;
                }
            }
        }
        outcome.results.push((index, item));
    }
    Ok(outcome)
}

/// A stream of items and how each variant may run it.
pub struct Job {
    /// The images by key (equal keys, equal images).
    pub images: Vec<Image>,
    /// The stream: each item's image key.
    pub keys: Vec<u64>,
    /// The plugins.
    pub registry: Registry,
    /// Items in flight for `concurrent` and `cached`.
    pub workers: usize,
    /// The result cache's entries for `cached`, `tuned` and `adaptive`.
    pub cache_size: usize,
    /// The auto-optimizer's choice, for `tuned` and `adaptive`.
    pub tuned: Config,
    /// The target batch latency and byte budget of `adaptive`.
    pub control: Control,
    /// The clock of the framework's records.
    pub clock: Clock,
}

impl Job {
    /// A stream of `n` items of `side × side` images with up to `blobs`
    /// blobs, whose keys follow Zipf's law with exponent `zipf`.
    pub fn images(n: usize, side: usize, blobs: usize, zipf: f64, seed: u64) -> (Vec<Image>, Vec<u64>) {
        let keys = image::zipf_keys(n, zipf, seed);
        let count = keys.iter().copied().max().map_or(0, |k| k as usize + 1);
        let images = (0..count).map(|k| image::synthetic(side, blobs, seed.wrapping_add(k as u64))).collect();
        (images, keys)
    }

    /// The stream's first item, if any, without copying the rest.
    pub fn first_item(&self) -> Option<Item> {
        let &key = self.keys.first()?;
        Some(Item::new(key, self.images[key as usize].clone()))
    }

    /// The stream's items, fresh: each call processes copies.
    pub fn items(&self) -> Vec<Item> {
        self.keys.iter().map(|&k| Item::new(k, self.images[k as usize].clone())).collect()
    }

    /// The `cached` variant's cache: LRU with `cache_size` entries.
    pub fn cache(&self) -> PolicyCache<engine::Staged> {
        PolicyCache::new(Policy::Lru { capacity: self.cache_size })
    }
}

/// A framework variant: a stream in, what it agreed on out.
pub type Kernel = fn(&Job) -> Summary;

/// Every variant by name, the seed's design first.
pub const VARIANTS: [(&str, Kernel); 5] = [
    ("naive", naive),
    ("concurrent", concurrent),
    ("cached", cached),
    ("tuned", tuned),
    ("adaptive", adaptive),
];

/// One item at a time, every plugin in turn, no cache.
pub fn naive(job: &Job) -> Summary {
    Summary::of(&naive_outcome(&job.registry, job.items(), &PIPELINE).expect("the pipeline's plugins are registered"))
}

/// `process_batch` over the whole stream: `workers` items in flight,
/// CPU-heavy plugins on the pool.
pub fn concurrent(job: &Job) -> Summary {
    concurrent_in(job, job.workers)
}

/// `concurrent` with `threads` items in flight, the thread sweep's form.
pub fn concurrent_in(job: &Job, threads: usize) -> Summary {
    let pipeline = job.registry.pipeline(&PIPELINE).expect("registered");
    let options = Options { limit: threads, cache: None, clock: job.clock };
    Summary::of(&process_batch(job.items(), &pipeline, options))
}

/// `concurrent` with an LRU result cache keyed by image and pipeline prefix.
pub fn cached(job: &Job) -> Summary {
    let pipeline = job.registry.pipeline(&PIPELINE).expect("registered");
    let mut cache = job.cache();
    let options = Options { limit: job.workers, cache: Some(&mut cache), clock: job.clock };
    Summary::of(&process_batch(job.items(), &pipeline, options))
}

/// `cached` with the auto-optimizer's order, batch size and workers.
pub fn tuned(job: &Job) -> Summary {
    let mut cache = job.cache();
    let outcome = tuning::run_batches(&job.registry, job.items(), &job.tuned, Some(&mut cache), job.clock);
    Summary::of(&outcome.expect("the optimizer chose registered plugins"))
}

/// `tuned` fed by a bounded queue, its batch size adapted to the measured
/// latency and memory.
pub fn adaptive(job: &Job) -> Summary {
    let mut cache = job.cache();
    let streamed = tuning::stream(&job.registry, job.items(), &job.tuned, job.control, QUEUE, Some(&mut cache), job.clock);
    Summary::of(&streamed.expect("the optimizer chose registered plugins").outcome)
}

/// The most images waiting in `adaptive`'s queue: its largest batch.
pub const QUEUE: usize = 32;
