//! Inputs for `matmul`: two seeded matrices, on the CPU and on the GPU.

use kernels::matmul::{Operands, VARIANTS, ikj, parallel_in};

use super::Params;
use crate::runner::{
    Case, Dispatch, GpuInput, GpuLimits, Host, KernelList, Kernels, Output, Runner, Workload, f32_bytes, words,
};

pub struct Matmul;

static KERNELS: Kernels<Operands, Vec<f64>> = Kernels {
    variants: &VARIANTS,
    threaded: Some(("parallel", parallel_in)),
};

/// Agreement within `n · 10⁻¹⁵` of the largest entry of the naive
/// product: the bound of summing `n` products in another order. The text
/// says how far from naive a result is when it is not bit for bit.
#[allow(clippy::ptr_arg, reason = "the kernel table passes its outputs as they are")]
fn describe(operands: &Operands, c: Vec<f64>, expected: &Vec<f64>) -> Output {
    let scale = expected.iter().fold(1.0f64, |acc, v| acc.max(v.abs()));
    let worst = c
        .iter()
        .zip(expected.iter())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let within = c.len() == expected.len() && worst <= operands.n as f64 * 1e-15 * scale;
    let sum: f64 = c.iter().sum();
    let text = match worst {
        0.0 => format!("sum={sum:.12}"),
        _ => format!("sum={sum:.12} (max |Δ| from naive {worst:.1e})"),
    };
    Output::within_tolerance(text, within, &c)
}

impl Runner for Matmul {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &KERNELS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        let n = params.n[0];
        vec![(
            format!("seeded {n} × {n} matrices"),
            self.workload(params, host, n),
        )]
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        KERNELS.table(Operands::random(size as usize, params.seed), describe)
    }

    fn gpu_input(
        &self,
        params: &Params,
        variant: &str,
        size: u64,
    ) -> Result<Box<dyn GpuInput>, String> {
        // Both variants take the same buffers: the shader is the difference.
        let _ = variant;
        Ok(Box::new(GpuMatmul {
            operands: Operands::random(size as usize, params.seed),
        }))
    }
}

/// C = A·B for n×n row-major matrices in `f32`, checked against the `f64`
/// product. Both shaders take one invocation per element of C in 16 × 16
/// workgroups; the tiled one stages 16 × 16 tiles of A and B in workgroup
/// memory, so each element is read n/16 times from storage instead of n.
struct GpuMatmul {
    operands: Operands,
}

impl GpuInput for GpuMatmul {
    fn dispatch(&self, _: &GpuLimits) -> Result<Dispatch, String> {
        let n = u32::try_from(self.operands.n).map_err(|_| "n does not fit in u32")?;
        if n == 0 {
            return Err("n must be at least 1".into());
        }
        let narrow = |m: &[f64]| f32_bytes(m.iter().map(|&v| v as f32));
        let groups = n.div_ceil(16);
        Ok(Dispatch {
            uniforms: vec![n, 0, 0, 0],
            inputs: vec![narrow(&self.operands.a), narrow(&self.operands.b)],
            output_bytes: u64::from(n) * u64::from(n) * 4,
            workgroups: (groups, groups),
        })
    }

    /// Every entry within 10⁻⁴ of the largest entry of the `f64` product.
    fn check(&self, output: &[u8]) -> (String, bool) {
        let c: Vec<f32> = words(output).map(f32::from_bits).collect();
        let expected = ikj(&self.operands);
        let scale = expected.iter().fold(1e-300f64, |acc, v| acc.max(v.abs()));
        let worst = c
            .iter()
            .zip(&expected)
            .map(|(&g, e)| (g as f64 - e).abs())
            .fold(0.0, f64::max)
            / scale;
        let sum: f64 = c.iter().map(|&v| v as f64).sum();
        (
            format!("sum={sum:.6} (max |Δ| from f64 {worst:.1e} of the largest entry)"),
            c.len() == expected.len() && worst <= 1e-4,
        )
    }
}
