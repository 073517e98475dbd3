//! Property tests: every variant's total equals the seed's loop, for any
//! lists of any lengths and values. Host only.
#![cfg(not(target_arch = "wasm32"))]

use kernels::profiling::{Data, VARIANTS, naive};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn variants_equal_the_seeds_loop(
        data in prop::collection::vec(0u64..3000, 0..60),
        large_data in prop::collection::vec(0u64..3000, 0..60),
    ) {
        let input = Data { data, large_data };
        let expected = naive(&input);
        for (name, kernel) in VARIANTS {
            prop_assert_eq!(kernel(&input), expected, "{}", name);
        }
    }
}
