//! Two runs of one exercise side by side: per variant and size, the ratio
//! of their times with a bootstrap interval from both runs' samples, a
//! verdict, and the provenance fields in which the runs differ.

use serde::{Deserialize, Serialize};

use super::SavedRun;
use crate::analysis::speedup;
use crate::stats::Estimate;

/// Run-to-run noise the verdict forgives: a change smaller than 5% either
/// way is not called a change, however tight its interval. Page loads differ
/// by a few percent (tier-up, frequency, other tabs) even on one machine.
pub const NOISE: f64 = 0.05;

/// What the interval of the ratio says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// The whole interval lies below 1 − [`NOISE`].
    Faster,
    /// The whole interval lies above 1 + [`NOISE`].
    Slower,
    /// The interval reaches into 1 ± [`NOISE`]: no significant change.
    Same,
}

impl Change {
    /// Of a ratio new/old of times with its interval.
    pub fn of(ratio: Estimate) -> Change {
        if ratio.low > 1.0 + NOISE {
            Change::Slower
        } else if ratio.high < 1.0 - NOISE {
            Change::Faster
        } else {
            Change::Same
        }
    }

    /// `faster`, `slower` or `same`: the `data-verdict` hook.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Faster => "faster",
            Change::Slower => "slower",
            Change::Same => "same",
        }
    }
}

/// One variant at one size in both runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompareRow {
    /// The variant.
    pub variant: String,
    /// The size.
    pub size: u64,
    /// The new run's time per call over the old run's, with its interval:
    /// above 1 is slower.
    pub ratio: Estimate,
    /// What the interval says.
    pub change: Change,
}

/// A provenance field in which the runs differ.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// What differs ("build", "parameters", …).
    pub field: String,
    /// The old run's value.
    pub old: String,
    /// The new run's value.
    pub new: String,
}

/// Two runs compared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Every variant and size measured in both, in the new run's order.
    pub rows: Vec<CompareRow>,
    /// What the runs differ in besides their times.
    pub differences: Vec<Difference>,
    /// Variants and sizes measured in one run only.
    pub unmatched: usize,
}

/// `new` against `old`, with `resamples` bootstrap resamples per row.
pub fn compare(old: &SavedRun, new: &SavedRun, resamples: usize) -> Comparison {
    let mut unmatched = 0;
    let mut rows = Vec::new();
    for m in &new.measurements {
        let Some(before) = old
            .measurements
            .iter()
            .find(|b| b.variant == m.variant && b.size == m.size)
        else {
            unmatched += 1;
            continue;
        };
        // speedup(a, b) is a's time over b's: the new time over the old.
        if let Some(ratio) = speedup(m, before, resamples) {
            rows.push(CompareRow {
                variant: m.variant.clone(),
                size: m.size,
                ratio,
                change: Change::of(ratio),
            });
        }
    }
    unmatched += old
        .measurements
        .iter()
        .filter(|b| {
            !new.measurements
                .iter()
                .any(|m| m.variant == b.variant && m.size == b.size)
        })
        .count();
    Comparison {
        rows,
        differences: differences(old, new),
        unmatched,
    }
}

/// Whether `old` can be compared with `new`: the same exercise and the
/// same section of it (sections share variant names, as `patterns`'
/// `naive` does, but not their work), and at least one variant measured
/// at a size both runs have.
pub fn comparable(old: &SavedRun, new: &SavedRun) -> bool {
    old.exercise == new.exercise
        && old.measured().map(|e| e.id) == new.measured().map(|e| e.id)
        && new.measurements.iter().any(|m| {
            old.measurements
                .iter()
                .any(|b| b.variant == m.variant && b.size == m.size)
        })
}

/// The provenance fields in which the runs differ: a comparison across
/// builds, thread counts or machines is allowed, and says so.
pub fn differences(old: &SavedRun, new: &SavedRun) -> Vec<Difference> {
    let worker = |run: &SavedRun| run.environment.worker.clone().unwrap_or_default();
    let (a, b) = (worker(old), worker(new));
    let (x, y) = (&old.environment.browser, &new.environment.browser);
    let fields: [(&'static str, String, String); 8] = [
        ("parameters", old.query.clone(), new.query.clone()),
        ("build", a.build.clone(), b.build.clone()),
        ("version", a.version.clone(), b.version.clone()),
        (
            "pool threads",
            a.pool_threads.to_string(),
            b.pool_threads.to_string(),
        ),
        ("browser", x.browser.clone(), y.browser.clone()),
        ("cores", x.cores.to_string(), y.cores.to_string()),
        ("isolated", x.isolated.to_string(), y.isolated.to_string()),
        ("WebGPU", x.webgpu.0.clone(), y.webgpu.0.clone()),
    ];
    fields
        .into_iter()
        .filter(|(_, old, new)| old != new)
        .map(|(field, old, new)| Difference { field: field.into(), old, new })
        .collect()
}
