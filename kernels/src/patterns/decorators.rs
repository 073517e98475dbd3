//! Decorators: a function wrapped to collect metrics, cache results or
//! validate its arguments, without touching its code. In Python a
//! decorator returns a new function object; in Rust it is a wrapper type
//! (or closure) generic over the function it wraps, and the compiler can
//! see through it.

use std::collections::HashMap;
use std::hint::black_box;
use std::ops::Range;

use super::mix;

/// What the metrics wrapper records: the seed's `timing_decorator` keeps
/// counts and totals per function. (A clock read per call would cost more
/// than the work measured here, so the totals are of the results.)
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Metrics {
    /// Calls made.
    pub calls: u64,
    /// The results, added up (wrapping).
    pub total: u64,
    /// The largest result.
    pub max: u64,
}

impl Metrics {
    /// Records one call's result.
    #[inline]
    pub fn record(&mut self, result: u64) {
        self.calls += 1;
        self.total = self.total.wrapping_add(result);
        self.max = self.max.max(result);
    }
}

/// The function every variant calls: a plugin's small per-item work.
#[inline]
pub fn work(x: u64) -> u64 {
    mix(x) >> 8
}

/// A metrics decorator as a generic type: it owns the function and its
/// metrics, and `call` is inlined into the caller's loop: monomorphized,
/// it is the same machine code as the counting written by hand.
pub struct Counted<F> {
    function: F,
    /// The metrics so far.
    pub metrics: Metrics,
}

impl<F: Fn(u64) -> u64> Counted<F> {
    /// `function`, decorated.
    pub fn new(function: F) -> Counted<F> {
        Counted {
            function,
            metrics: Metrics::default(),
        }
    }

    /// Calls the function and records the call.
    #[inline]
    pub fn call(&mut self, x: u64) -> u64 {
        let result = (self.function)(x);
        self.metrics.record(result);
        result
    }
}

/// A validating decorator: refuses arguments outside `range` with an
/// error that names the function, before calling it.
pub struct Validated<F> {
    function: F,
    name: &'static str,
    range: std::ops::RangeInclusive<u64>,
}

impl<F: FnMut(u64) -> u64> Validated<F> {
    /// `function`, called `name`, accepting `range`.
    pub fn new(name: &'static str, range: std::ops::RangeInclusive<u64>, function: F) -> Self {
        Validated {
            function,
            name,
            range,
        }
    }

    /// The function's result, or why `x` was refused.
    #[inline]
    pub fn call(&mut self, x: u64) -> Result<u64, String> {
        if self.range.contains(&x) {
            Ok((self.function)(x))
        } else {
            Err(format!(
                "{}({x}): the argument must be in {}..={}",
                self.name,
                self.range.start(),
                self.range.end()
            ))
        }
    }
}

/// A caching decorator (`functools.lru_cache` without the bound): results
/// by argument.
pub struct Cached<F> {
    function: F,
    cache: HashMap<u64, u64>,
    /// Calls answered from the cache.
    pub hits: u64,
}

impl<F: FnMut(u64) -> u64> Cached<F> {
    /// `function`, decorated.
    pub fn new(function: F) -> Cached<F> {
        Cached {
            function,
            cache: HashMap::new(),
            hits: 0,
        }
    }

    /// The cached result, or the function's, kept.
    pub fn call(&mut self, x: u64) -> u64 {
        if let Some(&hit) = self.cache.get(&x) {
            self.hits += 1;
            return hit;
        }
        let result = (self.function)(x);
        self.cache.insert(x, result);
        result
    }
}

/// A variant: `work` over the numbers of `items` through the decorator,
/// summed; and the calls the decorator counted.
pub type Kernel = fn(&Range<u64>) -> (u64, u64);

/// Every variant by name, the Python-shaped decorator first.
pub const VARIANTS: [(&str, Kernel); 5] = [
    ("naive", naive),
    ("boxed", boxed),
    ("not_inlined", not_inlined),
    ("generic", generic),
    ("bare", bare),
];

/// The seed's decorator as Python runs it: the wrapped function is a
/// boxed closure (a new function object), and the metrics live in a map
/// keyed by the function's name, looked up on every call.
pub fn naive(items: &Range<u64>) -> (u64, u64) {
    // Decorating registers the function's name once; each call looks it up
    // (a string hashed and compared), as `self.metrics[func.__name__]` does.
    let mut registry: HashMap<String, Metrics> = HashMap::new();
    let name: &str = black_box("work");
    registry.insert(name.to_string(), Metrics::default());
    let inner: Box<dyn Fn(u64) -> u64> = black_box(Box::new(work));
    let decorated = |x: u64, registry: &mut HashMap<String, Metrics>| {
        let result = inner(x);
        registry
            .get_mut(name)
            .expect("registered when decorated")
            .record(result);
        result
    };
    let sum = items.clone().fold(0u64, |sum, x| sum.wrapping_add(decorated(x, &mut registry)));
    (sum, registry["work"].calls)
}

/// The wrapper type, with the function behind `Box<dyn Fn>`: no map, but
/// every call is indirect and nothing is inlined.
pub fn boxed(items: &Range<u64>) -> (u64, u64) {
    let function: Box<dyn Fn(u64) -> u64> = black_box(Box::new(work));
    let mut decorated = Counted::new(function);
    let sum = items.clone().fold(0u64, |sum, x| sum.wrapping_add(decorated.call(x)));
    (sum, decorated.metrics.calls)
}

/// The generic wrapper with its call kept out of line
/// (`#[inline(never)]`): monomorphized, so the call is direct, but still a
/// call per item, and a loop of calls is not vectorized. What `#[inline]`
/// adds to monomorphization.
pub fn not_inlined(items: &Range<u64>) -> (u64, u64) {
    #[inline(never)]
    fn call<F: Fn(u64) -> u64>(decorated: &mut Counted<F>, x: u64) -> u64 {
        decorated.call(x)
    }
    let mut decorated = Counted::new(work);
    let sum = items.clone().fold(0u64, |sum, x| sum.wrapping_add(call(&mut decorated, x)));
    (sum, decorated.metrics.calls)
}

/// The generic wrapper, [`Counted`]: the function is a type parameter,
/// so the wrapper and the work are inlined into this loop.
pub fn generic(items: &Range<u64>) -> (u64, u64) {
    let mut decorated = Counted::new(work);
    let sum = items.clone().fold(0u64, |sum, x| sum.wrapping_add(decorated.call(x)));
    (sum, decorated.metrics.calls)
}

/// No decorator: the work alone, and the calls counted by the loop.
pub fn bare(items: &Range<u64>) -> (u64, u64) {
    let sum = items.clone().fold(0u64, |sum, x| sum.wrapping_add(work(x)));
    (sum, items.end - items.start)
}
