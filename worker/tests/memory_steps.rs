//! The memory lane on the host, in its own test binary: the counting
//! allocator is global to the process, so no other test may allocate while
//! this one reads it. The worker's harness runs the `memory` exercise with
//! a fake clock, and the live bytes after every step must show the seed's
//! leak and the fixes' bounds.
#![cfg(not(target_arch = "wasm32"))]

use exercises::protocol::{FromWorker, MemorySteps, ToWorker};
use worker::harness::{Bench, Clock, handle};

/// A clock that advances 1 ms per reading: every call looks slow, so the
/// harness takes few samples and the test ends quickly.
struct FakeClock(f64);

impl Clock for FakeClock {
    fn now_ns(&mut self) -> f64 {
        self.0 += 1e6;
        self.0
    }
}

fn handle_text(text: &str) -> Vec<FromWorker> {
    let mut messages = Vec::new();
    handle(
        text,
        &exercises::runner::Plain::host(),
        &mut FakeClock(0.0),
        Bench {
            resolution_ns: 1_000.0,
            pool_threads: 1,
        },
        &mut |m| messages.push(m),
    );
    messages
}

#[test]
fn memory_is_read_after_every_step_and_shows_the_leak_and_its_fixes() {
    let memory = exercises::find("memory").unwrap();
    let request = ToWorker::from_query(memory, "iterations=5,20&chunk=1000&budget_ms=50")
        .unwrap()
        .to_json();
    let steps: Vec<MemorySteps> = handle_text(&request)
        .into_iter()
        .filter_map(|m| match m {
            FromWorker::MemorySteps(steps) => Some(steps),
            _ => None,
        })
        .collect();
    let names: Vec<&str> = steps.iter().map(|s| s.variant.as_str()).collect();
    assert_eq!(names, ["naive", "streaming", "bounded", "cleanup", "weak"]);
    let of = |name: &str| steps.iter().find(|s| s.variant == name).unwrap();
    for s in &steps {
        assert_eq!(
            (s.size, s.live_bytes.len(), s.estimate_bytes.len()),
            (20, 20, 20),
            "{}",
            s.variant
        );
    }
    // The seed's class keeps two copies of every chunk of 1000 numbers
    // (8 bytes each): at least 16 000 bytes more per step.
    let naive = &of("naive").live_bytes;
    assert!(naive.windows(2).all(|w| w[1] > w[0]), "{naive:?}");
    assert!(naive[19] >= 20 * 16_000, "{naive:?}");
    assert_eq!(of("naive").estimate_bytes[19], 20 * 1000 * 28 + 20 * 100);
    // The fixes stay bounded: streaming keeps nothing, bounded at most 4
    // chunks plus the LRU's bookkeeping, cleanup at most 10 steps' worth
    // (the list's capacity doubles as it grows: up to twice its numbers).
    assert!(
        of("streaming").live_bytes.iter().all(|&b| b == 0),
        "{:?}",
        of("streaming").live_bytes
    );
    assert!(
        of("bounded")
            .live_bytes
            .iter()
            .all(|&b| b < 5 * 8000 + 4096),
        "{:?}",
        of("bounded").live_bytes
    );
    assert!(
        of("cleanup")
            .live_bytes
            .iter()
            .all(|&b| b < 10 * 24_000 + 16_384),
        "{:?}",
        of("cleanup").live_bytes
    );
    // The weak cache adds nothing to what the window of 4 chunks in use
    // holds: it plateaus once the window is full, at the window's bytes.
    let weak = &of("weak").live_bytes;
    assert!(
        weak[3..]
            .iter()
            .all(|&b| (4 * 8000..4 * 8000 + 4096).contains(&b)),
        "{weak:?}"
    );
    assert!(weak[19] <= weak[4] + 1024, "{weak:?}");
}
