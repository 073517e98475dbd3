//! The naive port reproduces the seed's Python function, written again here
//! line by line with `num-complex` (whose product and `norm` are Python's
//! `complex` product and `abs`). Runs on the host and in headless Chromium.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kernels::mandelbrot::{Frame, VARIANTS, naive, summary};
use num_complex::Complex64;

/// The seed's `mandelbrot(width, height, max_iter)`, with `img` a list of
/// rows of floats.
fn seed_python(width: usize, height: usize, max_iter: u32) -> Vec<Vec<f64>> {
    let mut img = vec![vec![0.0; width]; height];
    for y in 0..height {
        for x in 0..width {
            let c = Complex64::new(
                (x as f64 - width as f64 / 2.0) / (width as f64 / 4.0),
                (y as f64 - height as f64 / 2.0) / (height as f64 / 4.0),
            );
            let mut z = Complex64::new(0.0, 0.0);
            for i in 0..max_iter {
                if z.norm() > 2.0 {
                    img[y][x] = i as f64;
                    break;
                }
                z = z * z + c;
            }
        }
    }
    img
}

#[test]
fn naive_reproduces_the_seed_on_small_images() {
    for (width, height, max_iter) in [
        (1, 1, 100),
        (8, 6, 100),
        (37, 21, 100),
        (64, 48, 30),
        (20, 20, 1000),
    ] {
        let expected: Vec<u32> = seed_python(width, height, max_iter)
            .into_iter()
            .flatten()
            .map(|v| v as u32)
            .collect();
        assert_eq!(
            naive(&Frame {
                width,
                height,
                max_iter
            }),
            expected,
            "{width}×{height}, max_iter {max_iter}"
        );
    }
}

#[test]
fn every_variant_draws_the_seed_image_pixel_for_pixel() {
    let frame = Frame {
        width: 61,
        height: 43,
        max_iter: 100,
    };
    let expected = naive(&frame);
    for (name, kernel) in VARIANTS {
        assert_eq!(kernel(&frame), expected, "{name}");
    }
}

#[test]
fn the_image_has_the_sets_shape() {
    let frame = Frame {
        width: 80,
        height: 80,
        max_iter: 100,
    };
    let img = naive(&frame);
    let at = |x: usize, y: usize| img[y * frame.width + x];
    // c = 0 (the centre) and c = −1 never escape; at c = −2 − 2i (the
    // corner) |z| > 2 after one step, at c = 1 after three (0, 1, 2, 5).
    assert_eq!(at(40, 40), 0);
    assert_eq!(at(20, 40), 0);
    assert_eq!(at(0, 0), 1);
    assert_eq!(at(60, 40), 3);
    let (sum, zeros) = summary(&img);
    // The set's area is about 1.51 of the frame's 16: 9.4% of the pixels,
    // a little more at 100 iterations.
    assert!(
        (80 * 80 * 8 / 100..80 * 80 * 12 / 100).contains(&zeros),
        "{zeros} pixels inside"
    );
    assert_eq!(sum, img.iter().map(|&v| v as u64).sum::<u64>());
}
