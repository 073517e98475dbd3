//! The thread-scaling plot: speedup and efficiency against threads, with Amdahl's law.

use exercises::analysis::{ScalingPoint, amdahl_speedup};

use super::{theme, PALETTE, draw_legend, styled_mesh};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Speedup vs threads: measured points with their intervals, the ideal
/// (speedup = threads) and the Amdahl's-law curve of the fitted serial
/// fraction.
pub fn scaling<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[ScalingPoint],
    serial_fraction: Option<f64>,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| theme::text(size * scale);
    area.fill(&theme::paper())?;
    let Some(max_threads) = points.iter().map(|p| p.threads).max() else {
        area.draw(&Text::new(
            "no thread sweep yet",
            (px(20.0), px(20.0)),
            font(14.0),
        ))?;
        return area.present();
    };
    let top = points
        .iter()
        .map(|p| p.speedup.high)
        .fold(max_threads as f64, f64::max)
        * 1.1;
    let x_range = 0.5..max_threads as f64 + 0.5;
    let efficiency_top = points.iter().map(|p| p.efficiency).fold(1.0, f64::max) * 1.1;
    let mut chart = ChartBuilder::on(area)
        .margin(px(12.0))
        .caption(
            "thread scaling: speedup and efficiency against one thread",
            font(16.0),
        )
        .x_label_area_size(px(44.0))
        .y_label_area_size(px(50.0))
        .right_y_label_area_size(px(64.0))
        .build_cartesian_2d(x_range.clone(), 0.0..top)?
        .set_secondary_coord(x_range, 0.0..efficiency_top);
    styled_mesh(&mut chart, scale, 0.12)
        .x_desc("threads")
        .y_desc("speedup (×)")
        .x_labels(max_threads.min(16))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()?;
    let gray = theme::ink().mix(0.45).stroke_width(px(1.0).max(1) as u32);
    chart
        .draw_series(DashedLineSeries::new(
            [(1.0, 1.0), (max_threads as f64, max_threads as f64)],
            px(6.0),
            px(4.0),
            gray,
        ))?
        .label("ideal: speedup = threads")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + px(22.0), y)], gray));
    let color = PALETTE[1];
    if let Some(s) = serial_fraction {
        let line = color.stroke_width(px(2.0).max(1) as u32);
        let curve = (0..=40).map(|i| {
            let k = 1.0 + (max_threads as f64 - 1.0) * i as f64 / 40.0;
            (k, amdahl_speedup(s, k))
        });
        chart
            .draw_series(LineSeries::new(curve, line))?
            .label(format!("Amdahl's law, serial fraction {:.1}%", s * 100.0))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + px(22.0), y)], line));
    }
    let dot = PALETTE[0];
    chart
        .draw_series(
            points
                .iter()
                .map(|p| Circle::new((p.threads as f64, p.speedup.point), px(4.0), dot.filled())),
        )?
        .label("measured, 95% interval")
        .legend(move |(x, y)| Circle::new((x + px(11.0), y), px(4.0), dot.filled()));
    let thin = dot.stroke_width(px(1.5).max(1) as u32);
    chart.draw_series(points.iter().map(|p| {
        PathElement::new(
            vec![
                (p.threads as f64, p.speedup.low),
                (p.threads as f64, p.speedup.high),
            ],
            thin,
        )
    }))?;
    // Efficiency (speedup per thread) on the right-hand axis.
    chart
        .configure_secondary_axes()
        .y_desc("efficiency")
        .label_style(font(12.0))
        .axis_desc_style(font(13.0))
        .y_label_formatter(&|e| format!("{:.0}%", e * 100.0))
        .draw()?;
    let green = PALETTE[2];
    let line = green.stroke_width(px(2.0).max(1) as u32);
    chart
        .draw_secondary_series(LineSeries::new(
            points.iter().map(|p| (p.threads as f64, p.efficiency)),
            line,
        ))?
        .label("efficiency (right axis)")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + px(22.0), y)], line));
    chart.draw_secondary_series(
        points.iter().map(|p| {
            TriangleMarker::new((p.threads as f64, p.efficiency), px(5.0), green.filled())
        }),
    )?;
    draw_legend(&mut chart, scale, &[])?;
    area.present()
}
