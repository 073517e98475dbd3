//! The throughput plot: work per second against size, per variant.

use exercises::Exercise;
use exercises::analysis::Row;

use super::{LogAxes, format_rate, variant_lines};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Throughput vs size (log-log), one series per variant: the work one
/// call does (`per_call(size)` units) divided by its time.
pub fn throughput_vs_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exercise: &Exercise,
    rows: &[Row],
    unit: &str,
    per_call: &dyn Fn(u64) -> f64,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let axes = LogAxes {
        caption: format!("throughput vs size ({unit}/s, log-log)"),
        x_desc: exercise.size_name(),
        y_desc: format!("{unit}/s"),
        x_label: &|x| format!("{x:.0}"),
        y_label: &format_rate,
    };
    let point = |row: &Row| {
        (
            row.size as f64,
            per_call(row.size) / (row.per_call.point.max(1e-3) * 1e-9),
        )
    };
    variant_lines(area, exercise, rows, &axes, &point, (1.5, 2.0), scale)
}
