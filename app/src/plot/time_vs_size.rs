//! The time-vs-size plot: time per call against size, log-log, with fits.

use exercises::analysis::format_ns;

use super::{theme, PALETTE, Series, draw_legend, legend, measured_sizes, styled_mesh};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Time per call vs size on log-log axes: one line per variant, its 95%
/// interval as a band, the fitted growth dashed, and the slope and class in
/// the legend. `overlay`, a run compared with this one, is drawn in the
/// same colours as hollow markers on dotted lines.
pub fn time_vs_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[Series],
    overlay: &[Series],
    size_name: &str,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| theme::text(size * scale);
    area.fill(&theme::paper())?;
    let points = series.iter().chain(overlay).flat_map(|s| &s.points);
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in points {
        x0 = x0.min(p.size);
        x1 = x1.max(p.size);
        y0 = y0.min(p.low.max(1e-3));
        y1 = y1.max(p.high);
    }
    if x0 > x1 {
        area.draw(&Text::new(
            "no measurements yet",
            (px(20.0), px(20.0)),
            font(14.0),
        ))?;
        return area.present();
    }
    let mut chart = ChartBuilder::on(area)
        .margin(px(12.0))
        .caption("time per call vs size (log-log)", font(16.0))
        .x_label_area_size(px(44.0))
        .y_label_area_size(px(76.0))
        .build_cartesian_2d(
            (x0 / 1.5..x1 * 1.5).log_scale().with_key_points(measured_sizes(series.iter().chain(overlay).flat_map(|s| s.points.iter().map(|p| p.size)))),
            (y0 / 2.0..y1 * 2.0).log_scale(),
        )?;
    styled_mesh(&mut chart, scale, 0.12)
        .x_desc(size_name)
        .y_desc("time per call")
        .y_label_formatter(&|y| format_ns(*y))
        .x_label_formatter(&|x| format!("{x}"))
        .draw()?;
    for (index, s) in series.iter().enumerate() {
        let color = PALETTE[index % PALETTE.len()];
        let line = color.stroke_width(px(2.0).max(1) as u32);
        let thin = color.stroke_width(px(1.0).max(1) as u32);
        chart
            .draw_series(LineSeries::new(
                s.points.iter().map(|p| (p.size, p.median)),
                line,
            ))?
            .label(legend(s))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + px(22.0), y)], line));
        chart.draw_series(
            s.points
                .iter()
                .map(|p| Circle::new((p.size, p.median), px(3.5), color.filled())),
        )?;
        let band: Vec<(f64, f64)> = s
            .points
            .iter()
            .map(|p| (p.size, p.high))
            .chain(s.points.iter().rev().map(|p| (p.size, p.low)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            band,
            color.mix(0.18).filled(),
        )))?;
        chart.draw_series(
            s.points
                .iter()
                .map(|p| PathElement::new(vec![(p.size, p.low), (p.size, p.high)], thin)),
        )?;
        // The fit over the sizes this variant was measured at: beyond them
        // it would run off the chart for fast-growing variants.
        if let (Some(fit), Some(first), Some(last)) = (s.fit, s.points.first(), s.points.last()) {
            let steps = 24;
            let curve = (0..=steps).map(|i| {
                let x = first.size * (last.size / first.size).powf(i as f64 / steps as f64);
                (x, fit.predict(x))
            });
            chart.draw_series(DashedLineSeries::new(curve, px(5.0), px(4.0), thin))?;
        }
    }
    for (index, s) in overlay.iter().enumerate() {
        let index = series
            .iter()
            .position(|own| own.name == s.name)
            .unwrap_or(index);
        let thin = PALETTE[index % PALETTE.len()].stroke_width(px(1.5).max(1) as u32);
        let line = s.points.iter().map(|p| (p.size, p.median));
        let drawn = chart.draw_series(DashedLineSeries::new(line, px(2.0), px(3.0), thin))?;
        if std::ptr::eq(s, &overlay[0]) {
            let grey = theme::ink().mix(0.6).stroke_width(px(1.5).max(1) as u32);
            drawn
                .label("compared run: hollow, dotted")
                .legend(move |(x, y)| Circle::new((x + px(11.0), y), px(4.0), grey));
        }
        chart.draw_series(
            s.points
                .iter()
                .map(|p| Circle::new((p.size, p.median), px(4.5), thin)),
        )?;
    }
    let drawn: Vec<(f64, f64)> = series
        .iter()
        .chain(overlay)
        .flat_map(|s| s.points.iter().flat_map(|p| [(p.size, p.median), (p.size, p.low), (p.size, p.high)]))
        .collect();
    draw_legend(&mut chart, scale, &drawn)?;
    area.present()
}
