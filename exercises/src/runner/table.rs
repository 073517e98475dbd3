//! One generic kernel table: an exercise's variants as functions over one
//! input, and the thread-sweep variant's form that takes a thread count.
//! Dispatch by index, `black_box`, the thread knob and the naive output
//! the check compares with are written here once, for every exercise.

use std::borrow::Borrow;
use std::hint::black_box;

use super::{Output, Workload};

/// One variant's kernel.
pub type Kernel<I, O> = fn(&I) -> O;
/// The thread-sweep variant's kernel, on a given number of threads.
pub type WithThreads<I, O> = fn(&I, usize) -> O;

/// An exercise's kernels over an input `I`, with outputs `O`.
pub struct Kernels<I: ?Sized + 'static, O: 'static> {
    /// Every variant, in the exercise's order, the naive one first.
    pub variants: &'static [(&'static str, Kernel<I, O>)],
    /// The variant a thread sweep times with 1, 2, … threads, and its form
    /// that runs on exactly that many.
    pub threaded: Option<(&'static str, WithThreads<I, O>)>,
}

/// What the registry asks of any kernel table: its variants' names in
/// order, and the variant whose thread count a sweep sets.
pub trait KernelList: Sync {
    /// The variants' names, in order.
    fn names(&self) -> Vec<&'static str>;

    /// The thread-sweep variant's name, if any.
    fn threaded_name(&self) -> Option<&'static str> {
        None
    }
}

impl<I: ?Sized + 'static, O: 'static> KernelList for Kernels<I, O> {
    fn names(&self) -> Vec<&'static str> {
        self.variants.iter().map(|(name, _)| *name).collect()
    }

    fn threaded_name(&self) -> Option<&'static str> {
        self.threaded.map(|(name, _)| name)
    }
}

/// A kernels' `VARIANTS` table of another shape, named in order.
impl<T: Sync, const N: usize> KernelList for [(&'static str, T); N] {
    fn names(&self) -> Vec<&'static str> {
        self.iter().map(|(name, _)| *name).collect()
    }
}

impl<I: ?Sized + 'static, O: Clone + 'static> Kernels<I, O> {
    /// Runs variant number `variant` once on `input`; the thread-sweep
    /// variant runs on `threads` threads when a sweep has set them.
    pub fn call(&self, input: &I, variant: usize, threads: Option<usize>) -> O {
        let (name, kernel) = self.variants[variant];
        match (self.threaded, threads) {
            (Some((swept, with_threads)), Some(threads)) if swept == name => {
                with_threads(input, threads)
            }
            _ => kernel(input),
        }
    }

    /// A workload over `input`; `describe` turns a variant's output (and
    /// the naive one's, for comparisons within a tolerance) into what the
    /// check shows and compares.
    pub fn table<S: Borrow<I> + 'static>(
        &'static self,
        input: S,
        describe: fn(&S, O, &O) -> Output,
    ) -> Box<dyn Workload> {
        Box::new(Table {
            kernels: self,
            input,
            threads: None,
            naive: None,
            describe,
        })
    }
}

/// A [`Kernels`] table bound to one input.
pub struct Table<S, I: ?Sized + 'static, O: 'static> {
    kernels: &'static Kernels<I, O>,
    input: S,
    threads: Option<usize>,
    /// The naive output, kept from the first check (the harness checks the
    /// naive variant first).
    naive: Option<O>,
    describe: fn(&S, O, &O) -> Output,
}

impl<S: Borrow<I>, I: ?Sized, O: Clone> Workload for Table<S, I, O> {
    fn run(&mut self, variant: usize) {
        let input = black_box(self.input.borrow());
        black_box(self.kernels.call(input, variant, self.threads));
    }

    fn check(&mut self, variant: usize) -> Output {
        let output = self
            .kernels
            .call(self.input.borrow(), variant, self.threads);
        if variant == 0 && self.naive.is_none() {
            self.naive = Some(output.clone());
        }
        let naive = self
            .naive
            .get_or_insert_with(|| self.kernels.call(self.input.borrow(), 0, None));
        (self.describe)(&self.input, output, naive)
    }

    fn set_threads(&mut self, threads: usize) {
        self.threads = Some(threads);
    }
}
