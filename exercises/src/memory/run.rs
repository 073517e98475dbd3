//! Inputs for `memory`: the run's shape; the kernels make their own data.

use std::hint::black_box;

use kernels::memory::{Config, VARIANTS, memory_estimate};

use crate::params::ParamValues;
use crate::runner::{Output, Runner, Workload};

pub struct Memory;

struct Input {
    config: Config,
}

impl Runner for Memory {
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)> {
        let iterations = params.list("iterations")[0];
        vec![(
            format!("{iterations} chunks of {}", params.int("chunk")),
            self.workload(params, iterations),
        )]
    }

    fn workload(&self, params: &ParamValues, size: u64) -> Box<dyn Workload> {
        Box::new(Input {
            config: config(params, size),
        })
    }

    fn run_steps(
        &self,
        params: &ParamValues,
        size: u64,
        variant: usize,
        after_step: &mut dyn FnMut(u64),
    ) -> bool {
        black_box((VARIANTS[variant].1)(&config(params, size), after_step));
        true
    }
}

/// The run's shape at `size` iterations.
fn config(params: &ParamValues, size: u64) -> Config {
    Config {
        iterations: size as usize,
        chunk: params.int("chunk") as usize,
        cache_limit: params.int("cache_limit") as usize,
        cleanup_every: params.int("cleanup_every") as usize,
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        black_box((VARIANTS[variant].1)(&self.config, &mut |_| {}));
    }

    /// The sums must agree; what each variant keeps differs by design and
    /// is shown, not compared.
    fn check(&mut self, variant: usize) -> Output {
        let outcome = (VARIANTS[variant].1)(&self.config, &mut |_| {});
        let estimate = memory_estimate(outcome.total_items, outcome.cache_size);
        let text = format!(
            "sum={} (keeps {} numbers, {} cache entries; estimate {estimate} B)",
            outcome.sum, outcome.total_items, outcome.cache_size
        );
        Output {
            text,
            digest: Output::list(&[outcome.sum]).digest,
        }
    }
}
