//! Property tests: every streaming variant, and the parallel one at any
//! number of parts, equals the list comprehension. Host only.
#![cfg(not(target_arch = "wasm32"))]

use kernels::streaming::{VARIANTS, naive, parallel_in};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn variants_equal_naive(data in prop::collection::vec(-3_037_000_499i64..=3_037_000_499, 0..20_000), parts in 1usize..9) {
        let expected = naive(&data);
        for (name, kernel) in VARIANTS {
            prop_assert_eq!(kernel(&data), expected, "{}", name);
        }
        prop_assert_eq!(parallel_in(&data, parts), expected, "{} parts", parts);
    }
}
