//! What an exercise is, as plain data: its text, parameters, variants and
//! target; the messages the app and the worker exchange; the analysis of
//! measured timings; and the registry, the one list of exercises that the
//! home page, the routes, the worker's dispatch and the tests iterate over.
//!
//! With the `runner` feature (the worker's), each exercise also carries the
//! glue that builds its inputs and calls its kernels. Without it (the app's),
//! no kernel is compiled.

pub mod analysis;
pub mod history;
pub mod params;
pub mod protocol;
pub mod source;
#[cfg(not(target_arch = "wasm32"))]
pub mod code;
pub mod stats;

#[cfg(feature = "runner")]
pub mod network;
#[cfg(feature = "runner")]
pub mod runner;

mod compiled;

use params::ParamSpec;

/// Declares each exercise's module (its folder), lists it in
/// [`EXERCISES`] and names the worker module that runs it, so an exercise is
/// one line here: `id in "module"`.
///
/// The workers are built once per module (`xtask`'s `WORKER_MODULES`, each
/// a feature of this crate and of the worker): a page loads only the kernels
/// of its module. [`RUNNABLE`] holds the exercises of the modules this build
/// enables, and is the only list the worker looks runners up in, so the
/// linker drops every other exercise's runner and kernels.
macro_rules! registry {
    ($($id:ident in $module:literal,)*) => {
        $(mod $id;)*

        /// The registry: one line per exercise, in the home page's order.
        pub static EXERCISES: &[&Exercise] = &[$(&$id::EXERCISE),*];

        /// The exercises whose worker module this build is (or all of them,
        /// with every module's feature on, as in the tests).
        #[cfg(feature = "runner")]
        pub static RUNNABLE: &[&Exercise] = &[$(#[cfg(feature = $module)] &$id::EXERCISE),*];

        /// The worker module that runs exercise `id`.
        pub fn worker_module(id: &str) -> Option<&'static str> {
            match id {
                $(stringify!($id) => Some($module),)*
                _ => None,
            }
        }
    };
}

registry! {
    profiling in "algorithms",
    duplicates in "algorithms",
    memory in "systems",
    concurrency in "systems",
    streaming in "systems",
    csv_stream in "data",
    pipeline in "data",
    scraper in "data",
    caching in "algorithms",
    vectorize in "systems",
    typed in "algorithms",
    strings in "algorithms",
    zerocopy in "systems",
    matmul in "compiled",
    pi in "compiled",
    mandelbrot in "compiled",
    patterns in "design",
    framework in "analysis",
    storage in "arrays",
}

/// Looks an exercise up by its id.
pub fn find(id: &str) -> Option<&'static Exercise> {
    EXERCISES.iter().copied().find(|exercise| exercise.id == id)
}

/// Looks up an exercise this build can run: one of its worker module's.
#[cfg(feature = "runner")]
pub fn find_runnable(id: &str) -> Option<&'static Exercise> {
    RUNNABLE.iter().copied().find(|exercise| exercise.id == id)
}

/// The worker module this build is: the module of [`RUNNABLE`]'s
/// exercises, or "all" when they come from several.
#[cfg(feature = "runner")]
pub fn runnable_module() -> &'static str {
    let modules: std::collections::BTreeSet<_> =
        RUNNABLE.iter().filter_map(|exercise| worker_module(exercise.id)).collect();
    match modules.into_iter().collect::<Vec<_>>()[..] {
        [one] => one,
        [] => "none",
        _ => "all",
    }
}

/// One exercise: a computation with a naive port and optimized variants.
pub struct Exercise {
    /// Stable identifier, used in the URL (`exercises/<id>`) and test hooks.
    pub id: &'static str,
    /// Title shown on the home page and the exercise page.
    pub title: &'static str,
    /// The seed exercise this one ports, e.g. "Performance Optimization Practice, exercise 2".
    pub seed: &'static str,
    /// One line on what the exercise teaches.
    pub summary: &'static str,
    /// The explanation, one paragraph per entry.
    pub explanation: &'static [&'static str],
    /// Parameters the learner can edit; `COMMON_PARAMS` are added to them.
    pub params: &'static [ParamSpec],
    /// The list parameter whose values are the sizes of the sweep.
    pub size_param: &'static str,
    /// Variants, the naive port first.
    pub variants: &'static [Variant],
    /// The source file of the kernels, relative to the repository's root;
    /// each variant's code is cut from it when the site is built
    /// (`code::variant_code`), so the page's module carries no source text.
    pub source: &'static str,
    /// The speedup the exercise is expected to show.
    pub target: Target,
    /// The variant timed with 1, 2, … pool threads after the size sweep, at
    /// the largest size measured; `None` for no thread sweep.
    pub thread_sweep: Option<&'static str>,
    /// Variants that run on the GPU through WebGPU, timed after the CPU
    /// variants by the worker's GPU lane; empty for most exercises.
    pub gpu: &'static [GpuVariant],
    /// A local file the learner may pick instead of the generated input:
    /// what it should hold, in words; `None` for most exercises. The file
    /// is read in the worker, never uploaded, and is not part of the link.
    pub local_file: Option<&'static str>,
    /// Sections: for an exercise that teaches several ideas, one full
    /// descriptor per section (its own variants, kernels and target),
    /// chosen by the parameter `section`; empty for most exercises.
    pub sections: &'static [&'static Exercise],
    /// What the parameters must satisfy together, beyond each one's range
    /// (a window inside the array's shape): every error names its field.
    /// `None` when each parameter's range is all there is.
    pub limits: Option<fn(&params::ParamValues) -> Vec<params::ParamError>>,
    /// The work one call does, for throughput (elements/s, FLOP/s); `None`
    /// when a rate would mean nothing.
    pub work: Option<Work>,
    /// Builds inputs and calls the kernels (worker side only).
    #[cfg(feature = "runner")]
    pub runner: &'static dyn runner::AnyRunner,
}

/// One implementation of an exercise's computation.
pub struct Variant {
    /// Name, equal to the kernel function's name.
    pub name: &'static str,
    /// One line on the technique.
    pub technique: &'static str,
    /// Expected growth of its time with the size.
    pub growth: Growth,
}

/// A variant that runs on the GPU: a WGSL compute shader, checked against
/// the CPU result within a stated tolerance (WGSL computes in `f32`).
pub struct GpuVariant {
    /// Its name, technique and growth, like a CPU variant's.
    pub variant: Variant,
    /// The shader's source, shown as the variant's code.
    pub shader: &'static str,
    /// How its result is compared with the CPU's, in words.
    pub tolerance: &'static str,
}

/// An expected complexity class, used to label variants and to predict the
/// time of sizes not measured yet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Growth {
    /// O(1): the time does not follow the size (a read of the whole array,
    /// whatever the window).
    Constant,
    /// O(n).
    Linear,
    /// O(n log n).
    LogLinear,
    /// O(n²).
    Quadratic,
    /// O(n³).
    Cubic,
    /// Exponential, like naive recursive Fibonacci (O(φⁿ)).
    Exponential,
}

impl Growth {
    /// The usual notation, e.g. "O(n²)".
    pub fn label(self) -> &'static str {
        match self {
            Growth::Linear => "O(n)",
            Growth::LogLinear => "O(n log n)",
            Growth::Quadratic => "O(n²)",
            Growth::Cubic => "O(n³)",
            Growth::Exponential => "O(φⁿ)",
            Growth::Constant => "O(1)",
        }
    }

    /// Scales a time measured at size `from` to size `to`, by the class's
    /// growth (a power law over a decade; φ per step for exponential).
    pub fn scale(self, ns: f64, from: f64, to: f64) -> f64 {
        let ratio = to / from;
        match self {
            Growth::Linear => ns * ratio,
            Growth::LogLinear => ns * ratio.powf(1.1),
            Growth::Quadratic => ns * ratio * ratio,
            Growth::Cubic => ns * ratio.powi(3),
            Growth::Exponential => ns * 1.618_f64.powf(to - from),
            Growth::Constant => ns,
        }
    }
}

/// "`variant` at least `speedup` × faster than `baseline` at size `size`".
pub struct Target {
    /// The optimized variant the target is about.
    pub variant: &'static str,
    /// The variant it is compared with, usually "naive".
    pub baseline: &'static str,
    /// The least speedup that passes.
    pub speedup: f64,
    /// The size at which the target applies.
    pub size: u64,
}

/// The work of one call at a size, in some unit.
#[derive(Clone, Copy)]
pub struct Work {
    /// The unit, plural: "elements", "bytes", "FLOP".
    pub unit: &'static str,
    /// How many units one call at `size` processes, with the run's
    /// other parameters.
    pub per_call: fn(u64, &params::ParamValues) -> f64,
}

impl Work {
    /// "12.3 M elements/s" for one call of `ns` at `size`.
    pub fn rate(&self, size: u64, values: &params::ParamValues, ns: f64) -> String {
        // A zero time (a saturated timer) has no rate.
        if ns.is_nan() || ns <= 0.0 {
            return "—".into();
        }
        let per_second = (self.per_call)(size, values) / (ns * 1e-9);
        let (value, prefix) = match per_second {
            r if r >= 1e9 => (r / 1e9, "G"),
            r if r >= 1e6 => (r / 1e6, "M"),
            r if r >= 1e3 => (r / 1e3, "k"),
            r => (r, ""),
        };
        let prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix} ")
        };
        let digits = if value < 10.0 {
            2
        } else if value < 100.0 {
            1
        } else {
            0
        };
        format!("{value:.digits$} {prefix}{}/s", self.unit)
    }
}

crate::params! {
    @common
    /// Run settings every exercise has, after its own parameters.
    pub struct Common in COMMON_PARAMS {
        budget_ms: Int { min: 50, max: 120_000 } = "2000",
            "time budget per measurement (ms)",
            "a size whose measurement is predicted to take longer is skipped";
        threads: Int { min: 1, max: 256 } = "2",
            "threads",
            "the worker's thread pool (threaded build only; at most this machine's cores)";
        mode: Choice { options: &["quick", "thorough"] } = "quick",
            "mode",
            "quick: a first estimate in about a second, stopping once the target is decided; \
             thorough: more samples, the whole budget";
    }
}

impl Exercise {
    /// The descriptor that runs with `values`: the section the `section`
    /// parameter names, or this exercise when it has no sections.
    pub fn section(&'static self, values: &params::ParamValues) -> &'static Exercise {
        match values.0.get("section") {
            Some(params::ParamValue::Text(name)) => self.section_named(name),
            _ => self,
        }
    }

    /// The section whose id is `id`, or this exercise when none is.
    pub fn section_named(&'static self, id: &str) -> &'static Exercise {
        self.sections
            .iter()
            .copied()
            .find(|section| section.id == id)
            .unwrap_or(self)
    }

    /// Parses the text of the parameters (missing ones take their
    /// defaults), then checks them together against the exercise's limits.
    pub fn parse(
        &self,
        raw: &std::collections::BTreeMap<String, String>,
    ) -> Result<params::ParamValues, Vec<params::ParamError>> {
        self.within_limits(params::parse(self.all_params(), raw)?)
    }

    /// Checks values that arrive parsed, each against its spec, then
    /// together against the exercise's limits.
    pub fn validate(&self, values: &params::ParamValues) -> Result<params::ParamValues, Vec<params::ParamError>> {
        self.within_limits(params::validate(self.all_params(), values)?)
    }

    fn within_limits(&self, values: params::ParamValues) -> Result<params::ParamValues, Vec<params::ParamError>> {
        match self.limits.map(|limits| limits(&values)) {
            Some(errors) if !errors.is_empty() => Err(errors),
            _ => Ok(values),
        }
    }

    /// The exercise's own parameters followed by the common ones.
    pub fn all_params(&self) -> impl Iterator<Item = &'static ParamSpec> + use<> {
        self.params.iter().chain(COMMON_PARAMS.iter())
    }

    /// The CPU variants, then the GPU ones.
    pub fn all_variants(&self) -> impl Iterator<Item = &'static Variant> + use<> {
        let gpu = self.gpu;
        self.variants.iter().chain(gpu.iter().map(|g| &g.variant))
    }

    /// What a size of the sweep is, for axis titles and column headers:
    /// the size parameter's name (`width`, `rows`), or the short name its
    /// label gives in parentheses ("sizes (n)" → `n`); a list of shapes
    /// is sized by count × length.
    pub fn size_name(&self) -> String {
        let Some(spec) = self.all_params().find(|p| p.name == self.size_param) else {
            return self.size_param.to_string();
        };
        if matches!(spec.kind, params::ParamKind::ShapeList { .. }) {
            return "count × length".to_string();
        }
        match spec.label.split_once('(') {
            Some((_, short)) => short.trim_end_matches(')').to_string(),
            None => spec.name.to_string(),
        }
    }

    /// A point of the sweep as labels name it, with the size's own name:
    /// "iterations = 50", "n = 10000".
    pub fn at_size(&self, size: impl std::fmt::Display) -> String {
        format!("{} = {size}", self.size_name())
    }

    /// The GPU variant named `name`, if it is one.
    pub fn gpu_variant(&self, name: &str) -> Option<&'static GpuVariant> {
        self.gpu.iter().find(|g| g.variant.name == name)
    }

    /// Whether `name` is a GPU variant (its memory is the GPU's, not
    /// counted by the worker's allocator).
    pub fn on_gpu(&self, name: &str) -> bool {
        self.gpu_variant(name).is_some()
    }

    /// A variant by name, CPU or GPU.
    pub fn variant(&self, name: &str) -> Option<&'static Variant> {
        self.all_variants().find(|variant| variant.name == name)
    }

}

#[cfg(test)]
mod tests;
