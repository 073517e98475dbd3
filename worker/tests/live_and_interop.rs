//! In headless Chromium: the profiling exercise's live run with real
//! timers, and zerocopy's transfers, which call JavaScript and so can only
//! be checked in a browser.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;
use std::rc::Rc;

use exercises::find;
use exercises::params;
use exercises::protocol::FromWorker;
use exercises::runner::Host;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use worker::Timers;

/// The worker's browser, as the runners get it.
fn host() -> Host {
    Rc::new(Timers::new())
}

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// Property test in the browser: for random sizes and seeds, every
/// transfer's sum equals JSON's, bit for bit, and equals Rust's own sum.
#[wasm_bindgen_test]
fn every_transfer_delivers_the_same_numbers_as_json() {
    let exercise = find("zerocopy").unwrap();
    let mut rng = Pcg64::seed_from_u64(5);
    for case in 0..40 {
        let n = if case < 4 {
            [1, 2, 3, 65_536][case]
        } else {
            rng.random_range(1..20_000)
        };
        let seed = rng.random_range(0..1000u32);
        let values = params::parse(
            exercise.all_params(),
            &params::from_query(&format!("n={n}&seed={seed}")),
        )
        .unwrap();
        let (_, mut workload) = exercise.runner.check_cases(&values, &host()).remove(0);
        let naive = workload.check(0);
        for (index, variant) in exercise.variants.iter().enumerate() {
            let output = workload.check(index);
            assert_eq!(output, naive, "{} at n = {n}, seed {seed}", variant.name);
        }
        assert!(naive.text.starts_with("sum="), "{}", naive.text);
    }
}

#[wasm_bindgen_test]
fn a_view_is_detached_when_memory_grows() {
    let exercise = find("zerocopy").unwrap();
    let values = params::parse(exercise.all_params(), &BTreeMap::new()).unwrap();
    let tables = exercise.runner.tables(&values, &host());
    let growth = tables
        .iter()
        .find(|t| t.id == "view-growth")
        .expect("the growth table");
    assert_eq!(growth.rows[0][1], "1000");
    assert_eq!(growth.rows[0][3], "yes");
    // This test build is single-threaded: the old ArrayBuffer is detached.
    assert_eq!(growth.rows[1][1], "0");
    assert_eq!(growth.rows[1][3], "no");
}

#[wasm_bindgen_test]
async fn the_profiled_program_really_waits_and_names_its_bottleneck() {
    let exercise = find("profiling").unwrap();
    let values = params::parse(
        exercise.all_params(),
        &params::from_query("values=100&wait_ms=60"),
    )
    .unwrap();
    let timers = Rc::new(Timers::new());
    let started = timers.now();
    let host: Host = timers.clone();
    let messages = exercise
        .runner
        .live(&values, &host)
        .expect("a live run")
        .await;
    let elapsed_ms = timers.now() - started;
    assert!(
        elapsed_ms >= 120.0,
        "two real waits of 60 ms took {elapsed_ms} ms"
    );
    let table = |id: &str| {
        messages
            .iter()
            .find_map(|m| match m {
                FromWorker::Table(t) if t.id == id => Some(t.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no table {id}"))
    };
    let profile = table("profile-naive");
    let sleep = profile.rows.iter().find(|r| r[5] == "time.sleep").unwrap();
    let slept: f64 = sleep[3].parse().unwrap();
    assert!(
        (119.0..1000.0).contains(&slept),
        "time.sleep cumulative {slept} ms"
    );
    let report = table("report");
    assert!(
        report.rows[0][1].starts_with("slow_calculation:"),
        "{:?}",
        report.rows[0]
    );
    assert!(
        report
            .rows
            .iter()
            .any(|r| r[1] == "process_data: 3 calls, 2 distinct inputs")
    );
}

/// Without a service worker (none controls this test's worker) the
/// network lane simulates the endpoint, says so, and honours its latency,
/// jitter and failure rate.
#[wasm_bindgen_test]
async fn without_a_service_worker_the_endpoint_is_simulated_with_its_parameters() {
    use exercises::network::{Behaviour, Endpoint};
    let timers = Rc::new(Timers::new());
    let behaviour = Behaviour {
        latency_ms: 30.0,
        jitter_ms: 10.0,
        fail_rate: 0.25,
    };
    let endpoint = Endpoint::connect(timers.clone(), behaviour, 11).await;
    let reason = endpoint
        .simulated
        .clone()
        .expect("no service worker here: simulated");
    assert!(reason.contains("service worker"), "{reason}");
    let origin = timers.now();
    let attempts =
        futures_util::future::join_all((0..200).map(|id| endpoint.request(id, origin))).await;
    for attempt in &attempts {
        let took = attempt.end_ms - attempt.start_ms;
        // 30 ± 10 ms; timers fire late, never early (1 ms for rounding).
        assert!(
            took >= 19.0 && took < 30.0 + 10.0 + 200.0,
            "request {} took {took} ms",
            attempt.id
        );
    }
    // All 200 at once: the batch takes about one latency, not 200.
    let total = attempts.iter().map(|a| a.end_ms).fold(0.0, f64::max);
    assert!(total < 1000.0, "{total} ms");
    // 25% failures: 50 expected, σ ≈ 6.1; 4σ either way.
    let failed = attempts.iter().filter(|a| !a.ok).count();
    assert!((26..=74).contains(&failed), "{failed} of 200 failed");
    let ids: Vec<usize> = attempts.iter().map(|a| a.id).collect();
    assert_eq!(
        ids,
        (0..200).collect::<Vec<_>>(),
        "every request answered once"
    );
}

/// A note kept through the site's cache storage is read by a later run's
/// browser; a key never kept reads as none.
#[wasm_bindgen_test]
async fn a_note_kept_by_one_run_is_read_by_the_next() {
    use exercises::runner::Browser;
    let key = format!("test-{}", js_sys::Math::random().to_bits());
    let first = Timers::new();
    assert_eq!(first.recall(&key).await, None);
    first.remember(&key, "quality,blur;8;2".into()).await.unwrap();
    let later = Timers::new();
    assert_eq!(later.recall(&key).await.as_deref(), Some("quality,blur;8;2"));
}
