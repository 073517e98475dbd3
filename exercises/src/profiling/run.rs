//! Inputs for `profiling`, and the profiled run of the seed's program with
//! its real waits.

use std::hint::black_box;
use std::rc::Rc;

use kernels::profiling::{
    Call, Data, FunctionStats, Profiler, Unprofiled, VARIANTS, flame_graph, main, main_optimized,
    passes, stats,
};

use super::Params;
use crate::protocol::{DemoTable, Flame, FlameSpan, FromWorker};
use crate::runner::{Browser, Case, Host, KernelList, Kernels, Live, Output, Runner, Workload};

pub struct Profiling;

static KERNELS: Kernels<Data, u64> = Kernels {
    variants: &VARIANTS,
    threaded: None,
};

fn describe(_: &Data, total: u64, _: &u64) -> Output {
    Output::shown_as(format!("total={total}"), &[total][..])
}

impl Runner for Profiling {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &KERNELS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        let values = params.values[0];
        let label = format!("seeded lists of {values} and {} values", 2 * values);
        vec![(label, self.workload(params, host, values))]
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        KERNELS.table(Data::generate(params.seed, size as usize), describe)
    }

    fn live(&self, params: &Params, host: &Host) -> Option<Live> {
        let values = params.values[0] as usize;
        let wait_ms = params.wait_ms as u32;
        Some(Box::pin(profile(params.seed, values, wait_ms, host.clone())))
    }
}

/// One profiled run of a program.
struct Profile {
    total: u64,
    calls: Vec<Call>,
    stats: Vec<FunctionStats>,
}

impl Profile {
    fn new(total: u64, profiler: &Profiler) -> Profile {
        let calls = profiler.calls();
        Profile {
            total,
            stats: stats(&calls),
            calls,
        }
    }

    fn cumtime_ms(&self, name: &str) -> f64 {
        self.stats
            .iter()
            .find(|line| line.name == name)
            .map_or(0.0, |line| line.cumtime_ns / 1e6)
    }

    fn wall_ms(&self) -> f64 {
        self.cumtime_ms("main")
    }

    fn waiting_ms(&self) -> f64 {
        self.cumtime_ms("time.sleep")
    }

    fn compute_ms(&self) -> f64 {
        self.wall_ms() - self.waiting_ms()
    }
}

/// Profiles the seed's program and the optimized one, measures the
/// profiler's overhead, and writes the report.
async fn profile(
    seed: u64,
    values: usize,
    wait_ms: u32,
    browser: Rc<dyn Browser>,
) -> Vec<FromWorker> {
    let clock = || browser.now_ms() * 1e6;
    let sleep = |ms| browser.sleep(ms);
    // First, because it warms the code up: the browser runs WebAssembly
    // from a quick baseline compile at first and optimizes hot functions
    // later, and a profile of cold code would mostly show the compiler.
    let (overhead, per_span_ns) = overhead(&Data::generate(seed, values), &*browser);

    let profiler = Profiler::new(&clock);
    let total = main(&profiler, seed, values, wait_ms, sleep).await;
    let naive = Profile::new(total, &profiler);

    let profiler = Profiler::new(&clock);
    let total = main_optimized(&profiler, seed, values, wait_ms, sleep).await;
    let optimized = Profile::new(total, &profiler);

    vec![
        FromWorker::Table(profile_table(
            "profile-naive",
            "The seed's main(), profiled",
            &naive,
        )),
        FromWorker::Flame(flame(
            "naive",
            "Flame graph of the seed's main(): width is time, stacks merged",
            &naive,
            None,
        )),
        FromWorker::Flame(flame(
            "naive-compute",
            "The same without the waits: where the compute goes",
            &naive,
            Some("time.sleep"),
        )),
        FromWorker::Table(report(&naive, &optimized, per_span_ns)),
        FromWorker::Table(profile_table(
            "profile-optimized",
            "The optimized main(), profiled",
            &optimized,
        )),
        FromWorker::Flame(flame(
            "optimized-compute",
            "The optimized main() without the waits",
            &optimized,
            Some("time.sleep"),
        )),
        FromWorker::Table(wall_time(wait_ms, &naive, &optimized)),
        FromWorker::Table(overhead),
    ]
}

/// The pstats table: one row per function by cumulative time, the top 5
/// highlighted.
fn profile_table(id: &str, title: &str, profile: &Profile) -> DemoTable {
    let ms = |ns: f64| format!("{:.3}", ns / 1e6);
    let us = |ns: f64, calls: u64| format!("{:.2}", ns / 1e3 / calls.max(1) as f64);
    DemoTable {
        id: id.into(),
        title: title.into(),
        caption: format!(
            "Like pstats sort_stats('cumulative'): {} calls recorded; the top 5 by cumulative time are \
             highlighted. Returned total={}.",
            profile.calls.len(),
            profile.total
        ),
        columns: [
            "ncalls",
            "tottime (ms)",
            "percall (µs)",
            "cumtime (ms)",
            "percall (µs)",
            "function",
        ]
        .map(String::from)
        .to_vec(),
        rows: profile
            .stats
            .iter()
            .map(|line| {
                vec![
                    line.ncalls.to_string(),
                    ms(line.tottime_ns),
                    us(line.tottime_ns, line.ncalls),
                    ms(line.cumtime_ns),
                    us(line.cumtime_ns, line.ncalls),
                    line.name.to_string(),
                ]
            })
            .collect(),
        highlighted: 5,
        hooks: Vec::new(),
    }
}

fn flame(id: &str, title: &str, profile: &Profile, leave_out: Option<&str>) -> Flame {
    let spans = flame_graph(&profile.calls, leave_out)
        .into_iter()
        .map(|node| FlameSpan {
            name: if node.calls > 1 {
                format!("{} ×{}", node.name, node.calls)
            } else {
                node.name.to_string()
            },
            depth: node.depth,
            start_ms: node.start_ns / 1e6,
            end_ms: (node.start_ns + node.width_ns) / 1e6,
        })
        .collect();
    Flame {
        id: id.into(),
        title: title.into(),
        spans,
    }
}

fn wall_time(wait_ms: u32, naive: &Profile, optimized: &Profile) -> DemoTable {
    let row = |name: &str, p: &Profile| {
        vec![
            name.to_string(),
            format!("{:.1}", p.wall_ms()),
            format!("{:.1}", p.waiting_ms()),
            format!("{:.3}", p.compute_ms()),
            format!("{:.1}%", 100.0 * p.compute_ms() / p.wall_ms().max(1e-9)),
        ]
    };
    DemoTable {
        id: "wall-time".into(),
        title: "Wall time: computing vs waiting".into(),
        caption: format!(
            "Both programs wait 2 × {wait_ms} ms. Fixing the compute shrinks only the compute; the waits \
             stay, and with them most of the wall time. Overlapping waits is the concurrency exercise's \
             subject."
        ),
        columns: [
            "program",
            "wall time (ms)",
            "waiting (ms)",
            "compute (ms)",
            "compute share",
        ]
        .map(String::from)
        .to_vec(),
        rows: vec![
            row("seed's main()", naive),
            row("optimized main()", optimized),
        ],
        highlighted: 0,
        hooks: Vec::new(),
    }
}

/// The compute of the seed's program timed with and without the profiler,
/// alternately, in batches of at least 20 ms; the fastest of each is kept
/// (interference only ever adds time). Both run for a while first: the
/// browser compiles WebAssembly quickly first and optimizes hot functions
/// later, and a comparison across that switch would mean nothing.
fn overhead(data: &Data, browser: &dyn Browser) -> (DemoTable, f64) {
    const BATCH_MS: f64 = 20.0;
    const WARM_UP_MS: f64 = 300.0;
    const ROUNDS: usize = 10;
    let clock = || browser.now_ms() * 1e6;
    // Called through pointers, so neither is inlined here: a loop inlined
    // into this function, which runs once, would never be optimized.
    let plain: fn(&Data) -> u64 = black_box(unprofiled_passes);
    let profiled: fn(&Data, &dyn Fn() -> f64) -> (u64, usize) = black_box(profiled_passes);
    let start = browser.now_ms();
    let mut calls = 0;
    while browser.now_ms() - start < WARM_UP_MS {
        black_box(plain(black_box(data)));
        black_box(profiled(black_box(data), &clock));
        calls += 1;
    }
    let single_ms = (browser.now_ms() - start) / calls as f64;
    let batch = (BATCH_MS / single_ms).ceil().clamp(1.0, 1000.0) as usize;
    let mut best = [f64::INFINITY; 2];
    let mut spans = 0;
    for _ in 0..ROUNDS {
        let start = browser.now_ms();
        for _ in 0..batch {
            black_box(plain(black_box(data)));
        }
        best[0] = best[0].min((browser.now_ms() - start) / batch as f64);
        let start = browser.now_ms();
        for _ in 0..batch {
            spans = black_box(profiled(black_box(data), &clock)).1;
        }
        best[1] = best[1].min((browser.now_ms() - start) / batch as f64);
    }
    let [plain, profiled] = best;
    let per_span_ns = (profiled - plain).max(0.0) * 1e6 / spans.max(1) as f64;
    let table = DemoTable {
        id: "overhead".into(),
        title: "The profiler's overhead".into(),
        caption: format!(
            "The three passes of process_data, unprofiled and profiled, timed alternately ({ROUNDS} rounds of \
             {batch} calls; the fastest round of each). Each span reads the clock twice and records a call: \
             a profile slows the code it measures, most where calls are short and many, which is why \
             cProfile's numbers for small functions run high."
        ),
        columns: [
            "unprofiled (ms)",
            "profiled (ms)",
            "overhead",
            "spans",
            "per span (ns)",
        ]
        .map(String::from)
        .to_vec(),
        rows: vec![vec![
            format!("{plain:.3}"),
            format!("{profiled:.3}"),
            format!("{:+.0}%", 100.0 * (profiled - plain) / plain.max(1e-9)),
            spans.to_string(),
            format!("{per_span_ns:.0}"),
        ]],
        highlighted: 0,
        hooks: Vec::new(),
    };
    (table, per_span_ns)
}

fn unprofiled_passes(data: &Data) -> u64 {
    passes(&Unprofiled, data)
}

/// The passes under a fresh profiler: the total and the spans recorded.
fn profiled_passes(data: &Data, clock: &dyn Fn() -> f64) -> (u64, usize) {
    let profiler = Profiler::new(clock);
    let total = passes(&profiler, data);
    (total, profiler.recorded())
}

/// The bottleneck report, generated from the profile: where the compute
/// goes, how much is waiting, which calls repeat an input, and what the fix
/// changed. A function's own time includes the profiler's bookkeeping for
/// every call it makes; `per_span_ns` (measured) is taken off for each,
/// as Python's `profile` module subtracts its calibrated bias, so a caller
/// of many short functions is not mistaken for the bottleneck.
fn report(naive: &Profile, optimized: &Profile, per_span_ns: f64) -> DemoTable {
    let compute_ms = naive.compute_ms();
    let mut rows = Vec::new();
    let own_ms =
        |line: &FunctionStats| (line.tottime_ns - per_span_ns * line.callees as f64).max(0.0) / 1e6;
    let busiest = naive
        .stats
        .iter()
        .filter(|l| l.name != "time.sleep")
        .max_by(|a, b| own_ms(a).total_cmp(&own_ms(b)));
    if let Some(line) = busiest {
        rows.push(vec![
            "bottleneck".into(),
            format!(
                "{}: {:.2} ms of {:.2} ms of compute ({:.0}%) in its own code, {} calls",
                line.name,
                own_ms(line),
                compute_ms,
                100.0 * own_ms(line) / compute_ms.max(1e-9),
                line.ncalls
            ),
            suggestion(line.name),
        ]);
    }
    if naive.waiting_ms() > 0.0 {
        rows.push(vec![
            "waiting".into(),
            format!("time.sleep: {:.1} ms of {:.1} ms of wall time ({:.0}%)", naive.waiting_ms(), naive.wall_ms(), 100.0 * naive.waiting_ms() / naive.wall_ms()),
            "no faster arithmetic shortens a wait: overlap the waits with work or with each other (asynchronous I/O)".into(),
        ]);
    }
    for line in naive
        .stats
        .iter()
        .filter(|l| l.keyed_calls > l.distinct_keys)
    {
        rows.push(vec![
            "repeated input".into(),
            format!(
                "{}: {} calls, {} distinct inputs",
                line.name, line.keyed_calls, line.distinct_keys
            ),
            format!(
                "memoize {}: {} calls repeat an earlier input",
                line.name,
                line.keyed_calls - line.distinct_keys
            ),
        ]);
    }
    rows.push(vec![
        "after the fix".into(),
        format!(
            "compute {:.3} ms → {:.3} ms; totals {}",
            compute_ms,
            optimized.compute_ms(),
            if naive.total == optimized.total {
                "equal".to_string()
            } else {
                format!("differ: {} vs {}", naive.total, optimized.total)
            }
        ),
        format!(
            "what is left is waiting: {:.0}% of the wall time",
            100.0 * optimized.waiting_ms() / optimized.wall_ms().max(1e-9)
        ),
    ]);
    DemoTable {
        id: "report".into(),
        title: "Bottleneck report".into(),
        caption: format!(
            "Generated from the seed's profile: the function with the most time in its own code (less the \
             profiler's measured {per_span_ns:.0} ns for each call it makes, as Python's profile module \
             subtracts its calibrated bias), the share spent waiting, the calls that repeat an input, and \
             what the optimized program changed."
        ),
        columns: ["finding", "evidence", "suggested fix"]
            .map(String::from)
            .to_vec(),
        rows,
        highlighted: 0,
        hooks: Vec::new(),
    }
}

/// What to do about a hot function of the seed's program.
fn suggestion(name: &str) -> String {
    match name {
        "slow_calculation" => {
            "its loop adds i² for every i < n: the closed form (n − 1)·n·(2n − 1)/6 gives the \
                               same integer in O(1) instead of O(n)"
                .into()
        }
        "process_data" => {
            "it sums slow_calculation over a list: make slow_calculation cheaper".into()
        }
        "random.randint" => "draw the numbers in one batch rather than one call each".into(),
        other => format!("look inside {other} for work repeated on every call"),
    }
}
