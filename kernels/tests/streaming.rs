//! The seed's printed result, and the edge cases.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kernels::streaming::{VARIANTS, data};

#[test]
fn every_variant_prints_the_seeds_result() {
    // The seed's `sum(x * x for x in range(1000000))`.
    let data = data(1_000_000);
    for (name, kernel) in VARIANTS {
        assert_eq!(kernel(&data), 333_332_833_333_500_000, "{name}");
    }
}

#[test]
fn sums_past_i64_are_exact() {
    // n = 10⁷: Σ x² = (n − 1) n (2n − 1) / 6, past i64::MAX.
    let n: i128 = 10_000_000;
    let expected = (n - 1) * n * (2 * n - 1) / 6;
    assert!(expected > i128::from(i64::MAX));
    let data = data(n as usize);
    for (name, kernel) in VARIANTS {
        assert_eq!(kernel(&data), expected, "{name}");
    }
}

#[test]
fn empty_data_sums_to_zero() {
    for (name, kernel) in VARIANTS {
        assert_eq!(kernel(&[]), 0, "{name}");
    }
}
