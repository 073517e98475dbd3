//! Seed exercise 10: the seed's data analysis pipeline, row by row and
//! over columns.

use crate::{Exercise, Growth, Target, Variant, Work};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        rows: IntList { min: 1, max: 5_000_000, max_len: 6, } = "10000,50000,200000",
            "rows",
            "rows in the generated CSV, about 25 bytes each, repeated rows included";
        categories: Int { min: 1, max: 1000 } = "20",
            "categories",
            "distinct category names";
        missing_percent: Int { min: 0, max: 100 } = "5",
            "missing values (%)",
            "share of empty category, value and quantity fields";
        duplicate_percent: Int { min: 0, max: 100 } = "5",
            "repeated rows (%)",
            "share of rows that repeat an earlier row exactly";
        seed: Int { min: 0, max: u32::MAX as u64, } = "42",
            "random seed",
            "the same seed gives the same dataset";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "pipeline",
    title: "Pipeline: the seed's data analysis, rows of objects vs typed columns",
    seed: "Performance Optimization Practice, exercise 10 (comprehensive optimization project)",
    summary: "The seed's DataAnalysisPipeline — load a CSV, drop duplicates, fill missing values, column \
              statistics, filter and group by — over rows of structs with string categories, and over \
              columns with dictionary-encoded categories, f32 values and a vectorized filter; per-stage \
              times and the seed's optimization checklist, measured.",
    explanation: &[
        "The dataset is a CSV generated in the worker: id, category, value, quantity, with the share of \
         empty fields and of repeated rows you choose. naive is the seed's pipeline ported as written: \
         pd.read_csv into one struct per row, each category its own string; drop_duplicates by hashing \
         each row's text; one fillna loop per column, each building a new column; statistics through a \
         copied list per column (tolist()), one pass each for sum, max, min and std; a row-by-row \
         filter that copies every row it looks at (iterrows makes a Series per row); and a group-by \
         keyed by the category string.",
        "columnar applies the seed's checklist: the file is streamed through a 64 KiB buffer by a \
         parser that reuses one record, straight into columns, where naive reads the whole file into \
         memory before parsing it, as read_csv of the file does; categories are dictionary-encoded (a u32 code per row, each name stored once: \
         pandas' category type); value and quantity are f32, safe for two-decimal prices under 1000 \
         and small counts, while every sum is added in f64; duplicates are found by hashing a \
         fixed-size key and every column is filled in the same pass (fillna with a dictionary); \
         statistics come straight from each column's slice; the filter is a mask (value > 100 as 0 or \
         1) multiplied in, and the group-by adds into arrays indexed by the code — no hashing, no \
         branch, no string per row. parallel runs the statistics and the group-by on every thread;          parsing and deduplication stay on one, and they are most of the time, so Amdahl's law caps          its speedup close to 1× — the thread sweep measures the serial fraction, and the stage table          shows where it is.",
        "The results must agree within a relative 10⁻⁶: f32 values carry 7 significant digits, and \
         sums are added in another order. The stage chart and table below time each stage of one run \
         of every variant at the largest size; the checklist table maps each item of the seed's \
         checklist to the change that implements it and the stage where its effect is measured. The \
         memory column is each variant's peak: naive holds a copy of the whole file, then a row \
         struct with a string per category for every row; columnar never holds more than 64 KiB of \
         the file, and its peak is its columns (20 bytes per row) while cleaning makes their \
         deduplicated copies.",
    ],
    params: PARAMS,
    size_param: "rows",
    variants: &[
        Variant {
            name: "naive",
            technique: "rows of structs, string categories, a loop per column, iterrows and a map group-by: the seed's code",
            growth: Growth::Linear,
        },
        Variant {
            name: "columnar",
            technique: "chunked load into typed columns, dictionary-encoded categories, f32, a masked filter and array group-by",
            growth: Growth::Linear,
        },
        Variant {
            name: "parallel",
            technique: "columnar, with statistics and group-by split over the threads",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/pipeline/mod.rs",
    target: Target {
        variant: "columnar",
        baseline: "naive",
        speedup: 2.0,
        size: 50_000,
    },
    thread_sweep: Some("parallel"),
    gpu: &[],
    local_file: None,
    sections: &[],
    limits: None,
    work: Some(Work {
        unit: "rows",
        per_call: |rows, _| rows as f64,
    }),
    #[cfg(feature = "runner")]
    runner: &run::Pipeline,
};
