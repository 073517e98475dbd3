//! The worker's message handling compiled to wasm and run in a dedicated
//! worker in headless Chromium, with the real `performance.now()` clock.
#![cfg(target_arch = "wasm32")]

use exercises::protocol::{FromWorker, ToWorker};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use worker::harness::{handle, timer_resolution_ns};
use worker::PerformanceClock;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn send(exercise: &str, query: &str) -> Vec<FromWorker> {
    let mut clock = PerformanceClock::new();
    let resolution = timer_resolution_ns(&mut clock);
    let mut messages = Vec::new();
    let request = ToWorker::Run { exercise: exercise.into(), query: query.into() }.to_json();
    handle(&request, &mut clock, resolution, &mut |m| messages.push(m));
    messages
}

#[wasm_bindgen_test]
fn the_worker_clock_ticks_at_a_browser_resolution() {
    let resolution = timer_resolution_ns(&mut PerformanceClock::new());
    assert!(resolution > 0.0 && resolution <= 1e6, "{resolution} ns");
}

#[wasm_bindgen_test]
fn a_run_checks_then_times_every_variant() {
    let messages = send("duplicates", "sizes=100,400&budget_ms=200");
    let FromWorker::Checked(report) = &messages[0] else { panic!("{:?}", messages[0]) };
    for variant in &report.variants {
        assert!(variant.agrees, "{variant:?}");
        assert_eq!(variant.outputs[0], "[1, 3, 5]");
    }
    let mut rows = 0;
    for message in &messages {
        if let FromWorker::Measured(m) = message {
            rows += 1;
            assert!(m.samples_ns.iter().all(|&s| s > 0.0), "{m:?}");
        }
    }
    assert_eq!(rows, 8);
    assert_eq!(messages.last(), Some(&FromWorker::Done));
}

#[wasm_bindgen_test]
fn bad_parameters_are_refused_without_running() {
    let messages = send("duplicates", "sizes=-1");
    assert!(matches!(&messages[..], [FromWorker::Failed { message }] if message.contains("sizes: -1 is negative")));
}
