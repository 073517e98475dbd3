//! Inputs for `duplicates`: the seed's list and the seed's generator.

use kernels::duplicates::{TEST_NUMBERS, VARIANTS, generate_test_data, sharded};

use super::Params;
use crate::runner::{Case, Host, KernelList, Kernels, Output, Runner, Workload};

pub struct Duplicates;

static KERNELS: Kernels<[u32], Vec<u32>> = Kernels {
    variants: &VARIANTS,
    threaded: Some(("parallel", sharded)),
};

/// Outputs are compared exactly, in first-seen order.
fn describe(_: &Vec<u32>, found: Vec<u32>, _: &Vec<u32>) -> Output {
    Output::list(&found)
}

impl Runner for Duplicates {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &KERNELS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        // The smallest size, capped so the O(n²) naive check stays quick.
        let size = params.sizes[0].min(2_000);
        vec![
            (
                "seed list".to_string(),
                KERNELS.table(TEST_NUMBERS.to_vec(), describe),
            ),
            (
                format!("seeded input, n = {size}"),
                self.workload(params, host, size),
            ),
        ]
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        let divisor = params.range_divisor as u32;
        KERNELS.table(
            generate_test_data(size as usize, divisor, params.seed),
            describe,
        )
    }
}
