//! Inputs for `csv_stream`: a file generated in memory, and a small one
//! with every kind of damage.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::hint::black_box;

use std::rc::Rc;

use kernels::csv_stream::{Summary, VARIANTS, generate};

use super::Params;
use crate::runner::{KernelList, Case, Host, LocalFile, Output, Runner, Workload};

pub struct CsvStream;

/// What the variants read.
enum Input {
    /// A file generated in memory.
    Generated(Vec<u8>),
    /// The learner's own file, read as the variants ask.
    Local(Rc<dyn LocalFile>),
}

/// Every kind of damage the variants must count and survive, ending with a
/// quote that is never closed.
const DAMAGED: &[u8] =
    b"id,category,value\n1,books,2.50\n2,toys\n3,toys,1,extra\n4,games,n/a\n5,caf\xe9,3\n\
6,\"books, rare\",4\n7,games,12\"5\n8,toys,1.25\n9,\"music,7\n10,books,1\n";

impl Runner for CsvStream {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &VARIANTS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        if let Some(file) = host.local_file() {
            let label = format!("your file {}, {:.1} MB", file.name(), file.bytes() / 1e6);
            return vec![(label, Box::new(Input::Local(file)))];
        }
        let rows = params.rows[0];
        vec![
            (
                "a damaged file: 10 rows, 5 malformed, then an unclosed quote".to_string(),
                Box::new(Input::Generated(DAMAGED.to_vec())),
            ),
            (
                format!("generated, {rows} rows"),
                self.workload(params, host, rows),
            ),
        ]
    }

    fn workload(&self, params: &Params, host: &Host, size: u64) -> Box<dyn Workload> {
        match host.local_file() {
            Some(file) => Box::new(Input::Local(file)),
            None => Box::new(Input::Generated(generate(
                size as usize,
                params.bad_every as usize,
                params.seed,
            ))),
        }
    }

    /// A local file is one size: its rows, counted by reading it once.
    fn sizes(&self, _: &Params, host: &Host, listed: &[u64]) -> Vec<u64> {
        let Some(file) = host.local_file() else {
            return listed.to_vec();
        };
        match kernels::csv_stream::streamed(&mut file.reader()) {
            Ok(summary) => vec![(summary.rows + summary.malformed).max(1)],
            // The check reports the error.
            Err(_) => listed[..1].to_vec(),
        }
    }
}

impl Input {
    fn call(&self, variant: usize) -> Result<Summary, String> {
        let summary = match self {
            Input::Generated(file) => (VARIANTS[variant].1)(&mut &file[..]),
            Input::Local(file) => (VARIANTS[variant].1)(&mut file.reader()),
        };
        summary.map_err(|error| error.to_string())
    }

    fn megabytes(&self) -> f64 {
        match self {
            Input::Generated(file) => file.len() as f64 / 1e6,
            Input::Local(file) => file.bytes() / 1e6,
        }
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        // A read error was reported by the check, which then failed.
        let _ = black_box(self.call(variant));
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
            self.megabytes(),
            totals.join("; ")
        );
        Output {
            text,
            digest: hasher.finish(),
        }
    }
}
