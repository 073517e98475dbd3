//! What the page and the results worker say to each other: requests with an
//! id, answered by replies with the same id (JSON over `postMessage`). A
//! database file travels beside the JSON, never in it: a JSON array of
//! bytes is four times the file, and the page would parse it on its main
//! thread. `bytes_mut` is where each side takes the bytes out before
//! writing the JSON and puts them back after reading it.

use serde::{Deserialize, Serialize};

use super::{RunSummary, SavedRun};

/// A request to the results worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Echoed by the reply.
    pub id: u32,
    /// What to do.
    pub body: ToResults,
}

/// What the page asks of the results database.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToResults {
    /// Keep a run: answered by `Saved`.
    Save(Box<SavedRun>),
    /// The runs, newest first, of one exercise or of all: `Runs`.
    List {
        /// Only this exercise's runs.
        exercise: Option<String>,
    },
    /// One run: `Run`.
    Get {
        /// Its id.
        id: i64,
    },
    /// The newest run before `before` that [`super::compare::comparable`]
    /// accepts: `Run`.
    LastComparable {
        /// The run to compare.
        before: i64,
    },
    /// Run `against` set beside `run` (`compare::compare`, bootstrap
    /// intervals over both runs' samples), with `against`'s analysed rows
    /// for the plots' overlay: `Compared`. The results worker does it, so
    /// the page's main thread does not (tens of milliseconds).
    Compare {
        /// The stored run to compare with.
        against: i64,
        /// The page's run.
        run: Box<SavedRun>,
    },
    /// Delete one run: `Deleted`.
    Delete {
        /// Its id.
        id: i64,
    },
    /// Delete every run: `Deleted`.
    DeleteAll,
    /// A read-only SQL statement over the runs: `Table`.
    Sql {
        /// The statement.
        text: String,
    },
    /// A JSON export to validate and keep: `Saved`, or `Error` with what is
    /// wrong (nothing is kept then).
    Import {
        /// The file's text.
        text: String,
    },
    /// The whole database as an SQLite file: `Database`.
    ExportDatabase,
    /// Another browser's exported database: every run in it validated and
    /// kept, all or none: `Imported`, or `Error` with what is wrong.
    ImportDatabase {
        /// The file's bytes, beside the JSON (see the module's note).
        #[serde(skip)]
        bytes: Vec<u8>,
    },
}

/// A reply of the results worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// The request's id.
    pub id: u32,
    /// The answer.
    pub body: FromResults,
}

/// A saved run with its id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredRun {
    /// The database's id.
    pub id: i64,
    /// Whether it came from an imported file.
    pub imported: bool,
    /// The record.
    pub run: SavedRun,
}

/// The result of a learner's SQL statement.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SqlTable {
    /// The column names.
    pub columns: Vec<String>,
    /// The rows, each value as text (`NULL` for null, a blob's size).
    pub rows: Vec<Vec<String>>,
    /// Whether rows beyond the limit were left out.
    pub truncated: bool,
}

/// What the results worker answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromResults {
    /// Where the runs are kept and, if not in the browser's own file
    /// system, why not: the worker's first message (id 0), sent once it
    /// listens.
    Storage {
        /// Kept across visits (OPFS), or only for this session (memory).
        persistent: bool,
        /// The explanation shown beside the history.
        note: String,
    },
    /// The run's id.
    Saved {
        /// The id.
        id: i64,
    },
    /// Runs, newest first.
    Runs(Vec<RunSummary>),
    /// A run, if there is one.
    Run(Option<Box<StoredRun>>),
    /// How many runs were deleted.
    Deleted {
        /// The count.
        count: usize,
    },
    /// A SQL statement's result.
    Table(SqlTable),
    /// How many runs an imported database held (all kept).
    Imported {
        /// The count.
        count: usize,
    },
    /// The database file.
    Database {
        /// The SQLite file's bytes, beside the JSON (see the module's note).
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// A comparison (`Compare`).
    Compared {
        /// The run compared with.
        against: i64,
        /// Differences, and the ratio of times per variant and size.
        comparison: Box<super::compare::Comparison>,
        /// The compared run's analysed rows, which the plots overlay.
        overlay: Vec<crate::analysis::Row>,
    },
    /// The request failed; nothing was changed.
    Error {
        /// What went wrong.
        message: String,
    },
}

impl ToResults {
    /// The bytes this request carries beside its JSON, if it is one that does.
    pub fn bytes_mut(&mut self) -> Option<&mut Vec<u8>> {
        match self {
            ToResults::ImportDatabase { bytes } => Some(bytes),
            _ => None,
        }
    }
}

impl FromResults {
    /// The bytes this reply carries beside its JSON, if it is one that does.
    pub fn bytes_mut(&mut self) -> Option<&mut Vec<u8>> {
        match self {
            FromResults::Database { bytes } => Some(bytes),
            _ => None,
        }
    }
}
