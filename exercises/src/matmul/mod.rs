//! Seed exercise 7, first kernel: matrix multiplication, from the seed's
//! loops to a library's micro-kernel.

use crate::{Exercise, GpuVariant, Growth, Target, Variant, Work, compiled};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        n: IntList { min: 16, max: 1024, max_len: 6, } = "64,128,256,512",
            "n",
            "matrix sizes to time (n × n)";
        seed: Int { min: 0, max: 1_000_000, } = "7",
            "seed",
            "seeds the matrices' random entries in [−1, 1)";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "matmul",
    title: "Matrix multiply: loop order, cache blocks, SIMD, threads",
    seed: compiled::SEED,
    summary: "The seed's i-j-k loops, then the loop order that walks memory in a line, cache blocking, \
              SIMD lanes and row blocks on threads, measured in GFLOP/s beside an established \
              matrix-multiply crate.",
    explanation: &[
        "The naive variant is the seed's matrix_multiply: for every C[i, j], a loop over k adding \
         A[i, k]·B[k, j] into C[i, j] in memory. The matrices are row-major, as NumPy's are, so the \
         inner loop reads B down a column, n numbers apart: every step lands on another cache line, \
         and once n rows of B no longer fit in the cache every step waits for memory.",
        "ikj swaps the two inner loops: the innermost now adds A[i, k] times row k of B to row i of C, \
         both read in a line, so every byte of a cache line is used and the compiler can vectorize. \
         blocked cuts the loops into 64 × 64 tiles, so the tile of B in use stays in cache while it \
         is reused. simd keeps a 4 × 4 tile of C in four f64x4 accumulators (eight SIMD128 registers) \
         for the whole k loop: each load of four numbers of B feeds four rows, each number of A four \
         columns, and C is written once instead of n times. parallel gives blocks of rows \
         of C to every thread (the seed's prange bonus). reference is the matrixmultiply crate's dgemm, \
         which packs tiles into contiguous panels and runs a register-blocked micro-kernel: how far a \
         library goes past the hand-written loops.",
        "Read the ladder rather than assume it. The big step is the loop order: ikj is an order of \
         magnitude faster than naive, and the gap grows with n as naive's column walk leaves the cache. \
         Blocking alone need not beat ikj at these sizes: ikj already streams rows that the compiler \
         vectorizes, matrices up to 512 × 512 (2 MiB each) sit largely in the cache, and the blocks' \
         bookkeeping costs something; it pays off when the matrices outgrow the cache (try n = 1024). \
         What beats ikj here is keeping C out of memory: ikj loads and stores a row of C for every k, \
         simd's tiles hold sixteen numbers of C in registers for the whole k loop, so each step does \
         eight SIMD multiplies and adds for two loads of B: compare their GFLOP/s in the throughput \
         column (about twice ikj's at n = 256 when this lesson was last measured). The reference's micro-kernel is tuned for native SIMD widths, not \
         for WebAssembly's 128-bit lanes; natively it is the fastest.",
        "One product of n × n matrices takes 2n³ floating-point operations, so the throughput column \
         reads GFLOP/s. The hand-written variants add each C[i, j]'s products in the naive order and \
         never fuse a multiply with an add, so their results equal the naive one bit for bit; the \
         reference adds in its own order and agrees within n·10⁻¹⁵ of the largest entry, which the \
         check states.",
        compiled::JIT,
        compiled::OPTIONS,
    ],
    params: PARAMS,
    size_param: "n",
    variants: &[
        Variant {
            name: "naive",
            technique: "i-j-k loops accumulating into C[i, j]: the seed's code",
            growth: Growth::Cubic,
        },
        Variant {
            name: "ikj",
            technique: "i-k-j order: the inner loop walks rows of B and C in a line",
            growth: Growth::Cubic,
        },
        Variant {
            name: "blocked",
            technique: "64 × 64 cache blocks in i-k-j order",
            growth: Growth::Cubic,
        },
        Variant {
            name: "simd",
            technique: "4 × 4 register tiles of C in f64x4 lanes over the whole k loop",
            growth: Growth::Cubic,
        },
        Variant {
            name: "parallel",
            technique: "blocks of rows of C on every thread (prange)",
            growth: Growth::Cubic,
        },
        Variant {
            name: "reference",
            technique: "the matrixmultiply crate's dgemm: packed panels, a micro-kernel",
            growth: Growth::Cubic,
        },
    ],
    source: "kernels/src/matmul/mod.rs",
    target: Target {
        variant: "simd",
        baseline: "naive",
        speedup: 3.0,
        size: 256,
    },
    thread_sweep: Some("parallel"),
    gpu: &[
        GpuVariant {
            variant: Variant {
                name: "gpu_naive",
                technique: "WebGPU, f32: one invocation per element of C",
                growth: Growth::Cubic,
            },
            shader: include_str!("../../../kernels/src/matmul/gpu_naive.wgsl"),
            tolerance: "every entry within 10⁻⁴ of the largest entry of the f64 product",
        },
        GpuVariant {
            variant: Variant {
                name: "gpu_tiled",
                technique: "WebGPU, f32: 16 × 16 tiles staged in workgroup memory",
                growth: Growth::Cubic,
            },
            shader: include_str!("../../../kernels/src/matmul/gpu_tiled.wgsl"),
            tolerance: "every entry within 10⁻⁴ of the largest entry of the f64 product",
        },
    ],
    local_file: None,
    sections: &[],
    limits: None,
    work: Some(Work {
        unit: "FLOP",
        per_call: |n, _| 2.0 * (n as f64).powi(3),
    }),
    #[cfg(feature = "runner")]
    runner: &run::Matmul,
};
