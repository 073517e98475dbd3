//! The database itself: the schema and its migrations, and every request
//! the page makes, over one `rusqlite` connection. Plain Rust: the host
//! tests run it on SQLite compiled by `rusqlite`'s `bundled` feature, the
//! worker on the same SQLite compiled to WebAssembly.

use exercises::analysis::{self, RESAMPLES, Summary, per_call};
use exercises::history::protocol::{FromResults, SqlTable, StoredRun, ToResults};
use exercises::history::{Outcome, RunSummary, SavedRun, compare};
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// A migration: from the schema version of its index to the next.
type Migration = fn(&Transaction) -> rusqlite::Result<()>;

/// The schema's history. Version `n` is the database after the first `n`
/// migrations; SQLite's `user_version` says which one a file is at.
const MIGRATIONS: [Migration; 2] = [create_runs, add_results];

/// The version this code writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The most rows a learner's query returns; the rest are counted as cut.
pub const SQL_ROW_LIMIT: usize = 1000;

/// SQLite's virtual machine steps a learner's query may take (in units of
/// 1 000) before it is interrupted: a runaway recursive query ends.
const SQL_STEP_LIMIT: u32 = 20_000;

/// Version 1: one row per run, its provenance in columns and the whole
/// record as JSON.
fn create_runs(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            exercise TEXT NOT NULL,
            query TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('done', 'cancelled', 'error')),
            message TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            build TEXT NOT NULL,
            version TEXT NOT NULL,
            pool_threads INTEGER NOT NULL,
            browser TEXT NOT NULL,
            cores INTEGER NOT NULL,
            isolated INTEGER NOT NULL,
            timer_resolution_ns REAL NOT NULL,
            webgpu TEXT NOT NULL,
            record TEXT NOT NULL
        );
        CREATE INDEX runs_by_exercise ON runs (exercise, id);",
    )
}

/// Version 2: where a run came from, and a row per variant and size with
/// its time and interval, so SQL can reach the numbers without JSON. Runs
/// saved at version 1 get theirs computed from their records.
fn add_results(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "ALTER TABLE runs ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE results (
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            variant TEXT NOT NULL,
            size INTEGER NOT NULL,
            ns_per_call REAL NOT NULL,
            ci_low_ns REAL NOT NULL,
            ci_high_ns REAL NOT NULL,
            median_ns REAL NOT NULL,
            samples INTEGER NOT NULL,
            allocations INTEGER NOT NULL,
            peak_bytes INTEGER NOT NULL,
            PRIMARY KEY (run_id, variant, size)
        );",
    )?;
    let records: Vec<(i64, String)> = tx
        .prepare("SELECT id, record FROM runs")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, record) in records {
        if let Ok(run) = serde_json::from_str::<SavedRun>(&record) {
            insert_results(tx, id, &run)?;
        }
    }
    Ok(())
}

/// The `results` rows of a run.
fn insert_results(tx: &Transaction, id: i64, run: &SavedRun) -> rusqlite::Result<()> {
    let mut insert = tx.prepare(
        "INSERT OR REPLACE INTO results VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for m in &run.measurements {
        let (Some((estimate, _)), Some(summary)) =
            (per_call(m, RESAMPLES), Summary::of(&m.per_call_ns()))
        else {
            continue;
        };
        insert.execute(params![
            id,
            m.variant,
            m.size as i64,
            estimate.point,
            estimate.low,
            estimate.high,
            summary.median,
            m.times_ns.len() as i64,
            m.memory.allocations as i64,
            m.memory.peak_bytes as i64,
        ])?;
    }
    Ok(())
}

/// Inserts `run` and its rows in `tx`; a record already kept, byte for
/// byte, keeps its id.
fn insert_run(tx: &Transaction, run: &SavedRun, imported: bool) -> rusqlite::Result<i64> {
    let record = serde_json::to_string(run)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    if let Some(id) = tx
        .query_row("SELECT id FROM runs WHERE record = ?1", [&record], |row| {
            row.get(0)
        })
        .optional()?
    {
        return Ok(id);
    }
    let worker = run.environment.worker.clone().unwrap_or_default();
    let browser = &run.environment.browser;
    tx.execute(
        "INSERT INTO runs (exercise, query, outcome, message, started_at, finished_at, build,
            version, pool_threads, browser, cores, isolated, timer_resolution_ns, webgpu,
            record, imported)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            run.exercise,
            run.query,
            run.outcome.as_str(),
            run.message,
            run.started_at,
            run.finished_at,
            worker.build,
            worker.version,
            worker.pool_threads as i64,
            browser.browser,
            browser.cores,
            browser.isolated,
            worker.timer_resolution_ns,
            browser.webgpu.0,
            record,
            imported,
        ],
    )?;
    let id = tx.last_insert_rowid();
    insert_results(tx, id, run)?;
    Ok(id)
}

/// Brings the database to [`SCHEMA_VERSION`], each migration in a
/// transaction with its version, so a crash leaves a whole version. A file
/// from a newer Perflab is refused, never rewritten.
pub fn migrate(conn: &mut Connection) -> Result<(), String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(sql)?;
    if version > SCHEMA_VERSION {
        return Err(format!(
            "the results database has schema version {version}, made by a newer Perflab; this one reads up to {SCHEMA_VERSION} and leaves it untouched"
        ));
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction().map_err(sql)?;
        migration(&tx).map_err(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)
            .map_err(sql)?;
        tx.commit().map_err(sql)?;
    }
    Ok(())
}

/// The runs of one browser, over an open connection.
pub struct Store {
    conn: Connection,
}

/// A stored run's columns, as the history lists it.
const SUMMARY_COLUMNS: &str = "id, exercise, query, outcome, message, started_at, build, version, pool_threads, browser, imported, (SELECT count(*) FROM results WHERE run_id = runs.id)";

fn summary(row: &rusqlite::Row) -> rusqlite::Result<RunSummary> {
    let outcome: String = row.get(3)?;
    Ok(RunSummary {
        id: row.get(0)?,
        exercise: row.get(1)?,
        query: row.get(2)?,
        outcome: match outcome.as_str() {
            "done" => Outcome::Done,
            "cancelled" => Outcome::Cancelled,
            _ => Outcome::Error,
        },
        message: row.get(4)?,
        started_at: row.get(5)?,
        build: row.get(6)?,
        version: row.get(7)?,
        pool_threads: row.get(8)?,
        browser: row.get(9)?,
        imported: row.get(10)?,
        measurements: row.get(11)?,
    })
}

/// What a learner's query may do: read and compute, nothing else.
fn read_only(context: AuthContext<'_>) -> Authorization {
    match context.action {
        AuthAction::Select
        | AuthAction::Read { .. }
        | AuthAction::Function { .. }
        | AuthAction::Recursive => Authorization::Allow,
        _ => Authorization::Deny,
    }
}

impl Store {
    /// The store over `conn`, migrated to the current schema.
    pub fn open(mut conn: Connection) -> Result<Store, String> {
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(|e| e.to_string())?;
        migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// A store in memory holding the database file `bytes` (a file this
    /// store wrote; empty for a new one), migrated to the current schema.
    pub fn from_file(bytes: &[u8]) -> Result<Store, String> {
        let mut conn = Connection::open_in_memory().map_err(|e| e.to_string())?;
        if !bytes.is_empty() {
            conn.deserialize_read_exact(rusqlite::MAIN_DB, bytes, bytes.len(), false)
                .map_err(|e| format!("the results database file: {e}"))?;
        }
        Store::open(conn)
    }

    /// A store in memory (for a session only).
    pub fn in_memory() -> Result<Store, String> {
        Connection::open_in_memory()
            .map_err(|e| e.to_string())
            .and_then(Store::open)
    }

    /// Keeps `run` (one transaction: the run and its rows, or nothing) and
    /// returns its id. A record already kept, byte for byte, keeps its id.
    pub fn save(&mut self, run: &SavedRun, imported: bool) -> rusqlite::Result<i64> {
        let tx = self.conn.transaction()?;
        let id = insert_run(&tx, run, imported)?;
        tx.commit()?;
        Ok(id)
    }

    /// The runs of another browser's exported database: every record
    /// validated as an import is, then all kept in one transaction, or
    /// none. Returns how many runs the file held.
    pub fn import_database(&mut self, bytes: &[u8]) -> Result<usize, String> {
        if !bytes.starts_with(b"SQLite format 3\0") {
            return Err("not an SQLite database".into());
        }
        let sql = |e: rusqlite::Error| format!("the database file: {e}");
        let mut other = Connection::open_in_memory().map_err(sql)?;
        other
            .deserialize_read_exact(rusqlite::MAIN_DB, bytes, bytes.len(), true)
            .map_err(sql)?;
        let version: i64 = other
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(sql)?;
        if !(1..=SCHEMA_VERSION).contains(&version) {
            return Err(format!(
                "schema version {version}; this Perflab reads 1 to {SCHEMA_VERSION}"
            ));
        }
        let records: Vec<(i64, String)> = other
            .prepare("SELECT id, record FROM runs ORDER BY id")
            .and_then(|mut s| {
                s.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                    .collect()
            })
            .map_err(sql)?;
        let runs = records
            .iter()
            .map(|(id, record)| {
                SavedRun::import(record).map_err(|e| format!("run #{id} of the file: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let tx = self.conn.transaction().map_err(|e| e.to_string())?;
        for run in &runs {
            insert_run(&tx, run, true).map_err(|e| e.to_string())?;
        }
        tx.commit().map_err(|e| e.to_string())?;
        Ok(runs.len())
    }

    /// The runs, newest first, of `exercise` or of all.
    pub fn list(&self, exercise: Option<&str>) -> rusqlite::Result<Vec<RunSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM runs WHERE ?1 IS NULL OR exercise = ?1 ORDER BY id DESC"
        );
        self.conn
            .prepare(&sql)?
            .query_map([exercise], summary)?
            .collect()
    }

    /// One run, with its record.
    pub fn get(&self, id: i64) -> rusqlite::Result<Option<StoredRun>> {
        let row: Option<(String, bool)> = self
            .conn
            .query_row(
                "SELECT record, imported FROM runs WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        Ok(row.and_then(|(record, imported)| {
            let run = serde_json::from_str(&record).ok()?;
            Some(StoredRun { id, imported, run })
        }))
    }

    /// The newest run before `before` that can be compared with it.
    pub fn last_comparable(&self, before: i64) -> rusqlite::Result<Option<StoredRun>> {
        let Some(new) = self.get(before)? else {
            return Ok(None);
        };
        let ids: Vec<i64> = self
            .conn
            .prepare("SELECT id FROM runs WHERE exercise = ?1 AND id < ?2 ORDER BY id DESC")?
            .query_map(params![new.run.exercise, before], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            if let Some(old) = self.get(id)?
                && compare::comparable(&old.run, &new.run)
            {
                return Ok(Some(old));
            }
        }
        Ok(None)
    }

    /// Deletes one run (and its rows); how many were deleted.
    pub fn delete(&mut self, id: i64) -> rusqlite::Result<usize> {
        self.conn.execute("DELETE FROM runs WHERE id = ?1", [id])
    }

    /// Deletes every run.
    pub fn delete_all(&mut self) -> rusqlite::Result<usize> {
        self.conn.execute("DELETE FROM runs", [])
    }

    /// A learner's statement, read-only: SQLite's authorizer refuses
    /// anything but reading (no writes, no `PRAGMA`, no `ATTACH`), a
    /// progress handler ends a runaway query, and at most
    /// [`SQL_ROW_LIMIT`] rows come back.
    pub fn sql(&mut self, text: &str) -> Result<SqlTable, String> {
        self.conn
            .authorizer(Some(read_only))
            .map_err(|e| e.to_string())?;
        let mut steps = 0u32;
        self.conn
            .progress_handler(
                1000,
                Some(move || {
                    steps += 1;
                    steps > SQL_STEP_LIMIT
                }),
            )
            .map_err(|e| e.to_string())?;
        let table = self.query(text);
        let _ = self
            .conn
            .authorizer(None::<fn(AuthContext<'_>) -> Authorization>);
        let _ = self.conn.progress_handler(0, None::<fn() -> bool>);
        table
    }

    fn query(&self, text: &str) -> Result<SqlTable, String> {
        let explain = |e: rusqlite::Error| {
            match e {
            rusqlite::Error::SqliteFailure(code, _)
                if code.code == rusqlite::ErrorCode::AuthorizationForStatementDenied =>
            {
                "only reading is allowed here (SELECT, WITH … SELECT): the history is changed by its buttons".to_string()
            }
            rusqlite::Error::SqliteFailure(code, _)
                if code.code == rusqlite::ErrorCode::OperationInterrupted =>
            {
                format!("the query ran past {SQL_STEP_LIMIT} thousand steps and was stopped")
            }
            rusqlite::Error::MultipleStatement => "one statement at a time".to_string(),
            other => other.to_string(),
        }
        };
        let mut statement = self.conn.prepare(text).map_err(explain)?;
        let columns: Vec<String> = statement.column_names().map(String::from).collect();
        let mut rows = statement.query([]).map_err(explain)?;
        let mut table = SqlTable {
            columns,
            ..SqlTable::default()
        };
        while let Some(row) = rows.next().map_err(explain)? {
            if table.rows.len() == SQL_ROW_LIMIT {
                table.truncated = true;
                break;
            }
            let cells = (0..table.columns.len())
                .map(|i| match row.get_ref(i) {
                    Ok(rusqlite::types::ValueRef::Null) => "NULL".to_string(),
                    Ok(rusqlite::types::ValueRef::Integer(v)) => v.to_string(),
                    Ok(rusqlite::types::ValueRef::Real(v)) => v.to_string(),
                    Ok(rusqlite::types::ValueRef::Text(v)) => {
                        String::from_utf8_lossy(v).into_owned()
                    }
                    Ok(rusqlite::types::ValueRef::Blob(v)) => format!("<{} bytes>", v.len()),
                    Err(e) => e.to_string(),
                })
                .collect();
            table.rows.push(cells);
        }
        Ok(table)
    }

    /// The whole database as an SQLite file.
    pub fn export(&mut self) -> rusqlite::Result<Vec<u8>> {
        Ok(self.conn.serialize(rusqlite::MAIN_DB)?.to_vec())
    }

    /// Answers one request; a failure changes nothing and says why.
    pub fn handle(&mut self, body: ToResults) -> FromResults {
        let failed = |message: String| FromResults::Error { message };
        let sql = |e: rusqlite::Error| FromResults::Error {
            message: e.to_string(),
        };
        match body {
            ToResults::Save(run) => match run.validate() {
                Ok(()) => self
                    .save(&run, false)
                    .map_or_else(sql, |id| FromResults::Saved { id }),
                Err(error) => failed(error.0),
            },
            ToResults::Import { text } => match SavedRun::import(&text) {
                Ok(run) => self
                    .save(&run, true)
                    .map_or_else(sql, |id| FromResults::Saved { id }),
                Err(error) => failed(error.0),
            },
            ToResults::List { exercise } => self
                .list(exercise.as_deref())
                .map_or_else(sql, FromResults::Runs),
            ToResults::Get { id } => self
                .get(id)
                .map_or_else(sql, |run| FromResults::Run(run.map(Box::new))),
            ToResults::LastComparable { before } => self
                .last_comparable(before)
                .map_or_else(sql, |run| FromResults::Run(run.map(Box::new))),
            ToResults::Compare { against, run } => match self.get(against) {
                Ok(Some(old)) => FromResults::Compared {
                    against,
                    comparison: Box::new(compare::compare(&old.run, &run, RESAMPLES)),
                    overlay: match (exercises::find(&old.run.exercise), old.run.values()) {
                        (Some(exercise), Some(values)) => {
                            analysis::rows(exercise.section(&values), &old.run.measurements)
                        }
                        _ => Vec::new(),
                    },
                },
                Ok(None) => failed(format!("no run #{against} to compare with")),
                Err(error) => sql(error),
            },
            ToResults::Delete { id } => self
                .delete(id)
                .map_or_else(sql, |count| FromResults::Deleted { count }),
            ToResults::DeleteAll => self
                .delete_all()
                .map_or_else(sql, |count| FromResults::Deleted { count }),
            ToResults::Sql { text } => self.sql(&text).map_or_else(failed, FromResults::Table),
            ToResults::ImportDatabase { bytes } => self
                .import_database(&bytes)
                .map_or_else(failed, |count| FromResults::Imported { count }),
            ToResults::ExportDatabase => self
                .export()
                .map_or_else(sql, |bytes| FromResults::Database { bytes }),
        }
    }
}

#[cfg(test)]
mod tests;
