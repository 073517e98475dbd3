//! Malformed files: every variant counts what it cannot parse and finishes.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kernels::csv_stream::{CATEGORIES, Summary, VARIANTS, generate, naive, streamed};

fn summaries(file: &[u8]) -> Vec<Summary> {
    VARIANTS
        .iter()
        .map(|(name, kernel)| {
            kernel(&mut &file[..]).unwrap_or_else(|error| panic!("{name}: {error}"))
        })
        .collect()
}

/// Every variant's summary, which must all be equal.
fn summary(file: &[u8]) -> Summary {
    let all = summaries(file);
    for (summary, (name, _)) in all.iter().zip(VARIANTS) {
        assert_eq!(summary, &all[0], "{name}");
    }
    all[0].clone()
}

#[test]
fn a_well_formed_file_is_totalled_per_category() {
    let summary = summary(b"id,category,value\n1,books,2.5\n2,toys,1\n3,books,0.25\n");
    assert_eq!((summary.rows, summary.malformed), (3, 0));
    assert_eq!(summary.totals["books"], (2, 2.75));
    assert_eq!(summary.totals["toys"], (1, 1.0));
}

#[test]
fn the_empty_file_and_a_lone_header_have_no_rows() {
    for file in [&b""[..], b"id,category,value\n", b"id,category,value"] {
        assert_eq!(summary(file), Summary::default(), "{file:?}");
    }
}

#[test]
fn ragged_rows_are_counted_and_skipped() {
    let summary = summary(b"id,category,value\n1,books\n2,toys,1,extra\n3,books,2\n\n4\n");
    assert_eq!((summary.rows, summary.malformed), (1, 3));
    assert_eq!(summary.totals["books"], (1, 2.0));
}

#[test]
fn invalid_utf8_is_counted_not_a_crash() {
    let summary = summary(b"id,category,value\n1,caf\xe9,2\n2,toys,1\n3,\xff\xfe,1\n");
    assert_eq!((summary.rows, summary.malformed), (1, 2));
}

#[test]
fn a_stray_quote_spoils_its_row_only() {
    let summary = summary(b"id,category,value\n1,books,12\"5\n2,to\"ys,3\n3,books,1\n");
    // A quote inside an unquoted field is kept as text: the value is not a
    // number, the category is merely odd.
    assert_eq!((summary.rows, summary.malformed), (2, 1));
    assert_eq!(summary.totals["to\"ys"], (1, 3.0));
}

#[test]
fn quoted_fields_may_hold_commas_and_quotes() {
    let summary = summary(b"id,category,value\n1,\"books, rare\",2\n2,\"say \"\"hi\"\"\",1\n");
    assert_eq!((summary.rows, summary.malformed), (2, 0));
    assert_eq!(summary.totals["books, rare"], (1, 2.0));
    assert_eq!(summary.totals["say \"hi\""], (1, 1.0));
}

#[test]
fn a_quote_never_closed_swallows_the_rest_and_still_finishes() {
    let summary = summary(b"id,category,value\n1,books,1\n2,\"toys,2\n3,books,3\n4,books,4\n");
    // The open quote runs to the end of the file: one malformed row, and
    // the rows inside it are never seen.
    assert_eq!((summary.rows, summary.malformed), (1, 1));
}

#[test]
fn a_generated_file_has_the_malformed_rows_it_was_given() {
    let clean = summary(&generate(10_000, 0, 3));
    assert_eq!((clean.rows, clean.malformed), (10_000, 0));
    assert!(
        clean
            .totals
            .keys()
            .all(|key| CATEGORIES.contains(&key.as_str()))
    );
    let dirty = summary(&generate(10_000, 100, 3));
    assert_eq!(dirty.rows + dirty.malformed, 10_000);
    // One row in 100 on average: 100 ± 5σ.
    assert!((50..150).contains(&dirty.malformed), "{}", dirty.malformed);
}

#[test]
fn an_io_error_is_returned_not_counted() {
    struct Broken;
    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk gone"))
        }
    }
    assert!(naive(&mut Broken).is_err());
    assert!(streamed(&mut Broken).is_err());
}
