//! The seed's `get_performance_report`: the plugins' metrics turned into
//! recommendations, each a sentence with its numbers.

use std::collections::BTreeMap;

use super::engine::PluginMetrics;
use super::tuning::Trial;

/// What the report reads besides the metrics.
pub struct Evidence<'a> {
    /// Items in the batch the metrics come from.
    pub items: usize,
    /// Each cache strategy's name, entries and hit rate on the stream.
    pub caches: &'a [(&'static str, usize, f64)],
    /// The auto-optimizer's trials (empty when its choice was reused).
    pub trials: &'a [Trial],
    /// The clock's resolution: a call shorter than a few ticks cannot
    /// show variability, only the clock's steps.
    pub tick_ms: f64,
}

/// Recommendations: the seed's rule (max > 3 × mean, where the slowest
/// call lasted at least ten clock ticks), a plugin that dominates the time, failures, caches that
/// never hit, and the batch size where throughput stopped growing.
pub fn recommendations(metrics: &BTreeMap<&'static str, PluginMetrics>, evidence: &Evidence) -> Vec<String> {
    let mut said = Vec::new();
    let total: f64 = metrics.values().map(|m| m.total_ms).sum();
    for (name, m) in metrics {
        if m.count > 0 && m.max_ms > 3.0 * m.mean_ms() && m.max_ms >= 10.0 * evidence.tick_ms {
            said.push(format!(
                "Operation {name} shows high variability: its slowest call took {:.3} ms, more than 3 × its mean \
                 of {:.3} ms; look for a cold cache, an uneven input or a pause on the thread before optimizing it.",
                m.max_ms,
                m.mean_ms()
            ));
        }
        if total > 0.0 && m.total_ms > 0.5 * total {
            said.push(format!(
                "{name} takes {:.0}% of all plugin time ({:.2} of {:.2} ms): optimize it first; the others together \
                 can save at most {:.0}%.",
                100.0 * m.total_ms / total,
                m.total_ms,
                total,
                100.0 * (total - m.total_ms) / total
            ));
        }
        if m.failures > 0 {
            said.push(format!(
                "{name} failed on {} of {} images ({:.0}%), e.g. \"{}\": the failed items are reported apart and the \
                 others were processed; a check that reads no pixel can run first and spare the work before it.",
                m.failures,
                evidence.items,
                100.0 * m.failures as f64 / evidence.items.max(1) as f64,
                m.errors.first().map_or("", String::as_str)
            ));
        }
    }
    for &(strategy, entries, rate) in evidence.caches {
        if rate == 0.0 {
            said.push(format!(
                "The {strategy} cache never hit with {entries} entries: it costs memory and saves nothing; make it \
                 larger, or drop it if the images do not repeat."
            ));
        }
    }
    if let Some(sentence) = batch_plateau(evidence.trials) {
        said.push(sentence);
    }
    said
}

/// Where throughput stopped growing with the batch size, for the fastest
/// order and worker count: the first size whose successor is less than 5%
/// faster.
fn batch_plateau(trials: &[Trial]) -> Option<String> {
    let best = trials.iter().max_by(|a, b| a.items_per_s.total_cmp(&b.items_per_s))?;
    let mut line: Vec<&Trial> = trials
        .iter()
        .filter(|t| t.config.order == best.config.order && t.config.workers == best.config.workers)
        .collect();
    line.sort_by_key(|t| t.config.batch);
    let pair = line.windows(2).find(|w| w[1].items_per_s < 1.05 * w[0].items_per_s)?;
    Some(format!(
        "Throughput stopped growing at a batch of {}: {:.0} images/s, then {:.0} at {} ({} workers); a larger batch \
         only holds more memory.",
        pair[0].config.batch, pair[0].items_per_s, pair[1].items_per_s, pair[1].config.batch, best.config.workers
    ))
}
