//! Saving something the page made as a file: a blob of bytes or text, or a
//! data URL (a canvas), through a temporary link.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// Downloads `href` (a blob or data URL) as a file named `name`.
pub fn url(name: &str, href: &str) -> Result<(), JsValue> {
    let anchor: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    anchor.set_href(href);
    anchor.set_download(&name.replace(':', "-"));
    anchor.click();
    Ok(())
}

/// Downloads `part` (a string or a `Uint8Array`) of MIME type `kind` as a
/// file named `name`.
pub fn blob(name: &str, kind: &str, part: &JsValue) -> Result<(), JsValue> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(kind);
    let blob = web_sys::Blob::new_with_blob_sequence_and_options(&js_sys::Array::of1(part), &options)?;
    let href = web_sys::Url::create_object_url_with_blob(&blob)?;
    url(name, &href)?;
    web_sys::Url::revoke_object_url(&href)
}
