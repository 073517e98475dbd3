//! The schema, its migrations and every request, on SQLite in memory.

use exercises::history::protocol::{FromResults, ToResults};
use exercises::history::{BrowserInfo, Environment, FORMAT, Outcome, SavedRun};
use exercises::protocol::{Measurement, WorkerInfo};
use rusqlite::Connection;

use super::*;

/// A `duplicates` run at one size: naive at `ns` per call, hash_set at a
/// tenth, linear sampling without noise.
fn run(ns: f64, started_at: &str) -> SavedRun {
    let measurement = |variant: &str, ns: f64| Measurement {
        variant: variant.into(),
        size: 1000,
        iters: (1..=20).collect(),
        times_ns: (1..=20).map(|i| f64::from(i) * ns).collect(),
        first_call_ns: ns,
        memory: Default::default(),
    };
    SavedRun {
        format: FORMAT,
        exercise: "duplicates".into(),
        query: "sizes=1000".into(),
        outcome: Outcome::Done,
        message: String::new(),
        started_at: started_at.into(),
        finished_at: started_at.into(),
        environment: Environment {
            worker: Some(WorkerInfo {
                build: "single".into(),
                module: "algorithms".into(),
                version: "abc".into(),
                pool_threads: 1,
                ..WorkerInfo::default()
            }),
            browser: BrowserInfo {
                cores: 2,
                browser: "test".into(),
                ..BrowserInfo::default()
            },
        },
        check: None,
        measurements: vec![measurement("naive", ns), measurement("hash_set", ns / 10.0)],
        thread_sweep: Vec::new(),
        skipped: Vec::new(),
        tables: Vec::new(),
    }
}

fn store() -> Store {
    Store::open(Connection::open_in_memory().unwrap()).unwrap()
}

fn version(store: &Store) -> i64 {
    store
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_saved_run_is_listed_newest_first_and_reads_back_whole() {
    let mut store = store();
    assert_eq!(version(&store), SCHEMA_VERSION);
    let first = store
        .save(&run(1000.0, "2026-11-25T10:00:00Z"), false)
        .unwrap();
    let mut cancelled = run(2000.0, "2026-11-25T11:00:00Z");
    cancelled.outcome = Outcome::Cancelled;
    let second = store.save(&cancelled, false).unwrap();
    let listed = store.list(None).unwrap();
    assert_eq!(
        listed.iter().map(|r| r.id).collect::<Vec<_>>(),
        [second, first]
    );
    assert_eq!(listed[0].outcome, Outcome::Cancelled);
    assert_eq!(listed[0].measurements, 2);
    assert_eq!(listed[0].build, "single");
    assert_eq!(store.list(Some("pi")).unwrap(), []);
    assert_eq!(
        store.get(first).unwrap().unwrap().run,
        run(1000.0, "2026-11-25T10:00:00Z")
    );
    // The same record twice is one run.
    assert_eq!(store.save(&cancelled, false).unwrap(), second);
    let ns: f64 = store
        .conn
        .query_row(
            "SELECT ns_per_call FROM results WHERE run_id = ?1 AND variant = 'hash_set'",
            [first],
            |r| r.get(0),
        )
        .unwrap();
    assert!((ns - 100.0).abs() < 1e-6, "{ns}");
}

#[test]
fn the_last_comparable_run_is_the_newest_earlier_one_with_a_shared_row() {
    let mut store = store();
    let a = store.save(&run(1000.0, "a"), false).unwrap();
    let mut other_size = run(1000.0, "b");
    other_size.measurements.iter_mut().for_each(|m| m.size = 5);
    store.save(&other_size, false).unwrap();
    let c = store.save(&run(1100.0, "c"), false).unwrap();
    assert_eq!(store.last_comparable(c).unwrap().map(|r| r.id), Some(a));
    assert_eq!(store.last_comparable(a).unwrap(), None);
}

/// The comparison the page shows is the results worker's: the same as
/// `compare` on the two runs, with the stored run's rows for the overlay.
#[test]
fn a_comparison_is_answered_with_the_other_runs_rows() {
    let mut store = store();
    let old = run(1000.0, "a");
    let id = store.save(&old, false).unwrap();
    let new = run(2000.0, "b");
    let FromResults::Compared { against, comparison, overlay } =
        store.handle(ToResults::Compare { against: id, run: Box::new(new.clone()) })
    else {
        panic!("not a comparison")
    };
    assert_eq!(against, id);
    assert_eq!(*comparison, compare::compare(&old, &new, RESAMPLES));
    assert_eq!(comparison.rows.len(), 2);
    assert!(comparison.rows.iter().all(|row| row.ratio.point > 1.9 && row.ratio.point < 2.1));
    let names: Vec<&str> = overlay.iter().map(|row| row.variant.as_str()).collect();
    assert_eq!(names, ["naive", "hash_set"]);
    assert!(matches!(
        store.handle(ToResults::Compare { against: id + 100, run: Box::new(new) }),
        FromResults::Error { .. }
    ));
}

#[test]
fn delete_removes_a_run_and_its_rows_and_delete_all_everything() {
    let mut store = store();
    let a = store.save(&run(1000.0, "a"), false).unwrap();
    store.save(&run(1000.0, "b"), false).unwrap();
    assert_eq!(store.delete(a).unwrap(), 1);
    assert_eq!(store.get(a).unwrap(), None);
    let rows: i64 = store
        .conn
        .query_row("SELECT count(*) FROM results WHERE run_id = ?1", [a], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(rows, 0);
    assert_eq!(store.delete_all().unwrap(), 1);
    assert_eq!(store.list(None).unwrap(), []);
}

#[test]
fn a_version_1_database_is_migrated_with_its_runs_results_computed() {
    let mut conn = Connection::open_in_memory().unwrap();
    let tx = conn.transaction().unwrap();
    create_runs(&tx).unwrap();
    let record = serde_json::to_string(&run(1000.0, "old")).unwrap();
    tx.execute(
        "INSERT INTO runs VALUES (7, 'duplicates', 'sizes=1000', 'done', '', 'old', 'old',
            'single', 'abc', 1, 'test', 2, 0, 5000.0, '', ?1)",
        [record],
    )
    .unwrap();
    tx.pragma_update(None, "user_version", 1).unwrap();
    tx.commit().unwrap();

    let store = Store::open(conn).unwrap();
    assert_eq!(version(&store), 2);
    let listed = store.list(None).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].id, listed[0].imported, listed[0].measurements),
        (7, false, 2)
    );
}

#[test]
fn a_database_from_a_newer_perflab_is_refused_and_left_untouched() {
    let conn = Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    let mut conn = conn;
    let error = migrate(&mut conn).unwrap_err();
    assert!(error.contains("schema version 99"), "{error}");
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 0);
}

#[test]
fn a_learners_sql_reads_and_can_change_nothing() {
    let mut store = store();
    store.save(&run(1000.0, "a"), false).unwrap();
    store.save(&run(3000.0, "b"), false).unwrap();
    let table = store
        .sql("SELECT exercise, count(*) AS runs FROM runs GROUP BY exercise")
        .unwrap();
    assert_eq!(table.columns, ["exercise", "runs"]);
    assert_eq!(table.rows, [["duplicates", "2"]]);
    let json = store
        .sql("SELECT json_extract(record, '$.environment.worker.build') FROM runs LIMIT 1")
        .unwrap();
    assert_eq!(json.rows, [["single"]]);
    for statement in [
        "DELETE FROM runs",
        "UPDATE runs SET exercise = 'x'",
        "INSERT INTO runs (id) VALUES (9)",
        "DROP TABLE runs",
        "CREATE TABLE t (x)",
        "PRAGMA user_version = 5",
        "ATTACH DATABASE 'other' AS other",
    ] {
        let error = store.sql(statement).unwrap_err();
        assert!(error.contains("only reading"), "{statement}: {error}");
    }
    assert!(
        store
            .sql("SELECT 1; SELECT 2")
            .unwrap_err()
            .contains("one statement")
    );
    assert!(store.sql("SELECT 1; DELETE FROM runs").is_err());
    assert!(store.sql("SELEC 1").is_err());
    let runaway =
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n";
    assert!(store.sql(runaway).unwrap_err().contains("stopped"));
    let long = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) SELECT i FROM n";
    let table = store.sql(long).unwrap();
    assert_eq!((table.rows.len(), table.truncated), (SQL_ROW_LIMIT, true));
    // Nothing changed, and the page's own writes work again afterwards.
    assert_eq!(store.list(None).unwrap().len(), 2);
    assert_eq!(version(&store), SCHEMA_VERSION);
    store.save(&run(5000.0, "c"), false).unwrap();
    assert_eq!(store.delete_all().unwrap(), 3);
}

#[test]
fn an_import_is_validated_and_a_refused_one_changes_nothing() {
    let mut store = store();
    let text = serde_json::to_string(&run(1000.0, "a")).unwrap();
    let FromResults::Saved { id } = store.handle(ToResults::Import { text: text.clone() }) else {
        panic!("import refused");
    };
    assert!(store.get(id).unwrap().unwrap().imported);
    let damaged = text.replace("\"hash_set\"", "\"warp_drive\"");
    match store.handle(ToResults::Import { text: damaged }) {
        FromResults::Error { message } => assert!(message.contains("warp_drive"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.list(None).unwrap().len(), 1);
}

#[test]
fn the_exported_file_opens_as_the_same_database() {
    let mut store = store();
    let id = store.save(&run(1000.0, "a"), false).unwrap();
    let FromResults::Database { bytes } = store.handle(ToResults::ExportDatabase) else {
        panic!("no export");
    };
    assert!(bytes.starts_with(b"SQLite format 3\0"));
    let path = std::env::temp_dir().join(format!("perflab-export-{}.sqlite", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let copy = Store::open(Connection::open(&path).unwrap()).unwrap();
    assert_eq!(copy.get(id).unwrap(), store.get(id).unwrap());
    std::fs::remove_file(path).unwrap();
    // The worker's way back: the file's bytes into a store in memory.
    let mut reloaded = Store::from_file(&bytes).unwrap();
    assert_eq!(reloaded.get(id).unwrap(), store.get(id).unwrap());
    reloaded.save(&run(2000.0, "b"), false).unwrap();
    assert_eq!(Store::from_file(&reloaded.export().unwrap()).unwrap().list(None).unwrap().len(), 2);
    assert!(Store::from_file(b"garbage that is not SQLite").is_err());
    assert_eq!(Store::from_file(&[]).unwrap().list(None).unwrap(), []);
}

#[test]
fn an_exported_database_imports_whole_and_a_bad_one_changes_nothing() {
    let mut from = store();
    from.save(&run(1000.0, "a"), false).unwrap();
    from.save(&run(2000.0, "b"), false).unwrap();
    let bytes = from.export().unwrap();

    let mut into = store();
    into.save(&run(3000.0, "mine"), false).unwrap();
    assert_eq!(into.import_database(&bytes), Ok(2));
    let listed = into.list(None).unwrap();
    assert_eq!(listed.len(), 3);
    assert!(listed[0].imported && listed[1].imported && !listed[2].imported);
    // Again: the same records keep their ids.
    assert_eq!(into.import_database(&bytes), Ok(2));
    assert_eq!(into.list(None).unwrap().len(), 3);

    assert!(
        into.import_database(b"not a database")
            .unwrap_err()
            .contains("not an SQLite")
    );
    let mut bad = store();
    bad.save(&run(1000.0, "c"), false).unwrap();
    bad.conn
        .execute(
            "UPDATE runs SET record = replace(record, 'hash_set', 'warp')",
            [],
        )
        .unwrap();
    let error = into.import_database(&bad.export().unwrap()).unwrap_err();
    assert!(
        error.contains("run #1 of the file") && error.contains("warp"),
        "{error}"
    );
    assert_eq!(
        into.list(None).unwrap().len(),
        3,
        "nothing kept from a refused file"
    );
}
