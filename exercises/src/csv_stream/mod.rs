//! Seed exercise 9, practical challenge: a large CSV file read whole, or
//! streamed row by row.

use crate::{Exercise, Growth, Target, Variant, Work};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        rows: IntList { min: 1, max: 10_000_000, max_len: 6, } = "10000,100000,1000000",
            "rows",
            "rows in the generated file, about 30 bytes each (1000000 ≈ 30 MB)";
        bad_every: Int { min: 0, max: 1_000_000, } = "1000",
            "one malformed row in",
            "on average one row in this many is damaged; 0 for a clean file";
        seed: Int { min: 0, max: u32::MAX as u64, } = "42",
            "random seed",
            "the same seed gives the same file";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "csv_stream",
    title: "CSV streaming: process a large file row by row in bounded memory",
    seed: "Performance Optimization Practice, exercise 9 (practical challenge: a large CSV file)",
    summary: "A CSV file generated in the worker at the size you choose, up to hundreds of MB, read whole and \
              then parsed, or streamed through a fixed buffer one row at a time; rows/s, peak memory, and \
              malformed rows counted rather than crashing.",
    explanation: &[
        "The seed asks for process_large_csv_file, a generator that reads a file line by line and \
         yields rows instead of storing them. naive is the habit it replaces: read the whole file into \
         memory, parse every row into a list, then process the list. streamed reads 64 KiB at a time \
         into one buffer and parses each row into one reused record, which is processed before the \
         next is read — the generator. Both total the value column per category and must agree to the \
         last bit.",
        "The file (a header, then id,category,value rows of about 30 bytes) is generated in the worker \
         before anything is measured, so both variants read the same bytes from memory, as from a \
         warm disk cache. The memory column is what each variant allocates: naive holds a copy of the \
         file and every parsed row at the peak, more than twice the file; streamed holds its buffer \
         and the totals, a few dozen KiB whatever the size. The throughput column gives rows per \
         second. At a few million rows naive needs hundreds of MB, and past the worker's memory it \
         fails with an out-of-memory error — the run reports it and the page stays — where streamed \
         carries on.",
        "Real files are dirty. One row in bad_every is malformed on purpose, in one of five ways: a \
         missing field, an extra field, a value that is not a number, a category that is not UTF-8 \
         (Latin-1 \"café\"), a stray quote inside a value. Each is counted and skipped; nothing stops \
         the file. Parsing is the csv crate's, a streaming parser with a fixed buffer: quoting \
         (\"books, rare\", doubled quotes) is handled, and a quote that is never closed runs to the \
         end of the file, so it costs one malformed row and every row after it — the check below \
         shows this on a small file with every kind of damage.",
    ],
    params: PARAMS,
    size_param: "rows",
    variants: &[
        Variant {
            name: "naive",
            technique: "read the whole file, parse every row into a list, then process",
            growth: Growth::Linear,
        },
        Variant {
            name: "streamed",
            technique: "read 64 KiB at a time, parse and process one row at a time",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/csv_stream/mod.rs",
    target: Target {
        variant: "streamed",
        baseline: "naive",
        speedup: 1.3,
        size: 1_000_000,
    },
    thread_sweep: None,
    gpu: &[],
    local_file: Some(
        "a CSV file of your own, read in the worker (never uploaded) 1 MiB at a time: it replaces the \
         generated file, the sweep becomes one size (its rows), and rows that are not id,category,value \
         count as malformed",
    ),
    sections: &[],
    limits: None,
    work: Some(Work {
        unit: "rows",
        per_call: |rows, _| rows as f64,
    }),
    #[cfg(feature = "runner")]
    runner: &run::CsvStream,
};
