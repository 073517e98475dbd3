//! The speedups plot: speedup over the baseline per variant and size.

use exercises::Exercise;
use exercises::analysis::Row;
use exercises::stats::Estimate;

use super::{theme, PALETTE, draw_legend, log_bounds, measured_sizes, styled_mesh};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Speedup over the baseline for each variant and size, on log axes: a dot
/// with whiskers for its 95% interval, and the target as a dashed line.
pub fn speedups<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exercise: &Exercise,
    rows: &[Row],
    overlay: &[Row],
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| theme::text(size * scale);
    area.fill(&theme::paper())?;
    let speedups_of = |rows: &'_ [Row]| -> Vec<(Row, Estimate)> {
        rows.iter()
            .filter(|r| r.variant != exercise.target.baseline)
            .filter_map(|r| Some((r.clone(), r.speedup?)))
            .collect()
    };
    let with_speedup = speedups_of(rows);
    let compared = speedups_of(overlay);
    let target = exercise.target.speedup;
    let xs = log_bounds(
        with_speedup
            .iter()
            .chain(&compared)
            .map(|(r, _)| r.size as f64),
        1.5,
    );
    let ys = log_bounds(
        with_speedup
            .iter()
            .chain(&compared)
            .flat_map(|(_, s)| [s.low, s.high])
            .chain([target, 1.0]),
        1.6,
    );
    let (Some((x0, x1)), Some((y0, y1))) = (xs, ys) else {
        area.draw(&Text::new(
            "no speedups yet",
            (px(20.0), px(20.0)),
            font(14.0),
        ))?;
        return area.present();
    };
    let mut chart = ChartBuilder::on(area)
        .margin(px(12.0))
        .caption(
            format!("speedup over {} (95% intervals)", exercise.target.baseline),
            font(16.0),
        )
        .x_label_area_size(px(44.0))
        .y_label_area_size(px(60.0))
        .build_cartesian_2d(
            (x0..x1).log_scale().with_key_points(measured_sizes(with_speedup.iter().map(|(r, _)| r.size as f64))),
            (y0..y1).log_scale(),
        )?;
    styled_mesh(&mut chart, scale, 0.12)
        .x_desc(exercise.size_name())
        .y_desc("speedup (×)")
        .x_label_formatter(&|x| format!("{x}"))
        .y_label_formatter(&|y| format!("{y}×"))
        .draw()?;
    let gray = theme::ink().mix(0.5).stroke_width(px(1.0).max(1) as u32);
    chart
        .draw_series(DashedLineSeries::new(
            [(x0, target), (x1, target)],
            px(6.0),
            px(4.0),
            gray,
        ))?
        .label(format!("target: {target}× at {}", exercise.at_size(exercise.target.size)))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + px(22.0), y)], gray));
    let mut drawn = Vec::new();
    for (index, variant) in exercise.all_variants().enumerate() {
        let color = PALETTE[index % PALETTE.len()];
        let points: Vec<(f64, Estimate)> = with_speedup
            .iter()
            .filter(|(r, _)| r.variant == variant.name)
            .map(|(r, s)| (r.size as f64, *s))
            .collect();
        if points.is_empty() {
            continue;
        }
        // Variants side by side at each size, so whiskers do not overlap.
        let nudge = 1.0 + 0.04 * (index as f64 - exercise.all_variants().count() as f64 / 2.0);
        let thin = color.stroke_width(px(1.5).max(1) as u32);
        drawn.extend(points.iter().flat_map(|(x, s)| [(x * nudge, s.point), (x * nudge, s.low), (x * nudge, s.high)]));
        chart
            .draw_series(
                points
                    .iter()
                    .map(|(x, s)| Circle::new((x * nudge, s.point), px(4.0), color.filled())),
            )?
            .label(variant.name)
            .legend(move |(x, y)| Circle::new((x + px(11.0), y), px(4.0), color.filled()));
        chart.draw_series(
            points.iter().map(|(x, s)| {
                PathElement::new(vec![(x * nudge, s.low), (x * nudge, s.high)], thin)
            }),
        )?;
        // The compared run, hollow, just beside this run's point.
        let before = compared
            .iter()
            .filter(|(r, _)| r.variant == variant.name)
            .map(|(r, s)| (r.size as f64 * nudge * 1.02, *s));
        for (x, s) in before {
            chart.draw_series(std::iter::once(Circle::new((x, s.point), px(4.5), thin)))?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, s.low), (x, s.high)],
                thin,
            )))?;
        }
    }
    draw_legend(&mut chart, scale, &drawn)?;
    area.present()
}
