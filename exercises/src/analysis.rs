//! Pure functions over measured timings: summaries, growth fits,
//! predictions and speedups. The worker measures, this module analyses, the
//! app draws; everything here is tested on the host with synthetic data.

use serde::{Deserialize, Serialize};

use crate::protocol::Measurement;
use crate::stats::{
    Estimate, linear_sampling_estimate, per_call_time, quantile_of_sorted, ratio_estimate,
};

/// Robust summary of per-call times.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Median, in nanoseconds.
    pub median: f64,
    /// Median absolute deviation from the median, in nanoseconds.
    pub mad: f64,
    /// Fastest sample.
    pub min: f64,
    /// Slowest sample.
    pub max: f64,
    /// Number of samples.
    pub count: usize,
}

impl Summary {
    /// Summarises `samples`; `None` when there are none.
    pub fn of(samples: &[f64]) -> Option<Summary> {
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return None;
        }
        let median = quantile_of_sorted(&sorted, 0.5);
        let mut deviations: Vec<f64> = sorted.iter().map(|x| (x - median).abs()).collect();
        deviations.sort_by(f64::total_cmp);
        Some(Summary {
            median,
            mad: quantile_of_sorted(&deviations, 0.5),
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            count: sorted.len(),
        })
    }
}

/// Predicts the time of one call at `size` from the `(size, ns)` points
/// measured so far: by the growth fit (best complexity class) when there
/// are two sizes or more, by scaling the largest measured point with the
/// variant's declared growth when there is one, and not at all when there
/// are none.
pub fn predict_ns(points: &[(f64, f64)], declared: crate::Growth, size: f64) -> Option<f64> {
    if let Some(fit) = crate::stats::GrowthFit::fit(points) {
        return Some(fit.predict(size));
    }
    let &(x, y) = points.iter().max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(declared.scale(y, x, size))
}

/// The time per call of a measurement (the slope of linear sampling, the
/// median of flat sampling), with its bootstrap interval and R².
pub fn per_call(measurement: &Measurement, resamples: usize) -> Option<(Estimate, Option<f64>)> {
    linear_sampling_estimate(
        &measurement.iters,
        &measurement.times_ns,
        resamples,
        measurement.size,
    )
}

/// The point estimate of the time per call (no interval), for predictions.
pub fn per_call_point(measurement: &Measurement) -> Option<f64> {
    let points: Vec<(f64, f64)> = measurement
        .iters
        .iter()
        .map(|&i| i as f64)
        .zip(measurement.times_ns.iter().copied())
        .collect();
    per_call_time(&points)
}

/// `baseline / variant` of the times per call, with a bootstrap interval
/// that resamples both measurements' samples independently.
pub fn speedup(
    baseline: &Measurement,
    variant: &Measurement,
    resamples: usize,
) -> Option<Estimate> {
    let pairs = |m: &Measurement| -> Vec<(f64, f64)> {
        m.iters
            .iter()
            .map(|&i| i as f64)
            .zip(m.times_ns.iter().copied())
            .collect()
    };
    ratio_estimate(
        &pairs(baseline),
        &pairs(variant),
        resamples,
        baseline.size ^ 0x5eed,
        per_call_time,
    )
}

/// A duration in nanoseconds, in the unit that reads best: "812 ns",
/// "3.41 µs", "27.0 ms", "4.20 s", "3.5 min", "2.1 h".
pub fn format_ns(ns: f64) -> String {
    let (value, unit) = match ns.abs() {
        x if x < 1e3 => (ns, "ns"),
        x if x < 1e6 => (ns / 1e3, "µs"),
        x if x < 1e9 => (ns / 1e6, "ms"),
        x if x < 60e9 => (ns / 1e9, "s"),
        x if x < 3600e9 => return format!("{:.1} min", ns / 60e9),
        _ => return format!("{:.1} h", ns / 3600e9),
    };
    let digits = match value.abs() {
        x if x < 10.0 => 2,
        x if x < 100.0 => 1,
        _ => 0,
    };
    format!("{value:.digits$} {unit}")
}

/// A byte count in the unit that reads best: "0 B", "812 B", "3.4 KiB",
/// "27.0 MiB", "1.20 GiB".
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let digits = if value < 10.0 {
        2
    } else if value < 100.0 {
        1
    } else {
        0
    };
    format!("{value:.digits$} {}", UNITS[unit])
}

/// One point of a thread sweep.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScalingPoint {
    /// Threads used.
    pub threads: usize,
    /// Time with one thread over time with `threads`, with its interval.
    pub speedup: Estimate,
    /// Speedup per thread: 1 is perfect scaling.
    pub efficiency: f64,
}

/// Speedups and efficiencies of a thread sweep, against its one-thread
/// point; empty until that point is measured.
pub fn scaling(points: &[(usize, Measurement)]) -> Vec<ScalingPoint> {
    let Some((_, one)) = points.iter().find(|(threads, _)| *threads == 1) else {
        return Vec::new();
    };
    points
        .iter()
        .filter_map(|(threads, m)| {
            let speedup = speedup(one, m, RESAMPLES)?;
            Some(ScalingPoint {
                threads: *threads,
                speedup,
                efficiency: speedup.point / *threads as f64,
            })
        })
        .collect()
}

/// The thread sweep's last point (the pool's size) beside the table's row
/// of the same variant and size: the same variant, size and threads, timed
/// in two settings. The table's variants take turns, so each of its samples
/// follows other variants' work, during which the pool's threads idled;
/// the sweep runs only this variant.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepBesideTable {
    /// The variant.
    pub variant: String,
    /// The size both measured.
    pub size: u64,
    /// The pool's threads, which both used.
    pub threads: usize,
    /// The sweep's time per call.
    pub sweep_ns: f64,
    /// The table's time per call, with its interval.
    pub table: Estimate,
}

impl SweepBesideTable {
    /// The sweep's time lies below the table's whole interval: the same
    /// work ran faster with its threads kept busy.
    pub fn sweep_faster(&self) -> bool {
        self.sweep_ns < self.table.low
    }
}

/// The sweep's point at the pool's size beside the table's row (see
/// [`SweepBesideTable`]); `None` until both are measured, or for a pool of
/// one thread.
pub fn sweep_beside_table(
    measurements: &[Measurement],
    sweep: &[(usize, Measurement)],
) -> Option<SweepBesideTable> {
    let (threads, last) = sweep.iter().max_by_key(|(threads, _)| *threads)?;
    if *threads < 2 {
        return None;
    }
    let row = measurements
        .iter()
        .find(|m| m.variant == last.variant && m.size == last.size)?;
    Some(SweepBesideTable {
        variant: last.variant.clone(),
        size: last.size,
        threads: *threads,
        sweep_ns: per_call(last, RESAMPLES)?.0.point,
        table: per_call(row, RESAMPLES)?.0,
    })
}

/// The serial fraction `s` of Amdahl's law, `S(k) = 1 / (s + (1 − s) / k)`,
/// fitted by least squares to `(threads, speedup)` points: with
/// `y = 1/S − 1/k` and `x = 1 − 1/k` the law is `y = s·x`. Clamped to
/// [0, 1]; `None` without a point at two threads or more.
pub fn amdahl_serial_fraction(points: &[(usize, f64)]) -> Option<f64> {
    let (sxy, sxx) = points
        .iter()
        .filter(|(k, speedup)| *k >= 2 && *speedup > 0.0)
        .map(|&(k, speedup)| (1.0 / speedup - 1.0 / k as f64, 1.0 - 1.0 / k as f64))
        .fold((0.0, 0.0), |(sxy, sxx), (y, x)| (sxy + x * y, sxx + x * x));
    (sxx > 0.0).then(|| (sxy / sxx).clamp(0.0, 1.0))
}

/// Amdahl's law: the speedup on `threads` threads with serial fraction `s`.
pub fn amdahl_speedup(serial_fraction: f64, threads: f64) -> f64 {
    1.0 / (serial_fraction + (1.0 - serial_fraction) / threads)
}

/// Everything the page shows about one variant at one size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The variant's name.
    pub variant: String,
    /// The size.
    pub size: u64,
    /// Time per call (slope of linear sampling) with its 95% interval.
    pub per_call: Estimate,
    /// R² of the linear-sampling fit (`None` for flat sampling).
    pub r2: Option<f64>,
    /// Median and MAD of the per-call times of the samples.
    pub summary: Summary,
    /// Outliers among the per-call times (counted, not dropped).
    pub outliers: crate::stats::Outliers,
    /// Speedup over the exercise's baseline at the same size.
    pub speedup: Option<Estimate>,
    /// The first call, timed alone.
    pub first_call_ns: f64,
    /// What the first call allocated.
    pub memory: crate::protocol::MemoryUse,
}

/// Bootstrap resamples for the page's intervals.
pub const RESAMPLES: usize = 1000;

/// The rows of a run, by size, then in the exercise's variant order.
pub fn rows(exercise: &crate::Exercise, measurements: &[Measurement]) -> Vec<Row> {
    let order = |name: &str| exercise.all_variants().position(|v| v.name == name);
    let mut sorted: Vec<&Measurement> = measurements.iter().collect();
    sorted.sort_by_key(|m| (m.size, order(&m.variant)));
    sorted
        .into_iter()
        .filter_map(|m| {
            let (per_call, r2) = per_call(m, RESAMPLES)?;
            let per_call_ns = m.per_call_ns();
            let baseline = measurements
                .iter()
                .find(|b| b.size == m.size && b.variant == exercise.target.baseline);
            Some(Row {
                variant: m.variant.clone(),
                size: m.size,
                per_call,
                r2,
                summary: Summary::of(&per_call_ns)?,
                outliers: crate::stats::Outliers::of(&per_call_ns),
                speedup: baseline.and_then(|b| speedup(b, m, RESAMPLES)),
                first_call_ns: m.first_call_ns,
                memory: m.memory,
            })
        })
        .collect()
}

/// The growth fit of each variant measured at two sizes or more.
pub fn fits(
    exercise: &crate::Exercise,
    rows: &[Row],
) -> Vec<(&'static str, crate::stats::GrowthFit)> {
    exercise
        .all_variants()
        .filter_map(|variant| {
            let points: Vec<(f64, f64)> = rows
                .iter()
                .filter(|r| r.variant == variant.name)
                .map(|r| (r.size as f64, r.per_call.point))
                .collect();
            Some((variant.name, crate::stats::GrowthFit::fit(&points)?))
        })
        .collect()
}

/// The target's speedup at its size and whether its whole interval clears
/// the target; `None` until both variants are measured there.
pub fn verdict(exercise: &crate::Exercise, rows: &[Row]) -> Option<(Estimate, bool)> {
    let target = &exercise.target;
    let row = rows
        .iter()
        .find(|r| r.size == target.size && r.variant == target.variant)?;
    let speedup = row.speedup?;
    Some((speedup, speedup.low >= target.speedup))
}

/// Something in a run that makes its numbers less trustworthy.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// The `data-kind` hook: `timer-saturation`, `noisy`, `coarse-timer`,
    /// `hidden-tab`, `optimized-away` or `slow-first-call`.
    pub kind: &'static str,
    /// What was seen and what it means, in a sentence.
    pub message: String,
    /// How bad, against others of its kind (larger is worse): the rows of
    /// a kind are listed worst first.
    pub severity: f64,
}

/// What the environment was like during a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Environment {
    /// The timer's measured resolution.
    pub timer_resolution_ns: f64,
    /// The empty kernel's time per call.
    pub empty_kernel_ns: f64,
    /// Whether the tab was hidden at any time during the run.
    pub hidden_during_run: bool,
}

/// The diagnostics of a run, each with a sentence of explanation.
pub fn diagnose(
    exercise: &crate::Exercise,
    measurements: &[Measurement],
    rows: &[Row],
    environment: Environment,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut add = |kind, message: String, severity: f64| found.push(Diagnostic { kind, message, severity });
    if environment.timer_resolution_ns > 20_000.0 {
        add(
            "coarse-timer",
            format!(
                "The timer ticks every {}: the page is not cross-origin isolated, so browsers coarsen \
             performance.now(). Samples are made long to compensate, but short kernels get fewer of them.",
                format_ns(environment.timer_resolution_ns)
            ),
            1.0,
        );
    }
    if environment.hidden_during_run {
        add(
            "hidden-tab",
            "The tab was hidden during the run: browsers slow down background tabs, so \
             some samples may be too slow. Run again with the tab visible."
                .into(),
            1.0,
        );
    }
    for m in measurements {
        let at = format!("{} at {}", m.variant, exercise.at_size(m.size));
        let mut distinct = m.times_ns.clone();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        let zeros = m.times_ns.iter().filter(|&&t| t <= 0.0).count();
        let all_equal = m.times_ns.len() >= 2 && distinct.len() == 1;
        if zeros * 2 > m.times_ns.len()
            || all_equal
            || (m.times_ns.len() >= 6 && distinct.len() <= 3)
        {
            add(
                "timer-saturation",
                format!(
                    "{at}: most samples read the same few timer values, so the timer, not the kernel, \
                 decides the numbers. Raise the sizes or the budget."
                ),
                // The fewer distinct readings, the worse.
                1.0 - distinct.len() as f64 / m.times_ns.len().max(1) as f64,
            );
        }
    }
    // A measurement without a row had too little to estimate from.
    for m in measurements {
        if !rows
            .iter()
            .any(|row| row.variant == m.variant && row.size == m.size)
        {
            let usable = m.times_ns.iter().filter(|t| t.is_finite() && **t > 0.0).count();
            add(
                "too-few-samples",
                format!(
                    "{} at {}: {} usable sample(s), too few for a time and an interval; it is left \
                 out of the table. Raise the budget.",
                    m.variant,
                    exercise.at_size(m.size),
                    usable
                ),
                1.0 / (usable + 1) as f64,
            );
        }
    }
    for row in rows {
        let at = format!("{} at {}", row.variant, exercise.at_size(row.size));
        // R² says little about fewer than five samples.
        let severe = row.outliers.severe();
        let poor_fit = row.summary.count >= 5 && row.r2.is_some_and(|r2| r2 < 0.9);
        if poor_fit || severe * 10 > row.summary.count {
            let fit = row.r2.map_or(String::new(), |r2| format!("R² = {r2:.2}, "));
            add(
                "noisy",
                format!(
                    "{at}: the samples disagree ({fit}{severe} severe outliers of {}): something else \
                 was running. The interval is wide for a reason; run again for a cleaner figure.",
                    row.summary.count
                ),
                // The fit's shortfall plus the share of severe outliers.
                (1.0 - row.r2.unwrap_or(1.0)) + severe as f64 / row.summary.count.max(1) as f64,
            );
        }
        if row.per_call.point <= 2.0 * environment.empty_kernel_ns.max(0.5) {
            add(
                "optimized-away",
                format!(
                    "{at} takes {} per call, as little as an empty kernel: the compiler probably removed \
                 the work. Make sure the result is used (black_box).",
                    format_ns(row.per_call.point)
                ),
                environment.empty_kernel_ns.max(0.5) / row.per_call.point.max(1e-3),
            );
        }
        if row.first_call_ns > 10.0 * row.per_call.point
            && row.first_call_ns - row.per_call.point > 100_000.0
        {
            add(
                "slow-first-call",
                format!(
                    "{at}: the first call took {}, {:.0}× a warm call: a cold start (memory growth, cold \
                 caches), which warm-up keeps out of the figures.",
                    format_ns(row.first_call_ns),
                    row.first_call_ns / row.per_call.point
                ),
                row.first_call_ns / row.per_call.point,
            );
        }
    }
    found
}

/// Diagnostics of one kind, as the page lists them: the kind, one line
/// that names every row it affects (for several, the first row's sentence
/// as an example), and every full sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct DiagnosticGroup {
    /// The kind, as [`Diagnostic::kind`].
    pub kind: &'static str,
    /// The line shown.
    pub summary: String,
    /// Every sentence of the kind, in order.
    pub messages: Vec<String>,
}

/// Groups `diagnostics` by kind, in the order each kind first appears:
/// thirteen "the samples disagree" sentences read as one line naming
/// thirteen rows, worst first.
pub fn group(mut diagnostics: Vec<Diagnostic>) -> Vec<DiagnosticGroup> {
    let kinds: Vec<&'static str> = diagnostics.iter().fold(Vec::new(), |mut kinds, d| {
        if !kinds.contains(&d.kind) {
            kinds.push(d.kind);
        }
        kinds
    });
    // Kinds in order of first appearance; within a kind, worst first
    // (a stable sort keeps equal ones in measurement order).
    diagnostics.sort_by(|a, b| {
        let kind = |d: &Diagnostic| kinds.iter().position(|k| *k == d.kind);
        kind(a).cmp(&kind(b)).then(b.severity.total_cmp(&a.severity))
    });
    let mut groups: Vec<DiagnosticGroup> = Vec::new();
    for d in diagnostics {
        match groups.iter_mut().find(|g| g.kind == d.kind) {
            Some(group) => group.messages.push(d.message),
            None => groups.push(DiagnosticGroup { kind: d.kind, summary: String::new(), messages: vec![d.message] }),
        }
    }
    for group in &mut groups {
        group.summary = match &group.messages[..] {
            [one] => one.clone(),
            many => {
                // "naive at n = 100: the samples disagree …": the rows are
                // before the first colon, the sentence after it.
                let rows: Vec<&str> = many.iter().map(|m| m.split_once(": ").map_or(m.as_str(), |(at, _)| at)).collect();
                let sentence = many[0].split_once(": ").map_or(many[0].as_str(), |(_, rest)| rest);
                format!("{} rows ({}). The worst: {sentence}", many.len(), rows.join(", "))
            }
        };
    }
    groups
}

#[cfg(test)]
mod tests;
