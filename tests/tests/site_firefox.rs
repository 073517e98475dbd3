//! The built site in headless Firefox ESR (geckodriver): the registry's
//! smoke test with the threaded build (served with COOP/COEP, so
//! SharedArrayBuffer and the pool) and with the single build (served
//! without them and without the service worker that would add them). Firefox ESR has no WebGPU: the GPU variants say so and
//! the rest runs.

use e2e::{Browser, Page, Site};

/// The status panel's build and pool, once the worker is ready.
async fn build_of(page: &Page) -> (String, u64) {
    page.wait_for_worker().await;
    let panel = page
        .js("const d = document.querySelector('[data-testid=capabilities]').dataset; return [d.build, Number(d.poolThreads)];")
        .await;
    (
        panel[0].as_str().unwrap_or_default().to_string(),
        panel[1].as_u64().unwrap_or_default(),
    )
}

#[tokio::test]
async fn firefox_runs_every_exercise_with_the_threaded_build() {
    let page = Page::new(Site::isolated(), Browser::firefox().await);
    page.open_exercise("duplicates", "").await;
    let (build, threads) = build_of(&page).await;
    assert_eq!(build, "threaded");
    assert!(threads >= 1, "{threads}");
    page.run_every_exercise_from_the_home_page().await;
    page.close().await;
}

#[tokio::test]
async fn firefox_runs_every_exercise_with_the_single_build() {
    let page = Page::new(Site::not_isolated(), Browser::firefox().await);
    page.open_exercise("duplicates", "").await;
    let (build, _) = build_of(&page).await;
    assert_eq!(build, "single");
    page.run_every_exercise_from_the_home_page().await;
    page.close().await;
}
