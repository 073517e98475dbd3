//! The worker's harness run natively on the host: the same kernels,
//! inputs, sizes and sampling as in the browser, on `std::time::Instant`
//! and native rayon. For each argument `exercise?query` it prints one JSON
//! line: the exercise, the pool's threads and every measurement. Used by
//! `cargo xtask bench --native`, which sets it beside the WebAssembly run.

use std::time::Instant;

use exercises::protocol::FromWorker;
use exercises::runner::Plain;
use worker::harness::{self, Bench, Clock};

/// Nanoseconds since the clock was made.
struct Native(Instant);

impl Clock for Native {
    fn now_ns(&mut self) -> f64 {
        self.0.elapsed().as_nanos() as f64
    }
}

/// The smallest step the clock shows.
fn resolution_ns(clock: &mut Native) -> f64 {
    (0..1000)
        .filter_map(|_| {
            let start = clock.now_ns();
            let mut now = clock.now_ns();
            while now == start {
                now = clock.now_ns();
            }
            Some(now - start)
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() -> Result<(), String> {
    let mut clock = Native(Instant::now());
    let bench = Bench {
        resolution_ns: resolution_ns(&mut clock),
        pool_threads: rayon::current_num_threads(),
    };
    for argument in std::env::args().skip(1) {
        let (id, query) = argument.split_once('?').unwrap_or((&argument, ""));
        let exercise = exercises::find(id).ok_or(format!("no exercise {id}"))?;
        let values = exercise
            .parse(&exercises::params::from_query(query))
            .map_err(|errors| format!("{id}: {errors:?}"))?;
        let described = exercise.section(&values);
        let mut measurements = Vec::new();
        harness::run(described, &values, &Plain::host(), &mut clock, bench, &mut |message| {
            if let FromWorker::Measured(m) = message {
                measurements.push(m);
            }
        });
        let line = serde_json::json!({
            "exercise": id,
            "pool_threads": bench.pool_threads,
            "resolution_ns": bench.resolution_ns,
            "measurements": measurements,
        });
        println!("{line}");
    }
    Ok(())
}
