//! Seed exercise 9, "Practical challenge": a large CSV file processed row by
//! row with bounded memory (the seed's `process_large_csv_file` generator),
//! against reading the whole file, then all its rows, into memory first.
//!
//! The file has a header and rows `id,category,value`. Processing totals
//! the values per category. Rows that do not parse (the wrong number of
//! fields, a bad number, text that is not UTF-8) are counted as malformed
//! and skipped; nothing makes a variant stop early except an I/O error.
//! Parsing is the `csv` crate's, a streaming parser with a fixed buffer.

use std::collections::BTreeMap;
use std::io::Read;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// The categories of a generated file.
pub const CATEGORIES: [&str; 8] = [
    "books", "games", "garden", "kitchen", "music", "office", "sports", "toys",
];

/// What processing a file found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Rows processed.
    pub rows: u64,
    /// Rows skipped because they did not parse.
    pub malformed: u64,
    /// Per category: rows and the sum of their values, by name.
    pub totals: BTreeMap<String, (u64, f64)>,
}

impl Summary {
    /// Adds one record: a parsed row to its category, anything else to the
    /// malformed count.
    fn add(&mut self, record: &csv::ByteRecord) {
        match parse(record) {
            Some((category, value)) => {
                self.rows += 1;
                match self.totals.get_mut(category) {
                    Some(total) => {
                        total.0 += 1;
                        total.1 += value;
                    }
                    None => {
                        self.totals.insert(category.to_owned(), (1, value));
                    }
                }
            }
            None => self.malformed += 1,
        }
    }
}

/// A row's category and value, if it has exactly `id,category,value` with
/// a whole-number id, UTF-8 category and a decimal value.
fn parse(record: &csv::ByteRecord) -> Option<(&str, f64)> {
    if record.len() != 3 {
        return None;
    }
    std::str::from_utf8(&record[0]).ok()?.parse::<u64>().ok()?;
    let category = std::str::from_utf8(&record[1]).ok()?;
    let value = std::str::from_utf8(&record[2]).ok()?.parse::<f64>().ok()?;
    Some((category, value))
}

/// A reader that accepts any number of fields per row, so a ragged row is
/// ours to count, not an error that ends the file.
fn reader<R: Read>(source: R, buffer: usize) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .buffer_capacity(buffer)
        .from_reader(source)
}

/// A kernel: reads `source` to its end and summarises it.
pub type Kernel = fn(&mut dyn Read) -> std::io::Result<Summary>;

/// Every variant by name, the naive port first.
pub const VARIANTS: [(&str, Kernel); 2] = [("naive", naive), ("streamed", streamed)];

/// The seed's starting point: read the whole file into memory, parse every
/// row into a list, then process the list. Memory holds the file and every
/// row at once: more than twice the file's size at the peak.
pub fn naive(source: &mut dyn Read) -> std::io::Result<Summary> {
    let mut text = Vec::new();
    source.read_to_end(&mut text)?;
    let mut rows = Vec::new();
    for record in reader(&text[..], 8 * 1024).into_byte_records() {
        rows.push(record);
    }
    let mut summary = Summary::default();
    for row in &rows {
        match row {
            Ok(record) => summary.add(record),
            Err(_) => summary.malformed += 1,
        }
    }
    Ok(summary)
}

/// The generator: read 64 KiB at a time, parse one row into a record that
/// is reused, process it, and go on. Memory is the buffer, the record and
/// the totals, whatever the file's size.
pub fn streamed(source: &mut dyn Read) -> std::io::Result<Summary> {
    let mut reader = reader(source, 64 * 1024);
    let mut record = csv::ByteRecord::new();
    let mut summary = Summary::default();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => summary.add(&record),
            Ok(false) => return Ok(summary),
            Err(error) => match error.into_kind() {
                csv::ErrorKind::Io(error) => return Err(error),
                _ => summary.malformed += 1,
            },
        }
    }
}

/// A generated file: a header and `rows` rows, about 30 bytes each, with
/// one row in `1 / bad_every` malformed (0: none) in one of the ways real
/// files are: a missing field, an extra field, a value that is not a
/// number, bytes that are not UTF-8, or a stray quote inside a field.
pub fn generate(rows: usize, bad_every: usize, seed: u64) -> Vec<u8> {
    use std::io::Write;
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut file = Vec::with_capacity(rows * 32 + 32);
    file.extend_from_slice(b"id,category,value\n");
    for id in 0..rows {
        let category = CATEGORIES[rng.random_range(0..CATEGORIES.len())];
        let cents: u32 = rng.random_range(0..100_000);
        let (whole, fraction) = (cents / 100, cents % 100);
        let bad = bad_every > 0 && rng.random_range(0..bad_every) == 0;
        let written = match (bad, id % 5) {
            (false, _) => writeln!(file, "{id},{category},{whole}.{fraction:02}"),
            (true, 0) => writeln!(file, "{id},{category}"),
            (true, 1) => writeln!(file, "{id},{category},{whole}.{fraction:02},extra"),
            (true, 2) => writeln!(file, "{id},{category},n/a"),
            // "café" in Latin-1: 0xE9 alone is not UTF-8.
            (true, 3) => write!(file, "{id},caf").and_then(|()| {
                file.push(0xE9);
                writeln!(file, ",{whole}")
            }),
            (true, _) => writeln!(file, "{id},{category},{whole}\"{fraction:02}"),
        };
        written.expect("writing to a Vec cannot fail");
    }
    file
}
