//! A run in a link. The parameters are the URL's query already; the
//! results ride in the fragment (`#run=…`): the run's record, compressed by
//! the browser's own `CompressionStream` (deflate) and base64url-encoded.
//! A fragment never reaches a server, and opening the link shows the run
//! without running it, validated like any import.

use exercises::Exercise;
use exercises::history::{MAX_IMPORT_BYTES, SavedRun};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

use super::saved::Kept;
use super::state::{Run, RunState};

#[wasm_bindgen(inline_js = r#"
export async function pack(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
export async function unpack(code, limit) {
  const binary = atob(code.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const parts = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) { await reader.cancel(); throw new Error("the run in the link is larger than " + limit + " bytes"); }
    parts.push(value);
  }
  return new TextDecoder().decode(await new Blob(parts).arrayBuffer());
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn pack(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn unpack(code: &str, limit: f64) -> Result<JsValue, JsValue>;
}

/// The longest link the page offers. Browsers take links of megabytes, but
/// mail, chat and issue trackers cut or refuse long ones; beyond this the
/// page says to share the JSON export instead.
pub(super) const MAX_LINK: usize = 16 * 1024;

/// The fragment's key.
const KEY: &str = "#run=";

fn message(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

/// The link that shows `record`: this page's URL with the run in its
/// fragment, or why there is none.
pub(super) async fn link(record: &SavedRun) -> Result<String, String> {
    // The measurements, not the demonstrations: a link must stay short.
    let measured = SavedRun { tables: Vec::new(), ..record.clone() };
    let text = serde_json::to_string(&measured).map_err(|e| e.to_string())?;
    let code = pack(&text)
        .await
        .map_err(message)?
        .as_string()
        .unwrap_or_default();
    let location = window().location();
    let page = format!(
        "{}{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let url = format!("{page}{KEY}{code}");
    if url.len() > MAX_LINK {
        return Err(format!(
            "too large for a link: {} KB with every sample compressed, and links over {} KB get cut by mail and chat; share the JSON export instead",
            url.len() / 1024,
            MAX_LINK / 1024
        ));
    }
    Ok(url)
}

/// If the page was opened with a run in its fragment, shows that run as
/// this page's results (not saved, not run again); `note` says where it
/// was measured, or why the link could not be read. Reads the fragment
/// before the form rewrites the URL.
pub(super) fn restore(
    exercise: &'static Exercise,
    run: Run,
    kept: Kept,
    note: RwSignal<Option<String>>,
) {
    let hash = window().location().hash().unwrap_or_default();
    let Some(code) = hash.strip_prefix(KEY).map(str::to_string) else {
        return;
    };
    spawn_local(async move {
        let text = match unpack(&code, MAX_IMPORT_BYTES as f64).await {
            Ok(text) => text.as_string().unwrap_or_default(),
            Err(error) => {
                note.set(Some(format!(
                    "The run in this link could not be read: {}",
                    message(error)
                )));
                return;
            }
        };
        let record = match SavedRun::import(&text) {
            Ok(record) if record.exercise == exercise.id => record,
            Ok(record) => {
                note.set(Some(format!(
                    "The link holds a run of {}, not of this exercise.",
                    record.exercise
                )));
                return;
            }
            Err(error) => {
                note.set(Some(format!("The run in this link was refused: {error}")));
                return;
            }
        };
        let worker = record.environment.worker.clone().unwrap_or_default();
        note.set(Some(format!(
            "Shown from a link: measured {} in {} ({} build, {} pool threads), not here. Press Run to measure it in this browser.",
            record.started_at, record.environment.browser.browser, worker.build, worker.pool_threads
        )));
        run.values.set(record.values());
        run.query.set(record.query.clone());
        run.started_at.set(record.started_at.clone());
        run.check.set(record.check.clone());
        run.measurements.set(record.measurements.clone());
        run.analysed.set(None);
        run.thread_points.set(record.thread_sweep.clone());
        run.skips.set(record.skipped.clone());
        kept.record.set(Some(record));
        run.state.set(RunState::Done);
    });
}

/// The share button and the link it makes.
#[component]
pub(super) fn Share(run: Run) -> impl IntoView {
    let kept = expect_context::<Kept>();
    let made = RwSignal::new(None::<Result<String, String>>);
    Effect::new(move |_| {
        if run.state.get() == RunState::Running {
            made.set(None);
        }
    });
    let share = move |_| {
        let Some(record) = kept.record.get_untracked() else {
            return;
        };
        spawn_local(async move { made.set(Some(link(&record).await)) });
    };
    view! {
        <button type="button" data-testid="share-link" on:click=share
            disabled=move || run.state.get() != RunState::Done || kept.record.read().is_none()>"Link with results"</button>
        {move || made.get().map(|made| match made {
            Ok(url) => view! { <input readonly class="share-url" data-testid="share-url" prop:value=url /> }.into_any(),
            Err(why) => view! { <p data-testid="share-too-large">{why}</p> }.into_any(),
        })}
    }
}
