//! The challenge's smart caching: one result cache with four eviction
//! policies — LRU, LFU, TTL (on an injected clock) and memory-aware (a byte
//! budget, evicting the largest entries) — and their hit rates on a stream.
//!
//! The victim is found by a scan over the entries, O(entries) per eviction:
//! plain to read and fast enough at these sizes. A production LRU keeps a
//! linked hash map instead (the `lru` crate, which the `caching` exercise
//! uses).

use std::collections::HashMap;

/// A result cache: `get` and `put` by key, at a time from the caller's
/// clock (only TTL reads it).
pub trait Cache<V> {
    /// Looks `key` up: a hit returns a copy of the value.
    fn get(&mut self, key: u64, now_ms: f64) -> Option<V>;
    /// Stores `value`, which holds `bytes`, evicting what the policy says.
    fn put(&mut self, key: u64, value: V, bytes: usize, now_ms: f64);
    /// What happened so far.
    fn stats(&self) -> CacheStats;
}

/// A cache's counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups that found a live entry.
    pub hits: u64,
    /// Lookups that did not.
    pub misses: u64,
    /// Entries evicted to make room.
    pub evictions: u64,
    /// Entries dropped because they had expired.
    pub expired: u64,
    /// Entries held now.
    pub entries: usize,
    /// Bytes held now.
    pub held_bytes: usize,
    /// The most bytes held at once.
    pub peak_bytes: usize,
}

impl CacheStats {
    /// Hits over lookups, 0 before any lookup.
    pub fn hit_rate(&self) -> f64 {
        let lookups = self.hits + self.misses;
        if lookups == 0 { 0.0 } else { self.hits as f64 / lookups as f64 }
    }
}

/// Which entry goes when room is needed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Policy {
    /// At most `capacity` entries; the least recently used goes.
    Lru {
        /// Entries kept.
        capacity: usize,
    },
    /// At most `capacity` entries; the least often used goes (the least
    /// recently used of those).
    Lfu {
        /// Entries kept.
        capacity: usize,
    },
    /// At most `capacity` entries, each dropped `ttl_ms` after it was
    /// stored; beyond the capacity, the least recently used goes.
    Ttl {
        /// Entries kept.
        capacity: usize,
        /// An entry's life from when it was stored.
        ttl_ms: f64,
    },
    /// At most `budget` bytes; the largest entry goes (the least recently
    /// used of those), and an entry larger than the budget is not kept.
    Memory {
        /// Bytes kept.
        budget: usize,
    },
}

impl Policy {
    /// The strategy's name, as the page shows it.
    pub fn name(&self) -> &'static str {
        match self {
            Policy::Lru { .. } => "lru",
            Policy::Lfu { .. } => "lfu",
            Policy::Ttl { .. } => "ttl",
            Policy::Memory { .. } => "memory",
        }
    }
}

struct Entry<V> {
    value: V,
    bytes: usize,
    stored_ms: f64,
    last_used: u64,
    uses: u64,
}

/// A cache under one [`Policy`].
pub struct PolicyCache<V> {
    policy: Policy,
    entries: HashMap<u64, Entry<V>>,
    tick: u64,
    stats: CacheStats,
}

impl<V: Clone> PolicyCache<V> {
    /// An empty cache.
    pub fn new(policy: Policy) -> PolicyCache<V> {
        PolicyCache { policy, entries: HashMap::new(), tick: 0, stats: CacheStats::default() }
    }

    fn remove(&mut self, key: u64) {
        if let Some(entry) = self.entries.remove(&key) {
            self.stats.held_bytes -= entry.bytes;
        }
    }

    /// The key the policy evicts first.
    fn victim(&self) -> Option<u64> {
        let entries = self.entries.iter();
        match self.policy {
            Policy::Lru { .. } | Policy::Ttl { .. } => entries.min_by_key(|(_, e)| e.last_used),
            Policy::Lfu { .. } => entries.min_by_key(|(_, e)| (e.uses, e.last_used)),
            Policy::Memory { .. } => entries.min_by_key(|(_, e)| (std::cmp::Reverse(e.bytes), e.last_used)),
        }
        .map(|(&key, _)| key)
    }

    /// Whether the cache is over its limit with `bytes` more.
    fn full(&self, bytes: usize) -> bool {
        match self.policy {
            Policy::Lru { capacity } | Policy::Lfu { capacity } | Policy::Ttl { capacity, .. } => {
                self.entries.len() >= capacity
            }
            Policy::Memory { budget } => self.stats.held_bytes + bytes > budget,
        }
    }
}

impl<V: Clone> Cache<V> for PolicyCache<V> {
    fn get(&mut self, key: u64, now_ms: f64) -> Option<V> {
        self.tick += 1;
        if let (Policy::Ttl { ttl_ms, .. }, Some(entry)) = (self.policy, self.entries.get(&key))
            && now_ms - entry.stored_ms > ttl_ms
        {
            self.remove(key);
            self.stats.expired += 1;
        }
        let tick = self.tick;
        match self.entries.get_mut(&key) {
            Some(entry) => {
                entry.last_used = tick;
                entry.uses += 1;
                self.stats.hits += 1;
                Some(entry.value.clone())
            }
            None => {
                self.stats.misses += 1;
                None
            }
        }
    }

    fn put(&mut self, key: u64, value: V, bytes: usize, now_ms: f64) {
        self.tick += 1;
        self.remove(key);
        let capacity_zero = matches!(self.policy, Policy::Lru { capacity: 0 } | Policy::Lfu { capacity: 0 } | Policy::Ttl { capacity: 0, .. });
        let too_big = matches!(self.policy, Policy::Memory { budget } if bytes > budget);
        if capacity_zero || too_big {
            return;
        }
        while self.full(bytes) {
            let Some(victim) = self.victim() else { break };
            self.remove(victim);
            self.stats.evictions += 1;
        }
        self.entries.insert(key, Entry { value, bytes, stored_ms: now_ms, last_used: self.tick, uses: 1 });
        self.stats.held_bytes += bytes;
        self.stats.peak_bytes = self.stats.peak_bytes.max(self.stats.held_bytes);
    }

    fn stats(&self) -> CacheStats {
        CacheStats { entries: self.entries.len(), ..self.stats }
    }
}
