//! The parameter form: the raw text of every parameter (from the URL, else
//! the default), its validation, the URL kept in step with it, the form
//! itself with the Run and Cancel buttons, and the run request built from it.

use std::collections::BTreeMap;

use exercises::Exercise;
use exercises::params::{self, ParamError, ParamValues};
use exercises::protocol::{Fault, ToWorker};
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::state::{Run, RunState};

/// The raw text of every parameter: from the URL, else the default.
pub(super) fn initial_params(exercise: &'static Exercise) -> BTreeMap<String, String> {
    let mut from_url = link_params();
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

/// The link's keys that are no parameter of `exercise` (a typo, another
/// exercise's parameter): the form drops them, and the page says which, so
/// a misspelled key is not silently a run at the default.
pub(super) fn ignored_keys(exercise: &'static Exercise) -> Vec<String> {
    link_params()
        .into_keys()
        .filter(|key| exercise.all_params().all(|spec| spec.name != key))
        .collect()
}

/// The page's query, `name → value`.
fn link_params() -> BTreeMap<String, String> {
    params::from_query(&window().location().search().unwrap_or_default())
}

/// `navigator.hardwareConcurrency`.
fn cores() -> u32 {
    window().navigator().hardware_concurrency().max(1.0) as u32
}

pub(super) fn query_of(exercise: &'static Exercise, raw: &BTreeMap<String, String>) -> String {
    params::to_query(
        exercise
            .all_params()
            .map(|spec| (spec.name, raw.get(spec.name).map_or("", String::as_str))),
    )
}

/// The request that starts a run: the exercise and the values the form
/// parsed, sent as they are. The one place the run request is built.
pub(super) fn run_request(exercise: &'static Exercise, values: ParamValues, seeds: Option<u32>) -> ToWorker {
    // `#fault=<name>` at the end of the address: a failure on purpose
    // instead of the run, to see (and test) that the page recovers.
    let hash = window().location().hash().unwrap_or_default();
    if let Some(fault) = hash.strip_prefix("#fault=").and_then(Fault::named) {
        return ToWorker::Fault(fault);
    }
    match seeds {
        None => ToWorker::Run {
            exercise: exercise.id.into(),
            values,
        },
        Some(seeds) => ToWorker::Equivalence {
            exercise: exercise.id.into(),
            values,
            seeds,
        },
    }
}

/// The seeds of the equivalence button.
pub(super) const EQUIVALENCE_SEEDS: u32 = 50;

/// The form's text parsed, once per edit: the values, or every error,
/// including a thread count above this machine's cores.
pub(super) fn parse_params(
    exercise: &'static Exercise,
    raw: RwSignal<BTreeMap<String, String>>,
) -> Memo<Result<ParamValues, Vec<ParamError>>> {
    Memo::new(move |_| {
        let parsed = exercise.parse(&raw.read());
        let mut errors = parsed.clone().err().unwrap_or_default();
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
        if errors.is_empty() {
            parsed
        } else {
            Err(errors)
        }
    })
}

/// Keeps the URL in step with the form, so a reload or a shared link
/// restores the parameters (bad ones too, with their messages).
pub(super) fn sync_url(exercise: &'static Exercise, raw: RwSignal<BTreeMap<String, String>>) {
    Effect::new(move |_| {
        let query = query_of(exercise, &raw.read());
        let path = window().location().pathname().unwrap_or_default();
        // A fault asked for in the address stays there (see `run_request`).
        let hash = window().location().hash().unwrap_or_default();
        let kept = if hash.starts_with("#fault=") { hash.as_str() } else { "" };
        let _ = window().history().map(|history| {
            history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}?{query}{kept}")))
        });
    });
}

/// The form: a text field per parameter with its help and error, a file
/// picker for exercises that read a local file (kept in `local_file`), and
/// the Run, Check and Cancel buttons, which call `start`, `check` and
/// `cancel`.
#[allow(clippy::too_many_arguments, reason = "three buttons, each with its handler")]
pub(super) fn param_form(
    exercise: &'static Exercise,
    run: Run,
    raw: RwSignal<BTreeMap<String, String>>,
    errors: Memo<Vec<ParamError>>,
    local_file: StoredValue<Option<web_sys::File>, LocalStorage>,
    start: impl FnMut(MouseEvent) + 'static,
    check: impl FnMut(MouseEvent) + 'static,
    cancel: impl FnMut(MouseEvent) + 'static,
) -> impl IntoView {
    let local_name = RwSignal::new(None::<String>);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let running = move || run.state.get() == RunState::Running;
    view! {
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
                <button type="button" data-testid="equivalence-run" on:click=check
                    disabled=move || running() || !errors.read().is_empty()
                    title=format!("every variant against the reference on up to {EQUIVALENCE_SEEDS} seeded inputs at each size; nothing is timed")>
                    {format!("Check on {EQUIVALENCE_SEEDS} seeds")}</button>
                <button type="button" data-testid="cancel" on:click=cancel disabled=move || !running()>"Cancel"</button>
            </div>
        </form>
    }
}
