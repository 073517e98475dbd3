//! The memory exercise's variants: the seed's sum and statistics, and the
//! estimate reported after every step. Runs on the host and in headless
//! Chromium.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kernels::memory::{Config, VARIANTS, memory_estimate, naive};

const SEED: Config = Config {
    iterations: 50,
    chunk: 10_000,
    cache_limit: 4,
    cleanup_every: 10,
};

#[test]
fn the_seed_run_sums_fifty_chunks_and_keeps_everything() {
    let mut estimates = Vec::new();
    let outcome = naive(&SEED, &mut |estimate| estimates.push(estimate));
    // sum(range(10000)) = 49 995 000, fifty times.
    assert_eq!(outcome.sum, 50 * 49_995_000);
    assert_eq!((outcome.total_items, outcome.cache_size), (500_000, 50));
    assert_eq!(estimates.len(), 50);
    assert_eq!(estimates[0], memory_estimate(10_000, 1));
    assert_eq!(*estimates.last().unwrap(), 500_000 * 28 + 50 * 100);
}

#[test]
fn every_variant_gets_the_same_sum_and_reports_each_step() {
    for (name, kernel) in VARIANTS {
        let mut steps = 0;
        let outcome = kernel(&SEED, &mut |_| steps += 1);
        assert_eq!(outcome.sum, 50 * 49_995_000, "{name}");
        assert_eq!(steps, 50, "{name}");
    }
}

#[test]
fn the_fixes_keep_what_they_promise() {
    let kept = |name: &str| {
        let kernel = VARIANTS.iter().find(|(n, _)| *n == name).unwrap().1;
        let outcome = kernel(&SEED, &mut |_| {});
        (outcome.total_items, outcome.cache_size)
    };
    assert_eq!(kept("streaming"), (0, 0));
    assert_eq!(kept("bounded"), (0, 4));
    // 50 steps, cleaned every 10: nothing left after the last cleanup.
    assert_eq!(kept("cleanup"), (0, 0));
    // The weak cache holds an entry for each chunk still in use, and keeps
    // none alive itself: what is kept is the window's 4 chunks.
    assert_eq!(kept("weak"), (4 * 10_000, 4));
}
