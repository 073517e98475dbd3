//! Inputs for `pi`: a point count, a seed, and JavaScript's generator.

use std::f64::consts::PI;
use std::hint::black_box;

use kernels::pi::{Job, VARIANTS, parallel, parallel_in, standard_error};

use crate::params::ParamValues;
use crate::protocol::DemoTable;
use crate::runner::{Output, Runner, Workload};

pub struct Pi;

/// `Math.random`, called from WebAssembly: the crossing the naive variant
/// pays per coordinate.
#[cfg(target_arch = "wasm32")]
fn outside_random() -> f64 {
    js_sys::Math::random()
}

/// Off the web there is no JavaScript: the host's tests stand a seeded
/// generator in for `Math.random`.
#[cfg(not(target_arch = "wasm32"))]
fn outside_random() -> f64 {
    use rand::{Rng, SeedableRng};
    thread_local! {
        static STAND_IN: std::cell::RefCell<rand_pcg::Pcg64> = std::cell::RefCell::new(rand_pcg::Pcg64::seed_from_u64(1));
    }
    STAND_IN.with(|rng| rng.borrow_mut().random())
}

struct Input {
    job: Job,
    threads: Option<usize>,
}

/// Seeds averaged over in the error table.
const SEEDS: u64 = 8;

impl Runner for Pi {
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)> {
        let points = params.list("points")[0];
        vec![(
            format!("{points} points, seed {}", params.int("seed")),
            self.workload(params, points),
        )]
    }

    fn workload(&self, params: &ParamValues, size: u64) -> Box<dyn Workload> {
        Box::new(Input {
            job: Job {
                points: size,
                seed: params.int("seed"),
                random: outside_random,
            },
            threads: None,
        })
    }

    fn tables(&self, params: &ParamValues) -> Vec<DemoTable> {
        let largest = *params
            .list("points")
            .last()
            .expect("a list has at least one value");
        let seed = params.int("seed");
        let rows = std::iter::successors(Some(1000u64), |&p| Some(p * 10))
            .take_while(|&points| points <= largest.min(10_000_000))
            .map(|points| {
                let estimates: Vec<f64> = (seed..seed + SEEDS)
                    .map(|seed| {
                        parallel(&Job {
                            points,
                            seed,
                            random: outside_random,
                        })
                    })
                    .collect();
                let mean_error =
                    estimates.iter().map(|e| (e - PI).abs()).sum::<f64>() / SEEDS as f64;
                let sigma = standard_error(points);
                let first = estimates[0];
                vec![
                    points.to_string(),
                    format!("{first:.6}"),
                    format!("{:.2e}", (first - PI).abs()),
                    format!("{mean_error:.2e}"),
                    format!("{:.2e}", sigma * (2.0 / PI).sqrt()),
                    format!("{sigma:.2e}"),
                ]
            })
            .collect();
        vec![DemoTable {
            id: "error".into(),
            title: "Error vs points".into(),
            caption: format!(
                "The parallel variant's estimate with seed {seed}, and the mean absolute error over seeds {seed} … {}. \
                 For an unbiased estimator the mean absolute error is σ·√(2/π): each tenfold increase in \
                 points divides it by √10 ≈ 3.2.",
                seed + SEEDS - 1
            ),
            columns: [
                "points",
                "estimate",
                "its error",
                "mean |error|",
                "expected σ·√(2/π)",
                "standard error σ",
            ]
            .map(String::from)
            .to_vec(),
            rows,
            highlighted: 0,
        }]
    }
}

impl Input {
    fn call(&self, variant: usize) -> f64 {
        match (VARIANTS[variant].0, self.threads) {
            ("parallel", Some(threads)) => parallel_in(&self.job, threads),
            _ => (VARIANTS[variant].1)(&self.job),
        }
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        black_box(self.call(variant));
    }

    /// Estimates differ between generators, so agreement is statistical:
    /// every estimate within 4 standard errors of π has the same digest.
    fn check(&mut self, variant: usize) -> Output {
        let estimate = self.call(variant);
        let bound = 4.0 * standard_error(self.job.points);
        let within = (estimate - PI).abs() <= bound;
        let text = format!(
            "pi={estimate:.6}{}",
            if within { "" } else { " (outside π ± 4σ)" }
        );
        Output::within_tolerance(text, within, &[estimate])
    }

    fn set_threads(&mut self, threads: usize) {
        self.threads = Some(threads);
    }
}
