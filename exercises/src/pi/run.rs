//! Inputs for `pi`: a point count, a seed, and JavaScript's generator.

use std::f64::consts::PI;

use kernels::pi::{Job, VARIANTS, parallel, parallel_in, standard_error};

use super::Params;
use crate::protocol::DemoTable;
use crate::runner::{
    Case, Dispatch, GpuInput, GpuLimits, Host, KernelList, Kernels, Output, Runner, Workload, words,
};

pub struct Pi;

static KERNELS: Kernels<Job, f64> = Kernels {
    variants: &VARIANTS,
    threaded: Some(("parallel", parallel_in)),
};

/// Statistical: within 4 standard errors of π.
fn describe(job: &Job, estimate: f64, _: &f64) -> Output {
    let bound = 4.0 * standard_error(job.points);
    let within = (estimate - PI).abs() <= bound;
    let text = format!(
        "pi={estimate:.6}{}",
        if within { "" } else { " (outside π ± 4σ)" }
    );
    Output::within_tolerance(text, within, &[estimate])
}

const SEEDS: u64 = 8;

impl Runner for Pi {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &KERNELS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        let points = params.points[0];
        vec![(
            format!("{points} points, seed {}", params.seed),
            self.workload(params, host, points),
        )]
    }

    /// The naive variant calls the browser's `Math.random` per coordinate.
    fn workload(&self, params: &Params, host: &Host, size: u64) -> Box<dyn Workload> {
        let job = Job {
            points: size,
            seed: params.seed,
            random: host.random(),
        };
        KERNELS.table(job, describe)
    }

    fn gpu_input(&self, params: &Params, _: &str, size: u64) -> Result<Box<dyn GpuInput>, String> {
        Ok(Box::new(GpuPoints {
            points: size,
            seed: params.seed,
        }))
    }

    fn tables(&self, params: &Params, host: &Host) -> Vec<DemoTable> {
        let largest = *params
            .points
            .last()
            .expect("a list has at least one value");
        let seed = params.seed;
        let random = host.random();
        let rows = std::iter::successors(Some(1000u64), |&p| Some(p * 10))
            .take_while(|&points| points <= largest.min(10_000_000))
            .map(|points| {
                let estimates: Vec<f64> = (seed..seed + SEEDS)
                    .map(|seed| {
                        parallel(&Job {
                            points,
                            seed,
                            random,
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
            hooks: Vec::new(),
        }]
    }
}

/// Workgroup width of the π shader (its `@workgroup_size(256)`).
const WORKGROUP: u64 = 256;
/// Fewest points per invocation: enough work per thread to hide the setup.
const MIN_PER_INVOCATION: u64 = 64;
/// Most points one call takes; beyond this one dispatch would run for
/// minutes on most GPUs and risk the browser killing the device.
const MAX_POINTS: u64 = 1_000_000_000_000;

/// Monte Carlo π on the GPU: each invocation draws `per_inv` points (the
/// invocation at index `full` draws `rem`, later ones none) from its own
/// PCG32 stream, seeded by a hash of the seed and its index. Each
/// workgroup sums its 256 counts and writes one partial; the CPU adds the
/// partials in `u64`. Writing, not adding, keeps repeated dispatches
/// idempotent, and no `u32` can overflow: a partial is at most
/// 256 · per_inv < 2³².
struct GpuPoints {
    points: u64,
    seed: u64,
}

impl GpuInput for GpuPoints {
    fn dispatch(&self, limits: &GpuLimits) -> Result<Dispatch, String> {
        let points = self.points;
        if points == 0 || points > MAX_POINTS {
            return Err(format!("points must be in 1..={MAX_POINTS}"));
        }
        // Enough points per invocation that the workgroups fit in one
        // dimension of a dispatch (1-D keeps the indexing simple).
        let max_groups = u64::from(limits.max_workgroups_per_dimension);
        let per_inv = MIN_PER_INVOCATION.max(points.div_ceil(WORKGROUP * max_groups));
        let full = points / per_inv;
        let rem = points % per_inv;
        let groups = (full + u64::from(rem > 0)).div_ceil(WORKGROUP);
        let per_inv = u32::try_from(per_inv).map_err(|_| "too many points per invocation")?;
        if u64::from(per_inv) * WORKGROUP > u64::from(u32::MAX) {
            return Err("a workgroup's count would overflow u32".into());
        }
        let seed = self.seed;
        Ok(Dispatch {
            uniforms: vec![
                seed as u32,
                (seed >> 32) as u32,
                per_inv,
                full as u32,
                rem as u32,
                0,
                0,
                0,
            ],
            inputs: Vec::new(),
            output_bytes: groups * 4,
            workgroups: (groups as u32, 1),
        })
    }

    /// The estimate within 4 standard errors of π.
    fn check(&self, output: &[u8]) -> (String, bool) {
        let inside: u64 = words(output).map(u64::from).sum();
        let estimate = 4.0 * inside as f64 / self.points as f64;
        let within = (estimate - PI).abs() <= 4.0 * standard_error(self.points);
        let text = format!(
            "pi={estimate:.6}{}",
            if within { "" } else { " (outside π ± 4σ)" }
        );
        (text, within)
    }
}
