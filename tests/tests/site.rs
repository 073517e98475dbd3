//! The built site in headless Chromium, served with the isolation headers
//! like the dev server: the path a learner takes, click by click.

use std::time::Duration;

use e2e::{Browser, Site, attr, number};
use exercises::{EXERCISES, find};

/// The names of the `duplicates` variants, from the registry.
fn duplicates_variants() -> Vec<&'static str> {
    find("duplicates")
        .unwrap()
        .variants
        .iter()
        .map(|v| v.name)
        .collect()
}

/// Pixels of the plot canvas that are not near-white.
const INKED_PIXELS: &str = r#"
    const canvas = document.querySelector('[data-testid="plot"]');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
        if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) inked++;
    }
    return inked;
"#;

async fn result_rows(browser: &Browser) -> Vec<(String, u64, f64)> {
    let mut rows = Vec::new();
    for row in browser.all("result-row").await {
        rows.push((
            attr(&row, "data-variant").await,
            number(&row, "data-size").await,
            number(&row, "data-ns-per-call").await,
        ));
    }
    rows
}

/// The smoke test over the registry: every exercise is linked from the home
/// page, runs with its default parameters, checks, times and plots.
#[tokio::test]
async fn every_exercise_runs_from_the_home_page() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    for exercise in EXERCISES {
        browser.open(&site.url("/")).await;
        browser
            .testid(&format!("exercise-link-{}", exercise.id))
            .await
            .click()
            .await
            .unwrap();
        browser.testid("run").await;
        assert!(
            browser
                .client
                .current_url()
                .await
                .unwrap()
                .path()
                .ends_with(&format!("/exercises/{}", exercise.id))
        );
        browser.set_param("budget_ms", "300").await;
        browser.testid("run").await.click().await.unwrap();
        browser
            .wait_for_state(&["done"], Duration::from_secs(300))
            .await;
        for variant in exercise.variants {
            let checked = browser
                .testid(&format!("checked-{}", variant.name))
                .await
                .text()
                .await
                .unwrap();
            assert!(
                !checked.is_empty(),
                "{}/{}: no checked result",
                exercise.id,
                variant.name
            );
        }
        let rows = result_rows(&browser).await;
        let skipped = browser.all("skip-note").await.len();
        let sizes = exercise
            .params
            .iter()
            .find(|p| p.name == exercise.size_param)
            .unwrap()
            .default
            .split(',')
            .count();
        assert_eq!(
            rows.len() + skipped,
            exercise.variants.len() * sizes,
            "{}: {rows:?}",
            exercise.id
        );
        assert!(
            rows.iter().all(|(_, _, ns)| *ns > 0.0),
            "{}: {rows:?}",
            exercise.id
        );
        assert!(
            browser.js(INKED_PIXELS).await.as_u64().unwrap() > 2000,
            "{}: the plot is blank",
            exercise.id
        );
    }
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

#[tokio::test]
async fn duplicates_checks_times_and_keeps_its_parameters_in_the_url() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    // The path a learner takes: the home page's link.
    browser.open(&site.url("/")).await;
    browser
        .testid("exercise-link-duplicates")
        .await
        .click()
        .await
        .unwrap();
    browser.set_param("sizes", "100,1000").await;
    browser.set_param("budget_ms", "500").await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;

    let variants = duplicates_variants();
    for variant in &variants {
        let checked = browser
            .testid(&format!("checked-{variant}"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(checked, "[1, 3, 5]", "{variant}");
    }
    let rows = result_rows(&browser).await;
    assert_eq!(rows.len(), 2 * variants.len(), "{rows:?}");
    for variant in variants {
        for size in [100, 1000] {
            assert!(
                rows.iter()
                    .any(|(v, s, ns)| v == variant && *s == size && *ns > 0.0),
                "{variant} at {size}: {rows:?}"
            );
        }
    }
    assert!(
        browser.js(INKED_PIXELS).await.as_u64().unwrap() > 2000,
        "the plot is blank"
    );
    let url = browser.client.current_url().await.unwrap();
    assert!(
        url.query().unwrap_or_default().contains("sizes=100,1000"),
        "{url}"
    );

    // A reload restores the parameters from the URL.
    browser.client.refresh().await.unwrap();
    let sizes = browser
        .testid("param-sizes")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(sizes.as_deref(), Some("100,1000"));
    assert_eq!(browser.state().await, "idle");
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

#[tokio::test]
async fn a_long_run_can_be_cancelled_and_a_new_run_works() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    // The naive variant at n = 50 000 takes seconds per call, 20 samples.
    browser
        .open(&site.url("/exercises/duplicates?sizes=50000&budget_ms=120000"))
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["running"], Duration::from_secs(10))
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        browser.state().await,
        "running",
        "the run should still be going"
    );
    browser.testid("cancel").await.click().await.unwrap();
    // Cancelling is immediate: the worker is terminated, not asked.
    browser
        .wait_for_state(&["cancelled"], Duration::from_secs(2))
        .await;

    browser.set_param("sizes", "200").await;
    browser.set_param("budget_ms", "300").await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(60))
        .await;
    assert_eq!(
        result_rows(&browser).await.len(),
        duplicates_variants().len()
    );
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

#[tokio::test]
async fn bad_parameters_in_the_url_get_inline_errors_and_nothing_runs() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    browser
        .open(
            &site.url(
                "/exercises/duplicates?sizes=100,abc&seed=-1&budget_ms=99999999999999999999999",
            ),
        )
        .await;
    let sizes = browser
        .testid("param-error-sizes")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        sizes.starts_with("sizes: ") && sizes.contains("\"abc\" is not a whole number"),
        "{sizes}"
    );
    assert!(
        sizes.contains("from 1 to 10000000"),
        "names the allowed range: {sizes}"
    );
    let seed = browser
        .testid("param-error-seed")
        .await
        .text()
        .await
        .unwrap();
    assert!(seed.contains("-1 is negative"), "{seed}");
    let budget = browser
        .testid("param-error-budget_ms")
        .await
        .text()
        .await
        .unwrap();
    assert!(budget.contains("is too large"), "{budget}");
    assert_eq!(
        browser
            .testid("run")
            .await
            .attr("disabled")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );

    // Fixing a field clears its message; the others stay.
    browser.set_param("sizes", "100").await;
    assert!(browser.all("param-error-sizes").await.is_empty());
    assert_eq!(browser.all("param-error-seed").await.len(), 1);
    assert_eq!(browser.state().await, "idle");
    assert!(browser.all("result-row").await.is_empty());
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

#[tokio::test]
async fn the_engine_reports_intervals_a_verdict_fits_and_the_environment() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    // Thorough: the quick mode caps the budget, and a loaded machine could
    // then skip naive at n = 10000.
    browser
        .open(&site.url("/exercises/duplicates?sizes=1000,10000&budget_ms=3000&mode=thorough"))
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;

    for row in browser.all("result-row").await {
        let low: f64 = number(&row, "data-ci-low-ns").await;
        let point: f64 = number(&row, "data-ns-per-call").await;
        let high: f64 = number(&row, "data-ci-high-ns").await;
        assert!(
            0.0 < low && low <= point && point <= high,
            "{low} {point} {high}"
        );
    }
    let speedups = browser.all("speedup").await;
    assert_eq!(
        speedups.len(),
        2 * duplicates_variants().len(),
        "every variant at both sizes, naive against itself included"
    );
    let verdict = browser.testid("verdict").await;
    assert_eq!(
        attr(&verdict, "data-pass").await,
        "true",
        "hash_set is far more than 50× faster at n = 10000"
    );
    let naive_fit = browser
        .wait_for("[data-testid=\"fit\"][data-variant=\"naive\"]")
        .await;
    assert_eq!(attr(&naive_fit, "data-class").await, "n^2");

    let panel = browser.testid("capabilities").await;
    assert_eq!(attr(&panel, "data-isolated").await, "true");
    assert_eq!(
        attr(&panel, "data-build").await,
        "threaded",
        "isolated pages run the threaded build"
    );
    assert!(
        number::<u32>(&panel, "data-pool-threads").await > 1,
        "the machine has 2 cores"
    );
    let resolution: f64 = number(&panel, "data-timer-resolution-us").await;
    assert!(
        resolution > 0.0 && resolution <= 20.0,
        "isolated timers are fine: {resolution} µs"
    );
    assert!(number::<u32>(&panel, "data-cores").await >= 1);
    assert_eq!(attr(&panel, "data-simd").await, "true");
    assert_eq!(attr(&panel, "data-nested-workers").await, "true");
    assert_eq!(attr(&panel, "data-threads").await, "true");
    assert!(["none", "software", "hardware"].contains(&attr(&panel, "data-webgpu").await.as_str()));

    // The environment is stored with the results.
    let json = browser
        .testid("results-json")
        .await
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    let results: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(results["exercise"], "duplicates");
    assert_eq!(results["environment"]["worker"]["build"], "threaded");
    assert!(
        results["environment"]["worker"]["version"]
            .as_str()
            .is_some_and(|v| !v.is_empty())
    );
    assert_eq!(results["environment"]["browser"]["isolated"], true);
    assert_eq!(
        results["measurements"].as_array().map(Vec::len),
        Some(2 * duplicates_variants().len())
    );
    assert_eq!(
        results["rows"].as_array().map(Vec::len),
        Some(2 * duplicates_variants().len())
    );
    assert!(browser.js(INKED_PIXELS).await.as_u64().unwrap() > 2000);
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

#[tokio::test]
async fn an_isolated_site_runs_the_threaded_build_and_a_thread_sweep() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    browser
        .open(&site.url("/exercises/duplicates?sizes=20000&threads=2&budget_ms=500"))
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    let panel = browser.testid("capabilities").await;
    assert_eq!(attr(&panel, "data-isolated").await, "true");
    assert_eq!(attr(&panel, "data-build").await, "threaded");
    assert_eq!(attr(&panel, "data-pool-threads").await, "2");

    // The parallel variant's results equal the naive ones, on every case.
    let card = |variant: &str| format!("[data-testid=\"variant-{variant}\"] .check");
    let naive = browser.wait_for(&card("naive")).await.text().await.unwrap();
    let parallel = browser
        .wait_for(&card("parallel"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(parallel, naive);
    assert!(parallel.contains("agrees with naive"), "{parallel}");

    let points = browser.all("thread-point").await;
    assert_eq!(points.len(), 2, "one point per pool thread");
    let serial: f64 = number(&browser.testid("amdahl").await, "data-serial-fraction").await;
    assert!((0.0..=1.0).contains(&serial), "{serial}");
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

#[tokio::test]
async fn caching_reports_cache_counters_and_the_ttl_timeline() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    browser
        .open(&site.url("/exercises/caching?n=20,25,40&budget_ms=300&ttl_ms=5000"))
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    // Every n of the run is checked; the naive recursion only where it is cheap.
    let fib = |n: u32| (0..n).fold((0u64, 1u64), |(a, b), _| (b, a + b)).0;
    let naive = browser.testid("checked-naive").await.text().await.unwrap();
    assert!(
        naive.starts_with(&format!(
            "fib(20)={}; fib(25)={}; fib(40) not run",
            fib(20),
            fib(25)
        )),
        "{naive}"
    );
    let memoized = browser
        .testid("checked-memoized")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        memoized.starts_with(&format!(
            "fib(20)={} (18 hits, 21 misses, 0 evictions, 21 entries at most)",
            fib(20)
        )),
        "{memoized}"
    );
    assert!(
        memoized.contains(&format!("fib(40)={}", fib(40))),
        "{memoized}"
    );
    let iterative = browser
        .testid("variant-iterative")
        .await
        .text()
        .await
        .unwrap();
    assert!(iterative.contains("agrees with naive"), "{iterative}");
    // The cache's memory is counted: the unbounded memo keeps n + 1 entries.
    let row = browser
        .wait_for("[data-testid=result-row][data-variant=memoized][data-size=\"40\"]")
        .await;
    let peak: u64 = number(&row, "data-peak-bytes").await;
    let naive_row = browser
        .wait_for("[data-testid=result-row][data-variant=naive][data-size=\"20\"]")
        .await;
    assert_eq!(
        number::<u64>(&naive_row, "data-allocations").await,
        0,
        "the recursion allocates nothing"
    );
    assert!(peak >= 41 * 12, "41 keys and values at least: {peak} bytes");
    assert!(
        browser
            .testid("memory-note")
            .await
            .text()
            .await
            .unwrap()
            .contains("never shrinks")
    );
    let timeline = browser.testid("timeline").await;
    let hits: u32 = number(&timeline, "data-hits").await;
    let misses: u32 = number(&timeline, "data-misses").await;
    let expired: u32 = number(&timeline, "data-expired").await;
    assert_eq!(
        hits + misses + expired,
        30 + 10,
        "prices every second and rates every third for 30 s"
    );
    assert_eq!(misses, 2, "each key is computed from scratch once");
    assert!(
        expired >= 4 && hits > expired,
        "{hits} hits, {expired} expired"
    );
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

#[tokio::test]
async fn vectorize_shows_the_precision_table_and_strings_count_allocations() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    browser
        .open(
            &site.url("/exercises/vectorize?rows=500,2000&cols=10&budget_ms=300&offset=1000000000"),
        )
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(180))
        .await;
    let naive = browser.testid("checked-naive").await.text().await.unwrap();
    assert!(
        naive.starts_with("col_means[0]=0.") && naive.contains(" col_stds[0]=0.2"),
        "{naive}"
    );
    for variant in ["flat", "simd", "parallel", "welford"] {
        assert_eq!(
            browser
                .testid(&format!("checked-{variant}"))
                .await
                .text()
                .await
                .unwrap(),
            naive,
            "{variant}"
        );
    }
    let last_row = table_cells(&browser, "precision").await.pop().unwrap();
    let table = browser.testid("demo-table").await;
    assert!(table.text().await.unwrap().contains("welford"));
    assert_eq!(last_row[0], "1e9");
    assert_ne!(
        last_row[1], last_row[3],
        "the seed's formula is off at 1e9: {last_row:?}"
    );
    assert_eq!(
        last_row[2][..6],
        last_row[3][..6],
        "Welford matches two passes: {last_row:?}"
    );

    browser
        .open(&site.url("/exercises/strings?cases=50x10,200x20&budget_ms=300"))
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(180))
        .await;
    for variant in ["naive", "push_str", "with_capacity", "concat", "builder"] {
        assert_eq!(
            browser
                .testid(&format!("checked-{variant}"))
                .await
                .text()
                .await
                .unwrap(),
            "len=500",
            "{variant}"
        );
    }
    let allocations = |variant: &'static str| {
        let browser = &browser;
        async move {
            let row = browser
                .wait_for(&format!(
                    "[data-testid=result-row][data-variant={variant}][data-size=\"4000\"]"
                ))
                .await;
            number::<u64>(&row, "data-allocations").await
        }
    };
    assert_eq!(allocations("naive").await, 200, "one new string per append");
    assert_eq!(allocations("concat").await, 1, "one exact allocation");
    assert_eq!(allocations("with_capacity").await, 1);
    assert!(
        (2..=12).contains(&allocations("push_str").await),
        "doubling"
    );
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

/// The cells of a demonstration table, row by row.
async fn table_cells(browser: &Browser, id: &str) -> Vec<Vec<String>> {
    browser
        .wait_for(&format!("[data-testid=demo-table][data-table={id}]"))
        .await;
    let script = format!(
        "return [...document.querySelectorAll('[data-table={id}] tbody tr')].map(tr => [...tr.children].map(td => td.textContent))"
    );
    serde_json::from_value(browser.js(&script).await).unwrap()
}

#[tokio::test]
async fn profiling_names_its_bottleneck_and_zerocopy_shows_a_view_outlived() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    browser
        .open(&site.url("/exercises/profiling?values=100,200&wait_ms=80&budget_ms=300"))
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    let naive = browser.testid("checked-naive").await.text().await.unwrap();
    assert!(naive.starts_with("total=") && naive.len() > 8, "{naive}");
    for variant in ["memoized", "closed_form", "optimized"] {
        assert_eq!(
            browser
                .testid(&format!("checked-{variant}"))
                .await
                .text()
                .await
                .unwrap(),
            naive,
            "{variant}"
        );
    }
    // The pstats table: by cumulative time, main first, the top 5 highlighted.
    let profile = table_cells(&browser, "profile-naive").await;
    assert_eq!(profile[0][5], "main");
    let calls = |name: &str| {
        profile
            .iter()
            .find(|row| row[5] == name)
            .map(|row| row[0].clone())
    };
    assert_eq!(calls("slow_calculation").as_deref(), Some("400"));
    assert_eq!(calls("random.randint").as_deref(), Some("300"));
    let highlighted = browser
        .js("return document.querySelectorAll('[data-table=profile-naive] tr.highlighted').length")
        .await;
    assert_eq!(highlighted.as_u64(), Some(5));
    // Real waits: two of 80 ms.
    let wall = table_cells(&browser, "wall-time").await;
    let waiting: f64 = wall[0][2].parse().unwrap();
    assert!(waiting >= 159.0, "{wall:?}");
    let report = table_cells(&browser, "report").await;
    let overhead = table_cells(&browser, "overhead").await;
    assert!(
        report[0][1].starts_with("slow_calculation:") && report[0][2].contains("closed form"),
        "{report:?} {overhead:?} {profile:?}"
    );
    assert!(
        report
            .iter()
            .any(|row| row[1] == "process_data: 3 calls, 2 distinct inputs"),
        "{report:?}"
    );
    assert!(table_cells(&browser, "overhead").await[0][2].ends_with('%'));
    let flames = browser.all("flame").await;
    assert_eq!(
        flames.len(),
        3,
        "the seed's main(), its compute, the optimized compute"
    );
    assert!(
        number::<u32>(&flames[0], "data-spans").await >= 5,
        "main, randint, process_data, slow_calculation, sleep"
    );

    browser
        .open(&site.url("/exercises/zerocopy?n=1000,20000&budget_ms=300"))
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    let naive = browser.testid("checked-naive").await.text().await.unwrap();
    assert!(naive.starts_with("sum="), "{naive}");
    for variant in ["copy", "view", "shared"] {
        assert_eq!(
            browser
                .testid(&format!("checked-{variant}"))
                .await
                .text()
                .await
                .unwrap(),
            naive,
            "{variant}"
        );
    }
    // The isolated page runs the threaded build: its memory is a
    // SharedArrayBuffer, which growth replaces but cannot detach.
    let growth = table_cells(&browser, "view-growth").await;
    assert_eq!(
        (growth[0][1].as_str(), growth[0][3].as_str()),
        ("1000", "yes"),
        "{growth:?}"
    );
    assert_eq!(
        (growth[1][1].as_str(), growth[1][3].as_str()),
        ("1000", "no"),
        "{growth:?}"
    );
    assert_eq!(result_rows(&browser).await.len(), 2 * 4);
    // Bytes per call are declared, so throughput is plotted against size.
    let inked = browser
        .js(&INKED_PIXELS.replace(r#"[data-testid="plot"]"#, r#"[data-plot="throughput"]"#))
        .await;
    assert!(
        inked.as_u64().unwrap() > 2000,
        "the throughput plot is blank"
    );
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

/// Distinct colours among the pixels of the image canvas.
const IMAGE_COLOURS: &str = r#"
    const canvas = document.querySelector('[data-testid="image"]');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) colours.add(data[i] << 16 | data[i + 1] << 8 | data[i + 2]);
    return colours.size;
"#;

#[tokio::test]
async fn the_numba_exercises_check_measure_and_draw_the_mandelbrot_set() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    // The three exercises of seed exercise 7 are listed under it, together.
    browser.open(&site.url("/")).await;
    let grouped = browser
        .js("return [...document.querySelectorAll('[data-testid=seed-group]')].filter(g => g.querySelector('h2').textContent.includes('exercise 7')).map(g => [...g.querySelectorAll('a')].map(a => a.dataset.testid))")
        .await;
    assert_eq!(
        grouped,
        serde_json::json!([[
            "exercise-link-matmul",
            "exercise-link-pi",
            "exercise-link-mandelbrot"
        ]])
    );

    // matmul: the hand-written variants equal naive bit for bit; the
    // reference crate agrees within rounding; GFLOP/s are plotted.
    browser
        .open(&site.url("/exercises/matmul?n=64,96&budget_ms=300"))
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    let naive = browser.testid("checked-naive").await.text().await.unwrap();
    assert!(naive.starts_with("sum=") && !naive.contains('Δ'), "{naive}");
    for variant in ["ikj", "blocked", "simd", "parallel"] {
        assert_eq!(
            browser
                .testid(&format!("checked-{variant}"))
                .await
                .text()
                .await
                .unwrap(),
            naive,
            "{variant}"
        );
    }
    let agreeing = browser
        .js("return document.querySelectorAll('.variant .agrees').length")
        .await;
    assert_eq!(agreeing.as_u64(), Some(6));
    assert!(
        browser
            .js("return document.querySelector('[data-plot=throughput]') !== null")
            .await
            .as_bool()
            .unwrap()
    );
    assert_eq!(result_rows(&browser).await.len(), 12);
    // No WebGPU in this browser: the GPU variants say why, the rest ran.
    for variant in ["gpu_naive", "gpu_tiled"] {
        let reason = browser
            .testid(&format!("unavailable-{variant}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(reason.contains("WebGPU"), "{variant}: {reason}");
    }
    // The start-up table: the module's load time, and a cold and warm call per variant.
    let startup = table_cells(&browser, "startup").await;
    assert_eq!(startup.len(), 1 + 6, "{startup:?}");
    let load_ms: f64 = startup[0][1].split(' ').next().unwrap().parse().unwrap();
    assert!(load_ms > 0.0, "{startup:?}");

    // pi: every estimate within 4 standard errors; the error table.
    browser
        .open(&site.url("/exercises/pi?points=100000,200000&budget_ms=300"))
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    let bound = 4.0 * standard_error(100_000);
    for variant in ["naive", "in_wasm", "batched", "parallel"] {
        let text = browser
            .testid(&format!("checked-{variant}"))
            .await
            .text()
            .await
            .unwrap();
        let estimate: f64 = text.strip_prefix("pi=").unwrap().parse().unwrap();
        assert!(
            (estimate - std::f64::consts::PI).abs() <= bound,
            "{variant}: {text}"
        );
    }
    let errors = table_cells(&browser, "error").await;
    assert_eq!(
        errors.iter().map(|row| row[0].as_str()).collect::<Vec<_>>(),
        ["1000", "10000", "100000"]
    );

    // mandelbrot: every variant draws the same image, and the page shows it.
    browser
        .open(&site.url("/exercises/mandelbrot?width=64,96&height=48&budget_ms=300"))
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    let naive = browser.testid("checked-naive").await.text().await.unwrap();
    assert!(
        naive.starts_with("sum=") && naive.contains(" zeros="),
        "{naive}"
    );
    for variant in ["squared", "simd", "parallel"] {
        assert_eq!(
            browser
                .testid(&format!("checked-{variant}"))
                .await
                .text()
                .await
                .unwrap(),
            naive,
            "{variant}"
        );
    }
    let image = browser.testid("image").await;
    assert_eq!(
        (attr(&image, "width").await, attr(&image, "height").await),
        ("96".to_string(), "48".to_string())
    );
    let colours = browser.js(IMAGE_COLOURS).await.as_u64().unwrap();
    assert!(colours > 8, "{colours} colours: the image is blank or flat");
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

/// The standard error of a π estimate from `points` points.
fn standard_error(points: u64) -> f64 {
    let p = std::f64::consts::FRAC_PI_4;
    4.0 * (p * (1.0 - p) / points as f64).sqrt()
}

#[tokio::test]
async fn with_webgpu_the_gpu_variants_are_checked_against_the_cpu_and_timed() {
    let site = Site::isolated();
    let browser = Browser::start_with_webgpu().await;
    let cases = [
        ("matmul", "n=32,64", &["gpu_naive", "gpu_tiled"][..], "sum="),
        ("pi", "points=100000,200000", &["gpu"][..], "pi="),
        ("mandelbrot", "width=64,96&height=48", &["gpu"][..], "sum="),
    ];
    for (id, query, variants, prefix) in cases {
        browser
            .open(&site.url(&format!("/exercises/{id}?{query}&budget_ms=300")))
            .await;
        browser.testid("run").await.click().await.unwrap();
        browser
            .wait_for_state(&["done"], Duration::from_secs(180))
            .await;
        assert_eq!(
            browser.all("unavailable-gpu").await.len()
                + browser.all("unavailable-gpu_naive").await.len(),
            0,
            "{id}"
        );
        let rows = result_rows(&browser).await;
        for variant in variants {
            let text = browser
                .testid(&format!("checked-{variant}"))
                .await
                .text()
                .await
                .unwrap();
            assert!(text.starts_with(prefix), "{id}/{variant}: {text}");
            let verdict = browser
                .js(&format!("return document.querySelector('[data-testid=variant-{variant}] .agrees')?.textContent ?? ''"))
                .await;
            assert_eq!(
                verdict.as_str(),
                Some("within tolerance of the CPU result"),
                "{id}/{variant}: {text}"
            );
            let timed: Vec<_> = rows.iter().filter(|(name, _, _)| name == variant).collect();
            assert_eq!(timed.len(), 2, "{id}/{variant}: {rows:?}");
            assert!(
                timed.iter().all(|(_, _, ns)| *ns > 0.0),
                "{id}/{variant}: {rows:?}"
            );
        }
        let timing = table_cells(&browser, "gpu-timing").await;
        assert_eq!(timing.len(), 2 * variants.len(), "{id}: {timing:?}");
        let caption = browser.js("return document.querySelector('[data-table=gpu-timing]').parentElement.querySelector('p').textContent").await;
        assert!(
            caption
                .as_str()
                .unwrap()
                .contains("software: slower than your CPU"),
            "{caption}"
        );
    }
    let mandelbrot_gpu = browser.testid("checked-gpu").await.text().await.unwrap();
    assert!(
        mandelbrot_gpu.contains("differ from f64"),
        "{mandelbrot_gpu}"
    );
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

#[tokio::test]
async fn memory_plots_live_bytes_per_step_and_the_fixes_stay_small() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    browser
        .open(&site.url("/exercises/memory?iterations=5,30&chunk=2000&budget_ms=300"))
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    // Same sums; what each variant keeps is shown beside them.
    let naive = browser.testid("checked-naive").await.text().await.unwrap();
    assert!(
        naive.starts_with("sum=9995000 (keeps 10000 numbers, 5 cache entries"),
        "{naive}"
    );
    let sum = |text: &str| text.split(' ').next().unwrap().to_string();
    for variant in ["streaming", "bounded", "cleanup", "weak"] {
        assert_eq!(
            sum(&browser
                .testid(&format!("checked-{variant}"))
                .await
                .text()
                .await
                .unwrap()),
            sum(&naive),
            "{variant}"
        );
    }
    // One row per variant, read after 30 steps: the seed's class holds two
    // copies of 30 chunks of 2000 numbers (8 bytes each), streaming none.
    let rows = browser
        .js("return [...document.querySelectorAll('[data-table=memory-steps] tbody tr')].map(tr => tr.dataset.variant)")
        .await;
    assert_eq!(
        rows,
        serde_json::json!(["naive", "streaming", "bounded", "cleanup", "weak"])
    );
    let live_at_end = |variant: &str| {
        format!(
            "return document.querySelector('[data-table=memory-steps] tr[data-variant={variant}] td:nth-child(2)').textContent"
        )
    };
    let naive_end = browser.js(&live_at_end("naive")).await;
    assert!(
        naive_end.as_str().unwrap().ends_with("KiB")
            || naive_end.as_str().unwrap().ends_with("MiB"),
        "{naive_end}"
    );
    assert_eq!(browser.js(&live_at_end("streaming")).await, "0 B");
    let inked = browser
        .js(&INKED_PIXELS.replace(r#"[data-testid="plot"]"#, r#"[data-plot="memory-steps"]"#))
        .await;
    assert!(inked.as_u64().unwrap() > 2000, "the memory plot is blank");
    browser.close().await;
}

/// The first call's peak bytes of `variant` at `size`.
async fn peak_bytes(browser: &Browser, variant: &str, size: u64) -> u64 {
    let row = browser
        .wait_for(&format!(
            "[data-testid=result-row][data-variant={variant}][data-size=\"{size}\"]"
        ))
        .await;
    number(&row, "data-peak-bytes").await
}

#[tokio::test]
async fn streaming_sums_without_a_list_and_streams_a_damaged_csv_in_bounded_memory() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    browser
        .open(&site.url("/exercises/streaming?n=1000,1000000&budget_ms=300"))
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    // The seed's printed sum for range(1000000), from every variant.
    for variant in ["naive", "iterator", "chunked", "parallel"] {
        assert_eq!(
            browser
                .testid(&format!("checked-{variant}"))
                .await
                .text()
                .await
                .unwrap(),
            "333332833333500000",
            "{variant}"
        );
    }
    // The list is 8 bytes per element; the iterator allocates nothing and
    // the chunked one buffer of 4096 squares.
    assert!(peak_bytes(&browser, "naive", 1_000_000).await >= 8_000_000);
    assert_eq!(peak_bytes(&browser, "iterator", 1_000_000).await, 0);
    assert!(peak_bytes(&browser, "chunked", 1_000_000).await <= 64 * 1024);

    browser
        .open(&site.url("/exercises/csv_stream?rows=1000,200000&bad_every=100&budget_ms=2000"))
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    // The damaged sample: rows 1, 6, 8 parse; five rows are damaged and the
    // unclosed quote of row 9 swallows row 10 into one more malformed row.
    let naive = browser.testid("checked-naive").await.text().await.unwrap();
    assert!(naive.starts_with("3 rows, 6 malformed"), "{naive}");
    assert!(naive.contains("books, rare: 1 rows, Σ 4.00"), "{naive}");
    assert!(
        browser
            .testid("variant-streamed")
            .await
            .text()
            .await
            .unwrap()
            .contains("agrees with naive")
    );
    // 200 000 rows are about 6 MB: read whole, the file and its rows are
    // held at once; streamed holds a buffer.
    let whole = peak_bytes(&browser, "naive", 200_000).await;
    let streamed = peak_bytes(&browser, "streamed", 200_000).await;
    assert!(whole > 6_000_000, "{whole}");
    assert!(streamed < 256 * 1024, "{streamed}");
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

#[tokio::test]
async fn pipeline_times_each_stage_and_measures_the_checklist() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    browser.open(&site.url("/exercises/pipeline?rows=2000,20000&categories=7&missing_percent=10&duplicate_percent=10&budget_ms=300")).await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    // The analyses agree within the stated tolerance, over 7 categories
    // and "unknown", the missing ones filled.
    let naive = browser.testid("checked-naive").await.text().await.unwrap();
    assert!(naive.contains("; 8 groups: cat_000 Σ"), "{naive}");
    assert_eq!(
        browser
            .js("return document.querySelectorAll('.variant .agrees').length")
            .await
            .as_u64(),
        Some(3)
    );
    // One row per stage and a total; every time is a positive number.
    let stages = table_cells(&browser, "stages").await;
    let names: Vec<&str> = stages.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(
        names,
        ["load", "clean", "stats", "filter + aggregate", "total"]
    );
    for row in &stages {
        for cell in &row[1..4] {
            assert!(
                cell.trim_end_matches(" ms").parse::<f64>().unwrap() >= 0.0,
                "{row:?}"
            );
        }
    }
    // The checklist has the seed's eight items, each with a measured effect.
    let checklist = table_cells(&browser, "checklist").await;
    assert_eq!(checklist.len(), 8);
    assert!(
        checklist[0][0].starts_with("Replace iterrows()"),
        "{:?}",
        checklist[0]
    );
    assert!(checklist.iter().all(|row| !row[2].is_empty()));
    let spans = browser
        .js("return document.querySelector('[data-testid=flame][data-flame=stages]').dataset.spans")
        .await;
    assert_eq!(spans, "12", "four stages of three variants");
    // The table of columns is smaller than the rows of structs.
    assert!(
        peak_bytes(&browser, "columnar", 20_000).await
            < peak_bytes(&browser, "naive", 20_000).await
    );
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

#[tokio::test]
async fn scraper_fetches_under_a_semaphore_retries_with_backoff_and_keeps_its_books() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    let page = site.url("/exercises/scraper?urls=5,20&limit=10&latency_ms=20&jitter_ms=0&fail_percent=30&retries=4&backoff_ms=10&budget_ms=300");
    browser.open(&page).await;
    // Under the service worker, the requests are real fetches.
    browser
        .wait_until(
            "return navigator.serviceWorker.controller !== null",
            serde_json::json!(true),
            Duration::from_secs(30),
        )
        .await;
    browser.open(&page).await;
    browser.testid("run").await.click().await.unwrap();
    // The progress bar counts settled URLs while the scrapes run.
    let mut labels = Vec::new();
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        let status = browser.js("return [document.querySelector('[data-testid=status]').dataset.state, document.querySelector('[data-testid=status]').textContent]").await;
        if status[0] != "running" {
            break;
        }
        labels.push(status[1].as_str().unwrap().to_string());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    assert!(
        labels.iter().any(|label| label.contains("URLs settled")),
        "{labels:?}"
    );
    // The check: with nothing failing, each strategy fetches each URL once.
    for variant in ["naive", "concurrent", "retrying"] {
        let checked = browser
            .testid(&format!("checked-{variant}"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(
            checked, "5 of 5 fetched, 5 requests, each URL settled once",
            "{variant}"
        );
    }
    // Timed scrapes: naive waits 5 latencies, concurrent about one.
    let rows = result_rows(&browser).await;
    let time = |variant: &str| {
        rows.iter()
            .find(|(v, size, _)| v == variant && *size == 5)
            .map(|r| r.2)
            .unwrap()
    };
    assert!(time("naive") >= 5.0 * 20e6, "{rows:?}");
    assert!(
        time("concurrent") >= 20e6 && time("concurrent") < time("naive") / 2.0,
        "{rows:?}"
    );
    // At a 30% failure rate: the books balance for every strategy, and
    // retrying fetches at least what one try each does.
    let caption = browser.js("return document.querySelector('[data-table=scrape]').parentElement.querySelector('p').textContent").await;
    assert!(
        caption
            .as_str()
            .unwrap()
            .starts_with("Real fetch() calls answered by the site's service worker"),
        "{caption}"
    );
    let scrape = table_cells(&browser, "scrape").await;
    let fetched = |row: &Vec<String>| row[1].parse::<u32>().unwrap();
    for row in &scrape {
        assert_eq!(row[7], "each URL once", "{row:?}");
        let settled: u32 = row[1..4]
            .iter()
            .map(|cell| cell.parse::<u32>().unwrap())
            .sum();
        assert_eq!(settled, 20, "{row:?}");
    }
    assert!(
        fetched(&scrape[2]) >= 18 && fetched(&scrape[2]) >= fetched(&scrape[1]),
        "{scrape:?}"
    );
    assert_eq!(
        scrape[1][4], "20",
        "one request per URL without retries: {scrape:?}"
    );
    // The Gantt charts draw every request.
    let charts = browser.js("return [...document.querySelectorAll('[data-testid=flame]')].map(f => [f.dataset.flame, Number(f.dataset.spans)])").await;
    let requests: Vec<u64> = scrape.iter().map(|row| row[4].parse().unwrap()).collect();
    assert_eq!(
        charts,
        serde_json::json!([
            ["attempts-naive", requests[0]],
            ["attempts-concurrent", requests[1]],
            ["attempts-retrying", requests[2]]
        ])
    );
    // Nothing failing, everything is fetched.
    let sweep = table_cells(&browser, "success-rate").await;
    assert_eq!(sweep[0], ["0%", "100%", "100%", "100%"]);
    assert_eq!(sweep.len(), 5);
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    browser.close().await;
}

#[tokio::test]
async fn csv_stream_reads_a_local_file_the_learner_picks() {
    // 3000 rows: every 100th has a value that is not a number.
    let mut csv = String::from("id,category,value\n");
    for id in 0..3000 {
        let value = if id % 100 == 7 {
            "n/a".to_string()
        } else {
            format!("{}.50", id % 10)
        };
        csv.push_str(&format!("{id},{},{value}\n", ["north", "south"][id % 2]));
    }
    let path = std::env::temp_dir().join(format!("perflab-e2e-{}.csv", std::process::id()));
    std::fs::write(&path, &csv).unwrap();
    let site = Site::isolated();
    let browser = Browser::start().await;
    browser
        .open(&site.url("/exercises/csv_stream?rows=1000,2000&budget_ms=300"))
        .await;
    browser
        .testid("param-file")
        .await
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
    assert!(
        browser
            .testid("local-file")
            .await
            .text()
            .await
            .unwrap()
            .contains(path.file_name().unwrap().to_str().unwrap())
    );
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    let naive = browser.testid("checked-naive").await.text().await.unwrap();
    assert!(naive.starts_with("2970 rows, 30 malformed"), "{naive}");
    assert!(
        browser
            .testid("variant-streamed")
            .await
            .text()
            .await
            .unwrap()
            .contains("agrees with naive")
    );
    // The sweep is the file: one size, its rows.
    let sizes: Vec<u64> = result_rows(&browser)
        .await
        .iter()
        .map(|row| row.1)
        .collect();
    assert_eq!(sizes, [3000, 3000]);
    // Back to generated files.
    browser.testid("clear-file").await.click().await.unwrap();
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    let naive = browser.testid("checked-naive").await.text().await.unwrap();
    assert!(
        naive.starts_with("3 rows, 6 malformed"),
        "the damaged sample again: {naive}"
    );
    std::fs::remove_file(&path).unwrap();
    browser.close().await;
}

#[tokio::test]
async fn running_out_of_memory_stops_the_worker_not_the_page() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    // 10⁷ rows read whole need more than the threaded worker's 1 GiB.
    browser
        .open(&site.url("/exercises/csv_stream?rows=10000000&budget_ms=300"))
        .await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["error"], Duration::from_secs(120))
        .await;
    let status = browser.testid("status").await.text().await.unwrap();
    assert!(
        status.contains("out of memory") && status.contains("a fresh worker was started"),
        "{status}"
    );
    // The page and a fresh worker go on.
    browser.set_param("rows", "1000").await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    assert!(
        browser
            .testid("checked-naive")
            .await
            .text()
            .await
            .unwrap()
            .starts_with("3 rows, 6 malformed")
    );
    browser.close().await;
}

/// The `requests` table's rows as (k, total ms), and its caption.
async fn request_totals(browser: &Browser) -> (Vec<(u64, f64)>, String) {
    let rows = table_cells(browser, "requests").await;
    let totals = rows
        .iter()
        .map(|row| {
            (
                row[0].parse().unwrap(),
                row[1].trim_end_matches(" ms").parse().unwrap(),
            )
        })
        .collect();
    let caption = browser.js("return document.querySelector('[data-table=requests]').parentElement.querySelector('p').textContent").await;
    (totals, caption.as_str().unwrap().to_string())
}

#[tokio::test]
async fn concurrency_overlaps_real_requests_and_splits_cpu_work() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    let page = site.url(
        "/exercises/concurrency?count=1,2&limits=1,10,50&latency_ms=40&jitter_ms=0&budget_ms=300",
    );
    browser.open(&page).await;
    // The first load registers the service worker; once it controls the
    // page, a reload starts the page and its workers under it, and its
    // endpoint answers the requests.
    browser
        .wait_until(
            "return navigator.serviceWorker.controller !== null",
            serde_json::json!(true),
            Duration::from_secs(30),
        )
        .await;
    browser.open(&page).await;
    browser.testid("run").await.click().await.unwrap();
    browser
        .wait_for_state(&["done"], Duration::from_secs(120))
        .await;
    let (totals, caption) = request_totals(&browser).await;
    assert!(
        caption.starts_with("Real fetch() calls answered by the site's service worker"),
        "{caption}"
    );
    // 50 requests of 40 ms: one at a time at least 2 s; 10 at a time about
    // 5 latencies; all at once about one (generous bounds: a loaded machine
    // adds, never subtracts).
    let total = |k: u64| totals.iter().find(|(limit, _)| *limit == k).unwrap().1;
    assert!(total(1) >= 50.0 * 40.0, "{totals:?}");
    assert!(
        total(10) >= 5.0 * 40.0 && total(10) < total(1) / 3.0,
        "{totals:?}"
    );
    assert!(total(50) >= 40.0 && total(50) < total(10), "{totals:?}");
    let bars = browser.js("return [...document.querySelectorAll('[data-testid=flame]')].map(f => [f.dataset.flame, Number(f.dataset.spans)])").await;
    assert_eq!(
        bars,
        serde_json::json!([["requests-1", 50], ["requests-10", 50], ["requests-50", 50]])
    );
    // Part B: the parallel variants agree with the sequential one.
    let naive = browser.testid("checked-naive").await.text().await.unwrap();
    assert!(naive.starts_with('[') && naive.ends_with(']'), "{naive}");
    assert_eq!(
        browser
            .js("return document.querySelectorAll('.variant .agrees').length")
            .await
            .as_u64(),
        Some(3)
    );
    browser.close().await;
}

#[tokio::test]
async fn the_service_worker_endpoint_honours_latency_and_failure_rate() {
    let site = Site::isolated();
    let browser = Browser::start().await;
    browser.open(&site.url("/")).await;
    // Wait until the service worker controls the page.
    browser
        .wait_until(
            "return navigator.serviceWorker.controller !== null",
            serde_json::json!(true),
            Duration::from_secs(30),
        )
        .await;
    let script = r#"
        const [latency, fail, count] = arguments;
        const started = performance.now();
        const replies = await Promise.all([...Array(count).keys()].map(id =>
            fetch(`net/endpoint?latency_ms=${latency}&jitter_ms=0&fail=${fail}&id=${id}`)
                .then(r => [r.status, r.headers.get('x-perflab-endpoint')])));
        return [performance.now() - started, replies.filter(r => r[0] === 503).length, replies.filter(r => r[1] === 'service-worker').length];
    "#;
    let run = |latency: u32, fail: f64, count: u32| {
        let client = browser.client.clone();
        async move {
            let value = client
                .execute(
                    &format!("return (async () => {{ {script} }})(...arguments)"),
                    vec![latency.into(), fail.into(), count.into()],
                )
                .await
                .unwrap();
            serde_json::from_value::<(f64, u32, u32)>(value).unwrap()
        }
    };
    let (elapsed, failed, answered) = run(120, 0.0, 20).await;
    assert_eq!((failed, answered), (0, 20));
    assert!(
        (120.0..2000.0).contains(&elapsed),
        "20 requests of 120 ms at once took {elapsed} ms"
    );
    // A 30% failure rate over 400 requests: 120 expected, σ ≈ 9.2; 4σ.
    let (_, failed, answered) = run(0, 0.3, 400).await;
    assert_eq!(answered, 400);
    assert!((83..=157).contains(&failed), "{failed} of 400 failed");
    browser.close().await;
}
