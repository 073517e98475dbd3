//! Property tests: every Mandelbrot variant draws the image of the seed's
//! code on any shape (widths not a multiple of the SIMD lanes, fewer rows
//! than threads) and iteration limit. Host only.
//!
//! The optimized variants all test `|z|² > 4` and agree with each other
//! bit for bit. The seed tests `abs(z) > 2` with `hypot`; both compute the
//! same orbit, but where `|z|` is within rounding of 2 the two tests can
//! fall on opposite sides, so a pixel may differ from naive there and
//! nowhere else.
#![cfg(not(target_arch = "wasm32"))]

use kernels::mandelbrot::{Frame, VARIANTS, naive, on_the_edge, parallel_in, squared};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn variants_equal_naive(width in 1usize..90, height in 1usize..70, max_iter in 1u32..300, parts in 1usize..9) {
        let frame = Frame { width, height, max_iter };
        let expected = squared(&frame);
        for (name, kernel) in VARIANTS.iter().skip(1) {
            prop_assert_eq!(kernel(&frame), expected.clone(), "{}", name);
        }
        prop_assert_eq!(parallel_in(&frame, parts), expected.clone(), "parallel_in({})", parts);
        let seed = naive(&frame);
        for (index, (a, b)) in seed.iter().zip(&expected).enumerate() {
            prop_assert!(a == b || on_the_edge(&frame, index), "pixel {} of {:?}: naive {} vs {}", index, frame, a, b);
        }
    }
}

/// The case that showed the difference: |c| within rounding of 2.
#[test]
fn the_escape_tests_differ_only_on_the_edge() {
    let frame = Frame {
        width: 78,
        height: 13,
        max_iter: 2,
    };
    let (seed, fast) = (naive(&frame), squared(&frame));
    let differing: Vec<usize> = (0..seed.len()).filter(|&i| seed[i] != fast[i]).collect();
    assert!(!differing.is_empty(), "this frame has a pixel on the edge");
    assert!(
        differing.iter().all(|&i| on_the_edge(&frame, i)),
        "{differing:?}"
    );
}
