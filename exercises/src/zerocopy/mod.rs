//! Bonus exercise C: moving numbers between WebAssembly and JavaScript.

use crate::{Exercise, Growth, Target, Variant, Work};

#[cfg(feature = "runner")]
pub(crate) mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        n: IntList { min: 1, max: 4_000_000, max_len: 8, } = "1000,10000,100000,1000000",
            "n",
            "how many numbers cross";
        seed: Int { min: 0, max: u32::MAX as u64, } = "42",
            "random seed",
            "the same seed gives the same numbers";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "zerocopy",
    title: "Zero-copy: views instead of copies across the WebAssembly boundary",
    seed: "Performance Optimization Practice, bonus exercise C (memoryview and the buffer protocol)",
    summary: "WebAssembly hands n numbers to JavaScript as JSON text, as a copied typed array, as a \
              view of its own memory, and through memory shared between workers: throughput vs size, \
              and the rule a view must obey.",
    explanation: &[
        "WebAssembly and JavaScript run in the same thread but keep numbers in different places: \
         WebAssembly in its linear memory (one ArrayBuffer), JavaScript in its own heap. Every \
         variant here starts with n numbers in WebAssembly memory and ends with JavaScript having \
         added them up; what differs is how the numbers get across.",
        "naive serializes: Rust writes JSON text (about 20 bytes per number), the text is copied \
         into a JavaScript string, and JSON.parse turns it back into numbers, one by one. It is \
         what json.dumps and json.loads, or pickling across a process boundary, cost in Python. \
         copy moves the bytes once, 8 per number, into a new Float64Array: one memcpy, like \
         bytes(view) or array.tobytes(). view moves nothing: a Float64Array over WebAssembly's \
         memory, made in constant time, is what a memoryview over an object that exports the \
         buffer protocol (NumPy's arrays, bytearray, a class with __buffer__) gives Python. \
         shared is not a JavaScript consumer and says so: in the threaded build WebAssembly \
         memory is a SharedArrayBuffer, and the pool's Web Workers each add up a block of the \
         same numbers in place, in Rust; posting the array to another worker instead would copy \
         it. Its time therefore differs from view's in three ways at once: no crossing into \
         JavaScript, Rust's loop instead of JavaScript's, and several threads. The thread sweep \
         separates the last: its one-thread point is the crossing-free, Rust-only sum, and the \
         points after it are what sharing the memory across workers adds. Waking the pool costs \
         tens of microseconds, so sharing pays only for large arrays and only when cores are free.",
        "Read the throughput column: JSON moves tens to hundreds of MB/s, a copy GB/s, and a view \
         is limited only by the loop that reads it. For small n the fixed cost of crossing into \
         JavaScript dominates every variant alike.",
        "The rule of views: a view is only valid while the memory under it stays put. When \
         WebAssembly memory grows (any allocation may grow it), its ArrayBuffer is replaced and \
         every old view is detached and reads as empty; the table below shows it happen. Rust's \
         borrow checker enforces the same rule for slices at compile time (no reallocation while \
         a slice is borrowed), but it cannot see JavaScript's references, which is why making a \
         view is unsafe: make it, use it, drop it, before anything allocates.",
        "The allocations and peak memory columns count WebAssembly's heap only: JSON's text is \
         there, but the copy's Float64Array and the parsed Array live in JavaScript's heap, which \
         the worker's allocator cannot see.",
        "The numbers are multiples of 2⁻¹⁶ below 1000, so every sum is exact in any order and the \
         variants agree to the last bit; JSON's decimal text round-trips every one of them.",
    ],
    params: PARAMS,
    size_param: "n",
    variants: &[
        Variant {
            name: "naive",
            technique: "JSON text: serde_json writes, JSON.parse reads",
            growth: Growth::Linear,
        },
        Variant {
            name: "copy",
            technique: "one memcpy into a new Float64Array",
            growth: Growth::Linear,
        },
        Variant {
            name: "view",
            technique: "a Float64Array over WebAssembly memory: nothing moves",
            growth: Growth::Linear,
        },
        Variant {
            name: "shared",
            technique: "memory shared by the pool's workers, each summing a block in place, in Rust: no JavaScript consumer",
            growth: Growth::Linear,
        },
    ],
    source: "exercises/src/zerocopy/run.rs",
    target: Target {
        variant: "view",
        baseline: "naive",
        speedup: 20.0,
        size: 100_000,
    },
    thread_sweep: Some("shared"),
    gpu: &[],
    local_file: None,
    sections: &[],
    limits: None,
    work: Some(Work {
        unit: "bytes",
        per_call: |n, _| 8.0 * n as f64,
    }),
    #[cfg(feature = "runner")]
    runner: &run::Zerocopy,
};
