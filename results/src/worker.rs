//! The results worker: SQLite compiled to WebAssembly, the database in
//! memory, kept in the Origin Private File System as one file.
//!
//! After every change the database is serialized and written through
//! OPFS's asynchronous API (`createWritable`), which writes a swap file and
//! replaces the old file only when the write closes: a crash, a full quota
//! or a closed tab leaves the previous file, never half of one. (The
//! `sahpool` VFS, which keeps SQLite's file open through sync access
//! handles, crashed the tab here when a page with this worker navigated
//! away, a few times in forty visits; this way no handle stays open.)
//!
//! Two tabs: every request takes the Web Lock `perflab-results` and first
//! reloads the file if another tab wrote it since (its time or size
//! changed), so tabs take turns and each sees the other's runs.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use exercises::history::protocol::{FromResults, Reply, Request, ToResults};
use futures_channel::mpsc;
use futures_util::StreamExt;
use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use web_sys::{
    DedicatedWorkerGlobalScope, File, FileSystemDirectoryHandle, FileSystemFileHandle,
    FileSystemGetFileOptions, FileSystemWritableFileStream, MessageEvent,
};

use crate::store::Store;

/// The database's file in the origin's private file system.
const FILE: &str = "perflab-results.sqlite3";
/// The Web Lock that tabs take turns on.
const LOCK: &str = "perflab-results";

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Posts a reply: its JSON text, or `{ message, bytes }` for one that
/// carries a file, the bytes' buffer transferred (protocol's note).
fn post(mut reply: Reply) {
    let bytes = reply.body.bytes_mut().map(std::mem::take);
    let Ok(text) = serde_json::to_string(&reply) else { return };
    let Some(bytes) = bytes else {
        let _ = scope().post_message(&text.into());
        return;
    };
    let bytes = Uint8Array::from(&bytes[..]);
    let message = js_sys::Object::new();
    let _ = Reflect::set(&message, &"message".into(), &text.into());
    let _ = Reflect::set(&message, &"bytes".into(), &bytes);
    let _ = scope().post_message_with_transfer(&message, &js_sys::Array::of1(&bytes.buffer()));
}

/// A request as the page posts it: its JSON text, and the bytes beside it
/// when it posted `{ message, bytes }`.
fn read(data: &JsValue) -> Result<Request, String> {
    let (text, bytes) = match data.as_string() {
        Some(text) => (text, None),
        None => {
            let field = |name: &str| Reflect::get(data, &name.into()).ok();
            let text = field("message").and_then(|t| t.as_string()).unwrap_or_default();
            (text, field("bytes").and_then(|b| b.dyn_into::<Uint8Array>().ok()))
        }
    };
    let mut request: Request = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    if let (Some(slot), Some(bytes)) = (request.body.bytes_mut(), bytes) {
        *slot = bytes.to_vec();
    }
    Ok(request)
}

/// A JavaScript error's message.
fn js(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

/// Awaits `promise` and casts what it gives.
async fn resolve<T: JsCast>(promise: Promise) -> Result<T, String> {
    JsFuture::from(promise).await.map_err(js)?.dyn_into().map_err(|_| "an unexpected value".into())
}

/// `navigator.locks.request`, if this browser has Web Locks.
fn lock_request() -> Option<(JsValue, Function)> {
    let locks = Reflect::get(&scope().navigator(), &"locks".into()).ok()?;
    let request = Reflect::get(&locks, &"request".into()).ok()?.dyn_into().ok()?;
    Some((locks, request))
}

/// Runs `work` while holding the Web Lock (or at once without Web Locks).
async fn locked<T: 'static>(work: impl Future<Output = T> + 'static) -> T {
    let Some((locks, request)) = lock_request() else {
        return work.await;
    };
    let slot = Rc::new(RefCell::new(None));
    let filled = slot.clone();
    let mut work = Some(work);
    // The lock is held until the promise this callback returns settles.
    let callback = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |_lock| {
        let work = work.take();
        let filled = filled.clone();
        future_to_promise(async move {
            if let Some(work) = work {
                *filled.borrow_mut() = Some(work.await);
            }
            Ok(JsValue::UNDEFINED)
        })
    });
    if let Ok(promise) = request.call2(&locks, &LOCK.into(), callback.as_ref()) {
        let _ = JsFuture::from(Promise::from(promise)).await;
    }
    slot.borrow_mut().take().expect("the Web Lock ran its callback")
}

/// The database file, created empty if there is none.
async fn file_handle() -> Result<FileSystemFileHandle, String> {
    let storage = scope().navigator().storage();
    let root: FileSystemDirectoryHandle = resolve(storage.get_directory()).await?;
    let options = FileSystemGetFileOptions::new();
    options.set_create(true);
    resolve(root.get_file_handle_with_options(FILE, &options)).await
}

/// What tells one version of the file from another: its time and size.
type Stamp = (f64, f64);

async fn stamp_of(handle: &FileSystemFileHandle) -> Result<(File, Stamp), String> {
    let file: File = resolve(handle.get_file()).await?;
    let stamp = (file.last_modified(), file.size());
    Ok((file, stamp))
}

/// The database in the file, and the file's stamp.
async fn load(handle: &FileSystemFileHandle) -> Result<(Store, Stamp), String> {
    let (file, stamp) = stamp_of(handle).await?;
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(js)?;
    Ok((Store::from_file(&Uint8Array::new(&buffer).to_vec())?, stamp))
}

/// Replaces the file by `bytes`, whole or not at all; the new stamp.
async fn write(handle: &FileSystemFileHandle, bytes: &[u8]) -> Result<Stamp, String> {
    let stream: FileSystemWritableFileStream = resolve(handle.create_writable()).await?;
    JsFuture::from(stream.write_with_u8_array(bytes).map_err(js)?)
        .await
        .map_err(js)?;
    JsFuture::from(stream.close()).await.map_err(js)?;
    Ok(stamp_of(handle).await?.1)
}

/// The database kept in OPFS: the file, and the store as last read or written.
struct Persistent {
    handle: FileSystemFileHandle,
    store: Store,
    stamp: Stamp,
}

/// Whether a request changes the database, so the file must be written.
fn changes(body: &ToResults) -> bool {
    matches!(
        body,
        ToResults::Save(_)
            | ToResults::Import { .. }
            | ToResults::ImportDatabase { .. }
            | ToResults::Delete { .. }
            | ToResults::DeleteAll
    )
}

impl Persistent {
    /// Answers under the lock: reload if another tab wrote, answer, write
    /// back what changed. If the write fails the change is dropped (the
    /// store is read again from the file) and the reply says so.
    async fn handle(state: Rc<RefCell<Persistent>>, body: ToResults) -> FromResults {
        let handle = state.borrow().handle.clone();
        match stamp_of(&handle).await {
            Ok((_, stamp)) if stamp != state.borrow().stamp => match load(&handle).await {
                Ok((store, stamp)) => {
                    let mut state = state.borrow_mut();
                    (state.store, state.stamp) = (store, stamp);
                }
                Err(message) => return FromResults::Error { message },
            },
            Ok(_) => {}
            Err(message) => return FromResults::Error { message },
        }
        let writes = changes(&body);
        let reply = state.borrow_mut().store.handle(body);
        if !writes || matches!(reply, FromResults::Error { .. }) {
            return reply;
        }
        let bytes = state.borrow_mut().store.export();
        let written = match bytes {
            Ok(bytes) => write(&handle, &bytes).await,
            Err(e) => Err(e.to_string()),
        };
        match written {
            Ok(stamp) => {
                state.borrow_mut().stamp = stamp;
                reply
            }
            Err(error) => {
                // Forget the change: the next request reads the file again.
                state.borrow_mut().stamp = (f64::NAN, f64::NAN);
                FromResults::Error {
                    message: format!(
                        "the browser's storage refused the write ({error}; full?): nothing was changed"
                    ),
                }
            }
        }
    }
}

/// Where the runs live.
enum Backing {
    Opfs(Rc<RefCell<Persistent>>),
    /// In memory, for this session.
    Memory(Box<Store>),
}

impl Backing {
    async fn open() -> (Backing, FromResults) {
        let opened = locked(async {
            let handle = file_handle().await?;
            let (store, stamp) = load(&handle).await?;
            Ok::<_, String>(Persistent { handle, store, stamp })
        })
        .await;
        match opened {
            Ok(persistent) => (
                Backing::Opfs(Rc::new(RefCell::new(persistent))),
                FromResults::Storage {
                    persistent: true,
                    note: "Runs are kept in this browser's Origin Private File System, in SQLite."
                        .into(),
                },
            ),
            Err(error) => {
                let store = Store::in_memory().expect("SQLite opens a database in memory");
                let note = format!(
                    "Runs are kept in memory for this session only: the browser's own file system \
                     is not available here ({error}). Export what you want to keep."
                );
                (
                    Backing::Memory(Box::new(store)),
                    FromResults::Storage {
                        persistent: false,
                        note,
                    },
                )
            }
        }
    }

    async fn handle(&mut self, body: ToResults) -> FromResults {
        match self {
            Backing::Memory(store) => store.handle(body),
            Backing::Opfs(state) => locked(Persistent::handle(state.clone(), body)).await,
        }
    }
}

/// The worker's entry: listens at once (requests queue until the database
/// is open), posts where the runs are kept as reply 0, then answers each
/// request in order.
#[wasm_bindgen]
pub async fn start_results_worker() {
    let (sender, mut requests) = mpsc::unbounded::<Request>();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match read(&event.data()) {
            Ok(request) => {
                let _ = sender.unbounded_send(request);
            }
            Err(error) => post(Reply {
                id: u32::MAX,
                body: FromResults::Error {
                    message: format!("a request the results worker cannot read: {error}"),
                },
            }),
        }
    });
    scope().set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let (mut backing, storage) = Backing::open().await;
    post(Reply { id: 0, body: storage });
    while let Some(request) = requests.next().await {
        let body = backing.handle(request.body).await;
        post(Reply {
            id: request.id,
            body,
        });
    }
}
