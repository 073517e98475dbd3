//! The distribution plot: every sample's time per call at one size.

use exercises::analysis::format_ns;

use super::{theme, PALETTE, log_bounds, styled_mesh};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The per-call time of every sample at one size, one strip per variant,
/// on a log axis: the spread and the outliers that a single number hides.
pub fn distribution<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    strips: &[(String, usize, Vec<f64>)],
    at: &str,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| theme::text(size * scale);
    area.fill(&theme::paper())?;
    let Some((x0, x1)) = log_bounds(
        strips
            .iter()
            .flat_map(|(_, _, samples)| samples.iter().copied()),
        1.3,
    ) else {
        area.draw(&Text::new(
            "no samples yet",
            (px(20.0), px(20.0)),
            font(14.0),
        ))?;
        return area.present();
    };
    let rows = strips.len() as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(px(12.0))
        .caption(
            format!("time per call of each sample at {at}"),
            font(16.0),
        )
        .x_label_area_size(px(44.0))
        .y_label_area_size(px(90.0))
        .build_cartesian_2d((x0..x1).log_scale(), -0.5..rows - 0.5)?;
    styled_mesh(&mut chart, scale, 0.08)
        .x_desc("time per call")
        // A few labels: a wide log range would crowd them.
        .x_labels(6)
        .x_label_formatter(&|x| format_ns(*x))
        .y_labels(strips.len())
        .y_label_formatter(&|y| {
            let index = y.round();
            if (y - index).abs() < 1e-6 && index >= 0.0 {
                strips
                    .get(index as usize)
                    .map(|s| s.0.clone())
                    .unwrap_or_default()
            } else {
                String::new()
            }
        })
        .draw()?;
    for (index, (_, colour, samples)) in strips.iter().enumerate() {
        // The variant's own colour, as in the other plots.
        let color = PALETTE[colour % PALETTE.len()];
        // Spread the dots vertically by their order, so equal values stay visible.
        let count = samples.len().max(1) as f64;
        chart.draw_series(samples.iter().enumerate().filter(|(_, s)| **s > 0.0).map(
            |(i, &sample)| {
                let jitter = (i as f64 / count - 0.5) * 0.5;
                Circle::new(
                    (sample, index as f64 + jitter),
                    px(3.0),
                    color.mix(0.75).filled(),
                )
            },
        ))?;
    }
    area.present()
}
