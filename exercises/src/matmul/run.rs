//! Inputs for `matmul`: two seeded matrices.

use std::hint::black_box;

use kernels::matmul::{Operands, VARIANTS, naive, parallel_in};

use crate::params::ParamValues;
use crate::runner::{Output, Runner, Workload};

pub struct Matmul;

struct Input {
    operands: Operands,
    threads: Option<usize>,
    /// The naive product, computed on the first check.
    expected: Option<Vec<f64>>,
}

impl Runner for Matmul {
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)> {
        let n = params.list("n")[0];
        vec![(
            format!("seeded {n} × {n} matrices"),
            self.workload(params, n),
        )]
    }

    fn workload(&self, params: &ParamValues, size: u64) -> Box<dyn Workload> {
        let operands = Operands::random(size as usize, params.int("seed"));
        Box::new(Input {
            operands,
            threads: None,
            expected: None,
        })
    }
}

impl Input {
    fn call(&self, variant: usize) -> Vec<f64> {
        match (VARIANTS[variant].0, self.threads) {
            ("parallel", Some(threads)) => parallel_in(&self.operands, threads),
            _ => (VARIANTS[variant].1)(&self.operands),
        }
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        black_box(self.call(variant));
    }

    /// Agreement within `n · 10⁻¹⁵` of the largest entry of the naive
    /// product: the bound of summing `n` products in another order. The
    /// text says how far from naive a result is when it is not bit for bit.
    fn check(&mut self, variant: usize) -> Output {
        let c = self.call(variant);
        let expected = self.expected.get_or_insert_with(|| naive(&self.operands));
        let scale = expected.iter().fold(1.0f64, |acc, v| acc.max(v.abs()));
        let worst = c
            .iter()
            .zip(expected.iter())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        let within = c.len() == expected.len() && worst <= self.operands.n as f64 * 1e-15 * scale;
        let sum: f64 = c.iter().sum();
        let text = match worst {
            0.0 => format!("sum={sum:.12}"),
            _ => format!("sum={sum:.12} (max |Δ| from naive {worst:.1e})"),
        };
        Output::within_tolerance(text, within, &c)
    }

    fn set_threads(&mut self, threads: usize) {
        self.threads = Some(threads);
    }
}
