//! Inputs for `streaming`: the seed's `list(range(n))`.

use kernels::streaming::{VARIANTS, data, parallel_in};

use super::Params;
use crate::runner::{Case, Host, KernelList, Kernels, Output, Runner, Workload};

pub struct Streaming;

static KERNELS: Kernels<[i64], i128> = Kernels {
    variants: &VARIANTS,
    threaded: Some(("parallel", parallel_in)),
};

/// The sum, in full.
fn describe(_: &Vec<i64>, sum: i128, _: &i128) -> Output {
    Output::shown_as(sum.to_string(), &[sum][..])
}

impl Runner for Streaming {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &KERNELS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        let n = params.n[0];
        vec![
            (
                "the seed's data, range(1000000)".to_string(),
                self.workload(params, host, 1_000_000),
            ),
            (format!("range({n})"), self.workload(params, host, n)),
        ]
    }

    fn workload(&self, _: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        KERNELS.table(data(size as usize), describe)
    }
}
