//! One variant at one size being measured: calibration (the first call,
//! then warm-up batches) and the samples, linear or flat; see the module
//! documentation of the harness.

use exercises::Exercise;
use exercises::analysis::speedup;
use exercises::protocol::Measurement;

use super::{Clock, MAX_BATCH, SAMPLE_RESOLUTIONS, WARMUP_CAP_NS};
use super::MIN_SAMPLES;

/// Times `calls` back-to-back calls.
fn time_batch(clock: &mut impl Clock, calls: u64, call: &mut impl FnMut()) -> f64 {
    let begin = clock.now_ns();
    for _ in 0..calls {
        call();
    }
    clock.now_ns() - begin
}

/// One variant being measured at one size.
pub(super) struct Sampler {
    /// The variant's index (a thread sweep's sampler holds its thread
    /// count here).
    pub(super) variant: usize,
    /// Calls per unit of linear sampling (`d`).
    unit: u64,
    /// One call spans a sample: time calls one by one.
    flat: bool,
    pub(super) measurement: Measurement,
}

impl Sampler {
    /// Times the first call, then warms up and calibrates (see the module
    /// documentation). Using the fastest, not the last, batch keeps one slow
    /// batch (a memory growth, a tier-up) from ending the warm-up with
    /// batches far too short. A batch that reads 0 took under one tick.
    pub(super) fn calibrate(
        variant: usize,
        name: &str,
        size: u64,
        clock: &mut impl Clock,
        budget_ns: f64,
        min_sample_ns: f64,
        call: &mut impl FnMut(),
    ) -> Sampler {
        let start = clock.now_ns();
        // The first call is also the one whose memory is counted.
        let (first_call_ns, memory) = crate::memory::region(|| time_batch(clock, 1, call));
        let tick_ns = min_sample_ns / SAMPLE_RESOLUTIONS;
        let mut calls = 1;
        let mut batches = 0;
        let mut fastest_per_call = f64::INFINITY;
        loop {
            let elapsed = time_batch(clock, calls, call);
            batches += 1;
            fastest_per_call = fastest_per_call.min(elapsed.max(tick_ns) / calls as f64);
            let long_enough = calls as f64 * fastest_per_call >= min_sample_ns;
            let elapsed_ns = clock.now_ns() - start;
            let warm = elapsed_ns >= (budget_ns / 10.0).min(WARMUP_CAP_NS);
            let out_of_time = elapsed_ns > budget_ns / 2.0 || calls >= MAX_BATCH;
            if (long_enough && batches >= 2 && warm) || out_of_time {
                break;
            }
            if !long_enough {
                calls *= 2;
            }
        }
        let measurement = Measurement {
            variant: name.into(),
            size,
            iters: Vec::new(),
            times_ns: Vec::new(),
            first_call_ns,
            memory,
        };
        Sampler {
            variant,
            unit: calls,
            flat: calls == 1,
            measurement,
        }
    }

    /// Takes sample number `round` (from 1).
    pub(super) fn sample(&mut self, round: u64, clock: &mut impl Clock, call: &mut impl FnMut()) {
        let iters = if self.flat {
            self.unit
        } else {
            round * self.unit
        };
        let elapsed = time_batch(clock, iters, call);
        self.measurement.iters.push(iters);
        self.measurement.times_ns.push(elapsed);
    }
}

/// Measures one variant alone at one size; `call` runs it once.
pub fn measure(
    variant: &str,
    size: u64,
    clock: &mut impl Clock,
    budget_ns: f64,
    min_sample_ns: f64,
    max_samples: usize,
    call: &mut impl FnMut(),
) -> Measurement {
    let start = clock.now_ns();
    let mut sampler = Sampler::calibrate(0, variant, size, clock, budget_ns, min_sample_ns, call);
    for round in 1..=max_samples as u64 {
        if round > MIN_SAMPLES as u64 && clock.now_ns() - start >= budget_ns {
            break;
        }
        sampler.sample(round, clock, call);
    }
    sampler.measurement
}

/// Whether the target's speedup interval lies wholly above or below the
/// target, so more samples would not change the verdict.
pub(super) fn target_decided(exercise: &Exercise, samplers: &[Sampler]) -> bool {
    let target = &exercise.target;
    let find = |name: &str| {
        samplers
            .iter()
            .find(|s| s.measurement.variant == name)
            .map(|s| &s.measurement)
    };
    match (find(target.baseline), find(target.variant)) {
        (Some(baseline), Some(variant)) => speedup(baseline, variant, 200)
            .is_some_and(|s| s.low >= target.speedup || s.high < target.speedup),
        _ => false,
    }
}

