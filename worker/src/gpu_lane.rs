//! The GPU lane: after the CPU variants, an exercise's WebGPU variants are
//! checked against the CPU result within their stated tolerance, then timed
//! size by size. Without an adapter they are reported unavailable, with the
//! reason, and the run goes on.
//!
//! A GPU call is asynchronous (the result comes back through a mapped
//! buffer), so this lane runs on the worker's event loop. The time of a
//! sample is the compute time of `r × d` back-to-back dispatches (linear
//! sampling, as on the CPU): from timestamp queries where the adapter has
//! them, else from the wall clock. Chrome quantizes GPU timestamps to
//! 100 µs, so `d` is chosen to make a sample span at least 100 quanta.
//! Upload and read-back are timed apart and shown in a table.

use exercises::analysis::{format_ns, per_call_point};
use exercises::params::ParamValues;
use exercises::protocol::{DemoTable, FromWorker, Measurement, VariantCheck};
use exercises::{Exercise, GpuVariant};
use kernels::{mandelbrot, matmul, pi};

use crate::gpu::{Gpu, GpuRun};
use crate::harness::{MIN_SAMPLES, Mode, budget_ns, over_budget};

/// A sample spans at least this long: 100 timestamp quanta of 100 µs.
const MIN_SAMPLE_MS: f64 = 10.0;
/// Most dispatches per unit of linear sampling.
const MAX_DISPATCHES: u32 = 256;

/// What a GPU variant computed.
enum Output {
    Matrix(Vec<f32>),
    Image(Vec<u32>),
    Inside(u64),
}

/// One input of a GPU variant at one size, prepared once for the check and
/// every sample.
struct Input {
    variant: &'static str,
    size: u64,
    data: Data,
}

/// An exercise's input in the form its shader takes.
enum Data {
    /// The `f64` operands (the CPU reference's) and their `f32` copies.
    Matrix {
        operands: matmul::Operands,
        a: Vec<f32>,
        b: Vec<f32>,
    },
    Image(mandelbrot::Frame),
    Points {
        seed: u64,
    },
}

impl Input {
    fn new(
        exercise: &'static str,
        variant: &'static str,
        size: u64,
        values: &ParamValues,
    ) -> Result<Input, String> {
        let data = match exercise {
            "matmul" => {
                let operands = matmul::Operands::random(size as usize, values.int("seed"));
                let narrow = |m: &[f64]| m.iter().map(|&v| v as f32).collect();
                Data::Matrix {
                    a: narrow(&operands.a),
                    b: narrow(&operands.b),
                    operands,
                }
            }
            "mandelbrot" => Data::Image(mandelbrot::Frame {
                width: size as usize,
                height: values.int("height") as usize,
                max_iter: values.int("max_iter") as u32,
            }),
            "pi" => Data::Points {
                seed: values.int("seed"),
            },
            other => return Err(format!("the GPU lane has no input for {other}")),
        };
        Ok(Input {
            variant,
            size,
            data,
        })
    }

    /// Runs the variant with `repeats` dispatches.
    async fn call(&self, gpu: &Gpu, repeats: u32) -> Result<GpuRun<Output>, String> {
        match &self.data {
            Data::Matrix { operands, a, b } => Ok(gpu
                .matmul(a, b, operands.n, self.variant == "gpu_tiled", repeats)
                .await?
                .map(Output::Matrix)),
            Data::Image(frame) => Ok(gpu
                .mandelbrot(
                    frame.width as u32,
                    frame.height as u32,
                    frame.max_iter,
                    repeats,
                )
                .await?
                .map(Output::Image)),
            Data::Points { seed } => Ok(gpu
                .pi_inside(self.size, *seed, repeats)
                .await?
                .map(Output::Inside)),
        }
    }

    /// The output as the check shows it, and whether it is within the
    /// variant's tolerance of the CPU result.
    fn check(&self, output: &Output) -> (String, bool) {
        match (output, &self.data) {
            (Output::Matrix(c), Data::Matrix { operands, .. }) => {
                let expected = matmul::ikj(operands);
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
            (Output::Image(img), Data::Image(frame)) => {
                let expected = mandelbrot::simd(frame);
                let differ = img.iter().zip(&expected).filter(|(a, b)| a != b).count();
                let (sum, zeros) = mandelbrot::summary(img);
                let percent = 100.0 * differ as f64 / expected.len().max(1) as f64;
                let text = format!(
                    "sum={sum} zeros={zeros} ({differ} pixels, {percent:.2}%, differ from f64)"
                );
                (text, img.len() == expected.len() && percent <= 1.0)
            }
            (Output::Inside(inside), _) => {
                let estimate = 4.0 * *inside as f64 / self.size as f64;
                let within =
                    (estimate - std::f64::consts::PI).abs() <= 4.0 * pi::standard_error(self.size);
                (
                    format!(
                        "pi={estimate:.6}{}",
                        if within { "" } else { " (outside π ± 4σ)" }
                    ),
                    within,
                )
            }
            _ => ("an output of another kind than its input".into(), false),
        }
    }
}

/// The compute time of a run's dispatches, in nanoseconds.
fn compute_ns<T>(run: &GpuRun<T>, repeats: u32) -> f64 {
    run.gpu_compute_ms.unwrap_or(run.compute_ms) * repeats as f64 * 1e6
}

/// Checks and times every GPU variant of `exercise`.
pub async fn run(
    exercise: &'static Exercise,
    values: &ParamValues,
    post: &mut impl FnMut(FromWorker),
) {
    if exercise.gpu.is_empty() {
        return;
    }
    post(FromWorker::Progress {
        done: 0,
        total: 0,
        label: "requesting a WebGPU device".into(),
    });
    let gpu = match Gpu::new().await {
        Ok(gpu) => gpu,
        Err(reason) => {
            for variant in exercise.gpu {
                post(FromWorker::Unavailable {
                    variant: variant.variant.name.into(),
                    reason: reason.clone(),
                });
            }
            return;
        }
    };
    let mut rows = Vec::new();
    for variant in exercise.gpu {
        measure_variant(exercise, variant, &gpu, values, post, &mut rows).await;
    }
    let info = gpu.info();
    let adapter = if info.software {
        format!("{} (software: slower than your CPU)", info.name)
    } else {
        info.name.clone()
    };
    let compute = if info.timestamps {
        "timestamp queries (Chrome rounds them to 100 µs)"
    } else {
        "the wall clock"
    };
    post(FromWorker::Table(DemoTable {
        id: "gpu-timing".into(),
        title: "GPU timing: upload, compute, read-back".into(),
        caption: format!(
            "Adapter: {adapter}. Compute is per dispatch, from {compute}, over a batch of dispatches; the results \
             table holds compute only. Upload (writing the inputs) and read-back (copying the output to a mapped \
             buffer) are paid once per call, and a real program pays them too."
        ),
        columns: [
            "variant",
            "size",
            "upload",
            "compute per dispatch",
            "compute (wall clock)",
            "read-back",
            "dispatches",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        highlighted: 0,
    }));
}

/// Checks one GPU variant at the first size, then times it at every size
/// the budget affords; adds a timing row per size to `rows`.
async fn measure_variant(
    exercise: &'static Exercise,
    variant: &GpuVariant,
    gpu: &Gpu,
    values: &ParamValues,
    post: &mut impl FnMut(FromWorker),
    rows: &mut Vec<Vec<String>>,
) {
    let name = variant.variant.name;
    let sizes = values.list(exercise.size_param);
    let input = |size| Input::new(exercise.id, name, size, values);
    // The first size's input serves the check and then its timing (the
    // first size is never skipped: nothing predicts it).
    let first = input(sizes[0]);
    let checked = match &first {
        Ok(first) => match first.call(gpu, 1).await {
            Ok(run) => first.check(&run.output),
            Err(error) => (format!("failed: {error}"), false),
        },
        Err(error) => (format!("failed: {error}"), false),
    };
    let agrees = checked.1;
    post(FromWorker::VariantChecked(VariantCheck {
        variant: name.into(),
        outputs: vec![checked.0],
        agrees,
    }));
    if !agrees {
        return;
    }
    let budget_ns = budget_ns(values);
    let max_samples = Mode::named(values.text("mode")).max_samples;
    let mut measured: Vec<(f64, f64)> = Vec::new();
    let mut first = Some(first);
    for &size in sizes {
        if let Some(skip) = over_budget(&variant.variant, &measured, size, budget_ns) {
            post(FromWorker::Skipped(skip));
            continue;
        }
        post(FromWorker::Progress {
            done: 0,
            total: 0,
            label: format!("{name} at n = {size} on the GPU"),
        });
        let timed = match first.take().unwrap_or_else(|| input(size)) {
            Ok(input) => time(&input, gpu, budget_ns, max_samples).await,
            Err(error) => Err(error),
        };
        match timed {
            Ok((measurement, last, dispatches)) => {
                let per_call = per_call_point(&measurement);
                if let Some(ns) = per_call {
                    measured.push((size as f64, ns));
                }
                let ms = |ms: f64| format_ns(ms * 1e6);
                rows.push(vec![
                    name.into(),
                    size.to_string(),
                    ms(last.upload_ms),
                    per_call.map_or("—".into(), format_ns),
                    ms(last.compute_ms),
                    ms(last.readback_ms),
                    dispatches.to_string(),
                ]);
                post(FromWorker::Measured(measurement));
            }
            Err(error) => rows.push(vec![
                name.into(),
                size.to_string(),
                format!("failed: {error}"),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]),
        }
    }
}

/// Times one GPU variant at one size: a first call of one dispatch, then
/// linear sampling with `r × d` dispatches per sample. Returns the
/// measurement, the last sample's run (for its upload and read-back) and `d`.
async fn time(
    input: &Input,
    gpu: &Gpu,
    budget_ns: f64,
    max_samples: usize,
) -> Result<(Measurement, GpuRun<()>, u32), String> {
    let now = crate::Timers::new();
    let start = now.now();
    let first = input.call(gpu, 1).await?;
    let first_call_ns = (first.upload_ms + first.compute_ms + first.readback_ms) * 1e6;
    let one_ms = compute_ns(&first, 1) / 1e6;
    let unit = ((MIN_SAMPLE_MS / one_ms.max(1e-3)).ceil() as u32).clamp(1, MAX_DISPATCHES);
    let mut measurement = Measurement {
        variant: input.variant.into(),
        size: input.size,
        iters: Vec::new(),
        times_ns: Vec::new(),
        first_call_ns,
        memory: Default::default(),
    };
    let mut last = first.map(|_| ());
    for round in 1..=max_samples as u32 {
        if round > MIN_SAMPLES as u32 && (now.now() - start) * 1e6 >= budget_ns {
            break;
        }
        let repeats = round * unit;
        let run = input.call(gpu, repeats).await?;
        measurement.iters.push(repeats as u64);
        measurement.times_ns.push(compute_ns(&run, repeats));
        last = run.map(|_| ());
    }
    Ok((measurement, last, unit))
}
