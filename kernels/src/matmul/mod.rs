//! Seed exercise 7, "JIT compilation with Numba": matrix multiplication.
//!
//! `C = A·B` for square `n × n` matrices of `f64`, stored row-major in one
//! buffer each (`a[i * n + k]`), as NumPy stores them. One call does `2n³`
//! floating-point operations.
//!
//! Every hand-written variant adds the products of `C[i, j]` in the order
//! `k = 0, 1, …`, as the naive loops do, and multiplies and adds separately
//! (no fused multiply-add), so their results equal the naive one bit for
//! bit. The reference, the `matrixmultiply` crate, adds in its own order:
//! it agrees within rounding.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use wide::f64x4;

/// The two inputs of one product.
pub struct Operands {
    /// Rows and columns of each matrix.
    pub n: usize,
    /// The left matrix, row-major.
    pub a: Vec<f64>,
    /// The right matrix, row-major.
    pub b: Vec<f64>,
}

impl Operands {
    /// Two `n × n` matrices of uniform numbers in `[-1, 1)`, reproducible
    /// from `seed`.
    pub fn random(n: usize, seed: u64) -> Operands {
        let mut rng = Pcg64::seed_from_u64(seed);
        let mut matrix = || {
            (0..n * n)
                .map(|_| rng.random_range(-1.0..1.0))
                .collect::<Vec<f64>>()
        };
        let a = matrix();
        Operands { n, a, b: matrix() }
    }
}

/// A multiplying kernel: returns `C`, row-major.
pub type Kernel = fn(&Operands) -> Vec<f64>;

/// Every variant by name, the naive port first.
pub const VARIANTS: [(&str, Kernel); 6] = [
    ("naive", naive),
    ("ikj", ikj),
    ("blocked", blocked),
    ("simd", simd),
    ("parallel", parallel),
    ("reference", reference),
];

/// The seed's i-j-k loops, accumulating into `C[i, j]` in memory: the
/// inner loop walks a column of `B`, `n` numbers apart, so every step
/// touches another cache line.
pub fn naive(m: &Operands) -> Vec<f64> {
    let n = m.n;
    let mut c = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            for k in 0..n {
                c[i * n + j] += m.a[i * n + k] * m.b[k * n + j];
            }
        }
    }
    c
}

/// The loops in i-k-j order: the inner loop adds `A[i, k]` times row `k`
/// of `B` to row `i` of `C`, both contiguous, so every cache line is used
/// whole and the compiler can vectorize.
pub fn ikj(m: &Operands) -> Vec<f64> {
    let n = m.n;
    let mut c = vec![0.0; n * n];
    for i in 0..n {
        let c_row = &mut c[i * n..(i + 1) * n];
        for k in 0..n {
            let a_ik = m.a[i * n + k];
            for (c_ij, b_kj) in c_row.iter_mut().zip(&m.b[k * n..(k + 1) * n]) {
                *c_ij += a_ik * b_kj;
            }
        }
    }
    c
}

/// Side of a cache block: three 64 × 64 blocks of `f64` (96 KiB) sit in a
/// typical L2 cache while they are reused.
const BLOCK: usize = 64;

/// Adds `A[rows, ks] · B[ks, cols]` to `C[rows, cols]` in i-k-j order, with
/// `add_row` doing one row update. Generic, not a function pointer: each
/// variant gets its own copy with the row update inlined (through a
/// pointer, every 64-element update was a call the compiler could not
/// see into, and `simd` ran slower than the plain i-k-j loops).
fn block(
    m: &Operands,
    c: &mut [f64],
    rows: std::ops::Range<usize>,
    ks: std::ops::Range<usize>,
    cols: std::ops::Range<usize>,
    add_row: impl Fn(f64, &[f64], &mut [f64]) + Copy,
) {
    let n = m.n;
    let row0 = rows.start;
    for i in rows {
        let c_row = &mut c[(i - row0) * n + cols.start..(i - row0) * n + cols.end];
        for k in ks.clone() {
            add_row(
                m.a[i * n + k],
                &m.b[k * n + cols.start..k * n + cols.end],
                c_row,
            );
        }
    }
}

/// `c += a · b`, element by element.
fn add_row_scalar(a: f64, b: &[f64], c: &mut [f64]) {
    for (c_j, b_j) in c.iter_mut().zip(b) {
        *c_j += a * b_j;
    }
}

/// Rows `rows` of `C` (a slice of them), by cache blocks: for each block of
/// columns and of `k` (in increasing `k`, so each element's sum keeps the
/// naive order), the i-k-j loops over the block.
fn block_rows(
    m: &Operands,
    rows: std::ops::Range<usize>,
    c: &mut [f64],
    add_row: impl Fn(f64, &[f64], &mut [f64]) + Copy,
) {
    let n = m.n;
    for j0 in (0..n).step_by(BLOCK) {
        for k0 in (0..n).step_by(BLOCK) {
            block(
                m,
                c,
                rows.clone(),
                k0..(k0 + BLOCK).min(n),
                j0..(j0 + BLOCK).min(n),
                add_row,
            );
        }
    }
}

/// Cache blocking: the i-k-j loops over `BLOCK × BLOCK` tiles, so the part
/// of `B` in use stays in cache while rows of `A` pass over it.
pub fn blocked(m: &Operands) -> Vec<f64> {
    let n = m.n;
    let mut c = vec![0.0; n * n];
    for i0 in (0..n).step_by(BLOCK) {
        let rows = i0..(i0 + BLOCK).min(n);
        block_rows(
            m,
            rows.clone(),
            &mut c[rows.start * n..rows.end * n],
            add_row_scalar,
        );
    }
    c
}

/// Register tiles in SIMD lanes: a 4 × 4 tile of `C` is kept in four
/// `f64x4` accumulators (eight SIMD128 registers) over the whole `k` loop,
/// so each load of four numbers of `B` feeds four rows and each number of
/// `A` four columns, and `C` is written once. Each element still adds its
/// products in `k` order without fusing, so it equals `naive` bit for bit.
pub fn simd(m: &Operands) -> Vec<f64> {
    let mut c = vec![0.0; m.n * m.n];
    simd_rows(m, 0..m.n, &mut c);
    c
}

/// Rows `rows` of `C` (`c` holds just them) by [`simd`]'s tiles; the rows
/// and columns past the last whole tile element by element.
fn simd_rows(m: &Operands, rows: std::ops::Range<usize>, c: &mut [f64]) {
    let (n, row0) = (m.n, rows.start);
    let tile_rows = rows.start + rows.len() / 4 * 4;
    let tile_cols = n / 4 * 4;
    let dot = |i: usize, j: usize| (0..n).fold(0.0, |s, k| s + m.a[i * n + k] * m.b[k * n + j]);
    for i in (rows.start..tile_rows).step_by(4) {
        let a = [0, 1, 2, 3].map(|r| &m.a[(i + r) * n..(i + r + 1) * n]);
        for j in (0..tile_cols).step_by(4) {
            let [mut c0, mut c1, mut c2, mut c3] = [f64x4::ZERO; 4];
            for (k, b_row) in m.b.chunks_exact(n).enumerate() {
                let b = f64x4::from(<[f64; 4]>::try_from(&b_row[j..j + 4]).unwrap());
                c0 += f64x4::splat(a[0][k]) * b;
                c1 += f64x4::splat(a[1][k]) * b;
                c2 += f64x4::splat(a[2][k]) * b;
                c3 += f64x4::splat(a[3][k]) * b;
            }
            let acc = [c0, c1, c2, c3];
            for (r, sum) in acc.iter().enumerate() {
                let at = (i + r - row0) * n + j;
                c[at..at + 4].copy_from_slice(&sum.to_array());
            }
        }
        for r in 0..4 {
            for j in tile_cols..n {
                c[(i + r - row0) * n + j] = dot(i + r, j);
            }
        }
    }
    for i in tile_rows..rows.end {
        for j in 0..n {
            c[(i - row0) * n + j] = dot(i, j);
        }
    }
}

/// Blocks of rows of `C` on every thread of the pool (the seed's `prange`
/// bonus), each computed like [`simd`].
pub fn parallel(m: &Operands) -> Vec<f64> {
    parallel_in(m, rayon::current_num_threads())
}

/// [`parallel`] with the rows cut into at least `parts` blocks of at most
/// `BLOCK` rows, shared out over `parts` tasks (the thread sweep's knob).
pub fn parallel_in(m: &Operands, parts: usize) -> Vec<f64> {
    let n = m.n;
    // Whole tiles of four rows where the split allows.
    let rows_per_block = n.div_ceil(parts.max(1)).next_multiple_of(4).clamp(1, BLOCK);
    let blocks = crate::interleaved(n.div_ceil(rows_per_block), parts, |block| {
        let rows = block * rows_per_block..((block + 1) * rows_per_block).min(n);
        let mut c_block = vec![0.0; rows.len() * n];
        simd_rows(m, rows, &mut c_block);
        c_block
    });
    blocks.concat()
}

/// The `matrixmultiply` crate's `dgemm`, a packed micro-kernel design in
/// the style of BLIS: how close a hand-written kernel gets to a library.
pub fn reference(m: &Operands) -> Vec<f64> {
    let n = m.n;
    let mut c = vec![0.0; n * n];
    // SAFETY: `a`, `b` and `c` hold `n × n` numbers each, row-major (row
    // stride `n`, column stride 1), and `c` does not overlap the inputs.
    unsafe {
        matrixmultiply::dgemm(
            n,
            n,
            n,
            1.0,
            m.a.as_ptr(),
            n as isize,
            1,
            m.b.as_ptr(),
            n as isize,
            1,
            0.0,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
    c
}
