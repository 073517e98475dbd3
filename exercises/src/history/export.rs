//! A run written for other tools: CSV (one row per variant and size, with
//! intervals, every number as Rust prints it so it reads back exactly) and
//! Markdown (the summary table, for a report or an issue).

use super::SavedRun;
use crate::analysis::{Row, format_ns};

/// The CSV header; one line per variant and size follows.
pub const CSV_HEADER: &str = "exercise,variant,size,ns_per_call,ci_low_ns,ci_high_ns,median_ns,samples,speedup,speedup_low,speedup_high";

/// The run's rows as CSV. Times in nanoseconds; a speedup is empty where
/// the baseline was not measured at that size.
pub fn csv(run: &SavedRun, rows: &[Row]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for row in rows {
        let samples = run
            .measurements
            .iter()
            .find(|m| m.variant == row.variant && m.size == row.size)
            .map_or(0, |m| m.times_ns.len());
        let speedup = row.speedup.map_or_else(
            || ",,".to_string(),
            |s| format!("{},{},{}", s.point, s.low, s.high),
        );
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            run.exercise,
            row.variant,
            row.size,
            row.per_call.point,
            row.per_call.low,
            row.per_call.high,
            row.summary.median,
            samples,
            speedup
        ));
    }
    out
}

/// A speedup as the tables show it: "12.3×".
fn times(ratio: f64) -> String {
    let digits = match ratio.abs() {
        x if x < 10.0 => 2,
        x if x < 100.0 => 1,
        _ => 0,
    };
    format!("{ratio:.digits$}×")
}

/// The run as a Markdown section: what ran where, then one table row per
/// variant and size with its interval.
pub fn markdown(run: &SavedRun, rows: &[Row]) -> String {
    let worker = run.environment.worker.clone().unwrap_or_default();
    let mut out = format!(
        "### Perflab: {} ({})\n\n\
         - parameters: `{}`\n\
         - build: {} {}, {} pool thread(s)\n\
         - browser: {} ({} cores, cross-origin isolated: {})\n\
         - started: {}\n\n\
         | variant | size | time per call | 95% interval | speedup | 95% interval |\n\
         |---|---:|---:|---:|---:|---:|\n",
        run.exercise,
        run.outcome.as_str(),
        run.query,
        worker.build,
        worker.version,
        worker.pool_threads,
        run.environment.browser.browser,
        run.environment.browser.cores,
        run.environment.browser.isolated,
        run.started_at,
    );
    for row in rows {
        let (speedup, interval) = row.speedup.map_or_else(
            || ("—".to_string(), "—".to_string()),
            |s| {
                (
                    times(s.point),
                    format!("{} … {}", times(s.low), times(s.high)),
                )
            },
        );
        out.push_str(&format!(
            "| {} | {} | {} | {} … {} | {} | {} |\n",
            row.variant,
            row.size,
            format_ns(row.per_call.point),
            format_ns(row.per_call.low),
            format_ns(row.per_call.high),
            speedup,
            interval
        ));
    }
    out
}
