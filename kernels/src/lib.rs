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
pub mod csv_stream;
pub mod duplicates;
pub mod framework;
pub mod mandelbrot;
pub mod matmul;
pub mod memory;
pub mod patterns;
pub mod pi;
pub mod pipeline;
pub mod profiling;
pub mod scraper;
pub mod storage;
pub mod streaming;
pub mod strings;
pub mod typed;
pub mod vectorize;

/// `work(i)` for every `i` in `0..items`, computed as `parts` parallel
/// tasks, so at most `parts` threads work (a thread sweep's knob). Task `t`
/// takes items `t`, `t + parts`, …, which shares items of uneven cost (the
/// middle rows of an image) fairly. The results come back in item order,
/// whatever `parts` is.
///
/// Each task is spawned on its own: from outside the pool, every spawn is
/// injected into the pool's queue and wakes a sleeping thread. A parallel
/// iterator instead hands the first thread both halves and leaves the
/// second for another thread to steal; a thread asleep in the browser wakes
/// too late, and the first runs both — one thread's speed, on some calls.
pub fn interleaved<T: Send>(
    items: usize,
    parts: usize,
    work: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    use std::sync::Mutex;
    let parts = parts.clamp(1, items.max(1));
    let strips: Vec<Mutex<Vec<T>>> = (0..parts).map(|_| Mutex::new(Vec::new())).collect();
    let work = &work;
    rayon::in_place_scope(|scope| {
        for (task, strip) in strips.iter().enumerate() {
            scope.spawn(move |_| {
                let done: Vec<T> = (task..items).step_by(parts).map(work).collect();
                *strip.lock().unwrap_or_else(|e| e.into_inner()) = done;
            });
        }
    });
    // Item `i` is strip `i % parts`'s next result.
    let mut strips: Vec<_> = strips
        .into_iter()
        .map(|strip| strip.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter())
        .collect();
    (0..items)
        .map(|i| strips[i % parts].next().expect("one result per item"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn interleaved_returns_every_item_in_order_for_any_parts() {
        for items in [0, 1, 7, 10] {
            let expected: Vec<usize> = (0..items).map(|i| i * i).collect();
            for parts in 0..12 {
                assert_eq!(
                    super::interleaved(items, parts, |i| i * i),
                    expected,
                    "{items} items, {parts} parts"
                );
            }
        }
    }
}
