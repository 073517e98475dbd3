//! Inputs for `duplicates`: the seed's list and the seed's generator.

use std::hint::black_box;

use kernels::duplicates::{TEST_NUMBERS, VARIANTS, generate_test_data, sharded};

use crate::params::ParamValues;
use crate::runner::{Output, Runner, Workload};

pub struct Duplicates;

/// An input list, and the thread count of the parallel variant when a
/// thread sweep sets one (else it uses the whole pool).
struct Input(Vec<u32>, Option<usize>);

impl Input {
    fn call(&self, variant: usize) -> Vec<u32> {
        match (VARIANTS[variant].0, self.1) {
            ("parallel", Some(threads)) => sharded(&self.0, threads),
            (_, _) => (VARIANTS[variant].1)(&self.0),
        }
    }
}

impl Runner for Duplicates {
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)> {
        // The smallest size, capped so the O(n²) naive check stays quick.
        let size = params.list("sizes")[0].min(2_000);
        vec![
            (
                "seed list".to_string(),
                Box::new(Input(TEST_NUMBERS.to_vec(), None)),
            ),
            (
                format!("seeded input, n = {size}"),
                self.workload(params, size),
            ),
        ]
    }

    fn workload(&self, params: &ParamValues, size: u64) -> Box<dyn Workload> {
        let divisor = params.int("range_divisor") as u32;
        Box::new(Input(
            generate_test_data(size as usize, divisor, params.int("seed")),
            None,
        ))
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        black_box(black_box(&*self).call(variant));
    }

    fn check(&mut self, variant: usize) -> Output {
        Output::list(&self.call(variant))
    }

    fn set_threads(&mut self, threads: usize) {
        self.1 = Some(threads);
    }
}
