//! The built site in headless Chromium, served with the isolation headers:
//! no request leaves the site's origin. Chromium's own network log records
//! every request the browser makes (the page's, its workers', the service
//! worker's), so a smoke run through every kind of page must show no other
//! origin there.

use std::time::Duration;

use e2e::{Browser, Page, Site};

/// Every request in a Chromium network log as (initiator, URL): the log is
/// streamed to the file one event per line, so one cut short by the
/// browser's exit still holds every request before it. Requests Chromium
/// makes for itself (updates, autofill) have the initiator "not an origin".
fn requests_in(log: &str) -> Vec<(String, String)> {
    log.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line.trim().trim_end_matches(',')).ok())
        .filter_map(|event| {
            let params = event.get("params")?;
            Some((
                params.get("initiator")?.as_str()?.to_string(),
                params.get("url")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// The origin of `url`: scheme, host and port.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}

#[tokio::test]
async fn a_smoke_run_of_every_kind_of_page_requests_nothing_from_another_origin() {
    let log = std::env::temp_dir().join(format!("perflab-netlog-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let switch = format!("--log-net-log={}", log.display());
    let page = Page::new(Site::isolated(), Browser::start_with(&[switch.as_str()]).await);
    let site = origin(&page.url("/")).to_string();
    page.open_home().await;
    // With the service worker, which fetches the whole site ahead and
    // answers the network exercise's endpoint.
    page.wait_for_service_worker().await;
    page.open_home().await;
    // Kernels, the results database, the browser's own files and the
    // published store, the network exercise's simulated endpoint.
    for (id, query) in [
        ("duplicates", "sizes=100,1000&budget_ms=300"),
        ("storage", "budget_ms=300"),
        ("scraper", "urls=5,20&latency_ms=20&budget_ms=300"),
    ] {
        page.open_exercise(id, query).await;
        page.run().await;
        page.wait_state("done", Duration::from_secs(240)).await;
        // Kept in the results database before the page is left.
        page.browser().wait_for("[data-testid=\"kept\"]").await;
    }
    page.open("/history").await;
    // The results worker loads SQLite on first use: allow it a while.
    page.browser()
        .wait_until(
            "return document.querySelector('[data-testid=\"history-row\"]') !== null",
            serde_json::Value::Bool(true),
            Duration::from_secs(60),
        )
        .await;
    // The control: a navigation elsewhere (the policy does not stop those)
    // must show in the log, or the log proves nothing.
    page.js("location.href = 'http://127.0.0.2:9/elsewhere'; return true;")
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    page.close().await;

    let text = std::fs::read_to_string(&log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
    let requests = requests_in(&text);
    let control = "http://127.0.0.2:9/elsewhere";
    assert!(
        requests.iter().any(|(from, url)| *from == site && url == control),
        "the control is not in the log ({} requests)",
        requests.len()
    );
    assert!(
        requests.iter().filter(|(from, url)| *from == site && origin(url) == site).count() > 20,
        "the site's own requests are missing: {requests:?}"
    );
    // Every request the site starts stays on the site, and nothing else
    // starts any but the browser itself.
    let elsewhere: Vec<&(String, String)> = requests
        .iter()
        .filter(|(from, url)| {
            let own = *from == site && (origin(url) == site || url == control);
            !own && from != "not an origin"
        })
        .collect();
    assert_eq!(elsewhere, Vec::<&(String, String)>::new(), "requests to other origins");
    let _ = std::fs::remove_file(&log);
}
