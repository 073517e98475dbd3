//! Property tests: in every section of `patterns`, every variant equals
//! the section's reference (its first variant) on random inputs. Host only
//! (proptest needs a file system for its regressions).
#![cfg(not(target_arch = "wasm32"))]

use kernels::patterns::{self, context, decorators, dispatch, dsl, iterators, objects};
use proptest::prelude::*;

/// A section's variants by name.
type Variants<I, O> = [(&'static str, fn(&I) -> O)];

/// Every variant of `table` gives what the first gives on `input`.
fn all_equal<I: ?Sized, O: PartialEq + std::fmt::Debug>(
    table: &Variants<I, O>,
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
    fn decorator_variants_agree_and_count_every_call(n in 0u64..5000, seed in any::<u64>()) {
        let items = patterns::items(n, seed);
        all_equal(&decorators::VARIANTS, &items)?;
        prop_assert_eq!(decorators::generic(&items).1, n);
    }

    #[test]
    fn context_variants_agree_and_restore_the_setting(n in 0u64..5000, seed in any::<u64>()) {
        let items = patterns::items(n, seed);
        all_equal(&context::VARIANTS, &items)?;
        prop_assert_eq!(context::guard(&items).1, 6);
    }

    #[test]
    fn iterator_variants_agree(n in 0u64..20_000, seed in any::<u64>()) {
        all_equal(&iterators::VARIANTS, &patterns::items(n, seed))?;
    }

    #[test]
    fn dsl_variants_agree(n in 0usize..2000, seed in any::<u64>()) {
        all_equal(&dsl::VARIANTS, &dsl::readings(n, seed))?;
    }

    #[test]
    fn observer_variants_agree(n in 0u64..3000, seed in any::<u64>()) {
        all_equal(&objects::VARIANTS, &objects::events(n, seed))?;
    }
}
