//! Property tests: every matrix-multiply variant equals `naive` (the
//! hand-written ones bit for bit, since they add in the same order; the
//! reference crate within `n · 10⁻¹⁵` relative to the largest entry), on any
//! size and any thread count. Host only.
#![cfg(not(target_arch = "wasm32"))]

use kernels::matmul::{Operands, VARIANTS, naive, parallel_in};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn variants_equal_naive(n in 1usize..150, seed in any::<u64>(), parts in 1usize..9) {
        let m = Operands::random(n, seed);
        let expected = naive(&m);
        let scale = expected.iter().fold(1.0f64, |acc, v| acc.max(v.abs()));
        for (name, kernel) in VARIANTS {
            let got = kernel(&m);
            if name == "reference" {
                for (g, e) in got.iter().zip(&expected) {
                    prop_assert!((g - e).abs() <= n as f64 * 1e-15 * scale, "{}: {} vs {}", name, g, e);
                }
            } else {
                prop_assert_eq!(got, expected.clone(), "{}", name);
            }
        }
        prop_assert_eq!(parallel_in(&m, parts), expected);
    }
}
