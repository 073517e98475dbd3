//! Seed exercise 4, caching: recursive Fibonacci without a cache, with an
//! unbounded memo (`lru_cache(maxsize=None)`), with a bounded LRU cache
//! (`lru_cache(maxsize=k)`), and iteratively; and the seed's challenge, a
//! TTL cache that wraps any function, with an injectable clock.
//!
//! Each cached call starts with an empty cache, so a timing measures the
//! algorithm with its cache, not a lookup of an answer cached by an earlier
//! call (which is what timing Python's decorated function twice measures).

use std::collections::HashMap;
use std::hash::Hash;
use std::num::NonZeroUsize;

use lru::LruCache;

/// A Fibonacci kernel: `n` in, `fib(n)` out.
pub type Kernel = fn(u32) -> u64;

/// Every variant by name, the naive port first; the bounded cache with the
/// exercise's default size. Tests iterate over this list.
pub const VARIANTS: [(&str, Kernel); 4] = [
    ("naive", naive),
    ("memoized", memoized),
    ("lru", |n| lru(n, DEFAULT_MAXSIZE).0),
    ("iterative", iterative),
];

/// The bounded cache's default `maxsize`.
pub const DEFAULT_MAXSIZE: usize = 8;

/// The largest `n` whose Fibonacci number fits in a `u64`.
pub const MAX_N: u32 = 93;

/// The seed's `fibonacci`: two recursive calls per call, O(φⁿ) calls.
pub fn naive(n: u32) -> u64 {
    if n <= 1 {
        return n as u64;
    }
    naive(n - 1) + naive(n - 2)
}

/// What a cache did during one call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that computed the value.
    pub misses: u64,
    /// Entries dropped to make room (bounded cache) or expired (TTL cache).
    pub evictions: u64,
    /// The most entries held at once.
    pub peak_entries: usize,
}

/// [`memoized_with_stats`] without the counters.
pub fn memoized(n: u32) -> u64 {
    memoized_with_stats(n).0
}

/// `lru_cache(maxsize=None)`: every value is kept, so each `n` is computed
/// once. O(n) calls, O(n) memory. For fib(35): 36 misses, 33 hits, as
/// Python's `cache_info()` reports.
pub fn memoized_with_stats(n: u32) -> (u64, CacheStats) {
    fn fib(n: u32, cache: &mut HashMap<u32, u64>, stats: &mut CacheStats) -> u64 {
        if let Some(&value) = cache.get(&n) {
            stats.hits += 1;
            return value;
        }
        stats.misses += 1;
        let value = if n <= 1 {
            n as u64
        } else {
            fib(n - 1, cache, stats) + fib(n - 2, cache, stats)
        };
        cache.insert(n, value);
        stats.peak_entries = stats.peak_entries.max(cache.len());
        value
    }
    let mut stats = CacheStats::default();
    let value = fib(n, &mut HashMap::new(), &mut stats);
    (value, stats)
}

/// `lru_cache(maxsize)`: at most `maxsize` values are kept, the least
/// recently used dropped first. Recursion touches `n − 1` and `n − 2` right
/// after computing them, so even a small cache keeps the work linear; a
/// cache of one entry does not (try `maxsize` 1 and 2).
pub fn lru(n: u32, maxsize: usize) -> (u64, CacheStats) {
    fn fib(n: u32, cache: &mut LruCache<u32, u64>, stats: &mut CacheStats) -> u64 {
        if let Some(&value) = cache.get(&n) {
            stats.hits += 1;
            return value;
        }
        stats.misses += 1;
        let value = if n <= 1 {
            n as u64
        } else {
            fib(n - 1, cache, stats) + fib(n - 2, cache, stats)
        };
        if let Some((evicted, _)) = cache.push(n, value) {
            stats.evictions += u64::from(evicted != n);
        }
        stats.peak_entries = stats.peak_entries.max(cache.len());
        value
    }
    let mut stats = CacheStats::default();
    let mut cache = LruCache::new(NonZeroUsize::new(maxsize.max(1)).expect("at least one entry"));
    let value = fib(n, &mut cache, &mut stats);
    (value, stats)
}

/// Two running values, no recursion, no cache: O(n) time, O(1) memory.
pub fn iterative(n: u32) -> u64 {
    if n == 0 {
        return 0;
    }
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 1..n {
        (a, b) = (b, a + b);
    }
    b
}

/// A source of the current time in seconds; injectable, so a TTL cache can
/// be tested without waiting.
pub trait Clock {
    /// Seconds since some fixed point.
    fn now(&self) -> f64;
}

/// The seed's `TTLCache`: values expire `ttl` seconds after they were set.
pub struct TtlCache<K, V, C> {
    ttl: f64,
    clock: C,
    entries: HashMap<K, (V, f64)>,
    stats: CacheStats,
}

impl<K: Eq + Hash, V: Clone, C: Clock> TtlCache<K, V, C> {
    /// An empty cache whose entries live `ttl_seconds`, timed by `clock`.
    pub fn new(ttl_seconds: f64, clock: C) -> Self {
        TtlCache {
            ttl: ttl_seconds,
            clock,
            entries: HashMap::new(),
            stats: CacheStats::default(),
        }
    }

    /// The value for `key` if it was set less than `ttl` seconds ago; an
    /// expired entry is removed (and counted as an eviction).
    pub fn get(&mut self, key: &K) -> Option<V> {
        let now = self.clock.now();
        match self.entries.get(key) {
            Some((value, set_at)) if now - set_at < self.ttl => {
                self.stats.hits += 1;
                Some(value.clone())
            }
            Some(_) => {
                self.entries.remove(key);
                self.stats.evictions += 1;
                self.stats.misses += 1;
                None
            }
            None => {
                self.stats.misses += 1;
                None
            }
        }
    }

    /// Stores `value` for `key`, stamped with the current time.
    pub fn set(&mut self, key: K, value: V) {
        self.entries.insert(key, (value, self.clock.now()));
        self.stats.peak_entries = self.stats.peak_entries.max(self.entries.len());
    }

    /// The decorator: the cached value, or `function(&key)` computed,
    /// stored and returned.
    pub fn call(&mut self, key: K, function: impl FnOnce(&K) -> V) -> V {
        if let Some(value) = self.get(&key) {
            return value;
        }
        let value = function(&key);
        self.set(key, value.clone());
        value
    }

    /// What the cache has done so far.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// Entries held, expired or not.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// [`TtlCache`] bound to one function: `TtlCached::new(f, ttl, clock)` is
/// the seed's `@TTLCache(ttl)` decorator applied to `f`.
pub struct TtlCached<K, V, C, F> {
    cache: TtlCache<K, V, C>,
    function: F,
}

impl<K: Eq + Hash, V: Clone, C: Clock, F: FnMut(&K) -> V> TtlCached<K, V, C, F> {
    /// Wraps `function` in a cache whose entries live `ttl_seconds`.
    pub fn new(function: F, ttl_seconds: f64, clock: C) -> Self {
        TtlCached {
            cache: TtlCache::new(ttl_seconds, clock),
            function,
        }
    }

    /// Calls the wrapped function through the cache.
    pub fn call(&mut self, key: K) -> V {
        let function = &mut self.function;
        self.cache.call(key, function)
    }

    /// The cache's counters.
    pub fn stats(&self) -> CacheStats {
        self.cache.stats()
    }
}

/// What one call through a TTL cache did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answered from the cache.
    Hit,
    /// Not cached: the function ran.
    Miss,
    /// Cached but too old: dropped, and the function ran.
    Expired,
}

/// One call of the TTL demo.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoCall {
    /// When the call was made, in seconds of simulated time.
    pub at: f64,
    /// The key asked for.
    pub key: &'static str,
    /// What the cache did.
    pub outcome: Outcome,
}

/// The TTL cache in front of a slow function (each computation takes
/// `work_seconds` of simulated time), asked for "prices" every second and
/// for "rates" every three seconds, for `duration` seconds: the timeline of
/// hits, misses and expiries the seed's challenge describes, computed with
/// the injectable clock, so it is the same on every machine.
pub fn ttl_demo(ttl_seconds: f64, work_seconds: f64, duration: f64) -> Vec<DemoCall> {
    use std::cell::Cell;
    use std::rc::Rc;

    struct Simulated(Rc<Cell<f64>>);
    impl Clock for Simulated {
        fn now(&self) -> f64 {
            self.0.get()
        }
    }
    let now = Rc::new(Cell::new(0.0));
    let working = now.clone();
    let mut slow = TtlCached::new(
        move |key: &&'static str| {
            working.set(working.get() + work_seconds);
            key.len()
        },
        ttl_seconds,
        Simulated(now.clone()),
    );
    let mut calls = Vec::new();
    let mut second = 0u32;
    while f64::from(second) < duration {
        for key in ["prices", "rates"] {
            if key == "rates" && !second.is_multiple_of(3) {
                continue;
            }
            now.set(now.get().max(f64::from(second)));
            let (before, at) = (slow.stats(), now.get());
            slow.call(key);
            let after = slow.stats();
            let outcome = if after.hits > before.hits {
                Outcome::Hit
            } else if after.evictions > before.evictions {
                Outcome::Expired
            } else {
                Outcome::Miss
            };
            calls.push(DemoCall { at, key, outcome });
        }
        second += 1;
    }
    calls
}
