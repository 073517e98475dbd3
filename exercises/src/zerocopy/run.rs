//! The variants of `zerocopy`: numbers made in WebAssembly, handed to
//! JavaScript, which adds them up. The crossing is the variant, so this
//! file, not the kernels, calls JavaScript; each function's code is what
//! the page shows.
//!
//! The numbers are multiples of 2⁻¹⁶ below 1000: every partial sum is
//! exact, so every variant's sum, in any order, equals every other's bit
//! for bit, and JSON's decimal text round-trips them exactly.

use std::hint::black_box;

use js_sys::{Array, Float64Array};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use rayon::prelude::*;
use wasm_bindgen::prelude::*;

use crate::params::ParamValues;
use crate::protocol::DemoTable;
use crate::runner::{Output, Runner, Workload};

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

/// A transfer: WebAssembly's numbers to JavaScript, summed there.
pub type Transfer = fn(&[f64], usize) -> f64;

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
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)> {
        let n = params.list("n")[0];
        vec![(format!("{n} seeded numbers"), self.workload(params, n))]
    }

    fn workload(&self, params: &ParamValues, size: u64) -> Box<dyn Workload> {
        Box::new(Input {
            numbers: generate(size as usize, params.int("seed")),
            threads: rayon::current_num_threads(),
        })
    }

    fn needs_browser(&self) -> bool {
        true
    }

    fn tables(&self, _params: &ParamValues) -> Vec<DemoTable> {
        vec![growth_demo()]
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        black_box((VARIANTS[variant].1)(
            black_box(&self.numbers),
            self.threads,
        ));
    }

    fn check(&mut self, variant: usize) -> Output {
        let sum = (VARIANTS[variant].1)(&self.numbers, self.threads);
        let mut output = Output::list(&[sum.to_bits()]);
        output.text = format!("sum={sum}");
        output
    }

    fn set_threads(&mut self, threads: usize) {
        self.threads = threads;
    }
}

/// Serialized: Rust writes the numbers as JSON text, the text is copied
/// into a JavaScript string, `JSON.parse` reads it back into an Array of
/// numbers. Python's `json.dumps`/`json.loads` or pickling through a pipe.
pub fn naive(numbers: &[f64], _threads: usize) -> f64 {
    let text = serde_json::to_string(numbers).expect("finite numbers serialize");
    let array: Array = js_sys::JSON::parse(&text)
        .expect("JSON.parse reads what serde_json wrote")
        .unchecked_into();
    sum_array(&array)
}

/// Copied: one `memcpy` of the bytes into a new JavaScript Float64Array,
/// like `bytes(memoryview)` or `array.tobytes()`.
pub fn copy(numbers: &[f64], _threads: usize) -> f64 {
    let array = Float64Array::from(numbers);
    sum_typed(&array)
}

/// Zero-copy: a Float64Array over WebAssembly's own memory, where the
/// numbers already are, like a `memoryview` over an object that exports
/// the buffer protocol. Nothing moves; the view is made in O(1).
pub fn view(numbers: &[f64], _threads: usize) -> f64 {
    // SAFETY: the view is used and dropped before anything here allocates,
    // so WebAssembly memory cannot grow (which would detach it) while
    // JavaScript reads it, and `numbers` is borrowed for the whole time.
    let array = unsafe { Float64Array::view(numbers) };
    sum_typed(&array)
}

/// Shared between workers: in the threaded build WebAssembly memory is a
/// SharedArrayBuffer, and every Web Worker of the pool adds up its own
/// block of the same numbers in place. Posting the array to another
/// worker instead would copy it (structured clone). Single-threaded
/// builds have one worker, so this is one pass in place.
pub fn shared(numbers: &[f64], threads: usize) -> f64 {
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
fn growth_demo() -> DemoTable {
    let numbers = generate(1000, 1);
    // SAFETY: only the view's length and buffer are read after the growth,
    // never its elements.
    let array = unsafe { Float64Array::view(&numbers) };
    let before = (array.length(), wasm_bytes());
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let same_before = JsValue::from(array.buffer()) == memory.buffer();
    grow_memory();
    let after = (array.length(), wasm_bytes());
    let same_after = JsValue::from(array.buffer()) == memory.buffer();
    let row = |when: &str, (length, bytes): (u32, f64), same: bool| {
        vec![
            when.to_string(),
            length.to_string(),
            format!("{:.0} KiB", bytes / 1024.0),
            if same { "yes" } else { "no" }.to_string(),
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
        rows: vec![row("before growth", before, same_before), row("after growth", after, same_after)],
        highlighted: 0,
    }
}

fn wasm_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer = memory.buffer();
    js_sys::Reflect::get(&buffer, &"byteLength".into())
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// Grows WebAssembly memory by one page, as an allocation that needs more
/// room would.
fn grow_memory() {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::memory_grow(0, 1);
}
