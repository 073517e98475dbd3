//! The history (route `history`): every kept run, newest first, filterable
//! by exercise, with its provenance; delete one or all; compare two;
//! import and export; and read-only SQL over the runs.

use exercises::EXERCISES;
use exercises::history::RunSummary;
use exercises::history::protocol::{FromResults, SqlTable, ToResults};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::base_path;
use crate::results_db::{ask, storage};

/// What the page documents about the tables a learner can query.
const SCHEMA_HELP: &str = "runs(id, exercise, query, outcome, message, started_at, finished_at, build, version, \
pool_threads, browser, cores, isolated, timer_resolution_ns, webgpu, record, imported): one row per run; \
record is the whole run as JSON (json_extract(record, '$.environment.worker.build')). \
results(run_id, variant, size, ns_per_call, ci_low_ns, ci_high_ns, median_ns, samples, allocations, peak_bytes): \
one row per variant and size, times in nanoseconds with the 95% interval.";

/// A first query to edit.
const EXAMPLE_SQL: &str =
    "SELECT r.exercise, x.variant, x.size, round(x.ns_per_call) AS ns, r.started_at
FROM results x JOIN runs r ON r.id = x.run_id
ORDER BY r.exercise, x.variant, x.size";

fn target_value(event: &leptos::ev::Event) -> String {
    event
        .target()
        .and_then(|t| {
            t.dyn_ref::<web_sys::HtmlSelectElement>()
                .map(web_sys::HtmlSelectElement::value)
                .or_else(|| {
                    t.dyn_ref::<web_sys::HtmlTextAreaElement>()
                        .map(web_sys::HtmlTextAreaElement::value)
                })
        })
        .unwrap_or_default()
}

/// The table of a learner's query.
fn sql_table(table: SqlTable, answer: u32) -> impl IntoView {
    let truncated = table
        .truncated
        .then(|| view! { <p>"Only the first rows are shown."</p> });
    let count = table.rows.len();
    view! {
        <table class="results-table" data-testid="sql-result" data-rows=count data-answer=answer>
            <thead><tr>{table.columns.into_iter().map(|c| view! { <th>{c}</th> }).collect_view()}</tr></thead>
            <tbody>{table.rows.into_iter().map(|row| view! {
                <tr>{row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}</tr>
            }).collect_view()}</tbody>
        </table>
        {truncated}
    }
}

/// The route `history`.
#[component]
pub fn History() -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let runs = RwSignal::new(None::<Result<Vec<RunSummary>, String>>);
    let note = RwSignal::new(None::<(bool, String)>);
    let picked = RwSignal::new(Vec::<i64>::new());
    let compared = RwSignal::new(None::<Result<String, String>>);
    let confirm_all = RwSignal::new(false);
    let import_error = RwSignal::new(None::<String>);
    let sql = RwSignal::new(EXAMPLE_SQL.to_string());
    // Each answer is numbered (`data-answer`), so a reader can tell a new
    // one from the last.
    let sql_result = RwSignal::new(None::<(u32, Result<SqlTable, String>)>);

    let reload = move || {
        spawn_local(async move {
            let exercise = Some(filter.get_untracked()).filter(|f| !f.is_empty());
            runs.set(Some(match ask(ToResults::List { exercise }).await {
                FromResults::Runs(list) => Ok(list),
                FromResults::Error { message } => Err(message),
                other => Err(format!("unexpected reply {other:?}")),
            }));
        })
    };
    spawn_local(async move { note.set(Some(storage().await)) });
    Effect::new(move |_| {
        filter.track();
        reload();
    });
    let delete = move |id: i64| {
        spawn_local(async move {
            ask(ToResults::Delete { id }).await;
            picked.update(|p| p.retain(|x| *x != id));
            reload();
        })
    };
    let delete_all = move |_| {
        spawn_local(async move {
            ask(ToResults::DeleteAll).await;
            confirm_all.set(false);
            picked.set(Vec::new());
            reload();
        })
    };
    let run_sql = move || {
        let text = sql.get_untracked();
        spawn_local(async move {
            let answer = match ask(ToResults::Sql { text }).await {
                FromResults::Table(table) => Ok(table),
                FromResults::Error { message } => Err(message),
                other => Err(format!("unexpected reply {other:?}")),
            };
            let number = sql_result
                .read_untracked()
                .as_ref()
                .map_or(1, |(n, _)| n + 1);
            sql_result.set(Some((number, answer)));
        })
    };
    let compare_picked = move |_| {
        let ids = picked.get_untracked();
        spawn_local(async move {
            let mut pair = Vec::new();
            for id in ids.iter().take(2) {
                if let FromResults::Run(Some(stored)) = ask(ToResults::Get { id: *id }).await {
                    pair.push(*stored);
                }
            }
            // The bootstrap runs in the results worker, off the main thread.
            let comparison = match pair.as_slice() {
                [a, b] if a.run.exercise == b.run.exercise => {
                    let (old, new) = if a.id < b.id { (a, b) } else { (b, a) };
                    let request = ToResults::Compare { against: old.id, run: Box::new(new.run.clone()) };
                    match ask(request).await {
                        FromResults::Compared { comparison, .. } => Ok((old.id, new.id, *comparison)),
                        FromResults::Error { message } => Err(format!("the comparison failed: {message}")),
                        _ => Err("the comparison failed".to_string()),
                    }
                }
                [_, _] => Err("the two runs are of different exercises".to_string()),
                _ => Err("pick two runs".to_string()),
            };
            compared.set(Some(comparison.map(|(old_id, new_id, comparison)| {
                    let mut lines = vec![format!("run #{new_id} against run #{old_id}:")];
                    lines.extend(
                        comparison
                            .differences
                            .iter()
                            .map(|d| format!("{}: {} then, {} now", d.field, d.old, d.new)),
                    );
                    lines.extend(comparison.rows.iter().map(|r| {
                        format!(
                            "{} at {}: {:.3}× [{:.3}, {:.3}] {}",
                            r.variant,
                            r.size,
                            r.ratio.point,
                            r.ratio.low,
                            r.ratio.high,
                            r.change.as_str()
                        )
                    }));
                    lines.join("\n")
            })));
        })
    };
    let on_import = move |event: leptos::ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        import_error.set(None);
        spawn_local(async move {
            if let FromResults::Error { message } = crate::results_db::import_file(file).await {
                import_error.set(Some(message));
            }
            reload();
        });
    };
    let export_database = move |_| {
        spawn_local(async move {
            if let FromResults::Database { bytes } = ask(ToResults::ExportDatabase).await {
                let bytes = js_sys::Uint8Array::from(bytes.as_slice());
                let _ = crate::download::blob("perflab-results.sqlite", "application/vnd.sqlite3", &bytes);
            }
        })
    };
    let base = base_path();
    let rows = move || {
        let base = base.clone();
        match runs.get() {
            None => view! { <p>"Opening the results database…"</p> }.into_any(),
            Some(Err(message)) => view! { <p class="error" data-testid="history-error">{message}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p data-testid="history-empty">"No runs kept yet: run an exercise."</p> }.into_any(),
            Some(Ok(list)) => view! {
                <table class="results-table history">
                    <thead><tr><th></th><th>"run"</th><th>"started"</th><th>"exercise"</th><th>"parameters"</th><th>"outcome"</th><th>"build"</th><th>"rows"</th><th>"browser"</th><th></th></tr></thead>
                    <tbody>{list.into_iter().map(|r| {
                        let id = r.id;
                        let href = format!("{base}/exercises/{}?{}", r.exercise, r.query);
                        let outcome = if r.message.is_empty() { r.outcome.as_str().to_string() } else { format!("{}: {}", r.outcome.as_str(), r.message) };
                        view! {
                            <tr data-testid="history-row" data-run-id=id data-exercise=r.exercise.clone() data-state=r.outcome.as_str()>
                                <td><input type="checkbox" data-testid="history-pick" aria-label=format!("pick run {id} to compare")
                                    prop:checked=move || picked.read().contains(&id)
                                    on:change=move |_| picked.update(|p| if p.contains(&id) { p.retain(|x| *x != id) } else { p.push(id) }) /></td>
                                <td>"#" {id} {r.imported.then_some(" (imported)")}</td>
                                <td>{r.started_at.clone()}</td>
                                <td><a href=href>{r.exercise.clone()}</a></td>
                                <td><code>{r.query.clone()}</code></td>
                                <td>{outcome}</td>
                                <td>{format!("{} {} ×{}", r.build, r.version, r.pool_threads)}</td>
                                <td class="num">{r.measurements}</td>
                                <td class="browser">{r.browser.clone()}</td>
                                <td><button type="button" data-testid="history-delete" on:click=move |_| delete(id)>"Delete"</button></td>
                            </tr>
                        }
                    }).collect_view()}</tbody>
                </table>
            }.into_any(),
        }
    };
    view! {
        <article class="history">
            <h1>"History"</h1>
            <p data-testid="runs-kept" data-persistent=move || note.get().map(|(p, _)| p.to_string())>
                {move || note.get().map_or("Opening the results database…".to_string(), |(_, text)| text)}
            </p>
            <p class="controls">
                <label>"Exercise "
                    <select data-testid="history-filter" on:change=move |e| filter.set(target_value(&e))>
                        <option value="">"all"</option>
                        {EXERCISES.iter().map(|e| view! { <option value=e.id>{e.id}</option> }).collect_view()}
                    </select>
                </label>
                " "
                <button type="button" data-testid="history-compare" on:click=compare_picked
                    disabled=move || picked.read().len() != 2>"Compare the two picked"</button>
                " "
                <button type="button" data-testid="export-sqlite" on:click=export_database>"Export the database (.sqlite)"</button>
                " "
                <label>"Import runs (a JSON export or an exported .sqlite) " <input type="file" accept=".json,.sqlite,application/json" data-testid="import" on:change=on_import /></label>
                " "
                {move || if confirm_all.get() {
                    view! { <button type="button" data-testid="history-delete-all-confirm" on:click=delete_all>"Really delete every run"</button> }.into_any()
                } else {
                    view! { <button type="button" data-testid="history-delete-all" on:click=move |_| confirm_all.set(true)>"Delete all"</button> }.into_any()
                }}
            </p>
            {move || import_error.get().map(|e| view! { <p class="error" data-testid="import-error">{e}</p> })}
            {move || compared.get().map(|c| match c {
                Ok(text) => view! { <pre data-testid="history-comparison">{text}</pre> }.into_any(),
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            })}
            {rows}
            <section class="sql">
                <h2>"Ask your runs in SQL"</h2>
                <p>"Read-only SQL (SQLite) over two tables: " {SCHEMA_HELP} " Ctrl+Enter runs it."</p>
                <textarea data-testid="sql" aria-label="SQL query over the runs" rows="5" cols="100" prop:value=move || sql.get()
                    on:input=move |e| sql.set(target_value(&e))
                    on:keydown=move |e: leptos::ev::KeyboardEvent| if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                        e.prevent_default();
                        run_sql();
                    }></textarea>
                <p><button type="button" data-testid="sql-run" on:click=move |_| run_sql()>"Run"</button></p>
                {move || sql_result.get().map(|(number, result)| match result {
                    Ok(table) => sql_table(table, number).into_any(),
                    Err(message) => view! { <p class="error" data-testid="sql-error" data-answer=number>{message}</p> }.into_any(),
                })}
            </section>
        </article>
    }
}
