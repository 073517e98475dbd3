//! Inputs for `duplicates`: the seed's list and the seed's generator.

use std::hint::black_box;

use kernels::duplicates::{generate_test_data, TEST_NUMBERS, VARIANTS};

use crate::params::ParamValues;
use crate::runner::{Output, Runner, Workload};

pub struct Duplicates;

struct Input(Vec<u32>);

impl Runner for Duplicates {
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)> {
        // The smallest size, capped so the O(n²) naive check stays quick.
        let size = params.list("sizes")[0].min(2_000);
        vec![
            ("seed list".to_string(), Box::new(Input(TEST_NUMBERS.to_vec()))),
            (format!("seeded input, n = {size}"), self.workload(params, size)),
        ]
    }

    fn workload(&self, params: &ParamValues, size: u64) -> Box<dyn Workload> {
        let divisor = params.int("range_divisor") as u32;
        Box::new(Input(generate_test_data(size as usize, divisor, params.int("seed"))))
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        black_box((VARIANTS[variant].1)(black_box(&self.0)));
    }

    fn check(&mut self, variant: usize) -> Output {
        Output::list(&(VARIANTS[variant].1)(&self.0))
    }
}
