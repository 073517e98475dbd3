//! Inputs for `strings`: the seed's lists of `count` strings of `length` x's.

use std::hint::black_box;

use kernels::strings::{VARIANTS, generate_test_data};

use crate::params::ParamValues;
use crate::runner::{Output, Runner, Workload};

pub struct Strings;

/// Total length up to which a case is checked: 1000 × 100 copies 50 MB
/// with the naive method; 10 000 × 500 would copy 25 GB.
const CHECK_TOTAL: u64 = 100_000;

struct Input(Vec<String>);

impl Runner for Strings {
    /// The cases of up to [`CHECK_TOTAL`] characters, or the smallest: the
    /// naive variant runs in the check too, and its copying is quadratic.
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)> {
        let shapes = params.shapes("cases");
        let small = shapes
            .iter()
            .filter(|(count, length)| count * length <= CHECK_TOTAL)
            .count()
            .max(1);
        shapes[..small]
            .iter()
            .map(|&(count, length)| {
                let input: Box<dyn Workload> =
                    Box::new(Input(generate_test_data(count as usize, length as usize)));
                (format!("{count} strings × {length} characters"), input)
            })
            .collect()
    }

    fn workload(&self, params: &ParamValues, size: u64) -> Box<dyn Workload> {
        let &(count, length) = params
            .shapes("cases")
            .iter()
            .find(|(count, length)| count * length == size)
            .expect("the sizes are the cases' totals");
        Box::new(Input(generate_test_data(count as usize, length as usize)))
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        black_box((VARIANTS[variant].1)(black_box(&self.0)));
    }

    fn check(&mut self, variant: usize) -> Output {
        let joined = (VARIANTS[variant].1)(&self.0);
        let mut output = Output::list(&[joined.as_str()]);
        output.text = format!("len={}", joined.len());
        output
    }
}
