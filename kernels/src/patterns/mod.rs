//! Python's advanced features and the design patterns, by their Rust
//! analogs, each with a faithful "Python-shaped" port to measure against:
//! what an abstraction costs, and when it costs nothing.
//!
//! One file per section: [`dispatch`] (trait objects, generics, enums,
//! function pointers), [`decorators`] (wrapping functions), [`context`]
//! (RAII guards for temporary settings), [`iterators`] (lazy chains vs a
//! list per step), [`dsl`] (a `macro_rules!` DSL, the metaclass analog)
//! and [`objects`] (Strategy, Observer, Factory, dependency injection).

pub mod context;
pub mod decorators;
pub mod dispatch;
pub mod dsl;
pub mod iterators;
pub mod objects;

/// The numbers a section's call works through: `n` in a row, from a
/// start the seed picks, so that every seed is another input. The start
/// stays below 2⁶³, so the end never overflows.
pub fn items(n: u64, seed: u64) -> std::ops::Range<u64> {
    let start = mix(seed) >> 1;
    start..start + n
}

/// The light per-item work every section's loop does: a multiply and a
/// shift, cheap enough that how it is called decides the time.
#[inline]
pub fn mix(x: u64) -> u64 {
    (x ^ (x >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}
