//! Property tests: every Fibonacci variant equals `naive`; the bounded
//! cache with any size of three or more up to the largest `n` that fits (one or
//! two entries keep evicting what the recursion needs next, and the work
//! grows far faster than n: `any_maxsize_gives_the_same_numbers` covers
//! them at small `n`). Host only.
#![cfg(not(target_arch = "wasm32"))]

use kernels::caching::{VARIANTS, iterative, lru, memoized, naive};
use proptest::prelude::*;

proptest! {
    #[test]
    fn variants_equal_naive(n in 0u32..26) {
        let expected = naive(n);
        for (name, kernel) in VARIANTS {
            prop_assert_eq!(kernel(n), expected, "{}", name);
        }
    }

    #[test]
    fn bounded_caches_of_three_or_more_agree(n in 0u32..93, maxsize in 3usize..40) {
        prop_assert_eq!(lru(n, maxsize).0, iterative(n));
        prop_assert_eq!(memoized(n), iterative(n));
    }
}
