//! One exercise: its explanation, parameter form, variants with their code,
//! the run controls, the check, the results table and the plot.
//!
//! This file holds the route and the page, which wires the run state to the
//! worker; the rest is in files by concern: `state` (the run and the
//! worker's events), `form` (the parameters, the URL and the run request),
//! `variants` (each variant and its check), `results` (the table, verdict
//! and plots), `demos` (the exercises' demonstrations), `export` (the
//! results as JSON, CSV, Markdown and PNG), `saved` (the run kept in the
//! results database and compared with an earlier one), `share` (a run in
//! a link) and `canvas`
//! (drawing a plot on a canvas).

mod canvas;
mod code;
mod demos;
mod export;
mod form;
mod results;
mod saved;
mod share;
mod state;
mod variants;

pub use state::RunState;

use exercises::analysis;
use exercises::params::FromValues;
use exercises::{Common, Exercise, find};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use leptos_router::hooks::use_params_map;

use crate::base_path;
use crate::bridge::WorkerBridge;
use demos::{Charts, DemoTables, Downloads, FlameGraphs, Images, MemoryOverSteps, StartupCosts, TimelineView};
use results::Results;
use state::{Run, Status};
use variants::Variants;

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

/// The worker of `exercise`'s module (the registry names it): a page loads
/// the kernels of its own module only.
fn worker_url(exercise: &Exercise, build: &str, threads: u64) -> String {
    let module = exercises::worker_module(exercise.id).expect("every registered exercise has a module");
    format!(
        "{}/worker/{build}/{module}/bootstrap.js?threads={threads}",
        base_path()
    )
}

#[component]
fn ExerciseView(exercise: &'static Exercise) -> impl IntoView {
    let raw = RwSignal::new(form::initial_params(exercise));
    let ignored = form::ignored_keys(exercise);
    // The form's text, parsed once per edit: the values a run sends, or
    // what is wrong with them, field by field.
    let parsed = form::parse_params(exercise, raw);
    let errors = Memo::new(move |_| parsed.read().as_ref().err().cloned().unwrap_or_default());
    let run = Run::new();
    let kept = saved::keep(exercise, run);
    provide_context(kept);
    // A link with a run in its fragment shows that run (see `share`).
    let shared = RwSignal::new(None::<String>);
    share::restore(exercise, run, kept, shared);
    // What the page describes: for an exercise in sections, the section of
    // the run's parameters, or else of the form's.
    let section = Memo::new(move |_| {
        let run_values = run.values.read();
        let parsed = parsed.read();
        let values = run_values.as_ref().or(parsed.as_ref().ok());
        values.map_or(exercise.id, |values| exercise.section(values).id)
    });
    let shown = move || exercise.section_named(section.get());
    // The analysed rows (bootstrap intervals), once the run ends (see
    // `Run::settled`), shared by the results and the start-up table: the
    // worker's, sent with its last message, or computed here for a run
    // that ended otherwise (cancelled, failed, shown from a link).
    let rows = Memo::new(move |_| match (run.settled(), run.analysed.get()) {
        (true, Some(rows)) => rows,
        (true, None) => analysis::rows(shown(), &run.measurements.read()),
        (false, _) => Vec::new(),
    });
    match choose_build() {
        Ok(()) => run.build.set("threaded"),
        Err(reason) => run.single_reason.set(Some(reason)),
    }

    // Keep the URL in step with the form, so a reload or a shared link
    // restores the parameters (bad ones too, with their messages).
    form::sync_url(exercise, raw);

    // Background tabs are throttled: remember if the tab was hidden mid-run.
    let visibility = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().hidden() && run.state.get_untracked() == RunState::Running {
            run.hidden.set(true);
        }
    });
    on_cleanup(move || visibility.remove());

    let threads_now = move || {
        parsed
            .read_untracked()
            .as_ref()
            .map_or(1, |values| Common::from_values(values).threads)
    };
    let first_url = worker_url(exercise, run.build.get_untracked(), threads_now());
    let bridge = StoredValue::new_local(WorkerBridge::new(first_url, move |event| {
        run.receive(event)
    }));
    // A fallback to the single build swaps the worker.
    Effect::new(move |_| {
        let url = worker_url(exercise, run.build.get(), threads_now());
        bridge.with_value(|bridge| bridge.set_url(url));
    });
    on_cleanup(move || {
        bridge.try_with_value(WorkerBridge::terminate);
    });
    // A page that is left stops its worker (and its run), and one the
    // back/forward cache brings back starts a fresh one: a run frozen with
    // the page and thawed later would time the freeze in its samples.
    let left = window_event_listener_untyped("pagehide", move |_| {
        bridge.try_with_value(WorkerBridge::terminate);
        if run.state.get_untracked() == RunState::Running {
            run.state.set(RunState::Cancelled);
            run.message.set("cancelled: the page was left while it ran".into());
        }
    });
    let back = window_event_listener_untyped("pageshow", move |event| {
        let restored = event.unchecked_into::<web_sys::PageTransitionEvent>().persisted();
        if restored {
            bridge.try_with_value(WorkerBridge::restart);
        }
    });
    on_cleanup(move || {
        left.remove();
        back.remove();
    });

    // A local file the learner picked (exercises that take one): a handle
    // posted to the worker with the request, never read on this thread.
    let local_file = StoredValue::new_local(None::<web_sys::File>);

    // A run, or with seeds an equivalence check (nothing timed, not kept).
    let start_with = move |seeds: Option<u32>| {
        let Ok(values) = parsed.get_untracked() else {
            return;
        };
        run.reset();
        run.checking_only.set(seeds.is_some());
        run.state.set(RunState::Running);
        run.values.set(Some(values.clone()));
        run.query
            .set(form::query_of(exercise, &raw.read_untracked()));
        run.started_at.set(saved::now_iso());
        let request = form::run_request(exercise, values, seeds);
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
            bridge.set_url(worker_url(exercise, run.build.get_untracked(), threads));
            bridge.send(request, local_file.get_value());
        });
    };
    let start = move |_| start_with(None);
    let check = move |_| start_with(Some(form::EQUIVALENCE_SEEDS));
    let cancel = move |_| {
        bridge.with_value(WorkerBridge::restart);
        run.state.set(RunState::Cancelled);
        run.message
            .set("cancelled: the worker was stopped and a fresh one started".into());
    };

    view! {
        <article class="exercise">
            <h1>{exercise.title}</h1>
            <p class="seed">"From " {exercise.seed}</p>
            {move || {
                let shown = shown();
                let heading = (!std::ptr::eq(shown, exercise)).then(|| view! { <h2>{shown.title}</h2> });
                view! {
                    <section class="explanation">
                        {heading}
                        {shown.explanation.iter().map(|paragraph| view! { <p>{*paragraph}</p> }).collect_view()}
                    </section>
                }
            }}

            <section class="controls">
                <h2>"Parameters"</h2>
                {form::param_form(exercise, run, raw, errors, local_file, start, check, cancel)}
                {(!ignored.is_empty()).then(|| view! {
                    <p class="note" data-testid="ignored-keys">
                        {format!(
                            "Ignored from the link: {}, not a parameter of this exercise (its parameters: {}).",
                            ignored.join(", "),
                            exercise.all_params().map(|spec| spec.name).collect::<Vec<_>>().join(", "),
                        )}
                    </p>
                })}
                <Status run />
                {move || shared.get().map(|note| view! { <p data-testid="shared-run">{note}</p> })}
            </section>

            {move || {
                let exercise = shown();
                view! {
                    <Variants exercise run />
                    <Results exercise run rows />
                    <TimelineView run />
                    <MemoryOverSteps exercise run />
                    <Images run />
                    <Downloads run />
                    <DemoTables run />
                    <FlameGraphs run />
                    <Charts run />
                    <StartupCosts exercise run rows />
                }
            }}
            <saved::Comparison shown=section exercise run kept />
        </article>
    }
}
