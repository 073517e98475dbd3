//! The challenge's two other methods: an auto-optimizer that searches the
//! pipeline's order, the batch size and the worker count on a sample and
//! caches its choice, and adaptive batching with backpressure.

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};

use super::engine::{Clock, ItemCache, Options, Outcome, Registry, process_batch};
use super::plugins::Item;
use super::{Summary, naive_outcome};

/// A way to run a batch: the pipeline's order, items per `process_batch`
/// call, and items in flight (pool threads) at once.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Config {
    /// The plugins, in the order they run.
    pub order: Vec<&'static str>,
    /// Items per `process_batch` call.
    pub batch: usize,
    /// Items in flight at once.
    pub workers: usize,
}

impl Config {
    /// The configuration as a line of text, to keep across runs:
    /// `quality,blur,threshold,segment,stats;8;2`.
    pub fn to_note(&self) -> String {
        format!("{};{};{}", self.order.join(","), self.batch, self.workers)
    }

    /// A configuration read back from [`Config::to_note`], its plugins
    /// named from `names` (an order of other plugins is refused).
    pub fn from_note(note: &str, names: &[&'static str]) -> Option<Config> {
        let mut parts = note.trim().split(';');
        let order: Option<Vec<&'static str>> = parts
            .next()?
            .split(',')
            .map(|name| names.iter().copied().find(|n| *n == name))
            .collect();
        let mut order = order?;
        let batch = parts.next()?.parse().ok().filter(|&b| b > 0)?;
        let workers = parts.next()?.parse().ok().filter(|&w| w > 0)?;
        let mut sorted = order.clone();
        sorted.sort_unstable();
        let mut expected = names.to_vec();
        expected.sort_unstable();
        (parts.next().is_none() && sorted == expected).then(|| Config { order: std::mem::take(&mut order), batch, workers })
    }
}

/// One configuration timed on the sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    /// What was timed.
    pub config: Config,
    /// Sample items per second (the best of [`RUNS`] runs).
    pub items_per_s: f64,
}

/// What the optimizer did: its trials, the orders it refused and why, its
/// choice, the configuration it was asked to beat, and whether the choice
/// came from its cache.
#[derive(Clone, Debug, PartialEq)]
pub struct Search {
    /// Every configuration timed, in the order timed; empty when reused.
    pub trials: Vec<Trial>,
    /// Orders that cannot replace the given one: they fail validation or
    /// give other results on the sample.
    pub refused: Vec<(Vec<&'static str>, String)>,
    /// The fastest configuration.
    pub best: Config,
    /// The given order, the whole sample as one batch, every worker.
    pub default: Config,
    /// Whether `best` came from the cache of earlier choices.
    pub reused: bool,
}

impl Search {
    /// The throughput of a configuration among the trials.
    pub fn throughput(&self, config: &Config) -> Option<f64> {
        self.trials.iter().find(|t| &t.config == config).map(|t| t.items_per_s)
    }
}

/// Runs per configuration, the fastest kept: one run of a few images is
/// short enough for a pause of the machine to decide the choice.
pub const RUNS: usize = 3;

/// The batch sizes the optimizer tries.
pub const BATCHES: [usize; 5] = [1, 2, 4, 8, 16];

/// Every order of `names`, in lexicographic order of positions.
fn permutations(names: &[&'static str]) -> Vec<Vec<&'static str>> {
    if names.len() <= 1 {
        return vec![names.to_vec()];
    }
    let mut all = Vec::new();
    for (i, &first) in names.iter().enumerate() {
        let mut rest = names.to_vec();
        rest.remove(i);
        for mut tail in permutations(&rest) {
            tail.insert(0, first);
            all.push(tail);
        }
    }
    all
}

/// Runs `items` in batches of `config.batch` with `config.workers` in
/// flight, through a shared `cache` if any; failures keep their index in
/// `items`.
pub fn run_batches(
    registry: &Registry,
    items: Vec<Item>,
    config: &Config,
    mut cache: Option<&mut ItemCache>,
    clock: Clock,
) -> Result<Outcome, String> {
    let pipeline = registry.pipeline(&config.order)?;
    let mut total = Outcome::default();
    let mut items = items.into_iter();
    let mut offset = 0;
    loop {
        let batch: Vec<Item> = items.by_ref().take(config.batch.max(1)).collect();
        if batch.is_empty() {
            return Ok(total);
        }
        let count = batch.len();
        let options = Options { limit: config.workers, cache: cache.as_deref_mut(), clock };
        merge(&mut total, process_batch(batch, &pipeline, options), offset);
        offset += count;
    }
}

/// Adds a batch's outcome whose first item is item `offset` of the stream.
fn merge(total: &mut Outcome, batch: Outcome, offset: usize) {
    total.results.extend(batch.results.into_iter().map(|(i, item)| (i + offset, item)));
    total.failed.extend(batch.failed.into_iter().map(|mut f| {
        f.index += offset;
        f
    }));
    total.tasks.extend(batch.tasks.into_iter().map(|mut t| {
        t.index += offset;
        t
    }));
    total.max_in_flight = total.max_in_flight.max(batch.max_in_flight);
    total.cache_hits += batch.cache_hits;
    total.cache_lookups += batch.cache_lookups;
}

/// What a search answers: the best way to run a pipeline on items like
/// a sample. A choice is reused only for the same question.
pub struct Question<'a> {
    /// The plugins, in the order given.
    pub pipeline: &'a [&'static str],
    /// Items like those to come.
    pub sample: &'a [Item],
    /// The most items in flight (pool threads) at once.
    pub max_workers: usize,
    /// The bytes a batch in flight may hold.
    pub budget: usize,
    /// Whatever else the timings depend on that the sample does not show
    /// (the plugins' settings, the build).
    pub setting: u64,
}

impl Question<'_> {
    /// The question as a number: everything above, the sample by its
    /// images' keys and pixels.
    pub fn key(&self) -> u64 {
        let mut hasher = std::hash::DefaultHasher::new();
        (self.pipeline, self.max_workers, self.budget, self.setting).hash(&mut hasher);
        for item in self.sample {
            (item.key, &item.image).hash(&mut hasher);
        }
        hasher.finish()
    }
}

/// The auto-optimizer, with its cache of choices.
#[derive(Default)]
pub struct Optimizer {
    chosen: HashMap<u64, Config>,
}

impl Optimizer {
    /// Takes `config` as the answer to `question`, as if searched: a
    /// choice kept from an earlier run.
    pub fn adopt(&mut self, question: &Question, config: Config) {
        self.chosen.insert(question.key(), config);
    }

    /// The answer to `asked`: from the cache when this question was
    /// answered before, else by searching. The search keeps only the orders
    /// whose results on the sample equal the given order's (the plugins
    /// that commute), then times every order × batch size × worker count.
    pub fn optimize(&mut self, registry: &Registry, asked: &Question, clock: Clock) -> Result<Search, String> {
        let Question { pipeline, sample, max_workers, budget, .. } = *asked;
        let item_bytes = sample.iter().map(Item::bytes).max().unwrap_or(1).max(1);
        let question = asked.key();
        let default = Config { order: pipeline.to_vec(), batch: sample.len().max(1), workers: max_workers.max(1) };
        if let Some(best) = self.chosen.get(&question) {
            return Ok(Search { trials: Vec::new(), refused: Vec::new(), best: best.clone(), default, reused: true });
        }
        let reference = Summary::of(&naive_outcome(registry, sample.to_vec(), pipeline)?);
        let mut orders = Vec::new();
        let mut refused = Vec::new();
        // Orders are compared by their results on the sample's items that
        // pass; with none passing, every order would look alike.
        let candidates = match reference.failed.len() < sample.len() {
            true => permutations(pipeline),
            false => {
                let why = "no item of the sample passed the pipeline, so no other order could be checked";
                refused.push((Vec::new(), why.to_string()));
                vec![pipeline.to_vec()]
            }
        };
        for order in candidates {
            let summary = Summary::of(&naive_outcome(registry, sample.to_vec(), &order)?);
            if summary == reference {
                orders.push(order);
            } else {
                let why = if summary.failed.len() > reference.failed.len() {
                    "an input is refused"
                } else {
                    "other results"
                };
                refused.push((order, why.to_string()));
            }
        }
        let mut trials = Vec::new();
        for order in &orders {
            for batch in BATCHES.into_iter().filter(|&b| b <= sample.len().max(1) && b * item_bytes <= budget) {
                for workers in 1..=max_workers.max(1) {
                    let config = Config { order: order.clone(), batch, workers };
                    let mut best_ms = f64::INFINITY;
                    for _ in 0..RUNS {
                        let start = clock();
                        run_batches(registry, sample.to_vec(), &config, None, clock)?;
                        best_ms = best_ms.min(clock() - start);
                    }
                    let items_per_s = sample.len() as f64 / (best_ms.max(1e-3) / 1000.0);
                    trials.push(Trial { config, items_per_s });
                }
            }
        }
        let best = trials
            .iter()
            .max_by(|a, b| a.items_per_s.total_cmp(&b.items_per_s))
            .map(|t| t.config.clone())
            .unwrap_or_else(|| default.clone());
        self.chosen.insert(question, best.clone());
        Ok(Search { trials, refused, best, default, reused: false })
    }
}

/// How a stream's batch size is set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Control {
    /// Always this many items per batch.
    Fixed(usize),
    /// Start at one item; double while a batch takes less than
    /// `target_ms` and the next size fits in `budget` bytes, then grow by
    /// one; halve when a batch is slower than 1.5 × the target or holds
    /// more than the budget.
    Adaptive {
        /// The batch latency aimed at.
        target_ms: f64,
        /// The bytes a batch in flight may hold.
        budget: usize,
    },
}

/// One batch of a stream.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// When it ended, from the stream's start.
    pub at_ms: f64,
    /// Its items.
    pub batch: usize,
    /// Items waiting in the queue when it was taken.
    pub queue: usize,
    /// Its items per second.
    pub items_per_s: f64,
    /// The bytes it held when it ended: its images and its results.
    pub bytes: usize,
    /// The time the pool's threads were busy over `workers ×` its time.
    pub busy: f64,
}

/// A stream's batches and its combined outcome.
#[derive(Debug)]
pub struct Streamed {
    /// Every item's result or failure, indices in stream order.
    pub outcome: Outcome,
    /// The batches, in order.
    pub steps: Vec<Step>,
    /// Times the producer found the queue full and had to wait.
    pub producer_waits: u64,
}

/// A producer faster than its consumer, joined by a queue of at most
/// `queue_capacity` items: the producer (reading `items`, as from a disk)
/// fills the queue and waits when it is full — the backpressure — and the
/// consumer takes a batch at a time, its size set by `control`, and runs it
/// with `config`'s order and workers.
pub fn stream(
    registry: &Registry,
    items: Vec<Item>,
    config: &Config,
    control: Control,
    queue_capacity: usize,
    mut cache: Option<&mut ItemCache>,
    clock: Clock,
) -> Result<Streamed, String> {
    let pipeline = registry.pipeline(&config.order)?;
    let mut source = items.into_iter();
    let mut queue: VecDeque<Item> = VecDeque::new();
    let mut streamed = Streamed { outcome: Outcome::default(), steps: Vec::new(), producer_waits: 0 };
    let (mut batch, mut slow_start) = match control {
        Control::Fixed(b) => (b.max(1), false),
        Control::Adaptive { .. } => (1, true),
    };
    let capacity = queue_capacity.max(1);
    let (start, mut offset) = (clock(), 0);
    loop {
        // The producer runs until the queue is full or it has nothing left.
        while queue.len() < capacity {
            match source.next() {
                Some(item) => queue.push_back(item),
                None => break,
            }
        }
        if queue.len() == capacity && source.len() > 0 {
            streamed.producer_waits += 1;
        }
        if queue.is_empty() {
            return Ok(streamed);
        }
        let waiting = queue.len();
        let taken: Vec<Item> = queue.drain(..batch.min(waiting)).collect();
        let count = taken.len();
        let bytes_before: usize = taken.iter().map(Item::bytes).sum();
        let began = clock();
        let options = Options { limit: config.workers, cache: cache.as_deref_mut(), clock };
        let outcome = process_batch(taken, &pipeline, options);
        let ms = (clock() - began).max(1e-3);
        let bytes = bytes_before + outcome.results.iter().map(|(_, item)| item.bytes()).sum::<usize>();
        let pooled: f64 = outcome.tasks.iter().filter(|t| t.lane.is_some()).map(|t| t.end_ms - t.start_ms).sum();
        merge(&mut streamed.outcome, outcome, offset);
        offset += count;
        streamed.steps.push(Step {
            at_ms: clock() - start,
            batch: count,
            queue: waiting,
            items_per_s: count as f64 / (ms / 1000.0),
            bytes,
            busy: (pooled / (ms * config.workers.max(1) as f64)).min(1.0),
        });
        if let Control::Adaptive { target_ms, budget } = control {
            let per_item = bytes / count;
            if ms > 1.5 * target_ms || bytes > budget {
                batch = (batch / 2).max(1);
                slow_start = false;
            } else if ms < target_ms {
                let next = if slow_start { batch * 2 } else { batch + 1 };
                if next * per_item <= budget {
                    batch = next;
                }
            }
        }
    }
}
