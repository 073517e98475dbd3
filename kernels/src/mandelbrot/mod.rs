//! Seed exercise 7, "JIT compilation with Numba": the Mandelbrot set.
//!
//! Every variant returns the seed's image, row-major, `height` rows of
//! `width` counts: pixel `(x, y)` stands for
//! `c = ((x − width/2) / (width/4), (y − height/2) / (height/4))`; `z` starts
//! at 0 and, for `i` in `0..max_iter`, escapes at the first `i` with
//! `|z| > 2` (the pixel's count is `i`) or else becomes `z² + c`. A pixel
//! that never escapes is 0.
//!
//! The variants compute the same orbit with the same floating-point
//! operations in the same order, and SIMD lanes do per pixel exactly what
//! the scalar loop does, so the optimized images are equal pixel for pixel.
//! `|z|² > 4` is the seed's `abs(z) > 2` without the square root, the same
//! test in exact arithmetic; where `|z|` is within rounding of 2 the two can
//! disagree ([`on_the_edge`]), and only there.

use wide::{CmpGt, f64x4};

/// The image's shape and iteration limit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// Pixels per row.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// Iterations before a pixel counts as inside the set.
    pub max_iter: u32,
}

impl Frame {
    /// The point `c` of pixel `(x, y)`, as the seed computes it.
    pub fn c(&self, x: usize, y: usize) -> (f64, f64) {
        let (w, h) = (self.width as f64, self.height as f64);
        (
            (x as f64 - w / 2.0) / (w / 4.0),
            (y as f64 - h / 2.0) / (h / 4.0),
        )
    }
}

/// An image kernel.
pub type Kernel = fn(&Frame) -> Vec<u32>;

/// Every variant by name, the naive port first.
pub const VARIANTS: [(&str, Kernel); 4] = [
    ("naive", naive),
    ("squared", squared),
    ("simd", simd),
    ("parallel", parallel),
];

/// A complex number, like Python's `complex`.
#[derive(Clone, Copy)]
struct Complex {
    re: f64,
    im: f64,
}

impl Complex {
    /// `abs(z)`: Python computes it with `hypot`, a square root.
    fn abs(self) -> f64 {
        self.re.hypot(self.im)
    }

    /// `z * z + c`, with Python's complex product `(a·c − b·d, a·d + b·c)`.
    fn square_plus(self, c: Complex) -> Complex {
        Complex {
            re: self.re * self.re - self.im * self.im + c.re,
            im: self.re * self.im + self.im * self.re + c.im,
        }
    }
}

/// The seed's code: complex numbers, `abs(z) > 2` (a square root per
/// iteration), an image of floats indexed `img[y, x]`.
pub fn naive(frame: &Frame) -> Vec<u32> {
    let mut img = vec![vec![0.0f64; frame.width]; frame.height];
    for y in 0..frame.height {
        for x in 0..frame.width {
            let (re, im) = frame.c(x, y);
            let c = Complex { re, im };
            let mut z = Complex { re: 0.0, im: 0.0 };
            for i in 0..frame.max_iter {
                if z.abs() > 2.0 {
                    img[y][x] = i as f64;
                    break;
                }
                z = z.square_plus(c);
            }
        }
    }
    img.into_iter()
        .flatten()
        .map(|count| count as u32)
        .collect()
}

/// Whether the orbit of pixel `index` (row-major) passes within rounding
/// of `|z| = 2` before it escapes. There the seed's `hypot(z) > 2` and the
/// optimized `|z|² > 4` may fall on opposite sides: the only place where
/// the variants' images can differ.
pub fn on_the_edge(frame: &Frame, index: usize) -> bool {
    let width = frame.width.max(1);
    let (cr, ci) = frame.c(index % width, index / width);
    let (mut zr, mut zi) = (0.0f64, 0.0f64);
    for _ in 0..frame.max_iter {
        let r2 = zr * zr + zi * zi;
        if (r2 - 4.0).abs() <= 1e-12 || (zr.hypot(zi) - 2.0).abs() <= 1e-12 {
            return true;
        }
        if r2 > 4.0 {
            return false;
        }
        let product = zr * zi;
        (zr, zi) = (zr * zr - zi * zi + cr, product + product + ci);
    }
    false
}

/// One pixel with the escape test on `|z|² > 4`: no square root, plain
/// `f64` pairs instead of a complex type.
fn pixel(cr: f64, ci: f64, max_iter: u32) -> u32 {
    let (mut zr, mut zi) = (0.0f64, 0.0f64);
    for i in 0..max_iter {
        if zr * zr + zi * zi > 4.0 {
            return i;
        }
        let product = zr * zi;
        (zr, zi) = (zr * zr - zi * zi + cr, product + product + ci);
    }
    0
}

/// Squares instead of `abs`, into one flat image.
pub fn squared(frame: &Frame) -> Vec<u32> {
    let mut img = vec![0u32; frame.width * frame.height];
    for (y, row) in img.chunks_exact_mut(frame.width.max(1)).enumerate() {
        for (x, out) in row.iter_mut().enumerate() {
            let (cr, ci) = frame.c(x, y);
            *out = pixel(cr, ci, frame.max_iter);
        }
    }
    img
}

/// One row, four pixels at a time in `f64x4` lanes (two SIMD128
/// registers): a lane that has escaped keeps its count and is masked off;
/// the loop ends when all four have escaped or at `max_iter`.
fn simd_row(frame: &Frame, y: usize, row: &mut [u32]) {
    let lanes = row.len() / 4 * 4;
    let four = f64x4::splat(4.0);
    for x0 in (0..lanes).step_by(4) {
        let cs: [(f64, f64); 4] = std::array::from_fn(|lane| frame.c(x0 + lane, y));
        let cr = f64x4::from(cs.map(|c| c.0));
        let ci = f64x4::from(cs.map(|c| c.1));
        let (mut zr, mut zi) = (f64x4::ZERO, f64x4::ZERO);
        let mut counts = f64x4::ZERO;
        let mut escaped = f64x4::ZERO;
        for i in 0..frame.max_iter {
            let now = (zr * zr + zi * zi).cmp_gt(four) & !escaped;
            counts = now.blend(f64x4::splat(i as f64), counts);
            escaped |= now;
            if escaped.all() {
                break;
            }
            let product = zr * zi;
            (zr, zi) = (zr * zr - zi * zi + cr, product + product + ci);
        }
        for (out, count) in row[x0..x0 + 4].iter_mut().zip(counts.to_array()) {
            *out = count as u32;
        }
    }
    for x in lanes..row.len() {
        let (cr, ci) = frame.c(x, y);
        row[x] = pixel(cr, ci, frame.max_iter);
    }
}

/// Four pixels per step in SIMD lanes.
pub fn simd(frame: &Frame) -> Vec<u32> {
    let mut img = vec![0u32; frame.width * frame.height];
    for (y, row) in img.chunks_exact_mut(frame.width.max(1)).enumerate() {
        simd_row(frame, y, row);
    }
    img
}

/// SIMD rows spread over every thread of the pool.
pub fn parallel(frame: &Frame) -> Vec<u32> {
    parallel_in(frame, rayon::current_num_threads())
}

/// [`parallel`] as `parts` tasks, so at most `parts` threads work (the
/// thread sweep's knob). Task `t` takes rows `t`, `t + parts`, …: rows near
/// the middle, inside the set, cost the most, and interleaving gives every
/// task a fair share of them.
pub fn parallel_in(frame: &Frame, parts: usize) -> Vec<u32> {
    let rows = crate::interleaved(frame.height, parts, |y| {
        let mut row = vec![0u32; frame.width];
        simd_row(frame, y, &mut row);
        row
    });
    rows.concat()
}

/// The sum of all counts and the number of pixels that never escaped: the
/// checked summary of an image.
pub fn summary(img: &[u32]) -> (u64, usize) {
    (
        img.iter().map(|&count| count as u64).sum(),
        img.iter().filter(|&&count| count == 0).count(),
    )
}
