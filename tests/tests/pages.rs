//! The site built for a sub-path and served like GitHub Pages: no custom
//! headers, deep links answered by 404.html. The service worker must make
//! it cross-origin isolated; where service workers cannot run, the page
//! must fall back to the single-threaded build and say why.

use std::time::Duration;

use e2e::{Browser, Site};
use serde_json::json;

const PANEL: &str =
    "const p = document.querySelector('[data-testid=\"capabilities\"]'); return p ? p.dataset";

#[tokio::test]
async fn pages_become_isolated_through_the_service_worker_and_run_threaded() {
    let site = Site::pages();
    let browser = Browser::start().await;
    // A deep link: the host answers it with 404.html, which is the app.
    browser
        .navigate(&site.url("/perflab/exercises/duplicates?sizes=2000&budget_ms=300"))
        .await;
    // The first load registers the service worker and reloads once.
    browser
        .wait_until(
            &format!("{PANEL}.isolated : null"),
            json!("true"),
            Duration::from_secs(60),
        )
        .await;
    browser
        .wait_until(
            &format!("{PANEL}.build : null"),
            json!("threaded"),
            Duration::from_secs(60),
        )
        .await;
    assert!(
        browser
            .client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/perflab/exercises/duplicates")
    );
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    let pool: u32 = browser
        .testid("capabilities")
        .await
        .attr("data-pool-threads")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    assert!(pool > 1);
    assert_eq!(
        browser.all("result-row").await.len(),
        exercises::find("duplicates").unwrap().variants.len()
    );

    // A second visit is isolated from the start, without a reload.
    browser.navigate(&site.url("/perflab/")).await;
    browser
        .wait_until(
            "return location.pathname",
            json!("/perflab/"),
            Duration::from_secs(30),
        )
        .await;
    browser
        .wait_until(
            "return window.crossOriginIsolated",
            json!(true),
            Duration::from_secs(30),
        )
        .await;
    assert_eq!(
        browser
            .js("return performance.getEntriesByType('navigation').length")
            .await,
        json!(1)
    );
    // Pages answers a deep link with status 404 (and its 404.html); the
    // browser logs that, and nothing else may be logged.
    let errors: Vec<String> = browser
        .console_errors()
        .await
        .into_iter()
        .filter(|e| !(e.contains("/exercises/duplicates") && e.contains("404")))
        .collect();
    assert_eq!(errors, Vec::<String>::new());

    // What the service worker keeps for offline use: the app and the worker.
    let cached: Vec<String> = serde_json::from_value(
        browser
            .client
            .execute_async(
                "const done = arguments[0]; caches.open('perflab-v1').then(c => c.keys()).then(keys => done(keys.map(k => new URL(k.url).pathname)));",
                vec![],
            )
            .await
            .unwrap(),
    )
    .unwrap();
    for wanted in [
        "/perflab/",
        "/perflab/worker/threaded/worker_bg.wasm",
        "/perflab/boot.js",
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
    // build this visit never loaded.
    browser
        .wait_until(
            "return caches.open('perflab-v1').then(c => Promise.all(['worker/single/worker_bg.wasm', 'worker/single/bootstrap.js'].map(f => c.match('/perflab/' + f)))).then(found => found.map(r => r !== undefined && r.ok))",
            json!([true, true]),
            Duration::from_secs(60),
        )
        .await;
    browser.close().await;
}

#[tokio::test]
async fn without_service_workers_the_single_build_runs_and_says_why() {
    let site = Site::pages_without_service_worker();
    let browser = Browser::start().await;
    browser
        .navigate(&site.url("/perflab/exercises/duplicates?sizes=500&budget_ms=300"))
        .await;
    browser
        .wait_until(
            &format!("{PANEL}.build : null"),
            json!("single"),
            Duration::from_secs(60),
        )
        .await;
    let panel = browser.testid("capabilities").await;
    assert_eq!(
        panel.attr("data-isolated").await.unwrap().as_deref(),
        Some("false")
    );
    assert_eq!(
        panel.attr("data-threads").await.unwrap().as_deref(),
        Some("false")
    );
    let reason = browser.testid("build-reason").await.text().await.unwrap();
    assert!(
        reason.contains("single-threaded build") && reason.contains("not cross-origin isolated"),
        "{reason}"
    );
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    assert_eq!(
        browser.all("result-row").await.len(),
        exercises::find("duplicates").unwrap().variants.len()
    );
    let checked = browser
        .testid("checked-parallel")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(checked, "[1, 3, 5]");
    assert_eq!(
        browser
            .js("return performance.getEntriesByType('navigation').length")
            .await,
        json!(1)
    );
    browser.close().await;
}
