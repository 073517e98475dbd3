//! Each variant's code, highlighted when the site was built: the page
//! fetches `code/<exercise id>.json` (written by the `publish` binary from
//! the kernels' source files), so its module carries no source text.

use std::collections::HashMap;

use exercises::{EXERCISES, Exercise};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Per descriptor's source file, each variant's code as HTML.
type ExerciseCode = HashMap<String, HashMap<String, String>>;

/// The listed exercise `shown` is, or is a section of.
fn listed(shown: &'static Exercise) -> &'static Exercise {
    EXERCISES
        .iter()
        .copied()
        .find(|e| std::ptr::eq(*e, shown) || e.sections.iter().any(|s| std::ptr::eq(*s, shown)))
        .unwrap_or(shown)
}

async fn fetch(id: &'static str) -> Result<ExerciseCode, String> {
    let url = format!("{}/code/{id}.json", crate::base_path());
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(|_| format!("{url}: the request failed (offline before the site was cached?)"))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let text = response.text().map_err(|_| format!("{url}: no body"))?;
    let text = JsFuture::from(text).await.map_err(|_| format!("{url}: the body could not be read"))?;
    serde_json::from_str(&text.as_string().unwrap_or_default()).map_err(|e| format!("{url}: {e}"))
}

/// The code of `shown`'s variants, fetched once per page.
#[derive(Clone, Copy)]
pub(super) struct Code {
    shown: &'static Exercise,
    fetched: LocalResource<Result<ExerciseCode, String>>,
}

impl Code {
    pub(super) fn new(shown: &'static Exercise) -> Code {
        let id = listed(shown).id;
        Code {
            shown,
            fetched: LocalResource::new(move || fetch(id)),
        }
    }

    /// Variant `name`'s code: highlighted HTML in a `<pre>`, or why it is
    /// not there.
    pub(super) fn view(self, name: &'static str) -> impl IntoView {
        move || match self.fetched.get() {
            None => view! { <p class="note">"Loading the code…"</p> }.into_any(),
            Some(Err(error)) => view! { <p class="note">"The code could not be loaded: " {error}</p> }.into_any(),
            Some(Ok(code)) => match code.get(self.shown.source).and_then(|variants| variants.get(name)) {
                Some(html) => view! { <pre><code class="highlighted" inner_html=html.clone()></code></pre> }.into_any(),
                None => view! { <p class="note">"No code was published for " {name} "."</p> }.into_any(),
            },
        }
    }
}
