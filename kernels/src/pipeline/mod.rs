//! Seed exercise 10, "Comprehensive optimization project": the seed's
//! `DataAnalysisPipeline` (load a CSV, drop duplicates, fill missing
//! values, per-column statistics, filter `value > 100` and group by
//! category) as the seed writes it, over a row of structs, and rewritten
//! over columns.
//!
//! The file has a header and rows `id,category,value,quantity`; an empty
//! field is a missing value. Every variant reads it through `std::io::Read`,
//! as from a file: the naive one reads it whole before parsing, the
//! columnar ones stream it through a [`READ_BUFFER`] and never hold more of
//! it. Each variant reports when it finishes a stage (`mark`), so a caller
//! can time the stages.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use rustc_hash::{FxHashMap, FxHashSet};

/// The pipeline's stages, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// `load_data`: the CSV parsed into a table.
    Load,
    /// `clean_data`: duplicates dropped, missing values filled.
    Clean,
    /// `calculate_statistics`: mean, max, min, std of each numeric column.
    Stats,
    /// `filter_and_aggregate`: rows with `value > 100`, grouped by category.
    FilterAggregate,
}

/// Every stage, in order, with its name.
pub const STAGES: [(Stage, &str); 4] = [
    (Stage::Load, "load"),
    (Stage::Clean, "clean"),
    (Stage::Stats, "stats"),
    (Stage::FilterAggregate, "filter + aggregate"),
];

/// One numeric column's statistics (`std` is NumPy's: divided by n).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ColumnStats {
    /// Mean.
    pub mean: f64,
    /// Largest value.
    pub max: f64,
    /// Smallest value.
    pub min: f64,
    /// Population standard deviation.
    pub std: f64,
}

/// One category of the aggregate: `value` sum, mean and count.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The category (`unknown` for a missing one).
    pub category: String,
    /// Sum of `value`.
    pub sum: f64,
    /// Mean of `value`.
    pub mean: f64,
    /// Rows.
    pub count: u64,
}

/// What `run` returns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Analysis {
    /// Rows after cleaning.
    pub row_count: usize,
    /// Statistics of `id`, `value` and `quantity`, in that order.
    pub statistics: [ColumnStats; 3],
    /// The aggregate, sorted by category as pandas' `groupby` sorts.
    pub groups: Vec<Group>,
}

/// The numeric columns, in the order of [`Analysis::statistics`].
pub const NUMERIC_COLUMNS: [&str; 3] = ["id", "value", "quantity"];

/// A kernel: the whole pipeline over a CSV file read from `source`,
/// calling `mark` after each stage. A read that fails ends the file, as a
/// row that does not parse does.
pub type Kernel = fn(&mut dyn Read, &mut dyn FnMut(Stage)) -> Analysis;

/// The bytes of the file the streaming variants hold at once.
pub const READ_BUFFER: usize = 64 * 1024;

/// Every variant by name, the naive port first.
pub const VARIANTS: [(&str, Kernel); 3] = [
    ("naive", naive),
    ("columnar", columnar),
    ("parallel", parallel),
];

/// A field: `None` when empty, as `read_csv` reads a missing value.
fn field(record: &csv::ByteRecord, index: usize) -> Option<&[u8]> {
    record.get(index).filter(|bytes| !bytes.is_empty())
}

/// A number, or `None` (`NaN` in pandas) when missing or not a number.
fn number(bytes: Option<&[u8]>) -> Option<f64> {
    std::str::from_utf8(bytes?).ok()?.parse().ok()
}

fn csv_reader<R: Read>(source: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .buffer_capacity(READ_BUFFER)
        .from_reader(source)
}

/// Relative tolerance of [`agrees`]: values are `f32` in the columnar
/// variants (7 significant digits), sums are added in another order.
pub const TOLERANCE: f64 = 1e-6;

/// Whether two analyses agree: the same rows, groups and counts, and every
/// statistic, sum and mean within [`TOLERANCE`] of the other's.
pub fn agrees(a: &Analysis, b: &Analysis) -> bool {
    // Equal, both NaN (the mean of no rows), or close.
    let close = |x: f64, y: f64| {
        x == y
            || (x.is_nan() && y.is_nan())
            || (x - y).abs() <= TOLERANCE * x.abs().max(y.abs()).max(1.0)
    };
    // A deviation inherits the rounding of the values, not of itself: near
    // values in f32 can move a small std by more than 10⁻⁶ of it, never by
    // more than 10⁻⁶ of the values.
    let spread_close = |x: &ColumnStats, y: &ColumnStats| {
        let scale = x.mean.abs().max(x.std.abs()).max(1.0);
        x.std == y.std || (x.std - y.std).abs() <= TOLERANCE * scale
    };
    let stats = |x: &ColumnStats, y: &ColumnStats| {
        close(x.mean, y.mean)
            && close(x.max, y.max)
            && close(x.min, y.min)
            && (spread_close(x, y) || close(x.std, y.std))
    };
    a.row_count == b.row_count
        && a.statistics
            .iter()
            .zip(&b.statistics)
            .all(|(x, y)| stats(x, y))
        && a.groups.len() == b.groups.len()
        && a.groups.iter().zip(&b.groups).all(|(x, y)| {
            x.category == y.category
                && x.count == y.count
                && close(x.sum, y.sum)
                && close(x.mean, y.mean)
        })
}

// ---------------------------------------------------------------- naive

/// A row as `iterrows` yields it: every field its own value, the category
/// its own string.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    id: Option<f64>,
    category: Option<String>,
    value: Option<f64>,
    quantity: Option<f64>,
}

/// The seed's pipeline, stage by stage, over a `Vec` of row structs.
pub fn naive(source: &mut dyn Read, mark: &mut dyn FnMut(Stage)) -> Analysis {
    let rows = load_rows(source);
    mark(Stage::Load);
    let rows = clean_rows(rows);
    mark(Stage::Clean);
    let statistics = statistics_of_rows(&rows);
    mark(Stage::Stats);
    let groups = filter_and_aggregate_rows(&rows);
    mark(Stage::FilterAggregate);
    Analysis {
        row_count: rows.len(),
        statistics,
        groups,
    }
}

/// `pd.read_csv` of the whole file: its text read into memory first, then
/// every row parsed into a struct, every category a new string. At its
/// peak the load holds the whole file and every row.
fn load_rows(source: &mut dyn Read) -> Vec<Row> {
    let mut file = Vec::new();
    if source.read_to_end(&mut file).is_err() {
        file.clear();
    }
    csv_reader(&file[..])
        .byte_records()
        .map_while(Result::ok)
        .map(|record| Row {
            id: number(field(&record, 0)),
            category: field(&record, 1).map(|bytes| String::from_utf8_lossy(bytes).into_owned()),
            value: number(field(&record, 2)),
            quantity: number(field(&record, 3)),
        })
        .collect()
}

/// The seed's `clean_data`: `drop_duplicates` (first occurrence kept; two
/// missing values are equal), then one fill loop per column, each making
/// a new column as `df[col] = df[col].fillna(…)` does.
fn clean_rows(rows: Vec<Row>) -> Vec<Row> {
    let mut seen = HashSet::new();
    let mut rows: Vec<Row> = rows
        .into_iter()
        .filter(|row| seen.insert(format!("{row:?}")))
        .collect();
    // `for col in df.columns`: the object column gets "unknown", each
    // numeric one 0, and each fill builds a whole new column.
    let categories: Vec<Option<String>> = rows
        .iter()
        .map(|row| {
            Some(
                row.category
                    .clone()
                    .unwrap_or_else(|| "unknown".to_string()),
            )
        })
        .collect();
    for (row, category) in rows.iter_mut().zip(categories) {
        row.category = category;
    }
    let numeric: [fn(&mut Row) -> &mut Option<f64>; 3] = [
        |row| &mut row.id,
        |row| &mut row.value,
        |row| &mut row.quantity,
    ];
    for column in numeric {
        let filled: Vec<Option<f64>> = rows
            .iter_mut()
            .map(|row| Some(column(row).unwrap_or(0.0)))
            .collect();
        for (row, value) in rows.iter_mut().zip(filled) {
            *column(row) = value;
        }
    }
    rows
}

/// The seed's `calculate_statistics`: each column copied into a list
/// (`tolist()`), then `sum / len`, `max`, `min` and `np.std`, one pass each.
fn statistics_of_rows(rows: &[Row]) -> [ColumnStats; 3] {
    let column = |pick: fn(&Row) -> Option<f64>| {
        let col_data: Vec<f64> = rows.iter().map(|row| pick(row).unwrap_or(0.0)).collect();
        let len = col_data.len() as f64;
        let mean = col_data.iter().sum::<f64>() / len;
        let max = col_data.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let min = col_data.iter().copied().fold(f64::INFINITY, f64::min);
        let std = (col_data
            .iter()
            .map(|x| (x - mean) * (x - mean))
            .sum::<f64>()
            / len)
            .sqrt();
        ColumnStats {
            mean,
            max,
            min,
            std,
        }
    };
    [
        column(|row| row.id),
        column(|row| row.value),
        column(|row| row.quantity),
    ]
}

/// The seed's `filter_and_aggregate`: row by row, a copy of every row that
/// passes (`iterrows` makes a Series per row), then a group-by through a
/// map keyed by the category string.
fn filter_and_aggregate_rows(rows: &[Row]) -> Vec<Group> {
    let mut filtered = Vec::new();
    for row in rows {
        let row = row.clone();
        if row.value.unwrap_or(0.0) > 100.0 {
            filtered.push(row);
        }
    }
    let mut groups: HashMap<String, (f64, u64)> = HashMap::new();
    for row in &filtered {
        let entry = groups
            .entry(row.category.clone().unwrap_or_default())
            .or_insert((0.0, 0));
        entry.0 += row.value.unwrap_or(0.0);
        entry.1 += 1;
    }
    let mut groups: Vec<Group> = groups
        .into_iter()
        .map(|(category, (sum, count))| Group {
            category,
            sum,
            mean: sum / count as f64,
            count,
        })
        .collect();
    groups.sort_by(|a, b| a.category.cmp(&b.category));
    groups
}

// ------------------------------------------------------------- columnar

/// A missing category's code before cleaning.
const MISSING: u32 = u32::MAX;

/// The table as columns: categories dictionary-encoded (a `u32` code per
/// row and each name stored once), values in `f32`, quantities in `i32`.
/// A missing value is `NaN` or [`MISSING`] until cleaning fills it.
#[derive(Default)]
pub struct Table {
    ids: Vec<f64>,
    codes: Vec<u32>,
    values: Vec<f32>,
    quantities: Vec<f32>,
    names: Vec<String>,
}

impl Table {
    /// The code of `name`, added to the dictionary if new.
    fn code(&mut self, lookup: &mut FxHashMap<Box<[u8]>, u32>, name: &[u8]) -> u32 {
        if let Some(&code) = lookup.get(name) {
            return code;
        }
        let code = self.names.len() as u32;
        self.names.push(String::from_utf8_lossy(name).into_owned());
        lookup.insert(name.into(), code);
        code
    }
}

/// The pipeline over columns, on one thread.
pub fn columnar(source: &mut dyn Read, mark: &mut dyn FnMut(Stage)) -> Analysis {
    columnar_in(source, 1, mark)
}

/// The pipeline over columns, statistics and group-by on every thread.
pub fn parallel(source: &mut dyn Read, mark: &mut dyn FnMut(Stage)) -> Analysis {
    parallel_in(source, rayon::current_num_threads(), mark)
}

/// [`parallel`] as `parts` tasks, so at most `parts` threads work (the
/// thread sweep's knob).
pub fn parallel_in(source: &mut dyn Read, parts: usize, mark: &mut dyn FnMut(Stage)) -> Analysis {
    columnar_in(source, parts.max(1), mark)
}

fn columnar_in(source: &mut dyn Read, parts: usize, mark: &mut dyn FnMut(Stage)) -> Analysis {
    let table = load_columns(source);
    mark(Stage::Load);
    let table = clean_columns(table);
    mark(Stage::Clean);
    let statistics = [
        column_statistics(&table.ids, parts),
        column_statistics(&table.values, parts),
        column_statistics(&table.quantities, parts),
    ];
    mark(Stage::Stats);
    let groups = filter_and_aggregate_columns(&table, parts);
    mark(Stage::FilterAggregate);
    Analysis {
        row_count: table.ids.len(),
        statistics,
        groups,
    }
}

/// Chunked reading: the parser reads [`READ_BUFFER`] bytes of the file at
/// a time and reuses one record for every row, each field appended to its
/// column; a category costs a lookup, and a string only the first time it
/// is seen. No more of the file than the buffer is ever held.
fn load_columns(source: &mut dyn Read) -> Table {
    let mut table = Table::default();
    let mut lookup = FxHashMap::default();
    let mut reader = csv_reader(source);
    let mut record = csv::ByteRecord::new();
    while let Ok(true) = reader.read_byte_record(&mut record) {
        table
            .ids
            .push(number(field(&record, 0)).unwrap_or(f64::NAN));
        let code = match field(&record, 1) {
            Some(name) => table.code(&mut lookup, name),
            None => MISSING,
        };
        table.codes.push(code);
        table
            .values
            .push(number(field(&record, 2)).map_or(f32::NAN, |v| v as f32));
        table
            .quantities
            .push(number(field(&record, 3)).map_or(f32::NAN, |v| v as f32));
    }
    table
}

/// Duplicates dropped by hashing each row's fixed-size key (no string per
/// row, and a fast non-cryptographic hash: the keys are our own data), and every column filled in the same pass, as one `fillna` with a
/// dictionary of defaults.
fn clean_columns(table: Table) -> Table {
    let Table {
        ids,
        codes,
        values,
        quantities,
        mut names,
    } = table;
    let unknown = match names.iter().position(|name| name == "unknown") {
        Some(code) => code as u32,
        None => {
            names.push("unknown".to_string());
            names.len() as u32 - 1
        }
    };
    let mut seen = FxHashSet::with_capacity_and_hasher(ids.len(), Default::default());
    let mut clean = Table {
        names,
        ..Table::default()
    };
    for row in 0..ids.len() {
        // Bit patterns, so that two missing values (two NaNs) are equal.
        let key = (
            ids[row].to_bits(),
            codes[row],
            values[row].to_bits(),
            quantities[row].to_bits(),
        );
        if !seen.insert(key) {
            continue;
        }
        let fill = |x: f32| if x.is_nan() { 0.0 } else { x };
        clean
            .ids
            .push(if ids[row].is_nan() { 0.0 } else { ids[row] });
        clean.codes.push(if codes[row] == MISSING {
            unknown
        } else {
            codes[row]
        });
        clean.values.push(fill(values[row]));
        clean.quantities.push(fill(quantities[row]));
    }
    clean
}

/// A column's statistics straight from its slice: sum, min and max in one
/// pass, the deviations in a second, each part of the column on its own
/// task, added in `f64`.
fn column_statistics<T: Copy + Into<f64> + Sync>(column: &[T], parts: usize) -> ColumnStats {
    let piece = column.len().div_ceil(parts).max(1);
    let pieces: Vec<&[T]> = column.chunks(piece).collect();
    let firsts = crate::interleaved(pieces.len(), parts, |p| {
        pieces[p].iter().fold(
            (0.0, f64::NEG_INFINITY, f64::INFINITY),
            |(sum, max, min), &x| {
                let x: f64 = x.into();
                (sum + x, max.max(x), min.min(x))
            },
        )
    });
    let len = column.len() as f64;
    let (sum, max, min) = firsts
        .into_iter()
        .fold((0.0, f64::NEG_INFINITY, f64::INFINITY), |a, b| {
            (a.0 + b.0, a.1.max(b.1), a.2.min(b.2))
        });
    let mean = sum / len;
    let squares: f64 = crate::interleaved(pieces.len(), parts, |p| {
        pieces[p]
            .iter()
            .map(|&x| (x.into() - mean) * (x.into() - mean))
            .sum::<f64>()
    })
    .into_iter()
    .sum();
    ColumnStats {
        mean,
        max,
        min,
        std: (squares / len).sqrt(),
    }
}

/// The vectorized filter and an array group-by: each row adds its value
/// times its mask (`value > 100` as 0 or 1) to its category's slot, with
/// no branch and no hashing; each part of the table fills its own arrays,
/// which are then added.
fn filter_and_aggregate_columns(table: &Table, parts: usize) -> Vec<Group> {
    let slots = table.names.len();
    let piece = table.values.len().div_ceil(parts).max(1);
    let partials = crate::interleaved(table.values.len().div_ceil(piece), parts, |p| {
        let range = p * piece..((p + 1) * piece).min(table.values.len());
        let mut sums = vec![0.0f64; slots];
        let mut counts = vec![0u64; slots];
        for (&code, &value) in table.codes[range.clone()].iter().zip(&table.values[range]) {
            let pass = u64::from(value > 100.0);
            sums[code as usize] += f64::from(value) * pass as f64;
            counts[code as usize] += pass;
        }
        (sums, counts)
    });
    let mut sums = vec![0.0f64; slots];
    let mut counts = vec![0u64; slots];
    for (part_sums, part_counts) in partials {
        sums.iter_mut().zip(part_sums).for_each(|(s, p)| *s += p);
        counts
            .iter_mut()
            .zip(part_counts)
            .for_each(|(c, p)| *c += p);
    }
    let mut groups: Vec<Group> = (0..slots)
        .filter(|&code| counts[code] > 0)
        .map(|code| Group {
            category: table.names[code].clone(),
            sum: sums[code],
            mean: sums[code] / counts[code] as f64,
            count: counts[code],
        })
        .collect();
    groups.sort_by(|a, b| a.category.cmp(&b.category));
    groups
}

// ------------------------------------------------------------- the data

/// The shape of a generated dataset.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Rows, duplicates included.
    pub rows: usize,
    /// Distinct categories.
    pub categories: usize,
    /// Percent of fields left empty (each of category, value, quantity).
    pub missing_percent: u32,
    /// Percent of rows that repeat an earlier row exactly.
    pub duplicate_percent: u32,
}

/// A generated CSV file: ids counting up, categories `cat_000`…, values in
/// `[0, 1000)` with two decimals, quantities in `[1, 100]`.
pub fn generate(shape: Shape, seed: u64) -> Vec<u8> {
    use std::io::Write;
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut file = Vec::with_capacity(shape.rows * 32 + 32);
    file.extend_from_slice(b"id,category,value,quantity\n");
    let mut starts = Vec::with_capacity(shape.rows);
    for id in 0..shape.rows {
        let start = file.len();
        if id > 0 && rng.random_range(0..100) < shape.duplicate_percent {
            let copy = starts[rng.random_range(0..starts.len())];
            let end = copy
                + file[copy..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .expect("every row ends")
                + 1;
            file.extend_from_within(copy..end);
        } else {
            let mut missing = || rng.random_range(0..100) < shape.missing_percent;
            let (no_category, no_value, no_quantity) = (missing(), missing(), missing());
            write!(file, "{id},").expect("a Vec");
            if !no_category {
                write!(
                    file,
                    "cat_{:03}",
                    rng.random_range(0..shape.categories.max(1))
                )
                .expect("a Vec");
            }
            file.push(b',');
            if !no_value {
                let cents: u32 = rng.random_range(0..100_000);
                write!(file, "{}.{:02}", cents / 100, cents % 100).expect("a Vec");
            }
            file.push(b',');
            if !no_quantity {
                write!(file, "{}", rng.random_range(1..=100)).expect("a Vec");
            }
            file.push(b'\n');
        }
        starts.push(start);
    }
    file
}
