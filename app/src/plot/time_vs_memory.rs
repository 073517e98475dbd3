//! The time-vs-memory plot: time per call against peak memory per call.

use exercises::Exercise;
use exercises::analysis::{Row, format_bytes, format_ns};

use super::{LogAxes, variant_lines};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Time per call against the memory one call allocated at its peak, one
/// point per variant and size, sizes joined by a line: the trade-off of
/// spending memory for speed (a cache, a buffer) made visible. Variants
/// that allocate nothing sit on the left edge at 1 byte; GPU variants,
/// whose memory the allocator does not see, are left out.
pub fn time_vs_memory<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exercise: &Exercise,
    rows: &[Row],
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let axes = LogAxes {
        caption: "time per call vs peak memory per call (log-log)".into(),
        x_desc: "peak bytes allocated by one call".into(),
        y_desc: "time per call".into(),
        x_label: &|x| format_bytes(x as u64),
        y_label: &|y| format_ns(y),
    };
    let point = |row: &Row| {
        (
            (row.memory.peak_bytes as f64).max(1.0),
            row.per_call.point.max(1e-3),
        )
    };
    let on_cpu: Vec<Row> = rows
        .iter()
        .filter(|row| !exercise.on_gpu(&row.variant))
        .cloned()
        .collect();
    variant_lines(area, exercise, &on_cpu, &axes, &point, (2.0, 2.0), scale)
}
