//! The built site in headless Chromium, from a server that can be stopped:
//! once visited, the site works with the server gone, from the service
//! worker's cache, a page never visited included; a worker module missing
//! from the cache is an error that says so.

use std::time::Duration;

use e2e::{Browser, Page, Site, variant_names};
use serde_json::json;

/// Whether every file `precache.json` lists is in the service worker's
/// cache (a promise, which WebDriver waits for).
const ALL_CACHED: &str = r#"
    return fetch('precache.json')
        .then(response => response.json())
        .then(files => caches.open('perflab-v1')
            .then(cache => Promise.all(files.map(file => cache.match(file)))))
        .then(found => found.every(response => response !== undefined && response.ok));
"#;

#[tokio::test]
async fn with_the_server_gone_a_reload_runs_exercises_from_the_cache() {
    let page = Page::new(Site::isolated(), Browser::start().await);
    page.open_exercise("duplicates", "sizes=100,1000&budget_ms=300")
        .await;
    page.wait_for_service_worker().await;
    page.browser()
        .wait_until(ALL_CACHED, json!(true), Duration::from_secs(120))
        .await;

    page.site().stop();
    let address = page.site().origin.trim_start_matches("http://").to_string();
    assert!(
        std::net::TcpStream::connect(&address).is_err(),
        "the server still answers at {address}"
    );

    // The page visited, reloaded, and run.
    page.reload().await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    assert_eq!(
        page.result_rows().await.len(),
        2 * variant_names("duplicates").len()
    );
    // Its code came from the cache too.
    page.browser()
        .wait_until(
            "return document.querySelectorAll('code.highlighted').length > 0",
            json!(true),
            Duration::from_secs(30),
        )
        .await;

    // An exercise never opened: the app and both worker builds were
    // fetched ahead, so it runs too.
    page.open_exercise("pi", "points=100000&budget_ms=300").await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    assert_eq!(page.result_rows().await.len(), variant_names("pi").len());

    // A worker module missing from the cache, with no server: the run ends
    // with an error that says so, once, and no worker is started in a loop.
    let module = exercises::worker_module("typed").unwrap();
    page.js(&format!(
        "caches.open('perflab-v1').then(c => c.keys().then(keys => Promise.all(keys \
            .filter(k => new URL(k.url).pathname.startsWith('/worker/') && k.url.includes('/{module}/')) \
            .map(k => c.delete(k)))))"
    ))
    .await;
    page.browser()
        .wait_until(
            &format!("return caches.open('perflab-v1').then(c => c.keys()).then(keys => keys.some(k => k.url.includes('/{module}/')))"),
            json!(false),
            Duration::from_secs(10),
        )
        .await;
    page.open_exercise("typed", "budget_ms=300").await;
    page.run().await;
    page.wait_state("error", Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let status = page.status_text().await;
    assert!(status.contains("did not load") && !status.contains("fresh worker"), "{status}");
    assert_eq!(page.status_state().await, "error");
    page.close().await;
}
