//! Inputs for `vectorize`: a seeded table of `rows × cols` numbers.

use kernels::vectorize::{Stats, Table, VARIANTS, parallel_in, precision};

use super::Params;
use crate::protocol::DemoTable;
use crate::runner::{Case, Host, KernelList, Kernels, Output, Runner, Workload};

pub struct Vectorize;

/// The data's seed: a run is reproducible.
const SEED: u64 = 6;

static KERNELS: Kernels<Table, Stats> = Kernels {
    variants: &VARIANTS,
    threaded: Some(("parallel", parallel_in)),
};

impl Runner for Vectorize {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &KERNELS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        let rows = params.rows[0];
        let cols = params.cols;
        vec![(
            format!("seeded {rows} × {cols} table"),
            self.workload(params, host, rows),
        )]
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        let table = Table::random(size as usize, params.cols as usize, 0.0, SEED);
        KERNELS.table(table, describe)
    }

    fn tables(&self, params: &Params, _: &Host) -> Vec<DemoTable> {
        let rows = params.rows[0] as usize;
        let mut offsets = vec![0.0, 1e4, 1e6, 1e8];
        let chosen = params.offset as f64;
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
            hooks: Vec::new(),
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

/// Column 0's statistics shown; every statistic compared to 5 digits.
fn describe(_: &Table, stats: Stats, _: &Stats) -> Output {
    let text = format!(
        "col_means[0]={} col_stds[0]={}",
        significant(stats.col_means[0]),
        significant(stats.col_stds[0])
    );
    let all: Vec<String> = [&stats.col_means, &stats.row_sums, &stats.col_stds]
        .into_iter()
        .flatten()
        .map(|&x| format!("{x:.5e}"))
        .collect();
    Output::shown_as(text, &all[..])
}
