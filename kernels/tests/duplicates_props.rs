//! Property tests: every `duplicates` variant equals `naive` on random
//! inputs. Host only (proptest needs a file system for its regressions).
#![cfg(not(target_arch = "wasm32"))]

use kernels::duplicates::{VARIANTS, naive, sharded};
use proptest::prelude::*;

fn all_equal_naive(input: &[u32]) -> Result<(), TestCaseError> {
    let expected = naive(input);
    for (name, kernel) in VARIANTS {
        prop_assert_eq!(kernel(input), expected.clone(), "variant {}", name);
    }
    Ok(())
}

proptest! {
    /// Small value ranges: many repeats, long runs.
    #[test]
    fn many_repeats(input in prop::collection::vec(0u32..16, 0..300)) {
        all_equal_naive(&input)?;
    }

    /// Wide value ranges: few repeats, mostly distinct values.
    #[test]
    fn few_repeats(input in prop::collection::vec(0u32..1_000_000, 0..300)) {
        all_equal_naive(&input)?;
    }

    /// All equal, of any length, at any value (including the extremes).
    #[test]
    fn all_equal(value in any::<u32>(), len in 0usize..50) {
        all_equal_naive(&vec![value; len])?;
    }

    /// The parallel variant with any number of shards (threads).
    #[test]
    fn any_shard_count(input in prop::collection::vec(0u32..64, 0..300), shards in 1usize..9) {
        prop_assert_eq!(sharded(&input, shards), naive(&input));
    }

    /// All distinct: no duplicates at all.
    #[test]
    fn all_distinct(start in 0u32..1_000_000, len in 0u32..300) {
        let input: Vec<u32> = (start..start + len).rev().collect();
        prop_assert!(naive(&input).is_empty());
        all_equal_naive(&input)?;
    }
}
