//! Property tests of `framework`: the plugin kernels against their naive
//! twins, the batch engine's promises, the caches' limits and the
//! optimizer's cache. Host only (proptest needs a file system for its
//! regressions).
#![cfg(not(target_arch = "wasm32"))]

use kernels::framework::caches::{Cache, Policy, PolicyCache};
use kernels::framework::engine::{Options, process_batch};
use kernels::framework::image::{Image, synthetic};
use kernels::framework::plugins::{self, Item, Plugin};
use kernels::framework::tuning::{Control, Optimizer, Question, stream};
use kernels::framework::{Job, PIPELINE, Summary, VARIANTS, naive_outcome, registry};
use kernels::framework::report::{Evidence, recommendations};
use proptest::prelude::*;

fn clock() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed().as_secs_f64() * 1e3
}

/// An image of any shape with random pixels.
fn any_image() -> impl Strategy<Value = Image> {
    (1usize..24, 1usize..24).prop_flat_map(|(w, h)| {
        proptest::collection::vec(any::<u8>(), w * h).prop_map(move |pixels| Image { width: w, height: h, pixels })
    })
}

/// A random mask of any shape.
fn any_mask() -> impl Strategy<Value = (Vec<u8>, usize, usize)> {
    (1usize..30, 1usize..30).prop_flat_map(|(w, h)| {
        proptest::collection::vec(0u8..2, w * h).prop_map(move |mask| (mask, w, h))
    })
}

/// The optimizer's question for `sample` with up to `workers` in flight
/// and a megabyte per batch.
fn question(sample: &[Item], workers: usize) -> Question<'_> {
    Question { pipeline: &PIPELINE, sample, max_workers: workers, budget: 1 << 20, setting: 0 }
}

fn job(n: usize, side: usize, fail_rate: f64, zipf: f64, seed: u64, workers: usize, cache_size: usize) -> Job {
    let (images, keys) = Job::images(n, side, 4, zipf, seed);
    let registry = registry(fail_rate, seed, clock);
    let sample: Vec<Item> = keys.iter().take(4).map(|&k| Item::new(k, images[k as usize].clone())).collect();
    let tuned = Optimizer::default()
        .optimize(&registry, &question(&sample, workers), clock)
        .expect("registered")
        .best;
    Job {
        images,
        keys,
        registry,
        workers,
        cache_size,
        tuned,
        control: Control::Adaptive { target_ms: 1.0, budget: 1 << 20 },
        clock,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_separable_blur_equals_the_direct_one(image in any_image(), r in 0usize..4) {
        prop_assert_eq!(plugins::blur(&image, r), plugins::blur_naive(&image, r));
    }

    #[test]
    fn otsu_from_a_histogram_equals_otsu_by_scans(image in any_image()) {
        prop_assert_eq!(plugins::otsu(&image.pixels), plugins::otsu_naive(&image.pixels));
    }

    #[test]
    fn two_pass_labels_equal_the_flood_fill((mask, w, h) in any_mask()) {
        let labels = plugins::label(&mask, w, h);
        prop_assert_eq!(&labels, &plugins::label_naive(&mask, w, h));
        // And they are components: a foreground pixel has a label, and
        // 4-neighbours in the foreground share it.
        for i in 0..w * h {
            prop_assert_eq!(labels[i] != 0, mask[i] != 0);
            if i % w + 1 < w && mask[i] != 0 && mask[i + 1] != 0 {
                prop_assert_eq!(labels[i], labels[i + 1]);
            }
            if i + w < w * h && mask[i] != 0 && mask[i + w] != 0 {
                prop_assert_eq!(labels[i], labels[i + w]);
            }
        }
    }

    #[test]
    fn region_stats_add_up_to_the_foreground((mask, w, h) in any_mask(), seed in any::<u64>()) {
        let labels = plugins::label(&mask, w, h);
        let image = Image { width: w, height: h, pixels: (0..w * h).map(|i| (i as u64 ^ seed) as u8).collect() };
        let regions = plugins::region_stats(&labels, &image);
        prop_assert_eq!(regions.len() as u32, labels.iter().copied().max().unwrap_or(0));
        prop_assert_eq!(regions.iter().map(|r| r.area).sum::<u64>(), mask.iter().filter(|&&m| m != 0).count() as u64);
        prop_assert!(regions.iter().all(|r| r.area > 0));
    }

    #[test]
    fn every_variant_yields_the_naive_regions(
        n in 0usize..24, side in 8usize..40, fail in 0u32..60, zipf in 0u32..250, seed in any::<u64>(), workers in 1usize..5,
        cache_size in 0usize..40,
    ) {
        let job = job(n, side, f64::from(fail) / 100.0, f64::from(zipf) / 100.0, seed, workers, cache_size);
        let expected = (VARIANTS[0].1)(&job);
        for (name, variant) in VARIANTS {
            prop_assert_eq!(&variant(&job), &expected, "variant {}", name);
        }
    }

    #[test]
    fn a_batch_never_exceeds_its_limit_and_returns_every_item_once(
        n in 0usize..30, limit in 1usize..6, fail in 0u32..100, seed in any::<u64>(), broken in proptest::collection::vec(any::<bool>(), 30),
    ) {
        let registry = registry(f64::from(fail) / 100.0, seed, clock);
        let pipeline = registry.pipeline(&PIPELINE).unwrap();
        // Some items have a wrong shape: validation refuses them.
        let items: Vec<Item> = (0..n).map(|i| {
            let mut image = synthetic(12, 2, seed ^ i as u64);
            if broken[i] { image.pixels.pop(); }
            Item::new(i as u64, image)
        }).collect();
        let outcome = process_batch(items, &pipeline, Options { limit, cache: None, clock });
        prop_assert!(outcome.max_in_flight <= limit);
        let mut seen: Vec<usize> = outcome.results.iter().map(|(i, _)| *i).chain(outcome.failed.iter().map(|f| f.index)).collect();
        seen.sort();
        prop_assert_eq!(seen, (0..n).collect::<Vec<_>>());
        for failure in &outcome.failed {
            if broken[failure.index] {
                prop_assert!(failure.error.contains("invalid input: wrong shape"), "{}", failure.error);
            }
        }
        for (index, _) in &outcome.results {
            prop_assert!(!broken[*index]);
        }
    }

    #[test]
    fn the_metrics_count_every_call_and_every_failure(n in 0usize..20, fail in 0u32..100, seed in any::<u64>()) {
        let registry = registry(f64::from(fail) / 100.0, seed, clock);
        let items: Vec<Item> = (0..n).map(|i| Item::new(i as u64, synthetic(10, 2, i as u64))).collect();
        let outcome = naive_outcome(&registry, items, &PIPELINE).unwrap();
        let metrics = registry.metrics.lock().unwrap().clone();
        let failed = outcome.failed.len() as u64;
        // Every item passes blur; the failures are quality's, and only the
        // items that passed reach the plugins after it.
        prop_assert_eq!(metrics.get("blur").map_or(0, |m| m.count), n as u64);
        prop_assert_eq!(metrics.get("quality").map_or(0, |m| m.count + m.failures), n as u64);
        prop_assert_eq!(metrics.get("quality").map_or(0, |m| m.failures), failed);
        for later in ["threshold", "segment", "stats"] {
            prop_assert_eq!(metrics.get(later).map_or(0, |m| m.count), n as u64 - failed);
        }
        for m in metrics.values() {
            prop_assert!(m.min_ms <= m.mean_ms() + 1e-9 && m.mean_ms() <= m.max_ms + 1e-9);
        }
    }

    #[test]
    fn count_caches_keep_their_capacity(
        keys in proptest::collection::vec(0u64..20, 0..200), capacity in 0usize..10, which in 0usize..3,
    ) {
        let policy = [Policy::Lru { capacity }, Policy::Lfu { capacity }, Policy::Ttl { capacity, ttl_ms: 1e9 }][which];
        let mut cache = PolicyCache::new(policy);
        for (t, &key) in keys.iter().enumerate() {
            if cache.get(key, t as f64).is_none() {
                cache.put(key, key * 10, 1, t as f64);
            } else {
                prop_assert!(capacity > 0);
            }
            prop_assert!(cache.stats().entries <= capacity);
        }
        let stats = cache.stats();
        prop_assert_eq!(stats.hits + stats.misses, keys.len() as u64);
    }

    #[test]
    fn the_memory_cache_keeps_its_byte_budget(
        puts in proptest::collection::vec((0u64..30, 1usize..500), 0..200), budget in 0usize..2000,
    ) {
        let mut cache = PolicyCache::new(Policy::Memory { budget });
        for &(key, bytes) in &puts {
            cache.put(key, bytes, bytes, 0.0);
            prop_assert!(cache.stats().held_bytes <= budget);
            prop_assert!(cache.stats().peak_bytes <= budget);
            // What it keeps it returns, as stored.
            if bytes <= budget {
                prop_assert_eq!(cache.get(key, 0.0), Some(bytes));
            }
        }
    }

    #[test]
    fn the_ttl_cache_forgets_entries_older_than_their_life(ttl in 1u32..50, gaps in proptest::collection::vec(0u32..30, 1..40)) {
        let mut cache = PolicyCache::new(Policy::Ttl { capacity: 100, ttl_ms: f64::from(ttl) });
        let mut now = 0.0;
        cache.put(7, 70u64, 1, now);
        let mut stored = now;
        for gap in gaps {
            now += f64::from(gap);
            let hit = cache.get(7, now);
            prop_assert_eq!(hit.is_some(), now - stored <= f64::from(ttl), "stored at {}, now {}", stored, now);
            if hit.is_none() {
                cache.put(7, 70, 1, now);
                stored = now;
            }
        }
    }
}

#[test]
fn the_registry_refuses_duplicates_and_unknown_names() {
    let mut registry = registry(0.0, 1, clock);
    let error = registry.register(Box::new(plugins::Threshold)).unwrap_err();
    assert_eq!(error, "a plugin named threshold is registered already");
    let error = registry.pipeline(&["blur", "sharpen"]).err().unwrap();
    assert!(error.starts_with("unknown plugin: sharpen (registered: blur, quality"), "{error}");
}

#[test]
fn plugins_refuse_what_they_cannot_take() {
    let empty = Item::new(0, Image { width: 0, height: 0, pixels: vec![] });
    assert_eq!(plugins::Blur { radius: 1 }.validate(&empty).unwrap_err(), "empty image (0×0)");
    let unthresholded = Item::new(0, synthetic(8, 1, 1));
    assert_eq!(plugins::Segment.validate(&unthresholded).unwrap_err(), "no mask: run threshold first");
    assert_eq!(plugins::Stats.validate(&unthresholded).unwrap_err(), "no labels: run segment first");
}

#[test]
fn the_optimizer_reuses_its_choice_and_keeps_only_orders_that_agree() {
    let registry = registry(0.3, 5, clock);
    let sample: Vec<Item> = (0..4).map(|k| Item::new(k, synthetic(16, 3, k))).collect();
    let mut optimizer = Optimizer::default();
    let first = optimizer.optimize(&registry, &question(&sample, 2), clock).unwrap();
    assert!(!first.reused);
    assert!(!first.trials.is_empty());
    // Blur before threshold, then segment, then stats; quality anywhere
    // before stats, whose output is only the regions.
    let orders: std::collections::BTreeSet<_> = first.trials.iter().map(|t| t.config.order.clone()).collect();
    assert_eq!(orders.len(), 4, "{orders:?}");
    assert!(orders.contains(&vec!["quality", "blur", "threshold", "segment", "stats"]));
    assert_eq!(first.refused.len(), 120 - 4);
    let reference = Summary::of(&naive_outcome(&registry, sample.clone(), &PIPELINE).unwrap());
    for order in &orders {
        assert_eq!(Summary::of(&naive_outcome(&registry, sample.clone(), order).unwrap()), reference);
    }
    let second = optimizer.optimize(&registry, &question(&sample, 2), clock).unwrap();
    assert!(second.reused);
    assert!(second.trials.is_empty());
    assert_eq!(second.best, first.best);
    // Kept as a note across runs, and adopted by a fresh optimizer.
    let note = first.best.to_note();
    let read = kernels::framework::tuning::Config::from_note(&note, &PIPELINE).unwrap();
    assert_eq!(read, first.best);
    let mut fresh = Optimizer::default();
    fresh.adopt(&question(&sample, 2), read);
    let third = fresh.optimize(&registry, &question(&sample, 2), clock).unwrap();
    assert!(third.reused && third.best == first.best);
    // Another setting, or other images, is another question.
    let elsewhere = Question { setting: 1, ..question(&sample, 2) };
    assert!(!fresh.optimize(&registry, &elsewhere, clock).unwrap().reused);
    let others: Vec<Item> = (4..8).map(|k| Item::new(k, synthetic(16, 3, k))).collect();
    assert!(!fresh.optimize(&registry, &question(&others, 2), clock).unwrap().reused);
    // A note naming other plugins, or missing one, is refused.
    for bad in ["blur,quality;8;2", "blur,quality,threshold,segment,sharpen;8;2", "blur,quality,threshold,segment,stats;0;2", ""] {
        assert_eq!(kernels::framework::tuning::Config::from_note(bad, &PIPELINE), None, "{bad}");
    }
}

#[test]
fn adaptive_batching_holds_its_budget_and_a_fixed_batch_does_not() {
    let registry = registry(0.0, 3, clock);
    let items: Vec<Item> = (0..40).map(|k| Item::new(k, synthetic(24, 3, k))).collect();
    let per_item = items[0].bytes();
    let config = kernels::framework::tuning::Config { order: PIPELINE.to_vec(), batch: 8, workers: 2 };
    // Room for five images and their (small) results.
    let budget = 6 * per_item;
    let adaptive = stream(&registry, items.clone(), &config, Control::Adaptive { target_ms: 1e9, budget }, 16, None, clock).unwrap();
    let fixed = stream(&registry, items.clone(), &config, Control::Fixed(10), 16, None, clock).unwrap();
    // Every item once, in both.
    assert_eq!(adaptive.outcome.results.len(), 40);
    assert_eq!(fixed.outcome.results.len(), 40);
    // Slow start: 1, 2, 4, then no doubling past the budget.
    let sizes: Vec<usize> = adaptive.steps.iter().map(|s| s.batch).collect();
    assert_eq!(&sizes[..3], &[1, 2, 4], "{sizes:?}");
    assert!(adaptive.steps.iter().all(|s| s.bytes <= budget), "{:?}", adaptive.steps);
    assert!(fixed.steps.iter().any(|s| s.bytes > budget));
    // The queue is bounded and the producer waited on it.
    assert!(adaptive.steps.iter().all(|s| s.queue <= 16));
    assert!(adaptive.producer_waits > 0);
}

#[test]
fn the_report_says_each_rule_with_its_numbers() {
    use kernels::framework::engine::PluginMetrics;
    let metrics: std::collections::BTreeMap<&'static str, PluginMetrics> = [
        ("blur", PluginMetrics { count: 4, total_ms: 8.0, min_ms: 0.3, max_ms: 7.0, failures: 0, errors: vec![] }),
        ("quality", PluginMetrics { count: 3, total_ms: 0.03, min_ms: 0.005, max_ms: 0.02, failures: 1, errors: vec!["image 9 failed".into()] }),
    ]
    .into();
    let evidence = Evidence { items: 4, caches: &[("lru", 8, 0.5), ("ttl", 8, 0.0)], trials: &[], tick_ms: 0.005 };
    let said = recommendations(&metrics, &evidence);
    // blur: 7 > 3 × 2 ms and 7 ms is many ticks; quality's max is 4 ticks.
    assert!(said.iter().any(|s| s.starts_with("Operation blur shows high variability: its slowest call took 7.000 ms")), "{said:#?}");
    assert!(!said.iter().any(|s| s.starts_with("Operation quality")), "{said:#?}");
    assert!(said.iter().any(|s| s.starts_with("blur takes 100% of all plugin time")), "{said:#?}");
    assert!(said.iter().any(|s| s.starts_with("quality failed on 1 of 4 images (25%)")), "{said:#?}");
    assert!(said.iter().any(|s| s.starts_with("The ttl cache never hit with 8 entries")), "{said:#?}");
    assert!(!said.iter().any(|s| s.contains("lru cache never hit")), "{said:#?}");
}
