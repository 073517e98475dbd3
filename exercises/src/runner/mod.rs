//! The worker-side glue of an exercise: it builds inputs from parameters and
//! calls the kernels. Compiled only with the `runner` feature.
//!
//! An exercise implements [`Runner`] over its own typed parameters; the
//! worker sees it as an [`AnyRunner`], which decodes the validated values
//! once per call. What a runner needs from the browser (a clock, timers,
//! `fetch`, a local file, JavaScript's side of a crossing) comes through
//! [`Browser`], which the worker implements and host tests fake, so this
//! crate stays plain Rust.

mod browser;
mod gpu;
mod table;

use std::hash::{DefaultHasher, Hash};
use std::pin::Pin;
use std::rc::Rc;

pub use browser::{SITE_ROOT, Browser, Crossing, Files, Later, LocalFile, MemoryFiles, Plain, Reply, ViewGrowth};
pub use gpu::{Dispatch, GpuInput, GpuLimits, f32_bytes, words};
pub use table::{KernelList, Kernels, Table};

use crate::params::{FromValues, ParamValues};
use crate::protocol::{DemoTable, FromWorker, Image, Timeline};

/// The browser a runner is handed, shared by its workloads.
pub type Host = Rc<dyn Browser>;

/// A labelled input that every variant is checked on.
pub type Case = (String, Box<dyn Workload>);

/// Builds an exercise's inputs from its typed parameters.
pub trait Runner: Sync {
    /// The exercise's parameters, decoded from validated values.
    type Params: FromValues;

    /// The kernel table: the variants' names in the order the worker runs
    /// them (a registry test compares them with the descriptor's).
    fn kernels(&self) -> &'static dyn KernelList;

    /// The variant whose thread count a thread sweep sets, if any: the
    /// table's.
    fn threaded(&self) -> Option<&'static str> {
        self.kernels().threaded_name()
    }

    /// The inputs every variant is checked on before anything is timed,
    /// each with a label ("seed list", "seeded input, n = 100").
    fn check_cases(&self, params: &Self::Params, host: &Host) -> Vec<Case>;

    /// The input for timing at one size.
    fn workload(&self, params: &Self::Params, host: &Host, size: u64) -> Box<dyn Workload>;

    /// A demonstration to show beside the measurements, if any.
    fn timeline(&self, params: &Self::Params) -> Option<Timeline> {
        let _ = params;
        None
    }

    /// Tables of figures to show beside the measurements, if any.
    fn tables(&self, params: &Self::Params, host: &Host) -> Vec<DemoTable> {
        let _ = (params, host);
        Vec::new()
    }

    /// Images to draw beside the measurements, if any.
    fn images(&self, params: &Self::Params) -> Vec<Image> {
        let _ = params;
        Vec::new()
    }

    /// Runs variant number `variant` once at `size` in steps, calling
    /// `after_step` after each with the exercise's own estimate of its
    /// memory, and returns true; returns false, running nothing, if the
    /// exercise does not work in steps.
    fn run_steps(
        &self,
        params: &Self::Params,
        size: u64,
        variant: usize,
        after_step: &mut dyn FnMut(u64),
    ) -> bool {
        let _ = (params, size, variant, after_step);
        false
    }

    /// A demonstration that runs in real time before the measurements (a
    /// program with real waits, profiled), if the exercise has one. Its
    /// messages are posted when it finishes.
    fn live(&self, params: &Self::Params, host: &Host) -> Option<Live> {
        let _ = (params, host);
        None
    }

    /// The sizes of the sweep, given the size parameter's list; an input
    /// of a fixed size (a local file) replaces them.
    fn sizes(&self, params: &Self::Params, host: &Host, listed: &[u64]) -> Vec<u64> {
        let _ = (params, host);
        listed.to_vec()
    }

    /// Files to publish with the site, under `files/<exercise id>/`, that
    /// the exercise reads over HTTP as from a remote store (`(path,
    /// bytes)`); most exercises have none. Written by the build
    /// (`cargo xtask dist`), so they are the same for every visit.
    fn published(&self) -> Vec<(String, Vec<u8>)> {
        Vec::new()
    }

    /// Whether the live demonstration checks and measures the variants
    /// itself, in real time, posting `Checked` and `Measured` as the
    /// harness would: variants that wait on the network do no work a CPU
    /// sampler could time. The harness then checks and times nothing.
    fn measured_live(&self) -> bool {
        false
    }

    /// The input of GPU variant `variant` at `size`, for the worker's GPU
    /// runner; exercises without GPU variants have none.
    fn gpu_input(
        &self,
        params: &Self::Params,
        variant: &str,
        size: u64,
    ) -> Result<Box<dyn GpuInput>, String> {
        let _ = (params, size);
        Err(format!("no GPU input for {variant}"))
    }
}

/// A [`Runner`] as the worker sees it: the same calls over validated
/// [`ParamValues`], so the registry can hold every exercise's runner.
pub trait AnyRunner: Sync {
    /// The names of [`Runner::kernels`].
    fn kernel_names(&self) -> Vec<&'static str>;
    /// See [`Runner::threaded`].
    fn threaded(&self) -> Option<&'static str>;
    /// See [`Runner::check_cases`].
    fn check_cases(&self, values: &ParamValues, host: &Host) -> Vec<Case>;
    /// See [`Runner::workload`].
    fn workload(&self, values: &ParamValues, host: &Host, size: u64) -> Box<dyn Workload>;
    /// See [`Runner::timeline`].
    fn timeline(&self, values: &ParamValues) -> Option<Timeline>;
    /// See [`Runner::tables`].
    fn tables(&self, values: &ParamValues, host: &Host) -> Vec<DemoTable>;
    /// See [`Runner::images`].
    fn images(&self, values: &ParamValues) -> Vec<Image>;
    /// See [`Runner::run_steps`]; `begin` is called once the parameters
    /// are decoded, just before the run, so a caller that counts live
    /// memory from there counts the run's alone.
    fn run_steps(
        &self,
        values: &ParamValues,
        size: u64,
        variant: usize,
        begin: &mut dyn FnMut(),
        after_step: &mut dyn FnMut(u64),
    ) -> bool;
    /// See [`Runner::live`].
    fn live(&self, values: &ParamValues, host: &Host) -> Option<Live>;
    /// See [`Runner::sizes`].
    fn sizes(&self, values: &ParamValues, host: &Host, listed: &[u64]) -> Vec<u64>;
    /// See [`Runner::measured_live`].
    fn measured_live(&self) -> bool;
    /// See [`Runner::published`].
    fn published(&self) -> Vec<(String, Vec<u8>)>;
    /// See [`Runner::gpu_input`].
    fn gpu_input(
        &self,
        values: &ParamValues,
        variant: &str,
        size: u64,
    ) -> Result<Box<dyn GpuInput>, String>;
}

impl<R: Runner> AnyRunner for R {
    fn kernel_names(&self) -> Vec<&'static str> {
        Runner::kernels(self).names()
    }
    fn threaded(&self) -> Option<&'static str> {
        Runner::threaded(self)
    }
    fn check_cases(&self, values: &ParamValues, host: &Host) -> Vec<Case> {
        Runner::check_cases(self, &R::Params::from_values(values), host)
    }
    fn workload(&self, values: &ParamValues, host: &Host, size: u64) -> Box<dyn Workload> {
        Runner::workload(self, &R::Params::from_values(values), host, size)
    }
    fn timeline(&self, values: &ParamValues) -> Option<Timeline> {
        Runner::timeline(self, &R::Params::from_values(values))
    }
    fn tables(&self, values: &ParamValues, host: &Host) -> Vec<DemoTable> {
        Runner::tables(self, &R::Params::from_values(values), host)
    }
    fn images(&self, values: &ParamValues) -> Vec<Image> {
        Runner::images(self, &R::Params::from_values(values))
    }
    fn run_steps(
        &self,
        values: &ParamValues,
        size: u64,
        variant: usize,
        begin: &mut dyn FnMut(),
        after_step: &mut dyn FnMut(u64),
    ) -> bool {
        let params = R::Params::from_values(values);
        begin();
        Runner::run_steps(self, &params, size, variant, after_step)
    }
    fn live(&self, values: &ParamValues, host: &Host) -> Option<Live> {
        Runner::live(self, &R::Params::from_values(values), host)
    }
    fn sizes(&self, values: &ParamValues, host: &Host, listed: &[u64]) -> Vec<u64> {
        Runner::sizes(self, &R::Params::from_values(values), host, listed)
    }
    fn measured_live(&self) -> bool {
        Runner::measured_live(self)
    }
    fn published(&self) -> Vec<(String, Vec<u8>)> {
        Runner::published(self)
    }
    fn gpu_input(
        &self,
        values: &ParamValues,
        variant: &str,
        size: u64,
    ) -> Result<Box<dyn GpuInput>, String> {
        Runner::gpu_input(self, &R::Params::from_values(values), variant, size)
    }
}

/// A running [`Runner::live`] demonstration.
pub type Live = Pin<Box<dyn Future<Output = Vec<FromWorker>>>>;

/// One prepared input, on which any variant can run.
pub trait Workload {
    /// Runs variant number `variant` (the exercise's order) once; the
    /// result is passed through `black_box` so it cannot be optimised away.
    fn run(&mut self, variant: usize);

    /// Runs variant number `variant` once and describes its output.
    fn check(&mut self, variant: usize) -> Output;

    /// Limits the thread-sweep variant to `threads` threads (a thread sweep
    /// calls this before timing each point); other variants ignore it.
    fn set_threads(&mut self, threads: usize) {
        let _ = threads;
    }
}

/// A variant's output: text to show, and a digest of the whole output to
/// compare (the text may be shortened).
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// What the page shows.
    pub text: String,
    /// Equal outputs have equal digests.
    pub digest: u64,
}

impl Output {
    /// A list of numbers: shown in full up to 12 items, else shortened with
    /// its length; compared in full.
    pub fn list<T: std::fmt::Debug + Hash>(items: &[T]) -> Output {
        const SHOWN: usize = 12;
        let text = if items.len() <= SHOWN {
            format!("{items:?}")
        } else {
            let head = format!("{:?}", &items[..SHOWN]);
            format!(
                "{}, …] ({} values)",
                head.trim_end_matches(']'),
                items.len()
            )
        };
        Output {
            text,
            digest: digest(items),
        }
    }

    /// A value shown as `text` and compared in full by its hash.
    pub fn shown_as<T: Hash + ?Sized>(text: String, value: &T) -> Output {
        Output {
            text,
            digest: digest(value),
        }
    }

    /// An output compared within a tolerance rather than exactly: every
    /// output `within` the tolerance of the naive one has the same digest;
    /// one outside it has a digest of its own `values`.
    pub fn within_tolerance(text: String, within: bool, values: &[f64]) -> Output {
        let digest = if within {
            0
        } else {
            let bits: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
            digest(&bits)
        };
        Output { text, digest }
    }
}

/// The hash of a value, for comparing outputs.
fn digest<T: Hash + ?Sized>(value: &T) -> u64 {
    use std::hash::Hasher;
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}
