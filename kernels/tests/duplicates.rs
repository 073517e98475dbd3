//! Every `duplicates` variant against its naive twin on fixed and seeded
//! inputs. Runs on the host and, compiled to wasm, in headless Chromium.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kernels::duplicates::{TEST_NUMBERS, VARIANTS, generate_test_data, naive};

/// Runs every variant on `input` and compares it with `naive`, exactly.
fn check(input: &[u32]) {
    let expected = naive(input);
    for (name, kernel) in VARIANTS {
        assert_eq!(kernel(input), expected, "variant {name} on {input:?}");
    }
}

#[test]
fn seed_list_gives_one_three_five() {
    for (name, kernel) in VARIANTS {
        assert_eq!(kernel(&TEST_NUMBERS), [1, 3, 5], "variant {name}");
    }
}

#[test]
fn edge_cases() {
    check(&[]);
    check(&[7]);
    check(&[4, 4, 4, 4]);
    check(&[1, 2, 3, 4]);
    check(&[2, 1, 1, 2]);
    check(&[9, 0, 9, 0, 9]);
}

#[test]
fn seeded_inputs_of_the_seed_generator() {
    for (size, divisor, seed) in [
        (100, 2, 1),
        (500, 2, 2),
        (1000, 10, 3),
        (300, 1, 4),
        (50, 100, 5),
    ] {
        check(&generate_test_data(size, divisor, seed));
    }
}

#[test]
fn generator_is_reproducible_and_in_range() {
    let a = generate_test_data(1000, 2, 42);
    assert_eq!(a, generate_test_data(1000, 2, 42));
    assert_ne!(a, generate_test_data(1000, 2, 43));
    assert!(a.iter().all(|&x| (1..=500).contains(&x)));
    assert!(generate_test_data(3, 2, 0).iter().all(|&x| x == 1));
}
