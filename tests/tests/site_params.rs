//! The built site in headless Chromium, served with the isolation headers:
//! what a learner puts in. Bad parameters are named inline and nothing
//! runs; a local file replaces the generated input, and can be cleared.

use std::time::Duration;

use e2e::Page;

#[tokio::test]
async fn bad_parameters_in_the_url_get_inline_errors_and_nothing_runs() {
    let page = Page::isolated().await;
    page.open_exercise(
        "duplicates",
        "sizes=100,abc&seed=-1&budget_ms=99999999999999999999999",
    )
    .await;
    let sizes = page
        .param_error("sizes")
        .await
        .expect("an error under sizes");
    assert!(
        sizes.starts_with("sizes: ") && sizes.contains("\"abc\" is not a whole number"),
        "{sizes}"
    );
    assert!(
        sizes.contains("from 1 to 10000000"),
        "names the allowed range: {sizes}"
    );
    let seed = page.param_error("seed").await.expect("an error under seed");
    assert!(seed.contains("-1 is negative"), "{seed}");
    let budget = page
        .param_error("budget_ms")
        .await
        .expect("an error under budget_ms");
    assert!(budget.contains("is too large"), "{budget}");
    assert_eq!(page.attr("run", "disabled").await.as_deref(), Some("true"));

    // Fixing a field clears its message; the others stay.
    page.set_param("sizes", "100").await;
    assert_eq!(page.param_error("sizes").await, None);
    assert!(page.param_error("seed").await.is_some());
    assert_eq!(page.status_state().await, "idle");
    assert!(page.result_rows().await.is_empty());
    assert_eq!(page.console_errors().await, Vec::<String>::new());
    page.close().await;
}

#[tokio::test]
async fn csv_stream_reads_a_local_file_the_learner_picks() {
    // 3000 rows: every 100th has a value that is not a number.
    let mut csv = String::from("id,category,value\n");
    for id in 0..3000 {
        let value = if id % 100 == 7 {
            "n/a".to_string()
        } else {
            format!("{}.50", id % 10)
        };
        csv.push_str(&format!("{id},{},{value}\n", ["north", "south"][id % 2]));
    }
    let path = std::env::temp_dir().join(format!("perflab-e2e-{}.csv", std::process::id()));
    std::fs::write(&path, &csv).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file_name = path
        .file_name()
        .and_then(|name| name.to_str())
        .expect("a UTF-8 file name");

    let page = Page::isolated().await;
    page.open_exercise("csv_stream", "rows=1000,2000&budget_ms=300")
        .await;
    page.choose_file(&path).await;
    let chosen = page.text("local-file").await;
    assert!(chosen.contains(file_name), "{chosen}");
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    let naive = page.checked("naive").await;
    assert!(naive.starts_with("2970 rows, 30 malformed"), "{naive}");
    let streamed = page.variant_card("streamed").await;
    assert!(streamed.contains("agrees with naive"), "{streamed}");
    // The sweep is the file: one size, its rows.
    let sizes: Vec<u64> = page
        .result_rows()
        .await
        .iter()
        .map(|row| row.size)
        .collect();
    assert_eq!(sizes, [3000, 3000]);

    // Back to generated files.
    page.clear_file().await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    let naive = page.checked("naive").await;
    assert!(
        naive.starts_with("3 rows, 6 malformed"),
        "the damaged sample again: {naive}"
    );
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    page.close().await;
}
