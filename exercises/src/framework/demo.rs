//! `framework`'s demonstration: one run of each design on a stream, shown
//! as the batch books, the failed items, two Gantt charts, the caches
//! compared, the optimizer's search, adaptive batching over time and the
//! performance report.

use kernels::framework::caches::{Cache, Policy, PolicyCache};
use kernels::framework::engine::{Clock, ItemCache, Options, Outcome, Staged, process_batch};
use kernels::framework::report::{Evidence, recommendations};
use kernels::framework::tuning::{Config, Control, Search, Streamed, run_batches, stream};
use kernels::framework::image::Image;
use kernels::framework::plugins::Item;
use kernels::framework::{Job, PIPELINE, QUEUE, naive_outcome};

use super::Params;
use crate::analysis::{format_bytes, format_ns};
use crate::protocol::{Chart, ChartLine, DemoTable, Flame, FlameSpan, FromWorker, RowHook};

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

/// A stream of the job's images through `control`'s batching, with the
/// tuned order and workers and a fresh cache; and its time.
fn streamed(job: &Job, control: Control, clock: Clock) -> (Streamed, f64) {
    let mut cache = job.cache();
    let capacity = match control {
        Control::Fixed(batch) => QUEUE.max(batch),
        Control::Adaptive { .. } => QUEUE,
    };
    let start = clock();
    let out = stream(&job.registry, with_broken(job), &job.tuned, control, capacity, Some(&mut cache), clock);
    (out.expect("registered"), clock() - start)
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
    if let Some(item) = job.items().into_iter().next() {
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

/// The four strategies at `entries` entries (the memory-aware one at as
/// many bytes as that many input images), and the TTL's life.
fn policies(params: &Params, entries: usize, image_bytes: usize) -> [Policy; 4] {
    [
        Policy::Lru { capacity: entries },
        Policy::Lfu { capacity: entries },
        Policy::Ttl { capacity: entries, ttl_ms: params.target_ms as f64 },
        Policy::Memory { budget: entries * image_bytes },
    ]
}

/// The bytes of one of the job's images as it enters the pipeline: the
/// memory-aware cache's unit.
fn image_bytes(job: &Job) -> usize {
    job.items().first().map_or(1, |item| item.bytes())
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

/// One cached batch of the job's stream with `policy`: its hit rate and
/// stats, and its time.
fn cached_run(job: &Job, policy: Policy, clock: Clock) -> (kernels::framework::caches::CacheStats, f64) {
    let pipeline = job.registry.pipeline(&PIPELINE).expect("registered");
    let mut cache: PolicyCache<Staged> = PolicyCache::new(policy);
    let start = clock();
    let options = Options { limit: job.workers, cache: Some(&mut cache as &mut ItemCache), clock };
    process_batch(job.items(), &pipeline, options);
    (cache.stats(), clock() - start)
}

/// The four caches on the same stream, at `cache_size` entries.
fn compare_caches(params: &Params, job: &Job, clock: Clock) -> (DemoTable, Vec<(&'static str, usize, f64)>) {
    let entries = params.cache_size as usize;
    let pipeline = job.registry.pipeline(&PIPELINE).expect("registered");
    let start = clock();
    process_batch(job.items(), &pipeline, Options { limit: job.workers, cache: None, clock });
    let uncached_ms = clock() - start;
    let mut rates = Vec::new();
    let mut compared = table(
        "caches",
        "Caching strategies on the same stream",
        format!(
            "{} images (Zipf s = {:.2}) through concurrent with each cache at {entries} entries; the memory-aware \
             cache holds as many bytes as {entries} input images ({}). An entry is an image at the deepest stage it \
             reached, so a repeat resumes there (a finished one is only its regions); TTL entries expire {} ms after \
             they are stored. The hit rate is the share of images that resumed from the cache. Time saved is against \
             one uncached run of {} — single runs, so read it as a rough figure.",
            job.keys.len(),
            params.zipf(),
            format_bytes((entries * image_bytes(job)) as u64),
            params.target_ms,
            ms(uncached_ms)
        ),
        &["strategy", "hit rate", "hits", "misses", "evictions", "expired", "peak held", "time", "time saved"],
        Vec::new(),
    );
    for (row, policy) in policies(params, entries, image_bytes(job)).into_iter().enumerate() {
        let (stats, time_ms) = cached_run(job, policy, clock);
        let rate = stats.hit_rate();
        rates.push((policy.name(), entries, rate));
        compared.rows.push(vec![
            policy.name().into(),
            format!("{:.1}%", 100.0 * rate),
            stats.hits.to_string(),
            stats.misses.to_string(),
            stats.evictions.to_string(),
            stats.expired.to_string(),
            format_bytes(stats.peak_bytes as u64),
            ms(time_ms),
            ms(uncached_ms - time_ms),
        ]);
        let data = [("strategy", policy.name().to_string()), ("rate", rate.to_string())];
        compared.hooks.push((row, hook("cache-hit-rate", &data)));
    }
    (compared, rates)
}

/// Hit rate against the cache's size, per strategy.
fn hit_rate_chart(params: &Params, job: &Job, clock: Clock) -> Chart {
    let most = (2 * job.keys.len()).max(2);
    let sizes: Vec<usize> = std::iter::successors(Some(1usize), |s| Some(s * 2)).take_while(|&s| s <= most).collect();
    let mean = image_bytes(job);
    let names = ["lru", "lfu", "ttl", "memory"];
    let mut lines: Vec<ChartLine> = names.iter().map(|n| ChartLine { name: n.to_string(), points: Vec::new() }).collect();
    for &entries in &sizes {
        for (line, policy) in lines.iter_mut().zip(policies(params, entries, mean)) {
            let (stats, _) = cached_run(job, policy, clock);
            line.points.push((entries as f64, stats.hit_rate()));
        }
    }
    Chart {
        id: "hit-rate".into(),
        title: "Hit rate vs cache size, per strategy".into(),
        caption: format!(
            "The same {} images at each size; the memory-aware cache gets as many bytes as that many input \
             images and evicts the largest entry first: the images still in the pipeline go before the finished \
             results, which are only their regions, so it keeps more finished results in the same bytes.",
            job.keys.len()
        ),
        x_label: "cache size (entries; memory: images' bytes)".into(),
        y_label: "hit rate".into(),
        log_x: true,
        lines,
    }
}

/// The optimizer's trials, fastest first, or its reused choice.
fn optimizer(search: &Search, kept: bool) -> DemoTable {
    let chosen = &search.best;
    let default = search.throughput(&search.default);
    let best = search.throughput(chosen);
    let gain = match (best, default) {
        (Some(best), Some(default)) => format!("; {:.2}× the default's throughput ({:.0} images/s)", best / default, default),
        _ => String::new(),
    };
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
            search.trials.iter().map(|t| &t.config.order).collect::<std::collections::BTreeSet<_>>().len(),
            search.refused.len() + search.trials.iter().map(|t| &t.config.order).collect::<std::collections::BTreeSet<_>>().len(),
            super::run::SAMPLE,
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
fn batching(params: &Params, adaptive: &Streamed, fixed: &Streamed, workers: usize) -> Vec<FromWorker> {
    let budget = params.budget_bytes();
    let line = |name: &str, run: &Streamed, y: fn(&kernels::framework::tuning::Step) -> f64| ChartLine {
        name: name.into(),
        points: run.steps.iter().map(|s| (s.at_ms, y(s))).collect(),
    };
    let fixed_name = format!("fixed {}", params.batch);
    let chart = |id: &str, title: &str, y_label: &str, y: fn(&kernels::framework::tuning::Step) -> f64| Chart {
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
