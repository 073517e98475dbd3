//! The flame graph: a profiled call tree drawn as an icicle.

use exercises::protocol::Flame;

use super::{theme, PALETTE, styled_mesh};
use plotters::coord::Shift;
use plotters::prelude::*;

/// A flame graph drawn as an icicle: one row per stack depth from the top,
/// each box as wide as its time, labelled where the label fits.
pub fn flame<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    flame: &Flame,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| theme::text(size * scale);
    area.fill(&theme::paper())?;
    let depth = flame.spans.iter().map(|s| s.depth + 1).max().unwrap_or(1) as f64;
    let end = flame
        .spans
        .iter()
        .map(|s| s.end_ms)
        .fold(0.0, f64::max)
        .max(1e-6);
    let mut chart = ChartBuilder::on(area)
        .margin(px(12.0))
        .caption(&flame.title, font(15.0))
        .x_label_area_size(px(40.0))
        .y_label_area_size(px(20.0))
        .build_cartesian_2d(0.0..end, depth..0.0)?;
    styled_mesh(&mut chart, scale, 0.08)
        .x_desc("time (ms)")
        .disable_y_mesh()
        .y_labels(0)
        .draw()?;
    let names: Vec<&str> = flame
        .spans
        .iter()
        // "process ×3" is `process`'s, and in a Gantt chart "blur #7" (a
        // plugin on item 7) is `blur`'s colour.
        .map(|s| s.name.split(" ×").next().and_then(|n| n.split(" #").next()).unwrap_or(&s.name))
        .collect();
    // One colour per distinct name, in order of first appearance.
    let mut distinct: Vec<&str> = Vec::new();
    for name in &names {
        if !distinct.contains(name) {
            distinct.push(name);
        }
    }
    let plotting = chart.plotting_area();
    let (width_px, height_px) = plotting.dim_in_pixel();
    // Labels need a row at least as tall as their text.
    let row_fits_text = height_px as f64 / depth >= 14.0 * scale;
    for (span, name) in flame.spans.iter().zip(&names) {
        let index = distinct.iter().position(|n| n == name).unwrap_or(0);
        let color = PALETTE[index % PALETTE.len()];
        let top = span.depth as f64;
        let corners = [(span.start_ms, top + 0.04), (span.end_ms, top + 0.96)];
        plotting.draw(&Rectangle::new(corners, color.mix(0.75).filled()))?;
        let box_px = (span.end_ms - span.start_ms) / end * width_px as f64;
        let label = format!("{} ({:.2} ms)", span.name, span.end_ms - span.start_ms);
        // About 7 px per character at 12 px: show what fits, else nothing.
        let fits = if !row_fits_text {
            None
        } else if box_px > label.chars().count() as f64 * 7.0 * scale {
            Some(label)
        } else if box_px > span.name.chars().count() as f64 * 7.0 * scale {
            Some(span.name.clone())
        } else {
            None
        };
        if let Some(text) = fits {
            let style = font(12.0).color(&WHITE).pos(
                plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Left,
                    plotters::style::text_anchor::VPos::Center,
                ),
            );
            plotting.draw(&Text::new(
                text,
                (span.start_ms + end * 0.003, top + 0.5),
                style,
            ))?;
        }
    }
    area.present()
}
