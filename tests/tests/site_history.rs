//! Runs that last, in headless Chromium: a run is kept and survives a
//! reload, a second run is compared with it, the history lists, filters,
//! deletes and answers SQL, an export imports in a fresh profile while a
//! corrupt file is refused, the database exports and imports whole, and two
//! tabs share the database.

use std::time::Duration;

use e2e::Page;

const QUICK: &str = "sizes=100,1000&budget_ms=300";

/// A file in the system's temporary folder holding `text`.
fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("perflab-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("writes a temporary file");
    path
}

#[tokio::test]
async fn a_run_is_kept_across_a_reload_and_the_next_one_is_compared_with_it() {
    let page = Page::isolated().await;
    page.run_to_end("duplicates", QUICK).await;
    page.wait_kept().await;
    assert_eq!(
        page.count("compare-none").await,
        1,
        "the first run has nothing to compare with"
    );

    page.reload().await;
    page.open_history().await;
    assert_eq!(
        page.attr("runs-kept", "data-persistent").await.as_deref(),
        Some("true")
    );
    let rows = page.history_rows().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].exercise.as_str(), rows[0].state.as_str()),
        ("duplicates", "done")
    );

    page.run_to_end("duplicates", QUICK).await;
    let compared = page.compare_rows().await;
    assert_eq!(
        compared.len(),
        10,
        "five variants at two sizes: {compared:?}"
    );
    for row in &compared {
        let (ratio, low, high) = row.ratio;
        assert!(low <= ratio && ratio <= high && low > 0.0, "{row:?}");
        let verdict = match () {
            _ if low > 1.05 => "slower",
            _ if high < 0.95 => "faster",
            _ => "same",
        };
        assert_eq!(row.verdict, verdict, "{row:?}");
    }
    assert_eq!(page.count("compare-difference").await, 0, "same provenance");
    assert!(page.inked_pixels(Some("comparison")).await > 2000);
    // The earlier run is overlaid on the time and speedup plots.
    assert_eq!(page.plot_overlay("time").await, 10);
    assert_eq!(page.plot_overlay("speedups").await, 10);

    // On the history page, the two runs picked are compared the same way.
    page.open_history().await;
    page.wait_count("history-row", 2, Duration::from_secs(30)).await;
    page.js("document.querySelectorAll('[data-testid=history-pick]').forEach(box => box.click())")
        .await;
    page.click("history-compare").await;
    // A heading, no provenance difference, and a line per variant and size.
    page.browser()
        .wait_until(
            "return (document.querySelector('[data-testid=history-comparison]')?.textContent ?? '').split('\\n').length",
            serde_json::json!(11),
            Duration::from_secs(30),
        )
        .await;
    let text = page.text("history-comparison").await;
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("run #") && lines[0].contains(" against run #"), "{text}");
    assert!(lines[1..].iter().all(|line| line.contains("× [")), "{text}");

    // A cancelled run is kept and marked so.
    page.open_exercise("duplicates", "sizes=100,1000,10000000&budget_ms=60000")
        .await;
    page.run().await;
    page.wait_state("running", Duration::from_secs(30)).await;
    page.cancel().await;
    page.wait_state("cancelled", Duration::from_secs(10)).await;
    page.wait_kept().await;
    page.open_history().await;
    page.wait_count("history-row", 3, Duration::from_secs(30))
        .await;
    let states: Vec<_> = page
        .history_rows()
        .await
        .into_iter()
        .map(|r| r.state)
        .collect();
    assert_eq!(states, ["cancelled", "done", "done"]);

    // SQL reads, and cannot write.
    assert_eq!(page.sql("SELECT id FROM runs").await, Ok(3));
    assert_eq!(
        page.sql("SELECT variant, size FROM results WHERE variant = 'naive'")
            .await,
        Ok(4)
    );
    let refused = page.sql("DELETE FROM runs").await.unwrap_err();
    assert!(refused.contains("only reading"), "{refused}");
    assert_eq!(page.sql("SELECT id FROM runs").await, Ok(3));

    // Filter, delete one, delete all.
    page.browser()
        .testid("history-filter")
        .await
        .select_by_value("pi")
        .await
        .expect("filters");
    page.wait_for_empty_history().await;
    page.open_history().await;
    let newest = page.history_rows().await[0].id;
    page.click("history-delete").await;
    page.wait_count("history-row", 2, Duration::from_secs(30))
        .await;
    assert!(page.history_rows().await.iter().all(|r| r.id != newest));
    page.click("history-delete-all").await;
    page.click("history-delete-all-confirm").await;
    page.wait_for_empty_history().await;
    assert_eq!(page.console_errors().await, Vec::<String>::new());
    page.close().await;
}

#[tokio::test]
async fn an_export_imports_in_a_fresh_profile_and_a_corrupt_file_is_refused() {
    let page = Page::isolated().await;
    page.run_to_end("duplicates", QUICK).await;
    page.wait_kept().await;
    let export = page.results_json().await;
    page.close().await;

    let fresh = Page::isolated().await;
    fresh.open_history().await;
    assert_eq!(fresh.history_rows().await, []);
    let corrupt = temp_file(
        "corrupt.json",
        &export.to_string().replace("\"naive\"", "\"nave\""),
    );
    fresh.import_file(&corrupt).await;
    let error = fresh.text("import-error").await;
    assert!(
        error.contains("refused") && error.contains("nave"),
        "{error}"
    );
    assert_eq!(
        fresh.history_rows().await,
        [],
        "a refused file changes nothing"
    );

    let good = temp_file("good.json", &export.to_string());
    fresh.import_file(&good).await;
    fresh
        .wait_count("history-row", 1, Duration::from_secs(30))
        .await;
    assert_eq!(fresh.history_rows().await[0].exercise, "duplicates");

    // Another browser's exported database: its runs join the history.
    let mut other = exercises::history::SavedRun::import(&export.to_string()).expect("an export");
    other.started_at = "2026-01-01T00:00:00.000Z".into();
    let mut database = results::store::Store::in_memory().expect("a database");
    database.save(&other, false).expect("saves");
    let file = temp_file("runs.sqlite", "");
    std::fs::write(&file, database.export().expect("exports")).expect("writes");
    fresh.import_file(&file).await;
    fresh
        .wait_count("history-row", 2, Duration::from_secs(30))
        .await;
    std::fs::remove_file(file).ok();

    // The database exported: its bytes travel beside the worker's JSON, not
    // in it, and the file the button saves opens with both runs.
    fresh
        .js("const make = URL.createObjectURL; window.__blobs = {}; \
             URL.createObjectURL = b => { const url = make(b); window.__blobs[url] = b; return url; }; \
             window.__saved = []; HTMLAnchorElement.prototype.click = function () { window.__saved.push(this.href); };")
        .await;
    fresh.click("export-sqlite").await;
    let read = "return new Promise((done, fail) => { const wait = () => window.__saved.length \
                ? window.__blobs[window.__saved[0]].arrayBuffer().then(b => done(Array.from(new Uint8Array(b))), fail) \
                : setTimeout(wait, 50); wait(); })";
    let bytes: Vec<u8> = serde_json::from_value(fresh.js(read).await).expect("the saved file's bytes");
    assert!(bytes.starts_with(b"SQLite format 3\0"), "{} bytes", bytes.len());
    let exported = results::store::Store::from_file(&bytes).expect("the saved file opens");
    assert_eq!(exported.list(None).expect("lists").len(), 2, "both runs are in the file");

    // On the exercise page, a run is compared with the imported one.
    fresh.run_to_end("duplicates", QUICK).await;
    let compared = fresh.compare_rows().await;
    assert_eq!(compared.len(), 10);
    std::fs::remove_file(corrupt).ok();
    std::fs::remove_file(good).ok();
    fresh.close().await;
}

#[tokio::test]
async fn a_link_with_results_shows_the_run_without_running_it() {
    let page = Page::isolated().await;
    page.run_to_end("duplicates", QUICK).await;
    page.wait_kept().await;
    let measured = page.result_rows().await;
    let link = page.share_link().await;
    assert!(
        link.contains("/exercises/duplicates?sizes=100,1000") && link.contains("#run="),
        "{link}"
    );

    page.open_home().await;
    page.browser().open(&link).await;
    page.wait_state("done", Duration::from_secs(30)).await;
    let note = page.text("shared-run").await;
    assert!(note.starts_with("Shown from a link"), "{note}");
    assert_eq!(
        page.result_rows().await,
        measured,
        "the same numbers, not measured again"
    );
    page.open_history().await;
    assert_eq!(
        page.history_rows().await.len(),
        1,
        "a shown link is not a new run"
    );

    // The sweep beside the table, from runs that say which way they differ:
    // the table's row of the swept variant made twice as slow (as when the
    // pool idles between the table's turns) gets the note that sets the
    // two side by side; the sweep's point made twice as slow gets none.
    page.browser().open(&link).await;
    page.wait_state("done", Duration::from_secs(30)).await;
    let record = page.results_json().await;
    let sweep = &record["thread_sweep"];
    let last = sweep.as_array().and_then(|s| s.last()).expect("a thread sweep")[1].clone();
    let slowed = |record: &mut serde_json::Value, in_table: bool| {
        let measurement = if in_table {
            record["measurements"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|m| m["variant"] == last["variant"] && m["size"] == last["size"])
                .expect("the table's row of the swept variant")
        } else {
            record["thread_sweep"].as_array_mut().unwrap().last_mut().unwrap().get_mut(1).unwrap()
        };
        for time in measurement["times_ns"].as_array_mut().unwrap() {
            *time = (time.as_f64().unwrap() * 2.0).into();
        }
    };
    for in_table in [true, false] {
        let mut edited = record.clone();
        let object = edited.as_object_mut().unwrap();
        object.remove("rows");
        object.remove("url");
        slowed(&mut edited, in_table);
        let pack = format!(
            "return (async () => {{ const stream = new Blob([{}]).stream() \
             .pipeThrough(new CompressionStream('deflate-raw')); \
             const bytes = new Uint8Array(await new Response(stream).arrayBuffer()); \
             let binary = ''; for (const b of bytes) binary += String.fromCharCode(b); \
             return btoa(binary).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, ''); }})()",
            serde_json::to_string(&edited.to_string()).unwrap()
        );
        let code = page.js(&pack).await;
        let edited_link = format!("{}#run={}", link.split('#').next().unwrap(), code.as_str().unwrap());
        page.open_home().await;
        page.browser().open(&edited_link).await;
        page.wait_state("done", Duration::from_secs(30)).await;
        let notes = page.count("sweep-beside-table").await;
        if in_table {
            assert_eq!(notes, 1, "a table row slower than its sweep is explained");
            let mut read = Vec::new();
            for name in ["data-sweep-ns", "data-table-low-ns"] {
                let value = page.attr("sweep-beside-table", name).await.expect(name);
                read.push(value.parse::<f64>().expect("a number"));
            }
            assert!(read[0] < read[1], "the sweep's time lies below the table's interval: {read:?}");
        } else {
            assert_eq!(notes, 0, "a sweep slower than the table gets no such note");
        }
    }

    page.open_home().await;

    // A damaged link says so and shows nothing.
    page.browser().open(&link.replace("#run=", "#run=x")).await;
    let note = page.text("shared-run").await;
    assert!(
        note.contains("could not be read") || note.contains("refused"),
        "{note}"
    );
    assert_eq!(page.status_state().await, "idle");
    page.close().await;
}

#[tokio::test]
async fn two_tabs_take_turns_on_the_database_and_both_see_every_run() {
    let page = Page::isolated().await;
    page.open_history().await;
    let first = page.open_second_tab().await;
    page.run_to_end("duplicates", QUICK).await;
    page.wait_kept().await;
    page.switch_tab(first).await;
    page.run_to_end("duplicates", QUICK).await;
    page.wait_kept().await;
    // The second save saw the first: it is compared with it.
    assert_eq!(page.compare_rows().await.len(), 10);
    page.open_history().await;
    assert_eq!(page.history_rows().await.len(), 2);
    assert_eq!(page.sql("SELECT id FROM runs").await, Ok(2));
    page.close().await;
}
