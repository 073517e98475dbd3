//! Inputs for `memory`: the run's shape; the kernels make their own data.

use std::hint::black_box;

use kernels::memory::{Config, Outcome, VARIANTS, memory_estimate};

use super::Params;
use crate::runner::{Case, Host, KernelList, Kernels, Output, Runner, Workload};

pub struct Memory;

/// The variants without a step callback: timing ignores the steps.
static KERNELS: Kernels<Config, Outcome> = Kernels {
    variants: &[
        (VARIANTS[0].0, |c| (VARIANTS[0].1)(c, &mut |_| {})),
        (VARIANTS[1].0, |c| (VARIANTS[1].1)(c, &mut |_| {})),
        (VARIANTS[2].0, |c| (VARIANTS[2].1)(c, &mut |_| {})),
        (VARIANTS[3].0, |c| (VARIANTS[3].1)(c, &mut |_| {})),
        (VARIANTS[4].0, |c| (VARIANTS[4].1)(c, &mut |_| {})),
    ],
    threaded: None,
};

/// The sums must agree; what each variant keeps differs by design and is
/// shown, not compared.
fn describe(_: &Config, outcome: Outcome, _: &Outcome) -> Output {
    let estimate = memory_estimate(outcome.total_items, outcome.cache_size);
    let text = format!(
        "sum={} (keeps {} numbers, {} cache entries; estimate {estimate} B)",
        outcome.sum, outcome.total_items, outcome.cache_size
    );
    Output::shown_as(text, &[outcome.sum][..])
}

impl Runner for Memory {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &KERNELS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        let iterations = params.iterations[0];
        vec![(
            format!("{iterations} chunks of {}", params.chunk),
            self.workload(params, host, iterations),
        )]
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        KERNELS.table(config(params, size), describe)
    }

    fn run_steps(
        &self,
        params: &Params,
        size: u64,
        variant: usize,
        after_step: &mut dyn FnMut(u64),
    ) -> bool {
        black_box((VARIANTS[variant].1)(&config(params, size), after_step));
        true
    }
}

/// The run's shape at `size` iterations.
fn config(params: &Params, size: u64) -> Config {
    Config {
        iterations: size as usize,
        chunk: params.chunk as usize,
        cache_limit: params.cache_limit as usize,
        cleanup_every: params.cleanup_every as usize,
    }
}
