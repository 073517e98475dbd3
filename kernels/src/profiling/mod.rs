//! Seed exercise 1, "profiling basics": the seed's `main()` (three passes
//! of `process_data` over random lists, with simulated I/O waits between
//! them), a span profiler that plays cProfile's part, and the optimized
//! program.
//!
//! The profiler is a guard: `probe.enter("name")` records the entry time
//! and the returned span records the exit when it is dropped, like the
//! seed's `profile_function` decorator wrapping a call. Code is generic
//! over [`Probe`]: with [`Unprofiled`] every span is `()` and compiles to
//! nothing, which is what the profiler's overhead is measured against.
//!
//! The waits are real: the program is `async` and awaits a sleep function
//! it is given (a browser timer in the worker, an instant fake in tests),
//! so the kernels stay free of any timer API.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::hint::black_box;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// The compute of the seed's `main()` on prepared lists (waits left out:
/// they cost every variant the same).
pub type Kernel = fn(&Data) -> u64;

/// Every variant by name, the seed's code first.
pub const VARIANTS: [(&str, Kernel); 4] = [
    ("naive", naive),
    ("memoized", memoized),
    ("closed_form", closed_form),
    ("optimized", optimized),
];

/// The seed's two lists: `data` (`values` numbers in 100 … 1000) and
/// `large_data` (twice as many in 500 … 2000); the seed has `values = 100`.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    /// The first list, processed twice.
    pub data: Vec<u64>,
    /// The second, larger list.
    pub large_data: Vec<u64>,
}

impl Data {
    /// The lists the seed's `main()` draws, reproducible from `seed`.
    pub fn generate(seed: u64, values: usize) -> Data {
        let mut rng = Pcg64::seed_from_u64(seed);
        let data = random_list(&Unprofiled, &mut rng, values, 100, 1000);
        let large_data = random_list(&Unprofiled, &mut rng, 2 * values, 500, 2000);
        Data { data, large_data }
    }
}

/// `[random.randint(low, high) for _ in range(count)]`.
fn random_list(probe: &impl Probe, rng: &mut Pcg64, count: usize, low: u64, high: u64) -> Vec<u64> {
    (0..count)
        .map(|_| {
            let _span = probe.enter("random.randint");
            rng.random_range(low..=high)
        })
        .collect()
}

// ---------------------------------------------------------------- profiler

/// Something that can record spans: a [`Profiler`], or [`Unprofiled`].
pub trait Probe {
    /// What `enter` returns; dropping it ends the span.
    type Span<'a>
    where
        Self: 'a;

    /// Starts a span for a call of `name`.
    fn enter(&self, name: &'static str) -> Self::Span<'_>;

    /// Starts a span for a call of `name` with an argument identified by
    /// `key` (a hash), so repeated inputs can be counted.
    fn enter_with(&self, name: &'static str, key: u64) -> Self::Span<'_>;
}

/// No profiling: every span is `()`.
pub struct Unprofiled;

impl Probe for Unprofiled {
    type Span<'a> = ();

    fn enter(&self, _name: &'static str) {}

    fn enter_with(&self, _name: &'static str, _key: u64) {}
}

/// One call recorded by a [`Profiler`].
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The function.
    pub name: &'static str,
    /// The call it was made from, as an index into the calls.
    pub parent: Option<usize>,
    /// Calls above it on the stack.
    pub depth: usize,
    /// Entry, in the clock's nanoseconds.
    pub start_ns: f64,
    /// Exit; equal to `start_ns` while the call is still running.
    pub end_ns: f64,
    /// Identifies the argument, when the call site gave one.
    pub key: Option<u64>,
}

impl Call {
    /// The call's duration, callees included.
    pub fn duration_ns(&self) -> f64 {
        self.end_ns - self.start_ns
    }
}

/// A deterministic profiler, like cProfile: every call to an instrumented
/// function is recorded with its entry and exit times. The clock is a
/// `dyn` function so that every profiler is one type, and the code it
/// instruments is compiled (and, in a browser, optimized) once.
pub struct Profiler<'c> {
    clock: &'c dyn Fn() -> f64,
    calls: RefCell<Vec<Call>>,
    stack: RefCell<Vec<usize>>,
}

/// An open span of a [`Profiler`]; dropping it records the exit.
pub struct Span<'a, 'c> {
    profiler: &'a Profiler<'c>,
    index: usize,
}

impl<'c> Profiler<'c> {
    /// A profiler reading `clock`, in nanoseconds.
    pub fn new(clock: &'c dyn Fn() -> f64) -> Self {
        Profiler {
            clock,
            calls: RefCell::new(Vec::new()),
            stack: RefCell::new(Vec::new()),
        }
    }

    /// How many calls were recorded.
    pub fn recorded(&self) -> usize {
        self.calls.borrow().len()
    }

    /// Every call recorded, in the order they were entered.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.borrow().clone()
    }

    fn open(&self, name: &'static str, key: Option<u64>) -> Span<'_, 'c> {
        let parent = self.stack.borrow().last().copied();
        let depth = self.stack.borrow().len();
        let mut calls = self.calls.borrow_mut();
        let index = calls.len();
        // The clock is read last on entry and first on exit, so the
        // profiler's own bookkeeping falls outside the span.
        let start_ns = (self.clock)();
        calls.push(Call {
            name,
            parent,
            depth,
            start_ns,
            end_ns: start_ns,
            key,
        });
        self.stack.borrow_mut().push(index);
        Span {
            profiler: self,
            index,
        }
    }
}

impl Drop for Span<'_, '_> {
    fn drop(&mut self) {
        let end_ns = (self.profiler.clock)();
        self.profiler.calls.borrow_mut()[self.index].end_ns = end_ns;
        self.profiler.stack.borrow_mut().pop();
    }
}

impl<'c> Probe for Profiler<'c> {
    type Span<'a>
        = Span<'a, 'c>
    where
        'c: 'a;

    fn enter(&self, name: &'static str) -> Span<'_, 'c> {
        self.open(name, None)
    }

    fn enter_with(&self, name: &'static str, key: u64) -> Span<'_, 'c> {
        self.open(name, Some(key))
    }
}

/// One function's line in the profile, like a row of `pstats`.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionStats {
    /// The function.
    pub name: &'static str,
    /// How many times it was called.
    pub ncalls: u64,
    /// Time in the function itself, callees excluded.
    pub tottime_ns: f64,
    /// Time in the function and everything it called (a recursive call
    /// inside another call of the same function is not counted twice).
    pub cumtime_ns: f64,
    /// Distinct arguments among the calls that identified theirs.
    pub distinct_keys: u64,
    /// Calls that identified their argument.
    pub keyed_calls: u64,
    /// Calls it made to profiled functions: each costs the caller the
    /// profiler's bookkeeping, counted in its own time.
    pub callees: u64,
}

/// The profile of `calls`, one line per function, by cumulative time
/// (highest first), as `sort_stats('cumulative')` orders it.
pub fn stats(calls: &[Call]) -> Vec<FunctionStats> {
    let mut children_ns = vec![0.0; calls.len()];
    let mut children = vec![0; calls.len()];
    for call in calls {
        if let Some(parent) = call.parent {
            children_ns[parent] += call.duration_ns();
            children[parent] += 1;
        }
    }
    let mut lines: Vec<FunctionStats> = Vec::new();
    let mut keys: HashMap<&str, std::collections::HashSet<u64>> = HashMap::new();
    for (index, call) in calls.iter().enumerate() {
        let line = match lines.iter_mut().position(|line| line.name == call.name) {
            Some(at) => &mut lines[at],
            None => {
                let empty = FunctionStats {
                    name: call.name,
                    ncalls: 0,
                    tottime_ns: 0.0,
                    cumtime_ns: 0.0,
                    distinct_keys: 0,
                    keyed_calls: 0,
                    callees: 0,
                };
                lines.push(empty);
                lines.last_mut().expect("just pushed")
            }
        };
        line.ncalls += 1;
        line.callees += children[index];
        line.tottime_ns += call.duration_ns() - children_ns[index];
        if !has_ancestor_named(calls, index, call.name) {
            line.cumtime_ns += call.duration_ns();
        }
        if let Some(key) = call.key {
            line.keyed_calls += 1;
            let seen = keys.entry(call.name).or_default();
            seen.insert(key);
            line.distinct_keys = seen.len() as u64;
        }
    }
    lines.sort_by(|a, b| {
        b.cumtime_ns
            .total_cmp(&a.cumtime_ns)
            .then(a.name.cmp(b.name))
    });
    lines
}

/// One box of a flame graph: all calls that share a call stack, merged.
#[derive(Clone, Debug, PartialEq)]
pub struct FlameNode {
    /// The function at the top of the stack.
    pub name: &'static str,
    /// The stack's depth (0 for the outermost calls).
    pub depth: usize,
    /// Calls merged into the box.
    pub calls: u64,
    /// Where the box starts: its parent's start plus its earlier siblings'
    /// widths.
    pub start_ns: f64,
    /// The merged calls' total duration.
    pub width_ns: f64,
}

/// The flame graph of `calls`: calls with the same stack (the same chain
/// of function names) merged into one box as wide as their total time,
/// children under their parent in order of first call. Calls named
/// `leave_out` (and what they call) are left out, and their time with
/// them, so the rest can be seen: the compute without the waits.
pub fn flame_graph(calls: &[Call], leave_out: Option<&str>) -> Vec<FlameNode> {
    // The box of each call: the parent's box and the name identify it.
    let mut nodes: Vec<(Option<usize>, FlameNode)> = Vec::new();
    let mut node_of_call: Vec<Option<usize>> = Vec::with_capacity(calls.len());
    for call in calls {
        let parent = match call.parent {
            Some(p) => match node_of_call[p] {
                Some(node) => Some(node),
                None => {
                    // Inside a call left out.
                    node_of_call.push(None);
                    continue;
                }
            },
            None => None,
        };
        if Some(call.name) == leave_out {
            let mut ancestor = parent;
            while let Some(at) = ancestor {
                nodes[at].1.width_ns -= call.duration_ns();
                ancestor = nodes[at].0;
            }
            node_of_call.push(None);
            continue;
        }
        let found = nodes
            .iter()
            .position(|(p, node)| *p == parent && node.name == call.name);
        let at = found.unwrap_or_else(|| {
            let node = FlameNode {
                name: call.name,
                depth: call.depth,
                calls: 0,
                start_ns: 0.0,
                width_ns: 0.0,
            };
            nodes.push((parent, node));
            nodes.len() - 1
        });
        nodes[at].1.calls += 1;
        nodes[at].1.width_ns += call.duration_ns();
        node_of_call.push(Some(at));
    }
    // Lay out: boxes come after their parents, so one pass places them.
    let mut next_child_start: Vec<f64> = vec![0.0; nodes.len()];
    let mut next_root_start = 0.0;
    for at in 0..nodes.len() {
        let start = match nodes[at].0 {
            Some(parent) => {
                next_child_start[parent] = next_child_start[parent].max(nodes[parent].1.start_ns);
                let start = next_child_start[parent];
                next_child_start[parent] += nodes[at].1.width_ns;
                start
            }
            None => {
                let start = next_root_start;
                next_root_start += nodes[at].1.width_ns;
                start
            }
        };
        nodes[at].1.start_ns = start;
    }
    nodes.into_iter().map(|(_, node)| node).collect()
}

fn has_ancestor_named(calls: &[Call], index: usize, name: &str) -> bool {
    let mut parent = calls[index].parent;
    while let Some(at) = parent {
        if calls[at].name == name {
            return true;
        }
        parent = calls[at].parent;
    }
    false
}

fn hash_of(list: &[u64]) -> u64 {
    let mut hasher = DefaultHasher::new();
    list.hash(&mut hasher);
    hasher.finish()
}

// ------------------------------------------------------- the seed's program

/// The seed's `slow_calculation`: the sum of `i * i` for `i < n`, one
/// iteration at a time.
pub fn slow_calculation(probe: &impl Probe, n: u64) -> u64 {
    let _span = probe.enter_with("slow_calculation", n);
    let mut result = 0;
    for i in 0..n {
        // `black_box` keeps the loop a loop: without it the compiler
        // recognizes the sum of squares and emits the closed form itself.
        result += black_box(i) * i;
    }
    result
}

/// The seed's `process_data`: `slow_calculation` of every item, summed.
pub fn process_data(probe: &impl Probe, data: &[u64]) -> u64 {
    let _span = probe.enter_with("process_data", hash_of(data));
    let mut total = 0;
    for &item in data {
        total += slow_calculation(probe, item);
    }
    total
}

/// The seed's `main()`: draw a list, process it, wait, draw a larger list,
/// process it, wait, process the first list again. `sleep(ms)` is awaited
/// where the seed calls `time.sleep`.
pub async fn main<P: Probe, F: Future<Output = ()>>(
    probe: &P,
    seed: u64,
    values: usize,
    wait_ms: u32,
    sleep: impl Fn(u32) -> F,
) -> u64 {
    let _span = probe.enter("main");
    let mut rng = Pcg64::seed_from_u64(seed);
    let data = random_list(probe, &mut rng, values, 100, 1000);
    let result1 = process_data(probe, &data);
    timed_sleep(probe, &sleep, wait_ms).await;
    let large_data = random_list(probe, &mut rng, 2 * values, 500, 2000);
    let result2 = process_data(probe, &large_data);
    timed_sleep(probe, &sleep, wait_ms).await;
    let result3 = process_data(probe, &data);
    result1 + result2 + result3
}

async fn timed_sleep<F: Future<Output = ()>>(
    probe: &impl Probe,
    sleep: &impl Fn(u32) -> F,
    ms: u32,
) {
    let _span = probe.enter("time.sleep");
    sleep(ms).await;
}

/// The program after the profile's advice: the closed-form sum of squares,
/// and the repeated pass over the first list answered from a cache.
pub async fn main_optimized<P: Probe, F: Future<Output = ()>>(
    probe: &P,
    seed: u64,
    values: usize,
    wait_ms: u32,
    sleep: impl Fn(u32) -> F,
) -> u64 {
    let _span = probe.enter("main");
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut cache = HashMap::new();
    let data = random_list(probe, &mut rng, values, 100, 1000);
    let result1 = process_data_cached(probe, &mut cache, &data);
    timed_sleep(probe, &sleep, wait_ms).await;
    let large_data = random_list(probe, &mut rng, 2 * values, 500, 2000);
    let result2 = process_data_cached(probe, &mut cache, &large_data);
    timed_sleep(probe, &sleep, wait_ms).await;
    let result3 = process_data_cached(probe, &mut cache, &data);
    result1 + result2 + result3
}

/// `process_data` with the closed form, its results kept by input list.
fn process_data_cached(
    probe: &impl Probe,
    cache: &mut HashMap<Vec<u64>, u64>,
    data: &[u64],
) -> u64 {
    let _span = probe.enter_with("process_data", hash_of(data));
    if let Some(&total) = cache.get(data) {
        return total;
    }
    let total = data.iter().map(|&n| sum_of_squares(probe, n)).sum();
    cache.insert(data.to_vec(), total);
    total
}

/// `0² + 1² + … + (n − 1)²` in closed form: (n − 1)·n·(2n − 1) / 6.
pub fn sum_of_squares(probe: &impl Probe, n: u64) -> u64 {
    let _span = probe.enter_with("sum_of_squares", n);
    closed(n)
}

fn closed(n: u64) -> u64 {
    if n == 0 {
        0
    } else {
        (n - 1) * n * (2 * n - 1) / 6
    }
}

// --------------------------------------------------------- timed variants

/// The seed's three passes, unprofiled.
pub fn naive(input: &Data) -> u64 {
    passes(&Unprofiled, input)
}

/// The compute of the seed's `main()`: its three `process_data` passes.
pub fn passes(probe: &impl Probe, input: &Data) -> u64 {
    process_data(probe, &input.data)
        + process_data(probe, &input.large_data)
        + process_data(probe, &input.data)
}

/// The seed's loop, each `slow_calculation(n)` computed once and then
/// looked up (`@lru_cache` on it): the third pass is all hits.
pub fn memoized(input: &Data) -> u64 {
    let mut cache: HashMap<u64, u64> = HashMap::new();
    let mut pass = |list: &[u64]| -> u64 {
        list.iter()
            .map(|&n| {
                *cache
                    .entry(n)
                    .or_insert_with(|| slow_calculation(&Unprofiled, n))
            })
            .sum()
    };
    pass(&input.data) + pass(&input.large_data) + pass(&input.data)
}

/// The loop replaced by its closed form: O(1) per item instead of O(n).
pub fn closed_form(input: &Data) -> u64 {
    let pass = |list: &[u64]| -> u64 { list.iter().map(|&n| closed(n)).sum() };
    pass(&input.data) + pass(&input.large_data) + pass(&input.data)
}

/// Both fixes: the closed form, and each pass's total cached by its input
/// list, so the third pass (the first list again) is a lookup. The lookup
/// hashes and compares the list: O(n), like the closed form it saves.
pub fn optimized(input: &Data) -> u64 {
    let mut cache: HashMap<&[u64], u64> = HashMap::new();
    let mut total = 0;
    for list in [&input.data[..], &input.large_data, &input.data] {
        total += *cache
            .entry(list)
            .or_insert_with(|| list.iter().map(|&n| closed(n)).sum::<u64>());
    }
    total
}
