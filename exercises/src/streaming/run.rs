//! Inputs for `streaming`: the seed's `list(range(n))`.

use std::hint::black_box;

use kernels::streaming::{VARIANTS, data, parallel_in};

use crate::params::ParamValues;
use crate::runner::{Output, Runner, Workload};

pub struct Streaming;

struct Input {
    data: Vec<i64>,
    threads: Option<usize>,
}

impl Runner for Streaming {
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)> {
        let n = params.list("n")[0];
        vec![
            (
                "the seed's data, range(1000000)".to_string(),
                self.workload(params, 1_000_000),
            ),
            (format!("range({n})"), self.workload(params, n)),
        ]
    }

    fn workload(&self, _: &ParamValues, size: u64) -> Box<dyn Workload> {
        Box::new(Input {
            data: data(size as usize),
            threads: None,
        })
    }
}

impl Input {
    fn call(&self, variant: usize) -> i128 {
        match (VARIANTS[variant].0, self.threads) {
            ("parallel", Some(threads)) => parallel_in(&self.data, threads),
            _ => (VARIANTS[variant].1)(&self.data),
        }
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        black_box(self.call(variant));
    }

    fn check(&mut self, variant: usize) -> Output {
        let sum = self.call(variant);
        Output {
            text: sum.to_string(),
            digest: Output::list(&[sum]).digest,
        }
    }

    fn set_threads(&mut self, threads: usize) {
        self.threads = Some(threads);
    }
}
