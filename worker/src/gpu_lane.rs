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
use exercises::runner::{Dispatch, GpuInput};
use exercises::{Common, Exercise, GpuVariant};

use crate::gpu::{Gpu, GpuRun, Pipeline};
use crate::harness::{MIN_SAMPLES, Mode, budget_ns, over_budget};

/// A sample spans at least this long: 100 timestamp quanta of 100 µs.
const MIN_SAMPLE_MS: f64 = 10.0;
/// Most dispatches per unit of linear sampling.
const MAX_DISPATCHES: u32 = 256;

/// One input of a GPU variant at one size, prepared once for the check and
/// every sample: what the exercise declared, and the call it makes here.
struct Input {
    variant: &'static str,
    size: u64,
    declared: Box<dyn GpuInput>,
    dispatch: Dispatch,
}

impl Input {
    fn new(
        exercise: &'static Exercise,
        variant: &'static str,
        size: u64,
        values: &ParamValues,
        gpu: &Gpu,
    ) -> Result<Input, String> {
        let declared = exercise.runner.gpu_input(values, variant, size)?;
        let dispatch = declared.dispatch(&gpu.limits())?;
        Ok(Input {
            variant,
            size,
            declared,
            dispatch,
        })
    }

    /// Runs the variant with `repeats` dispatches.
    async fn call(
        &self,
        gpu: &Gpu,
        pipeline: &Pipeline,
        repeats: u32,
    ) -> Result<GpuRun<Vec<u8>>, String> {
        gpu.run(pipeline, &self.dispatch, repeats).await
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
        let name = variant.variant.name;
        match gpu.pipeline(name, variant.shader).await {
            Ok(pipeline) => {
                let lane = Lane {
                    exercise,
                    variant,
                    gpu: &gpu,
                    pipeline: &pipeline,
                    values,
                };
                lane.measure(post, &mut rows).await;
            }
            Err(error) => post(FromWorker::VariantChecked(VariantCheck {
                variant: name.into(),
                outputs: vec![format!("failed: {error}")],
                agrees: false,
            })),
        }
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
        hooks: Vec::new(),
    }));
}

/// Checks one GPU variant at the first size, then times it at every size
/// the budget affords; adds a timing row per size to `rows`.
/// One GPU variant, its pipeline built, and the run's parameters.
struct Lane<'a> {
    exercise: &'static Exercise,
    variant: &'static GpuVariant,
    gpu: &'a Gpu,
    pipeline: &'a Pipeline,
    values: &'a ParamValues,
}

impl Lane<'_> {
    async fn measure(&self, post: &mut impl FnMut(FromWorker), rows: &mut Vec<Vec<String>>) {
        let Lane {
            exercise,
            variant,
            gpu,
            pipeline,
            values,
        } = *self;
        let name = variant.variant.name;
        let sizes = values.list(exercise.size_param);
        let input = |size| Input::new(exercise, name, size, values, gpu);
        // The first size's input serves the check and then its timing (the
        // first size is never skipped: nothing predicts it).
        let first = input(sizes[0]);
        let checked = match &first {
            Ok(first) => match first.call(gpu, pipeline, 1).await {
                Ok(run) => first.declared.check(&run.output),
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
        let common: Common = exercises::params::FromValues::from_values(values);
        let budget_ns = budget_ns(&common);
        let max_samples = Mode::named(&common.mode).max_samples;
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
                label: format!("{name} at {} on the GPU", exercise.at_size(size)),
            });
            let timed = match first.take().unwrap_or_else(|| input(size)) {
                Ok(input) => time(&input, gpu, pipeline, budget_ns, max_samples).await,
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
}

/// Times one GPU variant at one size: a first call of one dispatch, then
/// linear sampling with `r × d` dispatches per sample. Returns the
/// measurement, the last sample's run (for its upload and read-back) and `d`.
async fn time(
    input: &Input,
    gpu: &Gpu,
    pipeline: &Pipeline,
    budget_ns: f64,
    max_samples: usize,
) -> Result<(Measurement, GpuRun<()>, u32), String> {
    let now = crate::Timers::new();
    let start = now.now();
    let first = input.call(gpu, pipeline, 1).await?;
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
        let run = input.call(gpu, pipeline, repeats).await?;
        measurement.iters.push(repeats as u64);
        measurement.times_ns.push(compute_ns(&run, repeats));
        last = run.map(|_| ());
    }
    Ok((measurement, last, unit))
}
