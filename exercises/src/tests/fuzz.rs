//! Every exercise's parameters against generated query strings: valid,
//! out of range, malformed, huge lists, unknown and repeated keys,
//! percent-encoding, Unicode. Parsing never panics, every error names a
//! field of the exercise, and what parses is what the worker accepts and
//! the runners decode.

use proptest::prelude::*;

use super::descriptors;
use crate::params::{self, FromValues};
use crate::{Common, EXERCISES};

/// Every parameter name of every exercise, and a few that none has.
fn keys() -> Vec<String> {
    let mut keys: Vec<String> = EXERCISES
        .iter()
        .flat_map(|e| e.all_params().map(|p| p.name.to_string()))
        .collect();
    keys.extend(["", "x", "SIZES", "n[]", "ü", "budget_ms%00"].map(String::from));
    keys.sort();
    keys.dedup();
    keys
}

/// Every word of every choice.
fn words() -> Vec<String> {
    EXERCISES
        .iter()
        .flat_map(|e| e.all_params())
        .filter_map(|p| match p.kind {
            params::ParamKind::Choice { options } => Some(options),
            _ => None,
        })
        .flatten()
        .map(|w| w.to_string())
        .collect()
}

/// A value as a link might carry it.
fn value() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        (0u64..2_000_000).prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        "-?[0-9]{1,30}",
        "[0-9]{0,3}[.eE+][0-9]{0,3}",
    ];
    prop_oneof![
        number.clone(),
        prop::collection::vec(number.clone(), 0..40).prop_map(|items| items.join(",")),
        prop::collection::vec((1u64..5000, 1u64..5000), 0..12).prop_map(|shapes| {
            shapes
                .iter()
                .map(|(a, b)| format!("{a}x{b}"))
                .collect::<Vec<_>>()
                .join(",")
        }),
        prop::sample::select(words()),
        "[a-zA-Z ,x%&=+]{0,20}",
        ".{0,30}",
        "(%[0-9A-Fa-f]{2}){1,8}",
        prop::collection::vec((0u64..5000, 0u64..5000), 0..5).prop_map(|slices| {
            slices
                .iter()
                .map(|(a, b)| format!("{a}:{b}"))
                .collect::<Vec<_>>()
                .join(",")
        }),
        " {0,3}[0-9]{1,6} {0,3}(, {0,2}[0-9]{1,6}){0,5} {0,3}",
    ]
}

/// A query string of up to 14 pairs, some keys repeated, some pairs
/// percent-encoded, some raw.
fn query() -> impl Strategy<Value = String> {
    let pair = (prop::sample::select(keys()), value(), any::<bool>());
    prop::collection::vec(pair, 0..14).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(key, value, encode)| match encode {
                true => params::to_query([(key.as_str(), value.as_str())]),
                false => format!("{key}={value}"),
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    /// Each generated query goes to every exercise.
    #[test]
    fn no_query_string_panics_and_every_error_names_its_field(query in query()) {
        for exercise in descriptors() {
            // The exercise's own parse: each field, then their limits together.
            match exercise.parse(&params::from_query(&query)) {
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    for error in errors {
                        prop_assert!(
                            exercise.all_params().any(|p| p.name == error.name),
                            "{}: {:?} names no field", exercise.id, error
                        );
                        prop_assert!(
                            error.message.starts_with(&format!("{}: ", error.name)),
                            "{}: {:?}", exercise.id, error
                        );
                    }
                }
                Ok(values) => {
                    // What the page sends, the worker accepts as it is.
                    let validated = exercise.validate(&values);
                    prop_assert_eq!(validated.as_ref(), Ok(&values));
                    // And the typed decoders read it.
                    let common = Common::from_values(&values);
                    prop_assert!(common.budget_ms >= 50);
                    let described = exercise.section(&values);
                    let sizes = values.list(described.size_param);
                    prop_assert!(!sizes.is_empty());
                    if let Some(work) = described.work {
                        let per_call = (work.per_call)(sizes[0], &values);
                        prop_assert!(per_call >= 0.0, "{}", exercise.id);
                    }
                }
            }
        }
    }
}
