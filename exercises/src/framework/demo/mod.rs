//! `framework`'s demonstration: one run of each design on a stream, shown
//! as the batch books, the failed items, the plugins beside their naive
//! twins, three Gantt charts, the caches compared, the optimizer's search,
//! adaptive batching over time and the performance report.

use kernels::framework::engine::{Clock, Options, Outcome, process_batch};
use kernels::framework::image::Image;
use kernels::framework::plugins::Item;
use kernels::framework::report::{Evidence, recommendations};
use kernels::framework::tuning::{Config, Control, Search, run_batches};
use kernels::framework::{Job, PIPELINE, naive_outcome};

use super::Params;
use crate::analysis::format_ns;
use crate::protocol::{DemoTable, Flame, FlameSpan, FromWorker, RowHook};

mod batching;
mod caches;

use batching::{batching, optimizer, streamed};
use caches::{compare_caches, hit_rate_chart};

/// The demonstration's stream is the largest listed, at most this long.
const DEMO_MAX: u64 = 64;

fn table(id: &str, title: &str, caption: String, columns: &[&str], rows: Vec<Vec<String>>) -> DemoTable {
    DemoTable {
        id: id.into(),
        title: title.into(),
        caption,
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
        highlighted: 0,
        hooks: Vec::new(),
    }
}

fn hook(testid: &str, data: &[(&str, String)]) -> RowHook {
    RowHook { testid: testid.into(), data: data.iter().map(|(k, v)| (k.to_string(), v.clone())).collect() }
}

fn ms(value: f64) -> String {
    format_ns(value * 1e6)
}

/// The order, shortened for a table cell.
fn order(config: &Config) -> String {
    config.order.join(" → ")
}

/// Every message of the demonstration, computed now, and the optimizer's
/// search; `kept` says the optimizer's choice was kept by an earlier run.
pub(super) fn demonstrate(params: &Params, clock: Clock, kept: bool) -> (Vec<FromWorker>, Search) {
    let n = params.images.iter().copied().max().unwrap_or(1).min(DEMO_MAX);
    // The search first, so the page shows it, or shows that it was reused.
    let search = params.search(&params.registry(clock), clock);
    let job = params.job(n, clock);
    let workers = params.workers as usize;
    let mut messages = Vec::new();

    // One pass first, so the metrics are of warm calls: a first call
    // also pays for compiling its code and growing memory, and the seed's
    // variability rule would flag every plugin for it.
    naive_outcome(&job.registry, job.items(), &PIPELINE).expect("registered");
    job.registry.reset_metrics();
    let timed = |run: &dyn Fn() -> Outcome| {
        let start = clock();
        let outcome = run();
        (outcome, clock() - start)
    };
    let naive = timed(&|| naive_outcome(&job.registry, with_broken(&job), &PIPELINE).expect("registered"));
    let metrics = job.registry.metrics.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let pipeline = job.registry.pipeline(&PIPELINE).expect("registered");
    let concurrent = timed(&|| process_batch(with_broken(&job), &pipeline, Options { limit: workers, cache: None, clock }));
    let cached = timed(&|| {
        let mut cache = job.cache();
        process_batch(with_broken(&job), &pipeline, Options { limit: workers, cache: Some(&mut cache), clock })
    });
    let tuned = timed(&|| {
        let mut cache = job.cache();
        run_batches(&job.registry, with_broken(&job), &job.tuned, Some(&mut cache), clock).expect("registered")
    });
    let adaptive = streamed(&job, job.control, clock);
    let fixed = streamed(&job, Control::Fixed(params.batch as usize), clock);

    let runs: [(&str, &Outcome, f64); 5] = [
        ("naive", &naive.0, naive.1),
        ("concurrent", &concurrent.0, concurrent.1),
        ("cached", &cached.0, cached.1),
        ("tuned", &tuned.0, tuned.1),
        ("adaptive", &adaptive.0.outcome, adaptive.1),
    ];
    messages.push(FromWorker::Table(books(&runs, n)));
    messages.push(FromWorker::Table(failures(&naive.0)));
    messages.push(FromWorker::Table(plugins(&metrics, &job)));
    messages.push(FromWorker::Table(twins(&job, clock)));
    for (name, outcome, _) in &runs[1..4] {
        messages.push(FromWorker::Flame(gantt(name, outcome)));
    }
    let (caches, hit_rates) = compare_caches(params, &job, clock);
    messages.push(FromWorker::Table(caches));
    messages.push(FromWorker::Chart(hit_rate_chart(params, &job, clock)));
    messages.push(FromWorker::Table(optimizer(&search, kept)));
    messages.extend(batching(params, &adaptive.0, &fixed.0, workers));
    let evidence = Evidence { items: n as usize, caches: &hit_rates, trials: &search.trials, tick_ms: tick_ms(clock) };
    let said = recommendations(&metrics, &evidence);
    let mut report = table(
        "report",
        "The performance report",
        format!("The seed's get_performance_report over the naive run's metrics ({n} images, after one warm-up pass), with its recommendations."),
        &["recommendation"],
        said.iter().map(|s| vec![s.clone()]).collect(),
    );
    report.hooks = (0..said.len()).map(|i| (i, hook("recommendation", &[]))).collect();
    messages.push(FromWorker::Table(report));
    (messages, search)
}

/// Says in the optimizer's table that its choice could not be kept for
/// later runs, and why.
pub(super) fn not_kept(messages: &mut [FromWorker], why: &str) {
    for message in messages {
        if let FromWorker::Table(table) = message
            && table.id == "optimizer"
        {
            table.caption.push_str(&format!(" It could not be kept for later runs: {why}."));
        }
    }
}

/// The job's stream with two broken images at its end, as a real stream
/// has: an empty one and one cut short (its last row missing). Validation
/// refuses both; the batch goes on.
fn with_broken(job: &Job) -> Vec<Item> {
    let mut items = job.items();
    let Some(first) = items.first().map(|item| item.image.clone()) else { return items };
    let empty = Image { width: 0, height: 0, pixels: Vec::new() };
    let mut short = first;
    short.pixels.truncate(short.pixels.len().saturating_sub(short.width.max(1)));
    items.push(Item::new(u64::MAX, empty));
    items.push(Item::new(u64::MAX - 1, short));
    items
}

/// Each design's books: every item is a result or a failure.
fn books(runs: &[(&str, &Outcome, f64)], n: u64) -> DemoTable {
    let mut books = table(
        "batches",
        "One batch of each design",
        format!(
            "{n} images and two broken ones (empty, cut short) through every design once (not the timed runs): \
             every image ends as a result or a failure, and the two add up. In flight: the most images processed \
             at once."
        ),
        &["design", "images", "results", "failed", "most in flight", "cache hits / lookups", "time"],
        Vec::new(),
    );
    for (index, (name, outcome, time_ms)) in runs.iter().enumerate() {
        let (ok, failed) = (outcome.results.len(), outcome.failed.len());
        books.rows.push(vec![
            name.to_string(),
            (ok + failed).to_string(),
            ok.to_string(),
            failed.to_string(),
            outcome.max_in_flight.to_string(),
            format!("{} / {}", outcome.cache_hits, outcome.cache_lookups),
            ms(*time_ms),
        ]);
        let data = [
            ("variant", name.to_string()),
            ("total", (ok + failed).to_string()),
            ("ok", ok.to_string()),
            ("failed", failed.to_string()),
            ("in-flight", outcome.max_in_flight.to_string()),
        ];
        books.hooks.push((index, hook("batch-books", &data)));
    }
    books
}

/// The failed items of a batch, with their errors.
fn failures(outcome: &Outcome) -> DemoTable {
    let mut failed = table(
        "failures",
        "Failed items, kept apart",
        format!(
            "{} of {} images failed; each failure keeps its index, its image and its error, and never stops the batch.",
            outcome.failed.len(),
            outcome.failed.len() + outcome.results.len()
        ),
        &["index", "image", "error"],
        Vec::new(),
    );
    for (row, f) in outcome.failed.iter().enumerate() {
        failed.rows.push(vec![f.index.to_string(), f.key.to_string(), f.error.clone()]);
        failed.hooks.push((row, hook("failed-item", &[("index", f.index.to_string()), ("error", f.error.clone())])));
    }
    failed
}

/// The timing wrapper's metrics per plugin.
fn plugins(metrics: &std::collections::BTreeMap<&'static str, kernels::framework::engine::PluginMetrics>, job: &Job) -> DemoTable {
    let rows = PIPELINE
        .iter()
        .map(|name| {
            let m = metrics.get(name).cloned().unwrap_or_default();
            let kind = job.registry.get(name).map(|p| format!("{:?}", p.kind()).to_lowercase()).unwrap_or_default();
            vec![
                name.to_string(),
                kind,
                m.count.to_string(),
                ms(m.total_ms),
                ms(m.mean_ms()),
                ms(m.min_ms),
                ms(m.max_ms),
                m.failures.to_string(),
            ]
        })
        .collect();
    table(
        "plugins",
        "Metrics of the timing wrapper, per plugin",
        "Collected by the wrapper the registry puts around every plugin during the naive run, after one warm-up \
         pass: the plugins themselves hold no timing code. A failed call counts as a failure, not a call."
            .into(),
        &["plugin", "kind", "calls", "total", "mean", "min", "max", "failures"],
        rows,
    )
}

/// Each plugin's kernel against its naive twin on the stream's first
/// image: the same output (the property tests hold them equal), and the
/// time of each, the best of three calls.
fn twins(job: &Job, clock: Clock) -> DemoTable {
    use kernels::framework::plugins as p;
    let best = |run: &dyn Fn() -> u64| {
        (0..3)
            .map(|_| {
                let start = clock();
                std::hint::black_box(run());
                clock() - start
            })
            .fold(f64::INFINITY, f64::min)
    };
    let mut rows = Vec::new();
    if let Some(item) = job.first_item() {
        let image = p::blur(&item.image, kernels::framework::BLUR_RADIUS);
        let t = p::otsu(&image.pixels);
        let mask: Vec<u8> = image.pixels.iter().map(|&v| u8::from(v > t)).collect();
        let (w, h) = (image.width, image.height);
        let r = kernels::framework::BLUR_RADIUS;
        let pairs: [(&str, &str, &str, f64, f64, bool); 3] = [
            (
                "blur",
                "every pixel averages its (2r + 1)² window",
                "separable running sums: O(n) whatever r is",
                best(&|| u64::from(p::blur_naive(&item.image, r).pixels[0])),
                best(&|| u64::from(p::blur(&item.image, r).pixels[0])),
                p::blur_naive(&item.image, r) == image,
            ),
            (
                "threshold",
                "256 thresholds, each a scan of every pixel",
                "one histogram, then running sums over 256 bins",
                best(&|| u64::from(p::otsu_naive(&image.pixels))),
                best(&|| u64::from(p::otsu(&image.pixels))),
                p::otsu_naive(&image.pixels) == t,
            ),
            (
                "segment",
                "flood fill, breadth first, from each unlabelled pixel",
                "two passes with a union-find forest",
                best(&|| u64::from(p::label_naive(&mask, w, h)[0])),
                best(&|| u64::from(p::label(&mask, w, h)[0])),
                p::label_naive(&mask, w, h) == p::label(&mask, w, h),
            ),
        ];
        for (plugin, naive, fast, naive_ms, fast_ms, same) in pairs {
            rows.push(vec![
                plugin.to_string(),
                naive.to_string(),
                ms(naive_ms),
                fast.to_string(),
                ms(fast_ms),
                format!("{:.1}×", naive_ms / fast_ms.max(1e-6)),
                if same { "yes" } else { "no" }.to_string(),
            ]);
        }
    }
    table(
        "twins",
        "Each plugin's kernel against its naive twin",
        "On the stream's first image, the best of three calls each (a single image, so read it as a rough \
         figure). Every design above runs the fast kernels: their speedups are the framework's alone."
            .into(),
        &["plugin", "naive", "time", "kernel", "time", "speedup", "same output"],
        rows,
    )
}

/// The clock's resolution: the smallest step between two readings.
fn tick_ms(clock: Clock) -> f64 {
    let mut smallest = f64::INFINITY;
    for _ in 0..5 {
        let start = clock();
        let mut now = clock();
        while now == start {
            now = clock();
        }
        smallest = smallest.min(now - start);
    }
    smallest
}

/// A batch's plugin calls by lane: row 0 the event loop, row k + 1 the
/// pool's thread k.
fn gantt(name: &str, outcome: &Outcome) -> Flame {
    let origin = outcome.tasks.iter().map(|t| t.start_ms).fold(f64::INFINITY, f64::min);
    let lanes = outcome.tasks.iter().filter_map(|t| t.lane).max().map_or(0, |l| l + 1);
    let end = outcome.tasks.iter().map(|t| t.end_ms).fold(origin, f64::max);
    Flame {
        id: format!("gantt-{name}"),
        title: format!(
            "{name}: {} plugin calls in {} (row 1: event loop; rows below: {lanes} pool thread{})",
            outcome.tasks.len(),
            ms(end - origin),
            if lanes == 1 { "" } else { "s" }
        ),
        spans: outcome
            .tasks
            .iter()
            .map(|t| FlameSpan {
                name: format!("{} #{}", t.plugin, t.index),
                depth: t.lane.map_or(0, |l| l + 1),
                start_ms: t.start_ms - origin,
                end_ms: t.end_ms - origin,
            })
            .collect(),
    }
}

