//! Seed exercise 6, "NumPy optimization": column means, row sums and column
//! standard deviations of a table of numbers.
//!
//! The naive variant is the seed's `calculate_stats_python`: a list of rows
//! (`Vec<Vec<f64>>`, each row its own allocation), walked column by column
//! with index loops, in three separate passes. The others read one
//! contiguous, row-major buffer once, the way NumPy stores an array.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use rayon::prelude::*;
use wide::f64x2;

/// The same numbers in the two layouts: the seed's list of lists, and one
/// contiguous row-major buffer (`flat[row * cols + col]`).
pub struct Table {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// One `Vec` per row, as `[[random.random() for _ in range(cols)] for _ in range(rows)]`.
    pub nested: Vec<Vec<f64>>,
    /// All rows, one after another.
    pub flat: Vec<f64>,
}

impl Table {
    /// `rows × cols` uniform numbers in `[offset, offset + 1)`, reproducible from `seed`.
    pub fn random(rows: usize, cols: usize, offset: f64, seed: u64) -> Table {
        let mut rng = Pcg64::seed_from_u64(seed);
        let flat: Vec<f64> = (0..rows * cols)
            .map(|_| offset + rng.random::<f64>())
            .collect();
        let nested = flat.chunks(cols.max(1)).map(<[f64]>::to_vec).collect();
        Table {
            rows,
            cols,
            nested,
            flat,
        }
    }
}

/// What `calculate_stats_python` returns.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// The mean of each column.
    pub col_means: Vec<f64>,
    /// The sum of each row.
    pub row_sums: Vec<f64>,
    /// The (population) standard deviation of each column.
    pub col_stds: Vec<f64>,
}

/// A statistics kernel.
pub type Kernel = fn(&Table) -> Stats;

/// Every variant by name, the naive port first.
pub const VARIANTS: [(&str, Kernel); 5] = [
    ("naive", naive),
    ("flat", flat),
    ("simd", simd),
    ("parallel", parallel),
    ("welford", welford),
];

/// The seed's code: three passes over the list of lists, two of them
/// column by column (each step jumps to another row's allocation), and the
/// variance as E[x²] − E[x]².
pub fn naive(table: &Table) -> Stats {
    let data = &table.nested;
    let n_rows = data.len();
    let n_cols = if n_rows > 0 { data[0].len() } else { 0 };

    let mut col_means = Vec::new();
    for col in 0..n_cols {
        let mut col_sum = 0.0;
        for row in 0..n_rows {
            col_sum += data[row][col];
        }
        col_means.push(col_sum / n_rows as f64);
    }

    let mut row_sums = Vec::new();
    for row in 0..n_rows {
        let mut row_sum = 0.0;
        for col in 0..n_cols {
            row_sum += data[row][col];
        }
        row_sums.push(row_sum);
    }

    let mut col_stds = Vec::new();
    for col in 0..n_cols {
        let mut col_sum = 0.0;
        let mut col_sq_sum = 0.0;
        for row in 0..n_rows {
            let val = data[row][col];
            col_sum += val;
            col_sq_sum += val * val;
        }
        let mean = col_sum / n_rows as f64;
        let variance = (col_sq_sum / n_rows as f64) - (mean * mean);
        col_stds.push(variance.sqrt());
    }

    Stats {
        col_means,
        row_sums,
        col_stds,
    }
}

/// Sums and sums of squares, per column, of some rows of a row-major buffer.
struct Partial {
    sums: Vec<f64>,
    squares: Vec<f64>,
}

impl Partial {
    fn new(cols: usize) -> Partial {
        Partial {
            sums: vec![0.0; cols],
            squares: vec![0.0; cols],
        }
    }

    fn merge(mut self, other: Partial) -> Partial {
        self.sums
            .iter_mut()
            .zip(&other.sums)
            .for_each(|(a, b)| *a += b);
        self.squares
            .iter_mut()
            .zip(&other.squares)
            .for_each(|(a, b)| *a += b);
        self
    }

    /// Means and the seed's E[x²] − E[x]² standard deviations.
    fn finish(self, rows: usize, row_sums: Vec<f64>) -> Stats {
        let n = rows as f64;
        let col_means: Vec<f64> = self.sums.iter().map(|s| s / n).collect();
        let col_stds = self
            .squares
            .iter()
            .zip(&col_means)
            .map(|(sq, mean)| (sq / n - mean * mean).sqrt())
            .collect();
        Stats {
            col_means,
            row_sums,
            col_stds,
        }
    }
}

/// Adds one row to the column accumulators and returns its sum: a straight
/// walk over memory that the compiler can keep in registers.
fn add_row(row: &[f64], partial: &mut Partial) -> f64 {
    let mut row_sum = 0.0;
    for ((&x, sum), square) in row.iter().zip(&mut partial.sums).zip(&mut partial.squares) {
        *sum += x;
        *square += x * x;
        row_sum += x;
    }
    row_sum
}

/// One pass over contiguous memory, in the order it is stored: every
/// number is read once, and every read is the next address.
pub fn flat(table: &Table) -> Stats {
    let mut partial = Partial::new(table.cols);
    let row_sums = table
        .flat
        .chunks_exact(table.cols.max(1))
        .map(|row| add_row(row, &mut partial))
        .collect();
    partial.finish(table.rows, row_sums)
}

/// The flat pass, two columns per instruction: `f64x2` lanes (WebAssembly
/// SIMD128) add two sums and two squares at once.
pub fn simd(table: &Table) -> Stats {
    let cols = table.cols;
    let pairs = cols / 2;
    let mut sums = vec![f64x2::ZERO; pairs];
    let mut squares = vec![f64x2::ZERO; pairs];
    let mut odd = Partial::new(cols % 2);
    let mut row_sums = Vec::with_capacity(table.rows);
    for row in table.flat.chunks_exact(cols.max(1)) {
        let mut lanes = f64x2::ZERO;
        for ((pair, sum), square) in row.chunks_exact(2).zip(&mut sums).zip(&mut squares) {
            let x = f64x2::new([pair[0], pair[1]]);
            *sum += x;
            *square += x * x;
            lanes += x;
        }
        let [a, b] = lanes.to_array();
        row_sums.push(a + b + add_row(&row[pairs * 2..], &mut odd));
    }
    let mut partial = Partial::new(0);
    for (sum, square) in sums.iter().zip(&squares) {
        partial.sums.extend(sum.to_array());
        partial.squares.extend(square.to_array());
    }
    partial.sums.extend(odd.sums);
    partial.squares.extend(odd.squares);
    partial.finish(table.rows, row_sums)
}

/// The flat pass split into one block of rows per thread; each block has
/// its own accumulators, merged at the end.
pub fn parallel(table: &Table) -> Stats {
    parallel_in(table, rayon::current_num_threads())
}

/// [`parallel`] with the rows split into `parts` blocks, so at most
/// `parts` threads work (the thread sweep's knob).
pub fn parallel_in(table: &Table, parts: usize) -> Stats {
    let cols = table.cols.max(1);
    let block_rows = table.rows.div_ceil(parts.max(1)).max(1);
    let (partial, row_sums) = table
        .flat
        .par_chunks(block_rows * cols)
        .map(|block| {
            let mut partial = Partial::new(table.cols);
            let sums: Vec<f64> = block
                .chunks_exact(cols)
                .map(|row| add_row(row, &mut partial))
                .collect();
            (partial, sums)
        })
        .reduce(
            || (Partial::new(table.cols), Vec::new()),
            |(a, mut a_sums), (b, b_sums)| {
                a_sums.extend(b_sums);
                (a.merge(b), a_sums)
            },
        );
    partial.finish(table.rows, row_sums)
}

/// The flat pass with Welford's running mean and variance: no
/// catastrophic cancellation, whatever the offset of the data, for a
/// division per number.
pub fn welford(table: &Table) -> Stats {
    let cols = table.cols;
    let mut means = vec![0.0; cols];
    let mut m2 = vec![0.0; cols];
    let mut row_sums = Vec::with_capacity(table.rows);
    for (index, row) in table.flat.chunks_exact(cols.max(1)).enumerate() {
        let count = (index + 1) as f64;
        let mut row_sum = 0.0;
        for ((&x, mean), m2) in row.iter().zip(&mut means).zip(&mut m2) {
            let delta = x - *mean;
            *mean += delta / count;
            *m2 += delta * (x - *mean);
            row_sum += x;
        }
        row_sums.push(row_sum);
    }
    let n = table.rows as f64;
    let col_stds = m2.iter().map(|m2| (m2 / n).sqrt()).collect();
    Stats {
        col_means: means,
        row_sums,
        col_stds,
    }
}

/// The standard deviation of one column three ways, for the precision demo:
/// the seed's formula, Welford's, and two passes (mean first, then the
/// squared deviations), the textbook reference.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Precision {
    /// The offset added to every number.
    pub offset: f64,
    /// sqrt(E[x²] − E[x]²): NaN when rounding makes the difference negative.
    pub seed_formula: f64,
    /// Welford's running update.
    pub welford: f64,
    /// sqrt(E[(x − mean)²]).
    pub two_pass: f64,
}

/// Column 0 of `rows` uniform numbers plus `offset`, measured three ways.
pub fn precision(rows: usize, offset: f64, seed: u64) -> Precision {
    let table = Table::random(rows, 1, offset, seed);
    let n = rows as f64;
    let mean = table.flat.iter().sum::<f64>() / n;
    let two_pass = (table
        .flat
        .iter()
        .map(|x| (x - mean) * (x - mean))
        .sum::<f64>()
        / n)
        .sqrt();
    Precision {
        offset,
        seed_formula: flat(&table).col_stds[0],
        welford: welford(&table).col_stds[0],
        two_pass,
    }
}
