//! The results database: every run the page finishes, with its provenance,
//! in SQLite.
//!
//! [`store`] is the database (schema, migrations, the page's requests) and
//! tests on the host. In the browser it runs in a worker of its own
//! (`worker`, wasm only): SQLite compiled to WebAssembly, single-threaded,
//! so it stays out of the benchmark worker and its thread pool, its file in
//! the Origin Private File System. The module loads when a run is
//! saved or the history opens, never before the page's first paint.

pub mod store;

#[cfg(target_arch = "wasm32")]
mod worker;
