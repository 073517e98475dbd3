//! The memory-over-steps plot: live bytes after each step of one call.

use exercises::Exercise;
use exercises::analysis::format_bytes;
use exercises::protocol::MemorySteps;

use super::{theme, PALETTE, draw_legend, styled_mesh};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Live bytes after every step of one call, one line per variant, and the
/// naive variant's own estimate (the seed's formula) dashed.
pub fn memory_steps<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exercise: &Exercise,
    steps: &[MemorySteps],
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| theme::text(size * scale);
    area.fill(&theme::paper())?;
    let last_step = steps
        .iter()
        .map(|s| s.live_bytes.len())
        .max()
        .unwrap_or(0)
        .max(2) as f64;
    let top = steps
        .iter()
        .flat_map(|s| {
            s.live_bytes.iter().chain(
                s.estimate_bytes
                    .first()
                    .map(|_| &s.estimate_bytes)
                    .into_iter()
                    .flatten(),
            )
        })
        .fold(1.0f64, |acc, &b| acc.max(b as f64));
    let mut chart = ChartBuilder::on(area)
        .margin(px(12.0))
        .caption("live bytes after each step of one call", font(16.0))
        .x_label_area_size(px(44.0))
        .y_label_area_size(px(76.0))
        .build_cartesian_2d(1.0..last_step, 0.0..top * 1.08)?;
    styled_mesh(&mut chart, scale, 0.12)
        .x_desc("step")
        .y_desc("bytes live")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format_bytes(*y as u64))
        .draw()?;
    for (index, variant) in exercise.all_variants().enumerate() {
        let Some(mine) = steps.iter().find(|s| s.variant == variant.name) else {
            continue;
        };
        let color = PALETTE[index % PALETTE.len()];
        let points = mine
            .live_bytes
            .iter()
            .enumerate()
            .map(|(i, &b)| ((i + 1) as f64, b as f64));
        chart
            .draw_series(LineSeries::new(
                points,
                color.stroke_width(px(2.0).max(1) as u32),
            ))?
            .label(variant.name)
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + px(22.0), y)],
                    color.stroke_width(px(2.0) as u32),
                )
            });
        if index == 0 {
            let estimate = mine
                .estimate_bytes
                .iter()
                .enumerate()
                .map(|(i, &b)| ((i + 1) as f64, b as f64));
            let dashed = color.mix(0.6).stroke_width(px(1.5).max(1) as u32);
            chart
                .draw_series(DashedLineSeries::new(estimate, px(6.0), px(4.0), dashed))?
                .label(format!("{}: the seed's memory_estimate", variant.name))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + px(22.0), y)], dashed));
        }
    }
    draw_legend(&mut chart, scale, &[])?;
    area.present()
}
