//! Property tests: every memory variant returns the naive sum and calls
//! `after_step` once per step, for any shape. Host only.
#![cfg(not(target_arch = "wasm32"))]

use kernels::memory::{Config, VARIANTS, naive};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn variants_equal_naive(iterations in 0usize..60, chunk in 0usize..3000, cache_limit in 1usize..8, cleanup_every in 1usize..12) {
        let config = Config { iterations, chunk, cache_limit, cleanup_every };
        let expected = naive(&config, &mut |_| {}).sum;
        for (name, kernel) in VARIANTS {
            let mut steps = 0;
            let outcome = kernel(&config, &mut |_| steps += 1);
            prop_assert_eq!(outcome.sum, expected, "{}", name);
            prop_assert_eq!(steps, iterations, "{}", name);
            prop_assert!(outcome.cache_size <= iterations, "{}", name);
        }
    }
}
