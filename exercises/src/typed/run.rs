//! Inputs for `typed`: `n` seeded whole numbers.

use kernels::typed::{VARIANTS, generate};

use super::Params;
use crate::runner::{Case, Host, KernelList, Kernels, Output, Runner, Workload};

pub struct Typed;

/// The data's seed: a run is reproducible.
const SEED: u64 = 11;

/// The kernels take the length apart from the slice, as the seed's
/// Cython signature does; the table passes the slice's own.
static KERNELS: Kernels<[f64], f64> = Kernels {
    variants: &[
        (VARIANTS[0].0, |x| (VARIANTS[0].1)(x, x.len())),
        (VARIANTS[1].0, |x| (VARIANTS[1].1)(x, x.len())),
        (VARIANTS[2].0, |x| (VARIANTS[2].1)(x, x.len())),
        (VARIANTS[3].0, |x| (VARIANTS[3].1)(x, x.len())),
    ],
    threaded: None,
};

/// Whole numbers below 2⁵³: the sum is exact, shown and compared in full.
fn describe(_: &Vec<f64>, sum: f64, _: &f64) -> Output {
    Output::shown_as(format!("sum={sum}"), &[sum as u64][..])
}

impl Runner for Typed {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &KERNELS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        let n = params.n[0];
        vec![(
            format!("{n} seeded numbers"),
            self.workload(params, host, n),
        )]
    }

    fn workload(&self, _: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        KERNELS.table(generate(size as usize, SEED), describe)
    }
}
