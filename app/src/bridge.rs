//! The page's side of the benchmark worker: it starts the worker, holds a
//! request back until the worker says it is ready, delivers the worker's
//! messages, and cancels a run by terminating the worker and starting a
//! fresh one (a busy worker cannot read a "stop" message; see Squoosh's
//! worker bridge for the same design).
//!
//! It also ends a worker that cannot say it failed: a panic on a thread of
//! the worker's pool arrives on a `BroadcastChannel` named after the
//! worker (the pool thread cannot reach the page otherwise), and a run
//! that stops reporting for longer than its budget allows is ended by a
//! watchdog.

use std::cell::RefCell;
use std::rc::Rc;

use exercises::params::ParamValue;
use exercises::protocol::{Download, FromWorker, ToWorker};
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, ErrorEvent, File, MessageEvent, Worker, WorkerOptions, WorkerType};

/// What the worker reports.
#[derive(Debug)]
pub enum BridgeEvent {
    /// A message from the worker.
    Message(FromWorker),
    /// A file the worker offers, with its bytes as a `Blob` the page never
    /// reads: it is saved through an object URL.
    Download(Download, web_sys::Blob),
    /// The worker stopped: a kernel aborted it (a panic, a trap or running
    /// out of memory), or it stopped reporting and the watchdog ended it. A
    /// fresh worker has been started.
    Crashed(String),
    /// The worker never started (its script or module did not load: say
    /// the site is unreachable). None is started again until the next
    /// request, so a missing script is not retried in a loop.
    FailedToLoad(String),
}

/// A handle on the current worker; cloning shares it.
#[derive(Clone)]
pub struct WorkerBridge(Rc<RefCell<State>>);

struct State {
    url: String,
    worker: Option<Worker>,
    /// Where the worker's pool threads report a panic.
    faults: Option<BroadcastChannel>,
    ready: bool,
    /// While a request runs: when the worker was last heard from, and how
    /// long a silence the request allows (`silence_limit_ms`).
    watched: Option<(f64, f64)>,
    pending: Option<(ToWorker, Option<File>)>,
    on_event: Rc<dyn Fn(BridgeEvent)>,
    // Kept alive as long as the worker they are attached to.
    closures: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    // The previous worker's closures: one of them may be the caller of
    // `restart`, and a closure must not be freed while it runs.
    retired: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    /// The watchdog's interval and its tick, cleared when the bridge goes.
    watchdog: Option<(i32, Closure<dyn FnMut()>)>,
}

impl Drop for State {
    fn drop(&mut self) {
        if let (Some((interval, _)), Some(window)) = (&self.watchdog, web_sys::window()) {
            window.clear_interval_with_handle(*interval);
        }
    }
}

impl WorkerBridge {
    /// Starts the module worker at `url`; `on_event` receives its messages.
    pub fn new(url: String, on_event: impl Fn(BridgeEvent) + 'static) -> WorkerBridge {
        let bridge = WorkerBridge(Rc::new(RefCell::new(State {
            url,
            worker: None,
            faults: None,
            ready: false,
            watched: None,
            pending: None,
            on_event: Rc::new(on_event),
            closures: Vec::new(),
            retired: Vec::new(),
            watchdog: None,
        })));
        bridge.spawn();
        bridge.watch();
        bridge
    }

    /// Checks once a second that a running request's worker still speaks.
    fn watch(&self) {
        let weak = Rc::downgrade(&self.0);
        let tick = Closure::<dyn FnMut()>::new(move || {
            let Some(state) = weak.upgrade() else { return };
            let Some((heard, limit)) = state.borrow().watched else { return };
            let silent = now_ms() - heard;
            if silent > limit {
                let bridge = WorkerBridge(state.clone());
                bridge.restart();
                let on_event = state.borrow().on_event.clone();
                on_event(BridgeEvent::Crashed(format!(
                    "the worker stopped reporting: nothing for {:.0} s, more than this run's budget allows \
                     ({:.0} s); it was ended and a fresh worker was started (a kernel that never returns, \
                     or a thread of its pool that died; if one call is really that slow, raise budget_ms)",
                    silent / 1000.0,
                    limit / 1000.0
                )));
            }
        });
        let interval = web_sys::window().and_then(|window| {
            window
                .set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 1000)
                .ok()
        });
        // The tick lives as long as the bridge; `Drop` clears the interval.
        self.0.borrow_mut().watchdog = interval.map(|interval| (interval, tick));
    }

    /// Sends a request, with the local file the learner picked if any, as
    /// soon as the worker is ready.
    pub fn send(&self, request: ToWorker, file: Option<File>) {
        if self.0.borrow().worker.is_none() {
            self.spawn();
        }
        let mut state = self.0.borrow_mut();
        state.watched = Some((now_ms(), silence_limit_ms(&request)));
        match (&state.worker, state.ready) {
            (Some(worker), true) => post(worker, &request, file.as_ref()),
            _ => state.pending = Some((request, file)),
        }
    }

    /// Uses the worker at `url` from now on, restarting if it differs (the
    /// pool size and the build are part of the URL).
    pub fn set_url(&self, url: String) {
        if self.0.borrow().url != url {
            self.0.borrow_mut().url = url;
            self.restart();
        }
    }

    /// Stops whatever the worker is doing, at once, and starts a fresh one.
    pub fn restart(&self) {
        self.terminate();
        self.spawn();
    }

    /// Stops the worker for good (the page is left).
    pub fn terminate(&self) {
        let mut state = self.0.borrow_mut();
        if let Some(worker) = state.worker.take() {
            worker.set_onmessage(None);
            worker.set_onerror(None);
            worker.terminate();
        }
        if let Some(faults) = state.faults.take() {
            faults.set_onmessage(None);
            faults.close();
        }
        state.watched = None;
        state.retired = std::mem::take(&mut state.closures);
        state.ready = false;
        state.pending = None;
    }

    fn spawn(&self) {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        // A name of its own: the channel its pool threads report panics on.
        let name = format!("perflab-worker-{:016x}", (js_sys::Math::random() * 2f64.powi(53)) as u64);
        options.set_name(&name);
        let url = self.0.borrow().url.clone();
        let worker = match Worker::new_with_options(&url, &options) {
            Ok(worker) => worker,
            Err(error) => {
                let on_event = self.0.borrow().on_event.clone();
                on_event(BridgeEvent::FailedToLoad(format!(
                    "the worker could not start: {error:?}"
                )));
                return;
            }
        };
        let weak = Rc::downgrade(&self.0);
        let on_message = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(state) = weak.upgrade() else { return };
            let data = event.unchecked_into::<MessageEvent>().data();
            let (data, file) = text_and_attached::<web_sys::Blob>(&data, "file");
            let message = match serde_json::from_str::<FromWorker>(&data) {
                Ok(FromWorker::Download(_)) if file.is_none() => FromWorker::Failed {
                    message: "a download from the worker arrived without its file".into(),
                },
                Ok(message) => message,
                Err(error) => FromWorker::Failed {
                    message: format!("unreadable message from the worker: {error}"),
                },
            };
            {
                let mut state = state.borrow_mut();
                state.watched = match (&message, state.watched) {
                    (FromWorker::Done | FromWorker::Failed { .. }, _) => None,
                    (_, Some((_, limit))) => Some((now_ms(), limit)),
                    (_, None) => None,
                };
            }
            if matches!(message, FromWorker::Ready(_)) {
                let mut state = state.borrow_mut();
                state.ready = true;
                let pending = state.pending.take();
                if let (Some(worker), Some((request, file))) = (&state.worker, pending) {
                    post(worker, &request, file.as_ref());
                }
            }
            let on_event = state.borrow().on_event.clone();
            on_event(match (message, file) {
                (FromWorker::Download(download), Some(file)) => BridgeEvent::Download(download, file),
                (message, _) => BridgeEvent::Message(message),
            });
        });
        let weak = Rc::downgrade(&self.0);
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            event.prevent_default();
            let Some(state) = weak.upgrade() else { return };
            let detail = event
                .dyn_ref::<ErrorEvent>()
                .map(ErrorEvent::message)
                .unwrap_or_default();
            // A worker that was never ready did not load: starting another
            // at once would fail the same way, over and over.
            let loaded = state.borrow().ready;
            let bridge = WorkerBridge(state.clone());
            let on_event = state.borrow().on_event.clone();
            if loaded {
                bridge.restart();
                on_event(BridgeEvent::Crashed(detail));
            } else {
                bridge.terminate();
                on_event(BridgeEvent::FailedToLoad(match detail.is_empty() {
                    true => "the worker script failed to load".into(),
                    false => detail,
                }));
            }
        });
        let weak = Rc::downgrade(&self.0);
        let on_fault = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(state) = weak.upgrade() else { return };
            let data = text_of(event);
            let detail = match serde_json::from_str::<FromWorker>(&data) {
                Ok(FromWorker::Failed { message }) => message,
                _ => "a thread of the worker's pool failed".into(),
            };
            WorkerBridge(state.clone()).restart();
            let on_event = state.borrow().on_event.clone();
            on_event(BridgeEvent::Crashed(detail));
        });
        let faults = BroadcastChannel::new(&name).ok();
        if let Some(faults) = &faults {
            faults.set_onmessage(Some(on_fault.as_ref().unchecked_ref()));
        }
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let mut state = self.0.borrow_mut();
        state.worker = Some(worker);
        state.faults = faults;
        state.ready = false;
        state.closures = vec![on_message, on_error, on_fault];
    }
}

/// Posts the request's JSON text, or `{ request, file }` with a local
/// file: a `File` is cloned to the worker as a handle, not read here.
fn post(worker: &Worker, request: &ToWorker, file: Option<&File>) {
    let message: JsValue = match file {
        None => request.to_json().into(),
        Some(file) => {
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"request".into(), &request.to_json().into());
            let _ = js_sys::Reflect::set(&message, &"file".into(), file);
            message.into()
        }
    };
    if let Err(error) = worker.post_message(&message) {
        web_sys::console::error_1(&error);
    }
}

/// The page's clock, in milliseconds.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}

/// How long a request may go without a word from the worker: one
/// measurement takes about `budget_ms`, and a single call may take
/// several budgets before the harness can predict it; plus 15 s for
/// starting up, compiling shaders and checking.
fn silence_limit_ms(request: &ToWorker) -> f64 {
    let values = match request {
        ToWorker::Run { values, .. } | ToWorker::Equivalence { values, .. } => Some(values),
        ToWorker::Fault(_) => None,
    };
    let budget_ms = match values.and_then(|values| values.0.get("budget_ms")) {
        Some(ParamValue::Int(budget)) => *budget as f64,
        Some(_) => 2000.0,
        None => 0.0,
    };
    15_000.0 + 5.0 * budget_ms
}

/// A message event's data as text (the worker and its pool send JSON text).
fn text_of(event: web_sys::Event) -> String {
    event
        .unchecked_into::<MessageEvent>()
        .data()
        .as_string()
        .unwrap_or_default()
}

/// A worker's message: its JSON text, and what it carries beside the JSON
/// when it posted `{ message, <attached>: … }` (the benchmark worker's
/// download `file`, the results worker's database `bytes`).
pub(crate) fn text_and_attached<T: JsCast>(data: &JsValue, attached: &str) -> (String, Option<T>) {
    if let Some(text) = data.as_string() {
        return (text, None);
    }
    let field = |name: &str| js_sys::Reflect::get(data, &name.into()).ok();
    let text = field("message").and_then(|text| text.as_string()).unwrap_or_default();
    (text, field(attached).and_then(|value| value.dyn_into::<T>().ok()))
}
