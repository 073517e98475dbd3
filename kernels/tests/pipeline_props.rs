//! Property tests: the columnar and parallel pipelines agree with the
//! seed's within the stated tolerance, for any shape and thread count.
//! Host only.
#![cfg(not(target_arch = "wasm32"))]

use kernels::pipeline::{Shape, VARIANTS, agrees, generate, naive, parallel_in};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn variants_agree_with_naive(rows in 0usize..3000, categories in 1usize..40, missing_percent in 0u32..60, duplicate_percent in 0u32..60, seed: u64, parts in 1usize..6) {
        let file = generate(Shape { rows, categories, missing_percent, duplicate_percent }, seed);
        let expected = naive(&file, &mut |_| {});
        for (name, kernel) in VARIANTS {
            let analysis = kernel(&file, &mut |_| {});
            prop_assert!(agrees(&analysis, &expected), "{}: {:?} vs {:?}", name, analysis, expected);
        }
        prop_assert!(agrees(&parallel_in(&file, parts, &mut |_| {}), &expected), "{} parts", parts);
    }

    #[test]
    fn agreement_is_not_vacuous(rows in 10usize..500, seed: u64) {
        // A changed value changes the analysis beyond the tolerance.
        let file = generate(Shape { rows, categories: 3, missing_percent: 0, duplicate_percent: 0 }, seed);
        let expected = naive(&file, &mut |_| {});
        let mut other = expected.clone();
        other.statistics[1].mean *= 1.0 + 1e-4;
        prop_assert!(!agrees(&other, &expected));
    }
}
