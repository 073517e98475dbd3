//! Property tests: every Mandelbrot variant draws the naive image pixel for
//! pixel, on any shape (widths not a multiple of the SIMD lanes, fewer rows
//! than threads) and iteration limit. Host only.
#![cfg(not(target_arch = "wasm32"))]

use kernels::mandelbrot::{Frame, VARIANTS, naive, parallel_in};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn variants_equal_naive(width in 1usize..90, height in 1usize..70, max_iter in 1u32..300, parts in 1usize..9) {
        let frame = Frame { width, height, max_iter };
        let expected = naive(&frame);
        for (name, kernel) in VARIANTS {
            prop_assert_eq!(kernel(&frame), expected.clone(), "{}", name);
        }
        prop_assert_eq!(parallel_in(&frame, parts), expected, "parallel_in({})", parts);
    }
}
