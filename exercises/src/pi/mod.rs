//! Seed exercise 7, second kernel: Monte Carlo π, and the cost of calling
//! JavaScript per number.

use crate::{Exercise, GpuVariant, Growth, Target, Variant, Work, compiled};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        points: IntList { min: 1000, max: 100_000_000, max_len: 6, } = "100000,1000000,10000000",
            "points",
            "point counts to time";
        seed: Int { min: 0, max: 1_000_000, } = "7",
            "seed",
            "seeds the generators inside WebAssembly (Math.random cannot be seeded)";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "pi",
    title: "Monte Carlo π: keep the loop inside WebAssembly",
    seed: compiled::SEED,
    summary: "The seed draws every coordinate from the language's random generator; here that is a call \
              into JavaScript per number. A generator compiled in, batches counted without branches, and \
              independent streams per thread.",
    explanation: &[
        "The naive variant is the seed's monte_carlo_pi: for every point two random numbers and a \
         branch. The seed calls np.random.random() per coordinate; here each coordinate is a call from \
         WebAssembly to JavaScript's Math.random and back, injected by the worker, and the crossing is \
         most of the cost, as a call into the Python interpreter is in Numba's object mode.",
        "in_wasm runs the same loop with a PCG-32 generator compiled into the module (64-bit state: \
         PCG-64's 128-bit multiply has no WebAssembly instruction and would cost 2× here). batched draws \
         2048 numbers into a buffer, then counts the points inside with a comparison that is 0 or 1 \
         instead of a branch: a random point is inside 79% of the time, so the branch is mispredicted \
         often, and the branch-free loop vectorizes. parallel cuts the points into chunks of 65 536, \
         gives chunk k its own PCG stream k, and hands chunks to every thread: the streams do not \
         overlap, and the estimate is the same whatever the number of threads.",
        "The estimate is random, so the check is statistical: every variant's estimate must lie within 4 \
         standard errors of π, σ = 4·√(p(1−p)/N) with p = π/4 (a correct estimator misses that bound \
         once in 16 000 runs). batched and in_wasm draw the same numbers and give the same estimate. \
         The table below shows the error shrinking like 1/√N: a hundred times the points for one more \
         digit.",
        compiled::JIT,
        compiled::OPTIONS,
    ],
    params: PARAMS,
    size_param: "points",
    variants: &[
        Variant {
            name: "naive",
            technique: "two calls to JavaScript's Math.random per point: the seed's loop",
            growth: Growth::Linear,
        },
        Variant {
            name: "in_wasm",
            technique: "the same loop with a generator compiled into WebAssembly",
            growth: Growth::Linear,
        },
        Variant {
            name: "batched",
            technique: "numbers drawn in batches, counted without a branch",
            growth: Growth::Linear,
        },
        Variant {
            name: "parallel",
            technique: "chunks with independent PCG streams on every thread",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/pi/mod.rs",
    target: Target {
        variant: "in_wasm",
        baseline: "naive",
        speedup: 2.0,
        size: 1_000_000,
    },
    thread_sweep: Some("parallel"),
    gpu: &[GpuVariant {
        variant: Variant {
            name: "gpu",
            technique: "WebGPU: a PCG32 stream per invocation, counts summed per workgroup",
            growth: Growth::Linear,
        },
        shader: include_str!("../../../kernels/src/pi/gpu.wgsl"),
        tolerance: "the estimate within 4 standard errors of π",
    }],
    local_file: None,
    sections: &[],
    limits: None,
    work: Some(Work {
        unit: "points",
        per_call: |points, _| points as f64,
    }),
    #[cfg(feature = "runner")]
    runner: &run::Pi,
};
