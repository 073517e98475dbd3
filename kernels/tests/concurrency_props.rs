//! Property tests: both parallel variants return naive's results (one task
//! per number exactly; split pieces within rounding, and the same whatever
//! the number of threads). Host only.
#![cfg(not(target_arch = "wasm32"))]

use kernels::concurrency::{naive, per_number, process_number, split, split_in};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn variants_equal_naive(numbers in proptest::collection::vec(0u64..70_000, 0..6), parts in 1usize..9) {
        let expected = naive(&numbers);
        prop_assert_eq!(per_number(&numbers), expected.clone());
        let pieces = split(&numbers);
        prop_assert_eq!(split_in(&numbers, parts), pieces.clone());
        for ((got, want), &n) in pieces.iter().zip(&expected).zip(&numbers) {
            // Each term is at most √n in size: the sums agree to n·√n·ε.
            prop_assert!((got - want).abs() <= 1e-12 * (n as f64).powf(1.5).max(1.0), "{} vs {}", got, want);
        }
    }
}

#[test]
fn process_number_is_the_seeds_sum() {
    assert_eq!(process_number(0), 0.0);
    let three = 1f64.sqrt() * 1f64.sin() * 1f64.cos() + 2f64.sqrt() * 2f64.sin() * 2f64.cos();
    assert_eq!(process_number(3), three);
}
