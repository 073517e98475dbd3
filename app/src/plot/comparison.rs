//! Two runs compared: per variant and size, the ratio of their times with
//! its 95% interval, against the band of no significant change. (The runs
//! themselves are overlaid on the time-vs-size and speedup plots.)

use exercises::Exercise;
use exercises::history::compare::{CompareRow, NOISE};

use super::{theme, PALETTE, log_bounds, styled_mesh};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The ratios of `rows` (this run's time over the other's), by size.
pub fn comparison<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exercise: &Exercise,
    rows: &[CompareRow],
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| theme::text(size * scale);
    area.fill(&theme::paper())?;
    let xs = log_bounds(rows.iter().map(|r| r.size as f64), 1.5);
    let ratios = log_bounds(
        rows.iter()
            .flat_map(|r| [r.ratio.low, r.ratio.high])
            .chain([1.0 - 2.0 * NOISE, 1.0 + 2.0 * NOISE]),
        1.15,
    );
    let (Some((x0, x1)), Some((r0, r1))) = (xs, ratios) else {
        area.draw(&Text::new(
            "no rows in common",
            (px(20.0), px(20.0)),
            font(14.0),
        ))?;
        return area.present();
    };
    let mut chart = ChartBuilder::on(area)
        .margin(px(12.0))
        .caption(
            format!(
                "time ratio, this run ÷ the other (shaded: within ±{:.0}%)",
                NOISE * 100.0
            ),
            font(15.0),
        )
        .x_label_area_size(px(44.0))
        .y_label_area_size(px(60.0))
        .build_cartesian_2d((x0..x1).log_scale(), (r0..r1).log_scale())?;
    styled_mesh(&mut chart, scale, 0.12)
        .x_desc(exercise.size_name())
        .y_desc("ratio (above 1: slower)")
        .x_label_formatter(&|x| format!("{x}"))
        .y_label_formatter(&|y| format!("{y:.2}"))
        .draw()?;
    chart.draw_series(std::iter::once(Rectangle::new(
        [(x0, 1.0 - NOISE), (x1, 1.0 + NOISE)],
        theme::ink().mix(0.08).filled(),
    )))?;
    let count = exercise.all_variants().count().max(1) as f64;
    for row in rows {
        let index = exercise
            .all_variants()
            .position(|v| v.name == row.variant)
            .unwrap_or(0);
        // Variants side by side at each size, so whiskers do not overlap.
        let x = row.size as f64 * (1.0 + 0.04 * (index as f64 - count / 2.0));
        let color = PALETTE[index % PALETTE.len()];
        chart.draw_series(std::iter::once(Circle::new(
            (x, row.ratio.point),
            px(4.0),
            color.filled(),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, row.ratio.low), (x, row.ratio.high)],
            color.stroke_width(px(1.5).max(1) as u32),
        )))?;
    }
    area.present()
}
