//! Every Fibonacci variant against the naive one, and the TTL cache with a
//! clock the test controls. Runs on the host and in headless Chromium.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::cell::Cell;
use std::rc::Rc;

use kernels::caching::{
    CacheStats, Clock, Outcome, TtlCache, TtlCached, VARIANTS, iterative, lru, memoized_with_stats,
    naive, ttl_demo,
};

#[test]
fn every_variant_matches_naive_up_to_30() {
    for n in 0..=30 {
        let expected = naive(n);
        for (name, kernel) in VARIANTS {
            assert_eq!(kernel(n), expected, "{name}({n})");
        }
    }
}

#[test]
fn the_seed_value_and_the_largest_that_fits() {
    for (name, kernel) in VARIANTS.iter().skip(1) {
        assert_eq!(kernel(35), 9_227_465, "{name}");
    }
    assert_eq!(iterative(93), 12_200_160_415_121_876_738);
}

#[test]
fn cache_counters_match_pythons_cache_info() {
    // functools.lru_cache(maxsize=None) on fib(35): hits=33, misses=36.
    let (_, stats) = memoized_with_stats(35);
    assert_eq!(
        (
            stats.hits,
            stats.misses,
            stats.evictions,
            stats.peak_entries
        ),
        (33, 36, 0, 36)
    );
    let (value, small) = lru(35, 2);
    assert_eq!(value, 9_227_465);
    assert!(small.evictions > 0 && small.peak_entries == 2, "{small:?}");
    let (_, big) = lru(35, 64);
    assert_eq!(
        big,
        CacheStats {
            hits: 33,
            misses: 36,
            evictions: 0,
            peak_entries: 36
        }
    );
}

#[test]
fn any_maxsize_gives_the_same_numbers() {
    for maxsize in 1..10 {
        for n in [0, 1, 2, 10, 25] {
            assert_eq!(lru(n, maxsize).0, naive(n), "maxsize {maxsize}, n {n}");
        }
    }
}

/// A clock the test moves by hand.
#[derive(Clone, Default)]
struct ManualClock(Rc<Cell<f64>>);

impl Clock for ManualClock {
    fn now(&self) -> f64 {
        self.0.get()
    }
}

#[test]
fn ttl_entries_expire_after_their_time() {
    let clock = ManualClock::default();
    let mut cache = TtlCache::new(10.0, clock.clone());
    cache.set("a", 1);
    assert_eq!(cache.get(&"a"), Some(1));
    clock.0.set(9.9);
    assert_eq!(cache.get(&"a"), Some(1));
    clock.0.set(10.0);
    assert_eq!(cache.get(&"a"), None, "expired at exactly ttl");
    assert!(cache.is_empty(), "an expired entry is removed");
    assert_eq!(cache.get(&"b"), None);
    assert_eq!(
        cache.stats(),
        CacheStats {
            hits: 2,
            misses: 2,
            evictions: 1,
            peak_entries: 1
        }
    );
}

#[test]
fn the_ttl_decorator_calls_the_function_only_on_a_miss() {
    let clock = ManualClock::default();
    let calls = Rc::new(Cell::new(0));
    let counted = calls.clone();
    let mut slow_square = TtlCached::new(
        move |x: &u64| {
            counted.set(counted.get() + 1);
            x * x
        },
        5.0,
        clock.clone(),
    );
    assert_eq!(
        (
            slow_square.call(3),
            slow_square.call(3),
            slow_square.call(4)
        ),
        (9, 9, 16)
    );
    assert_eq!(calls.get(), 2);
    clock.0.set(6.0);
    assert_eq!(slow_square.call(3), 9);
    assert_eq!(calls.get(), 3, "expired, so computed again");
    assert_eq!(slow_square.stats().hits, 1);
}

#[test]
fn the_ttl_demo_shows_hits_misses_and_expiries() {
    let calls = ttl_demo(5.0, 0.5, 12.0);
    let of = |key| {
        calls
            .iter()
            .filter(|c| c.key == key)
            .map(|c| c.outcome)
            .collect::<Vec<_>>()
    };
    use Outcome::{Expired, Hit, Miss};
    // "prices" every second: computed at 0 (done at 0.5), fresh until 5.5,
    // so the call at 6 finds it expired; recomputed then, and so on.
    assert_eq!(
        of("prices"),
        [
            Miss, Hit, Hit, Hit, Hit, Hit, Expired, Hit, Hit, Hit, Hit, Hit
        ]
    );
    // "rates" every three seconds: at 0 (set at 1.0), 3 hit, 6 expired (6 − 1 ≥ 5), 9 hit.
    assert_eq!(of("rates"), [Miss, Hit, Expired, Hit]);
    assert!(calls.windows(2).all(|pair| pair[0].at <= pair[1].at));
}
