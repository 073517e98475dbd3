//! Inputs for `strings`: the seed's lists of `count` strings of `length` x's.

use kernels::strings::{VARIANTS, generate_test_data};

use super::Params;
use crate::runner::{Case, Host, KernelList, Kernels, Output, Runner, Workload};

pub struct Strings;

/// Total length up to which a case is checked: 1000 × 100 copies 50 MB
/// with the naive method; 10 000 × 500 would copy 25 GB.
const CHECK_TOTAL: u64 = 100_000;

static KERNELS: Kernels<[String], String> = Kernels {
    variants: &VARIANTS,
    threaded: None,
};

/// The length shown, the whole string compared.
fn describe(_: &Vec<String>, joined: String, _: &String) -> Output {
    Output::shown_as(format!("len={}", joined.len()), &[joined.as_str()][..])
}

fn input(count: u64, length: u64) -> Box<dyn Workload> {
    KERNELS.table(
        generate_test_data(count as usize, length as usize),
        describe,
    )
}

impl Runner for Strings {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &KERNELS
    }

    /// The cases of up to [`CHECK_TOTAL`] characters, or the smallest: the
    /// naive variant runs in the check too, and its copying is quadratic.
    fn check_cases(&self, params: &Params, _: &Host) -> Vec<Case> {
        let shapes = &params.cases;
        let small = shapes
            .iter()
            .filter(|(count, length)| count * length <= CHECK_TOTAL)
            .count()
            .max(1);
        shapes[..small]
            .iter()
            .map(|&(count, length)| {
                (
                    format!("{count} strings × {length} characters"),
                    input(count, length),
                )
            })
            .collect()
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        let &(count, length) = params
            .cases
            .iter()
            .find(|(count, length)| count * length == size)
            .expect("the sizes are the cases' totals");
        input(count, length)
    }
}
