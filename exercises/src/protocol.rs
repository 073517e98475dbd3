//! The messages between the app (main thread) and the benchmark worker.
//! Plain serde data, sent as JSON text through `postMessage`.

use serde::{Deserialize, Serialize};

use crate::params::ParamValues;

/// From the app to the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Check and time every variant of `exercise` with `values`: the
    /// values the page parsed, sent as they are (the worker validates them
    /// against the exercise's specs again, never trusting its input).
    Run {
        /// The exercise's id.
        exercise: String,
        /// Every parameter's value, the common settings included.
        values: ParamValues,
    },
    /// Run every variant against the reference on `seeds` seeded inputs at
    /// every size of `values` (the seed parameter replaced by each), and
    /// time nothing: the learner's view of the property tests.
    Equivalence {
        /// The exercise's id.
        exercise: String,
        /// Every parameter's value, as for a run.
        values: ParamValues,
        /// How many seeds.
        seeds: u32,
    },
    /// Fail on purpose, as a broken kernel would, to test that the page
    /// recovers: the page sends it instead of a run when its address ends
    /// in `#fault=<name>` (`Fault::named`).
    Fault(Fault),
}

/// A failure the worker injects on request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fault {
    /// A panic on the worker's own thread.
    Panic,
    /// A panic on a thread of the rayon pool (in the single build, the
    /// pool is the worker's thread).
    PoolPanic,
    /// A WebAssembly trap (`unreachable`), not a panic.
    Trap,
    /// A kernel that never returns: the page's watchdog must end it.
    Hang,
}

impl Fault {
    /// The fault named `name` in the page's address (`panic`,
    /// `pool-panic`, `trap`, `hang`).
    pub fn named(name: &str) -> Option<Fault> {
        match name {
            "panic" => Some(Fault::Panic),
            "pool-panic" => Some(Fault::PoolPanic),
            "trap" => Some(Fault::Trap),
            "hang" => Some(Fault::Hang),
            _ => None,
        }
    }
}

/// From the worker to the app.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker has started and listens; sent once, first.
    Ready(WorkerInfo),
    /// The results of the correctness check, sent before any timing.
    Checked(CheckReport),
    /// `done` of `total` steps (one step is one variant at one size).
    Progress {
        /// Steps finished.
        done: u32,
        /// Steps in the run.
        total: u32,
        /// What runs now, e.g. "hash_set at n = 1000" (the size by its name).
        label: String,
    },
    /// An exercise's demonstration, computed deterministically (no timing):
    /// events on a timeline.
    Timeline(Timeline),
    /// An exercise's demonstration as a table of figures (computed, not
    /// timed): a precision comparison, a profile.
    Table(DemoTable),
    /// A file the exercise made for the learner to download (an array
    /// exported as a zip).
    Download(Download),
    /// An exercise's call tree, recorded by a profiler, or its tasks by
    /// lane (a Gantt chart).
    Flame(Flame),
    /// An exercise's demonstration as lines on shared axes.
    Chart(Chart),
    /// An image an exercise computed (the Mandelbrot set).
    Image(Image),
    /// One variant's memory after each step of one call.
    MemorySteps(MemorySteps),
    /// The variants about to be timed at one size, checked on its input.
    SizeChecked(SizeCheck),
    /// A variant checked outside the main report: a GPU variant, compared
    /// with the CPU result within its stated tolerance.
    VariantChecked(VariantCheck),
    /// A variant that cannot run here, and why (no WebGPU adapter).
    Unavailable {
        /// The variant's name.
        variant: String,
        /// Why, in words.
        reason: String,
    },
    /// One variant measured at one size.
    Measured(Measurement),
    /// The thread sweep's variant measured with `threads` threads.
    ThreadPoint {
        /// Threads used.
        threads: usize,
        /// The measurement (at the sweep's size).
        measurement: Measurement,
    },
    /// One variant not measured at one size, and why.
    Skipped(Skip),
    /// The analysis of every measurement of the run (`analysis::rows`:
    /// bootstrap intervals, speedups), sent just before `Done`: the
    /// worker computes it, so the page's main thread does not (tens of
    /// milliseconds at a run's end).
    Rows(Vec<crate::analysis::Row>),
    /// The run finished.
    Done,
    /// The run could not start or stopped: bad parameters, a disagreeing
    /// check is not a failure (see [`CheckReport`]), a panic is.
    Failed {
        /// What went wrong, in words.
        message: String,
    },
}

/// What the worker found out about its environment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkerInfo {
    /// "single" or "threaded".
    pub build: String,
    /// The worker module: the registry's group of exercises whose kernels
    /// it carries ("all" in a build with every module, as in the tests).
    #[serde(default)]
    pub module: String,
    /// The build's version (the git commit it was built from).
    pub version: String,
    /// Threads in the worker's pool (1 in the single-threaded build).
    pub pool_threads: usize,
    /// The smallest step of the clock, measured, in nanoseconds.
    pub timer_resolution_ns: f64,
    /// The time per call of an empty kernel, measured like any variant.
    pub empty_kernel_ns: f64,
    /// How long compiling and instantiating the worker's WebAssembly module
    /// took, in milliseconds: long on a first visit, short once the browser
    /// has cached the compiled code.
    #[serde(default)]
    pub module_load_ms: f64,
    /// Whether the worker can start workers of its own (nested workers),
    /// which the threaded build's pool needs.
    #[serde(default)]
    pub nested_workers: bool,
}

/// Every variant's output on the check inputs, compared with the naive one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// The inputs, e.g. "seed list", "seeded input, n = 100".
    pub cases: Vec<String>,
    /// One entry per variant, in the exercise's order.
    pub variants: Vec<VariantCheck>,
    /// The check again at every size of the sweep, on the input each size
    /// is timed on, just before it is timed.
    #[serde(default)]
    pub by_size: Vec<SizeCheck>,
}

/// Every variant timed at one size, checked against the reference on that
/// size's input (where the time budget lets the reference run).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SizeCheck {
    /// The size.
    pub size: u64,
    /// Per variant timed at this size: its name, its output as text, and
    /// whether it equals the reference's (`None`: the reference was
    /// skipped by the time budget at this size, so nothing was compared).
    pub outputs: Vec<(String, String, Option<bool>)>,
}

/// One variant's check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VariantCheck {
    /// The variant's name.
    pub variant: String,
    /// Its output on each case, as text for display.
    pub outputs: Vec<String>,
    /// Whether every output equals the naive variant's.
    pub agrees: bool,
}

/// Events over time, in lanes: a cache's hits and expiries, requests in
/// flight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// What it shows.
    pub title: String,
    /// The events, by time.
    pub events: Vec<TimelineEvent>,
}

/// A table shown beside the measurements: a title, a sentence on what to
/// read in it, column headings and rows of cells.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DemoTable {
    /// Short name, also the `data-table` hook.
    pub id: String,
    /// What it shows.
    pub title: String,
    /// What to notice.
    pub caption: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows, as many cells as columns.
    pub rows: Vec<Vec<String>>,
    /// The first this many rows are highlighted (a profile's top 5).
    #[serde(default)]
    pub highlighted: usize,
    /// Hooks for the rows that have one, by row index: tests read a row's
    /// figures from its `data-*` attributes.
    #[serde(default)]
    pub hooks: Vec<(usize, RowHook)>,
}

/// A file offered for download, and the button that saves it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Download {
    /// Short name: the button's `data-testid` is `export-<id>`.
    pub id: String,
    /// The button's text.
    pub label: String,
    /// The file's name.
    pub file_name: String,
    /// Its MIME type.
    pub mime: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its bytes. They travel beside the message's JSON, not in it: the
    /// worker posts them as a `Blob` that the page saves without reading
    /// (an 8 MB zip as base64 inside the JSON cost the page a 60 ms pause).
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

impl Download {
    /// A download of `bytes`.
    pub fn of(id: &str, label: &str, file_name: &str, mime: &str, bytes: Vec<u8>) -> Download {
        Download {
            id: id.to_string(),
            label: label.to_string(),
            file_name: file_name.to_string(),
            mime: mime.to_string(),
            size: bytes.len() as u64,
            bytes,
        }
    }
}

/// A table row's hook: its `data-testid` and `data-*` attributes (names
/// without the `data-` prefix).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowHook {
    /// The row's `data-testid`.
    pub testid: String,
    /// Its other `data-*` attributes, `("total", "32")` for `data-total`.
    pub data: Vec<(String, String)>,
}

/// Lines of points on shared axes: a hit rate against a cache's size per
/// strategy, a batch size over time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Short name, also the `data-chart` hook.
    pub id: String,
    /// What it shows.
    pub title: String,
    /// What to notice.
    pub caption: String,
    /// The x axis, with its unit.
    pub x_label: String,
    /// The y axis, with its unit.
    pub y_label: String,
    /// Whether the x axis is logarithmic.
    pub log_x: bool,
    /// The lines, each drawn in its own colour.
    pub lines: Vec<ChartLine>,
}

/// One line of a [`Chart`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChartLine {
    /// Its name in the legend.
    pub name: String,
    /// Its points, `(x, y)`, in order of x.
    pub points: Vec<(f64, f64)>,
}

/// A call tree as an icicle chart: every call a bar from its entry to its
/// exit, one row per stack depth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Flame {
    /// Short name, also the `data-flame` hook.
    pub id: String,
    /// What it shows.
    pub title: String,
    /// The calls, in the order they were entered.
    pub spans: Vec<FlameSpan>,
}

/// A grid of counts, drawn with a colour map: 0 in black, 1 … `max` from
/// dark to light.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// Short name, also the `data-image` hook.
    pub id: String,
    /// What it shows.
    pub title: String,
    /// What to notice.
    pub caption: String,
    /// Pixels per row.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// `height` rows of `width` counts.
    pub counts: Vec<u32>,
    /// The largest count a pixel can have.
    pub max: u32,
}

/// Memory over the steps of one call of a variant (an exercise whose
/// kernels work in steps, like the seed's chunk loop), read from the
/// worker's counting allocator after each step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemorySteps {
    /// The variant's name.
    pub variant: String,
    /// The size the call ran at.
    pub size: u64,
    /// Bytes live after each step, above what was live before the call.
    pub live_bytes: Vec<u64>,
    /// The exercise's own estimate after each step (the seed's formula).
    pub estimate_bytes: Vec<u64>,
    /// The size of WebAssembly memory after each step.
    pub wasm_memory_bytes: Vec<u64>,
}

/// One call of a [`Flame`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlameSpan {
    /// The function.
    pub name: String,
    /// Calls above it on the stack.
    pub depth: usize,
    /// Entry, in milliseconds from the start of the run.
    pub start_ms: f64,
    /// Exit, in milliseconds from the start of the run.
    pub end_ms: f64,
}

/// One event of a [`Timeline`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// When, in seconds.
    pub at: f64,
    /// The lane (a key, a request).
    pub lane: String,
    /// What happened ("hit", "miss", "expired").
    pub kind: String,
}

/// The timing of one variant at one size: `times_ns[i]` is the time of a
/// sample of `iters[i]` back-to-back calls. Linear sampling uses `d, 2d, …
/// Nd` calls; calls long enough to time alone use one call per sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// The variant's name.
    pub variant: String,
    /// The size.
    pub size: u64,
    /// Calls in each sample.
    pub iters: Vec<u64>,
    /// Time of each sample, in nanoseconds.
    pub times_ns: Vec<f64>,
    /// The first call, timed alone, in nanoseconds.
    pub first_call_ns: f64,
    /// What the first call allocated (the worker's counting allocator).
    #[serde(default)]
    pub memory: MemoryUse,
}

/// What one call allocated, from the worker's counting allocator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryUse {
    /// Allocations (a reallocation counts as one).
    pub allocations: u64,
    /// Bytes requested by those allocations, in total.
    pub allocated_bytes: u64,
    /// How far the live bytes rose above where they were before the call.
    pub peak_bytes: u64,
    /// Bytes still live after the call that were not before (kept, or leaked).
    pub retained_bytes: u64,
    /// The size of WebAssembly memory after the call: it grows, never shrinks.
    pub wasm_memory_bytes: u64,
}

impl Measurement {
    /// The time per call of each sample.
    pub fn per_call_ns(&self) -> Vec<f64> {
        self.iters
            .iter()
            .zip(&self.times_ns)
            .map(|(&i, &t)| t / i.max(1) as f64)
            .collect()
    }
}

/// A variant skipped at a size because its measurement would take longer
/// than the run's budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Skip {
    /// The variant's name.
    pub variant: String,
    /// The size.
    pub size: u64,
    /// The predicted time of one call, in nanoseconds.
    pub predicted_ns: f64,
    /// The budget of one measurement, in nanoseconds.
    pub budget_ns: f64,
}

impl ToWorker {
    /// The request to run `exercise` with the parameters of `query` (a
    /// link's query string), parsed once, as the page parses its form.
    pub fn from_query(
        exercise: &crate::Exercise,
        query: &str,
    ) -> Result<ToWorker, Vec<crate::params::ParamError>> {
        let values =
            exercise.parse(&crate::params::from_query(query))?;
        Ok(ToWorker::Run {
            exercise: exercise.id.to_string(),
            values,
        })
    }

    /// Encodes as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain data always serializes")
    }
}

impl FromWorker {
    /// Encodes as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain data always serializes")
    }
}
