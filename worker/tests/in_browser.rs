//! The worker's message handling compiled to wasm and run in a dedicated
//! worker in headless Chromium, with the real `performance.now()` clock.
#![cfg(target_arch = "wasm32")]

use exercises::analysis::speedup;
use exercises::params;
use exercises::protocol::{FromWorker, Measurement, ToWorker};
use exercises::runner::{Case, Host, KernelList, Output, Runner, Workload};
use exercises::{Exercise, Growth, Target, Variant};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use worker::PerformanceClock;
use worker::harness::{Bench, handle, timer_resolution_ns};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn send(exercise: &str, query: &str) -> Vec<FromWorker> {
    let mut clock = PerformanceClock::new();
    let resolution = timer_resolution_ns(&mut clock);
    let mut messages = Vec::new();
    let exercise = exercises::find(exercise).expect("a registered exercise");
    let request = ToWorker::from_query(exercise, query)
        .expect("valid parameters")
        .to_json();
    let host: exercises::runner::Host = std::rc::Rc::new(worker::Timers::new());
    handle(
        &request,
        &host,
        &mut clock,
        Bench {
            resolution_ns: resolution,
            pool_threads: 1,
        },
        &mut |m| messages.push(m),
    );
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
    let FromWorker::Checked(report) = &messages[0] else {
        panic!("{:?}", messages[0])
    };
    for variant in &report.variants {
        assert!(variant.agrees, "{variant:?}");
        assert_eq!(variant.outputs[0], "[1, 3, 5]");
    }
    let mut rows = 0;
    for message in &messages {
        if let FromWorker::Measured(m) = message {
            rows += 1;
            assert!(m.per_call_ns().iter().all(|&s| s > 0.0), "{m:?}");
        }
    }
    assert_eq!(rows, 10);
    assert_eq!(messages.last(), Some(&FromWorker::Done));
}

#[wasm_bindgen_test]
fn bad_parameters_are_refused_without_running() {
    // The page refuses the text before anything is sent ...
    let duplicates = exercises::find("duplicates").unwrap();
    let errors = ToWorker::from_query(duplicates, "sizes=-1").unwrap_err();
    assert!(
        errors[0].message.contains("sizes: -1 is negative"),
        "{errors:?}"
    );
    // ... and the worker refuses values the page could not have sent.
    let mut values = params::parse(duplicates.all_params(), &Default::default()).unwrap();
    values
        .0
        .insert("sizes".into(), params::ParamValue::IntList(vec![0]));
    let request = ToWorker::Run {
        exercise: "duplicates".into(),
        values,
    }
    .to_json();
    let mut clock = PerformanceClock::new();
    let mut messages = Vec::new();
    let host: exercises::runner::Host = std::rc::Rc::new(worker::Timers::new());
    let bench = Bench {
        resolution_ns: timer_resolution_ns(&mut clock),
        pool_threads: 1,
    };
    handle(&request, &host, &mut clock, bench, &mut |m| {
        messages.push(m)
    });
    assert!(
        matches!(&messages[..], [FromWorker::Failed { message }] if message.contains("sizes: 0 is out of range")),
        "{messages:?}"
    );
}

/// Two identical kernels ("A/A"): the engine must not invent a difference.
struct Same;
struct SameInput(Vec<u32>);

exercises::params! {
    /// The A/A exercise's one parameter.
    struct SameParams in SAME_PARAMS {
        sizes: IntList { min: 1, max: 100_000, max_len: 4 } = "2000", "", "";
    }
}

/// Seeded values in `0 .. n / 2`, so about half repeat.
fn values(n: usize) -> Vec<u32> {
    let mut state = 1u64;
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % (n as u64 / 2).max(1)) as u32
        })
        .collect()
}

/// The one kernel both variants run: the distinct values, by a hash set.
fn distinct(numbers: &[u32]) -> Vec<u32> {
    let mut seen = std::collections::HashSet::new();
    numbers
        .iter()
        .copied()
        .filter(|&v| seen.insert(v))
        .collect()
}

impl Runner for Same {
    type Params = SameParams;
    fn kernels(&self) -> &'static dyn KernelList {
        &[("a", distinct as fn(&[u32]) -> Vec<u32>), ("b", distinct)]
    }
    fn check_cases(&self, _: &SameParams, _: &Host) -> Vec<Case> {
        vec![("input".into(), Box::new(SameInput(vec![1, 2, 2])))]
    }
    fn workload(&self, _: &SameParams, _: &Host, size: u64) -> Box<dyn Workload> {
        Box::new(SameInput(values(size as usize)))
    }
}

impl Workload for SameInput {
    fn run(&mut self, _variant: usize) {
        std::hint::black_box(distinct(std::hint::black_box(&self.0)));
    }
    fn check(&mut self, _variant: usize) -> Output {
        Output::list(&distinct(&self.0))
    }
}

static SAME: Exercise = Exercise {
    id: "same",
    title: "A/A",
    seed: "none",
    summary: "",
    explanation: &[],
    params: SAME_PARAMS,
    size_param: "sizes",
    variants: &[
        Variant {
            name: "a",
            technique: "",
            growth: Growth::Linear,
        },
        Variant {
            name: "b",
            technique: "",
            growth: Growth::Linear,
        },
    ],
    source: "",
    target: Target {
        variant: "b",
        baseline: "a",
        speedup: 2.0,
        size: 2000,
    },
    thread_sweep: None,
    gpu: &[],
    local_file: None,
    limits: None,
    sections: &[],
    work: None,
    runner: &Same,
};

fn run_same(mode: &str) -> (Measurement, Measurement) {
    let values = params::parse(
        SAME.all_params(),
        &params::from_query(&format!("mode={mode}&budget_ms=1000")),
    )
    .unwrap();
    let mut clock = PerformanceClock::new();
    let resolution = timer_resolution_ns(&mut clock);
    let mut measured = Vec::new();
    worker::harness::run(
        &SAME,
        &values,
        &(std::rc::Rc::new(worker::Timers::new()) as Host),
        &mut clock,
        Bench {
            resolution_ns: resolution,
            pool_threads: 1,
        },
        &mut |m| {
            if let FromWorker::Measured(m) = m {
                measured.push(m);
            }
        },
    );
    assert_eq!(measured.len(), 2);
    (measured.remove(0), measured.remove(0))
}

/// A 95% interval misses the truth one time in twenty even on a quiet
/// machine, and a loaded one adds drift; so each mode gets three
/// independent runs and at least one must contain 1. An engine biased
/// towards either variant fails all three.
#[wasm_bindgen_test]
fn identical_kernels_have_a_speedup_interval_containing_one() {
    for mode in ["quick", "thorough"] {
        let mut intervals = Vec::new();
        for _ in 0..3 {
            let (a, b) = run_same(mode);
            let s = speedup(&a, &b, 1000).unwrap();
            wasm_bindgen_test::console_log!(
                "A/A {mode}: {:.3} [{:.3}, {:.3}], width {:.3}, {} samples",
                s.point,
                s.low,
                s.high,
                s.high - s.low,
                a.times_ns.len()
            );
            intervals.push(s);
            if s.contains(1.0) {
                break;
            }
        }
        assert!(
            intervals.iter().any(|s| s.contains(1.0)),
            "{mode}: {intervals:?}"
        );
    }
}
