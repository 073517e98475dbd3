//! Seeded synthetic grayscale images — bright blobs on a noisy background —
//! and the stream of items a batch processes, with repeats.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// A grayscale image, one byte per pixel, row by row.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Image {
    /// Pixels per row.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// `width × height` intensities.
    pub pixels: Vec<u8>,
}

/// A `side × side` image of noise in 20..60 with up to `blobs` bright discs
/// (intensity falling off to their rim), reproducible from `seed`.
pub fn synthetic(side: usize, blobs: usize, seed: u64) -> Image {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut pixels: Vec<u8> = (0..side * side).map(|_| rng.random_range(20..60)).collect();
    // Each image has between half and all of `blobs`, so images differ in
    // their number of regions.
    let count = if blobs == 0 { 0 } else { rng.random_range(blobs.div_ceil(2)..=blobs) };
    for _ in 0..count {
        let radius = rng.random_range(2.0..(side as f64 / 8.0).max(3.0));
        let (cx, cy) = (rng.random_range(0.0..side as f64), rng.random_range(0.0..side as f64));
        let peak = rng.random_range(150.0..230.0);
        let span = |c: f64| ((c - radius).max(0.0) as usize, ((c + radius).ceil() as usize).min(side));
        let ((x0, x1), (y0, y1)) = (span(cx), span(cy));
        for y in y0..y1 {
            for x in x0..x1 {
                let d2 = (x as f64 - cx).powi(2) + (y as f64 - cy).powi(2);
                if d2 < radius * radius {
                    let p = &mut pixels[y * side + x];
                    let value = f64::from(*p) + peak * (1.0 - 0.5 * d2 / (radius * radius));
                    *p = value.min(255.0) as u8;
                }
            }
        }
    }
    Image { width: side, height: side, pixels }
}

/// The image keys of a stream of `n` items: key `k` of `0..n` is drawn with
/// weight `1 / (k + 1)^s` (Zipf's law), so a larger `s` repeats the popular
/// images more often; `s = 0` draws uniformly.
pub fn zipf_keys(n: usize, s: f64, seed: u64) -> Vec<u64> {
    let mut rng = Pcg64::seed_from_u64(seed ^ 0x21_9f);
    let mut cumulative = Vec::with_capacity(n);
    let mut total = 0.0;
    for k in 0..n {
        total += 1.0 / ((k + 1) as f64).powf(s);
        cumulative.push(total);
    }
    (0..n)
        .map(|_| {
            let u = rng.random_range(0.0..total);
            cumulative.partition_point(|&c| c <= u).min(n - 1) as u64
        })
        .collect()
}
