//! One exercise: its explanation, parameter form, variants with their code,
//! the run controls, the check, the results table and the plot.

use std::collections::BTreeMap;

use exercises::analysis::{format_ns, median_ns, Summary};
use exercises::params::{self, ParamError};
use exercises::protocol::{CheckReport, FromWorker, Measurement, Skip, ToWorker, WorkerInfo};
use exercises::{find, Exercise};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsValue;

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
        }
    }

    fn reset(&self) {
        self.message.set(String::new());
        self.progress.set((0, 0, "starting the worker".into()));
        self.check.set(None);
        self.measurements.set(Vec::new());
        self.skips.set(Vec::new());
    }

    fn receive(&self, event: BridgeEvent) {
        match event {
            BridgeEvent::Message(FromWorker::Ready(info)) => self.worker.set(Some(info)),
            BridgeEvent::Message(FromWorker::Checked(report)) => self.check.set(Some(report)),
            BridgeEvent::Message(FromWorker::Progress { done, total, label }) => {
                self.progress.set((done, total, label))
            }
            BridgeEvent::Message(FromWorker::Measured(m)) => self.measurements.update(|all| all.push(m)),
            BridgeEvent::Message(FromWorker::Skipped(skip)) => self.skips.update(|all| all.push(skip)),
            BridgeEvent::Message(FromWorker::Done) => self.state.set(RunState::Done),
            BridgeEvent::Message(FromWorker::Failed { message }) => {
                self.state.set(RunState::Error);
                self.message.set(message);
            }
            BridgeEvent::Crashed(detail) => {
                let was = self.state.get_untracked();
                self.state.set(RunState::Error);
                self.message.update(|message| {
                    if was != RunState::Error || message.is_empty() {
                        *message = format!("the worker stopped ({detail}); a fresh worker was started");
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
    let from_url = params::from_query(&search);
    exercise
        .all_params()
        .map(|spec| {
            let text = from_url.get(spec.name).cloned().unwrap_or_else(|| spec.default.to_string());
            (spec.name.to_string(), text)
        })
        .collect()
}

fn query_of(exercise: &'static Exercise, raw: &BTreeMap<String, String>) -> String {
    params::to_query(exercise.all_params().map(|spec| (spec.name, raw.get(spec.name).map_or("", String::as_str))))
}

#[component]
fn ExerciseView(exercise: &'static Exercise) -> impl IntoView {
    let raw = RwSignal::new(initial_params(exercise));
    let errors = Memo::new(move |_| params::parse(exercise.all_params(), &raw.read()).err().unwrap_or_default());
    let run = Run::new();

    // Keep the URL in step with the form, so a reload or a shared link
    // restores the parameters (bad ones too, with their messages).
    Effect::new(move |_| {
        let query = query_of(exercise, &raw.read());
        let path = window().location().pathname().unwrap_or_default();
        let _ = window().history().map(|history| {
            history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}?{query}")))
        });
    });

    let worker_url = format!("{}/worker/single/bootstrap.js", base_path());
    let bridge = StoredValue::new_local(WorkerBridge::new(worker_url, move |event| run.receive(event)));
    on_cleanup(move || {
        bridge.try_with_value(WorkerBridge::terminate);
    });

    let start = move |_| {
        if !errors.read().is_empty() {
            return;
        }
        run.reset();
        run.state.set(RunState::Running);
        let query = query_of(exercise, &raw.read_untracked());
        bridge.with_value(|bridge| bridge.send(ToWorker::Run { exercise: exercise.id.into(), query }));
    };
    let cancel = move |_| {
        bridge.with_value(WorkerBridge::restart);
        run.state.set(RunState::Cancelled);
        run.message.set("cancelled: the worker was stopped and a fresh one started".into());
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
                    <div class="buttons">
                        <button type="submit" data-testid="run" on:click=start
                            disabled=move || running() || !errors.read().is_empty()>"Run"</button>
                        <button type="button" data-testid="cancel" on:click=cancel disabled=move || !running()>"Cancel"</button>
                    </div>
                </form>
                <Status run />
            </section>

            <Variants exercise run />
            <Results exercise run />
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
    view! {
        <div class="status">
            <p data-testid="status" data-state=move || run.state.get().as_str()>{text}</p>
            <progress data-testid="progress"
                max=move || run.progress.read().1.max(1)
                value=move || run.progress.read().0 />
            <p class="worker-info" data-testid="capabilities"
                data-build=move || run.worker.read().as_ref().map(|w| w.build.clone())>
                {move || match run.worker.get() {
                    Some(info) => format!("worker: {} build, timer resolution {}", info.build, format_ns(info.timer_resolution_ns)),
                    None => "worker: starting".to_string(),
                }}
            </p>
        </div>
    }
}

#[component]
fn Variants(exercise: &'static Exercise, run: Run) -> impl IntoView {
    let checked = move |index: usize| run.check.read().as_ref().and_then(|report| report.variants.get(index).cloned());
    let cases = move || run.check.read().as_ref().map(|report| report.cases.clone()).unwrap_or_default();
    view! {
        <section class="variants">
            <h2>"Variants"</h2>
            <p class="note">"Before anything is timed, every variant runs on the same inputs and its output is \
                compared with the naive one; a variant that disagrees is reported and not timed."</p>
            {exercise.variants.iter().enumerate().map(|(index, variant)| view! {
                <div class="variant" data-testid=format!("variant-{}", variant.name)>
                    <h3><code>{variant.name}</code> " " <span class="growth">{variant.growth.label()}</span></h3>
                    <p>{variant.technique}</p>
                    <dl class="check">
                        {move || checked(index).map(|check| {
                            let verdict = if check.agrees { "agrees with naive" } else { "DISAGREES with naive: not timed" };
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

#[component]
fn Results(exercise: &'static Exercise, run: Run) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let series = plot::series(exercise, &run.measurements.read());
        if let Some(canvas) = canvas.get() {
            draw(&canvas, &series, "n");
        }
    });
    let rows = move || {
        let measurements = run.measurements.read();
        let mut rows: Vec<&Measurement> = measurements.iter().collect();
        let order = |name: &str| exercise.variants.iter().position(|v| v.name == name);
        rows.sort_by_key(|m| (m.size, order(&m.variant)));
        let baseline = |size| measurements.iter().find(|m| m.size == size && m.variant == exercise.target.baseline).map(median_ns);
        rows.into_iter().map(|m| {
            let s = Summary::of(&m.samples_ns).expect("a measurement has samples");
            let speedup = baseline(m.size).map(|b| format!("{:.1}×", b / s.median)).unwrap_or_else(|| "—".into());
            view! {
                <tr data-testid="result-row" data-variant=m.variant.clone() data-size=m.size data-ns-per-call=s.median>
                    <td><code>{m.variant.clone()}</code></td>
                    <td class="num">{m.size}</td>
                    <td class="num">{format_ns(s.median)}</td>
                    <td class="num">"± " {format_ns(s.mad)}</td>
                    <td class="num">{format_ns(s.min)} " – " {format_ns(s.max)}</td>
                    <td class="num">{s.count} " × " {m.calls_per_sample}</td>
                    <td class="num">{speedup}</td>
                </tr>
            }
        }).collect_view()
    };
    let target = &exercise.target;
    let verdict = move || {
        let measurements = run.measurements.read();
        let at = |name: &str| measurements.iter().find(|m| m.size == target.size && m.variant == name).map(median_ns);
        match (at(target.baseline), at(target.variant)) {
            (Some(base), Some(fast)) if base / fast >= target.speedup => format!("measured {:.1}×: passed", base / fast),
            (Some(base), Some(fast)) => format!("measured {:.1}×: not yet", base / fast),
            _ => format!("include n = {} in the sizes to check it", target.size),
        }
    };
    view! {
        <section class="results">
            <h2>"Results"</h2>
            <p class="target" data-testid="target">
                "Target: " <code>{target.variant}</code> " at least " {target.speedup} "× faster than "
                <code>{target.baseline}</code> " at n = " {target.size} " — " {verdict}
            </p>
            <canvas node_ref=canvas data-testid="plot" class="plot"></canvas>
            <ul class="skips">
                {move || run.skips.read().iter().map(|skip| view! {
                    <li data-testid="skip-note">
                        <code>{skip.variant.clone()}</code> " at n = " {skip.size} " skipped: one call is predicted to take "
                        {format_ns(skip.predicted_ns)} ", and a measurement needs several calls within the budget of "
                        {format_ns(skip.budget_ns)} "."
                    </li>
                }).collect_view()}
            </ul>
            <table class="results-table">
                <thead><tr>
                    <th>"variant"</th><th>"n"</th><th>"time per call (median)"</th><th>"spread (MAD)"</th>
                    <th>"fastest – slowest"</th><th>"samples × calls"</th><th>"speedup vs " {target.baseline}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// Draws on the canvas at the screen's pixel density: the backing store is
/// the CSS size times `devicePixelRatio`, and the plot scales its fonts and
/// lines by the same factor.
fn draw(canvas: &web_sys::HtmlCanvasElement, series: &[plot::Series], size_name: &str) {
    let scale = window().device_pixel_ratio().max(1.0);
    let css_width = match canvas.client_width() {
        0 => 800,
        width => width,
    };
    let css_height = (css_width as f64 * 0.55).clamp(280.0, 480.0);
    canvas.set_width((css_width as f64 * scale) as u32);
    canvas.set_height((css_height * scale) as u32);
    let _ = web_sys::HtmlElement::style(canvas).set_property("height", &format!("{css_height}px"));
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else { return };
    if let Err(error) = plot::time_vs_size(&backend.into_drawing_area(), series, size_name, scale) {
        web_sys::console::error_1(&format!("plot failed: {error:?}").into());
    }
}
