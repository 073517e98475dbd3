//! Matrix multiplication against a product written the obvious way, on
//! matrices whose product is known. Runs on the host and in headless
//! Chromium.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kernels::matmul::{Operands, VARIANTS, naive};

#[test]
fn the_identity_changes_nothing_and_known_products_come_out() {
    let n = 5;
    let b: Vec<f64> = (0..n * n).map(|v| v as f64 - 7.0).collect();
    let identity: Vec<f64> = (0..n * n)
        .map(|v| if v / n == v % n { 1.0 } else { 0.0 })
        .collect();
    let ones = Operands {
        n,
        a: vec![1.0; n * n],
        b: b.clone(),
    };
    for (name, kernel) in VARIANTS {
        assert_eq!(
            kernel(&Operands {
                n,
                a: identity.clone(),
                b: b.clone()
            }),
            b,
            "{name}: I·B"
        );
        // Every row of 1·B is the sum of B's rows.
        let column_sums: Vec<f64> = (0..n).map(|j| (0..n).map(|k| b[k * n + j]).sum()).collect();
        let product = kernel(&ones);
        for i in 0..n {
            assert_eq!(
                &product[i * n..(i + 1) * n],
                &column_sums[..],
                "{name}: row {i} of 1·B"
            );
        }
    }
}

#[test]
fn hand_written_variants_equal_naive_bit_for_bit_and_the_reference_within_rounding() {
    for n in [1, 2, 3, 63, 64, 65, 130] {
        let m = Operands::random(n, n as u64);
        let expected = naive(&m);
        for (name, kernel) in VARIANTS {
            let got = kernel(&m);
            if name == "reference" {
                let worst = got
                    .iter()
                    .zip(&expected)
                    .map(|(g, e)| (g - e).abs())
                    .fold(0.0, f64::max);
                assert!(
                    worst <= 1e-12 * n as f64,
                    "{name} at n = {n}: off by {worst}"
                );
            } else {
                assert_eq!(got, expected, "{name} at n = {n}");
            }
        }
    }
}
