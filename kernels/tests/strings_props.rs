//! Property tests: every concatenation equals the naive one, for any
//! list of strings, ASCII or not. Host only.
#![cfg(not(target_arch = "wasm32"))]

use kernels::strings::{VARIANTS, naive};
use proptest::prelude::*;

proptest! {
    #[test]
    fn variants_equal_naive(strings in prop::collection::vec(".{0,12}", 0..60)) {
        let expected = naive(&strings);
        for (name, kernel) in VARIANTS {
            prop_assert_eq!(kernel(&strings), expected.clone(), "{}", name);
        }
    }
}
