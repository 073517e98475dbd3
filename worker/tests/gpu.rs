//! WebGPU kernel tests, run in a dedicated worker in headless Chromium.
//!
//! Each test runs both with and without WebGPU: with an adapter it checks
//! results against a CPU port; without one it checks that `Gpu::new()` gave
//! `Err` with a reason (no panic). `PERFLAB_EXPECT_GPU` (read at compile time)
//! makes the mode strict: `1` fails every test if `Gpu::new()` errs, `0` fails
//! them if it succeeds; unset accepts either.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use worker::gpu::Gpu;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// The compile-time expectation, see the module doc.
const EXPECT_GPU: Option<&str> = option_env!("PERFLAB_EXPECT_GPU");

/// The GPU when there is one; `None` (after checking the reason) when there
/// is none and none was required.
async fn gpu() -> Option<Gpu> {
    match Gpu::new().await {
        Ok(gpu) => {
            assert_ne!(
                EXPECT_GPU,
                Some("0"),
                "PERFLAB_EXPECT_GPU=0 but Gpu::new() succeeded"
            );
            Some(gpu)
        }
        Err(reason) => {
            assert_ne!(
                EXPECT_GPU,
                Some("1"),
                "PERFLAB_EXPECT_GPU=1 but Gpu::new() failed: {reason}"
            );
            // Every reason names WebGPU, so a log line says what is missing.
            assert!(
                reason.contains("WebGPU"),
                "Gpu::new() failed without a clear reason: {reason:?}"
            );
            console_log!("no WebGPU: {reason}");
            None
        }
    }
}

/// Deterministic values in [-1, 1) (a 64-bit LCG; quality is irrelevant here).
fn values(len: usize, mut state: u64) -> Vec<f32> {
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 40) as f64 / (1u64 << 24) as f64 * 2.0 - 1.0) as f32
        })
        .collect()
}

/// C = A·B in f64 from the same `f32` entries: the kernels' ikj product,
/// which equals the naive one bit for bit.
fn matmul_cpu(a: &[f32], b: &[f32], n: usize) -> Vec<f64> {
    let widen = |m: &[f32]| m.iter().map(|&v| f64::from(v)).collect();
    kernels::matmul::ikj(&kernels::matmul::Operands {
        n,
        a: widen(a),
        b: widen(b),
    })
}

/// The seed's Mandelbrot in f64: the kernels' naive port.
fn mandelbrot_cpu(width: u32, height: u32, max_iter: u32) -> Vec<u32> {
    kernels::mandelbrot::naive(&kernels::mandelbrot::Frame {
        width: width as usize,
        height: height as usize,
        max_iter,
    })
}

/// Relative tolerance of the matmul check: max |gpu - cpu| / max(|cpu|, 1).
/// f32 accumulation of n <= 128 products of values in [-1, 1] errs ~1e-6.
const MATMUL_TOLERANCE: f64 = 1e-4;

async fn check_matmul(tiled: bool) {
    let Some(gpu) = gpu().await else { return };
    for n in [1, 17, 64, 128] {
        let a = values(n * n, n as u64);
        let b = values(n * n, 1000 + n as u64);
        let run = gpu.matmul(&a, &b, n, tiled, 2).await.unwrap();
        let expected = matmul_cpu(&a, &b, n);
        assert_eq!(run.output.len(), n * n);
        let worst = run
            .output
            .iter()
            .zip(&expected)
            .map(|(&g, &c)| (f64::from(g) - c).abs() / c.abs().max(1.0))
            .fold(0.0, f64::max);
        assert!(
            worst <= MATMUL_TOLERANCE,
            "n={n} tiled={tiled}: relative error {worst:e}"
        );
        assert!(run.compute_ms >= 0.0 && run.upload_ms >= 0.0 && run.readback_ms >= 0.0);
    }
}

#[wasm_bindgen_test]
async fn matmul_naive_matches_cpu() {
    check_matmul(false).await;
}

#[wasm_bindgen_test]
async fn matmul_tiled_matches_cpu() {
    check_matmul(true).await;
}

/// Largest fraction of Mandelbrot pixels allowed to differ from the f64
/// reference (f32 rounding near the set's boundary flips a few escape counts).
const MANDELBROT_MAX_DIFFERING: f64 = 0.01;
/// Largest relative difference allowed between the image sums.
const MANDELBROT_MAX_SUM_ERROR: f64 = 0.01;

#[wasm_bindgen_test]
async fn mandelbrot_matches_cpu() {
    let Some(gpu) = gpu().await else { return };
    for (width, height) in [(64, 48), (200, 100), (33, 7)] {
        let run = gpu.mandelbrot(width, height, 100, 2).await.unwrap();
        let expected = mandelbrot_cpu(width, height, 100);
        assert_eq!(run.output.len(), expected.len());
        let differing = run
            .output
            .iter()
            .zip(&expected)
            .filter(|(g, c)| g != c)
            .count();
        let fraction = differing as f64 / expected.len() as f64;
        let sum = |img: &[u32]| img.iter().map(|&v| u64::from(v)).sum::<u64>() as f64;
        let (gpu_sum, cpu_sum) = (sum(&run.output), sum(&expected));
        let sum_error = (gpu_sum - cpu_sum).abs() / cpu_sum.max(1.0);
        console_log!(
            "mandelbrot {width}x{height}: {differing} pixels differ ({fraction:.4}), sums {gpu_sum} vs {cpu_sum}"
        );
        assert!(
            fraction <= MANDELBROT_MAX_DIFFERING,
            "{width}x{height}: {fraction} of pixels differ"
        );
        assert!(
            sum_error <= MANDELBROT_MAX_SUM_ERROR,
            "{width}x{height}: sums {gpu_sum} vs {cpu_sum}"
        );
    }
}

#[wasm_bindgen_test]
async fn pi_estimate_is_close_and_reproducible() {
    let Some(gpu) = gpu().await else { return };
    for points in [100_000u64, 1_000_000, 1_234_567] {
        let inside = gpu.pi_inside(points, 42, 1).await.unwrap().output;
        let estimate = 4.0 * inside as f64 / points as f64;
        let p = std::f64::consts::FRAC_PI_4;
        let sigma = 4.0 * (p * (1.0 - p) / points as f64).sqrt();
        assert!(
            (estimate - std::f64::consts::PI).abs() <= 4.0 * sigma,
            "{points} points: estimate {estimate}, 4σ = {}",
            4.0 * sigma
        );
        // Same seed, same count, also when dispatched repeatedly.
        assert_eq!(gpu.pi_inside(points, 42, 3).await.unwrap().output, inside);
        assert_ne!(
            gpu.pi_inside(points, 43, 1).await.unwrap().output,
            inside,
            "seed has no effect"
        );
    }
}

#[wasm_bindgen_test]
async fn bad_arguments_are_errors() {
    let Some(gpu) = gpu().await else { return };
    assert!(gpu.matmul(&[1.0; 3], &[1.0; 4], 2, false, 1).await.is_err());
    assert!(gpu.matmul(&[], &[], 0, true, 1).await.is_err());
    assert!(gpu.matmul(&[1.0], &[1.0], 1, true, 0).await.is_err());
    assert!(gpu.mandelbrot(0, 10, 10, 1).await.is_err());
    assert!(gpu.pi_inside(0, 1, 1).await.is_err());
    // Far past any storage binding limit: 1 TiB of output.
    let err = gpu.mandelbrot(1 << 19, 1 << 19, 10, 1).await.unwrap_err();
    assert!(err.contains("limit"), "{err}");
    // The device still works after the refusals.
    assert_eq!(
        gpu.matmul(&[2.0], &[3.0], 1, false, 1)
            .await
            .unwrap()
            .output,
        vec![6.0]
    );
}

#[wasm_bindgen_test]
async fn overlapping_calls_are_refused() {
    let Some(gpu) = gpu().await else { return };
    let a = values(64 * 64, 1);
    let (first, second) = futures_util::future::join(
        gpu.matmul(&a, &a, 64, false, 1),
        gpu.matmul(&a, &a, 64, false, 1),
    )
    .await;
    assert!(first.is_ok());
    assert!(second.unwrap_err().contains("busy"));
}

#[wasm_bindgen_test]
async fn info_is_filled() {
    let Some(gpu) = gpu().await else { return };
    let info = gpu.info();
    console_log!("adapter: {info:?}");
    assert!(!info.name.is_empty());
}

/// Not a check: logs the timings quoted in NOTES.md. Skipped (it takes ~5 s
/// on SwiftShader) unless built with `PERFLAB_GPU_TIMINGS=1`; run with
/// `-- --nocapture` to see the lines.
#[wasm_bindgen_test]
async fn timings() {
    if option_env!("PERFLAB_GPU_TIMINGS").is_none() {
        return;
    }
    let Some(gpu) = gpu().await else { return };
    let show = |what: &str, run_ms: (f64, f64, Option<f64>, f64)| {
        console_log!(
            "{what}: upload {:.2} ms, compute {:.2} ms, gpu {}, readback {:.2} ms",
            run_ms.0,
            run_ms.1,
            run_ms.2.map_or("n/a".into(), |g| format!("{g:.2} ms")),
            run_ms.3
        );
    };
    for n in [256, 512] {
        let a = values(n * n, 7);
        for tiled in [false, true] {
            let r = gpu.matmul(&a, &a, n, tiled, 3).await.unwrap();
            show(
                &format!("matmul n={n} tiled={tiled}"),
                (r.upload_ms, r.compute_ms, r.gpu_compute_ms, r.readback_ms),
            );
        }
    }
    let r = gpu.mandelbrot(800, 600, 100, 3).await.unwrap();
    show(
        "mandelbrot 800x600 max_iter=100",
        (r.upload_ms, r.compute_ms, r.gpu_compute_ms, r.readback_ms),
    );
    let r = gpu.pi_inside(10_000_000, 1, 3).await.unwrap();
    show(
        "pi 1e7",
        (r.upload_ms, r.compute_ms, r.gpu_compute_ms, r.readback_ms),
    );
}
