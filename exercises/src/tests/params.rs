//! Parameters: parsing text, validating values, the query string.

use std::collections::BTreeMap;

use crate::find;
use crate::params::{self, ParamError, ParamKind, ParamValue};

/// Parses one `sizes`-like list (1 ..= 1000, at most 3 values) and returns
/// the values or the error message.
fn check_list(text: &str) -> Result<Vec<u64>, String> {
    let spec = params::ParamSpec {
        name: "sizes",
        label: "sizes",
        help: "",
        kind: ParamKind::IntList {
            min: 1,
            max: 1000,
            max_len: 3,
        },
        default: "1",
    };
    match params::parse_one(&spec, text) {
        Ok(ParamValue::IntList(values)) => Ok(values),
        Ok(other) => panic!("not a list: {other:?}"),
        Err(error) => {
            assert_eq!(error.name, "sizes");
            assert!(error.message.starts_with("sizes: "), "{}", error.message);
            assert!(
                error.message.contains("from 1 to 1000"),
                "names the range: {}",
                error.message
            );
            Err(error.message)
        }
    }
}

#[test]
fn lists_parse_sorted_and_deduplicated() {
    assert_eq!(check_list("100"), Ok(vec![100]));
    assert_eq!(check_list(" 500, 100 ,100"), Ok(vec![100, 500]));
    assert_eq!(check_list("1,1000"), Ok(vec![1, 1000]));
}

#[test]
fn bad_lists_get_a_message_naming_the_problem() {
    for (text, says) in [
        ("", "no value given"),
        ("   ", "no value given"),
        ("100,,200", "a value is missing"),
        ("abc", "\"abc\" is not a whole number"),
        ("1.5", "\"1.5\" is not a whole number"),
        ("-5", "-5 is negative"),
        ("0", "0 is too small"),
        ("1001", "1001 is too large"),
        ("99999999999999999999999", "is too large"),
        ("1,2,3,4", "4 values given"),
        ("1e3", "not a whole number"),
    ] {
        let message = check_list(text).expect_err(text);
        assert!(message.contains(says), "{text:?} gave {message:?}");
    }
}

#[test]
fn absurd_input_gives_a_short_message() {
    let long = "x".repeat(10_000);
    assert!(check_list(&long).unwrap_err().len() < 200);
}

#[test]
fn whole_numbers_check_their_range() {
    let spec = &crate::COMMON_PARAMS[0];
    assert_eq!(params::parse_one(spec, "2000"), Ok(ParamValue::Int(2000)));
    let error = params::parse_one(spec, "10").unwrap_err();
    assert_eq!(error.name, "budget_ms");
    assert!(
        error.message.contains("10 is too small") && error.message.contains("from 50 to 120000"),
        "{error:?}"
    );
}

#[test]
fn throughput_reads_well() {
    let work = crate::Work {
        unit: "elements",
        per_call: |n, _| n as f64,
    };
    assert_eq!(
        work.rate(2000, &Default::default(), 1_000.0),
        "2.00 G elements/s"
    );
    assert_eq!(
        work.rate(1000, &Default::default(), 2_000_000.0),
        "500 k elements/s"
    );
    assert_eq!(work.rate(5, &Default::default(), 1e9), "5.00 elements/s");
}

#[test]
fn choices_accept_only_their_words() {
    let spec = crate::COMMON_PARAMS
        .iter()
        .find(|p| p.name == "mode")
        .unwrap();
    assert_eq!(
        params::parse_one(spec, " Thorough "),
        Ok(ParamValue::Text("thorough".into()))
    );
    let error = params::parse_one(spec, "fast").unwrap_err();
    assert!(
        error.message.contains("\"fast\" is not an option")
            && error.message.contains("one of quick, thorough"),
        "{error:?}"
    );
}

#[test]
fn parse_reports_every_bad_field_and_uses_defaults_for_missing_ones() {
    let exercise = find("duplicates").unwrap();
    let raw = params::from_query("?sizes=10,abc&seed=-1&range_divisor=3");
    let errors = params::parse(exercise.all_params(), &raw).unwrap_err();
    let names: Vec<_> = errors.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["sizes", "seed"]);
    let raw = params::from_query("range_divisor=3");
    let values = params::parse(exercise.all_params(), &raw).unwrap();
    assert_eq!(values.int("range_divisor"), 3);
    assert_eq!(values.list("sizes"), [100, 500, 1000, 2000, 10_000]);
}

#[test]
fn query_round_trips() {
    let pairs = [
        ("sizes", "100,1000"),
        ("seed", "7"),
        ("odd name", "a&b=c d"),
    ];
    let query = params::to_query(pairs);
    assert!(query.starts_with("sizes=100,1000&seed=7&"), "{query}");
    let back = params::from_query(&format!("?{query}"));
    let expected: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(back, expected);
    assert_eq!(params::from_query("sizes=100%2C1000")["sizes"], "100,1000");
}

#[test]
fn vectorize_refuses_bad_shapes() {
    let exercise = find("vectorize").unwrap();
    for query in ["rows=0", "cols=0", "rows=abc", "cols=5000", "offset=-1"] {
        assert!(
            params::parse(exercise.all_params(), &params::from_query(query)).is_err(),
            "{query}"
        );
    }
}

#[test]
fn strings_cases_are_validated_with_reasons() {
    let exercise = find("strings").unwrap();
    let error = |query: &str| {
        params::parse(exercise.all_params(), &params::from_query(query)).unwrap_err()[0]
            .message
            .clone()
    };
    assert!(error("cases=").contains("no value given"));
    assert!(error("cases=100").contains("is not <count>x<length>"));
    assert!(error("cases=0x5").contains("0 is too small"));
    assert!(error("cases=5000x5000").contains("5000x5000 is too large"));
    assert!(error("cases=100x10,10x100").contains("the same total length"));
    assert!(error("cases=ax5").contains("\"a\" is not a whole number"));
    let values =
        params::parse(exercise.all_params(), &params::from_query("cases=3X4, 1x2")).unwrap();
    assert_eq!(values.shapes("cases"), [(1, 2), (3, 4)]);
}

#[test]
fn zerocopy_sizes_are_validated() {
    let exercise = find("zerocopy").unwrap();
    let parse = |query: &str| params::parse(exercise.all_params(), &params::from_query(query));
    assert!(parse("n=1,4000000").is_ok());
    for bad in [
        "n=0",
        "n=4000001",
        "n=",
        "n=1e6",
        "n=1,2,3,4,5,6,7,8,9",
        "seed=-1",
    ] {
        let errors = parse(bad).expect_err(bad);
        assert!(
            errors.iter().all(|e| !e.message.is_empty()),
            "{bad}: {errors:?}"
        );
    }
}

/// Sizes that cannot fit in the worker's memory are refused before
/// anything runs, naming the field and what cannot fit.
#[test]
fn runs_that_cannot_fit_in_memory_are_refused_by_field() {
    let refused = |id: &str, query: &str| -> Vec<ParamError> {
        crate::find(id).unwrap().parse(&crate::params::from_query(query)).unwrap_err()
    };
    let vectorize = refused("vectorize", "rows=200000&cols=1000");
    assert_eq!(vectorize[0].name, "rows");
    assert!(vectorize[0].message.contains("200000 rows × 1000 columns need about 3056 MiB"), "{vectorize:?}");
    let memory = refused("memory", "iterations=2000&chunk=1000000");
    assert_eq!(memory[0].name, "iterations");
    assert!(memory[0].message.contains("about 45776 MiB"), "{memory:?}");
    // The defaults, and the largest rows at the default columns, still run.
    for (id, query) in [("vectorize", ""), ("vectorize", "rows=200000"), ("memory", ""), ("memory", "iterations=2000")] {
        assert!(crate::find(id).unwrap().parse(&crate::params::from_query(query)).is_ok(), "{id}?{query}");
    }
}
