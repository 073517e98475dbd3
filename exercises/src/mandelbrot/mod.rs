//! Seed exercise 7, third kernel: the Mandelbrot set, drawn in the page.

use crate::params::FromValues;
use crate::{Exercise, GpuVariant, Growth, Target, Variant, Work, compiled};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        width: IntList { min: 1, max: 2000, max_len: 6, } = "200,400,800",
            "widths",
            "image widths to time, in pixels";
        height: Int { min: 1, max: 2000 } = "400",
            "height",
            "rows of every image; the picture spans −2 … 2 on both axes whatever its shape";
        max_iter: Int { min: 1, max: 10_000, } = "100",
            "max_iter",
            "steps before a pixel counts as inside the set; the seed uses 100";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "mandelbrot",
    title: "Mandelbrot: no square root, SIMD lanes, rows on threads",
    seed: compiled::SEED,
    summary: "The seed's complex-number loop, then the escape test without a square root, four pixels \
              per SIMD step and rows spread over threads; every variant draws the same image, pixel \
              for pixel.",
    explanation: &[
        "The naive variant is the seed's mandelbrot: for every pixel a complex number c, and z ← z² + c \
         until abs(z) > 2 or max_iter steps; the pixel keeps the step at which it escaped, or 0 if it \
         never did. abs(z) is a square root (Python computes it with hypot), once per step of every \
         pixel.",
        "squared compares |z|² = re² + im² with 4: the same test, since both sides are positive, with \
         no square root, and re·im computed once. simd runs four neighbouring pixels in f64x4 lanes \
         (two SIMD128 registers); a pixel that has escaped keeps its count while the others go on, so \
         the four cost as much as the slowest of them. parallel gives rows to every thread; rows near \
         the middle, where most pixels never escape, cost the most, so each task takes every k-th row \
         rather than one block.",
        "Every variant computes the same orbit with the same floating-point operations in the same \
         order, and the optimized ones agree pixel for pixel. The seed's abs(z) > 2 (hypot, a square \
         root) and |z|² > 4 are the same test in exact arithmetic, but where |z| lies within rounding \
         of 2 they can fall on opposite sides: such pixels, if the frame has any, are counted in the \
         check's text and accepted; any other difference is a disagreement. The check shows the sum \
         of all counts and the pixels that never escaped. The image below is drawn from the parallel \
         variant's result at the largest width.",
        compiled::JIT,
        compiled::OPTIONS,
    ],
    params: PARAMS,
    size_param: "width",
    variants: &[
        Variant {
            name: "naive",
            technique: "complex numbers and abs(z) > 2, a square root per step: the seed's code",
            growth: Growth::Linear,
        },
        Variant {
            name: "squared",
            technique: "|z|² > 4: the same test without the square root",
            growth: Growth::Linear,
        },
        Variant {
            name: "simd",
            technique: "four pixels per step in f64x4 lanes, escaped lanes masked off",
            growth: Growth::Linear,
        },
        Variant {
            name: "parallel",
            technique: "SIMD rows, every k-th row per task, on every thread",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/mandelbrot/mod.rs",
    target: Target {
        variant: "simd",
        baseline: "naive",
        speedup: 4.0,
        size: 200,
    },
    thread_sweep: Some("parallel"),
    gpu: &[GpuVariant {
        variant: Variant {
            name: "gpu",
            technique: "WebGPU, f32: one invocation per pixel",
            growth: Growth::Linear,
        },
        shader: include_str!("../../../kernels/src/mandelbrot/gpu.wgsl"),
        tolerance: "at most 1% of the pixels differ from the f64 image",
    }],
    local_file: None,
    sections: &[],
    limits: None,
    work: Some(Work {
        unit: "pixels",
        per_call: |width, values| (width * Params::from_values(values).height) as f64,
    }),
    #[cfg(feature = "runner")]
    runner: &run::Mandelbrot,
};
