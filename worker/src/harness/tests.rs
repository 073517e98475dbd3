//! The harness against a fake clock: kernels "take" exactly the time the
//! test says, so every figure the harness reports can be checked.

use std::cell::Cell;

use exercises::params::ParamValue;
use exercises::protocol::Measurement;
use exercises::runner::{Case, KernelList, Output, Plain, Runner, Workload};
use exercises::{Exercise, Growth, Target, Variant};

use super::*;
use exercises::analysis::per_call_point;

thread_local! {
    /// Fake time in nanoseconds, advanced by fake kernels and clock reads.
    static NOW: Cell<f64> = const { Cell::new(0.0) };
}

fn advance(ns: f64) {
    NOW.with(|now| now.set(now.get() + ns));
}

/// Reads the fake time, quantized to `resolution` like a browser timer;
/// each read costs `read_cost`.
struct FakeClock {
    resolution: f64,
    read_cost: f64,
}

impl Clock for FakeClock {
    fn now_ns(&mut self) -> f64 {
        advance(self.read_cost);
        (NOW.with(Cell::get) / self.resolution).floor() * self.resolution
    }
}

fn clock() -> FakeClock {
    FakeClock {
        resolution: 5_000.0,
        read_cost: 20.0,
    }
}

#[test]
fn resolution_is_the_timer_step() {
    assert_eq!(timer_resolution_ns(&mut clock()), 5_000.0);
    assert_eq!(
        timer_resolution_ns(&mut FakeClock {
            resolution: 100_000.0,
            read_cost: 1_000.0
        }),
        100_000.0
    );
}

fn per_call(m: &Measurement) -> Vec<f64> {
    m.per_call_ns()
}

#[test]
fn fast_calls_are_sampled_linearly_in_batches_spanning_100_resolutions() {
    let m = measure("v", 10, &mut clock(), 1e9, 100.0 * 5_000.0, 20, &mut || {
        advance(1_000.0)
    });
    let unit = m.iters[0];
    assert!(unit >= 500, "{unit}");
    let expected: Vec<u64> = (1..=20).map(|r| r * unit).collect();
    assert_eq!(m.iters, expected, "d, 2d, … 20d calls");
    for sample in per_call(&m) {
        assert!((sample - 1_000.0).abs() < 20.0, "per-call time {sample}");
    }
    let slope = exercises::analysis::per_call_point(&m).unwrap();
    assert!((slope - 1_000.0).abs() < 10.0, "{slope}");
    assert!(m.first_call_ns <= 5_000.0);
}

#[test]
fn warm_up_lasts_its_time_before_sampling_starts() {
    let mut calls = 0u64;
    let m = measure("v", 10, &mut clock(), 1e9, 100.0 * 5_000.0, 20, &mut || {
        calls += 1;
        advance(1_000.0)
    });
    // Everything but the first call and the samples was warm-up: at least
    // the cap's 50 ms of 1 µs calls (a 1 s budget's tenth is more).
    let warm_up = calls - 1 - m.iters.iter().sum::<u64>();
    assert!(warm_up as f64 * 1_000.0 >= WARMUP_CAP_NS, "{warm_up} calls");
    // A short budget warms up for a tenth of itself.
    let mut calls = 0u64;
    let m = measure(
        "v",
        10,
        &mut clock(),
        100e6,
        100.0 * 5_000.0,
        20,
        &mut || {
            calls += 1;
            advance(1_000.0)
        },
    );
    let warm_up = calls - 1 - m.iters.iter().sum::<u64>();
    assert!(
        (10e6..20e6).contains(&(warm_up as f64 * 1_000.0)),
        "{warm_up} calls"
    );
}

#[test]
fn one_slow_warm_up_batch_does_not_end_the_calibration() {
    let mut calls = 0;
    let m = measure("v", 10, &mut clock(), 1e9, 5e5, 20, &mut || {
        calls += 1;
        // The second call hits a one-off 2 ms stall, longer than a sample.
        advance(if calls == 2 { 2e6 } else { 1_000.0 });
    });
    assert!(m.iters[0] >= 500, "{:?}", m.iters);
    let slope = exercises::analysis::per_call_point(&m).unwrap();
    assert!((slope - 1_000.0).abs() < 20.0, "{slope}");
}

#[test]
fn slow_calls_are_timed_one_by_one_within_the_budget() {
    let m = measure("v", 10, &mut clock(), 2e9, 5e5, 20, &mut || advance(3e8));
    assert!(
        m.iters.iter().all(|&i| i == 1),
        "flat sampling: {:?}",
        m.iters
    );
    // The first call and two warm-up calls take 0.9 s; samples start while
    // less than 2 s has been spent: at 0.9, 1.2, 1.5 and 1.8 s.
    assert_eq!(m.times_ns.len(), 4);
    assert!(per_call(&m).iter().all(|&s| (s - 3e8).abs() < 1e4));
    assert!((m.first_call_ns - 3e8).abs() < 1e4);
}

/// The fake kernels' names (they are never called: `FakeInput` fakes them).
static FAKE_KERNELS: [(&str, ()); 3] = [("quadratic", ()), ("linear", ()), ("wrong", ())];

thread_local! {
    /// A size at which `linear` gives a wrong answer, if any.
    static WRONG_AT: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// A fake exercise: `quadratic` costs n² ns, `linear` 10·n ns, and `wrong`
/// returns a different answer.
struct FakeRunner;
struct FakeInput(u64, f64);

exercises::params! {
    /// The fake exercise's one parameter.
    struct FakeParams in FAKE_PARAMS {
        sizes: IntList { min: 1, max: 1_000_000, max_len: 10 } = "100,1000,10000,100000", "", "";
    }
}

impl Runner for FakeRunner {
    type Params = FakeParams;
    fn kernels(&self) -> &'static dyn KernelList {
        &FAKE_KERNELS
    }
    fn check_cases(&self, _: &FakeParams, _: &Host) -> Vec<Case> {
        vec![("case".into(), Box::new(FakeInput(3, 1.0)))]
    }
    fn workload(&self, _: &FakeParams, _: &Host, size: u64) -> Box<dyn Workload> {
        Box::new(FakeInput(size, 1.0))
    }
}

impl Workload for FakeInput {
    fn run(&mut self, variant: usize) {
        let n = self.0 as f64;
        // With k threads, the linear variant's 10·n ns become 2·n + 8·n / k:
        // a serial fraction of 0.2.
        advance(if variant == 1 {
            10.0 * n * (0.2 + 0.8 / self.1)
        } else {
            n * n
        });
    }
    fn set_threads(&mut self, threads: usize) {
        self.1 = threads as f64;
    }
    fn check(&mut self, variant: usize) -> Output {
        let wrong_here = variant == 1 && WRONG_AT.get() == Some(self.0);
        let answer = if variant == 2 || wrong_here { 4 } else { 3 };
        Output {
            text: format!("{answer}"),
            digest: answer,
        }
    }
}

static FAKE: Exercise = Exercise {
    id: "fake",
    title: "fake",
    seed: "none",
    summary: "",
    explanation: &[],
    params: FAKE_PARAMS,
    size_param: "sizes",
    variants: &[
        Variant {
            name: "quadratic",
            technique: "",
            growth: Growth::Quadratic,
        },
        Variant {
            name: "linear",
            technique: "",
            growth: Growth::Linear,
        },
        Variant {
            name: "wrong",
            technique: "",
            growth: Growth::Linear,
        },
    ],
    source: "",
    target: Target {
        variant: "linear",
        baseline: "quadratic",
        speedup: 2.0,
        size: 1000,
    },
    thread_sweep: Some("linear"),
    gpu: &[],
    local_file: None,
    limits: None,
    sections: &[],
    work: None,
    runner: &FakeRunner,
};

fn run_fake(budget_ms: &str) -> Vec<FromWorker> {
    let raw = params::from_query(&format!("budget_ms={budget_ms}&mode=thorough"));
    let values = params::parse(FAKE.all_params(), &raw).unwrap();
    let mut messages = Vec::new();
    run(
        &FAKE,
        &values,
        &Plain::host(),
        &mut clock(),
        Bench {
            resolution_ns: 5_000.0,
            pool_threads: 4,
        },
        &mut |m| messages.push(m),
    );
    messages
}

#[test]
fn a_disagreeing_variant_is_reported_and_not_timed() {
    let messages = run_fake("2000");
    let FromWorker::Checked(report) = &messages[0] else {
        panic!("check first: {:?}", messages[0])
    };
    let agrees: Vec<_> = report
        .variants
        .iter()
        .map(|v| (v.variant.as_str(), v.agrees))
        .collect();
    assert_eq!(
        agrees,
        [("quadratic", true), ("linear", true), ("wrong", false)]
    );
    assert_eq!(report.variants[2].outputs, ["4"]);
    assert!(
        !messages
            .iter()
            .any(|m| matches!(m, FromWorker::Measured(x) if x.variant == "wrong"))
    );
    assert_eq!(messages.last(), Some(&FromWorker::Done));
}

#[test]
fn sizes_predicted_over_budget_are_skipped_and_the_rest_measured() {
    // quadratic: 10 µs, 1 ms, 100 ms, 10 s per call; 6 calls of 100 ms fit
    // in 2 s, 6 calls of 10 s do not.
    let messages = run_fake("2000");
    let mut measured = Vec::new();
    let mut skipped = Vec::new();
    for message in &messages {
        match message {
            FromWorker::Measured(m) => {
                measured.push((m.variant.as_str(), m.size, per_call_point(m).unwrap()))
            }
            FromWorker::Skipped(s) => skipped.push((s.variant.as_str(), s.size, s.predicted_ns)),
            _ => {}
        }
    }
    let sizes = |name| {
        measured
            .iter()
            .filter(|m| m.0 == name)
            .map(|m| m.1)
            .collect::<Vec<_>>()
    };
    assert_eq!(sizes("quadratic"), [100, 1000, 10_000]);
    assert_eq!(sizes("linear"), [100, 1000, 10_000, 100_000]);
    assert_eq!(skipped.len(), 1);
    let (variant, size, predicted) = skipped[0];
    assert_eq!((variant, size), ("quadratic", 100_000));
    assert!(
        (predicted / 1e10 - 1.0).abs() < 0.01,
        "predicted {predicted} ns, true 1e10"
    );
    for (_, size, median) in measured.iter().filter(|m| m.0 == "quadratic") {
        let truth = (*size as f64).powi(2);
        assert!(
            (median / truth - 1.0).abs() < 0.02,
            "n = {size}: {median} vs {truth}"
        );
    }
}

#[test]
fn progress_counts_every_step_once() {
    let messages = run_fake("2000");
    let progress: Vec<(u32, u32)> = messages
        .iter()
        .filter_map(|m| match m {
            FromWorker::Progress { done, total, .. } => Some((*done, *total)),
            _ => None,
        })
        .collect();
    assert!(
        progress[..progress.len() - 1]
            .iter()
            .all(|&(_, total)| total == 12),
        "4 sizes × 2 variants + 4 threads"
    );
    assert!(progress.windows(2).all(|w| w[0].0 <= w[1].0));
    assert_eq!(progress.last(), Some(&(12, 12)));
}

fn handle_text(text: &str) -> Vec<FromWorker> {
    let mut messages = Vec::new();
    let mut clock = FakeClock {
        resolution: 1_000.0,
        read_cost: 1e6,
    };
    handle(
        text,
        &Plain::host(),
        &mut clock,
        Bench {
            resolution_ns: 1_000.0,
            pool_threads: 1,
        },
        &mut |m| messages.push(m),
    );
    messages
}

fn failure(messages: &[FromWorker]) -> &str {
    match messages {
        [FromWorker::Failed { message }] => message,
        other => panic!("expected one failure, got {other:?}"),
    }
}

#[test]
fn bad_requests_fail_with_a_reason() {
    assert!(failure(&handle_text("not json")).starts_with("unreadable request"));
    let unknown = ToWorker::Run {
        exercise: "nope".into(),
        values: ParamValues::default(),
    }
    .to_json();
    assert!(failure(&handle_text(&unknown)).contains("no exercise named \"nope\""));
    // Values the page could never have sent: the worker trusts none.
    let duplicates = exercises::find("duplicates").unwrap();
    let mut values = params::parse(duplicates.all_params(), &Default::default()).unwrap();
    values
        .0
        .insert("sizes".into(), ParamValue::IntList(vec![10, 0]));
    values.0.insert("seed".into(), ParamValue::Int(u64::MAX));
    values
        .0
        .insert("mode".into(), ParamValue::Text("fast".into()));
    values.0.remove("range_divisor");
    let bad = ToWorker::Run {
        exercise: "duplicates".into(),
        values,
    }
    .to_json();
    let message = failure(&handle_text(&bad)).to_string();
    for expected in [
        "sizes: 0 is out of range",
        "seed: 18446744073709551615 is out of range",
        "range_divisor: no value given",
        "mode: \"fast\" is not an option",
    ] {
        assert!(message.contains(expected), "{expected}: {message}");
    }
    let mut wrong_kind = params::parse(duplicates.all_params(), &Default::default()).unwrap();
    wrong_kind
        .0
        .insert("seed".into(), ParamValue::Text("42".into()));
    let bad = ToWorker::Run {
        exercise: "duplicates".into(),
        values: wrong_kind,
    }
    .to_json();
    assert!(failure(&handle_text(&bad)).contains("seed: a value of another kind"));
}

#[test]
fn a_real_exercise_runs_end_to_end() {
    let duplicates = exercises::find("duplicates").unwrap();
    let values =
        params::parse(duplicates.all_params(), &params::from_query("sizes=50,200")).unwrap();
    let request = ToWorker::Run {
        exercise: "duplicates".into(),
        values,
    }
    .to_json();
    let messages = handle_text(&request);
    let FromWorker::Checked(report) = &messages[0] else {
        panic!("{:?}", messages[0])
    };
    assert!(
        report
            .variants
            .iter()
            .all(|v| v.agrees && v.outputs[0] == "[1, 3, 5]"),
        "{report:?}"
    );
    let rows = messages
        .iter()
        .filter(|m| matches!(m, FromWorker::Measured(_)))
        .count();
    assert_eq!(rows, 10, "5 variants × 2 sizes");
    assert_eq!(messages.last(), Some(&FromWorker::Done));
}

#[test]
fn the_thread_sweep_times_the_variant_with_each_pool_size() {
    let points: Vec<(usize, f64)> = run_fake("2000")
        .iter()
        .filter_map(|m| match m {
            FromWorker::ThreadPoint {
                threads,
                measurement,
            } => Some((*threads, per_call_point(measurement).unwrap())),
            _ => None,
        })
        .collect();
    let threads: Vec<usize> = points.iter().map(|p| p.0).collect();
    assert_eq!(threads, [1, 2, 3, 4]);
    for (k, ns) in points {
        let truth = 10.0 * 100_000.0 * (0.2 + 0.8 / k as f64);
        assert!(
            (ns / truth - 1.0).abs() < 0.02,
            "{k} threads: {ns} vs {truth}"
        );
    }
}

#[test]
fn every_size_is_checked_before_it_is_timed_and_a_late_disagreement_stops_the_timing() {
    let at = |messages: &[FromWorker]| -> Vec<exercises::protocol::SizeCheck> {
        messages
            .iter()
            .filter_map(|m| match m {
                FromWorker::SizeChecked(at) => Some(at.clone()),
                _ => None,
            })
            .collect()
    };
    let outcome = |at: &exercises::protocol::SizeCheck, name: &str| {
        at.outputs.iter().find(|o| o.0 == name).map(|o| o.2)
    };
    let measured = |messages: &[FromWorker], name: &str| -> Vec<u64> {
        messages
            .iter()
            .filter_map(|m| match m {
                FromWorker::Measured(m) if m.variant == name => Some(m.size),
                _ => None,
            })
            .collect()
    };
    // Every size timed was checked first; where the reference is over the
    // budget nothing is compared (a check would have to run it).
    let messages = run_fake("2000");
    let checks = at(&messages);
    assert_eq!(checks.iter().map(|c| c.size).collect::<Vec<_>>(), [100, 1000, 10000, 100000]);
    for check in &checks {
        let reference = outcome(check, "quadratic");
        let linear = outcome(check, "linear").expect("linear is timed at every size");
        assert_eq!(linear, reference.map(|_| true), "n = {}", check.size);
        assert_eq!(outcome(check, "wrong"), None, "never timed, never checked again");
    }
    assert!(outcome(&checks[3], "quadratic").is_none(), "n² at 10⁵ is over the budget");
    // A variant that disagrees at a later size is timed no more.
    WRONG_AT.set(Some(1000));
    let messages = run_fake("2000");
    WRONG_AT.set(None);
    let checks = at(&messages);
    assert_eq!(outcome(&checks[0], "linear"), Some(Some(true)));
    assert_eq!(outcome(&checks[1], "linear"), Some(Some(false)));
    assert_eq!(outcome(&checks[2], "linear"), None);
    assert_eq!(measured(&messages, "linear"), [100]);
}

#[test]
fn the_equivalence_check_counts_agreeing_inputs_and_names_the_first_difference() {
    let raw = params::from_query("sizes=100,1000&budget_ms=2000");
    let values = params::parse(FAKE.all_params(), &raw).unwrap();
    let mut messages = Vec::new();
    WRONG_AT.set(Some(1000));
    super::equivalence(&FAKE, &values, &Plain::host(), 20, &mut clock(), &mut |m| messages.push(m));
    WRONG_AT.set(None);
    let table = messages
        .iter()
        .find_map(|m| match m {
            FromWorker::Table(t) if t.id == "equivalence" => Some(t.clone()),
            _ => None,
        })
        .expect("the equivalence table");
    let tally = |name: &str| {
        let (row, hook) = table.hooks.iter().find(|(_, h)| h.testid == format!("equivalence-{name}")).unwrap();
        (hook.data[0].1.clone(), hook.data[1].1.clone(), table.rows[*row][3].clone())
    };
    // The fake has no seed: one input per size, two sizes.
    let (compared, agreed, first) = tally("linear");
    assert_eq!((compared.as_str(), agreed.as_str()), ("2", "1"));
    // The size is named as the fake's axis names it (its parameter, `sizes`).
    assert_eq!(first, "sizes = 1000, seed 1: 4 where quadratic gives 3");
    let (compared, agreed, _) = tally("wrong");
    assert_eq!((compared.as_str(), agreed.as_str()), ("2", "0"));
    assert!(!messages.iter().any(|m| matches!(m, FromWorker::Measured(_))), "nothing is timed");
}

/// The sweep measures the variant and the size the table shows: its
/// 1-thread point is the table's figure for that variant on one thread
/// (the fake's workloads run on one thread unless a sweep sets more).
#[test]
fn the_sweeps_one_thread_point_is_the_tables_single_threaded_figure() {
    let messages = run_fake("2000");
    let one_thread = messages
        .iter()
        .find_map(|m| match m {
            FromWorker::ThreadPoint { threads: 1, measurement } => Some(measurement.clone()),
            _ => None,
        })
        .expect("a 1-thread point");
    let table = messages
        .iter()
        .find_map(|m| match m {
            FromWorker::Measured(m) if m.variant == "linear" && m.size == one_thread.size => Some(m.clone()),
            _ => None,
        })
        .expect("the table's row at the sweep's size");
    assert_eq!(one_thread.variant, "linear", "the sweep times the table's variant");
    let (sweep, row) = (per_call_point(&one_thread).unwrap(), per_call_point(&table).unwrap());
    assert!((sweep / row - 1.0).abs() < 0.02, "1 thread: {sweep} ns in the sweep, {row} ns in the table");
}

/// The tests' build enables every module: every exercise is runnable, and
/// the worker says it is the build of them all.
#[test]
fn the_build_with_every_module_runs_every_exercise() {
    let runnable: Vec<&str> = exercises::RUNNABLE.iter().map(|e| e.id).collect();
    let all: Vec<&str> = exercises::EXERCISES.iter().map(|e| e.id).collect();
    assert_eq!(runnable, all);
    assert_eq!(exercises::runnable_module(), "all");
    for exercise in exercises::EXERCISES {
        let values = params::parse(exercise.all_params(), &Default::default()).unwrap();
        let request = ToWorker::Run { exercise: exercise.id.into(), values }.to_json();
        let found = request_with_seeds(&request).map(|(e, _, _)| e.id);
        // An exercise in sections runs its default section.
        let expected = exercise.sections.first().map_or(exercise.id, |section| section.id);
        assert_eq!(found, Ok(expected), "{}", exercise.id);
    }
}
