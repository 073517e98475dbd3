//! The built site in headless Chromium, served with the isolation headers:
//! runs that do not end well (cancelled midway, left midway, out of
//! memory) leave the page working, and the next run goes through.

use std::time::Duration;

use e2e::{Page, variant_names};

/// A page running `duplicates` for minutes: the naive variant at n = 50 000
/// takes seconds per call, 20 samples.
async fn a_long_run() -> Page {
    let page = Page::isolated().await;
    page.open_exercise("duplicates", "sizes=50000&budget_ms=120000")
        .await;
    page.run().await;
    page.wait_state("running", Duration::from_secs(10)).await;
    page
}

/// A small run of `duplicates` on the page ends with every variant's row,
/// and nothing was logged as an error.
async fn a_small_run_goes_through(page: Page) {
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
async fn a_long_run_can_be_cancelled_and_a_new_run_works() {
    let page = a_long_run().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        page.status_state().await,
        "running",
        "the run should still be going"
    );
    page.cancel().await;
    // Cancelling is immediate: the worker is terminated, not asked.
    page.wait_state("cancelled", Duration::from_secs(2)).await;

    a_small_run_goes_through(page).await;
}

#[tokio::test]
async fn a_page_left_mid_run_stops_the_run_and_comes_back_with_a_fresh_worker() {
    let page = a_long_run().await;
    // A mark only the same page, kept whole by the back/forward cache, has.
    page.js("window.__kept = true; return true;").await;
    page.open_home().await;
    page.back().await;
    page.browser().testid("run").await;
    assert_eq!(
        page.js("return window.__kept === true").await,
        serde_json::Value::Bool(true),
        "the page came back from the back/forward cache"
    );
    // Not resumed after the freeze: stopped when it was left, and said so.
    assert_eq!(page.status_state().await, "cancelled");
    let status = page.status_text().await;
    assert!(status.contains("the page was left while it ran"), "{status}");

    // The worker it comes back with runs.
    a_small_run_goes_through(page).await;
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

/// Clicks Run and returns how long, on the page's clock, the status took
/// to reach `error`, and the status then.
async fn run_until_error(page: &Page, timeout: Duration) -> (f64, String) {
    page.js(
        "const status = document.querySelector('[data-testid=status]');
         window.__ended = null;
         new MutationObserver((_, observer) => {
             if (status.dataset.state === 'error') { window.__ended = performance.now(); observer.disconnect(); }
         }).observe(status, { attributes: true });
         window.__started = performance.now();
         document.querySelector('[data-testid=run]').click();
         return true;",
    )
    .await;
    page.browser()
        .wait_until(
            "return window.__ended !== null",
            serde_json::Value::Bool(true),
            timeout,
        )
        .await;
    let ms = page.js("return window.__ended - window.__started").await;
    (ms.as_f64().unwrap_or(f64::NAN), page.status_text().await)
}

#[tokio::test]
async fn injected_faults_end_the_run_with_their_message_and_the_next_run_is_correct() {
    let page = Page::isolated().await;
    let query = "sizes=100,1000&budget_ms=300";
    for (fault, said) in [
        ("panic", "injected fault: a panic on the worker's thread"),
        ("pool-panic", "injected fault: a panic on a pool thread"),
        ("trap", "unreachable"),
    ] {
        page.open(&format!("/exercises/duplicates?{query}#fault={fault}"))
            .await;
        page.wait_for_worker().await;
        let (ms, status) = run_until_error(&page, Duration::from_secs(10)).await;
        eprintln!("{fault}: the error state after {ms:.0} ms");
        assert!(status.contains(said), "{fault}: {status}");
        assert!(ms < 1000.0, "{fault}: the error took {ms:.0} ms");
        // The page goes on: the same page, without the fault, runs right.
        page.js("history.replaceState(null, '', location.pathname + location.search); return true;")
            .await;
        page.run().await;
        page.wait_state("done", Duration::from_secs(120)).await;
        for variant in variant_names("duplicates") {
            assert_eq!(page.checked(variant).await, "[1, 3, 5]", "{fault}: {variant}");
        }
    }
    // A kernel that never returns says nothing: the watchdog ends it.
    page.open(&format!("/exercises/duplicates?{query}#fault=hang")).await;
    page.wait_for_worker().await;
    let (ms, status) = run_until_error(&page, Duration::from_secs(40)).await;
    eprintln!("hang: the watchdog's error after {ms:.0} ms");
    assert!(status.contains("the worker stopped reporting"), "{status}");
    assert!((14_000.0..25_000.0).contains(&ms), "the watchdog took {ms:.0} ms");
    page.js("history.replaceState(null, '', location.pathname + location.search); return true;")
        .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    assert_eq!(
        page.result_rows().await.len(),
        2 * variant_names("duplicates").len()
    );
    page.close().await;
}
