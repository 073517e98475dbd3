//! Property tests: in every section of `patterns`, every variant equals
//! the section's reference (its first variant) on random inputs. Host only
//! (proptest needs a file system for its regressions).
#![cfg(not(target_arch = "wasm32"))]

use kernels::patterns::{context, decorators, dispatch, dsl, iterators, objects};
use proptest::prelude::*;

/// Every variant of `table` gives what the first gives on `input`.
fn all_equal<I: ?Sized, O: PartialEq + std::fmt::Debug>(
    table: &[(&str, fn(&I) -> O)],
    input: &I,
) -> Result<(), TestCaseError> {
    let expected = (table[0].1)(input);
    for (name, kernel) in table {
        prop_assert_eq!(&kernel(input), &expected, "variant {}", name);
    }
    Ok(())
}

proptest! {
    #[test]
    fn dispatch_variants_agree(n in 0usize..3000, heavy in any::<bool>(), seed in any::<u64>()) {
        all_equal(&dispatch::VARIANTS, &dispatch::Job::new(n, heavy, seed))?;
    }

    #[test]
    fn decorator_variants_agree_and_count_every_call(n in 0u64..5000) {
        all_equal(&decorators::VARIANTS, &n)?;
        prop_assert_eq!(decorators::generic(&n).1, n);
    }

    #[test]
    fn context_variants_agree_and_restore_the_setting(n in 0u64..5000) {
        all_equal(&context::VARIANTS, &n)?;
        prop_assert_eq!(context::guard(&n).1, 6);
    }

    #[test]
    fn iterator_variants_agree(n in 0u64..20_000) {
        all_equal(&iterators::VARIANTS, &n)?;
    }

    #[test]
    fn dsl_variants_agree(n in 0usize..2000) {
        all_equal(&dsl::VARIANTS, &dsl::readings(n))?;
    }

    #[test]
    fn observer_variants_agree(n in 0u64..3000) {
        all_equal(&objects::VARIANTS, &objects::events(n))?;
    }
}
