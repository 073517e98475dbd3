//! The measurement harness: check every variant, then time them size by
//! size, posting results as they come. See DESIGN.md §5 and criterion.rs's
//! `book/src/analysis.md`, which this follows.
//!
//! For each size, every variant is first calibrated on its own: the first
//! call is timed alone (a cold start shows there), then batches double until
//! the fastest per-call time seen says a batch of `d` calls spans at least
//! [`SAMPLE_RESOLUTIONS`] timer ticks, and go on at that size until the
//! warm-up time has passed ([`WARMUP_CAP_NS`], at most a tenth of the
//! budget), so the JIT's optimizing tier and the caches settle. Then the
//! variants take samples in rounds, in a shuffled order each round, so drift
//! (a throttled core, a background tab) hits all of them alike. Round `r`
//! times `r × d` calls (linear sampling: the per-call time is the slope of
//! time against calls); a call that alone spans a sample is timed one call
//! per sample (flat sampling). Sampling stops when the budget is spent, or,
//! in quick mode at the target's size, as soon as the target's speedup
//! interval lies wholly above or below the target. A size whose measurement is predicted to exceed the
//! budget is skipped.

use std::collections::BTreeMap;

use exercises::analysis::{per_call_point, predict_ns};
use exercises::params::{self, FromValues, ParamValues};
use exercises::protocol::{
    Fault,
    FromWorker, Measurement, MemorySteps, Skip, ToWorker,
};
use exercises::runner::{Host, Workload};
use exercises::{Common, Exercise, Variant, find_runnable};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_pcg::Pcg64;

mod sampler;

pub use sampler::measure;
use sampler::{Sampler, target_decided};

/// What the harness knows about where it runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bench {
    /// The clock's measured resolution.
    pub resolution_ns: f64,
    /// Threads in the pool (the thread sweep goes from 1 to this).
    pub pool_threads: usize,
}

/// A monotonic clock in nanoseconds.
pub trait Clock {
    /// The current time.
    fn now_ns(&mut self) -> f64;
}

/// A sample lasts at least this many timer resolutions, so the timer's
/// granularity is at most 1% of it.
pub const SAMPLE_RESOLUTIONS: f64 = 100.0;
/// Fewest samples of a measurement.
pub const MIN_SAMPLES: usize = 3;
/// Rounds before the stop rule may end sampling at the target's size.
pub const DECIDE_AFTER: u64 = 6;
/// The longest warm-up of one variant at one size; a short budget gets a
/// tenth of itself.
pub const WARMUP_CAP_NS: f64 = 50e6;

/// Calls a measurement needs at the least: the first call, two warm-up
/// batches, and `MIN_SAMPLES` samples of one call each.
pub const MIN_CALLS: f64 = 3.0 + MIN_SAMPLES as f64;

/// The largest batch: a kernel faster than a few nanoseconds would need no
/// more to span a sample even with a 100 µs timer.
pub const MAX_BATCH: u64 = 1 << 30;

/// The time per call of an empty kernel, measured like any variant: the
/// floor below which a variant's work was probably optimized away.
pub fn empty_kernel_ns(clock: &mut impl Clock, resolution_ns: f64) -> f64 {
    let m = measure(
        "empty",
        0,
        clock,
        2e8,
        SAMPLE_RESOLUTIONS * resolution_ns,
        10,
        &mut || std::hint::black_box(()),
    );
    per_call_point(&m).unwrap_or(0.0)
}

/// How thoroughly to sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mode {
    /// Most samples per measurement.
    pub max_samples: usize,
    /// Stop as soon as the target's speedup interval decides the target.
    pub stop_when_decided: bool,
    /// The budget is capped at this many nanoseconds per measurement.
    pub budget_cap_ns: f64,
}

impl Mode {
    /// A first estimate in about a second per pair, for class use.
    pub const QUICK: Mode = Mode {
        max_samples: 12,
        stop_when_decided: true,
        budget_cap_ns: 5e8,
    };
    /// The whole budget, more samples.
    pub const THOROUGH: Mode = Mode {
        max_samples: 40,
        stop_when_decided: false,
        budget_cap_ns: f64::INFINITY,
    };

    /// The mode named by the `mode` parameter.
    pub fn named(name: &str) -> Mode {
        if name == "thorough" {
            Mode::THOROUGH
        } else {
            Mode::QUICK
        }
    }
}

/// The smallest positive step of `clock`, from the fastest of 20 ticks.
pub fn timer_resolution_ns(clock: &mut impl Clock) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..20 {
        let start = clock.now_ns();
        let mut now = start;
        while now <= start {
            now = clock.now_ns();
        }
        best = best.min(now - start);
    }
    best
}

/// Handles one message's text from the page; every outcome, including bad
/// input, is posted as a [`FromWorker`] message.
pub fn handle(
    text: &str,
    host: &Host,
    clock: &mut impl Clock,
    bench: Bench,
    post: &mut impl FnMut(FromWorker),
) {
    match request(text) {
        Ok((exercise, values)) => run(exercise, &values, host, clock, bench, post),
        Err(failed) => post(failed),
    }
}

/// Reads a request: the exercise and its validated parameters, or the
/// `Failed` message that says what is wrong with it.
pub fn request(text: &str) -> Result<(&'static Exercise, ParamValues), FromWorker> {
    request_with_seeds(text).map(|(exercise, values, _)| (exercise, values))
}

/// Reads a request, and for an equivalence check its number of seeds.
pub fn request_with_seeds(text: &str) -> Result<(&'static Exercise, ParamValues, Option<u32>), FromWorker> {
    let failed = |message: String| FromWorker::Failed { message };
    let request = serde_json::from_str::<ToWorker>(text)
        .map_err(|error| failed(format!("unreadable request: {error}")))?;
    let (exercise, values, seeds) = match request {
        ToWorker::Run { exercise, values } => (exercise, values, None),
        ToWorker::Equivalence { exercise, values, seeds } => (exercise, values, Some(seeds.clamp(1, MAX_SEEDS))),
        ToWorker::Fault(fault) => inject(fault),
    };
    let exercise = find_runnable(&exercise).ok_or_else(|| {
        failed(match exercises::worker_module(&exercise) {
            Some(module) => format!("{exercise:?} runs in the worker module {module:?}, not this one"),
            None => format!("no exercise named {exercise:?}"),
        })
    })?;
    let values = exercise.validate(&values).map_err(|errors| {
        let messages: Vec<_> = errors.into_iter().map(|error| error.message).collect();
        failed(messages.join("; "))
    })?;
    // An exercise in sections runs the section its parameters name.
    Ok((exercise.section(&values), values, seeds))
}

/// Fails as `fault` says, as a broken kernel would; never returns.
fn inject(fault: Fault) -> ! {
    match fault {
        Fault::Panic => panic!("injected fault: a panic on the worker's thread"),
        Fault::PoolPanic => {
            // Called from outside the pool, `join` runs on a pool thread.
            rayon::join(|| panic!("injected fault: a panic on a pool thread"), || ());
            unreachable!("the pool thread panicked")
        }
        #[cfg(target_arch = "wasm32")]
        Fault::Trap => core::arch::wasm32::unreachable(),
        #[cfg(not(target_arch = "wasm32"))]
        Fault::Trap => std::process::abort(),
        Fault::Hang => loop {
            std::hint::black_box(());
        },
    }
}

/// Checks, then times, every variant of `exercise`, and posts `Done`.
pub fn run(
    exercise: &Exercise,
    values: &ParamValues,
    host: &Host,
    clock: &mut impl Clock,
    bench: Bench,
    post: &mut impl FnMut(FromWorker),
) {
    run_cpu(exercise, values, host, clock, bench, post);
    post(FromWorker::Done);
}

/// The budget of one measurement, from the `budget_ms` parameter capped by
/// the mode.
pub fn budget_ns(common: &Common) -> f64 {
    (common.budget_ms as f64 * 1e6).min(Mode::named(&common.mode).budget_cap_ns)
}

/// Checks, then times, every CPU variant of `exercise`; the run goes on
/// (the GPU lane) or ends with `Done` after it.
pub fn run_cpu(
    exercise: &Exercise,
    values: &ParamValues,
    host: &Host,
    clock: &mut impl Clock,
    bench: Bench,
    post: &mut impl FnMut(FromWorker),
) {
    let common = Common::from_values(values);
    let report = check(exercise, values, host);
    let mut timed: Vec<usize> = (0..exercise.variants.len())
        .filter(|&v| report.variants[v].agrees)
        .collect();
    post(FromWorker::Checked(report));
    if let Some(timeline) = exercise.runner.timeline(values) {
        post(FromWorker::Timeline(timeline));
    }
    for table in exercise.runner.tables(values, host) {
        post(FromWorker::Table(table));
    }
    for image in exercise.runner.images(values) {
        post(FromWorker::Image(image));
    }
    // Once: a runner may have to read its input to know them (a local file).
    let sizes = exercise
        .runner
        .sizes(values, host, values.list(exercise.size_param));
    memory_steps(exercise, values, sizes.last().copied(), &timed, post);

    let mode = Mode::named(&common.mode);
    let budget_ns = budget_ns(&common);
    let min_sample_ns = SAMPLE_RESOLUTIONS * bench.resolution_ns;
    let timing = Timing { mode, budget_ns, min_sample_ns };

    let sweep = exercise.thread_sweep.and_then(|name| {
        timed
            .iter()
            .copied()
            .find(|&v| exercise.variants[v].name == name)
    });
    let sweep_points = if sweep.is_some() && bench.pool_threads > 1 {
        bench.pool_threads
    } else {
        0
    };
    let total = (sizes.len() * timed.len() + sweep_points) as u32;
    let mut done = 0;
    let mut measured: BTreeMap<usize, Vec<(f64, f64)>> = BTreeMap::new();
    // The variants' order is shuffled reproducibly: by the exercise's
    // seed when it has one.
    let seed = match values.0.get("seed") {
        Some(params::ParamValue::Int(seed)) => *seed,
        _ => 0,
    };
    let mut rng = Pcg64::seed_from_u64(seed);
    for &size in &sizes {
        // Skip what the budget cannot afford, predicted from smaller sizes.
        let mut active = Vec::new();
        for &v in &timed {
            match over_budget(
                &exercise.variants[v],
                measured.entry(v).or_default(),
                size,
                budget_ns,
            ) {
                Some(skip) => {
                    post(FromWorker::Skipped(skip));
                    done += 1;
                }
                None => active.push(v),
            }
        }
        if active.is_empty() {
            continue;
        }
        let mut workload = exercise.runner.workload(values, host, size);
        // Checked again on this size's own input before it is timed: a
        // variant that disagrees here is timed no more.
        let size_check = check_at(exercise, &active, size, workload.as_mut());
        for (name, _, agrees) in &size_check.outputs {
            if *agrees == Some(false) {
                let wrong = exercise.variants.iter().position(|v| v.name == name);
                active.retain(|&v| Some(v) != wrong);
                timed.retain(|&v| Some(v) != wrong);
            }
        }
        post(FromWorker::SizeChecked(size_check));
        if active.is_empty() {
            continue;
        }
        let mut samplers: Vec<Sampler> = active
            .iter()
            .map(|&v| {
                let name = exercise.variants[v].name;
                post(FromWorker::Progress {
                    done,
                    total,
                    label: format!("warming up {name} at {}", exercise.at_size(size)),
                });
                Sampler::calibrate(v, name, size, clock, budget_ns, min_sample_ns, &mut || {
                    workload.run(v)
                })
            })
            .collect();

        let start = clock.now_ns();
        let size_budget_ns = budget_ns * samplers.len() as f64;
        let mut rounds = 0;
        for round in 1..=mode.max_samples as u64 {
            rounds = round;
            let label = format!("{}: round {round} of at most {}", exercise.at_size(size), mode.max_samples);
            post(FromWorker::Progress { done, total, label });
            samplers.shuffle(&mut rng);
            for sampler in &mut samplers {
                let v = sampler.variant;
                sampler.sample(round, clock, &mut || workload.run(v));
            }
            let enough = round >= MIN_SAMPLES as u64
                && (clock.now_ns() - start >= size_budget_ns
                    || (mode.stop_when_decided
                        && size == exercise.target.size
                        && round >= DECIDE_AFTER
                        && target_decided(exercise, &samplers)));
            if enough {
                break;
            }
        }
        if size == exercise.target.size {
            let mut progress = |label| post(FromWorker::Progress { done, total, label });
            decide_target(exercise, &mut samplers, workload.as_mut(), rounds, timing, clock, &mut progress);
        }
        samplers.sort_by_key(|sampler| sampler.variant);
        for sampler in samplers {
            if let Some(per_call) = per_call_point(&sampler.measurement) {
                measured
                    .entry(sampler.variant)
                    .or_default()
                    .push((size as f64, per_call));
            }
            post(FromWorker::Measured(sampler.measurement));
            done += 1;
        }
    }

    // The thread sweep: the same variant with 1, 2, … threads, at the
    // largest size it was measured at.
    if let (Some(v), true) = (sweep, sweep_points > 0) {
        let largest = measured
            .get(&v)
            .and_then(|points| points.iter().map(|p| p.0 as u64).max());
        if let Some(size) = largest {
            let mut workload = exercise.runner.workload(values, host, size);
            let mut progress = |label| post(FromWorker::Progress { done, total, label });
            let points = thread_sweep(exercise, v, size, workload.as_mut(), bench.pool_threads, timing, &mut rng, clock, &mut progress);
            for (threads, measurement) in points {
                post(FromWorker::ThreadPoint { threads, measurement });
                done += 1;
            }
        }
    }
    post(FromWorker::Progress {
        done,
        total: done,
        label: "done".into(),
    });
}

/// How long and how finely to sample.
#[derive(Clone, Copy)]
struct Timing {
    mode: Mode,
    budget_ns: f64,
    min_sample_ns: f64,
}

/// At the target's size, a speedup whose interval still straddles the
/// target gets more rounds (after round `after`) of the deciding pair
/// alone, until it clears the target or the pair's budget is spent again;
/// the verdict says when it was spent.
fn decide_target(
    exercise: &Exercise,
    samplers: &mut [Sampler],
    workload: &mut dyn Workload,
    after: u64,
    timing: Timing,
    clock: &mut impl Clock,
    progress: &mut impl FnMut(String),
) {
    let target = &exercise.target;
    let pair: Vec<usize> = (0..samplers.len())
        .filter(|&i| [target.baseline, target.variant].contains(&samplers[i].measurement.variant.as_str()))
        .collect();
    if pair.len() != 2 || target_decided(exercise, samplers) {
        return;
    }
    let start = clock.now_ns();
    let mut round = after;
    while round < 2 * timing.mode.max_samples as u64 && clock.now_ns() - start < 2.0 * timing.budget_ns {
        round += 1;
        let size = samplers[pair[0]].measurement.size;
        progress(format!("{}: deciding the target, round {round}", exercise.at_size(size)));
        for &i in &pair {
            let v = samplers[i].variant;
            samplers[i].sample(round, clock, &mut || workload.run(v));
        }
        if target_decided(exercise, samplers) {
            return;
        }
    }
}

/// `exercise`'s variant `v` at `size` with 1, 2, … `pool_threads` threads,
/// the thread counts' samples interleaved in shuffled rounds. Only this
/// variant runs, so the pool never idles through other variants' calls as
/// it does between the table's samples: where that makes the table's row
/// slower, the page sets the two side by side and says why
/// (`analysis::sweep_beside_table`). Returns each thread count's
/// measurement.
#[allow(clippy::too_many_arguments, reason = "the harness's state, passed as it is")]
fn thread_sweep(
    exercise: &Exercise,
    v: usize,
    size: u64,
    workload: &mut dyn Workload,
    pool_threads: usize,
    timing: Timing,
    rng: &mut Pcg64,
    clock: &mut impl Clock,
    progress: &mut impl FnMut(String),
) -> Vec<(usize, Measurement)> {
    let (name, at) = (exercise.variants[v].name, exercise.at_size(size));
    // Each sampler's `variant` holds its thread count.
    let mut samplers: Vec<Sampler> = (1..=pool_threads)
        .map(|threads| {
            progress(format!("warming up {name} at {at} with {threads} threads"));
            workload.set_threads(threads);
            Sampler::calibrate(threads, name, size, clock, timing.budget_ns, timing.min_sample_ns, &mut || workload.run(v))
        })
        .collect();
    let start = clock.now_ns();
    let sweep_budget_ns = timing.budget_ns * samplers.len() as f64;
    for round in 1..=timing.mode.max_samples as u64 {
        progress(format!("{name} at {at} with 1 … {pool_threads} threads: round {round}"));
        samplers.shuffle(rng);
        for sampler in &mut samplers {
            workload.set_threads(sampler.variant);
            sampler.sample(round, clock, &mut || workload.run(v));
        }
        if round >= MIN_SAMPLES as u64 && clock.now_ns() - start >= sweep_budget_ns {
            break;
        }
    }
    samplers.sort_by_key(|sampler| sampler.variant);
    samplers.into_iter().map(|s| (s.variant, s.measurement)).collect()
}

/// Most steps recorded per call.
const MAX_STEPS: usize = 4096;

/// For an exercise whose variants run in steps: one call of every checked
/// variant at the largest size, with the allocator's live bytes read after
/// each step.
fn memory_steps(
    exercise: &Exercise,
    values: &ParamValues,
    largest: Option<u64>,
    timed: &[usize],
    post: &mut impl FnMut(FromWorker),
) {
    let Some(size) = largest else {
        return;
    };
    for &v in timed {
        // Allocated before the call, so recording does not count itself.
        let mut live_bytes = Vec::with_capacity(MAX_STEPS);
        let mut estimate_bytes = Vec::with_capacity(MAX_STEPS);
        let mut wasm_memory_bytes = Vec::with_capacity(MAX_STEPS);
        let before = std::cell::Cell::new(0);
        let mut begin = || before.set(crate::memory::live_bytes());
        let stepped = exercise
            .runner
            .run_steps(values, size, v, &mut begin, &mut |estimate| {
                if live_bytes.len() < MAX_STEPS {
                    live_bytes.push(crate::memory::live_bytes().saturating_sub(before.get()));
                    estimate_bytes.push(estimate);
                    wasm_memory_bytes.push(crate::memory::wasm_memory_bytes());
                }
            });
        if !stepped {
            return;
        }
        let variant = exercise.variants[v].name.into();
        post(FromWorker::MemorySteps(MemorySteps {
            variant,
            size,
            live_bytes,
            estimate_bytes,
            wasm_memory_bytes,
        }));
    }
}

/// The skip of `variant` at `size` if its measurement is predicted, from
/// the sizes `measured` so far (`(size, ns per call)`), to exceed the budget.
pub fn over_budget(
    variant: &Variant,
    measured: &[(f64, f64)],
    size: u64,
    budget_ns: f64,
) -> Option<Skip> {
    let predicted_ns = predict_ns(measured, variant.growth, size as f64)?;
    (predicted_ns * MIN_CALLS > budget_ns).then(|| Skip {
        variant: variant.name.into(),
        size,
        predicted_ns,
        budget_ns,
    })
}

mod checks;
pub use checks::{MAX_SEEDS, check, equivalence};
use checks::check_at;

#[cfg(test)]
mod tests;
