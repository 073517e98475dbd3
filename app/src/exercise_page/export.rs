//! The results as JSON, shown and downloadable once a run is done.

use exercises::Exercise;
use exercises::analysis::Row;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::state::{Run, RunState};

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
pub(super) fn Export(exercise: &'static Exercise, run: Run, rows: Memo<Vec<Row>>) -> impl IntoView {
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
