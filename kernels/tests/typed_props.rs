//! Property tests: every variant's sum equals the interpreter's, exactly
//! (whole numbers: every order of addition is exact), for any prefix of
//! any array. Host only.
#![cfg(not(target_arch = "wasm32"))]

use kernels::typed::{VARIANTS, generate, naive};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn variants_equal_the_interpreter(len in 0usize..300, cut in 0.0f64..=1.0, seed in any::<u64>()) {
        let data = generate(len, seed);
        let n = (len as f64 * cut) as usize;
        let expected = naive(&data, n);
        for (name, kernel) in VARIANTS {
            prop_assert_eq!(kernel(&data, n), expected, "{}", name);
        }
    }
}
