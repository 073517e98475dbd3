//! What a runner uses from the browser, as one interface: the clock and
//! timers, `fetch`, posting to the page, JavaScript's random numbers, the
//! file the learner picked, and JavaScript's side of a crossing between
//! WebAssembly and JavaScript. The worker implements it with the real
//! browser; [`Plain`] stands in for it in plain Rust on the host.

use std::cell::{Cell, RefCell};
use std::io::Read;
use std::pin::Pin;
use std::rc::Rc;

use rand::{Rng, SeedableRng};

use crate::protocol::FromWorker;

/// The site's root as a relative URL from the worker's script,
/// `<site>/worker/<build>/<module>/bootstrap.js`: what [`Browser::fetch`]
/// resolves a path on the site against.
pub const SITE_ROOT: &str = "../../../";

/// The browser, as runners see it. Only the clock and timers have no
/// stand-in: everything else has a default that works off the web.
pub trait Browser {
    /// `performance.now()`: milliseconds from an arbitrary origin.
    fn now_ms(&self) -> f64;

    /// Resolves after `ms` milliseconds, on a real timer.
    fn sleep(&self, ms: u32) -> Pin<Box<dyn Future<Output = ()>>>;

    /// A real `fetch()` of `url` (relative to the worker's script): the
    /// reply's status and whether the site's service worker answered it.
    fn fetch(&self, url: &str) -> Pin<Box<dyn Future<Output = Result<Reply, String>>>> {
        let _ = url;
        Box::pin(std::future::ready(Err(
            "this browser has no network".to_string()
        )))
    }

    /// A real `fetch()` of `url` (relative to the worker's script) that
    /// reads the body: the status and the bytes.
    fn fetch_bytes(&self, url: &str) -> Later<(u16, Vec<u8>)> {
        let _ = url;
        Box::pin(std::future::ready(Err("this browser has no network".to_string())))
    }

    /// Posts `message` to the page now, before the demonstration ends (a
    /// progress bar); by default it is dropped.
    fn post(&self, message: FromWorker) {
        let _ = message;
    }

    /// JavaScript's `Math.random`, as a function a kernel can call per
    /// point; off the web, a seeded generator of the same distribution.
    fn random(&self) -> fn() -> f64 {
        stand_in_random
    }

    /// A clock in milliseconds that any thread can read, with one origin
    /// for all of them (the pool's threads time their tasks on it); off
    /// the web, a counter that advances 0.5 ms per reading.
    fn clock(&self) -> fn() -> f64 {
        stand_in_clock
    }

    /// A note kept by an earlier run under `key` (in the browser, in the
    /// site's cache storage), if there is one.
    fn recall(&self, key: &str) -> Pin<Box<dyn Future<Output = Option<String>>>> {
        let _ = key;
        Box::pin(std::future::ready(None))
    }

    /// Keeps `note` under `key` for later runs; the error says why it
    /// could not (no cache storage in this context).
    fn remember(&self, key: &str, note: String) -> Pin<Box<dyn Future<Output = Result<(), String>>>> {
        let _ = (key, note);
        Box::pin(std::future::ready(Err("this browser keeps nothing across runs".to_string())))
    }

    /// Files that outlive the run: in the browser, a folder of the origin
    /// private file system; without one, a folder in memory that says why
    /// (`Files::kept`).
    fn files(&self) -> Rc<dyn Files> {
        thread_local! {
            static IN_MEMORY: Rc<MemoryFiles> = Rc::new(MemoryFiles::new("this browser has no origin private file system"));
        }
        IN_MEMORY.with(|files| files.clone() as Rc<dyn Files>)
    }

    /// The wall-clock time now, as ISO 8601 (`Date.toISOString()`).
    fn wall_time(&self) -> String {
        "unknown".to_string()
    }

    /// The file the learner picked for this run, if any.
    fn local_file(&self) -> Option<Rc<dyn LocalFile>> {
        None
    }

    /// JavaScript's side of a crossing; off the web, the same sums in Rust.
    fn crossing(&self) -> &dyn Crossing {
        &Plain::CROSSING
    }
}

/// The answer to one [`Browser::fetch`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// Whether the site's service worker answered (the network lane's
    /// endpoint), rather than the server.
    pub from_service_worker: bool,
}

/// A file the learner picked, read in the worker as the kernels ask.
pub trait LocalFile {
    /// Its name, as the learner knows it.
    fn name(&self) -> String;
    /// Its size in bytes.
    fn bytes(&self) -> f64;
    /// A reader from its start; only a chunk at a time is in memory.
    fn reader(&self) -> Box<dyn Read>;
}

/// What a [`Files`] call gives, later.
pub type Later<T> = Pin<Box<dyn Future<Output = Result<T, String>>>>;

/// A folder of files by path (`a/b/c`, folders made as needed). A write
/// replaces a file whole or not at all; every failure (a full quota) is an
/// `Err` that says what went wrong.
pub trait Files {
    /// Where the files are kept (`Ok`, in words), or why only in memory.
    fn kept(&self) -> Result<String, String>;
    /// The file at `path`, or `None` if there is none.
    fn read(&self, path: &str) -> Later<Option<Vec<u8>>>;
    /// Writes `bytes` as the file at `path`.
    fn write(&self, path: &str, bytes: Vec<u8>) -> Later<()>;
    /// Removes the folder `path` and everything in it, if it exists.
    fn remove_all(&self, path: &str) -> Later<()>;
}

/// [`Files`] in memory, for as long as it lives.
pub struct MemoryFiles {
    why: String,
    files: RefCell<std::collections::BTreeMap<String, Vec<u8>>>,
}

impl MemoryFiles {
    /// An empty folder in memory, kept there for the reason `why`.
    pub fn new(why: &str) -> MemoryFiles {
        MemoryFiles {
            why: why.to_string(),
            files: RefCell::default(),
        }
    }
}

impl Files for MemoryFiles {
    fn kept(&self) -> Result<String, String> {
        Err(self.why.clone())
    }
    fn read(&self, path: &str) -> Later<Option<Vec<u8>>> {
        Box::pin(std::future::ready(Ok(self.files.borrow().get(path).cloned())))
    }
    fn write(&self, path: &str, bytes: Vec<u8>) -> Later<()> {
        self.files.borrow_mut().insert(path.to_string(), bytes);
        Box::pin(std::future::ready(Ok(())))
    }
    fn remove_all(&self, path: &str) -> Later<()> {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        self.files.borrow_mut().retain(|key, _| !key.starts_with(&prefix));
        Box::pin(std::future::ready(Ok(())))
    }
}

/// JavaScript's side of moving numbers out of WebAssembly: each method
/// receives the numbers one way and adds them up in a JavaScript loop.
pub trait Crossing {
    /// `JSON.parse(text)` into an Array of numbers, then its sum.
    fn sum_json(&self, text: &str) -> f64;
    /// The numbers copied into a new `Float64Array`, then its sum.
    fn sum_copied(&self, numbers: &[f64]) -> f64;
    /// A `Float64Array` view over WebAssembly memory, where the numbers
    /// already are, then its sum.
    fn sum_viewed(&self, numbers: &[f64]) -> f64;
    /// A view over `numbers`, observed before and after WebAssembly memory
    /// grows by one page.
    fn view_across_growth(&self, numbers: &[f64]) -> [ViewGrowth; 2];
}

/// What a view over WebAssembly memory looks like at one moment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewGrowth {
    /// The view's length in elements.
    pub length: u32,
    /// WebAssembly memory's size in bytes.
    pub memory_bytes: f64,
    /// Whether the view is on the memory's current buffer.
    pub on_current_buffer: bool,
}

/// A browser stand-in in plain Rust: a clock that advances 0.5 ms per
/// reading, sleeps that advance it at once, notes kept as long as it
/// lives, no network, no file, no page to post to, and the crossings
/// summed in Rust. Host tests hand it to
/// runners.
#[derive(Default)]
pub struct Plain {
    now: Cell<f64>,
    notes: std::cell::RefCell<std::collections::HashMap<String, String>>,
}

impl Plain {
    const CROSSING: PlainCrossing = PlainCrossing;

    /// A fresh stand-in, shared as runners take it.
    pub fn host() -> super::Host {
        Rc::new(Plain::default())
    }
}

impl Browser for Plain {
    fn now_ms(&self) -> f64 {
        self.now.set(self.now.get() + 0.5);
        self.now.get()
    }

    fn sleep(&self, ms: u32) -> Pin<Box<dyn Future<Output = ()>>> {
        self.now.set(self.now.get() + f64::from(ms));
        Box::pin(std::future::ready(()))
    }

    fn recall(&self, key: &str) -> Pin<Box<dyn Future<Output = Option<String>>>> {
        Box::pin(std::future::ready(self.notes.borrow().get(key).cloned()))
    }

    fn remember(&self, key: &str, note: String) -> Pin<Box<dyn Future<Output = Result<(), String>>>> {
        self.notes.borrow_mut().insert(key.to_string(), note);
        Box::pin(std::future::ready(Ok(())))
    }
}

/// [`Crossing`] without JavaScript: the same sums, in order, in Rust.
struct PlainCrossing;

impl Crossing for PlainCrossing {
    fn sum_json(&self, text: &str) -> f64 {
        let numbers: Vec<f64> = serde_json::from_str(text).unwrap_or_default();
        numbers.iter().sum()
    }
    fn sum_copied(&self, numbers: &[f64]) -> f64 {
        numbers.to_vec().iter().sum()
    }
    fn sum_viewed(&self, numbers: &[f64]) -> f64 {
        numbers.iter().sum()
    }
    fn view_across_growth(&self, numbers: &[f64]) -> [ViewGrowth; 2] {
        let view = ViewGrowth {
            length: numbers.len() as u32,
            memory_bytes: 0.0,
            on_current_buffer: true,
        };
        [view, view]
    }
}

/// `Math.random`'s stand-in: a seeded generator per thread.
fn stand_in_random() -> f64 {
    thread_local! {
        static STAND_IN: RefCell<rand_pcg::Pcg64> = RefCell::new(rand_pcg::Pcg64::seed_from_u64(1));
    }
    STAND_IN.with(|rng| rng.borrow_mut().random())
}

/// The shared clock's stand-in: 0.5 ms more at every reading, on any
/// thread, so host tests see time pass without reading a real clock.
fn stand_in_clock() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static READINGS: AtomicU64 = AtomicU64::new(0);
    READINGS.fetch_add(1, Ordering::Relaxed) as f64 * 0.5
}
