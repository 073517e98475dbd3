//! The statistics against a reference written the obvious way, and the
//! precision demo's claim. Runs on the host and in headless Chromium.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kernels::vectorize::{Table, VARIANTS, precision};

#[test]
fn every_variant_computes_means_sums_and_deviations() {
    let table = Table::random(301, 7, 0.0, 3);
    let column = |c: usize| -> Vec<f64> {
        (0..table.rows)
            .map(|r| table.flat[r * table.cols + c])
            .collect()
    };
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    for (name, kernel) in VARIANTS {
        let stats = kernel(&table);
        for c in 0..table.cols {
            let values = column(c);
            let m = mean(&values);
            let std =
                (values.iter().map(|x| (x - m).powi(2)).sum::<f64>() / values.len() as f64).sqrt();
            assert!((stats.col_means[c] - m).abs() < 1e-12, "{name} mean {c}");
            assert!((stats.col_stds[c] - std).abs() < 1e-9, "{name} std {c}");
        }
        for (r, sum) in stats.row_sums.iter().enumerate() {
            assert!(
                (sum - table.nested[r].iter().sum::<f64>()).abs() < 1e-12,
                "{name} row {r}"
            );
        }
    }
}

#[test]
fn uniform_data_has_the_uniform_distributions_moments() {
    let stats = kernels::vectorize::naive(&Table::random(20_000, 2, 0.0, 1));
    // U[0, 1): mean 1/2, standard deviation 1/√12.
    assert!((stats.col_means[0] - 0.5).abs() < 0.01);
    assert!((stats.col_stds[0] - (1.0f64 / 12.0).sqrt()).abs() < 0.01);
}

#[test]
fn a_large_offset_breaks_the_seed_formula_but_not_welford() {
    let small = precision(1000, 0.0, 5);
    assert!((small.seed_formula - small.two_pass).abs() < 1e-12);
    let large = precision(1000, 1e9, 5);
    assert!(
        (large.welford - large.two_pass).abs() < 1e-6 * large.two_pass,
        "{large:?}"
    );
    // E[x²] ≈ 1e18 carries about 128 of absolute rounding: the variance of 1/12 is lost.
    let lost = large.seed_formula.is_nan()
        || (large.seed_formula - large.two_pass).abs() > 0.1 * large.two_pass;
    assert!(lost, "{large:?}");
}
