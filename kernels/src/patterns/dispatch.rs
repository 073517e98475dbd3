//! Dispatch four ways over one strategy: a trait object (a call through a
//! vtable), generics (a copy of the loop per type, the call inlined), an
//! `enum` with a `match`, and a function pointer. Every variant chooses
//! its strategy at run time, as a plugin registry or a configuration file
//! would: the compiler never knows it in advance.

use std::hint::black_box;

use super::mix;

/// Rounds of the heavy strategy: enough work per call that the call
/// itself is a small part of it.
pub const ROUNDS: u32 = 48;

/// One step of a computation over whole numbers: the strategy.
pub trait Step {
    /// The step applied to `x`.
    fn apply(&self, x: u64) -> u64;
}

/// The light strategy: one [`mix`]. The call costs more than the work,
/// so inlining decides the time.
pub struct Light;

/// The heavy strategy: [`ROUNDS`] dependent mixes. The work dominates,
/// however it is called.
pub struct Heavy;

impl Step for Light {
    #[inline]
    fn apply(&self, x: u64) -> u64 {
        light(x)
    }
}

impl Step for Heavy {
    #[inline]
    fn apply(&self, x: u64) -> u64 {
        heavy(x)
    }
}

/// [`Light`] as a plain function.
#[inline]
pub fn light(x: u64) -> u64 {
    mix(x)
}

/// [`Heavy`] as a plain function.
#[inline]
pub fn heavy(x: u64) -> u64 {
    (0..ROUNDS).fold(x, |y, _| mix(y))
}

/// The strategies as a closed set.
#[derive(Clone, Copy)]
pub enum Strategy {
    /// [`Light`].
    Light,
    /// [`Heavy`].
    Heavy,
}

impl Strategy {
    /// The chosen strategy's step.
    #[inline]
    pub fn apply(self, x: u64) -> u64 {
        match self {
            Strategy::Light => light(x),
            Strategy::Heavy => heavy(x),
        }
    }
}

/// The input: the numbers, and which strategy the run chose.
pub struct Job {
    /// The numbers each variant steps and sums.
    pub values: Vec<u64>,
    /// The heavy strategy, else the light one.
    pub heavy: bool,
}

impl Job {
    /// `n` seeded numbers and the chosen strategy. (Not `mix(i ^ seed)`
    /// over `0 .. n`: for a seed below the largest power of two dividing
    /// `n`, that is the same numbers in another order, so the same sum.)
    pub fn new(n: usize, heavy: bool, seed: u64) -> Job {
        let values = super::items(n as u64, seed).map(mix).collect();
        Job { values, heavy }
    }
}

/// A variant: the sum of the steps, wrapping.
pub type Kernel = fn(&Job) -> u64;

/// Every variant by name, the trait object first: the others are
/// measured against it.
pub const VARIANTS: [(&str, Kernel); 4] = [
    ("dyn", r#dyn),
    ("generic", generic),
    ("enum", r#enum),
    ("fn_pointer", fn_pointer),
];

/// Trait object: `&dyn Step`, called through its vtable. The compiler
/// cannot see which `apply` runs, so it cannot inline it, and a loop with
/// an opaque call in it is not vectorized.
pub fn r#dyn(job: &Job) -> u64 {
    let step: &dyn Step = if job.heavy { &Heavy } else { &Light };
    // Chosen at run time, as from a plugin registry.
    let step = black_box(step);
    job.values
        .iter()
        .fold(0u64, |sum, &x| sum.wrapping_add(step.apply(x)))
}

/// Generics: one copy of the loop per strategy (monomorphization). In
/// each copy the call is known, inlined, and the loop vectorized; the run
/// time choice is made once, outside the loop.
pub fn generic(job: &Job) -> u64 {
    fn sum<S: Step>(step: &S, values: &[u64]) -> u64 {
        values
            .iter()
            .fold(0u64, |sum, &x| sum.wrapping_add(step.apply(x)))
    }
    if black_box(job.heavy) {
        sum(&Heavy, &job.values)
    } else {
        sum(&Light, &job.values)
    }
}

/// Enum: a closed set and a `match` on every call. The match does not
/// change inside the loop, so the compiler may hoist it out (loop
/// unswitching), after which the enum is as fast as generics. With SIMD128
/// it also inlines [`heavy`] here and vectorizes it with `i64x2.mul`,
/// which V8 emulates on x86: the heavy enum then runs at about half dyn's
/// speed (the lesson's last paragraph).
pub fn r#enum(job: &Job) -> u64 {
    let strategy = black_box(if job.heavy {
        Strategy::Heavy
    } else {
        Strategy::Light
    });
    job.values
        .iter()
        .fold(0u64, |sum, &x| sum.wrapping_add(strategy.apply(x)))
}

/// Function pointer: an indirect call, like `dyn` without the vtable;
/// opaque to the compiler in the same way.
pub fn fn_pointer(job: &Job) -> u64 {
    let step: fn(u64) -> u64 = black_box(if job.heavy { heavy } else { light });
    job.values
        .iter()
        .fold(0u64, |sum, &x| sum.wrapping_add(step(x)))
}
