//! Context managers: a temporary setting, restored however the block
//! ends. Python's `with decimal.localcontext() as ctx:` calls `__enter__`
//! and `__exit__` on an object; Rust's analog is a guard whose `Drop`
//! restores the setting (RAII), on a normal exit, an early return, an
//! error through `?`, and a panic that unwinds.

use std::cell::Cell;
use std::ops::Range;

thread_local! {
    /// The setting: how many decimal digits [`rounded`] keeps.
    static DIGITS: Cell<u32> = const { Cell::new(6) };
}

/// The current setting.
pub fn digits() -> u32 {
    DIGITS.with(Cell::get)
}

/// Sets the digits and returns the previous value: the two halves of a
/// restore written by hand.
pub fn set_digits(digits: u32) -> u32 {
    DIGITS.with(|d| d.replace(digits))
}

/// `x` rounded down to the current number of digits: the work done under
/// the setting.
#[inline]
pub fn rounded(x: u64) -> u64 {
    let unit = 10u64.pow(9u32.saturating_sub(digits()));
    x / unit * unit
}

/// A guard that sets the digits and restores the previous value when it
/// is dropped.
pub struct Digits {
    previous: u32,
}

impl Digits {
    /// Sets the digits to `digits` until the guard is dropped.
    #[must_use = "the setting is restored when the guard is dropped"]
    pub fn set(digits: u32) -> Digits {
        Digits {
            previous: DIGITS.with(|d| d.replace(digits)),
        }
    }
}

impl Drop for Digits {
    fn drop(&mut self) {
        DIGITS.with(|d| d.set(self.previous));
    }
}

/// Python's protocol, as the interpreter runs it: a context manager is an
/// object whose `__enter__` and `__exit__` are looked up and called.
pub trait ContextManager {
    /// `__enter__`.
    fn enter(&mut self);
    /// `__exit__`.
    fn exit(&mut self);
}

/// `localcontext()`: the new value, and the saved ones on a stack.
struct LocalDigits {
    value: u32,
    saved: Vec<u32>,
}

impl ContextManager for LocalDigits {
    fn enter(&mut self) {
        self.saved.push(DIGITS.with(|d| d.replace(self.value)));
    }
    fn exit(&mut self) {
        if let Some(previous) = self.saved.pop() {
            DIGITS.with(|d| d.set(previous));
        }
    }
}

/// A variant: a block per number `i` of `items`, rounding `i` under
/// `i % 10` digits; the sum, and the setting after the last block
/// (restored: 6).
pub type Kernel = fn(&Range<u64>) -> (u64, u32);

/// Every variant by name, the Python-shaped protocol first.
pub const VARIANTS: [(&str, Kernel); 3] = [("naive", naive), ("manual", manual), ("guard", guard)];

/// Python's `with`: a context manager object on the heap, entered and
/// exited through dynamic calls, its saved state on a stack it allocates.
pub fn naive(items: &Range<u64>) -> (u64, u32) {
    let mut sum = 0u64;
    for i in items.clone() {
        let mut context: Box<dyn ContextManager> = Box::new(LocalDigits {
            value: (i % 10) as u32,
            saved: Vec::new(),
        });
        context.enter();
        sum = sum.wrapping_add(rounded(i.wrapping_mul(2_654_435_761)));
        context.exit();
    }
    (sum, digits())
}

/// Save and restore by hand: as fast as it gets, and wrong as soon as the
/// block can return early, fail with `?` or panic: the restore is skipped.
pub fn manual(items: &Range<u64>) -> (u64, u32) {
    let mut sum = 0u64;
    for i in items.clone() {
        let previous = set_digits((i % 10) as u32);
        sum = sum.wrapping_add(rounded(i.wrapping_mul(2_654_435_761)));
        set_digits(previous);
    }
    (sum, digits())
}

/// The RAII guard: the same machine code as the manual restore (the drop
/// is inlined), and correct on every way out of the block.
pub fn guard(items: &Range<u64>) -> (u64, u32) {
    let mut sum = 0u64;
    for i in items.clone() {
        let _digits = Digits::set((i % 10) as u32);
        sum = sum.wrapping_add(rounded(i.wrapping_mul(2_654_435_761)));
    }
    (sum, digits())
}

/// How a block under the guard ends, for the demonstration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Exit {
    /// It runs to its end.
    Normal,
    /// It returns early.
    EarlyReturn,
    /// It fails, and `?` passes the error on.
    Error,
}

/// A block that sets 2 digits with a guard and ends as `exit` says; the
/// setting seen inside, and the result.
pub fn block(exit: Exit) -> (u32, Result<u64, String>) {
    fn run(exit: Exit, inside: &mut u32) -> Result<u64, String> {
        let _digits = Digits::set(2);
        *inside = digits();
        if exit == Exit::EarlyReturn {
            return Ok(0);
        }
        let text = if exit == Exit::Error {
            "x"
        } else {
            "123456789"
        };
        let parsed: u64 = text.parse().map_err(|e| format!("{text:?}: {e}"))?;
        Ok(rounded(parsed))
    }
    let mut inside = 0;
    let result = run(exit, &mut inside);
    (inside, result)
}
