//! Inputs for `typed`: `n` seeded whole numbers.

use std::hint::black_box;

use kernels::typed::{VARIANTS, generate};

use crate::params::ParamValues;
use crate::runner::{Output, Runner, Workload};

pub struct Typed;

/// The data's seed: a run is reproducible.
const SEED: u64 = 11;

struct Input(Vec<f64>);

impl Runner for Typed {
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)> {
        let n = params.list("n")[0];
        vec![(format!("{n} seeded numbers"), self.workload(params, n))]
    }

    fn workload(&self, _params: &ParamValues, size: u64) -> Box<dyn Workload> {
        Box::new(Input(generate(size as usize, SEED)))
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        black_box((VARIANTS[variant].1)(black_box(&self.0), self.0.len()));
    }

    fn check(&mut self, variant: usize) -> Output {
        let sum = (VARIANTS[variant].1)(&self.0, self.0.len());
        // Whole numbers below 2⁵³: the sum is exact, shown and compared in full.
        let mut output = Output::list(&[sum as u64]);
        output.text = format!("sum={sum}");
        output
    }
}
