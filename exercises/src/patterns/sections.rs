//! The sections of `patterns`, each a full descriptor: its variants (the
//! kernels in `kernels/src/patterns/<section>.rs`, in order), its text and
//! its target.

use super::{ITEMS, PARAMS, target, variant};
#[cfg(feature = "runner")]
use super::run;
use crate::Exercise;

/// The seed of every section.
const SEED: &str = "Coding Advanced Activities: advanced Python features and software engineering practices";

/// Dispatch: the section the exercise opens on (a `const`, so the
/// exercise itself can be this section with the others under it).
pub const DISPATCH: Exercise = Exercise {
    id: "dispatch",
    title: "Dispatch: a trait object, generics, an enum, a function pointer",
    seed: SEED,
    summary: "The same strategy called four ways: when the compiler can see the call it inlines it, \
              and a loop of tiny calls becomes a vectorized loop of no calls.",
    explanation: &[
        "A Strategy is an object whose method the caller does not know in advance: in Python every \
         method call is looked up at run time. Rust offers four ways to call a strategy chosen at run \
         time. A trait object (`&dyn Step`) calls through a vtable, a function pointer calls through \
         an address; in both the compiler cannot see the code that runs, so it cannot inline it, and a \
         loop with an opaque call in it stays a loop of calls.",
        "Generics make one copy of the loop per strategy (monomorphization): the choice is made once, \
         outside the loop, and inside it the call is known, inlined, and the loop vectorized. An enum \
         with a `match` is a closed set; the match does not change inside the loop, so the compiler \
         may hoist it out (loop unswitching) and the enum costs what generics cost.",
        "It is not \"dyn is always slow\": with the light strategy (one multiply per call) the call is \
         most of the cost, and inlining wins. Natively, generic and enum run several times faster than \
         dyn and the function pointer. In this page's WebAssembly the gap is much smaller, and the \
         target asks only 1.1×: Chromium's compiler (V8) inlines an indirect call at run time once it \
         has seen which function a call site always reaches, so it does what rustc could not. A dyn \
         call here even beats the same call in native code on the same machine, which only inlining \
         explains; `cargo xtask bench --native` measures both, and its record imports into this page's comparison.",
        "Set the strategy to heavy (48 dependent multiplies per call) and dyn, generic and the function \
         pointer are within noise of each other, because the call is now a small part of the work. \
         The enum then runs about half as fast as dyn in WebAssembly, while natively it ties. Here the \
         compiler inlines the heavy step into the enum's loop and vectorizes it, two numbers at a time \
         with `i64x2.mul`: one instruction to WebAssembly's cost model, but SSE and AVX2 have \
         no 64-bit lane multiply, so V8 builds each from three 32-bit multiplies, shifts and adds. \
         In a chain of 48 dependent multiplies that longer latency costs more than the second lane \
         wins. Natively the \
         compiler knows the price and keeps the heavy step a scalar call, as the generic copy does \
         here; built without SIMD128, the enum ties in WebAssembly too. Dispatch costs what the call lets \
         or stops a compiler doing, and only a measurement says what that was.",
    ],
    params: PARAMS,
    size_param: "n",
    variants: &[
        variant("dyn", "a `&dyn Step` trait object: a call through a vtable, never inlined"),
        variant("generic", "a generic loop per strategy: the call inlined, the loop vectorized"),
        variant("enum", "a closed `enum` and a `match` per call, which the compiler may hoist"),
        variant("fn_pointer", "a `fn(u64) -> u64`: an indirect call without a vtable"),
    ],
    source: "kernels/src/patterns/dispatch.rs",
    target: target("generic", "dyn", 1.1),
    thread_sweep: None,
    gpu: &[],
    local_file: None,
    limits: None,
    work: ITEMS,
    sections: &[],
    #[cfg(feature = "runner")]
    runner: &run::Dispatch,
};

pub static DECORATORS: Exercise = Exercise {
    id: "decorators",
    title: "Decorators: wrapping a function for metrics, caching and validation",
    seed: SEED,
    summary: "The seed's metrics decorator as Python runs it, as a boxed wrapper, and as a generic \
              wrapper type the compiler sees through.",
    explanation: &[
        "A Python decorator replaces a function with a new function object that calls the old one: \
         the seed's timing_decorator records every call's metrics in a dictionary keyed by the \
         function's name. Ported as Python runs it (a boxed closure and a map lookup per call) the \
         decorator costs more than the small function it wraps. Its metrics here are calls counted and \
         results added up, not times: a clock read per call (`performance.now()`, a call into \
         JavaScript) would cost more than the function, and the comparison would time the clock.",
        "In Rust a decorator is a wrapper type generic over the function (`Counted<F>`): each use is \
         compiled for its function, `call` is inlined into the caller's loop, and what is left is the \
         work and the counting itself. Boxing the function (`Box<dyn Fn>`) keeps the wrapper but makes \
         every call indirect: the cost of the dynamic dispatch, without the map. `not_inlined` keeps \
         the generic wrapper but forbids inlining its call (`#[inline(never)]`): the call is direct, yet \
         still a call per item. `bare` is the work without any wrapper: the floor, which the inlined \
         generic wrapper should match.",
        "The table below stacks three decorators the way `@validate @cache @count` would: a refused \
         argument is an error that names the function, a repeated one is answered from the cache, and \
         the counter sees only the calls that reached it. The next one times each decorator alone per \
         call: counting costs nothing once inlined, validating adds a compare and a branch (a nanosecond \
         or two), and a cache hashes on every call (tens of nanoseconds, more on a miss, which also \
         stores), so caching pays only for work dearer than that.",
    ],
    params: PARAMS,
    size_param: "n",
    variants: &[
        variant("naive", "a boxed closure with metrics in a map keyed by the function's name"),
        variant("boxed", "the wrapper type around a `Box<dyn Fn>`: every call indirect"),
        variant("not_inlined", "`Counted<F>` with its call kept out of line: direct, not inlined"),
        variant("generic", "`Counted<F>`, generic over the function: inlined"),
        variant("bare", "no decorator: the work alone"),
    ],
    source: "kernels/src/patterns/decorators.rs",
    target: target("generic", "naive", 10.0),
    thread_sweep: None,
    gpu: &[],
    local_file: None,
    limits: None,
    work: ITEMS,
    sections: &[],
    #[cfg(feature = "runner")]
    runner: &run::Decorators,
};

pub static CONTEXT: Exercise = Exercise {
    id: "context",
    title: "Context managers: a temporary setting, restored on every way out",
    seed: SEED,
    summary: "Python's with-statement protocol, a restore by hand, and an RAII guard: the guard costs \
              what the hand-written restore costs and is right where it is wrong.",
    explanation: &[
        "`with decimal.localcontext() as ctx:` changes a setting for a block and restores it however \
         the block ends. The interpreter looks up `__enter__` and `__exit__` on a context-manager \
         object; the naive port does the same: a boxed object per block, called through its trait, \
         with the saved value on a stack it allocates.",
        "Rust's analog is a guard: `Digits::set(2)` returns a value whose `Drop` restores the previous \
         setting. Drop runs on a normal exit, an early `return`, an error passed on by `?`, and a panic \
         that unwinds; the drop is inlined, so the guard is the same machine code as saving and \
         restoring by hand, and the hand-written restore is skipped by every early exit.",
        "The table below runs a block under the guard that ends each way and reads the setting after \
         it. (This page's WebAssembly aborts on a panic instead of unwinding, so the panic case is \
         checked by the kernels' tests on the host, where the guard restores the setting after a \
         caught panic.)",
    ],
    params: PARAMS,
    size_param: "n",
    variants: &[
        variant("naive", "Python's protocol: a boxed context manager, entered and exited dynamically"),
        variant("manual", "save and restore by hand: fast, and skipped by any early exit"),
        variant("guard", "an RAII guard whose `Drop` restores the setting"),
    ],
    source: "kernels/src/patterns/context.rs",
    target: target("guard", "naive", 3.0),
    thread_sweep: None,
    gpu: &[],
    local_file: None,
    limits: None,
    work: ITEMS,
    sections: &[],
    #[cfg(feature = "runner")]
    runner: &run::Context,
};

pub static ITERATORS: Exercise = Exercise {
    id: "iterators",
    title: "Generators and iterators: a lazy chain vs a list per step",
    seed: SEED,
    summary: "Four steps over n numbers, with a list built at each step or as one lazy chain: the \
              memory column is the lesson.",
    explanation: &[
        "Python's list comprehensions build a whole list at every step; generator expressions pass one \
         item through every step before the next starts. `collect` builds a `Vec` per step (numbers, \
         squares, even squares, scaled), so its peak memory grows with n: about 24 bytes per number. \
         `lazy` is one iterator chain, which the compiler fuses into a single loop that allocates \
         nothing.",
        "Look at the peak memory column and the time-vs-memory plot: the lazy chain's memory stays at \
         zero whatever n is, and it is faster too, because it never writes the lists out to memory and \
         reads them back. The speedup column says by how much in this page's WebAssembly (about 1.3× \
         when this lesson was last measured); natively, where the fused loop vectorizes further, the \
         gap is an order of magnitude wider (`cargo xtask bench --native` measures both).",
    ],
    params: PARAMS,
    size_param: "n",
    variants: &[
        variant("collect", "a `Vec` at each of four steps, as list comprehensions"),
        variant("lazy", "one iterator chain, fused into one loop, nothing stored"),
    ],
    source: "kernels/src/patterns/iterators.rs",
    target: target("lazy", "collect", 1.2),
    thread_sweep: None,
    gpu: &[],
    local_file: None,
    limits: None,
    work: ITEMS,
    sections: &[],
    #[cfg(feature = "runner")]
    runner: &run::Iterators,
};

pub static DSL: Exercise = Exercise {
    id: "dsl",
    title: "Metaclasses and DSLs: records declared by a macro",
    seed: SEED,
    summary: "A record with units and ranges declared in one line per field: built at run time as a \
              dictionary, or written at compile time by `macro_rules!`.",
    explanation: &[
        "A Python metaclass builds a class at run time: it can check the declared fields, add \
         validation and register the class. The objects it makes still keep their fields in a \
         dictionary, so every access is a lookup by name. `dynamic` ports that: a map per record, \
         fields found by name.",
        "`macro_rules!` does the metaclass's work at compile time. `record!(Sample { temperature: \
         kelvin in 0.0 ..= 10000.0, … })` expands to a plain struct, a constructor that refuses a \
         value out of range with a message naming the field and its unit, and a table of units; the \
         table below shows the expansion, made by the same macro. A field is then an offset, and the \
         checks run once, when the record is built.",
    ],
    params: PARAMS,
    size_param: "n",
    variants: &[
        variant("dynamic", "a map per record, every field looked up by name"),
        variant("typed", "the struct `record!` wrote: fields at fixed offsets, checked once"),
    ],
    source: "kernels/src/patterns/dsl.rs",
    target: target("typed", "dynamic", 10.0),
    thread_sweep: None,
    gpu: &[],
    local_file: None,
    limits: None,
    work: ITEMS,
    sections: &[],
    #[cfg(feature = "runner")]
    runner: &run::Dsl,
};

pub static OBJECTS: Exercise = Exercise {
    id: "patterns",
    title: "Strategy, Observer, Factory and dependency injection",
    seed: SEED,
    summary: "The design patterns of scientific code as small idiomatic Rust, and an event bus keyed by \
              names against one keyed by types.",
    explanation: &[
        "Strategy is a trait the caller holds (`Stepper<S: Step>`); Factory makes a strategy from a \
         name in a configuration (`strategy_named`), refusing an unknown one with the known ones; \
         Observer lets a pipeline announce events to whoever listens. The table below shows each.",
        "The timed comparison is the Observer's bus. Python's is a dictionary of callbacks keyed by the \
         event's name: every publish hashes a string and calls boxed closures. The typed bus keeps \
         one list of plain functions per kind of event, found by the event's index: no hashing, no \
         allocation, and calls the compiler can see.",
        "Dependency injection: `sample` takes its clock and its random source as parameters instead of \
         reaching for global ones, as every kernel in this project does. Given the same fake clock and \
         seed it makes the same samples, which is why its output can be compared exactly (last rows \
         of the table).",
    ],
    params: PARAMS,
    size_param: "n",
    variants: &[
        variant("naive", "callbacks in a map keyed by event names, boxed closures"),
        variant("typed", "one list of plain functions per kind of event"),
    ],
    source: "kernels/src/patterns/objects.rs",
    target: target("typed", "naive", 3.0),
    thread_sweep: None,
    gpu: &[],
    local_file: None,
    limits: None,
    work: ITEMS,
    sections: &[],
    #[cfg(feature = "runner")]
    runner: &run::Objects,
};
