//! The variants of `zerocopy`: numbers made in WebAssembly, handed to
//! JavaScript, which adds them up. The crossing is the variant, so this
//! file, not the kernels, holds them; JavaScript's side of each crossing
//! is the browser's [`Crossing`], which the worker implements. Each
//! function's code is what the page shows.
//!
//! The numbers are multiples of 2⁻¹⁶ below 1000: every partial sum is
//! exact, so every variant's sum, in any order, equals every other's bit
//! for bit, and JSON's decimal text round-trips them exactly.

use std::hint::black_box;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use rayon::prelude::*;

use super::Params;
use crate::protocol::DemoTable;
use crate::runner::{KernelList, Case, Crossing, Host, Output, Runner, Workload};

/// A transfer: WebAssembly's numbers to JavaScript (the browser's
/// [`Crossing`]), summed there, or summed in place by the pool's threads.
pub type Transfer = fn(&[f64], &dyn Crossing, usize) -> f64;

/// Every variant by name, JSON first.
pub const VARIANTS: [(&str, Transfer); 4] = [
    ("naive", naive),
    ("copy", copy),
    ("view", view),
    ("shared", shared),
];

pub struct Zerocopy;

struct Input {
    numbers: Vec<f64>,
    host: Host,
    threads: usize,
}

/// `n` multiples of 2⁻¹⁶ in [0, 1000), reproducible from `seed`.
pub fn generate(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Pcg64::seed_from_u64(seed);
    (0..n)
        .map(|_| f64::from(rng.random_range(0..1000u32 << 16)) / 65536.0)
        .collect()
}

impl Runner for Zerocopy {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &VARIANTS
    }

    /// Every variant takes the thread count; only `shared` uses it.
    fn threaded(&self) -> Option<&'static str> {
        Some("shared")
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        let n = params.n[0];
        vec![(
            format!("{n} seeded numbers"),
            self.workload(params, host, n),
        )]
    }

    fn workload(&self, params: &Params, host: &Host, size: u64) -> Box<dyn Workload> {
        Box::new(Input {
            numbers: generate(size as usize, params.seed),
            host: host.clone(),
            threads: rayon::current_num_threads(),
        })
    }

    fn tables(&self, _: &Params, host: &Host) -> Vec<DemoTable> {
        vec![growth_demo(host.crossing())]
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        black_box((VARIANTS[variant].1)(
            black_box(&self.numbers),
            self.host.crossing(),
            self.threads,
        ));
    }

    fn check(&mut self, variant: usize) -> Output {
        let sum = (VARIANTS[variant].1)(&self.numbers, self.host.crossing(), self.threads);
        Output::shown_as(format!("sum={sum}"), &[sum.to_bits()][..])
    }

    fn set_threads(&mut self, threads: usize) {
        self.threads = threads;
    }
}

/// Serialized: Rust writes the numbers as JSON text, the text is copied
/// into a JavaScript string, `JSON.parse` reads it back into an Array of
/// numbers, which JavaScript adds up. Python's `json.dumps`/`json.loads`
/// or pickling through a pipe.
pub fn naive(numbers: &[f64], js: &dyn Crossing, _threads: usize) -> f64 {
    let text = serde_json::to_string(numbers).expect("finite numbers serialize");
    js.sum_json(&text)
}

/// Copied: one `memcpy` of the bytes into a new JavaScript Float64Array,
/// like `bytes(memoryview)` or `array.tobytes()`.
pub fn copy(numbers: &[f64], js: &dyn Crossing, _threads: usize) -> f64 {
    js.sum_copied(numbers)
}

/// Zero-copy: a Float64Array over WebAssembly's own memory, where the
/// numbers already are, like a `memoryview` over an object that exports
/// the buffer protocol. Nothing moves; the view is made in O(1).
pub fn view(numbers: &[f64], js: &dyn Crossing, _threads: usize) -> f64 {
    js.sum_viewed(numbers)
}

/// Shared between workers: in the threaded build WebAssembly memory is a
/// SharedArrayBuffer, and every Web Worker of the pool adds up its own
/// block of the same numbers in place. Posting the array to another
/// worker instead would copy it (structured clone). Single-threaded
/// builds have one worker, so this is one pass in place.
pub fn shared(numbers: &[f64], _js: &dyn Crossing, threads: usize) -> f64 {
    let block = numbers.len().div_ceil(threads.max(1)).max(1);
    numbers
        .par_chunks(block)
        .map(|part| part.iter().sum::<f64>())
        .sum()
}

/// A view does not survive a growth of WebAssembly memory: growing
/// replaces the memory's ArrayBuffer and detaches the old one, so an old
/// view reads as empty. (In the threaded build the memory is a
/// SharedArrayBuffer, which cannot be detached: the old view keeps its
/// length but no longer covers the whole memory.) Rust's borrow checker
/// forbids the same mistake with slices; JavaScript cannot see borrows,
/// which is why `Float64Array::view` is `unsafe`.
fn growth_demo(js: &dyn Crossing) -> DemoTable {
    let numbers = generate(1000, 1);
    let [before, after] = js.view_across_growth(&numbers);
    let row = |when: &str, seen: crate::runner::ViewGrowth| {
        vec![
            when.to_string(),
            seen.length.to_string(),
            format!("{:.0} KiB", seen.memory_bytes / 1024.0),
            if seen.on_current_buffer { "yes" } else { "no" }.to_string(),
        ]
    };
    DemoTable {
        id: "view-growth".into(),
        title: "A view must not outlive a memory growth".into(),
        caption: "A Float64Array view over 1000 numbers in WebAssembly memory, before and after the memory grows by \
                  one 64 KiB page. In the single-threaded build the old buffer is detached and the view reads as \
                  length 0: the numbers are still in memory, gone from JavaScript's sight. In the threaded build \
                  the memory is a SharedArrayBuffer, which cannot be detached: the view keeps its length but is \
                  no longer on the memory's current buffer. Either way, make a new view after anything that may \
                  allocate."
            .into(),
        columns: ["", "view length", "memory size", "view on the current buffer"].map(String::from).to_vec(),
        rows: vec![row("before growth", before), row("after growth", after)],
        highlighted: 0,
        hooks: Vec::new(),
    }
}
