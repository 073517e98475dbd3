//! The state of a run: where it stands, everything the worker sent back,
//! how the worker's events update it, and the status line that shows it.

use exercises::analysis::format_ns;
use exercises::params;
use exercises::protocol::{CheckReport, FromWorker, Measurement, Skip, WorkerInfo};
use leptos::prelude::*;

use crate::bridge::BridgeEvent;

/// Where a run stands; `data-state` of the status element.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RunState {
    /// Nothing has run yet.
    Idle,
    /// The worker is checking or timing.
    Running,
    /// The run finished.
    Done,
    /// The learner cancelled the run.
    Cancelled,
    /// The run failed; the message says why.
    Error,
}

impl RunState {
    fn as_str(self) -> &'static str {
        match self {
            RunState::Idle => "idle",
            RunState::Running => "running",
            RunState::Done => "done",
            RunState::Cancelled => "cancelled",
            RunState::Error => "error",
        }
    }
}

/// Everything the page shows about a run, updated by worker messages.
#[derive(Clone, Copy)]
pub(super) struct Run {
    pub(super) state: RwSignal<RunState>,
    /// Whether this run is an equivalence check: nothing is timed, and it
    /// is not kept in the history.
    pub(super) checking_only: RwSignal<bool>,
    pub(super) message: RwSignal<String>,
    progress: RwSignal<(u32, u32, String)>,
    pub(super) check: RwSignal<Option<CheckReport>>,
    pub(super) measurements: RwSignal<Vec<Measurement>>,
    pub(super) skips: RwSignal<Vec<Skip>>,
    pub(super) worker: RwSignal<Option<WorkerInfo>>,
    /// Whether the tab was hidden at some point of the current run.
    pub(super) hidden: RwSignal<bool>,
    /// What the browser can do, detected once.
    pub(super) capabilities: LocalResource<crate::capabilities::Capabilities>,
    /// Files the exercise offers for download, each with the object URL
    /// of its bytes (revoked when the next run starts).
    pub(super) downloads: RwSignal<Vec<(exercises::protocol::Download, String)>>,
    /// The exercise's tables of figures.
    pub(super) tables: RwSignal<Vec<exercises::protocol::DemoTable>>,
    /// The parameters of the run under way or last run.
    pub(super) values: RwSignal<Option<params::ParamValues>>,
    /// The same parameters as the form's query text, for the run's record.
    pub(super) query: RwSignal<String>,
    /// When the run started, ISO 8601.
    pub(super) started_at: RwSignal<String>,
    /// Call trees recorded by the exercise's profiler.
    pub(super) flames: RwSignal<Vec<exercises::protocol::Flame>>,
    /// The exercise's line charts.
    pub(super) charts: RwSignal<Vec<exercises::protocol::Chart>>,
    /// Variants that cannot run here (no WebGPU adapter), with the reason.
    pub(super) unavailable: RwSignal<Vec<(String, String)>>,
    /// Memory after each step of one call, per variant.
    pub(super) memory_steps: RwSignal<Vec<exercises::protocol::MemorySteps>>,
    /// Images computed by the run (the Mandelbrot set).
    pub(super) images: RwSignal<Vec<exercises::protocol::Image>>,
    /// The module load time of the page's first worker: later workers load
    /// the module from the browser's cache.
    pub(super) first_module_load_ms: RwSignal<Option<f64>>,
    /// The exercise's demonstration, if it has one.
    pub(super) timeline: RwSignal<Option<exercises::protocol::Timeline>>,
    /// The thread sweep's measurements, by thread count.
    pub(super) thread_points: RwSignal<Vec<(usize, Measurement)>>,
    /// The worker's analysis of the run's measurements, sent at its end
    /// (see `rows` in `mod.rs`).
    pub(super) analysed: RwSignal<Option<Vec<exercises::analysis::Row>>>,
    /// Which worker build runs: "threaded" or "single".
    pub(super) build: RwSignal<&'static str>,
    /// Why the single-threaded build runs, when it does.
    pub(super) single_reason: RwSignal<Option<String>>,
}

impl Run {
    pub(super) fn new() -> Run {
        Run {
            state: RwSignal::new(RunState::Idle),
            checking_only: RwSignal::new(false),
            message: RwSignal::new(String::new()),
            progress: RwSignal::new((0, 0, String::new())),
            check: RwSignal::new(None),
            measurements: RwSignal::new(Vec::new()),
            skips: RwSignal::new(Vec::new()),
            worker: RwSignal::new(None),
            hidden: RwSignal::new(false),
            capabilities: LocalResource::new(crate::capabilities::detect),
            thread_points: RwSignal::new(Vec::new()),
            analysed: RwSignal::new(None),
            timeline: RwSignal::new(None),
            flames: RwSignal::new(Vec::new()),
            charts: RwSignal::new(Vec::new()),
            images: RwSignal::new(Vec::new()),
            unavailable: RwSignal::new(Vec::new()),
            memory_steps: RwSignal::new(Vec::new()),
            first_module_load_ms: RwSignal::new(None),
            values: RwSignal::new(None),
            query: RwSignal::new(String::new()),
            started_at: RwSignal::new(String::new()),
            tables: RwSignal::new(Vec::new()),
            downloads: RwSignal::new(Vec::new()),
            build: RwSignal::new("single"),
            single_reason: RwSignal::new(None),
        }
    }

    /// Whether no run is under way. The analysis (bootstrap intervals)
    /// and the plots wait for it: computing and drawing them on every
    /// measurement would take a core from the measurements still running —
    /// on two cores, half of a parallel variant's threads.
    pub(super) fn settled(&self) -> bool {
        self.state.get() != RunState::Running
    }

    pub(super) fn reset(&self) {
        self.message.set(String::new());
        self.progress.set((0, 0, "starting the worker".into()));
        self.check.set(None);
        self.measurements.set(Vec::new());
        self.skips.set(Vec::new());
        self.thread_points.set(Vec::new());
        self.analysed.set(None);
        self.timeline.set(None);
        self.tables.set(Vec::new());
        for (_, url) in self.downloads.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
        self.downloads.set(Vec::new());
        self.flames.set(Vec::new());
        self.charts.set(Vec::new());
        self.images.set(Vec::new());
        self.unavailable.set(Vec::new());
        self.memory_steps.set(Vec::new());
        self.hidden.set(document().hidden());
    }

    pub(super) fn receive(&self, event: BridgeEvent) {
        match event {
            BridgeEvent::Message(FromWorker::Ready(info)) => {
                if self.first_module_load_ms.get_untracked().is_none() {
                    self.first_module_load_ms.set(Some(info.module_load_ms));
                }
                self.worker.set(Some(info))
            }
            BridgeEvent::Message(FromWorker::Checked(report)) => self.check.set(Some(report)),
            BridgeEvent::Message(FromWorker::Timeline(timeline)) => {
                self.timeline.set(Some(timeline))
            }
            BridgeEvent::Message(FromWorker::Table(table)) => {
                self.tables.update(|all| all.push(table))
            }
            // The bridge delivers a download with its file as `Download`,
            // and one without as a failure.
            BridgeEvent::Message(FromWorker::Download(_)) => {}
            BridgeEvent::Download(download, file) => match web_sys::Url::create_object_url_with_blob(&file) {
                Ok(url) => self.downloads.update(|all| all.push((download, url))),
                Err(error) => web_sys::console::error_1(&error),
            },
            BridgeEvent::Message(FromWorker::Flame(flame)) => {
                self.flames.update(|all| all.push(flame))
            }
            BridgeEvent::Message(FromWorker::Chart(chart)) => {
                self.charts.update(|all| all.push(chart))
            }
            BridgeEvent::Message(FromWorker::Image(image)) => {
                self.images.update(|all| all.push(image))
            }
            BridgeEvent::Message(FromWorker::SizeChecked(at)) => self.check.update(|report| {
                if let Some(report) = report {
                    // A variant that disagrees at any size disagrees.
                    for (name, _, agrees) in &at.outputs {
                        if let (Some(false), Some(own)) =
                            (agrees, report.variants.iter_mut().find(|v| &v.variant == name))
                        {
                            own.agrees = false;
                        }
                    }
                    report.by_size.push(at);
                }
            }),
            BridgeEvent::Message(FromWorker::VariantChecked(check)) => {
                self.check.update(|report| {
                    if let Some(report) = report {
                        report.variants.push(check);
                    }
                })
            }
            BridgeEvent::Message(FromWorker::MemorySteps(steps)) => {
                self.memory_steps.update(|all| all.push(steps))
            }
            BridgeEvent::Message(FromWorker::Unavailable { variant, reason }) => {
                self.unavailable.update(|all| all.push((variant, reason)))
            }
            BridgeEvent::Message(FromWorker::Progress { done, total, label }) => {
                self.progress.set((done, total, label))
            }
            BridgeEvent::Message(FromWorker::Measured(m)) => {
                self.measurements.update(|all| all.push(m))
            }
            BridgeEvent::Message(FromWorker::Skipped(skip)) => {
                self.skips.update(|all| all.push(skip))
            }
            BridgeEvent::Message(FromWorker::ThreadPoint {
                threads,
                measurement,
            }) => self
                .thread_points
                .update(|all| all.push((threads, measurement))),
            BridgeEvent::Message(FromWorker::Rows(rows)) => self.analysed.set(Some(rows)),
            BridgeEvent::Message(FromWorker::Done) => self.state.set(RunState::Done),
            BridgeEvent::Message(FromWorker::Failed { message }) => {
                self.state.set(RunState::Error);
                self.message.set(message);
            }
            // A threaded worker that fails before it is ready (no nested
            // workers, say) gives way to the single-threaded build.
            BridgeEvent::FailedToLoad(detail)
                if self.build.get_untracked() == "threaded"
                    && self.worker.get_untracked().is_none() =>
            {
                self.build.set("single");
                self.single_reason.set(Some(format!(
                    "the threaded build failed to start ({detail}); threads need a browser whose workers can start workers and share memory (current Chrome, Edge, Firefox or Safari)"
                )));
                if self.state.get_untracked() == RunState::Running {
                    self.state.set(RunState::Error);
                    self.message.set("the threaded worker failed to start; the single-threaded one is ready: run again".into());
                }
            }
            BridgeEvent::FailedToLoad(detail) => {
                self.state.set(RunState::Error);
                self.message.set(format!(
                    "the worker did not load ({detail}); check that the site is reachable, then run again"
                ));
            }
            BridgeEvent::Crashed(detail) => {
                let was = self.state.get_untracked();
                self.state.set(RunState::Error);
                self.message.update(|message| {
                    if was != RunState::Error || message.is_empty() {
                        // A panic posts its message first; a trap without
                        // one is, in these kernels, an allocation that
                        // failed (Rust aborts when memory runs out).
                        let hint = if detail.contains("unreachable") {
                            ": most likely out of memory, as WebAssembly memory is limited (1 GiB in the threaded build); try smaller sizes"
                        } else {
                            ""
                        };
                        *message = format!(
                            "the worker stopped ({detail}{hint}); a fresh worker was started"
                        );
                    } else {
                        message.push_str("; a fresh worker was started");
                    }
                });
            }
        }
    }
}

#[component]
pub(super) fn Status(run: Run) -> impl IntoView {
    let text = move || match run.state.get() {
        RunState::Idle => "ready: edit the parameters and press Run".to_string(),
        RunState::Running => format!("running: {}", run.progress.read().2),
        RunState::Done => "done".to_string(),
        RunState::Cancelled | RunState::Error => run.message.get(),
    };
    let capabilities = run.capabilities;
    view! {
        <div class="status">
            // A live region: screen readers announce each new state.
            <p data-testid="status" role="status" aria-live="polite" data-state=move || run.state.get().as_str()>{text}</p>
            <progress data-testid="progress" aria-label="the run's progress"
                max=move || run.progress.read().1.max(1)
                value=move || run.progress.read().0 />
            {move || {
                let caps = capabilities.get();
                let info = run.worker.get();
                let flag = |on: bool| if on { "true" } else { "false" };
                let resolution_us = info.as_ref().map(|i| format!("{:.1}", i.timer_resolution_ns / 1e3));
                let isolated = caps.as_ref().map(|c| flag(c.isolated));
                let cores = caps.as_ref().map(|c| c.cores);
                let simd = caps.as_ref().map(|c| flag(c.simd));
                let threads = caps.as_ref().map(|c| flag(c.threads));
                let webgpu = caps.as_ref().map(|c| c.webgpu.0);
                view! {
                    <dl class="capabilities" data-testid="capabilities"
                        data-build=info.as_ref().map(|i| i.build.clone())
                        data-module=info.as_ref().map(|i| i.module.clone())
                        data-pool-threads=info.as_ref().map(|i| i.pool_threads)
                        data-nested-workers=info.as_ref().map(|i| flag(i.nested_workers))
                        data-timer-resolution-us=resolution_us.clone()
                        data-isolated=isolated
                        data-cores=cores
                        data-simd=simd
                        data-threads=threads
                        data-webgpu=webgpu>
                        <dt>"threads"</dt>
                        <dd data-testid="build-reason">{move || match run.single_reason.get() {
                            Some(reason) => format!("single-threaded build: {reason}"),
                            None => "threaded build: kernels run on a pool of Web Workers sharing memory".to_string(),
                        }}</dd>
                        <dt>"worker"</dt>
                        <dd>{info.as_ref().map_or("starting".to_string(), |i| format!(
                            "{} build {} of module {}, {} pool threads; timer resolution {}; empty kernel {} per call",
                            i.build, i.version, i.module, i.pool_threads, format_ns(i.timer_resolution_ns), format_ns(i.empty_kernel_ns)))}</dd>
                        <dt>"nested workers"</dt>
                        <dd>{info.as_ref().map_or("starting".to_string(), |i| if i.nested_workers {
                            "yes: the worker can start the pool's workers".to_string()
                        } else {
                            "no: this browser's workers cannot start workers, so no thread pool".to_string()
                        })}</dd>
                        {caps.map(|c| view! {
                            <dt>"isolation"</dt>
                            <dd>{if c.isolated { "cross-origin isolated: SharedArrayBuffer and the 5 µs timer are available" }
                                 else { "not cross-origin isolated: no SharedArrayBuffer, the timer is coarsened" }}</dd>
                            <dt>"cores"</dt><dd>{c.cores}</dd>
                            <dt>"WebAssembly"</dt>
                            <dd>{format!("SIMD {}, threads {}", if c.simd { "yes" } else { "no" }, if c.threads { "yes" } else { "no" })}</dd>
                            <dt>"WebGPU"</dt>
                            <dd>{match c.webgpu.0 {
                                "software" => format!("software adapter ({}): slower than your CPU", c.webgpu.1),
                                "hardware" => format!("hardware adapter ({})", c.webgpu.1),
                                _ => format!("none: {}", c.webgpu.1),
                            }}</dd>
                            <dt>"browser"</dt><dd class="browser">{c.browser}</dd>
                        })}
                    </dl>
                }
            }}
        </div>
    }
}
