//! Pure compute: for every exercise, a faithful port of the seed's slow code
//! (`naive`) and the optimized variants that a strong engineer would write.
//!
//! This crate knows nothing about browsers: it does not depend on
//! wasm-bindgen, web-sys, js-sys or leptos, so `cargo test -p kernels` runs
//! on the host and the same code is compiled into the benchmark worker. A
//! kernel that must call JavaScript on purpose gets that function injected.
//!
//! Every optimized variant has a naive twin, and a property test in the
//! exercise's module compares them.

pub mod caching;
pub mod concurrency;
pub mod duplicates;
pub mod mandelbrot;
pub mod memory;
pub mod matmul;
pub mod pi;
pub mod profiling;
pub mod strings;
pub mod typed;
pub mod vectorize;
