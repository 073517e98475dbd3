//! The harness run natively on the host: the same kernels, inputs, sizes
//! and sampling as in the browser, on `std::time::Instant`, native rayon
//! and `Plain` as the browser. `native_bench` prints its measurements for
//! `cargo xtask bench --native`, and saves each run as a history record
//! that the exercise page imports to set its WebAssembly run against
//! native code on the same machine (the comparison's ratios are then
//! WebAssembly over native).

use std::time::Instant;

use exercises::history::{BrowserInfo, Environment, FORMAT, Outcome, SavedRun};
use exercises::params;
use exercises::protocol::{FromWorker, WorkerInfo};
use exercises::runner::Plain;

use crate::harness::{self, Bench, Clock};

/// Nanoseconds since the clock was made.
pub struct Native(Instant);

impl Clock for Native {
    fn now_ns(&mut self) -> f64 {
        self.0.elapsed().as_nanos() as f64
    }
}

impl Native {
    /// A clock from now.
    pub fn new() -> Native {
        Native(Instant::now())
    }

    /// The smallest step the clock shows.
    pub fn resolution_ns(&mut self) -> f64 {
        (0..1000)
            .map(|_| {
                let start = self.now_ns();
                let mut now = self.now_ns();
                while now == start {
                    now = self.now_ns();
                }
                now - start
            })
            .fold(f64::INFINITY, f64::min)
    }
}

impl Default for Native {
    fn default() -> Native {
        Native::new()
    }
}

/// Runs exercise `id` with the parameters of `query` (the page's URL query;
/// a parameter it leaves out takes its default) and returns the run as the
/// page would keep it, its environment saying "native".
pub fn run(id: &str, query: &str, clock: &mut Native, bench: Bench) -> Result<SavedRun, String> {
    let exercise = exercises::find(id).ok_or(format!("no exercise {id}"))?;
    let raw = params::from_query(query);
    let values = exercise
        .parse(&raw)
        .map_err(|errors| format!("{id}: {errors:?}"))?;
    let query = params::to_query(
        exercise
            .all_params()
            .map(|spec| (spec.name, raw.get(spec.name).map_or(spec.default, String::as_str))),
    );
    let environment = Environment {
        worker: Some(WorkerInfo {
            build: "native".into(),
            module: "all".into(),
            version: option_env!("PERFLAB_VERSION").unwrap_or("unversioned").into(),
            pool_threads: bench.pool_threads,
            timer_resolution_ns: bench.resolution_ns,
            empty_kernel_ns: harness::empty_kernel_ns(clock, bench.resolution_ns),
            module_load_ms: 0.0,
            nested_workers: false,
        }),
        browser: BrowserInfo {
            isolated: false,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get() as u32),
            simd: true,
            threads: true,
            webgpu: ("none".into(), "a native run has no WebGPU lane".into()),
            browser: format!("native code ({}-{}), no browser", std::env::consts::ARCH, std::env::consts::OS),
        },
    };
    let mut record = SavedRun {
        format: FORMAT,
        exercise: id.into(),
        query,
        outcome: Outcome::Done,
        message: String::new(),
        started_at: now_iso(),
        finished_at: String::new(),
        environment,
        check: None,
        measurements: Vec::new(),
        thread_sweep: Vec::new(),
        skipped: Vec::new(),
        tables: Vec::new(),
    };
    let described = exercise.section(&values);
    harness::run(described, &values, &Plain::host(), clock, bench, &mut |message| match message {
        FromWorker::Checked(report) => record.check = Some(report),
        FromWorker::SizeChecked(at) => {
            if let Some(report) = &mut record.check {
                report.by_size.push(at);
            }
        }
        FromWorker::Measured(measurement) => record.measurements.push(measurement),
        FromWorker::ThreadPoint { threads, measurement } => record.thread_sweep.push((threads, measurement)),
        FromWorker::Skipped(skip) => record.skipped.push(skip),
        FromWorker::Failed { message } => {
            record.outcome = Outcome::Error;
            record.message = message;
        }
        _ => {}
    });
    record.finished_at = now_iso();
    Ok(record)
}

/// Now, as JavaScript's `toISOString` writes it (UTC, milliseconds).
fn now_iso() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.millisecond()
    )
}
