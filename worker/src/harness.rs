//! The measurement harness: check every variant, then time them size by
//! size, posting results as they come.
//!
//! Sampling (see criterion.rs's analysis and DESIGN.md §5): the first call is
//! timed alone (a cold start shows there); then batches double until a
//! batch lasts at least [`SAMPLE_RESOLUTIONS`] × the timer resolution, which
//! doubles as warm-up; then samples of that batch are taken until the
//! budget is spent (at least [`MIN_SAMPLES`], at most [`MAX_SAMPLES`]).
//! A size whose measurement is predicted to exceed the budget is skipped.

use std::collections::BTreeMap;

use exercises::analysis::{median_ns, predict_ns};
use exercises::params::{self, ParamValues};
use exercises::protocol::{CheckReport, FromWorker, Measurement, Skip, ToWorker, VariantCheck};
use exercises::{find, Exercise};

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
/// Most samples of a measurement.
pub const MAX_SAMPLES: usize = 20;
/// Calls a measurement needs at the least: the first call, two warm-up
/// batches, and `MIN_SAMPLES` samples of one call each.
pub const MIN_CALLS: f64 = 3.0 + MIN_SAMPLES as f64;

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
pub fn handle(text: &str, clock: &mut impl Clock, resolution_ns: f64, post: &mut impl FnMut(FromWorker)) {
    let request = match serde_json::from_str::<ToWorker>(text) {
        Ok(request) => request,
        Err(error) => return post(FromWorker::Failed { message: format!("unreadable request: {error}") }),
    };
    let ToWorker::Run { exercise, query } = request;
    let Some(exercise) = find(&exercise) else {
        return post(FromWorker::Failed { message: format!("no exercise named {exercise:?}") });
    };
    match params::parse(exercise.all_params(), &params::from_query(&query)) {
        Ok(values) => run(exercise, &values, clock, resolution_ns, post),
        Err(errors) => {
            let messages: Vec<_> = errors.into_iter().map(|error| error.message).collect();
            post(FromWorker::Failed { message: messages.join("; ") });
        }
    }
}

/// Checks, then times, every variant of `exercise`.
pub fn run(
    exercise: &Exercise,
    values: &ParamValues,
    clock: &mut impl Clock,
    resolution_ns: f64,
    post: &mut impl FnMut(FromWorker),
) {
    let report = check(exercise, values);
    let timed: Vec<usize> = (0..exercise.variants.len()).filter(|&v| report.variants[v].agrees).collect();
    post(FromWorker::Checked(report));

    let sizes = values.list(exercise.size_param);
    let budget_ns = values.int("budget_ms") as f64 * 1e6;
    let min_sample_ns = SAMPLE_RESOLUTIONS * resolution_ns;
    let total = (sizes.len() * timed.len()) as u32;
    let mut done = 0;
    let mut measured: BTreeMap<usize, Vec<(f64, f64)>> = BTreeMap::new();
    for &size in sizes {
        let mut workload = None;
        for &v in &timed {
            let variant = &exercise.variants[v];
            let label = format!("{} at n = {size}", variant.name);
            post(FromWorker::Progress { done, total, label });
            let points = measured.entry(v).or_default();
            let predicted = predict_ns(points, variant.growth.exponent(), size as f64);
            match predicted {
                Some(predicted_ns) if predicted_ns * MIN_CALLS > budget_ns => {
                    post(FromWorker::Skipped(Skip { variant: variant.name.into(), size, predicted_ns, budget_ns }));
                }
                _ => {
                    let workload = workload.get_or_insert_with(|| exercise.runner.workload(values, size));
                    let measurement = measure(variant.name, size, clock, budget_ns, min_sample_ns, &mut || {
                        workload.run(v)
                    });
                    points.push((size as f64, median_ns(&measurement)));
                    post(FromWorker::Measured(measurement));
                }
            }
            done += 1;
        }
    }
    post(FromWorker::Progress { done, total, label: "done".into() });
    post(FromWorker::Done);
}

/// Runs every variant on every check case and compares its output with the
/// naive variant's.
pub fn check(exercise: &Exercise, values: &ParamValues) -> CheckReport {
    let mut cases = exercise.runner.check_cases(values);
    let outputs: Vec<Vec<_>> = (0..exercise.variants.len())
        .map(|v| cases.iter_mut().map(|(_, workload)| workload.check(v)).collect())
        .collect();
    CheckReport {
        cases: cases.into_iter().map(|(label, _)| label).collect(),
        variants: exercise
            .variants
            .iter()
            .zip(&outputs)
            .map(|(variant, own)| VariantCheck {
                variant: variant.name.into(),
                outputs: own.iter().map(|output| output.text.clone()).collect(),
                agrees: own.iter().zip(&outputs[0]).all(|(a, b)| a.digest == b.digest),
            })
            .collect(),
    }
}

/// Measures one variant at one size; `call` runs it once.
pub fn measure(
    variant: &str,
    size: u64,
    clock: &mut impl Clock,
    budget_ns: f64,
    min_sample_ns: f64,
    call: &mut impl FnMut(),
) -> Measurement {
    let start = clock.now_ns();
    let mut time_batch = |clock: &mut dyn FnMut() -> f64, calls: u64| {
        let begin = clock();
        for _ in 0..calls {
            call();
        }
        clock() - begin
    };
    let mut now = || clock.now_ns();
    let first_call_ns = time_batch(&mut now, 1);

    // Warm up and calibrate: grow the batch until the fastest per-call time
    // seen says a batch spans a sample, confirmed by a second batch. Using
    // the fastest, not the last, batch keeps one slow batch (a memory
    // growth, a tier-up) from ending the warm-up with batches far too
    // short. A batch that reads as 0 took less than one timer tick.
    let tick_ns = min_sample_ns / SAMPLE_RESOLUTIONS;
    let mut calls = 1;
    let mut batches = 0;
    let mut fastest_per_call = f64::INFINITY;
    loop {
        let elapsed = time_batch(&mut now, calls);
        batches += 1;
        fastest_per_call = fastest_per_call.min(elapsed.max(tick_ns) / calls as f64);
        let long_enough = calls as f64 * fastest_per_call >= min_sample_ns;
        if (long_enough && batches >= 2) || now() - start > budget_ns / 2.0 {
            break;
        }
        if !long_enough {
            calls *= 2;
        }
    }

    let mut samples_ns = Vec::with_capacity(MAX_SAMPLES);
    while samples_ns.len() < MAX_SAMPLES && (samples_ns.len() < MIN_SAMPLES || now() - start < budget_ns) {
        samples_ns.push(time_batch(&mut now, calls) / calls as f64);
    }
    Measurement { variant: variant.into(), size, calls_per_sample: calls, samples_ns, first_call_ns }
}

#[cfg(test)]
mod tests;
