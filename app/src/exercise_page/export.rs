//! The finished run for other tools: JSON (the full record, importable),
//! CSV (a row per variant and size with intervals), Markdown (the summary
//! table for a report) and PNG (each plot as drawn).

use exercises::Exercise;
use exercises::analysis::Row;
use exercises::stats::{Estimate, Outliers};
use exercises::history::SavedRun;
use exercises::history::export::{csv, markdown};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::saved::Kept;
use crate::download;
use super::state::{Run, RunState};

/// The record as JSON, with the analysed rows beside it (an import reads
/// the record and analyses again; the rows are for other tools). Typed
/// structs rather than a `serde_json::Value`: the page's module then
/// carries one serializer per record type, not two.
fn results_json(run: &SavedRun, rows: &[Row]) -> String {
    #[derive(serde::Serialize)]
    struct RowJson<'a> {
        variant: &'a str,
        size: u64,
        ns_per_call: &'a Estimate,
        r2: Option<f64>,
        median_ns: f64,
        mad_ns: f64,
        outliers: &'a Outliers,
        speedup: &'a Option<Estimate>,
    }
    #[derive(serde::Serialize)]
    struct Export<'a> {
        #[serde(flatten)]
        run: &'a SavedRun,
        rows: Vec<RowJson<'a>>,
        url: String,
    }
    let rows = rows
        .iter()
        .map(|row| RowJson {
            variant: &row.variant,
            size: row.size,
            ns_per_call: &row.per_call,
            r2: row.r2,
            median_ns: row.summary.median,
            mad_ns: row.summary.mad,
            outliers: &row.outliers,
            speedup: &row.speedup,
        })
        .collect();
    let url = window().location().href().unwrap_or_default();
    serde_json::to_string_pretty(&Export { run, rows, url }).unwrap_or_default()
}

/// Every plot canvas of the page, as PNG files.
fn download_plots(stem: &str) -> Result<(), JsValue> {
    let canvases = document().query_selector_all("canvas[data-testid=plot]")?;
    for index in 0..canvases.length() {
        let Some(canvas) = canvases
            .item(index)
            .and_then(|n| n.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            continue;
        };
        let kind = canvas
            .get_attribute("data-plot")
            .unwrap_or_else(|| format!("plot-{index}"));
        download::url(&format!("{stem}-{kind}.png"), &canvas.to_data_url()?)?;
    }
    Ok(())
}

#[component]
pub(super) fn Export(exercise: &'static Exercise, run: Run, rows: Memo<Vec<Row>>) -> impl IntoView {
    let kept = expect_context::<Kept>();
    let finished = move || run.state.get() == RunState::Done && kept.record.read().is_some();
    let json = move || match (finished(), kept.record.get()) {
        (true, Some(record)) => results_json(&record, &rows.read()),
        _ => String::new(),
    };
    let stem = move || {
        let started = kept
            .record
            .read()
            .as_ref()
            .map(|r| r.started_at.clone())
            .unwrap_or_default();
        format!("perflab-{}-{started}", exercise.id)
    };
    let save = move |format: &'static str| {
        move |_| {
            let Some(record) = kept.record.get_untracked() else {
                return;
            };
            let rows = rows.read_untracked();
            let result = match format {
                "json" => download::blob(&format!("{}.json", stem()), "application/json", &results_json(&record, &rows).into()),
                "csv" => download::blob(&format!("{}.csv", stem()), "text/csv", &csv(&record, &rows).into()),
                "md" => download::blob(&format!("{}.md", stem()), "text/markdown", &markdown(&record, &rows).into()),
                _ => download_plots(&stem()),
            };
            if let Err(error) = result {
                web_sys::console::error_1(&error);
            }
        }
    };
    view! {
        <details class="export">
            <summary>"export: JSON (the whole run, importable), CSV, Markdown, the plots as PNG, a link with the results"</summary>
            <button type="button" data-testid="export-json" on:click=save("json") disabled=move || !finished()>"JSON"</button>
            <button type="button" data-testid="export-csv" on:click=save("csv") disabled=move || !finished()>"CSV"</button>
            <button type="button" data-testid="export-md" on:click=save("md") disabled=move || !finished()>"Markdown"</button>
            <button type="button" data-testid="export-png" on:click=save("png") disabled=move || !finished()>"PNG"</button>
            <super::share::Share run />
            <pre data-testid="results-json">{json}</pre>
        </details>
    }
}
