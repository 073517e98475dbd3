//! Inputs for `csv_stream`: a file generated in memory, and a small one
//! with every kind of damage.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::hint::black_box;

use kernels::csv_stream::{Summary, VARIANTS, generate};

use crate::params::ParamValues;
use crate::runner::{Output, Runner, Workload};

pub struct CsvStream;

struct Input {
    file: Vec<u8>,
}

/// Every kind of damage the variants must count and survive, ending with a
/// quote that is never closed.
const DAMAGED: &[u8] =
    b"id,category,value\n1,books,2.50\n2,toys\n3,toys,1,extra\n4,games,n/a\n5,caf\xe9,3\n\
6,\"books, rare\",4\n7,games,12\"5\n8,toys,1.25\n9,\"music,7\n10,books,1\n";

impl Runner for CsvStream {
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)> {
        let rows = params.list("rows")[0];
        vec![
            (
                "a damaged file: 10 rows, 5 malformed, then an unclosed quote".to_string(),
                Box::new(Input {
                    file: DAMAGED.to_vec(),
                }),
            ),
            (
                format!("generated, {rows} rows"),
                self.workload(params, rows),
            ),
        ]
    }

    fn workload(&self, params: &ParamValues, size: u64) -> Box<dyn Workload> {
        Box::new(Input {
            file: generate(
                size as usize,
                params.int("bad_every") as usize,
                params.int("seed"),
            ),
        })
    }
}

impl Input {
    fn call(&self, variant: usize) -> Result<Summary, String> {
        (VARIANTS[variant].1)(&mut &self.file[..]).map_err(|error| error.to_string())
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        black_box(self.call(variant)).expect("reading from memory cannot fail");
    }

    fn check(&mut self, variant: usize) -> Output {
        let summary = match self.call(variant) {
            Ok(summary) => summary,
            Err(error) => {
                return Output {
                    text: format!("I/O error: {error}"),
                    digest: 1,
                };
            }
        };
        let mut hasher = DefaultHasher::new();
        (summary.rows, summary.malformed).hash(&mut hasher);
        for (category, (count, sum)) in &summary.totals {
            (category, count, sum.to_bits()).hash(&mut hasher);
        }
        let totals: Vec<String> = summary
            .totals
            .iter()
            .map(|(category, (count, sum))| format!("{category}: {count} rows, Σ {sum:.2}"))
            .collect();
        let text = format!(
            "{} rows, {} malformed, {:.1} MB; {}",
            summary.rows,
            summary.malformed,
            self.file.len() as f64 / 1e6,
            totals.join("; ")
        );
        Output {
            text,
            digest: hasher.finish(),
        }
    }
}
