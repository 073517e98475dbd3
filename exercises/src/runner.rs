//! The worker-side glue of an exercise: it builds inputs from parameters and
//! calls the kernels. Compiled only with the `runner` feature.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::pin::Pin;
use std::rc::Rc;

use crate::params::ParamValues;

/// Builds an exercise's inputs.
pub trait Runner: Sync {
    /// The inputs every variant is checked on before anything is timed,
    /// each with a label ("seed list", "seeded input, n = 100").
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)>;

    /// The input for timing at one size.
    fn workload(&self, params: &ParamValues, size: u64) -> Box<dyn Workload>;

    /// A demonstration to show beside the measurements, if the exercise
    /// has one.
    fn timeline(&self, params: &ParamValues) -> Option<crate::protocol::Timeline> {
        let _ = params;
        None
    }

    /// Tables of figures to show beside the measurements, if any.
    fn tables(&self, params: &ParamValues) -> Vec<crate::protocol::DemoTable> {
        let _ = params;
        Vec::new()
    }

    /// Images to draw beside the measurements, if any.
    fn images(&self, params: &ParamValues) -> Vec<crate::protocol::Image> {
        let _ = params;
        Vec::new()
    }

    /// Runs variant number `variant` once at `size` in steps, calling
    /// `after_step` after each with the exercise's own estimate of its
    /// memory, and returns true; returns false, running nothing, if the
    /// exercise does not work in steps.
    fn run_steps(
        &self,
        params: &ParamValues,
        size: u64,
        variant: usize,
        after_step: &mut dyn FnMut(u64),
    ) -> bool {
        let _ = (params, size, variant, after_step);
        false
    }

    /// Whether the variants call JavaScript, so they run only in a browser
    /// (the host's tests leave them to the browser's).
    fn needs_browser(&self) -> bool {
        false
    }

    /// A demonstration that runs in real time before the measurements (a
    /// program with real waits, profiled), if the exercise has one. Its
    /// messages are posted when it finishes.
    fn live(&self, params: &ParamValues, browser: Rc<dyn Browser>) -> Option<Live> {
        let _ = (params, browser);
        None
    }

    /// The sizes of the sweep, given the size parameter's list; an input
    /// of a fixed size (a local file) replaces them.
    fn sizes(&self, params: &ParamValues, listed: &[u64]) -> Vec<u64> {
        let _ = params;
        listed.to_vec()
    }

    /// Whether the live demonstration checks and measures the variants
    /// itself, in real time, posting `Checked` and `Measured` as the
    /// harness would: variants that wait on the network do no work a CPU
    /// sampler could time. The harness then checks and times nothing.
    fn measured_live(&self) -> bool {
        false
    }
}

thread_local! {
    static LOCAL_FILE: std::cell::RefCell<Option<wasm_bindgen::JsValue>> = const { std::cell::RefCell::new(None) };
}

/// Sets the `Blob` the learner picked for the next run, or clears it (the
/// worker calls this with each request).
pub fn attach_local_file(file: Option<wasm_bindgen::JsValue>) {
    LOCAL_FILE.with(|slot| *slot.borrow_mut() = file);
}

/// The `Blob` the learner picked for this run, if any.
pub fn local_file() -> Option<wasm_bindgen::JsValue> {
    LOCAL_FILE.with(|slot| slot.borrow().clone())
}

/// A running [`Runner::live`] demonstration.
pub type Live = Pin<Box<dyn Future<Output = Vec<crate::protocol::FromWorker>>>>;

/// What a live demonstration uses from the browser: its clock, timers,
/// network, and the page. Tests give a fake whose sleeps return at once.
pub trait Browser {
    /// `performance.now()`: milliseconds from an arbitrary origin.
    fn now_ms(&self) -> f64;

    /// Resolves after `ms` milliseconds, on a real timer.
    fn sleep(&self, ms: u32) -> Pin<Box<dyn Future<Output = ()>>>;

    /// A real `fetch()` of `url` (relative to the worker's script): the
    /// reply's status and whether the site's service worker answered it.
    fn fetch(&self, url: &str) -> Pin<Box<dyn Future<Output = Result<Reply, String>>>> {
        let _ = url;
        Box::pin(std::future::ready(Err(
            "this browser has no network".to_string()
        )))
    }
    /// Posts `message` to the page now, before the demonstration ends (a
    /// progress bar); by default it is dropped.
    fn post(&self, message: crate::protocol::FromWorker) {
        let _ = message;
    }
}

/// The answer to one [`Browser::fetch`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// Whether the site's service worker answered (the network lane's
    /// endpoint), rather than the server.
    pub from_service_worker: bool,
}

/// One prepared input, on which any variant can run.
pub trait Workload {
    /// Runs variant number `variant` (the exercise's order) once; the
    /// result is passed through `black_box` so it cannot be optimised away.
    fn run(&mut self, variant: usize);

    /// Runs variant number `variant` once and describes its output.
    fn check(&mut self, variant: usize) -> Output;

    /// Limits the thread-sweep variant to `threads` threads (a thread sweep
    /// calls this before timing each point); other variants ignore it.
    fn set_threads(&mut self, threads: usize) {
        let _ = threads;
    }
}

/// A variant's output: text to show, and a digest of the whole output to
/// compare (the text may be shortened).
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// What the page shows.
    pub text: String,
    /// Equal outputs have equal digests.
    pub digest: u64,
}

impl Output {
    /// A list of numbers: shown in full up to 12 items, else shortened with
    /// its length; compared in full.
    pub fn list<T: std::fmt::Debug + Hash>(items: &[T]) -> Output {
        const SHOWN: usize = 12;
        let text = if items.len() <= SHOWN {
            format!("{items:?}")
        } else {
            let head = format!("{:?}", &items[..SHOWN]);
            format!(
                "{}, …] ({} values)",
                head.trim_end_matches(']'),
                items.len()
            )
        };
        let mut hasher = DefaultHasher::new();
        items.hash(&mut hasher);
        Output {
            text,
            digest: hasher.finish(),
        }
    }

    /// An output compared within a tolerance rather than exactly: every
    /// output `within` the tolerance of the naive one has the same digest;
    /// one outside it has a digest of its own `values`.
    pub fn within_tolerance(text: String, within: bool, values: &[f64]) -> Output {
        let digest = if within {
            0
        } else {
            let mut hasher = DefaultHasher::new();
            values.iter().for_each(|v| v.to_bits().hash(&mut hasher));
            hasher.finish()
        };
        Output { text, digest }
    }
}
