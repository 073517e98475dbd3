//! Monte Carlo π: every estimate lies within 4 standard errors of π, the
//! batched count draws exactly the numbers of the one-at-a-time loop, and
//! the parallel estimate does not depend on the thread count. Runs on the
//! host and in headless Chromium.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::cell::RefCell;

use kernels::pi::{Job, VARIANTS, batched, in_wasm, parallel, parallel_in, standard_error};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

thread_local! {
    /// The stand-in for `Math.random` in these tests.
    static OUTSIDE: RefCell<Pcg64> = RefCell::new(Pcg64::seed_from_u64(99));
}

fn outside_random() -> f64 {
    OUTSIDE.with(|rng| rng.borrow_mut().random())
}

#[test]
fn every_variant_lands_within_four_standard_errors() {
    for (seed, points) in [(1, 1_000u64), (2, 100_000), (3, 1_000_000), (4, 65_537)] {
        let job = Job {
            points,
            seed,
            random: outside_random,
        };
        for (name, kernel) in VARIANTS {
            let estimate = kernel(&job);
            let error = (estimate - std::f64::consts::PI).abs();
            assert!(
                error <= 4.0 * standard_error(points),
                "{name}: {estimate} from {points} points"
            );
        }
    }
}

#[test]
fn batching_draws_the_same_numbers() {
    for points in [1, 2, 1023, 1024, 1025, 50_000] {
        let job = Job {
            points,
            seed: points * 7,
            random: outside_random,
        };
        assert_eq!(batched(&job), in_wasm(&job), "{points} points");
    }
}

#[test]
fn the_parallel_estimate_does_not_depend_on_the_threads() {
    let job = Job {
        points: 300_001,
        seed: 5,
        random: outside_random,
    };
    let all = parallel(&job);
    for parts in 1..6 {
        assert_eq!(parallel_in(&job, parts), all, "{parts} parts");
    }
    let other = Job { seed: 6, ..job };
    assert_ne!(parallel(&other), all, "another seed draws other points");
}

#[test]
fn the_error_shrinks_like_one_over_the_root_of_the_points() {
    // Mean absolute error over 20 seeds, at 10³ and 10⁵ points: 100× the
    // points, a tenth of the error (within a factor of 3 either way).
    let mean_error = |points: u64| {
        (0..20)
            .map(|seed| {
                (in_wasm(&Job {
                    points,
                    seed,
                    random: outside_random,
                }) - std::f64::consts::PI)
                    .abs()
            })
            .sum::<f64>()
            / 20.0
    };
    let ratio = mean_error(1_000) / mean_error(100_000);
    assert!((10.0 / 3.0..30.0).contains(&ratio), "error ratio {ratio}");
}
