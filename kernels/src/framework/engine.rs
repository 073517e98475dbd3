//! The framework itself: a registry of plugins, each wrapped by a timing
//! wrapper that keeps its metrics, and `process_batch`, which runs items
//! through a pipeline with bounded concurrency — CPU-heavy plugins on the
//! thread pool, light ones on the event loop — and keeps failures apart.

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use super::caches::Cache;
use super::plugins::{Item, Kind, Plugin, Processing};

/// A clock in milliseconds, callable from any thread (the worker passes
/// `performance.timeOrigin + performance.now()`).
pub type Clock = fn() -> f64;

/// Drives a future to its end on this thread. The plugins here compute and
/// never wait on anything, so this polls once; a future that did wait would
/// be polled until ready.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

/// One plugin's metrics: the seed's `AnalysisMetrics` for one operation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PluginMetrics {
    /// Calls that returned.
    pub count: u64,
    /// Their total time.
    pub total_ms: f64,
    /// The fastest.
    pub min_ms: f64,
    /// The slowest.
    pub max_ms: f64,
    /// Calls that failed.
    pub failures: u64,
    /// The first [`KEPT_ERRORS`] failures' errors, in order.
    pub errors: Vec<String>,
}

/// How many errors a plugin's metrics keep: the count goes on, the list
/// does not grow with every run.
pub const KEPT_ERRORS: usize = 20;

impl PluginMetrics {
    /// The mean time of a successful call.
    pub fn mean_ms(&self) -> f64 {
        if self.count == 0 { 0.0 } else { self.total_ms / self.count as f64 }
    }
}

/// Every plugin's metrics by name, shared by the wrappers.
pub type Metrics = Arc<Mutex<BTreeMap<&'static str, PluginMetrics>>>;

/// The seed's `timing_decorator` as a type: a plugin around a plugin that
/// times every `process` and records it, success or failure, in `metrics`.
/// The registry wraps every plugin it is given, so no plugin times itself.
pub struct Timed {
    inner: Box<dyn Plugin>,
    metrics: Metrics,
    clock: Clock,
}

impl Plugin for Timed {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn kind(&self) -> Kind {
        self.inner.kind()
    }
    fn validate(&self, item: &Item) -> Result<(), String> {
        self.inner.validate(item)
    }
    fn process(&self, item: Item) -> Processing<'_> {
        Box::pin(async move {
            let start = (self.clock)();
            let result = self.inner.process(item).await;
            let ms = (self.clock)() - start;
            let mut metrics = self.metrics.lock().unwrap_or_else(|e| e.into_inner());
            let m = metrics.entry(self.inner.name()).or_default();
            match &result {
                Ok(_) => {
                    m.min_ms = if m.count == 0 { ms } else { m.min_ms.min(ms) };
                    m.max_ms = m.max_ms.max(ms);
                    m.count += 1;
                    m.total_ms += ms;
                }
                Err(error) => {
                    m.failures += 1;
                    if m.errors.len() < KEPT_ERRORS {
                        m.errors.push(error.clone());
                    }
                }
            }
            result
        })
    }
}

/// The plugins by name, each wrapped in [`Timed`].
pub struct Registry {
    plugins: Vec<Timed>,
    /// What the wrappers recorded.
    pub metrics: Metrics,
    clock: Clock,
}

impl Registry {
    /// An empty registry whose wrappers read `clock`.
    pub fn new(clock: Clock) -> Registry {
        Registry { plugins: Vec::new(), metrics: Metrics::default(), clock }
    }

    /// Adds `plugin`, wrapped; a second plugin of the same name is refused.
    pub fn register(&mut self, plugin: Box<dyn Plugin>) -> Result<(), String> {
        if self.plugins.iter().any(|p| p.name() == plugin.name()) {
            return Err(format!("a plugin named {} is registered already", plugin.name()));
        }
        self.plugins.push(Timed { inner: plugin, metrics: self.metrics.clone(), clock: self.clock });
        Ok(())
    }

    /// The plugin called `name`.
    pub fn get(&self, name: &str) -> Result<&dyn Plugin, String> {
        match self.plugins.iter().find(|p| p.name() == name) {
            Some(plugin) => Ok(plugin),
            None => {
                let known: Vec<&str> = self.plugins.iter().map(|p| p.name()).collect();
                Err(format!("unknown plugin: {name} (registered: {})", known.join(", ")))
            }
        }
    }

    /// The plugins of a pipeline, in its order; an unknown name is refused.
    pub fn pipeline(&self, names: &[&str]) -> Result<Vec<&dyn Plugin>, String> {
        names.iter().map(|name| self.get(name)).collect()
    }

    /// Forgets what the wrappers recorded.
    pub fn reset_metrics(&self) {
        self.metrics.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// An image after the first `.0` plugins of a pipeline.
pub type Staged = (usize, Item);

/// A result cache: one entry per image and pipeline, holding the image
/// after the deepest stage reached so far.
pub type ItemCache = dyn Cache<Staged>;

/// How `process_batch` runs.
pub struct Options<'c> {
    /// Items in flight at once (the semaphore's permits), and pool threads
    /// that CPU-heavy plugins may use.
    pub limit: usize,
    /// A result cache keyed by image and pipeline prefix, if any.
    pub cache: Option<&'c mut ItemCache>,
    /// The clock of the task record.
    pub clock: Clock,
}

/// An item that failed: its index in the batch, its image key and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// Its index in the batch.
    pub index: usize,
    /// Its image key.
    pub key: u64,
    /// The plugin that failed and its error.
    pub error: String,
}

impl Failure {
    /// Item `index` (image `key`) failed in `plugin` with `error`.
    pub fn new(index: usize, key: u64, plugin: &str, error: &str) -> Failure {
        Failure { index, key, error: format!("{plugin}: {error}") }
    }
}

/// Whether `plugin` takes `item`; a refusal is worded as the failure it
/// becomes.
pub fn check_input(plugin: &dyn Plugin, item: &Item) -> Result<(), String> {
    plugin.validate(item).map_err(|error| format!("invalid input: {error}"))
}

/// One plugin call of a batch, for the Gantt chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// The item's index in the batch.
    pub index: usize,
    /// The plugin.
    pub plugin: &'static str,
    /// `None` on the event loop, else the pool thread's index.
    pub lane: Option<usize>,
    /// Start, from the clock.
    pub start_ms: f64,
    /// End, from the clock.
    pub end_ms: f64,
}

/// What a batch returns: every item exactly once, as a result or a failure.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The processed items with their indices, in index order.
    pub results: Vec<(usize, Item)>,
    /// The failed items, in index order.
    pub failed: Vec<Failure>,
    /// Every plugin call made, in the order they ended.
    pub tasks: Vec<Task>,
    /// The most items that were in flight at once.
    pub max_in_flight: usize,
    /// Items that resumed from the cache.
    pub cache_hits: u64,
    /// Items looked up in the cache (one lookup each).
    pub cache_lookups: u64,
}

/// The cache key of image `key` in `pipeline`: the same image through the
/// same plugins is the same result.
pub fn cache_key(key: u64, pipeline: &[&dyn Plugin]) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    key.hash(&mut hasher);
    for plugin in pipeline {
        plugin.name().hash(&mut hasher);
    }
    hasher.finish()
}

/// An item in flight: its index, the plugins done, and the item.
struct Flight {
    index: usize,
    stage: usize,
    item: Item,
}

impl Flight {
    /// The item, moved out for a plugin to consume; its key stays behind
    /// for the failure record.
    fn take(&mut self) -> Item {
        let key = self.item.key;
        let empty = super::image::Image { width: 0, height: 0, pixels: Vec::new() };
        std::mem::replace(&mut self.item, Item::new(key, empty))
    }
}

/// The seed's `process_batch`: every item through `pipeline`, at most
/// `options.limit` in flight. On the event loop each item in flight runs
/// its light plugins until it reaches a CPU-heavy one; then the CPU-heavy
/// steps of all items in flight run together on the pool (at most `limit`
/// threads), and the loop goes on. An error — a refused input or a failed
/// plugin — ends that item as a failure and never the batch.
pub fn process_batch(items: Vec<Item>, pipeline: &[&dyn Plugin], mut options: Options) -> Outcome {
    let limit = options.limit.max(1);
    let clock = options.clock;
    let mut outcome = Outcome::default();
    let mut waiting: VecDeque<(usize, Item)> = items.into_iter().enumerate().collect();
    // Items back from the pool, ready for the event loop.
    let mut ready: VecDeque<Flight> = VecDeque::new();
    loop {
        // The event loop: light plugins, until every item in flight is
        // done, failed or at a CPU-heavy plugin. An item that ends frees
        // its permit, and the next waiting item is admitted at once, so it
        // joins the coming pool round.
        let mut heavy: Vec<Flight> = Vec::new();
        loop {
            // The semaphore: admit items while permits are free.
            while ready.len() + heavy.len() < limit {
                let Some((index, item)) = waiting.pop_front() else { break };
                let mut flight = Flight { index, stage: 0, item };
                if let Some(cache) = options.cache.as_deref_mut() {
                    resume_from_cache(&mut flight, pipeline, cache, clock(), &mut outcome);
                }
                ready.push_back(flight);
                outcome.max_in_flight = outcome.max_in_flight.max(ready.len() + heavy.len());
            }
            let Some(mut flight) = ready.pop_front() else { break };
            loop {
                let Some(plugin) = pipeline.get(flight.stage) else {
                    outcome.results.push((flight.index, flight.item));
                    break;
                };
                if let Err(error) = check_input(*plugin, &flight.item) {
                    fail(&mut outcome, &flight, plugin.name(), error);
                    break;
                }
                if plugin.kind() == Kind::Cpu {
                    heavy.push(flight);
                    break;
                }
                let start = clock();
                let result = block_on(plugin.process(flight.take()));
                outcome.tasks.push(Task { index: flight.index, plugin: plugin.name(), lane: None, start_ms: start, end_ms: clock() });
                if !advance(&mut flight, result, pipeline, &mut options, &mut outcome) {
                    break;
                }
            }
        }
        if heavy.is_empty() {
            break;
        }
        // The pool: every CPU-heavy step in flight at once, each handed to
        // the pool as its own job (the seed's run_in_executor), and the
        // event loop waits for them all.
        let jobs: Vec<(&dyn Plugin, Item)> = heavy.iter_mut().map(|f| (pipeline[f.stage], f.take())).collect();
        let ran = on_pool(jobs, clock);
        for (mut flight, (result, lane, start_ms, end_ms)) in heavy.into_iter().zip(ran) {
            let plugin = pipeline[flight.stage].name();
            outcome.tasks.push(Task { index: flight.index, plugin, lane, start_ms, end_ms });
            if advance(&mut flight, result, pipeline, &mut options, &mut outcome) {
                ready.push_back(flight);
            }
        }
    }
    outcome.results.sort_by_key(|(index, _)| *index);
    outcome.failed.sort_by_key(|f| f.index);
    outcome
}

/// What a job on the pool returns: the plugin's result, the pool thread
/// that ran it, and when it started and ended.
type Ran = (Result<Item, String>, Option<usize>, f64, f64);

/// Runs every job on the thread pool, each as its own task injected from
/// outside the pool, so any idle thread takes the next one; returns when
/// all have ended, their results in the jobs' order. (A parallel iterator
/// would run a single job on the calling thread, and hand a second to a
/// sleeping thread only if it woke before the first thread finished.)
fn on_pool(jobs: Vec<(&dyn Plugin, Item)>, clock: Clock) -> Vec<Ran> {
    let slots: Vec<Mutex<Option<Ran>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    rayon::in_place_scope(|scope| {
        for ((plugin, item), slot) in jobs.into_iter().zip(&slots) {
            scope.spawn(move |_| {
                let start = clock();
                let result = block_on(plugin.process(item));
                let ran = (result, rayon::current_thread_index(), start, clock());
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(ran);
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.into_inner().unwrap_or_else(|e| e.into_inner()).expect("every job ran"))
        .collect()
}

/// Takes a plugin's result: on success the item moves to its next stage
/// (and into the cache), on failure it is recorded. Returns whether the
/// item goes on.
fn advance(
    flight: &mut Flight,
    result: Result<Item, String>,
    pipeline: &[&dyn Plugin],
    options: &mut Options,
    outcome: &mut Outcome,
) -> bool {
    let plugin = pipeline[flight.stage].name();
    match result {
        Ok(item) => {
            flight.item = item;
            flight.stage += 1;
            // The entry moves one stage deeper: a repeat of this image
            // resumes here, or takes the result when the item is done.
            if let Some(cache) = options.cache.as_deref_mut() {
                let bytes = flight.item.bytes();
                let key = cache_key(flight.item.key, pipeline);
                cache.put(key, (flight.stage, flight.item.clone()), bytes, (options.clock)());
            }
            true
        }
        Err(error) => {
            fail(outcome, flight, plugin, error);
            false
        }
    }
}

fn fail(outcome: &mut Outcome, flight: &Flight, plugin: &str, error: String) {
    outcome.failed.push(Failure::new(flight.index, flight.item.key, plugin, &error));
}

/// Starts `flight` after the deepest stage the cache holds for its image.
fn resume_from_cache(flight: &mut Flight, pipeline: &[&dyn Plugin], cache: &mut ItemCache, now: f64, outcome: &mut Outcome) {
    outcome.cache_lookups += 1;
    if let Some((stage, item)) = cache.get(cache_key(flight.item.key, pipeline), now) {
        outcome.cache_hits += 1;
        flight.item = item;
        flight.stage = stage;
    }
}
