//! The built site in headless Chromium: `framework`, the plugin-based
//! analysis framework. Every design's books add up, failures are listed
//! apart, the caches report their hit rates, the report speaks, and the
//! Gantt and line charts are drawn.

use std::time::Duration;

use e2e::Page;

#[tokio::test]
async fn every_design_accounts_for_every_image_and_the_demonstration_is_shown() {
    let page = Page::isolated().await;
    page.open_exercise(
        "framework",
        "images=8,16&size=96&fail_rate=30&cache_size=8&batch=12&memory_kb=64&budget_ms=200",
    )
    .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(180)).await;
    assert_eq!(page.agreeing_variants().await, 5, "every design gives the naive regions");
    let checked = page.checked("naive").await;
    assert!(checked.starts_with("regions="), "{checked}");

    // The books: one per design, every image a result or a failure.
    let books = page.hooked("batch-books").await;
    let designs: Vec<&str> = books.iter().map(|b| b["variant"].as_str()).collect();
    assert_eq!(designs, ["naive", "concurrent", "cached", "tuned", "adaptive"]);
    let number = |b: &std::collections::BTreeMap<String, String>, key: &str| -> usize {
        b[key].parse().unwrap_or_else(|e| panic!("{key}: {b:?} ({e})"))
    };
    // The 16 images of the stream and two broken ones.
    for book in &books {
        assert_eq!(number(book, "total"), 18, "{book:?}");
        assert_eq!(number(book, "ok") + number(book, "failed"), 18, "{book:?}");
        assert_eq!(number(book, "failed"), number(&books[0], "failed"), "{book:?}");
    }
    assert_eq!(number(&books[0], "inFlight"), 1, "naive runs one image at a time");
    assert!(books[1..].iter().all(|b| number(b, "inFlight") <= 2), "{books:?}");

    // The failures, each with its index and error.
    let failed = page.hooked("failed-item").await;
    assert_eq!(failed.len(), number(&books[0], "failed"));
    let errors: Vec<&str> = failed.iter().map(|f| f["error"].as_str()).collect();
    assert!(errors.iter().any(|e| e.starts_with("quality: image ")), "30% fail the quality check: {errors:?}");
    assert!(errors.contains(&"blur: invalid input: empty image (0×0)"), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("blur: invalid input: wrong shape: ")), "{errors:?}");
    assert!(failed.iter().all(|item| number(item, "index") < 18), "{failed:?}");

    // The four caches, each with a hit rate in 0 … 1.
    let caches = page.hooked("cache-hit-rate").await;
    let strategies: Vec<&str> = caches.iter().map(|c| c["strategy"].as_str()).collect();
    assert_eq!(strategies, ["lru", "lfu", "ttl", "memory"]);
    for cache in &caches {
        let rate: f64 = cache["rate"].parse().unwrap_or(-1.0);
        assert!((0.0..=1.0).contains(&rate), "{cache:?}");
    }

    // Each plugin's kernel beside its naive twin, with the same output.
    let twins = page.demo_table("twins").await.cells();
    let plugins: Vec<&str> = twins.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(plugins, ["blur", "threshold", "segment"]);
    assert!(twins.iter().all(|row| row[6] == "yes"), "{twins:?}");

    // The report, the optimizer's search, the Gantt charts and the lines.
    assert!(!page.hooked("recommendation").await.is_empty());
    let optimizer = page.demo_table("optimizer").await;
    assert!(!optimizer.cells().is_empty(), "the first run searches");
    let said = optimizer.caption.unwrap_or_default();
    assert!(said.contains("Chosen: "), "{said}");
    let gantts: Vec<String> = page.flames().await.into_iter().map(|f| f.id).collect();
    assert_eq!(gantts, ["gantt-concurrent", "gantt-cached", "gantt-tuned"]);
    let charts = page.charts().await;
    let ids: Vec<&str> = charts.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["hit-rate", "batch-size", "throughput", "queue"]);
    assert_eq!(charts[0].1, 4, "one line per strategy");
    let batching = page.hooked("batching").await;
    assert_eq!(batching.len(), 2);
    let table = page.demo_table("batching").await;
    let said = table.caption.unwrap_or_default();
    assert!(said.contains("overflows the memory budget"), "{said}");
    assert_eq!(page.console_errors().await, Vec::<String>::new());

    // A second run (a fresh worker) reuses the choice the first one kept.
    page.run().await;
    page.wait_state("done", Duration::from_secs(180)).await;
    let optimizer = page.demo_table("optimizer").await;
    let said = optimizer.caption.clone().unwrap_or_default();
    assert!(said.starts_with("Reused: the choice was kept by an earlier run"), "{said}");
    assert!(optimizer.cells().is_empty(), "nothing was timed");
    assert_eq!(page.agreeing_variants().await, 5);
    page.close().await;
}
