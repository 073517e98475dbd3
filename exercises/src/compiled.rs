//! Text shared by the three exercises of seed exercise 7 (`matmul`, `pi`,
//! `mandelbrot`): what Numba's options correspond to here.

/// The seed exercise the three come from; the home page groups them by it.
pub const SEED: &str = "Performance Optimization Practice, exercise 7 (JIT compilation with Numba)";

/// What `@jit` does and what plays its part here.
pub const JIT: &str = "Numba's @jit compiles a Python function to machine code on its first call; the seed's \
    functions are slow because CPython interprets every operation on boxed objects. Here every variant is \
    Rust compiled ahead of time to WebAssembly, and the browser compiles the WebAssembly to machine code \
    when the worker loads it: the naive variants are slow for the reasons the seed's code is slow once \
    compiled (memory access order, a square root per step, a call per number), not because they are \
    interpreted.";

/// Each Numba option and the measurement that shows its analog.
pub const OPTIONS: &str = "Numba's options, mapped. nopython=True forbids falling back to Python objects inside \
    the loop; object mode calls into the interpreter for every operation. π's naive variant is object mode's \
    analog: two calls from WebAssembly into JavaScript's Math.random per point, and in_wasm, the same loop \
    with the generator compiled in, is nopython: compare their rows in π's results. parallel=True and \
    prange spread a loop over threads: the parallel variants and the thread sweep, with its Amdahl fit. \
    cache=True saves the compiled code so the next process skips compiling: browsers cache compiled \
    WebAssembly with the module's HTTP cache entry, and the start-up table shows the worker module's \
    compile and instantiation time for the page's first worker and for this run's (every run starts a \
    fresh worker). The first call of a @jit function includes its compilation: V8 first runs WebAssembly \
    through a fast baseline compiler (Liftoff) and recompiles hot functions with its optimizing compiler \
    (TurboFan), so the start-up table also shows each variant's first call beside its warm time per call.";
