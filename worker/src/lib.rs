//! The benchmark worker. It runs in a dedicated Web Worker, never on the
//! page's main thread: it receives [`ToWorker`] messages as JSON text, checks
//! and times the kernels of an exercise, and posts [`FromWorker`] messages
//! back as it goes. The page cancels a run by terminating the worker.
//!
//! The measurement logic lives in [`harness`], generic over a [`Clock`], so
//! it is tested on the host with a fake clock; this file only wires it to the
//! browser: `performance.now()`, `postMessage` and a panic hook.
//!
//! [`ToWorker`]: exercises::protocol::ToWorker
//! [`FromWorker`]: exercises::protocol::FromWorker
//! [`Clock`]: harness::Clock

mod browser;
mod files;
#[cfg(all(target_arch = "wasm32", feature = "gpu"))]
pub mod gpu;
#[cfg(all(target_arch = "wasm32", feature = "gpu"))]
mod gpu_lane;
pub mod harness;
pub mod memory;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;

#[global_allocator]
static ALLOCATOR: memory::Counting = memory::Counting;

use std::rc::Rc;

pub use browser::Timers;
use exercises::protocol::{FromWorker, WorkerInfo};
use exercises::runner::Host;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Performance};

/// `performance.now()` of the worker's global scope.
pub struct PerformanceClock(Performance);

impl PerformanceClock {
    /// The clock of the current global scope (a worker or a page).
    pub fn new() -> PerformanceClock {
        let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
            .expect("every browser scope has `performance`");
        PerformanceClock(performance.unchecked_into())
    }

    /// `performance.now()`, in milliseconds.
    pub fn now_ms(&self) -> f64 {
        self.0.now()
    }
}

impl Default for PerformanceClock {
    fn default() -> Self {
        Self::new()
    }
}

impl harness::Clock for PerformanceClock {
    fn now_ns(&mut self) -> f64 {
        self.0.now() * 1e6
    }
}

/// Starts the Web Worker pool (threaded build only); `bootstrap.js` awaits
/// it before `start_worker`, so no rayon call runs before the pool exists.
#[cfg(target_feature = "atomics")]
pub use wasm_bindgen_rayon::init_thread_pool;

/// Which build this is: the threaded one is compiled with atomics.
pub const BUILD: &str = if cfg!(target_feature = "atomics") {
    "threaded"
} else {
    "single"
};

/// Installs the message handler and posts `Ready`. Called once by
/// `bootstrap.js` after the module is instantiated, with the time that
/// compiling and instantiating it took.
#[wasm_bindgen]
pub fn start_worker(module_load_ms: f64) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = FAULT_CHANNEL.set(scope.name());
    install_panic_hook();
    let mut clock = PerformanceClock::new();
    let resolution_ns = harness::timer_resolution_ns(&mut clock);
    let empty_kernel_ns = harness::empty_kernel_ns(&mut clock, resolution_ns);
    let pool_threads = rayon::current_num_threads();
    let post_scope = scope.clone();
    let bench = harness::Bench {
        resolution_ns,
        pool_threads,
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        // A request is its JSON text, or `{ request, file }` when the
        // learner picked a local file.
        let data = event.data();
        let field = |name: &str| js_sys::Reflect::get(&data, &name.into()).ok();
        let (text, file) = match data.as_string() {
            Some(text) => (text, None),
            None => (
                field("request")
                    .and_then(|r| r.as_string())
                    .unwrap_or_default(),
                field("file").filter(|f| !f.is_undefined() && !f.is_null()),
            ),
        };
        let host: Host = Rc::new(Timers::with_file(file));
        let scope = post_scope.clone();
        let (exercise, values, seeds) = match harness::request_with_seeds(&text) {
            Ok(request) => request,
            Err(failed) => return post(&scope, &failed),
        };
        if let Some(seeds) = seeds {
            let mut post_here = |m: FromWorker| post(&scope, &m);
            harness::equivalence(exercise, &values, &host, seeds, &mut PerformanceClock::new(), &mut post_here);
            if !exercise.runner.measured_live() {
                post_here(FromWorker::Done);
            }
            return;
        }
        let live = exercise.runner.live(&values, &host);
        // A live demonstration awaits real timers, so the run goes on the
        // event loop; the page sends one request per worker.
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(live) = live {
                post(
                    &scope,
                    &FromWorker::Progress {
                        done: 0,
                        total: 0,
                        label: "the live demonstration, in real time".into(),
                    },
                );
                for message in live.await {
                    post(&scope, &message);
                }
            }
            // What was measured, for the analysis sent at the end.
            let mut measured = Vec::new();
            let mut post_here = |m: FromWorker| {
                if let FromWorker::Measured(measurement) = &m {
                    measured.push(measurement.clone());
                }
                post(&scope, &m)
            };
            if exercise.runner.measured_live() {
                post_here(FromWorker::Done);
                return;
            }
            harness::run_cpu(
                exercise,
                &values,
                &host,
                &mut PerformanceClock::new(),
                bench,
                &mut post_here,
            );
            #[cfg(all(target_arch = "wasm32", feature = "gpu"))]
            gpu_lane::run(exercise, &values, &mut post_here).await;
            post(&scope, &FromWorker::Rows(exercises::analysis::rows(exercise, &measured)));
            post(&scope, &FromWorker::Done);
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let version = option_env!("PERFLAB_VERSION")
        .unwrap_or("unversioned")
        .into();
    let info = WorkerInfo {
        build: BUILD.into(),
        module: exercises::runnable_module().into(),
        version,
        pool_threads,
        timer_resolution_ns: resolution_ns,
        empty_kernel_ns,
        module_load_ms,
        nested_workers: js_sys::Reflect::has(&scope, &"Worker".into()).unwrap_or(false),
    };
    post(&scope, &FromWorker::Ready(info));
}

/// Posts a message's JSON text, or `{ message, file }` for a download:
/// its bytes go as a `Blob` beside the JSON, which the page saves without
/// reading them (the same shape the page posts a local file in).
pub(crate) fn post(scope: &DedicatedWorkerGlobalScope, message: &FromWorker) {
    let text: JsValue = message.to_json().into();
    let posted = match message {
        FromWorker::Download(download) => {
            let bytes = js_sys::Uint8Array::from(download.bytes.as_slice());
            let options = web_sys::BlobPropertyBag::new();
            options.set_type(&download.mime);
            let file = web_sys::Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(&bytes), &options);
            let envelope = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&envelope, &"message".into(), &text);
            if let Ok(file) = file {
                let _ = js_sys::Reflect::set(&envelope, &"file".into(), &file);
            }
            envelope.into()
        }
        _ => text,
    };
    // Posting fails only if the page is gone; then nobody is listening.
    let _ = scope.post_message(&posted);
}

thread_local! {
    /// True on the worker's own thread (not on a rayon thread of the pool):
    /// only this thread's `postMessage` reaches the page.
    static PAGE_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The name the page gave this worker, which is also the name of the
/// `BroadcastChannel` the page listens on for panics on pool threads.
static FAULT_CHANNEL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// A panic in a kernel aborts the wasm instance; before it does, tell the
/// page what happened so it can report it and start a fresh worker. The
/// scope is looked up, not captured: JavaScript objects are not `Send`.
/// A pool thread cannot post to the page (its messages go to the worker's
/// thread, which is blocked waiting for it), so it broadcasts on the
/// channel the page named.
fn install_panic_hook() {
    PAGE_THREAD.with(|flag| flag.set(true));
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("worker panicked: {info}").into());
        let message = format!("a kernel panicked: {info}");
        if PAGE_THREAD.with(|flag| flag.get()) {
            let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
            post(&scope, &FromWorker::Failed { message });
        } else if let Some(name) = FAULT_CHANNEL.get().filter(|name| !name.is_empty())
            && let Ok(channel) = web_sys::BroadcastChannel::new(name)
        {
            let _ = channel.post_message(&FromWorker::Failed { message }.to_json().into());
        }
    }));
}
