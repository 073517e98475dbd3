//! Lengths against arithmetic, and the StringBuilder's API. Runs on the
//! host and in headless Chromium.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kernels::strings::{StringBuilder, VARIANTS, generate_test_data};

#[test]
fn the_seeds_cases_have_count_times_chars_xs() {
    for (count, chars) in [(100, 10), (1000, 100), (37, 3)] {
        let data = generate_test_data(count, chars);
        for (name, kernel) in VARIANTS {
            let joined = kernel(&data);
            assert_eq!(joined.len(), count * chars, "{name}");
            assert!(joined.bytes().all(|b| b == b'x'), "{name}");
        }
    }
}

#[test]
fn the_builder_appends_lines_and_knows_its_length() {
    let mut builder = StringBuilder::new();
    assert!(builder.is_empty());
    builder
        .append("Hello")
        .append(", ")
        .append_line("world")
        .append("é");
    assert_eq!(builder.len(), "Hello, world\né".len());
    assert_eq!(builder.to_string(), "Hello, world\né");
}
