//! The browser, as runners see it ([`exercises::runner::Browser`]): the
//! worker's clock and timers, `fetch`, posting to the page, `Math.random`,
//! the file the learner picked, and JavaScript's side of a crossing. All
//! the JavaScript glue the exercises need lives here, so `exercises` stays
//! plain Rust that tests on the host.

use std::io::Read;
use std::pin::Pin;
use std::rc::Rc;

use exercises::protocol::FromWorker;
use exercises::runner::{Browser, Crossing, Files, Later, LocalFile, Reply, ViewGrowth};
use js_sys::{Array, Float64Array};
use wasm_bindgen::prelude::*;
use web_sys::DedicatedWorkerGlobalScope;

use crate::PerformanceClock;

/// The browser of one run: real timers and network, and the file the
/// learner picked for it, if any.
pub struct Timers {
    clock: PerformanceClock,
    file: Option<Rc<dyn LocalFile>>,
}

impl Timers {
    /// The current scope's clock and timers, without a file.
    pub fn new() -> Timers {
        Timers {
            clock: PerformanceClock::new(),
            file: None,
        }
    }

    /// The same, with the `Blob` the learner picked (posted with the run).
    pub fn with_file(file: Option<JsValue>) -> Timers {
        Timers {
            clock: PerformanceClock::new(),
            file: file.map(|file| Rc::new(Blob::from(file)) as Rc<dyn LocalFile>),
        }
    }

    /// `performance.now()`, in milliseconds.
    pub fn now(&self) -> f64 {
        self.clock.now_ms()
    }
}

impl Default for Timers {
    fn default() -> Self {
        Self::new()
    }
}

impl Browser for Timers {
    fn now_ms(&self) -> f64 {
        self.clock.now_ms()
    }

    fn sleep(&self, ms: u32) -> Pin<Box<dyn Future<Output = ()>>> {
        Box::pin(gloo_timers::future::TimeoutFuture::new(ms))
    }

    fn fetch(&self, url: &str) -> Pin<Box<dyn Future<Output = Result<Reply, String>>>> {
        let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
        let pending = scope.fetch_with_str(url);
        Box::pin(async move {
            let response = wasm_bindgen_futures::JsFuture::from(pending)
                .await
                .map_err(|error| format!("fetch failed: {error:?}"))?;
            let response: web_sys::Response = response.unchecked_into();
            let from_service_worker = response
                .headers()
                .get("x-perflab-endpoint")
                .ok()
                .flatten()
                .is_some();
            Ok(Reply {
                status: response.status(),
                from_service_worker,
            })
        })
    }

    fn post(&self, message: FromWorker) {
        // Only a worker has a page to post to (tests may run elsewhere).
        if let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() {
            crate::post(&scope, &message);
        }
    }

    fn random(&self) -> fn() -> f64 {
        js_sys::Math::random
    }

    fn clock(&self) -> fn() -> f64 {
        shared_clock
    }

    fn fetch_bytes(&self, url: &str) -> Later<(u16, Vec<u8>)> {
        let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
        let pending = scope.fetch_with_str(url);
        Box::pin(async move {
            let failed = |error: JsValue| format!("fetch failed: {error:?}");
            let response: web_sys::Response =
                wasm_bindgen_futures::JsFuture::from(pending).await.map_err(failed)?.unchecked_into();
            let body = wasm_bindgen_futures::JsFuture::from(response.array_buffer().map_err(failed)?)
                .await
                .map_err(failed)?;
            Ok((response.status(), js_sys::Uint8Array::new(&body).to_vec()))
        })
    }

    fn recall(&self, key: &str) -> Pin<Box<dyn Future<Output = Option<String>>>> {
        let url = note_url(key);
        Box::pin(async move {
            let notes = notes().await.ok()?;
            let found = wasm_bindgen_futures::JsFuture::from(notes.match_with_str(&url)).await.ok()?;
            let response: web_sys::Response = found.dyn_into().ok()?;
            let text = wasm_bindgen_futures::JsFuture::from(response.text().ok()?).await.ok()?;
            text.as_string()
        })
    }

    fn remember(&self, key: &str, note: String) -> Pin<Box<dyn Future<Output = Result<(), String>>>> {
        let url = note_url(key);
        Box::pin(async move {
            let notes = notes().await?;
            let response = web_sys::Response::new_with_opt_str(Some(&note)).map_err(|e| format!("{e:?}"))?;
            wasm_bindgen_futures::JsFuture::from(notes.put_with_str(&url, &response))
                .await
                .map_err(|e| format!("the cache storage refused the note: {e:?}"))?;
            Ok(())
        })
    }

    fn local_file(&self) -> Option<Rc<dyn LocalFile>> {
        self.file.clone()
    }

    fn files(&self) -> Rc<dyn Files> {
        crate::files::files()
    }

    fn wall_time(&self) -> String {
        js_sys::Date::new_0().to_iso_string().into()
    }

    fn crossing(&self) -> &dyn Crossing {
        &JsCrossing
    }
}

// The consumer, in JavaScript: one loop per kind of array, so each call
// site stays monomorphic for the JIT. A module file, not eval: the page's
// Content Security Policy forbids eval.
#[wasm_bindgen(inline_js = "
export function sum_array(a) { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s; }
export function sum_typed(a) { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s; }
")]
extern "C" {
    fn sum_array(numbers: &Array) -> f64;
    fn sum_typed(numbers: &Float64Array) -> f64;
}

/// JavaScript's side of moving numbers out of WebAssembly.
struct JsCrossing;

impl Crossing for JsCrossing {
    fn sum_json(&self, text: &str) -> f64 {
        let array: Array = js_sys::JSON::parse(text)
            .expect("JSON.parse reads what serde_json wrote")
            .unchecked_into();
        sum_array(&array)
    }

    fn sum_copied(&self, numbers: &[f64]) -> f64 {
        sum_typed(&Float64Array::from(numbers))
    }

    fn sum_viewed(&self, numbers: &[f64]) -> f64 {
        // SAFETY: the view is used and dropped before anything here
        // allocates, so WebAssembly memory cannot grow (which would detach
        // it) while JavaScript reads it, and `numbers` is borrowed for the
        // whole time.
        let array = unsafe { Float64Array::view(numbers) };
        sum_typed(&array)
    }

    fn view_across_growth(&self, numbers: &[f64]) -> [ViewGrowth; 2] {
        // SAFETY: only the view's length and buffer are read after the
        // growth, never its elements.
        let array = unsafe { Float64Array::view(numbers) };
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        let seen = |array: &Float64Array| ViewGrowth {
            length: array.length(),
            memory_bytes: crate::memory::wasm_memory_bytes() as f64,
            on_current_buffer: JsValue::from(array.buffer()) == memory.buffer(),
        };
        let before = seen(&array);
        // Grows WebAssembly memory by one page, as an allocation that needs
        // more room would.
        #[cfg(target_arch = "wasm32")]
        core::arch::wasm32::memory_grow(0, 1);
        [before, seen(&array)]
    }
}

#[wasm_bindgen]
extern "C" {
    /// A `Blob`; a `File` is one.
    #[derive(Clone)]
    type Blob;
    #[wasm_bindgen(method, getter)]
    fn size(this: &Blob) -> f64;
    #[wasm_bindgen(method)]
    fn slice(this: &Blob, start: f64, end: f64) -> Blob;

    /// Workers can read a `Blob` synchronously, as a kernel must.
    type FileReaderSync;
    #[wasm_bindgen(constructor)]
    fn new() -> FileReaderSync;
    #[wasm_bindgen(method, catch, js_name = readAsArrayBuffer)]
    fn read_as_array_buffer(
        this: &FileReaderSync,
        blob: &Blob,
    ) -> Result<js_sys::ArrayBuffer, JsValue>;
}

/// Bytes read from the file at a time.
const CHUNK: f64 = (1 << 20) as f64;

impl LocalFile for Blob {
    fn name(&self) -> String {
        js_sys::Reflect::get(self, &"name".into())
            .ok()
            .and_then(|name| name.as_string())
            .unwrap_or_else(|| "a file".into())
    }

    fn bytes(&self) -> f64 {
        self.size()
    }

    fn reader(&self) -> Box<dyn Read> {
        Box::new(BlobReader {
            blob: self.clone(),
            reader: FileReaderSync::new(),
            offset: 0.0,
            chunk: Vec::new(),
            position: 0,
        })
    }
}

/// Reads a `Blob` in chunks: only one chunk is in WebAssembly memory at a
/// time.
struct BlobReader {
    blob: Blob,
    reader: FileReaderSync,
    offset: f64,
    chunk: Vec<u8>,
    position: usize,
}

impl Read for BlobReader {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.position == self.chunk.len() {
            let size = self.blob.size();
            if self.offset >= size {
                return Ok(0);
            }
            let end = (self.offset + CHUNK).min(size);
            let bytes = self
                .reader
                .read_as_array_buffer(&self.blob.slice(self.offset, end))
                .map_err(|error| {
                    std::io::Error::other(format!("the file could not be read: {error:?}"))
                })?;
            let bytes = js_sys::Uint8Array::new(&bytes);
            self.chunk.resize(bytes.length() as usize, 0);
            bytes.copy_to(&mut self.chunk);
            self.offset = end;
            self.position = 0;
        }
        let n = buffer.len().min(self.chunk.len() - self.position);
        buffer[..n].copy_from_slice(&self.chunk[self.position..self.position + n]);
        self.position += n;
        Ok(n)
    }
}

/// `performance.timeOrigin + performance.now()` in the calling thread's
/// scope: the pool's workers each count `now()` from their own start, and
/// adding the origin puts them on one time line.
fn shared_clock() -> f64 {
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    scope.performance().map_or(0.0, |p| p.time_origin() + p.now())
}

/// The cache that keeps notes across runs: its own, so the service
/// worker's copy of the site can be replaced without losing them (the
/// service worker keeps it when it drops old caches).
const NOTES: &str = "perflab-notes";

/// A note's address in [`NOTES`], under the worker's own URL.
fn note_url(key: &str) -> String {
    let key: String = key.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    format!("notes/{key}")
}

/// The notes' cache, if this context has cache storage.
async fn notes() -> Result<web_sys::Cache, String> {
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let storage = scope.caches().map_err(|e| format!("no cache storage here: {e:?}"))?;
    let cache = wasm_bindgen_futures::JsFuture::from(storage.open(NOTES))
        .await
        .map_err(|e| format!("the cache storage did not open: {e:?}"))?;
    cache.dyn_into().map_err(|e| format!("not a cache: {e:?}"))
}
