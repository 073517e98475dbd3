//! A native run of an exercise (`native_bench --save`), imported on the
//! exercise page: the page's WebAssembly run is compared with it, variant
//! by variant and size by size, and the comparison says the other run was
//! native code.

use std::time::Duration;

use e2e::Page;
use worker::harness::Bench;
use worker::native::{self, Native};

const QUICK: &str = "sizes=100,1000&budget_ms=300";

#[tokio::test]
async fn a_native_run_imports_and_the_page_compares_its_run_with_it() {
    let record = tokio::task::spawn_blocking(|| {
        let mut clock = Native::new();
        let bench = Bench { resolution_ns: clock.resolution_ns(), pool_threads: 2 };
        native::run("duplicates", QUICK, &mut clock, bench)
    })
    .await
    .expect("the native run ends")
    .expect("a native run");
    assert_eq!(record.measurements.len(), 10, "5 variants at 2 sizes");
    assert!(record.check.as_ref().is_some_and(|check| check.variants.iter().all(|v| v.agrees)));
    let file = std::env::temp_dir().join(format!("perflab-{}-native-duplicates.json", std::process::id()));
    std::fs::write(&file, serde_json::to_string(&record).expect("serializes")).expect("writes");

    let page = Page::isolated().await;
    page.run_to_end("duplicates", QUICK).await;
    page.wait_kept().await;
    page.import_file(&file).await;
    page.browser()
        .wait_until(
            "return [...document.querySelectorAll('[data-testid=compare-difference]')].some(e => e.textContent.includes('native'))",
            serde_json::json!(true),
            Duration::from_secs(30),
        )
        .await;
    let compared = page.compare_rows().await;
    assert_eq!(compared.len(), 10, "{compared:?}");
    for row in &compared {
        let (ratio, low, high) = row.ratio;
        assert!(ratio > 0.0 && low <= ratio && ratio <= high, "{row:?}");
    }
    let build = page
        .js("return [...document.querySelectorAll('[data-testid=compare-difference][data-field=build]')].map(e => e.textContent)")
        .await;
    assert!(build.to_string().contains("native"), "{build}");
    std::fs::remove_file(file).ok();
    page.close().await;
}
