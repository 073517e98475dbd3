//! The generic GPU runner, run in a dedicated worker in headless Chromium,
//! over the shaders and inputs the exercises declare.
//!
//! Each test runs both with and without WebGPU: with an adapter it checks
//! results against the exercise's CPU reference; without one it checks that `Gpu::new()` gave
//! `Err` with a reason (no panic). `PERFLAB_EXPECT_GPU` (read at compile time)
//! makes the mode strict: `1` fails every test if `Gpu::new()` errs, `0` fails
//! them if it succeeds; unset accepts either.
#![cfg(all(target_arch = "wasm32", feature = "gpu"))]

use exercises::runner::{Dispatch, GpuInput};
use exercises::{EXERCISES, Exercise, find, params};
use wasm_bindgen_test::*;
use worker::gpu::{Gpu, Pipeline};

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

/// The GPU runner with one exercise's variant: its pipeline built from the
/// shader the exercise declares.
struct Variant {
    exercise: &'static Exercise,
    name: &'static str,
    pipeline: Pipeline,
}

impl Variant {
    async fn new(gpu: &Gpu, exercise: &str, name: &str) -> Variant {
        let exercise = find(exercise).expect("a registered exercise");
        let variant = exercise.gpu_variant(name).expect("a GPU variant");
        let pipeline = gpu.pipeline(name, variant.shader).await.unwrap();
        Variant {
            exercise,
            name: variant.variant.name,
            pipeline,
        }
    }

    /// The declared input at `size`, with the other parameters of `query`.
    fn input(&self, query: &str, size: u64) -> Box<dyn GpuInput> {
        let values = params::parse(self.exercise.all_params(), &params::from_query(query)).unwrap();
        self.exercise
            .runner
            .gpu_input(&values, self.name, size)
            .unwrap()
    }

    /// Runs the input at `size` `repeats` times; its output and the
    /// exercise's verdict on it.
    async fn run(
        &self,
        gpu: &Gpu,
        query: &str,
        size: u64,
        repeats: u32,
    ) -> (Vec<u8>, String, bool) {
        let input = self.input(query, size);
        let dispatch = input.dispatch(&gpu.limits()).unwrap();
        let run = gpu.run(&self.pipeline, &dispatch, repeats).await.unwrap();
        assert!(run.compute_ms >= 0.0 && run.upload_ms >= 0.0 && run.readback_ms >= 0.0);
        assert_eq!(run.output.len() as u64, dispatch.output_bytes);
        let (text, within) = input.check(&run.output);
        (run.output, text, within)
    }
}

/// Every GPU variant in the registry agrees with its CPU reference at the
/// first default size, within the tolerance it states.
#[wasm_bindgen_test]
async fn every_gpu_variant_agrees_with_the_cpu() {
    let Some(gpu) = gpu().await else { return };
    let mut checked = 0;
    for exercise in EXERCISES.iter().filter(|e| !e.gpu.is_empty()) {
        let defaults = params::parse(exercise.all_params(), &Default::default()).unwrap();
        let size = defaults.list(exercise.size_param)[0];
        for gpu_variant in exercise.gpu {
            let variant = Variant::new(&gpu, exercise.id, gpu_variant.variant.name).await;
            let (_, text, within) = variant.run(&gpu, "", size, 2).await;
            console_log!("{}/{}: {text}", exercise.id, variant.name);
            assert!(within, "{}/{} at {size}: {text}", exercise.id, variant.name);
            checked += 1;
        }
    }
    assert_eq!(checked, 4, "matmul's two, mandelbrot's and pi's");
}

async fn check_matmul(name: &str) {
    let Some(gpu) = gpu().await else { return };
    let variant = Variant::new(&gpu, "matmul", name).await;
    // 1 and 17 are not multiples of the 16 × 16 tile.
    for n in [1, 17, 64, 128] {
        let (_, text, within) = variant.run(&gpu, "seed=3", n, 2).await;
        assert!(within, "n={n} {name}: {text}");
    }
}

#[wasm_bindgen_test]
async fn matmul_naive_matches_cpu() {
    check_matmul("gpu_naive").await;
}

#[wasm_bindgen_test]
async fn matmul_tiled_matches_cpu() {
    check_matmul("gpu_tiled").await;
}

#[wasm_bindgen_test]
async fn mandelbrot_matches_cpu() {
    let Some(gpu) = gpu().await else { return };
    let variant = Variant::new(&gpu, "mandelbrot", "gpu").await;
    for (width, height) in [(64, 48), (200, 100), (33, 7)] {
        let query = format!("height={height}&max_iter=100");
        let (_, text, within) = variant.run(&gpu, &query, width, 2).await;
        console_log!("mandelbrot {width}x{height}: {text}");
        assert!(within, "{width}x{height}: {text}");
    }
}

#[wasm_bindgen_test]
async fn pi_estimate_is_close_and_reproducible() {
    let Some(gpu) = gpu().await else { return };
    let variant = Variant::new(&gpu, "pi", "gpu").await;
    for points in [100_000u64, 1_000_000, 1_234_567] {
        let (inside, text, within) = variant.run(&gpu, "seed=42", points, 1).await;
        assert!(within, "{points} points: {text}");
        // Same seed, same count, also when dispatched repeatedly.
        assert_eq!(variant.run(&gpu, "seed=42", points, 3).await.0, inside);
        assert_ne!(
            variant.run(&gpu, "seed=43", points, 1).await.0,
            inside,
            "seed has no effect"
        );
    }
}

#[wasm_bindgen_test]
async fn bad_dispatches_are_errors() {
    let Some(gpu) = gpu().await else { return };
    let variant = Variant::new(&gpu, "matmul", "gpu_naive").await;
    let dispatch = variant.input("", 2).dispatch(&gpu.limits()).unwrap();
    assert!(
        gpu.run(&variant.pipeline, &dispatch, 0).await.is_err(),
        "no repeats"
    );
    let empty = Dispatch {
        output_bytes: 0,
        ..dispatch.clone()
    };
    assert!(gpu.run(&variant.pipeline, &empty, 1).await.is_err());
    // Far past any storage binding limit: 1 TiB of output.
    let huge = Dispatch {
        output_bytes: 1 << 40,
        ..dispatch.clone()
    };
    let err = gpu.run(&variant.pipeline, &huge, 1).await.unwrap_err();
    assert!(err.contains("limit"), "{err}");
    let too_many = Dispatch {
        workgroups: (u32::MAX, 1),
        ..dispatch.clone()
    };
    let err = gpu.run(&variant.pipeline, &too_many, 1).await.unwrap_err();
    assert!(err.contains("limit"), "{err}");
    // A shader that does not compile is an error, not a panic.
    assert!(gpu.pipeline("broken", "fn main( {").await.is_err());
    // The device still works after the refusals.
    let (_, text, within) = variant.run(&gpu, "", 2, 1).await;
    assert!(within, "{text}");
}

#[wasm_bindgen_test]
async fn overlapping_calls_are_refused() {
    let Some(gpu) = gpu().await else { return };
    let variant = Variant::new(&gpu, "matmul", "gpu_naive").await;
    let dispatch = variant.input("", 64).dispatch(&gpu.limits()).unwrap();
    let (first, second) = futures_util::future::join(
        gpu.run(&variant.pipeline, &dispatch, 1),
        gpu.run(&variant.pipeline, &dispatch, 1),
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

/// Not a check: logs every GPU variant's timings at its default sizes.
/// Skipped (it takes seconds on SwiftShader) unless built with
/// `PERFLAB_GPU_TIMINGS=1`; run with `-- --nocapture` to see the lines.
#[wasm_bindgen_test]
async fn timings() {
    if option_env!("PERFLAB_GPU_TIMINGS").is_none() {
        return;
    }
    let Some(gpu) = gpu().await else { return };
    for exercise in EXERCISES.iter().filter(|e| !e.gpu.is_empty()) {
        let defaults = params::parse(exercise.all_params(), &Default::default()).unwrap();
        for gpu_variant in exercise.gpu {
            let variant = Variant::new(&gpu, exercise.id, gpu_variant.variant.name).await;
            for &size in defaults.list(exercise.size_param) {
                let dispatch = variant.input("", size).dispatch(&gpu.limits()).unwrap();
                let r = gpu.run(&variant.pipeline, &dispatch, 3).await.unwrap();
                console_log!(
                    "{}/{} at {size}: upload {:.2} ms, compute {:.2} ms, gpu {}, readback {:.2} ms",
                    exercise.id,
                    variant.name,
                    r.upload_ms,
                    r.compute_ms,
                    r.gpu_compute_ms
                        .map_or("n/a".into(), |g| format!("{g:.2} ms")),
                    r.readback_ms
                );
            }
        }
    }
}
