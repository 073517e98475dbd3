//! The results worker: SQLite in WebAssembly, its file in the Origin
//! Private File System through the `sahpool` VFS (sync access handles,
//! which exist only in dedicated workers).
//!
//! Two tabs: OPFS lets one tab at a time hold the database's handles. Every
//! request takes the Web Lock `perflab-results`, reacquires the handles,
//! opens the database, answers, closes it and lets the handles go, so tabs
//! take turns and both see every run; SQLite's transactions make each save
//! whole or absent. Without Web Locks the first tab keeps the handles and
//! another tab's worker, refused them, keeps its runs in memory and says so.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use exercises::history::protocol::{FromResults, Reply, Request, ToResults};
use futures_channel::mpsc;
use futures_util::StreamExt;
use js_sys::{Function, Promise, Reflect};
use rusqlite::Connection;
use sqlite_wasm_rs::WasmOsCallback;
use sqlite_wasm_vfs::sahpool::{OpfsSAHPoolCfg, OpfsSAHPoolUtil, install};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::store::Store;

/// The database's name in the pool.
const FILE: &str = "/perflab-results.sqlite3";
/// The Web Lock that tabs take turns on.
const LOCK: &str = "perflab-results";

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(reply: &Reply) {
    if let Ok(text) = serde_json::to_string(reply) {
        let _ = scope().post_message(&text.into());
    }
}

/// `navigator.locks.request`, if this browser has Web Locks.
fn lock_request() -> Option<(JsValue, Function)> {
    let locks = Reflect::get(&scope().navigator(), &"locks".into()).ok()?;
    let request = Reflect::get(&locks, &"request".into())
        .ok()?
        .dyn_into()
        .ok()?;
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
    slot.borrow_mut()
        .take()
        .expect("the Web Lock ran its callback")
}

/// Where the runs live.
enum Backing {
    /// In OPFS: the pool, paused between requests when tabs take turns.
    Opfs { pool: OpfsSAHPoolUtil, turns: bool },
    /// In memory, for this session.
    Memory(Box<Store>),
}

/// Opens (and migrates) the database in OPFS once, under the lock.
async fn open_opfs(turns: bool) -> Result<OpfsSAHPoolUtil, String> {
    let pool = install::<WasmOsCallback>(&OpfsSAHPoolCfg::default(), true)
        .await
        .map_err(|e| e.to_string())?;
    // Migrates, or refuses a file from a newer Perflab before any request.
    drop(
        Connection::open(FILE)
            .map_err(|e| e.to_string())
            .and_then(Store::open)?,
    );
    if turns {
        pool.pause().map_err(|e| e.to_string())?;
    }
    Ok(pool)
}

impl Backing {
    async fn open() -> (Backing, FromResults) {
        let turns = lock_request().is_some();
        match locked(open_opfs(turns)).await {
            Ok(pool) => (
                Backing::Opfs { pool, turns },
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
        let failed = |message: String| FromResults::Error { message };
        match self {
            Backing::Memory(store) => store.handle(body),
            Backing::Opfs { pool, turns } => {
                let (pool, turns) = (pool.clone(), *turns);
                locked(async move {
                    if turns && let Err(error) = pool.resume().await {
                        return failed(format!("the database could not be opened: {error}"));
                    }
                    let reply = match Connection::open(FILE)
                        .map_err(|e| e.to_string())
                        .and_then(Store::open)
                    {
                        Ok(mut store) => store.handle(body),
                        Err(error) => failed(error),
                    };
                    if turns {
                        let _ = pool.pause();
                    }
                    reply
                })
                .await
            }
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
        let text = event.data().as_string().unwrap_or_default();
        match serde_json::from_str::<Request>(&text) {
            Ok(request) => {
                let _ = sender.unbounded_send(request);
            }
            Err(error) => post(&Reply {
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
    post(&Reply {
        id: 0,
        body: storage,
    });
    while let Some(request) = requests.next().await {
        let body = backing.handle(request.body).await;
        post(&Reply {
            id: request.id,
            body,
        });
    }
}
