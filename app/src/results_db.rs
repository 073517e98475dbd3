//! The page's side of the results worker: started on first use (a run
//! saved, the history opened), never before the first paint; each request
//! gets an id, and [`ask`] resolves when the reply with that id arrives.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use exercises::history::protocol::{FromResults, Reply, Request, ToResults};
use futures_channel::oneshot;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// Where the runs are kept: persistent (OPFS) or not, and the page's note.
pub type Storage = (bool, String);

struct Db {
    worker: Option<Worker>,
    /// Known once the worker has opened the database (its reply 0).
    storage: Option<Storage>,
    /// Set when the worker could not start or stopped.
    failed: Option<String>,
    /// Requests written before the worker was ready.
    queued: Vec<Message>,
    waiting: HashMap<u32, oneshot::Sender<FromResults>>,
    storage_waiting: Vec<oneshot::Sender<Storage>>,
    next_id: u32,
    _closures: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

thread_local! {
    static DB: RefCell<Option<Rc<RefCell<Db>>>> = const { RefCell::new(None) };
}

fn fail(db: &mut Db, message: String) {
    for (_, waiting) in db.waiting.drain() {
        let _ = waiting.send(FromResults::Error {
            message: message.clone(),
        });
    }
    for waiting in db.storage_waiting.drain(..) {
        let _ = waiting.send((false, message.clone()));
    }
    db.failed = Some(message);
}

/// A request as posted: its JSON text, or `{ message, bytes }` for one that
/// carries a file, with the list of buffers to transfer (the protocol's
/// note: the bytes never go through the JSON).
type Message = (JsValue, js_sys::Array);

fn message_of(mut request: Request) -> Message {
    let bytes = request.body.bytes_mut().map(std::mem::take);
    let text = serde_json::to_string(&request).unwrap_or_default();
    let Some(bytes) = bytes else {
        return (text.into(), js_sys::Array::new());
    };
    let bytes = js_sys::Uint8Array::from(&bytes[..]);
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"message".into(), &text.into());
    let _ = js_sys::Reflect::set(&message, &"bytes".into(), &bytes);
    (message.into(), js_sys::Array::of1(&bytes.buffer()))
}

/// A reply as the worker posts it: its JSON text, and the bytes beside it
/// when it posted `{ message, bytes }`.
fn reply_of(data: &JsValue) -> Option<Reply> {
    let (text, bytes) = crate::bridge::text_and_attached::<js_sys::Uint8Array>(data, "bytes");
    let mut reply: Reply = serde_json::from_str(&text).ok()?;
    if let (Some(slot), Some(bytes)) = (reply.body.bytes_mut(), bytes) {
        *slot = bytes.to_vec();
    }
    Some(reply)
}

fn post(worker: &Worker, (message, transfer): &Message) {
    let _ = worker.post_message_with_transfer(message, transfer);
}

fn receive(db: &Rc<RefCell<Db>>, event: web_sys::Event) {
    let data = event.unchecked_into::<MessageEvent>().data();
    let mut db = db.borrow_mut();
    let Some(reply) = reply_of(&data) else {
        return fail(
            &mut db,
            "an unreadable reply from the results worker".into(),
        );
    };
    match (reply.id, reply.body) {
        (0, FromResults::Storage { persistent, note }) => {
            db.storage = Some((persistent, note.clone()));
            for waiting in db.storage_waiting.drain(..) {
                let _ = waiting.send((persistent, note.clone()));
            }
            if let Some(worker) = db.worker.clone() {
                for message in db.queued.drain(..) {
                    post(&worker, &message);
                }
            }
        }
        (id, body) => {
            if let Some(waiting) = db.waiting.remove(&id) {
                let _ = waiting.send(body);
            }
        }
    }
}

fn start() -> Rc<RefCell<Db>> {
    let db = Rc::new(RefCell::new(Db {
        worker: None,
        storage: None,
        failed: None,
        queued: Vec::new(),
        waiting: HashMap::new(),
        storage_waiting: Vec::new(),
        next_id: 1,
        _closures: Vec::new(),
    }));
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let url = format!("{}/results/bootstrap.js", crate::base_path());
    match Worker::new_with_options(&url, &options) {
        Ok(worker) => {
            let weak = Rc::downgrade(&db);
            let on_message = Closure::<dyn FnMut(web_sys::Event)>::new(move |event| {
                if let Some(db) = weak.upgrade() {
                    receive(&db, event);
                }
            });
            let weak = Rc::downgrade(&db);
            let on_error =
                Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                    event.prevent_default();
                    let detail = event
                        .dyn_ref::<web_sys::ErrorEvent>()
                        .map(web_sys::ErrorEvent::message)
                        .filter(|m| !m.is_empty())
                        .unwrap_or_else(|| "its script failed to load".into());
                    if let Some(db) = weak.upgrade() {
                        fail(
                            &mut db.borrow_mut(),
                            format!("the results database stopped: {detail}"),
                        );
                    }
                });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            let mut state = db.borrow_mut();
            state.worker = Some(worker);
            state._closures = vec![on_message, on_error];
        }
        Err(error) => fail(
            &mut db.borrow_mut(),
            format!("the results database could not start: {error:?}"),
        ),
    }
    db
}

fn db() -> Rc<RefCell<Db>> {
    DB.with(|db| db.borrow_mut().get_or_insert_with(start).clone())
}

/// Asks the results database; a worker that cannot start or stops answers
/// with `Error`.
pub async fn ask(body: ToResults) -> FromResults {
    let (sender, receiver) = oneshot::channel();
    {
        let db = db();
        let mut db = db.borrow_mut();
        if let Some(message) = db.failed.clone() {
            return FromResults::Error { message };
        }
        let id = db.next_id;
        db.next_id += 1;
        db.waiting.insert(id, sender);
        let message = message_of(Request { id, body });
        match (&db.worker, &db.storage) {
            (Some(worker), Some(_)) => post(worker, &message),
            _ => db.queued.push(message),
        }
    }
    receiver.await.unwrap_or(FromResults::Error {
        message: "the results database stopped".into(),
    })
}

/// Where the runs are kept, once the database is open.
pub async fn storage() -> Storage {
    let receiver = {
        let db = db();
        let mut db = db.borrow_mut();
        if let Some(storage) = db.storage.clone() {
            return storage;
        }
        if let Some(message) = db.failed.clone() {
            return (false, message);
        }
        let (sender, receiver) = oneshot::channel();
        db.storage_waiting.push(sender);
        receiver
    };
    receiver
        .await
        .unwrap_or((false, "the results database stopped".into()))
}

/// Imports a file the learner picked: an exported database (`.sqlite`, told
/// by SQLite's header) or a run's JSON export. The results worker
/// validates it; a refused file changes nothing, and the error says so.
pub async fn import_file(file: web_sys::File) -> FromResults {
    let buffer = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
        Ok(buffer) => buffer,
        Err(_) => {
            return FromResults::Error {
                message: "the file could not be read".into(),
            };
        }
    };
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    let reply = if bytes.starts_with(b"SQLite format 3\0") {
        ask(ToResults::ImportDatabase { bytes }).await
    } else {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        ask(ToResults::Import { text }).await
    };
    match reply {
        FromResults::Error { message } => FromResults::Error {
            message: format!("refused: {message}; nothing was changed"),
        },
        reply => reply,
    }
}
