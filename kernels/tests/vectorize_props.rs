//! Property tests: every statistics variant equals `naive` within
//! floating-point rounding, on any shape (odd column counts exercise the
//! SIMD remainder, more rows than a parallel block the merge). Host only.
#![cfg(not(target_arch = "wasm32"))]

use kernels::vectorize::{Table, VARIANTS, naive, parallel_in};
use proptest::prelude::*;

/// Relative closeness for sums of up to thousands of terms in [0, 1).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn variants_equal_naive(rows in 1usize..700, cols in 1usize..13, parts in 1usize..9, seed in any::<u64>()) {
        let table = Table::random(rows, cols, 0.0, seed);
        let expected = naive(&table);
        let results = VARIANTS.iter().map(|(name, kernel)| (*name, kernel(&table)));
        for (name, got) in results.chain([("parallel_in", parallel_in(&table, parts))]) {
            prop_assert_eq!(got.row_sums.len(), rows, "{}", name);
            prop_assert_eq!(got.col_means.len(), cols, "{}", name);
            for (a, b) in got.col_means.iter().zip(&expected.col_means).chain(got.row_sums.iter().zip(&expected.row_sums)) {
                prop_assert!(close(*a, *b), "{}: {} vs {}", name, a, b);
            }
            for (a, b) in got.col_stds.iter().zip(&expected.col_stds) {
                // E[x²] − E[x]² on one row is 0 up to rounding: compare
                // standard deviations in absolute terms there.
                prop_assert!((a - b).abs() <= 1e-6, "{}: {} vs {}", name, a, b);
            }
        }
    }
}
