//! "Coding Advanced Activities": Python's advanced features and the
//! design patterns, each by its Rust analog with a measured cost. One
//! exercise in sections, chosen by the `section` parameter; each section
//! is a full descriptor of its own (variants, kernels, target).

use crate::{Exercise, Growth, Target, Variant, Work};

#[cfg(feature = "runner")]
mod run;
mod sections;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        section: Choice { options: &["dispatch", "decorators", "context", "iterators", "dsl", "patterns"] }
            = "dispatch",
            "section",
            "which idea to measure: dispatch, decorators, context, iterators, dsl (macros as \
             metaclasses) or patterns (Strategy, Observer, Factory, dependency injection)";
        n: IntList { min: 1, max: 10_000_000, max_len: 8 } = "1000,10000,100000,1000000",
            "sizes (n)",
            "items per call: numbers stepped, calls decorated, blocks entered, records built, \
             items published";
        body: Choice { options: &["light", "heavy"] } = "light",
            "strategy (dispatch)",
            "light: one multiply per call, so inlining decides; heavy: 48 per call, so the \
             call is noise";
        seed: Int { min: 0, max: 1_000_000 } = "1",
            "seed",
            "the same seed gives the same numbers";
    }
}

/// Sizes as items per call.
const ITEMS: Option<Work> = Some(Work {
    unit: "items",
    per_call: |n, _| n as f64,
});

/// The exercise as the home page lists it: the dispatch section, with
/// every section under it.
pub static EXERCISE: Exercise = Exercise {
    id: "patterns",
    title: "Patterns: what an abstraction costs, and when it costs nothing",
    seed: "Coding Advanced Activities: advanced Python features and software engineering practices",
    summary: "Decorators, context managers, generators, metaclasses, Strategy, Observer, Factory \
              and dispatch, each by its Rust analog, measured against a Python-shaped port.",
    sections: &[
        &sections::DISPATCH,
        &sections::DECORATORS,
        &sections::CONTEXT,
        &sections::ITERATORS,
        &sections::DSL,
        &sections::OBJECTS,
    ],
    ..sections::DISPATCH
};

/// A variant of a section: its name, technique and growth (every section
/// does the same work per item, so all grow linearly).
const fn variant(name: &'static str, technique: &'static str) -> Variant {
    Variant {
        name,
        technique,
        growth: Growth::Linear,
    }
}

/// "`variant` at least `speedup` × faster than `baseline` at n = 100 000".
const fn target(variant: &'static str, baseline: &'static str, speedup: f64) -> Target {
    Target {
        variant,
        baseline,
        speedup,
        size: 100_000,
    }
}
