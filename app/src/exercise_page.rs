//! One exercise: its explanation, parameter form, variants with their code,
//! the run controls, the check, the results table and the plot.

use std::collections::BTreeMap;

use exercises::analysis::{self, Environment, Row, format_bytes, format_ns};
use exercises::params::{self, ParamError};
use exercises::protocol::{CheckReport, FromWorker, Measurement, Skip, ToWorker, WorkerInfo};
use exercises::stats::Estimate;
use exercises::{Exercise, find};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{JsCast, JsValue};

use crate::base_path;
use crate::bridge::{BridgeEvent, WorkerBridge};
use crate::plot;

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

/// The route `exercises/:id`.
#[component]
pub fn ExercisePage() -> impl IntoView {
    let route = use_params_map();
    move || {
        let id = route.read().get("id").unwrap_or_default();
        match find(&id) {
            Some(exercise) => view! { <ExerciseView exercise /> }.into_any(),
            None => view! {
                <p data-testid="not-found">"There is no exercise called “" {id} "”. "
                    <a href=format!("{}/", base_path())>"All exercises"</a>
                </p>
            }
            .into_any(),
        }
    }
}

/// Everything the page shows about a run, updated by worker messages.
#[derive(Clone, Copy)]
struct Run {
    state: RwSignal<RunState>,
    message: RwSignal<String>,
    progress: RwSignal<(u32, u32, String)>,
    check: RwSignal<Option<CheckReport>>,
    measurements: RwSignal<Vec<Measurement>>,
    skips: RwSignal<Vec<Skip>>,
    worker: RwSignal<Option<WorkerInfo>>,
    /// Whether the tab was hidden at some point of the current run.
    hidden: RwSignal<bool>,
    /// What the browser can do, detected once.
    capabilities: LocalResource<crate::capabilities::Capabilities>,
    /// The exercise's tables of figures.
    tables: RwSignal<Vec<exercises::protocol::DemoTable>>,
    /// The parameters of the run under way or last run.
    values: RwSignal<Option<params::ParamValues>>,
    /// Call trees recorded by the exercise's profiler.
    flames: RwSignal<Vec<exercises::protocol::Flame>>,
    /// Variants that cannot run here (no WebGPU adapter), with the reason.
    unavailable: RwSignal<Vec<(String, String)>>,
    /// Memory after each step of one call, per variant.
    memory_steps: RwSignal<Vec<exercises::protocol::MemorySteps>>,
    /// Images computed by the run (the Mandelbrot set).
    images: RwSignal<Vec<exercises::protocol::Image>>,
    /// The module load time of the page's first worker: later workers load
    /// the module from the browser's cache.
    first_module_load_ms: RwSignal<Option<f64>>,
    /// The exercise's demonstration, if it has one.
    timeline: RwSignal<Option<exercises::protocol::Timeline>>,
    /// The thread sweep's measurements, by thread count.
    thread_points: RwSignal<Vec<(usize, Measurement)>>,
    /// Which worker build runs: "threaded" or "single".
    build: RwSignal<&'static str>,
    /// Why the single-threaded build runs, when it does.
    single_reason: RwSignal<Option<String>>,
}

impl Run {
    fn new() -> Run {
        Run {
            state: RwSignal::new(RunState::Idle),
            message: RwSignal::new(String::new()),
            progress: RwSignal::new((0, 0, String::new())),
            check: RwSignal::new(None),
            measurements: RwSignal::new(Vec::new()),
            skips: RwSignal::new(Vec::new()),
            worker: RwSignal::new(None),
            hidden: RwSignal::new(false),
            capabilities: LocalResource::new(crate::capabilities::detect),
            thread_points: RwSignal::new(Vec::new()),
            timeline: RwSignal::new(None),
            flames: RwSignal::new(Vec::new()),
            images: RwSignal::new(Vec::new()),
            unavailable: RwSignal::new(Vec::new()),
            memory_steps: RwSignal::new(Vec::new()),
            first_module_load_ms: RwSignal::new(None),
            values: RwSignal::new(None),
            tables: RwSignal::new(Vec::new()),
            build: RwSignal::new("single"),
            single_reason: RwSignal::new(None),
        }
    }

    fn reset(&self) {
        self.message.set(String::new());
        self.progress.set((0, 0, "starting the worker".into()));
        self.check.set(None);
        self.measurements.set(Vec::new());
        self.skips.set(Vec::new());
        self.thread_points.set(Vec::new());
        self.timeline.set(None);
        self.tables.set(Vec::new());
        self.flames.set(Vec::new());
        self.images.set(Vec::new());
        self.unavailable.set(Vec::new());
        self.memory_steps.set(Vec::new());
        self.hidden.set(document().hidden());
    }

    fn receive(&self, event: BridgeEvent) {
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
            BridgeEvent::Message(FromWorker::Flame(flame)) => {
                self.flames.update(|all| all.push(flame))
            }
            BridgeEvent::Message(FromWorker::Image(image)) => {
                self.images.update(|all| all.push(image))
            }
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
            BridgeEvent::Message(FromWorker::Done) => self.state.set(RunState::Done),
            BridgeEvent::Message(FromWorker::Failed { message }) => {
                self.state.set(RunState::Error);
                self.message.set(message);
            }
            // A threaded worker that fails before it is ready (no nested
            // workers, say) gives way to the single-threaded build.
            BridgeEvent::Crashed(detail)
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

/// The raw text of every parameter: from the URL, else the default.
fn initial_params(exercise: &'static Exercise) -> BTreeMap<String, String> {
    let search = window().location().search().unwrap_or_default();
    let mut from_url = params::from_query(&search);
    // Use every core unless the link says otherwise.
    from_url
        .entry("threads".into())
        .or_insert_with(|| cores().to_string());
    exercise
        .all_params()
        .map(|spec| {
            let text = from_url
                .get(spec.name)
                .cloned()
                .unwrap_or_else(|| spec.default.to_string());
            (spec.name.to_string(), text)
        })
        .collect()
}

/// `navigator.hardwareConcurrency`.
fn cores() -> u32 {
    window().navigator().hardware_concurrency().max(1.0) as u32
}

/// The worker build this page can run, or why only the single one.
fn choose_build() -> Result<(), String> {
    let global = js_sys::global();
    let isolated = js_sys::Reflect::get(&global, &"crossOriginIsolated".into())
        .ok()
        .and_then(|v| v.as_bool());
    let shared = js_sys::Reflect::has(&global, &"SharedArrayBuffer".into()).unwrap_or(false);
    match (isolated, shared) {
        (Some(true), true) => Ok(()),
        _ => Err("the page is not cross-origin isolated, so there is no SharedArrayBuffer for threads: \
                  it needs the COOP/COEP headers, which the dev server sends and the site's service \
                  worker adds on static hosts (a hard reload, a private window or blocked service \
                  workers bypass it)"
            .into()),
    }
}

fn worker_url(build: &str, threads: u64) -> String {
    format!(
        "{}/worker/{build}/bootstrap.js?threads={threads}",
        base_path()
    )
}

fn query_of(exercise: &'static Exercise, raw: &BTreeMap<String, String>) -> String {
    params::to_query(
        exercise
            .all_params()
            .map(|spec| (spec.name, raw.get(spec.name).map_or("", String::as_str))),
    )
}

#[component]
fn ExerciseView(exercise: &'static Exercise) -> impl IntoView {
    let raw = RwSignal::new(initial_params(exercise));
    let errors = Memo::new(move |_| {
        let mut errors = params::parse(exercise.all_params(), &raw.read())
            .err()
            .unwrap_or_default();
        // The thread count's real limit is this machine's, known only here.
        let threads = raw
            .read()
            .get("threads")
            .and_then(|t| t.trim().parse::<u64>().ok());
        if threads.is_some_and(|t| t > u64::from(cores()))
            && !errors.iter().any(|e| e.name == "threads")
        {
            errors.push(ParamError {
                name: "threads".into(),
                message: format!(
                    "threads: at most {} on this machine; allowed: a whole number from 1 to {}",
                    cores(),
                    cores()
                ),
            });
        }
        errors
    });
    let run = Run::new();
    // The analysed rows (bootstrap intervals): computed once per update,
    // shared by the results and the start-up table.
    let rows = Memo::new(move |_| analysis::rows(exercise, &run.measurements.read()));
    match choose_build() {
        Ok(()) => run.build.set("threaded"),
        Err(reason) => run.single_reason.set(Some(reason)),
    }

    // Keep the URL in step with the form, so a reload or a shared link
    // restores the parameters (bad ones too, with their messages).
    Effect::new(move |_| {
        let query = query_of(exercise, &raw.read());
        let path = window().location().pathname().unwrap_or_default();
        let _ = window().history().map(|history| {
            history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}?{query}")))
        });
    });

    // Background tabs are throttled: remember if the tab was hidden mid-run.
    let visibility = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().hidden() && run.state.get_untracked() == RunState::Running {
            run.hidden.set(true);
        }
    });
    on_cleanup(move || visibility.remove());

    let threads_now = move || {
        raw.read_untracked()
            .get("threads")
            .and_then(|t| t.parse().ok())
            .unwrap_or(1)
    };
    let first_url = worker_url(run.build.get_untracked(), threads_now());
    let bridge = StoredValue::new_local(WorkerBridge::new(first_url, move |event| {
        run.receive(event)
    }));
    // A fallback to the single build swaps the worker.
    Effect::new(move |_| {
        let url = worker_url(run.build.get(), threads_now());
        bridge.with_value(|bridge| bridge.set_url(url));
    });
    on_cleanup(move || {
        bridge.try_with_value(WorkerBridge::terminate);
    });

    // A local file the learner picked (exercises that take one): a handle
    // posted to the worker with the request, never read on this thread.
    let local_file = StoredValue::new_local(None::<web_sys::File>);
    let local_name = RwSignal::new(None::<String>);
    let file_input = NodeRef::<leptos::html::Input>::new();

    let start = move |_| {
        if !errors.read().is_empty() {
            return;
        }
        run.reset();
        run.state.set(RunState::Running);
        run.values
            .set(params::parse(exercise.all_params(), &raw.read_untracked()).ok());
        let query = query_of(exercise, &raw.read_untracked());
        // The pool size is fixed when a worker starts: a new count needs a new worker.
        let threads = if run.build.get_untracked() == "threaded" {
            threads_now()
        } else {
            1
        };
        if run
            .worker
            .get_untracked()
            .is_some_and(|info| info.pool_threads as u64 != threads)
        {
            run.worker.set(None);
        }
        bridge.with_value(|bridge| {
            bridge.set_url(worker_url(run.build.get_untracked(), threads));
            bridge.send(
                ToWorker::Run {
                    exercise: exercise.id.into(),
                    query,
                },
                local_file.get_value(),
            );
        });
    };
    let cancel = move |_| {
        bridge.with_value(WorkerBridge::restart);
        run.state.set(RunState::Cancelled);
        run.message
            .set("cancelled: the worker was stopped and a fresh one started".into());
    };
    let running = move || run.state.get() == RunState::Running;

    view! {
        <article class="exercise">
            <h1>{exercise.title}</h1>
            <p class="seed">"From " {exercise.seed}</p>
            <section class="explanation">
                {exercise.explanation.iter().map(|paragraph| view! { <p>{*paragraph}</p> }).collect_view()}
            </section>

            <section class="controls">
                <h2>"Parameters"</h2>
                <form class="params" on:submit=move |event| event.prevent_default()>
                    {exercise.all_params().map(|spec| {
                        let name = spec.name;
                        let error = move || errors.read().iter().find(|e| e.name == name).map(|e: &ParamError| e.message.clone());
                        view! {
                            <label class="param">
                                <span class="label">{spec.label}</span>
                                <input
                                    type="text"
                                    name=name
                                    data-testid=format!("param-{name}")
                                    prop:value=move || raw.read().get(name).cloned().unwrap_or_default()
                                    aria-invalid=move || if error().is_some() { "true" } else { "false" }
                                    on:input=move |event| raw.update(|all| { all.insert(name.to_string(), event_target_value(&event)); })
                                />
                                <small class="help">{spec.help}</small>
                                {move || error().map(|message| view! {
                                    <span class="param-error" role="alert" data-testid=format!("param-error-{name}")>{message}</span>
                                })}
                            </label>
                        }
                    }).collect_view()}
                    {exercise.local_file.map(|help| view! {
                        <label class="param">
                            <span class="label">"local file"</span>
                            <input type="file" accept=".csv,text/csv,text/plain" data-testid="param-file" node_ref=file_input
                                on:change=move |event| {
                                    let input: web_sys::HtmlInputElement = event_target(&event);
                                    let file = input.files().and_then(|files| files.get(0));
                                    local_name.set(file.as_ref().map(|f| format!("{} ({:.1} MB)", f.name(), f.size() / 1e6)));
                                    local_file.set_value(file);
                                } />
                            <small class="help">{help}</small>
                            {move || local_name.get().map(|name| view! {
                                <small class="help" data-testid="local-file">
                                    "Reading " {name} " instead of a generated file (a local file is not part of the link). "
                                    <button type="button" data-testid="clear-file" on:click=move |_| {
                                        local_file.set_value(None);
                                        local_name.set(None);
                                        if let Some(input) = file_input.get() {
                                            input.set_value("");
                                        }
                                    }>"Use a generated file"</button>
                                </small>
                            })}
                        </label>
                    })}
                    <div class="buttons">
                        <button type="submit" data-testid="run" on:click=start
                            disabled=move || running() || !errors.read().is_empty()>"Run"</button>
                        <button type="button" data-testid="cancel" on:click=cancel disabled=move || !running()>"Cancel"</button>
                    </div>
                </form>
                <Status run />
            </section>

            <Variants exercise run />
            <Results exercise run rows />
            <TimelineView run />
            <MemoryOverSteps exercise run />
            <Images run />
            <DemoTables run />
            <FlameGraphs run />
            <StartupCosts exercise run rows />
        </article>
    }
}

#[component]
fn Status(run: Run) -> impl IntoView {
    let text = move || match run.state.get() {
        RunState::Idle => "ready: edit the parameters and press Run".to_string(),
        RunState::Running => format!("running: {}", run.progress.read().2),
        RunState::Done => "done".to_string(),
        RunState::Cancelled | RunState::Error => run.message.get(),
    };
    let capabilities = run.capabilities;
    view! {
        <div class="status">
            <p data-testid="status" data-state=move || run.state.get().as_str()>{text}</p>
            <progress data-testid="progress"
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
                            "{} build {}, {} pool threads; timer resolution {}; empty kernel {} per call",
                            i.build, i.version, i.pool_threads, format_ns(i.timer_resolution_ns), format_ns(i.empty_kernel_ns)))}</dd>
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

#[component]
fn Variants(exercise: &'static Exercise, run: Run) -> impl IntoView {
    let checked = move |name: &str| {
        run.check.read().as_ref().and_then(|report| {
            report
                .variants
                .iter()
                .find(|check| check.variant == name)
                .cloned()
        })
    };
    let unavailable = move |name: &str| {
        run.unavailable
            .read()
            .iter()
            .find(|(variant, _)| variant == name)
            .map(|(_, reason)| reason.clone())
    };
    let cases = move || {
        run.check
            .read()
            .as_ref()
            .map(|report| report.cases.clone())
            .unwrap_or_default()
    };
    view! {
        <section class="variants">
            <h2>"Variants"</h2>
            <p class="note">"Before anything is timed, every variant runs on the same inputs and its output is \
                compared with the naive one; a variant that disagrees is reported and not timed."</p>
            {exercise.all_variants().map(|variant| view! {
                <div class="variant" data-testid=format!("variant-{}", variant.name)>
                    <h3><code>{variant.name}</code> " " <span class="growth">{variant.growth.label()}</span></h3>
                    <p>{variant.technique}</p>
                    {exercise.gpu_variant(variant.name).map(|gpu| view! {
                        <p class="note">"Checked against the CPU: " {gpu.tolerance} "."</p>
                    })}
                    {move || unavailable(variant.name).map(|reason| view! {
                        <p class="unavailable" data-testid=format!("unavailable-{}", variant.name)>{format!("unavailable: {reason}")}</p>
                    })}
                    <dl class="check">
                        {move || checked(variant.name).map(|check| {
                            let verdict = match (check.agrees, exercise.on_gpu(variant.name)) {
                                (true, false) => "agrees with naive",
                                (false, false) => "DISAGREES with naive: not timed",
                                (true, true) => "within tolerance of the CPU result",
                                (false, true) => "OUTSIDE the tolerance of the CPU result: not timed",
                            };
                            view! {
                                <dt>{cases().first().cloned().unwrap_or_default()}</dt>
                                <dd><code data-testid=format!("checked-{}", check.variant)>{check.outputs.first().cloned().unwrap_or_default()}</code></dd>
                                {cases().into_iter().zip(check.outputs.clone()).skip(1).map(|(case, output)| view! {
                                    <dt>{case}</dt><dd><code>{output}</code></dd>
                                }).collect_view()}
                                <dd class=if check.agrees { "agrees" } else { "disagrees" }>{verdict}</dd>
                            }
                        })}
                    </dl>
                    <details>
                        <summary>"code"</summary>
                        <pre><code>{exercise.variant_source(variant.name).unwrap_or("source not found")}</code></pre>
                    </details>
                </div>
            }).collect_view()}
        </section>
    }
}

/// "12.4× [11.9, 13.0]".
fn ratio_text(s: &Estimate) -> String {
    format!("{:.1}× [{:.1}, {:.1}]", s.point, s.low, s.high)
}

#[component]
fn Results(exercise: &'static Exercise, run: Run, rows: Memo<Vec<Row>>) -> impl IntoView {
    let time_plot = NodeRef::<leptos::html::Canvas>::new();
    let speedup_plot = NodeRef::<leptos::html::Canvas>::new();
    let distribution_plot = NodeRef::<leptos::html::Canvas>::new();
    let memory_plot = NodeRef::<leptos::html::Canvas>::new();
    let throughput_plot = NodeRef::<leptos::html::Canvas>::new();
    let allocates = move || rows.read().iter().any(|row| row.memory.allocations > 0);
    let chosen_size = RwSignal::new(None::<u64>);
    let sizes = move || {
        let mut sizes: Vec<u64> = run.measurements.read().iter().map(|m| m.size).collect();
        sizes.sort_unstable();
        sizes.dedup();
        sizes
    };
    let distribution_size = move || {
        chosen_size
            .get()
            .filter(|s| sizes().contains(s))
            .or_else(|| sizes().last().copied())
    };
    Effect::new(move |_| {
        let series = plot::series(exercise, &rows.read());
        if let Some(canvas) = time_plot.get() {
            draw(&canvas, 0.55, |area, scale| {
                plot::time_vs_size(area, &series, "n", scale)
            });
        }
        if let Some(canvas) = speedup_plot.get() {
            draw(&canvas, 0.45, |area, scale| {
                plot::speedups(area, exercise, &rows.read(), scale)
            });
        }
    });
    Effect::new(move |_| {
        let (Some(canvas), Some(work), Some(values)) =
            (throughput_plot.get(), exercise.work, run.values.get())
        else {
            return;
        };
        let per_call = move |size: u64| (work.per_call)(size, &values);
        draw(&canvas, 0.45, |area, scale| {
            plot::throughput_vs_size(area, exercise, &rows.read(), work.unit, &per_call, scale)
        });
    });
    // Its own effect: the canvas exists only once something allocates.
    Effect::new(move |_| {
        if let Some(canvas) = memory_plot.get() {
            draw(&canvas, 0.45, |area, scale| {
                plot::time_vs_memory(area, exercise, &rows.read(), scale)
            });
        }
    });
    Effect::new(move |_| {
        let Some(size) = distribution_size() else {
            return;
        };
        let colour = |name: &str| {
            exercise
                .all_variants()
                .position(|v| v.name == name)
                .unwrap_or(0)
        };
        let strips: Vec<(String, usize, Vec<f64>)> = run
            .measurements
            .read()
            .iter()
            .filter(|m| m.size == size)
            .map(|m| (m.variant.clone(), colour(&m.variant), m.per_call_ns()))
            .collect();
        if let Some(canvas) = distribution_plot.get() {
            draw(&canvas, 0.35, |area, scale| {
                plot::distribution(area, &strips, size, scale)
            });
        }
    });
    let table = move || {
        rows.read().iter().map(|row: &Row| {
            let speedup = row.speedup.map(|s| view! {
                <span data-testid="speedup" data-variant=row.variant.clone() data-size=row.size
                    data-ratio=s.point data-ci-low=s.low data-ci-high=s.high>{ratio_text(&s)}</span>
            });
            let outliers = format!("{} mild, {} severe", row.outliers.total() - row.outliers.severe(), row.outliers.severe());
            view! {
                <tr data-testid="result-row" data-variant=row.variant.clone() data-size=row.size
                    data-ns-per-call=row.per_call.point data-ci-low-ns=row.per_call.low data-ci-high-ns=row.per_call.high
                    data-allocations=row.memory.allocations data-peak-bytes=row.memory.peak_bytes>
                    <td><code>{row.variant.clone()}</code></td>
                    <td class="num">{row.size}</td>
                    <td class="num">{format_ns(row.per_call.point)}</td>
                    <td class="num">"[" {format_ns(row.per_call.low)} ", " {format_ns(row.per_call.high)} "]"</td>
                    <td class="num">{row.r2.map_or("—".to_string(), |r2| format!("{r2:.3}"))}</td>
                    <td class="num">{format_ns(row.summary.median)} " ± " {format_ns(row.summary.mad)}</td>
                    <td class="num">{outliers}</td>
                    <td class="num">{row.summary.count}</td>
                    <td class="num">{exercise.work.zip(run.values.get()).map(|(work, values)| work.rate(row.size, &values, row.per_call.point))}</td>
                    {match exercise.on_gpu(&row.variant) {
                        // GPU memory is not the worker's allocator's to count.
                        true => view! { <td class="num">"—"</td><td class="num">"—"</td> }.into_any(),
                        false => view! {
                            <td class="num">{row.memory.allocations}</td>
                            <td class="num">{format_bytes(row.memory.peak_bytes)}</td>
                        }.into_any(),
                    }}
                    <td class="num">{speedup}</td>
                </tr>
            }
        }).collect_view()
    };
    let target = &exercise.target;
    let verdict = move || {
        match analysis::verdict(exercise, &rows.read()) {
        Some((speedup, pass)) => view! {
            <span data-testid="verdict" data-pass=if pass { "true" } else { "false" }
                class=if pass { "pass" } else { "not-yet" }>
                {if pass { "Passed: " } else { "Not yet: " }} {ratio_text(&speedup)} ", target ≥ " {exercise.target.speedup} "×"
            </span>
        }.into_any(),
        None => view! { <span>"include n = " {exercise.target.size} " in the sizes to check it"</span> }.into_any(),
    }
    };
    let fits = move || {
        analysis::fits(exercise, &rows.read()).into_iter().map(|(variant, fit)| view! {
        <li data-testid="fit" data-variant=variant data-class=fit.class.label() data-slope=fit.slope.point>
            <code>{variant}</code> ": grows like O(" {fit.class.label()} "), log-log slope "
            {format!("{:.2} [{:.2}, {:.2}]", fit.slope.point, fit.slope.low, fit.slope.high)}
        </li>
    }).collect_view()
    };
    let diagnostics = move || {
        let info = run.worker.get();
        let environment = Environment {
            timer_resolution_ns: info.as_ref().map_or(0.0, |i| i.timer_resolution_ns),
            empty_kernel_ns: info.as_ref().map_or(0.0, |i| i.empty_kernel_ns),
            hidden_during_run: run.hidden.get(),
        };
        analysis::diagnose(&run.measurements.read(), &rows.read(), environment)
            .into_iter()
            .map(|d| {
                view! {
                    <li data-testid="diagnostic" data-kind=d.kind>{d.message}</li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="results">
            <h2>"Results"</h2>
            <p class="target" data-testid="target">
                "Target: " <code>{target.variant}</code> " at least " {target.speedup} "× faster than "
                <code>{target.baseline}</code> " at n = " {target.size} " — " {verdict}
            </p>
            <ul class="diagnostics">{diagnostics}</ul>
            <canvas node_ref=time_plot data-testid="plot" class="plot"></canvas>
            <ul class="fits">{fits}</ul>
            <ul class="skips">
                {move || run.skips.read().iter().map(|skip| view! {
                    <li data-testid="skip-note">
                        <code>{skip.variant.clone()}</code> " at n = " {skip.size} " skipped: one call is predicted to take "
                        {format_ns(skip.predicted_ns)} ", and a measurement needs several calls within the budget of "
                        {format_ns(skip.budget_ns)} "."
                    </li>
                }).collect_view()}
            </ul>
            <canvas node_ref=speedup_plot data-testid="plot" class="plot"></canvas>
            <table class="results-table">
                <thead><tr>
                    <th>"variant"</th><th>"n"</th><th>"time per call"</th><th>"95% interval"</th><th>"R²"</th>
                    <th>"median ± MAD"</th><th>"outliers"</th><th>"samples"</th><th>"throughput"</th><th>"allocations"</th><th>"peak memory"</th><th>"speedup vs " {target.baseline}</th>
                </tr></thead>
                <tbody>{table}</tbody>
            </table>
            {exercise.work.is_some().then(|| view! {
                <canvas node_ref=throughput_plot data-testid="plot" data-plot="throughput" class="plot"></canvas>
            })}
            <Show when=allocates>
                <p class="memory-note" data-testid="memory-note">
                    "Memory is counted by the worker's allocator during each variant's first call: allocations, and how far \
                     the live bytes rose (peak). WebAssembly memory only grows, never shrinks, so its size (now "
                    {move || run.measurements.read().iter().map(|m| m.memory.wasm_memory_bytes).max().map(format_bytes)}
                    ") says how big the heap once was, not what is in use."
                </p>
                <canvas node_ref=memory_plot data-testid="plot" class="plot"></canvas>
            </Show>
            <p class="distribution-controls">
                <label>"samples at n = "
                    <select data-testid="distribution-size" on:change=move |event| chosen_size.set(event_target_value(&event).parse().ok())>
                        {move || sizes().into_iter().map(|size| view! {
                            <option value=size selected=move || distribution_size() == Some(size)>{size}</option>
                        }).collect_view()}
                    </select>
                </label>
            </p>
            <canvas node_ref=distribution_plot data-testid="plot" class="plot"></canvas>
            <ThreadSweep exercise run />
            <Export exercise run rows />
        </section>
    }
}

#[component]
fn DemoTables(run: Run) -> impl IntoView {
    move || {
        run.tables.get().into_iter().map(|table| view! {
            <section class="demo-table">
                <h2>{table.title}</h2>
                <p>{table.caption}</p>
                <table data-testid="demo-table" data-table=table.id>
                    <thead><tr>{table.columns.into_iter().map(|c| view! { <th>{c}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {table.rows.into_iter().enumerate().map(|(index, row)| view! {
                            <tr class:highlighted=index < table.highlighted>{row.into_iter().map(|cell| view! { <td class="num">{cell}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }).collect_view()
    }
}

#[component]
fn MemoryOverSteps(exercise: &'static Exercise, run: Run) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let steps = run.memory_steps.get();
        if let (false, Some(canvas)) = (steps.is_empty(), canvas.get()) {
            draw(&canvas, 0.45, |area, scale| {
                plot::memory_steps(area, exercise, &steps, scale)
            });
        }
    });
    let size = move || run.memory_steps.read().first().map_or(0, |s| s.size);
    view! {
        <Show when=move || !run.memory_steps.read().is_empty()>
            <section class="demo-table">
                <h2>"Memory over the steps of one call"</h2>
                <p>{move || format!(
                    "One call of every variant at {} = {}, with the counting allocator read after each step. \
                     The last columns set the seed's memory_estimate beside what was measured at the end; \
                     WebAssembly memory only grows, so its size shows the largest heap so far, not what is in use.",
                    exercise.size_param, size()
                )}</p>
                <canvas node_ref=canvas data-testid="plot" data-plot="memory-steps" class="plot"></canvas>
                <table data-testid="demo-table" data-table="memory-steps">
                    <thead><tr>
                        <th>"variant"</th><th>"live at the end"</th><th>"peak live"</th>
                        <th>"seed's estimate at the end"</th><th>"WebAssembly memory"</th>
                    </tr></thead>
                    <tbody>
                        {move || run.memory_steps.get().into_iter().map(|steps| {
                            let last = |values: &[u64]| values.last().copied().unwrap_or(0);
                            view! {
                                <tr data-variant=steps.variant.clone()>
                                    <td><code>{steps.variant.clone()}</code></td>
                                    <td class="num">{format_bytes(last(&steps.live_bytes))}</td>
                                    <td class="num">{format_bytes(steps.live_bytes.iter().copied().max().unwrap_or(0))}</td>
                                    <td class="num">{format_bytes(last(&steps.estimate_bytes))}</td>
                                    <td class="num">{format_bytes(last(&steps.wasm_memory_bytes))}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </Show>
    }
}

#[component]
fn Images(run: Run) -> impl IntoView {
    move || {
        run.images.get().into_iter().map(|image| {
            let canvas = NodeRef::<leptos::html::Canvas>::new();
            let (id, title, caption) = (image.id.clone(), image.title.clone(), image.caption.clone());
            Effect::new(move |_| {
                if let Some(canvas) = canvas.get() {
                    if let Err(error) = put_image(&canvas, &image) {
                        web_sys::console::error_1(&error);
                    }
                }
            });
            view! {
                <section class="image">
                    <h2>{title}</h2>
                    <p>{caption}</p>
                    <canvas node_ref=canvas data-testid="image" data-image=id class="counts"></canvas>
                </section>
            }
        }).collect_view()
    }
}

/// Draws an image of counts pixel for pixel; CSS scales it to a square.
fn put_image(
    canvas: &web_sys::HtmlCanvasElement,
    image: &exercises::protocol::Image,
) -> Result<(), JsValue> {
    canvas.set_width(image.width);
    canvas.set_height(image.height);
    let rgba = plot::colour_map(&image.counts, image.max);
    let data = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(&rgba),
        image.width,
        image.height,
    )?;
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or("no 2d context")?
        .unchecked_into();
    context.put_image_data(&data, 0.0, 0.0)
}

/// What starting costs before the first result: loading the worker's
/// module (compile and instantiate), and each variant's first call, cold,
/// beside its warm time per call.
#[component]
fn StartupCosts(exercise: &'static Exercise, run: Run, rows: Memo<Vec<Row>>) -> impl IntoView {
    move || {
        let info = run.worker.get()?;
        let first = run
            .first_module_load_ms
            .get()
            .unwrap_or(info.module_load_ms);
        let smallest: Vec<Row> = exercise
            .all_variants()
            .filter_map(|variant| {
                rows.read()
                    .iter()
                    .filter(|row| row.variant == variant.name)
                    .min_by_key(|row| row.size)
                    .cloned()
            })
            .collect();
        Some(view! {
            <section class="demo-table">
                <h2>"Start-up costs: compiling, caching, the first call"</h2>
                <p>"The worker's module is compiled and instantiated when a worker starts; every run starts a \
                    fresh worker, and after the first the browser reuses the compiled code it cached. A \
                    variant's first call runs on code V8 compiled quickly (Liftoff) and pays for any \
                    first-time allocation; the warm time is after its hot code was recompiled optimized."</p>
                <table data-testid="demo-table" data-table="startup">
                    <thead><tr><th>"what"</th><th>"first"</th><th>"later"</th></tr></thead>
                    <tbody>
                        <tr data-testid="module-load">
                            <td>"worker module: compile and instantiate"</td>
                            <td class="num">{format!("{first:.1} ms (page's first worker)")}</td>
                            <td class="num">{format!("{:.1} ms (this run's worker)", info.module_load_ms)}</td>
                        </tr>
                        {smallest.into_iter().map(|row| view! {
                            <tr>
                                <td>{format!("{}: one call at n = {}", row.variant, row.size)}</td>
                                <td class="num">{format!("{} (cold)", format_ns(row.first_call_ns))}</td>
                                <td class="num">{format!("{} (warm)", format_ns(row.per_call.point))}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })
    }
}

#[component]
fn FlameGraphs(run: Run) -> impl IntoView {
    move || {
        run.flames.get().into_iter().map(|flame| {
            let canvas = NodeRef::<leptos::html::Canvas>::new();
            let spans = flame.spans.len();
            let id = flame.id.clone();
            Effect::new(move |_| {
                if let Some(canvas) = canvas.get() {
                    draw(&canvas, 0.3, |area, scale| plot::flame(area, &flame, scale));
                }
            });
            view! {
                <canvas node_ref=canvas data-testid="flame" data-flame=id data-spans=spans class="plot"></canvas>
            }
        }).collect_view()
    }
}

#[component]
fn TimelineView(run: Run) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        if let (Some(timeline), Some(canvas)) = (run.timeline.get(), canvas.get()) {
            draw(&canvas, 0.3, |area, scale| {
                plot::timeline(area, &timeline, scale)
            });
        }
    });
    let count = move |kind: &str| {
        run.timeline
            .read()
            .as_ref()
            .map_or(0, |t| t.events.iter().filter(|e| e.kind == kind).count())
    };
    view! {
        <section class="timeline" class:hidden=move || run.timeline.read().is_none()>
            <h2>"Demonstration"</h2>
            <p data-testid="timeline" data-hits=move || count("hit") data-misses=move || count("miss")
                data-expired=move || count("expired")>
                {move || format!("{} hits, {} misses, {} expired", count("hit"), count("miss"), count("expired"))}
            </p>
            <canvas node_ref=canvas data-testid="plot" class="plot"></canvas>
        </section>
    }
}

#[component]
fn ThreadSweep(exercise: &'static Exercise, run: Run) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let points = Memo::new(move |_| analysis::scaling(&run.thread_points.read()));
    let serial = Memo::new(move |_| {
        let pairs: Vec<(usize, f64)> = points
            .read()
            .iter()
            .map(|p| (p.threads, p.speedup.point))
            .collect();
        analysis::amdahl_serial_fraction(&pairs)
    });
    Effect::new(move |_| {
        if let Some(canvas) = canvas.get() {
            draw(&canvas, 0.45, |area, scale| {
                plot::scaling(area, &points.read(), serial.get(), scale)
            });
        }
    });
    let Some(variant) = exercise.thread_sweep else {
        return ().into_any();
    };
    view! {
        <h3>"Thread scaling of " <code>{variant}</code></h3>
        <p class="note">"After the size sweep, the same variant runs with 1, 2, … threads of the pool at the \
            largest size measured. Efficiency is speedup per thread; Amdahl's law fits the serial fraction \
            that caps the speedup however many threads there are."</p>
        {move || serial.get().map(|s| view! {
            <p data-testid="amdahl" data-serial-fraction=s>
                "Serial fraction " {format!("{:.1}%", s * 100.0)} ": at most "
                {if s > 0.0 { format!("{:.1}×", 1.0 / s) } else { "unbounded".to_string() }} " with any number of threads."
            </p>
        })}
        <table class="results-table">
            <thead><tr><th>"threads"</th><th>"speedup [95%]"</th><th>"efficiency"</th></tr></thead>
            <tbody>
                {move || points.read().iter().map(|p| view! {
                    <tr data-testid="thread-point" data-threads=p.threads data-speedup=p.speedup.point data-efficiency=p.efficiency>
                        <td class="num">{p.threads}</td>
                        <td class="num">{ratio_text(&p.speedup)}</td>
                        <td class="num">{format!("{:.0}%", p.efficiency * 100.0)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <canvas node_ref=canvas data-testid="plot" class="plot"></canvas>
    }
    .into_any()
}

/// The run as JSON: parameters, environment, checks, every sample and the
/// analysed rows, so a result can be kept and compared with what it was
/// measured on.
fn results_json(exercise: &'static Exercise, run: Run, rows: &[Row]) -> String {
    let rows: Vec<_> = rows
        .iter()
        .map(|row| {
            serde_json::json!({
                "variant": row.variant.clone(), "size": row.size, "ns_per_call": row.per_call,
                "r2": row.r2, "median_ns": row.summary.median, "mad_ns": row.summary.mad,
                "outliers": row.outliers, "speedup": row.speedup,
            })
        })
        .collect();
    let document_url = window().location().href().unwrap_or_default();
    let results = serde_json::json!({
        "exercise": exercise.id,
        "url": document_url,
        "environment": {
            "worker": run.worker.get_untracked(),
            "browser": run.capabilities.get_untracked(),
        },
        "check": run.check.get_untracked(),
        "rows": rows,
        "measurements": run.measurements.get_untracked(),
        "thread_sweep": run.thread_points.get_untracked(),
        "skipped": run.skips.get_untracked(),
    });
    serde_json::to_string_pretty(&results).unwrap_or_default()
}

/// Downloads `text` as a file named `name`.
fn download(name: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let anchor: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url)
}

#[component]
fn Export(exercise: &'static Exercise, run: Run, rows: Memo<Vec<Row>>) -> impl IntoView {
    let finished = move || run.state.get() == RunState::Done;
    let json = move || {
        if finished() {
            results_json(exercise, run, &rows.read())
        } else {
            String::new()
        }
    };
    let save = move |_| {
        let name = format!(
            "perflab-{}-{}.json",
            exercise.id,
            js_sys::Date::new_0().to_iso_string()
        );
        if let Err(error) = download(
            &name.replace(':', "-"),
            &results_json(exercise, run, &rows.read_untracked()),
        ) {
            web_sys::console::error_1(&error);
        }
    };
    view! {
        <details class="export">
            <summary>"results as JSON, with the environment they were measured in"</summary>
            <button type="button" data-testid="download-results" on:click=save disabled=move || !finished()>"Download"</button>
            <pre data-testid="results-json">{json}</pre>
        </details>
    }
}

/// Draws on the canvas at the screen's pixel density: the backing store is
/// the CSS size times `devicePixelRatio`, and the plot scales its fonts and
/// lines by the same factor. The height is `aspect` × the width.
fn draw<E: std::fmt::Debug>(
    canvas: &web_sys::HtmlCanvasElement,
    aspect: f64,
    plot: impl FnOnce(
        &plotters::drawing::DrawingArea<CanvasBackend, plotters::coord::Shift>,
        f64,
    ) -> Result<(), E>,
) {
    let scale = window().device_pixel_ratio().max(1.0);
    let css_width = match canvas.client_width() {
        0 => 800,
        width => width,
    };
    let css_height = (css_width as f64 * aspect).clamp(220.0, 480.0);
    canvas.set_width((css_width as f64 * scale) as u32);
    canvas.set_height((css_height * scale) as u32);
    let _ = web_sys::HtmlElement::style(canvas).set_property("height", &format!("{css_height}px"));
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else {
        return;
    };
    if let Err(error) = plot(&backend.into_drawing_area(), scale) {
        web_sys::console::error_1(&format!("plot failed: {error:?}").into());
    }
}
