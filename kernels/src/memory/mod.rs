//! Seed exercise 3, "Memory profiling": the seed's `DataProcessor`, which
//! keeps every chunk it processed twice (in a growing list and in an
//! ever-growing cache), and four ways to get the same sum without the leak.
//!
//! Every variant runs `iterations` steps; step `i` makes the chunk
//! `0, 1, …, chunk − 1` and processes it. After each step it calls
//! `after_step` with the seed's own estimate of its memory
//! (`memory_estimate`: 28 bytes per kept item, as for a CPython `int`, and
//! 100 per cache entry), so a caller can set the estimate beside what an
//! allocator measures at that moment.

use std::collections::{HashMap, VecDeque};
use std::num::NonZeroUsize;
use std::rc::{Rc, Weak};

use lru::LruCache;

/// What one run processes.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Steps (the seed's `iterations`).
    pub iterations: usize,
    /// Items per chunk (the seed's 10 000).
    pub chunk: usize,
    /// Most chunks the bounded cache keeps.
    pub cache_limit: usize,
    /// Steps between two cleanups of the `cleanup` variant.
    pub cleanup_every: usize,
}

/// The result and the seed's statistics at the end.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// `sum(self.data_store)`: the sum of every chunk's items.
    pub sum: i64,
    /// Items kept (`len(self.data_store)`).
    pub total_items: usize,
    /// Cache entries (`len(self.cache)`).
    pub cache_size: usize,
}

/// The seed's `memory_estimate`.
pub fn memory_estimate(total_items: usize, cache_size: usize) -> u64 {
    total_items as u64 * 28 + cache_size as u64 * 100
}

/// A processing kernel; `after_step` gets the seed's estimate after each step.
pub type Kernel = fn(&Config, &mut dyn FnMut(u64)) -> Outcome;

/// Every variant by name, the naive port first.
pub const VARIANTS: [(&str, Kernel); 5] = [
    ("naive", naive),
    ("streaming", streaming),
    ("bounded", bounded),
    ("cleanup", cleanup),
    ("weak", weak),
];

/// The chunk of step `i`: `[j for j in range(chunk)]`.
fn make_chunk(chunk: usize) -> Vec<i64> {
    (0..chunk as i64).collect()
}

/// The seed's class: every chunk is copied into `data_store` and kept in
/// `cache` under its step, and neither is ever emptied.
pub struct DataProcessor {
    data_store: Vec<i64>,
    cache: HashMap<usize, Vec<i64>>,
}

impl DataProcessor {
    /// An empty processor.
    pub fn new() -> DataProcessor {
        DataProcessor {
            data_store: Vec::new(),
            cache: HashMap::new(),
        }
    }

    /// One step of `process_large_dataset`.
    fn step(&mut self, i: usize, chunk: usize) {
        let chunk = make_chunk(chunk);
        self.data_store.extend_from_slice(&chunk);
        self.cache.insert(i, chunk); // always growing cache
    }

    /// The seed's `get_statistics()['memory_estimate']`.
    fn estimate(&self) -> u64 {
        memory_estimate(self.data_store.len(), self.cache.len())
    }
}

impl Default for DataProcessor {
    fn default() -> Self {
        Self::new()
    }
}

/// The seed's code: the list and the cache grow by two copies of every
/// chunk, and the sum is taken over the whole list at the end.
pub fn naive(config: &Config, after_step: &mut dyn FnMut(u64)) -> Outcome {
    let mut processor = DataProcessor::new();
    for i in 0..config.iterations {
        processor.step(i, config.chunk);
        after_step(processor.estimate());
    }
    Outcome {
        sum: processor.data_store.iter().sum(),
        total_items: processor.data_store.len(),
        cache_size: processor.cache.len(),
    }
}

/// A generator instead of lists: each chunk is summed as it is produced
/// and nothing is kept; memory stays flat whatever the iterations. Each
/// number passes through `black_box`, as a generator's items would come
/// from elsewhere: otherwise the compiler replaces the sum of a range by
/// its closed form and nothing is generated at all.
pub fn streaming(config: &Config, after_step: &mut dyn FnMut(u64)) -> Outcome {
    let mut sum = 0i64;
    for _ in 0..config.iterations {
        sum += (0..config.chunk as i64)
            .map(std::hint::black_box)
            .sum::<i64>();
        after_step(memory_estimate(0, 0));
    }
    Outcome {
        sum,
        total_items: 0,
        cache_size: 0,
    }
}

/// A running sum instead of the list, and a cache that keeps only the
/// `cache_limit` most recently used chunks (least recently used evicted).
pub fn bounded(config: &Config, after_step: &mut dyn FnMut(u64)) -> Outcome {
    let mut cache =
        LruCache::new(NonZeroUsize::new(config.cache_limit.max(1)).expect("at least 1"));
    let mut sum = 0i64;
    for i in 0..config.iterations {
        let chunk = make_chunk(config.chunk);
        sum += chunk.iter().sum::<i64>();
        cache.put(i, chunk);
        after_step(memory_estimate(0, cache.len()));
    }
    Outcome {
        sum,
        total_items: 0,
        cache_size: cache.len(),
    }
}

/// The seed's class with a `clear_cache` method called every
/// `cleanup_every` steps: the list's sum so far is kept, then the list and
/// the cache are replaced by empty ones. `Vec::clear` alone would keep the
/// allocation (its capacity); assigning a new `Vec` gives it back.
pub fn cleanup(config: &Config, after_step: &mut dyn FnMut(u64)) -> Outcome {
    let mut processor = DataProcessor::new();
    let mut sum = 0i64;
    for i in 0..config.iterations {
        processor.step(i, config.chunk);
        if (i + 1) % config.cleanup_every.max(1) == 0 {
            sum += processor.data_store.iter().sum::<i64>();
            processor = DataProcessor::new();
        }
        after_step(processor.estimate());
    }
    sum += processor.data_store.iter().sum::<i64>();
    Outcome {
        sum,
        total_items: processor.data_store.len(),
        cache_size: processor.cache.len(),
    }
}

/// A cache of weak references (Python's `WeakValueDictionary`) over
/// chunks that something else owns: the processor keeps the `cache_limit`
/// most recent chunks in use (a window, as a pipeline keeps its recent
/// results), and the cache maps every step to its chunk without keeping it
/// alive. An entry lives exactly as long as its chunk is in use elsewhere:
/// when the window lets a chunk go, its buffer is freed and the entry is
/// dead, and dropped as new ones arrive. Memory is the window's, however
/// many steps the cache has seen. (A `Weak` keeps the `Rc`'s small header
/// allocated until it is dropped itself.)
pub fn weak(config: &Config, after_step: &mut dyn FnMut(u64)) -> Outcome {
    let mut in_use: VecDeque<Rc<Vec<i64>>> = VecDeque::new();
    let mut cache: HashMap<usize, Weak<Vec<i64>>> = HashMap::new();
    let mut sum = 0i64;
    for i in 0..config.iterations {
        let chunk = Rc::new(make_chunk(config.chunk));
        sum += chunk.iter().sum::<i64>();
        cache.insert(i, Rc::downgrade(&chunk));
        in_use.push_back(chunk);
        if in_use.len() > config.cache_limit.max(1) {
            in_use.pop_front();
        }
        cache.retain(|_, entry| entry.strong_count() > 0);
        let kept = in_use.len() * config.chunk;
        after_step(memory_estimate(kept, cache.len()));
    }
    Outcome {
        sum,
        total_items: in_use.len() * config.chunk,
        cache_size: cache.len(),
    }
}
