//! Seed exercise 7, "JIT compilation with Numba": Monte Carlo π.
//!
//! Throw `points` uniform points into the unit square and count those inside
//! the quarter circle `x² + y² ≤ 1`; the estimate is `4 · inside / points`,
//! with a standard error of `4 · sqrt(p (1 − p) / points)`, `p = π/4`.
//!
//! The naive variant draws every coordinate from a generator it is given,
//! as the seed calls `np.random.random()` per point: in the worker that is
//! JavaScript's `Math.random`, so every coordinate crosses from WebAssembly
//! into JavaScript and back, the analog of Numba's object mode. The others
//! generate their numbers inside WebAssembly.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// One estimate's inputs.
#[derive(Clone, Copy)]
pub struct Job {
    /// Points to throw.
    pub points: u64,
    /// The seed of the generators inside WebAssembly.
    pub seed: u64,
    /// The outside generator the naive variant calls per coordinate, uniform
    /// in `[0, 1)` (`Math.random` in the worker).
    pub random: fn() -> f64,
}

/// An estimating kernel: returns the estimate of π.
pub type Kernel = fn(&Job) -> f64;

/// Every variant by name, the naive port first.
pub const VARIANTS: [(&str, Kernel); 4] = [
    ("naive", naive),
    ("in_wasm", in_wasm),
    ("batched", batched),
    ("parallel", parallel),
];

/// The standard error of an estimate from `points` points.
pub fn standard_error(points: u64) -> f64 {
    let p = std::f64::consts::FRAC_PI_4;
    4.0 * (p * (1.0 - p) / points as f64).sqrt()
}

/// The seed's loop: two calls to the outside generator per point, and a
/// branch per point.
pub fn naive(job: &Job) -> f64 {
    let mut n_inside = 0u64;
    for _ in 0..job.points {
        let x = (job.random)();
        let y = (job.random)();
        if x * x + y * y <= 1.0 {
            n_inside += 1;
        }
    }
    4.0 * n_inside as f64 / job.points as f64
}

/// The same loop with a generator compiled into the module: no call leaves
/// WebAssembly. It is PCG-32, whose state is one 64-bit integer. PCG-64's
/// 128-bit multiply has no WebAssembly instruction: it becomes a call to
/// `__multi3`, a software multiply from 32-bit pieces, which made this
/// loop 2.2× slower than native code. PCG-32 needs only `i64.mul`.
pub fn in_wasm(job: &Job) -> f64 {
    let mut rng = Pcg32::seed_from_u64(job.seed);
    let mut n_inside = 0u64;
    for _ in 0..job.points {
        let x: f64 = rng.random();
        let y: f64 = rng.random();
        if x * x + y * y <= 1.0 {
            n_inside += 1;
        }
    }
    4.0 * n_inside as f64 / job.points as f64
}

/// Coordinates per batch: 16 KiB of numbers, which stay in the L1 cache.
const BATCH: usize = 2048;

/// Counts the points inside among `points` drawn from `rng`, a batch at a
/// time: fill a buffer with coordinates, then count without a branch (a
/// comparison is 0 or 1), a loop the compiler vectorizes. The numbers are
/// the ones [`in_wasm`] draws, in the same order.
fn count_batched(rng: &mut Pcg32, points: u64) -> u64 {
    let mut buffer = [0.0f64; BATCH];
    let mut n_inside = 0u64;
    let mut left = points as usize;
    while left > 0 {
        let take = left.min(BATCH / 2);
        let coordinates = &mut buffer[..2 * take];
        for slot in coordinates.iter_mut() {
            *slot = rng.random();
        }
        n_inside += coordinates
            .chunks_exact(2)
            .map(|p| (p[0] * p[0] + p[1] * p[1] <= 1.0) as u64)
            .sum::<u64>();
        left -= take;
    }
    n_inside
}

/// Numbers drawn a batch at a time, counted branch-free: the analog of
/// `np.random.random(n)` and a vectorized comparison. Same numbers, same
/// count as [`in_wasm`].
pub fn batched(job: &Job) -> f64 {
    let mut rng = Pcg32::seed_from_u64(job.seed);
    4.0 * count_batched(&mut rng, job.points) as f64 / job.points as f64
}

/// Points per chunk of the parallel variant; each chunk has its own stream.
pub const CHUNK: u64 = 1 << 16;

/// Chunks of points on every thread of the pool.
pub fn parallel(job: &Job) -> f64 {
    parallel_in(job, rayon::current_num_threads())
}

/// The state every chunk's stream starts from: the seed spread over all
/// 64 bits, since a small state's first outputs are poorly mixed.
fn stream_state(seed: u64) -> u64 {
    let mut rng = Pcg32::seed_from_u64(seed);
    rng.random()
}

/// [`parallel`] as `parts` tasks, so at most `parts` threads work (the
/// thread sweep's knob). The points are cut into fixed chunks, and chunk
/// `k` draws from PCG stream `k` of the seed: independent streams, and the
/// same estimate whatever the number of threads.
pub fn parallel_in(job: &Job, parts: usize) -> f64 {
    let chunks = job.points.div_ceil(CHUNK);
    let state = stream_state(job.seed);
    let counts = crate::interleaved(chunks as usize, parts, |chunk| {
        let chunk = chunk as u64;
        let mut rng = Pcg32::new(state, chunk);
        count_batched(&mut rng, CHUNK.min(job.points - chunk * CHUNK))
    });
    4.0 * counts.iter().sum::<u64>() as f64 / job.points as f64
}
