//! The statistics on synthetic data whose truth is known.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::*;

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut Pcg64) -> f64 {
    let (u, v): (f64, f64) = (rng.random_range(f64::EPSILON..1.0), rng.random());
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

#[test]
fn medians_and_quantiles() {
    assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
    assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    assert_eq!(median(&[]), None);
    assert_eq!(median(&[1.0, f64::NAN]), None);
    assert_eq!(quantile_of_sorted(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.25), 2.0);
    assert_eq!(quantile_of_sorted(&[1.0, 2.0], 0.5), 1.5);
}

#[test]
fn the_linear_sampling_interval_covers_the_true_slope_in_90_of_100_trials() {
    let truth = 1_000.0;
    let covered = (0..100)
        .filter(|&trial| {
            let mut rng = Pcg64::seed_from_u64(trial);
            let iters: Vec<u64> = (1..=20).map(|i| 37 * i).collect();
            let times: Vec<f64> = iters
                .iter()
                .map(|&i| truth * i as f64 * (1.0 + 0.05 * normal(&mut rng)))
                .collect();
            let (estimate, r2) = linear_sampling_estimate(&iters, &times, 1000, trial).unwrap();
            assert!(r2.unwrap() > 0.9, "{r2:?}");
            estimate.contains(truth)
        })
        .count();
    assert!(covered >= 90, "covered in {covered} of 100 trials");
}

#[test]
fn identical_kernels_give_a_speedup_interval_around_one() {
    let covered = (0..100)
        .filter(|&trial| {
            let mut rng = Pcg64::seed_from_u64(1000 + trial);
            let mut draw = || -> Vec<f64> {
                (0..20)
                    .map(|_| 500.0 * (1.0 + 0.1 * normal(&mut rng)).abs())
                    .collect()
            };
            let (a, b) = (draw(), draw());
            speedup_estimate(&a, &b, 1000, trial).unwrap().contains(1.0)
        })
        .count();
    assert!(covered >= 90, "covered in {covered} of 100 trials");
}

#[test]
fn a_clear_speedup_has_an_interval_that_excludes_one() {
    let slow: Vec<f64> = (0..20).map(|i| 1000.0 + i as f64).collect();
    let fast: Vec<f64> = (0..20).map(|i| 100.0 + i as f64 / 10.0).collect();
    let s = speedup_estimate(&slow, &fast, 1000, 7).unwrap();
    assert!(s.low > 9.0 && s.high < 11.0 && s.contains(s.point), "{s:?}");
}

#[test]
fn tukey_fences_match_hand_worked_cases() {
    // Sorted 1..=10 and one more: Q1 = 3.5, Q3 = 8.5, IQR = 5; mild above
    // 16, severe above 23.5.
    let mut samples: Vec<f64> = (1..=10).map(f64::from).collect();
    samples.push(20.0);
    assert_eq!(
        Outliers::of(&samples),
        Outliers {
            high_mild: 1,
            ..Outliers::default()
        }
    );
    samples[10] = 100.0;
    assert_eq!(
        Outliers::of(&samples),
        Outliers {
            high_severe: 1,
            ..Outliers::default()
        }
    );
    samples[10] = -20.0;
    // Sorted -20, 1..=10: Q1 = 2.5, Q3 = 7.5; severe below -12.5.
    assert_eq!(Outliers::of(&samples).low_severe, 1);
    assert_eq!(Outliers::of(&[5.0; 20]).total(), 0);
    assert_eq!(
        Outliers::of(&[1.0, 100.0]).total(),
        0,
        "too few samples to judge"
    );
}

/// Noisy times for `class` at `sizes`, scaled so the largest is 1 s.
fn synthetic(class: Class, sizes: &[f64], seed: u64) -> Vec<(f64, f64)> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let top = class.ln_f(*sizes.last().unwrap(), 2.0);
    sizes
        .iter()
        .map(|&n| {
            (
                n,
                1e9 * (class.ln_f(n, 2.0) - top).exp() * (1.0 + 0.05 * normal(&mut rng)),
            )
        })
        .collect()
}

#[test]
fn the_growth_fit_recovers_known_classes_from_noisy_timings() {
    let decades = [100.0, 300.0, 1e3, 3e3, 1e4, 3e4, 1e5, 3e5, 1e6];
    for class in [
        Class::Linear,
        Class::LogLinear,
        Class::Quadratic,
        Class::Cubic,
        Class::Constant,
    ] {
        for seed in 0..10 {
            let fit = GrowthFit::fit(&synthetic(class, &decades, seed)).unwrap();
            assert_eq!(fit.class, class, "seed {seed}: {fit:?}");
        }
    }
    let small = [20.0, 22.0, 24.0, 26.0, 28.0, 30.0];
    for seed in 0..10 {
        let fit = GrowthFit::fit(&synthetic(Class::Exponential, &small, seed)).unwrap();
        assert_eq!(fit.class, Class::Exponential, "seed {seed}: {fit:?}");
        assert!((fit.base - 2.0).abs() < 0.05, "{fit:?}");
    }
    // Fibonacci's φⁿ, from the seed's sizes: the base is fitted, and the
    // prediction for the next size follows it.
    let golden = 1.618_f64;
    let fib: Vec<(f64, f64)> = [30.0, 35.0, 40.0]
        .iter()
        .map(|&n: &f64| (n, 3.0 * golden.powf(n)))
        .collect();
    let fit = GrowthFit::fit(&fib).unwrap();
    assert_eq!(fit.class, Class::Exponential);
    assert!(
        (fit.base - golden).abs() < 1e-6
            && (fit.predict(45.0) / (3.0 * golden.powf(45.0)) - 1.0).abs() < 1e-6
    );
}

#[test]
fn the_slope_interval_brackets_the_exponent() {
    let fit = GrowthFit::fit(&synthetic(Class::Quadratic, &[100.0, 1e3, 1e4, 1e5], 3)).unwrap();
    assert!(
        fit.slope.contains(2.0) && fit.slope.high - fit.slope.low < 0.2,
        "{:?}",
        fit.slope
    );
    let exact: Vec<(f64, f64)> = [10.0, 100.0, 1000.0]
        .iter()
        .map(|&n| (n, 3.0 * n))
        .collect();
    let fit = GrowthFit::fit(&exact).unwrap();
    assert_eq!(fit.class, Class::Linear);
    assert!((fit.slope.point - 1.0).abs() < 1e-9 && (fit.predict(1e4) / 3e4 - 1.0).abs() < 1e-9);
}

#[test]
fn degenerate_input_gives_none_or_finite_numbers_never_nan() {
    let same = median_estimate(&[7.0; 10], 200, 1).unwrap();
    assert_eq!((same.point, same.low, same.high), (7.0, 7.0, 7.0));
    let one = median_estimate(&[7.0], 200, 1).unwrap();
    assert_eq!((one.low, one.high), (7.0, 7.0));
    assert_eq!(median_estimate(&[], 200, 1), None);
    assert_eq!(
        speedup_estimate(&[5.0; 5], &[0.0; 5], 200, 1),
        None,
        "a zero time has no finite ratio"
    );
    assert_eq!(speedup_estimate(&[], &[1.0], 200, 1), None);
    assert_eq!(slope_through_origin(&[(1.0, 5.0)]), None);
    assert_eq!(linear_sampling_estimate(&[0, 0], &[0.0, 0.0], 100, 1), None);
    let zero = linear_sampling_estimate(&[1, 2, 3], &[0.0, 0.0, 0.0], 100, 1).unwrap();
    assert_eq!((zero.0.point, zero.1), (0.0, Some(1.0)));
    let flat = linear_sampling_estimate(&[1, 1, 1], &[5.0, 6.0, 7.0], 100, 1).unwrap();
    assert_eq!(
        (flat.0.point, flat.1),
        (6.0, None),
        "flat sampling: the median, and no R²"
    );
    let slowed =
        linear_sampling_estimate(&[1, 1, 1, 1, 1], &[5.0, 5.0, 6.0, 5.0, 60.0], 100, 1).unwrap();
    assert_eq!(
        slowed.0.point, 5.0,
        "one slow sample does not move a flat estimate"
    );
    assert_eq!(GrowthFit::fit(&[(100.0, 5.0)]), None);
    assert_eq!(GrowthFit::fit(&[(100.0, 5.0), (100.0, 6.0)]), None);
    assert_eq!(GrowthFit::fit(&[(100.0, 0.0), (1000.0, 0.0)]), None);
}
