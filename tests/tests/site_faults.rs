//! The built site in headless Chromium, served with the isolation headers:
//! runs that do not end well (cancelled midway, out of memory) leave the
//! page working, and the next run goes through.

use std::time::Duration;

use e2e::{Page, variant_names};

#[tokio::test]
async fn a_long_run_can_be_cancelled_and_a_new_run_works() {
    let page = Page::isolated().await;
    // The naive variant at n = 50 000 takes seconds per call, 20 samples.
    page.open_exercise("duplicates", "sizes=50000&budget_ms=120000")
        .await;
    page.run().await;
    page.wait_state("running", Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        page.status_state().await,
        "running",
        "the run should still be going"
    );
    page.cancel().await;
    // Cancelling is immediate: the worker is terminated, not asked.
    page.wait_state("cancelled", Duration::from_secs(2)).await;

    page.set_param("sizes", "200").await;
    page.set_param("budget_ms", "300").await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(60)).await;
    assert_eq!(
        page.result_rows().await.len(),
        variant_names("duplicates").len()
    );
    assert_eq!(page.console_errors().await, Vec::<String>::new());
    page.close().await;
}

#[tokio::test]
async fn running_out_of_memory_stops_the_worker_not_the_page() {
    let page = Page::isolated().await;
    // 10⁷ rows read whole need more than the threaded worker's 1 GiB.
    page.open_exercise("csv_stream", "rows=10000000&budget_ms=300")
        .await;
    page.run().await;
    page.wait_state("error", Duration::from_secs(120)).await;
    let status = page.status_text().await;
    assert!(
        status.contains("out of memory") && status.contains("a fresh worker was started"),
        "{status}"
    );

    // The page and a fresh worker go on.
    page.set_param("rows", "1000").await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    let naive = page.checked("naive").await;
    assert!(naive.starts_with("3 rows, 6 malformed"), "{naive}");
    page.close().await;
}
