//! The built site in headless Chromium, served with the isolation headers:
//! the exercises that make requests (scraper, concurrency), answered by the
//! site's service worker, and that endpoint itself.

use std::time::Duration;

use e2e::{DemoTable, Flame, Page};
use serde_json::Value;

/// The `requests` table's rows as (k, total ms).
fn request_totals(table: &DemoTable) -> Vec<(u64, f64)> {
    table
        .cells()
        .iter()
        .map(|row| {
            let k = row[0].parse().ok();
            let total = row[1].trim_end_matches(" ms").parse().ok();
            k.zip(total)
                .unwrap_or_else(|| panic!("requests: not (k, total ms): {row:?}"))
        })
        .collect()
}

/// Flame charts as (id, spans), for comparing with a literal.
fn charts(flames: &[Flame]) -> Vec<(&str, u64)> {
    flames
        .iter()
        .map(|flame| (flame.id.as_str(), flame.spans))
        .collect()
}

#[tokio::test]
async fn scraper_fetches_under_a_semaphore_retries_with_backoff_and_keeps_its_books() {
    let page = Page::isolated().await;
    let query = "urls=5,20&limit=10&latency_ms=20&jitter_ms=0&fail_percent=30&retries=4&backoff_ms=10&budget_ms=300";
    page.open_exercise("scraper", query).await;
    // Under the service worker, the requests are real fetches.
    page.wait_for_service_worker().await;
    page.open_exercise("scraper", query).await;
    page.run().await;
    // The progress bar counts settled URLs while the scrapes run.
    let labels = page
        .status_texts_while_running(Duration::from_secs(120))
        .await;
    page.wait_state("done", Duration::from_secs(120)).await;
    assert!(
        labels.iter().any(|label| label.contains("URLs settled")),
        "{labels:?}"
    );
    // The check: with nothing failing, each strategy fetches each URL once.
    for variant in ["naive", "concurrent", "retrying"] {
        assert_eq!(
            page.checked(variant).await,
            "5 of 5 fetched, 5 requests, each URL settled once",
            "{variant}"
        );
    }
    // Timed scrapes: naive waits 5 latencies, concurrent about one.
    let rows = page.result_rows().await;
    let time = |variant: &str| {
        rows.iter()
            .find(|row| row.variant == variant && row.size == 5)
            .map(|row| row.ns_per_call)
            .unwrap_or_else(|| panic!("no row of {variant} at 5: {rows:?}"))
    };
    assert!(time("naive") >= 5.0 * 20e6, "{rows:?}");
    assert!(
        time("concurrent") >= 20e6 && time("concurrent") < time("naive") / 2.0,
        "{rows:?}"
    );
    // At a 30% failure rate: the books balance for every strategy, and
    // retrying fetches at least what one try each does.
    let scrape_table = page.demo_table("scrape").await;
    let caption = scrape_table.caption();
    assert!(
        caption.starts_with("Real fetch() calls answered by the site's service worker"),
        "{caption}"
    );
    let scrape = scrape_table.cells();
    let number = |cell: &str| {
        cell.parse::<u64>()
            .unwrap_or_else(|_| panic!("scrape: not a count: {cell:?} in {scrape:?}"))
    };
    for row in &scrape {
        assert_eq!(row[7], "each URL once", "{row:?}");
        let settled: u64 = row[1..4].iter().map(|cell| number(cell)).sum();
        assert_eq!(settled, 20, "{row:?}");
    }
    let fetched = |row: usize| number(&scrape[row][1]);
    assert!(fetched(2) >= 18 && fetched(2) >= fetched(1), "{scrape:?}");
    assert_eq!(
        scrape[1][4], "20",
        "one request per URL without retries: {scrape:?}"
    );
    // The Gantt charts draw every request.
    let requests: Vec<u64> = scrape.iter().map(|row| number(&row[4])).collect();
    assert_eq!(
        charts(&page.flames().await),
        [
            ("attempts-naive", requests[0]),
            ("attempts-concurrent", requests[1]),
            ("attempts-retrying", requests[2])
        ]
    );
    // Nothing failing, everything is fetched.
    let sweep = page.demo_table("success-rate").await.cells();
    assert_eq!(sweep[0], ["0%", "100%", "100%", "100%"]);
    assert_eq!(sweep.len(), 5);
    assert_eq!(page.console_errors().await, Vec::<String>::new());
    page.close().await;
}

#[tokio::test]
async fn concurrency_overlaps_real_requests_and_splits_cpu_work() {
    let page = Page::isolated().await;
    let query = "count=1,2&limits=1,10,50&latency_ms=40&jitter_ms=0&budget_ms=300";
    page.open_exercise("concurrency", query).await;
    // The first load registers the service worker; once it controls the
    // page, a reload starts the page and its workers under it, and its
    // endpoint answers the requests.
    page.wait_for_service_worker().await;
    page.open_exercise("concurrency", query).await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    let requests = page.demo_table("requests").await;
    let caption = requests.caption();
    assert!(
        caption.starts_with("Real fetch() calls answered by the site's service worker"),
        "{caption}"
    );
    // 50 requests of 40 ms: one at a time at least 2 s; 10 at a time about
    // 5 latencies; all at once about one (generous bounds: a loaded machine
    // adds, never subtracts).
    let totals = request_totals(&requests);
    let total = |k: u64| {
        totals
            .iter()
            .find(|(limit, _)| *limit == k)
            .map(|(_, ms)| *ms)
            .unwrap_or_else(|| panic!("no total at k = {k}: {totals:?}"))
    };
    assert!(total(1) >= 50.0 * 40.0, "{totals:?}");
    assert!(
        total(10) >= 5.0 * 40.0 && total(10) < total(1) / 3.0,
        "{totals:?}"
    );
    assert!(total(50) >= 40.0 && total(50) < total(10), "{totals:?}");
    assert_eq!(
        charts(&page.flames().await),
        [("requests-1", 50), ("requests-10", 50), ("requests-50", 50)]
    );
    // Part B: the parallel variants agree with the sequential one.
    let naive = page.checked("naive").await;
    assert!(naive.starts_with('[') && naive.ends_with(']'), "{naive}");
    assert_eq!(page.agreeing_variants().await, 3);
    page.close().await;
}

/// `count` requests at once to the service worker's endpoint, each taking
/// `latency` ms and failing with probability `fail`: the milliseconds they
/// took together, how many failed (503), and how many the service worker
/// answered.
async fn fetch_endpoint(page: &Page, latency: u32, fail: f64, count: u32) -> (f64, u32, u32) {
    let script = r#"
        const [latency, fail, count] = arguments;
        const started = performance.now();
        const replies = await Promise.all([...Array(count).keys()].map(id =>
            fetch(`net/endpoint?latency_ms=${latency}&jitter_ms=0&fail=${fail}&id=${id}`)
                .then(r => [r.status, r.headers.get('x-perflab-endpoint')])));
        return [performance.now() - started, replies.filter(r => r[0] === 503).length, replies.filter(r => r[1] === 'service-worker').length];
    "#;
    let value: Value = page
        .js_with(
            &format!("return (async () => {{ {script} }})(...arguments)"),
            vec![latency.into(), fail.into(), count.into()],
        )
        .await;
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("the endpoint's replies: {e}: {value}"))
}

#[tokio::test]
async fn the_service_worker_endpoint_honours_latency_and_failure_rate() {
    let page = Page::isolated().await;
    page.open_home().await;
    // Wait until the service worker controls the page.
    page.wait_for_service_worker().await;
    let (elapsed, failed, answered) = fetch_endpoint(&page, 120, 0.0, 20).await;
    assert_eq!((failed, answered), (0, 20));
    assert!(
        (120.0..2000.0).contains(&elapsed),
        "20 requests of 120 ms at once took {elapsed} ms"
    );
    // A 30% failure rate over 400 requests: 120 expected, σ ≈ 9.2; 4σ.
    let (_, failed, answered) = fetch_endpoint(&page, 0, 0.3, 400).await;
    assert_eq!(answered, 400);
    assert!((83..=157).contains(&failed), "{failed} of 400 failed");
    page.close().await;
}
