//! The demonstration's tuning: the auto-optimizer's search, and adaptive
//! batching beside a fixed batch.

use kernels::framework::engine::Clock;
use kernels::framework::tuning::{Control, Search, Step, Streamed, stream};
use kernels::framework::{Job, QUEUE};

use super::{Params, hook, ms, order, table, with_broken};
use crate::analysis::format_bytes;
use crate::protocol::{Chart, ChartLine, DemoTable, FromWorker};

/// A stream of the job's images through `control`'s batching, with the
/// tuned order and workers and a fresh cache; and its time.
pub(super) fn streamed(job: &Job, control: Control, clock: Clock) -> (Streamed, f64) {
    let mut cache = job.cache();
    let capacity = match control {
        Control::Fixed(batch) => QUEUE.max(batch),
        Control::Adaptive { .. } => QUEUE,
    };
    let start = clock();
    let out = stream(&job.registry, with_broken(job), &job.tuned, control, capacity, Some(&mut cache), clock);
    (out.expect("registered"), clock() - start)
}

/// The optimizer's trials, fastest first, or its reused choice.
pub(super) fn optimizer(search: &Search, kept: bool) -> DemoTable {
    let chosen = &search.best;
    let default = search.throughput(&search.default);
    let best = search.throughput(chosen);
    let gain = match (best, default) {
        (Some(best), Some(default)) => format!("; {:.2}× the default's throughput ({:.0} images/s)", best / default, default),
        _ => String::new(),
    };
    let kept_orders = search.trials.iter().map(|t| &t.config.order).collect::<std::collections::BTreeSet<_>>().len();
    let caption = if search.reused {
        let whence = match kept {
            true => "kept by an earlier run in this browser (the site's cache storage) for the same question",
            false => "cached by an earlier search for the same question in this worker",
        };
        format!(
            "Reused: the choice was {whence}, so nothing was timed. Chosen: {} with batches of {} and {} workers.",
            order(chosen),
            chosen.batch,
            chosen.workers
        )
    } else {
        format!(
            "{} orders kept of {} (the others refuse an input or change the regions on the sample); each kept \
             order × batch size × workers timed on {} sample images, the best of {} runs. Chosen: {} with \
             batches of {} and {} workers{gain}. The choice is cached: every size of tuned and adaptive reuses it, \
             and it is kept in the browser for the next run with the same question.",
            kept_orders,
            kept_orders + search.refused.len(),
            crate::framework::run::SAMPLE,
            kernels::framework::tuning::RUNS,
            order(chosen),
            chosen.batch,
            chosen.workers
        )
    };
    let mut trials = search.trials.clone();
    trials.sort_by(|a, b| b.items_per_s.total_cmp(&a.items_per_s));
    let mut shown = table(
        "optimizer",
        "The auto-optimizer's search",
        caption,
        &["order", "batch", "workers", "images/s"],
        trials
            .iter()
            .map(|t| vec![order(&t.config), t.config.batch.to_string(), t.config.workers.to_string(), format!("{:.0}", t.items_per_s)])
            .collect(),
    );
    shown.highlighted = usize::from(!trials.is_empty());
    shown
}

/// Adaptive batching beside a fixed batch: the table and the charts over
/// time.
pub(super) fn batching(params: &Params, adaptive: &Streamed, fixed: &Streamed, workers: usize) -> Vec<FromWorker> {
    let budget = params.budget_bytes();
    let line = |name: &str, run: &Streamed, y: fn(&Step) -> f64| ChartLine {
        name: name.into(),
        points: run.steps.iter().map(|s| (s.at_ms, y(s))).collect(),
    };
    let fixed_name = format!("fixed {}", params.batch);
    let chart = |id: &str, title: &str, y_label: &str, y: fn(&Step) -> f64| Chart {
        id: id.into(),
        title: title.into(),
        caption: String::new(),
        x_label: "time (ms)".into(),
        y_label: y_label.into(),
        log_x: false,
        lines: vec![line("adaptive", adaptive, y), line(&fixed_name, fixed, y)],
    };
    let summary = |name: &str, run: &Streamed| {
        let over = run.steps.iter().filter(|s| s.bytes > budget).count();
        let peak = run.steps.iter().map(|s| s.bytes).max().unwrap_or(0);
        let busy = run.steps.iter().map(|s| s.busy * s.batch as f64).sum::<f64>()
            / run.steps.iter().map(|s| s.batch as f64).sum::<f64>().max(1.0);
        let end = run.steps.last().map_or(0.0, |s| s.at_ms);
        vec![
            name.to_string(),
            run.steps.len().to_string(),
            run.steps.iter().map(|s| s.batch.to_string()).collect::<Vec<_>>().join(" "),
            format!("{} of {}", format_bytes(peak as u64), format_bytes(budget as u64)),
            over.to_string(),
            format!("{:.0}%", 100.0 * busy),
            run.producer_waits.to_string(),
            ms(end),
        ]
    };
    let mut books = table(
        "batching",
        "Adaptive batching with backpressure, beside a fixed batch",
        format!(
            "A producer faster than the consumer fills a queue of at most {} images (the fixed run's: its batch, if \
             larger) and waits when it is full. \
             Adaptive starts at one image and doubles the batch while a batch takes less than {} ms and the next \
             size fits in the {} budget, then grows by one; it halves on a breach. The fixed batch of {} {}. \
             Pool busy: the pool threads' busy time over {workers} × the batch's time.",
            QUEUE,
            params.target_ms,
            format_bytes(budget as u64),
            params.batch,
            if fixed.steps.iter().any(|s| s.bytes > budget) {
                "overflows the memory budget"
            } else if (params.batch as usize) < workers {
                "leaves workers idle"
            } else {
                "fits the budget here"
            }
        ),
        &["run", "batches", "batch sizes", "peak in flight", "batches over budget", "pool busy", "producer waits", "time"],
        vec![summary("adaptive", adaptive), summary(&fixed_name, fixed)],
    );
    books.hooks = vec![(0, hook("batching", &[("run", "adaptive".into())])), (1, hook("batching", &[("run", "fixed".into())]))];
    vec![
        FromWorker::Table(books),
        FromWorker::Chart(chart("batch-size", "Batch size over time", "images per batch", |s| s.batch as f64)),
        FromWorker::Chart(chart("throughput", "Throughput over time", "images/s", |s| s.items_per_s)),
        FromWorker::Chart(chart("queue", "Queue length over time", "images waiting", |s| s.queue as f64)),
    ]
}
