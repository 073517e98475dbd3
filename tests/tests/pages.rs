//! The site built for a sub-path and served like GitHub Pages: no custom
//! headers, deep links answered by 404.html. The service worker must make
//! it cross-origin isolated; where service workers cannot run, the page
//! must fall back to the single-threaded build and say why.

use std::time::Duration;

use e2e::{Browser, Page, Site, variant_names};
use serde_json::json;

const PANEL: &str =
    "const p = document.querySelector('[data-testid=\"capabilities\"]'); return p ? p.dataset";

/// Waits (up to 60 s) until the status panel's `data-<key>` is `value`,
/// tolerating the reloads of the service worker's first visit.
async fn wait_for_panel(page: &Page, key: &str, value: &str) {
    page.browser()
        .wait_until(
            &format!("{PANEL}.{key} : null"),
            json!(value),
            Duration::from_secs(60),
        )
        .await;
}

/// How many navigations the page has had (1: no reload).
async fn navigations(page: &Page) -> serde_json::Value {
    page.js("return performance.getEntriesByType('navigation').length")
        .await
}

#[tokio::test]
async fn pages_become_isolated_through_the_service_worker_and_run_threaded() {
    let page = Page::new(Site::pages(), Browser::start().await);
    // A deep link: the host answers it with 404.html, which is the app.
    page.navigate("/perflab/exercises/duplicates?sizes=2000&budget_ms=300")
        .await;
    // The first load registers the service worker and reloads once.
    wait_for_panel(&page, "isolated", "true").await;
    wait_for_panel(&page, "build", "threaded").await;
    let url = page.current_url().await;
    assert!(
        url.path().ends_with("/perflab/exercises/duplicates"),
        "{url}"
    );
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    let panel = page.capabilities().await;
    assert!(
        panel.pool_threads.is_some_and(|threads| threads > 1),
        "{panel:?}"
    );
    assert_eq!(
        page.result_rows().await.len(),
        variant_names("duplicates").len()
    );

    // A second visit is isolated from the start, without a reload.
    page.navigate("/perflab/").await;
    page.browser()
        .wait_until(
            "return location.pathname",
            json!("/perflab/"),
            Duration::from_secs(30),
        )
        .await;
    page.browser()
        .wait_until(
            "return window.crossOriginIsolated",
            json!(true),
            Duration::from_secs(30),
        )
        .await;
    assert_eq!(navigations(&page).await, json!(1));
    // Pages answers a deep link with status 404 (and its 404.html); the
    // browser logs that, and nothing else may be logged.
    let errors: Vec<String> = page
        .console_errors()
        .await
        .into_iter()
        .filter(|e| !(e.contains("/exercises/duplicates") && e.contains("404")))
        .collect();
    assert_eq!(errors, Vec::<String>::new());

    // What the service worker keeps for offline use: the app and the worker.
    let cached = page
        .browser()
        .client
        .execute_async(
            "const done = arguments[0]; caches.open('perflab-v1').then(c => c.keys()).then(keys => done(keys.map(k => new URL(k.url).pathname)));",
            vec![],
        )
        .await
        .unwrap_or_else(|error| panic!("the cache's keys: {error}"));
    let cached: Vec<String> = serde_json::from_value(cached.clone())
        .unwrap_or_else(|error| panic!("the cache's keys: {error}: {cached}"));
    for wanted in [
        "/perflab/",
        "/perflab/worker/threaded/algorithms/worker_bg.wasm",
        "/perflab/boot.js",
        "/perflab/code/duplicates.json",
    ] {
        assert!(
            cached.iter().any(|path| path == wanted),
            "{wanted} not cached: {cached:?}"
        );
    }
    assert!(
        cached
            .iter()
            .any(|path| path.starts_with("/perflab/app-") && path.ends_with("_bg.wasm")),
        "{cached:?}"
    );
    // The whole site was fetched ahead for offline use, including the
    // build and the module this visit never loaded.
    page.browser()
        .wait_until(
            "return caches.open('perflab-v1').then(c => Promise.all(['worker/single/arrays/worker_bg.wasm', 'worker/single/arrays/bootstrap.js'].map(f => c.match('/perflab/' + f)))).then(found => found.map(r => r !== undefined && r.ok))",
            json!([true, true]),
            Duration::from_secs(60),
        )
        .await;

    // The footer links the API documentation, built with the site.
    page.browser()
        .js("document.querySelector('[data-testid=\"docs-kernels\"]').click(); return true;")
        .await;
    page.browser()
        .wait_until(
            "return [location.pathname, document.title.startsWith('kernels')]",
            json!(["/perflab/doc/kernels/index.html", true]),
            Duration::from_secs(30),
        )
        .await;
    page.close().await;
}

#[tokio::test]
async fn without_service_workers_the_single_build_runs_and_says_why() {
    let page = Page::new(Site::pages_without_service_worker(), Browser::start().await);
    page.navigate("/perflab/exercises/duplicates?sizes=500&budget_ms=300")
        .await;
    wait_for_panel(&page, "build", "single").await;
    let panel = page.capabilities().await;
    assert_eq!(panel.isolated, Some(false));
    assert_eq!(panel.threads, Some(false));
    let reason = page.text("build-reason").await;
    assert!(
        reason.contains("single-threaded build") && reason.contains("not cross-origin isolated"),
        "{reason}"
    );
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    assert_eq!(
        page.result_rows().await.len(),
        variant_names("duplicates").len()
    );
    assert_eq!(page.checked("parallel").await, "[1, 3, 5]");
    assert_eq!(navigations(&page).await, json!(1));

    // Without threads rayon runs its scopes on the worker's own thread:
    // the framework's pool jobs still run, and agree.
    page.navigate("/perflab/exercises/framework?images=6&size=32&budget_ms=100")
        .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    assert_eq!(page.agreeing_variants().await, 5);
    assert_eq!(page.result_rows().await.len(), 5);
    page.close().await;
}
