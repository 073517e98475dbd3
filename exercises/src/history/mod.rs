//! Runs that last: the record of a finished run with its provenance, which
//! the results database keeps, the page exports and imports, and two of
//! which [`compare`] holds side by side.
//!
//! Plain data and plain Rust: the results worker (`results`) stores these
//! records in SQLite, the page builds and reads them, and the host tests
//! check the statistics, the formats and the import's validation.

pub mod compare;
pub mod export;
pub mod protocol;

use serde::{Deserialize, Serialize};

use crate::Exercise;
use crate::params::{self, ParamValues};
use crate::protocol::{CheckReport, Measurement, Skip, WorkerInfo};

/// The version of the record's format; an import of another is refused.
pub const FORMAT: u32 = 1;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Every size ran (or was skipped by the budget, which the run says).
    Done,
    /// The learner cancelled it: what was measured before is kept.
    Cancelled,
    /// It failed; the message says why.
    Error,
}

impl Outcome {
    /// `done`, `cancelled` or `error`: the `data-state` of a history row.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Cancelled => "cancelled",
            Outcome::Error => "error",
        }
    }
}

/// What the page knew of the browser when it ran.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BrowserInfo {
    /// `crossOriginIsolated`.
    pub isolated: bool,
    /// `navigator.hardwareConcurrency`.
    pub cores: u32,
    /// WebAssembly SIMD128 validates.
    pub simd: bool,
    /// Shared WebAssembly memory can be created.
    pub threads: bool,
    /// `none`, `software` or `hardware`, and the adapter's description.
    pub webgpu: (String, String),
    /// The user agent string.
    pub browser: String,
}

/// Where a run was measured: the worker's build and the browser.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    /// The worker's build, version (commit), pool and timer; `None` when the
    /// run failed before the worker was ready.
    pub worker: Option<WorkerInfo>,
    /// The browser.
    pub browser: BrowserInfo,
}

/// One run with everything needed to analyse it again: its provenance and
/// every sample of every measurement (not only the medians).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedRun {
    /// [`FORMAT`].
    pub format: u32,
    /// The exercise's id (an exercise in sections keeps its own id; the
    /// section is a parameter).
    pub exercise: String,
    /// The parameters, as the page's URL query.
    pub query: String,
    /// How it ended.
    pub outcome: Outcome,
    /// The error or the note of a cancelled run.
    #[serde(default)]
    pub message: String,
    /// When it started and ended, ISO 8601 in UTC.
    pub started_at: String,
    /// See `started_at`.
    pub finished_at: String,
    /// Where it ran.
    pub environment: Environment,
    /// The check of every variant against the naive one.
    #[serde(default)]
    pub check: Option<CheckReport>,
    /// Every measurement, with its samples.
    pub measurements: Vec<Measurement>,
    /// The thread sweep, by thread count.
    #[serde(default)]
    pub thread_sweep: Vec<(usize, Measurement)>,
    /// Sizes the time budget skipped.
    #[serde(default)]
    pub skipped: Vec<Skip>,
    /// The demonstration tables the run showed (a storage run's versions
    /// and their provenance), so SQL over the history can read them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<crate::protocol::DemoTable>,
}

/// Why an imported file was refused; nothing was changed.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The largest file an import reads: a run of every exercise at its
/// defaults is well under a megabyte.
pub const MAX_IMPORT_BYTES: usize = 32 << 20;

impl SavedRun {
    /// The exercise it ran: `None` if the registry has no such id.
    pub fn exercise(&self) -> Option<&'static Exercise> {
        crate::find(&self.exercise)
    }

    /// Its parameters, parsed against the exercise's: `None` if they no
    /// longer parse.
    pub fn values(&self) -> Option<ParamValues> {
        let exercise = self.exercise()?;
        exercise.parse(&params::from_query(&self.query)).ok()
    }

    /// The exercise, or the section of it, that the run measured.
    pub fn measured(&self) -> Option<&'static Exercise> {
        Some(self.exercise()?.section(&self.values()?))
    }

    /// A run read from an export (JSON): parsed, then checked against the
    /// registry and for a shape the analysis can trust. Every refusal names
    /// what is wrong.
    pub fn import(text: &str) -> Result<SavedRun, ImportError> {
        let refuse = |message: String| Err(ImportError(message));
        if text.len() > MAX_IMPORT_BYTES {
            return refuse(format!(
                "the file has {} bytes; an export is at most {MAX_IMPORT_BYTES}",
                text.len()
            ));
        }
        // The format is read first, on its own, so that a file from another
        // version is named as such rather than as a field serde rejects.
        // Two typed passes instead of one through `serde_json::Value`: a
        // `Value` pass would compile every record type's deserializer twice.
        #[derive(Deserialize)]
        struct Header {
            #[serde(default)]
            format: Option<u64>,
        }
        let format = match serde_json::from_str::<Header>(text) {
            Ok(header) => header.format,
            Err(error) if error.is_syntax() || error.is_eof() => {
                return refuse(format!("not a Perflab export: not JSON ({error})"));
            }
            // Valid JSON whose "format" is not a whole number, or not an object.
            Err(_) => None,
        };
        match format {
            Some(format) if format == u64::from(FORMAT) => {}
            Some(format) => {
                return refuse(format!(
                    "format {format}; this Perflab reads format {FORMAT}"
                ));
            }
            None => return refuse("not a Perflab export: no \"format\" field".into()),
        }
        let run: SavedRun = match serde_json::from_str(text) {
            Ok(run) => run,
            Err(error) => return refuse(format!("not a Perflab run: {error}")),
        };
        run.validate().map(|()| run)
    }

    /// Checks what serde cannot: a known exercise, parameters that parse,
    /// variants it has, and samples that are numbers an analysis can use.
    pub fn validate(&self) -> Result<(), ImportError> {
        let refuse = |message: String| Err(ImportError(message));
        let Some(exercise) = self.exercise() else {
            return refuse(format!("unknown exercise \"{}\"", self.exercise));
        };
        let values = match exercise.parse(&params::from_query(&self.query)) {
            Ok(values) => values,
            Err(errors) => {
                let errors: Vec<_> = errors.into_iter().map(|e| e.message).collect();
                return refuse(format!("parameters: {}", errors.join("; ")));
            }
        };
        let measured = exercise.section(&values);
        let all = self
            .measurements
            .iter()
            .chain(self.thread_sweep.iter().map(|(_, m)| m));
        for m in all {
            let at = format!("measurement of {} at size {}", m.variant, m.size);
            if !measured.all_variants().any(|v| v.name == m.variant) {
                return refuse(format!(
                    "{at}: {} has no variant \"{}\"",
                    measured.id, m.variant
                ));
            }
            if m.iters.is_empty() || m.iters.len() != m.times_ns.len() {
                return refuse(format!(
                    "{at}: {} sample sizes for {} times",
                    m.iters.len(),
                    m.times_ns.len()
                ));
            }
            if m.iters.contains(&0) {
                return refuse(format!("{at}: a sample of 0 calls"));
            }
            if m.times_ns.iter().any(|t| !t.is_finite() || *t < 0.0) {
                return refuse(format!(
                    "{at}: a time that is not a finite, positive number"
                ));
            }
        }
        if self.thread_sweep.iter().any(|(threads, _)| *threads == 0) {
            return refuse("thread sweep: a point at 0 threads".into());
        }
        Ok(())
    }
}

/// A saved run as the history lists it (the full record stays in the
/// database until it is opened).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The database's id.
    pub id: i64,
    /// See [`SavedRun`].
    pub exercise: String,
    /// See [`SavedRun`].
    pub query: String,
    /// See [`SavedRun`].
    pub outcome: Outcome,
    /// See [`SavedRun`].
    pub message: String,
    /// See [`SavedRun`].
    pub started_at: String,
    /// `single` or `threaded` (empty if the worker never started).
    pub build: String,
    /// The build's commit.
    pub version: String,
    /// Threads in the worker's pool.
    pub pool_threads: i64,
    /// The user agent.
    pub browser: String,
    /// How many measurements it holds.
    pub measurements: i64,
    /// Whether it came from an imported file rather than this browser.
    pub imported: bool,
}

#[cfg(test)]
pub(crate) mod tests;
