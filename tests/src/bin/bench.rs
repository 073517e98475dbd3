//! `cargo xtask bench [exercise …]`: runs exercises at their default
//! parameters in thorough mode, in headless Chromium on the built site,
//! and prints every variant's time per call and its speedup over the
//! baseline, each with its 95% interval, measured side by side in the same
//! run, plus the target's verdict and the allocations of one call. With
//! `PERFLAB_SCREENSHOTS=<folder>` it also saves each finished page as
//! `<exercise>.png`. The browser has WebGPU (a software adapter here), so
//! GPU variants are measured too. An argument may carry parameters as a query string,
//! e.g. `matmul?n=256,512&budget_ms=20000`. Where the exercise declares its
//! work per call, each row also shows its rate (GFLOP/s, points/s).
//! With `--native` it also runs the same variants natively on this machine
//! with the same harness, inputs, sizes and sampling (the worker's
//! `native_bench`), and prints each row's WebAssembly/native ratio with its
//! 95% interval, then the median over the single-threaded optimized
//! variants. With `--equivalence` it times nothing: it presses each exercise's
//! "Check on … seeds" button and prints how many seeded inputs every
//! variant agreed with the reference on.

use std::collections::BTreeMap;
use std::time::Duration;

use e2e::{Browser, Site};
use exercises::EXERCISES;
use exercises::analysis::{format_bytes, format_ns};
use exercises::protocol::Measurement;
use serde_json::Value;

#[tokio::main]
async fn main() {
    let equivalence = std::env::args().any(|arg| arg == "--equivalence");
    let native = std::env::args().any(|arg| arg == "--native");
    let chosen: Vec<(String, String)> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .map(|arg| match arg.split_once('?') {
            Some((id, query)) => (id.to_string(), format!("&{query}")),
            None => (arg, String::new()),
        })
        .collect();
    if let Err(message) = check_chosen(&chosen) {
        eprintln!("bench: {message}");
        std::process::exit(2);
    }
    let site = Site::isolated();
    let browser = Browser::start_with_webgpu().await;
    if equivalence {
        return check_equivalence(&site, &browser, &chosen).await;
    }
    page_weight(&site, &browser).await;
    let runs = EXERCISES.iter().flat_map(|e| match chosen.is_empty() {
        true => vec![(e, String::new())],
        false => chosen
            .iter()
            .filter(|(id, _)| id == e.id)
            .map(|(_, query)| (e, query.clone()))
            .collect(),
    });
    let mut single_threaded_ratios = Vec::new();
    for (exercise, extra) in runs {
        let query = format!("mode=thorough{extra}");
        let values = exercises::params::parse(
            exercise.all_params(),
            &exercises::params::from_query(&query),
        )
        .expect("valid parameters");
        // An exercise in sections is described by the section it runs.
        let described = exercise.section(&values);
        browser
            .open(&site.url(&format!("/exercises/{}?{query}", exercise.id)))
            .await;
        browser.js(WATCH_LONG_TASKS).await;
        browser.testid("run").await.click().await.expect("run");
        let state = browser
            .wait_for_state(&["done", "error"], Duration::from_secs(1800))
            .await;
        let long = browser.js("return window.perflabLongTasks").await;
        let long: Vec<f64> = serde_json::from_value(long).unwrap_or_default();
        let info = browser.testid("capabilities").await;
        let build = info
            .attr("data-build")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        let threads = info
            .attr("data-pool-threads")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        println!(
            "\n{}{} ({state}; {build} build, {threads} pool threads; baseline {})",
            exercise.id,
            if std::ptr::eq(described, *exercise) {
                String::new()
            } else {
                format!("/{}", described.id)
            },
            described.target.baseline
        );
        if state == "error" {
            // A failed run ends its row with the page's message; the bench goes on.
            let status = browser
                .testid("status")
                .await
                .text()
                .await
                .unwrap_or_default();
            println!("failed: {status}");
            continue;
        }
        // textContent: the JSON's <pre> may sit in a closed <details>.
        let text = browser
            .js("return document.querySelector('[data-testid=results-json]').textContent")
            .await;
        let json: Value =
            serde_json::from_str(text.as_str().unwrap_or_default()).unwrap_or(Value::Null);
        println!(
            "{:<12} {:>8} {:>24} {:>28} {:>12} {:>11} {:>18}",
            "variant",
            "size",
            "time per call [95%]",
            "speedup [95%]",
            "allocations",
            "peak",
            "rate"
        );
        let measurements = json["measurements"].as_array().cloned().unwrap_or_default();
        let wasm: Vec<Measurement> = serde_json::from_value(json["measurements"].clone()).unwrap_or_default();
        if native && !NO_NATIVE_TWIN.contains(&exercise.id) {
            single_threaded_ratios.extend(against_native(exercise, described, &query, &wasm, &threads));
        }
        for row in json["rows"].as_array().into_iter().flatten() {
            let (variant, size) = (
                row["variant"].as_str().unwrap_or_default(),
                row["size"].as_u64().unwrap_or_default(),
            );
            let estimate = |e: &Value, f: &dyn Fn(f64) -> String| match (
                e["point"].as_f64(),
                e["low"].as_f64(),
                e["high"].as_f64(),
            ) {
                (Some(p), Some(l), Some(h)) => format!("{} [{}, {}]", f(p), f(l), f(h)),
                _ => "—".into(),
            };
            let memory = measurements
                .iter()
                .find(|m| m["variant"] == variant && m["size"] == size)
                .map(|m| &m["memory"])
                .cloned()
                .unwrap_or(Value::Null);
            let rate = match (described.work, row["ns_per_call"]["point"].as_f64()) {
                (Some(work), Some(ns)) => work.rate(size, &values, ns),
                _ => String::new(),
            };
            println!(
                "{variant:<12} {size:>8} {:>24} {:>28} {:>12} {:>11} {rate:>18}",
                estimate(&row["ns_per_call"], &format_ns),
                estimate(&row["speedup"], &|x| format!("{x:.2}×")),
                memory["allocations"].as_u64().unwrap_or_default(),
                format_bytes(memory["peak_bytes"].as_u64().unwrap_or_default()),
            );
        }
        for skip in json["skipped"].as_array().into_iter().flatten() {
            println!(
                "{:<12} {:>8} skipped (predicted {})",
                skip["variant"].as_str().unwrap_or_default(),
                skip["size"],
                format_ns(skip["predicted_ns"].as_f64().unwrap_or_default())
            );
        }
        let sweep: Vec<(usize, Measurement)> = serde_json::from_value(json["thread_sweep"].clone()).unwrap_or_default();
        for (threads, measurement) in &sweep {
            let ns = exercises::analysis::per_call_point(measurement).unwrap_or_default();
            println!("thread sweep: {threads} threads, {}", format_ns(ns));
        }
        // The sweep's point at the pool's size repeats the table's row of
        // the same variant: say how far apart they are.
        if let Some(b) = exercises::analysis::sweep_beside_table(&wasm, &sweep) {
            let within = (b.table.low..=b.table.high).contains(&b.sweep_ns);
            println!(
                "thread sweep vs table: {} at {} with {} threads {}, table row [{}, {}]: {} its interval",
                b.variant,
                described.at_size(b.size),
                b.threads,
                format_ns(b.sweep_ns),
                format_ns(b.table.low),
                format_ns(b.table.high),
                if within { "within" } else { "outside" },
            );
        }
        if let Ok(folder) = std::env::var("PERFLAB_SCREENSHOTS") {
            let height = browser
                .js("return document.documentElement.scrollHeight")
                .await
                .as_u64()
                .unwrap_or(1000);
            browser
                .client
                .set_window_size(1280, height.min(16_000) as u32)
                .await
                .expect("resize");
            let png = browser.client.screenshot().await.expect("a screenshot");
            std::fs::write(
                std::path::Path::new(&folder).join(format!("{}.png", exercise.id)),
                png,
            )
            .expect("written");
            browser
                .client
                .set_window_size(1280, 1000)
                .await
                .expect("resize");
        }
        let verdict = match browser
            .client
            .find(fantoccini::Locator::Css("[data-testid=verdict]"))
            .await
        {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => "no verdict (the target size was not measured)".into(),
        };
        println!(
            "target: {} ≥ {}× {} at {}: {verdict}",
            described.target.variant,
            described.target.speedup,
            described.target.baseline,
            described.at_size(described.target.size)
        );
        println!(
            "main-thread long tasks (> 50 ms) during the run and its drawing: {}{}",
            long.len(),
            long.iter()
                .copied()
                .reduce(f64::max)
                .map_or(String::new(), |max| format!(", the longest {max:.0} ms"))
        );
    }
    if native && !single_threaded_ratios.is_empty() {
        single_threaded_ratios.sort_by(f64::total_cmp);
        let n = single_threaded_ratios.len();
        let median = (single_threaded_ratios[(n - 1) / 2] + single_threaded_ratios[n / 2]) / 2.0;
        println!("\nmedian wasm/native ratio: {median:.2} (over {n} rows of single-threaded optimized variants)");
    }
    browser.close().await;
}

/// Exercises whose variants cross into JavaScript or wait on the network:
/// natively a Rust stand-in would run instead, so no ratio is printed.
const NO_NATIVE_TWIN: [&str; 2] = ["zerocopy", "scraper"];

/// Runs `exercise` natively with `query` (the worker's `native_bench`,
/// built in release) and prints, per variant and size measured on both,
/// the WebAssembly and native times and their ratio with a 95% interval.
/// Returns the ratios of the single-threaded optimized variants: not the
/// reference, not the thread-sweep variant (native rayon and the page's
/// pool may differ in threads).
fn against_native(
    exercise: &exercises::Exercise,
    described: &exercises::Exercise,
    query: &str,
    wasm: &[Measurement],
    page_threads: &str,
) -> Vec<f64> {
    // Each native run is kept as a record the exercise page imports.
    let saved = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/native");
    std::fs::create_dir_all(&saved).ok();
    let output = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--release", "-q", "-p", "worker", "--bin", "native_bench", "--", "--save"])
        .arg(&saved)
        .arg(format!("{}?{query}", exercise.id))
        .output()
        .expect("cargo runs");
    let line: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    let native: Vec<Measurement> = serde_json::from_value(line["measurements"].clone()).unwrap_or_default();
    if native.is_empty() {
        println!("native: nothing measured ({})", String::from_utf8_lossy(&output.stderr).trim());
        return Vec::new();
    }
    println!(
        "native vs wasm (native: rayon with {} threads; the page: {page_threads} pool threads)",
        line["pool_threads"]
    );
    println!("{:<12} {:>8} {:>12} {:>12} {:>28}", "variant", "size", "wasm", "native", "wasm/native [95%]");
    let mut ratios = Vec::new();
    for w in wasm {
        let Some(n) = native.iter().find(|n| n.variant == w.variant && n.size == w.size) else {
            continue;
        };
        let per_call = |m: &Measurement| exercises::analysis::per_call_point(m).unwrap_or(f64::NAN);
        let ratio = exercises::analysis::speedup(w, n, 1000);
        let text = ratio.map_or("—".into(), |r| format!("{:.2} [{:.2}, {:.2}]", r.point, r.low, r.high));
        println!("{:<12} {:>8} {:>12} {:>12} {:>28}", w.variant, w.size, format_ns(per_call(w)), format_ns(per_call(n)), text);
        let single = described.variants.iter().skip(1).any(|v| v.name == w.variant)
            && described.thread_sweep != Some(w.variant.as_str());
        if let (true, Some(r)) = (single, ratio) {
            ratios.push(r.point);
        }
    }
    ratios
}

/// Collects the main thread's long tasks from now on into
/// `window.perflabLongTasks` (their durations, ms).
const WATCH_LONG_TASKS: &str = "window.perflabLongTasks = []; \
    new PerformanceObserver(list => { for (const e of list.getEntries()) window.perflabLongTasks.push(e.duration); }) \
    .observe({ type: 'longtask' });";

/// `path`'s size in bytes, and gzipped (`gzip -9`).
fn sizes(path: &std::path::Path) -> (u64, u64) {
    let raw = std::fs::metadata(path).map_or(0, |m| m.len());
    let gzip = std::process::Command::new("gzip")
        .arg("-9c")
        .arg(path)
        .output()
        .map_or(0, |out| out.stdout.len() as u64);
    (raw, gzip)
}

/// The page's own weight: each WebAssembly module's size (raw and gzip),
/// and the first contentful paint of the home page and of an exercise
/// page on localhost, the first visit of this browser profile.
async fn page_weight(site: &Site, browser: &Browser) {
    let dist = e2e::dist();
    let app = std::fs::read_dir(&dist)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.to_string_lossy().ends_with("_bg.wasm"));
    // One benchmark worker per module and build (`worker/<build>/<module>`).
    let workers = |build: &str| -> Vec<(String, std::path::PathBuf)> {
        let mut found: Vec<_> = std::fs::read_dir(dist.join("worker").join(build))
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| (entry.file_name().to_string_lossy().into_owned(), entry.path().join("worker_bg.wasm")))
            .collect();
        found.sort();
        found
    };
    // One line per module: its sizes, and whether it is over its budget
    // (none for the results worker, loaded on demand).
    let line = |name: &str, (raw, gzip): (u64, u64), budget_kb: Option<u64>, note: &str| {
        let kb = |bytes: u64| format!("{:.1} KB", bytes as f64 / 1000.0);
        let over = if budget_kb.is_some_and(|budget| gzip > budget * 1000) { "  OVER BUDGET" } else { "" };
        println!("  {name:<26} {:>10} raw {:>10} gzip{over}{note}", kb(raw), kb(gzip));
    };
    println!("page weight (budgets: app ≤ 300 KB gzip, each benchmark worker ≤ 250 KB gzip; 1 KB = 1000 bytes):");
    line("app (the page)", sizes(&app.unwrap_or_default()), Some(300), "");
    line("results worker", sizes(&dist.join("results/results_bg.wasm")), None, "");
    let threaded: BTreeMap<String, std::path::PathBuf> = workers("threaded").into_iter().collect();
    for (module, path) in workers("single") {
        let single = sizes(&path);
        line(&format!("worker {module}, single"), single, Some(250), "");
        if let Some(path) = threaded.get(&module) {
            let threaded = sizes(path);
            let extra = (threaded.1 as f64 - single.1 as f64) / 1000.0;
            line(&format!("worker {module}, threaded"), threaded, Some(250), &format!(" ({extra:+.1} KB beyond the single build)"));
        }
    }
    const PAINT: &str = "return performance.getEntriesByType('paint')\
        .find(e => e.name === 'first-contentful-paint')?.startTime ?? null";
    for (name, path) in [("home page", "/".to_string()), ("an exercise page", format!("/exercises/{}", EXERCISES[0].id))] {
        browser.open(&site.url(&path)).await;
        let mut paint = Value::Null;
        for _ in 0..50 {
            paint = browser.js(PAINT).await;
            if !paint.is_null() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let shown = paint.as_f64().map_or("not reported".into(), |ms| format!("{ms:.0} ms"));
        println!("  first contentful paint, {name}: {shown} (budget 1 s)");
    }
}

/// Presses every chosen exercise's equivalence button and prints its
/// table: per variant, the seeded inputs compared and how many agreed.
async fn check_equivalence(site: &Site, browser: &Browser, chosen: &[(String, String)]) {
    for exercise in EXERCISES {
        let queries: Vec<&str> = match chosen.is_empty() {
            true => vec![""],
            false => chosen.iter().filter(|(id, _)| id == exercise.id).map(|(_, q)| q.as_str()).collect(),
        };
        for query in queries {
            browser.open(&site.url(&format!("/exercises/{}?mode=quick{query}", exercise.id))).await;
            browser.testid("equivalence-run").await.click().await.expect("equivalence");
            let state = browser.wait_for_state(&["done", "error"], Duration::from_secs(1800)).await;
            let rows = browser
                .js("return [...document.querySelectorAll('[data-testid^=equivalence-]')].filter(r => r.dataset.compared).map(r => r.innerText.split('\\t'))")
                .await;
            println!("\n{} ({state})", exercise.id);
            if state == "error" {
                let status = browser.testid("status").await.text().await.unwrap_or_default();
                println!("  {status}");
                continue;
            }
            for row in rows.as_array().into_iter().flatten() {
                let cells: Vec<&str> = row.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                println!("  {}", cells.join("  "));
            }
        }
    }
}

/// Checks every chosen `exercise?query` before the browser starts. The page
/// ignores a key that is not a parameter (as any link may carry one), so a
/// misspelled key would time the defaults under the label the learner
/// meant; here it is refused, as are unknown exercises and bad values.
fn check_chosen(chosen: &[(String, String)]) -> Result<(), String> {
    for (id, query) in chosen {
        let Some(exercise) = exercises::find(id) else {
            let ids: Vec<_> = EXERCISES.iter().map(|e| e.id).collect();
            return Err(format!("no exercise \"{id}\" (there are: {})", ids.join(", ")));
        };
        let raw = exercises::params::from_query(query);
        let names: Vec<_> = exercise.all_params().map(|spec| spec.name).collect();
        if let Some(key) = raw.keys().find(|key| !names.contains(&key.as_str())) {
            return Err(format!(
                "{id}: \"{key}\" is not one of its parameters ({})",
                names.join(", ")
            ));
        }
        if let Err(errors) = exercise.parse(&raw) {
            let errors: Vec<_> = errors.into_iter().map(|e| e.message).collect();
            return Err(format!("{id}: {}", errors.join("; ")));
        }
    }
    Ok(())
}
