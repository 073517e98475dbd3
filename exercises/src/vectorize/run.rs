//! Inputs for `vectorize`: a seeded table of `rows × cols` numbers.

use std::hint::black_box;

use kernels::vectorize::{Stats, Table, VARIANTS, parallel_in, precision};

use crate::params::ParamValues;
use crate::protocol::DemoTable;
use crate::runner::{Output, Runner, Workload};

pub struct Vectorize;

/// The data's seed: a run is reproducible.
const SEED: u64 = 6;

struct Input {
    table: Table,
    threads: Option<usize>,
}

impl Runner for Vectorize {
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)> {
        let rows = params.list("rows")[0];
        let cols = params.int("cols");
        vec![(
            format!("seeded {rows} × {cols} table"),
            self.workload(params, rows),
        )]
    }

    fn workload(&self, params: &ParamValues, size: u64) -> Box<dyn Workload> {
        let table = Table::random(size as usize, params.int("cols") as usize, 0.0, SEED);
        Box::new(Input {
            table,
            threads: None,
        })
    }

    fn tables(&self, params: &ParamValues) -> Vec<DemoTable> {
        let rows = params.list("rows")[0] as usize;
        let mut offsets = vec![0.0, 1e4, 1e6, 1e8];
        let chosen = params.int("offset") as f64;
        if !offsets.contains(&chosen) {
            offsets.push(chosen);
        }
        let cell = |x: f64| {
            if x.is_nan() {
                "NaN".to_string()
            } else {
                format!("{x:.15}")
            }
        };
        vec![DemoTable {
            id: "precision".into(),
            title: "Precision: the standard deviation of column 0, three ways".into(),
            caption: format!(
                "{rows} uniform numbers in [offset, offset + 1): the true value is about 0.2887 (1/√12) at every \
                 offset. The seed's E[x²] − E[x]² cancels catastrophically as the offset grows; Welford's \
                 update agrees with the two-pass reference."
            ),
            columns: [
                "offset",
                "seed formula",
                "welford",
                "two passes",
                "seed formula's error",
            ]
            .map(String::from)
            .to_vec(),
            rows: offsets
                .into_iter()
                .map(|offset| {
                    let p = precision(rows, offset, SEED);
                    let error = (p.seed_formula - p.two_pass).abs();
                    vec![
                        format!("{offset:e}"),
                        cell(p.seed_formula),
                        cell(p.welford),
                        cell(p.two_pass),
                        cell(error),
                    ]
                })
                .collect(),
            highlighted: 0,
        }]
    }
}

/// Six significant digits, the check's precision.
fn significant(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let decimals = (5 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.decimals$}")
}

impl Input {
    fn call(&self, variant: usize) -> Stats {
        match (VARIANTS[variant].0, self.threads) {
            ("parallel", Some(threads)) => parallel_in(&self.table, threads),
            _ => (VARIANTS[variant].1)(&self.table),
        }
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        black_box(self.call(variant));
    }

    fn check(&mut self, variant: usize) -> Output {
        let stats = self.call(variant);
        let text = format!(
            "col_means[0]={} col_stds[0]={}",
            significant(stats.col_means[0]),
            significant(stats.col_stds[0])
        );
        // Every value, to 6 significant digits: summation order differs
        // between variants in the last bits only.
        let all: Vec<String> = [&stats.col_means, &stats.row_sums, &stats.col_stds]
            .into_iter()
            .flatten()
            .map(|&x| format!("{x:.5e}"))
            .collect();
        Output {
            text,
            digest: Output::list(&all).digest,
        }
    }

    fn set_threads(&mut self, threads: usize) {
        self.threads = Some(threads);
    }
}
