//! Two runs overlaid: each variant's time per call against size, this run
//! solid with filled markers, the other dashed with hollow ones; and beside
//! it the ratio of their times per variant and size, with its interval and
//! the band of no significant change.

use exercises::Exercise;
use exercises::analysis::format_ns;
use exercises::history::compare::{CompareRow, NOISE};

use super::{PALETTE, Series, draw_legend, log_bounds, styled_mesh};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The overlay (left) and the ratios (right) of `new` against `old`.
pub fn comparison<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exercise: &Exercise,
    new: &[Series],
    old: &[Series],
    old_name: &str,
    rows: &[CompareRow],
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| ("sans-serif", size * scale);
    area.fill(&WHITE)?;
    let (left, right) = area.split_horizontally(area.dim_in_pixel().0 as i32 * 3 / 5);
    let colour = |name: &str| {
        let index = exercise.all_variants().position(|v| v.name == name).unwrap_or(0);
        PALETTE[index % PALETTE.len()]
    };
    let points = new.iter().chain(old).flat_map(|s| &s.points);
    let xs = log_bounds(points.clone().map(|p| p.size), 1.5);
    let ys = log_bounds(points.flat_map(|p| [p.low.max(1e-3), p.high]), 2.0);
    let (Some((x0, x1)), Some((y0, y1))) = (xs, ys) else {
        area.draw(&Text::new("no rows in common", (px(20.0), px(20.0)), font(14.0)))?;
        return area.present();
    };
    let mut chart = ChartBuilder::on(&left)
        .margin(px(12.0))
        .caption(format!("this run (solid) and {old_name} (dashed)"), font(15.0))
        .x_label_area_size(px(44.0))
        .y_label_area_size(px(76.0))
        .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())?;
    styled_mesh(&mut chart, scale, 0.12)
        .x_desc("size")
        .y_desc("time per call")
        .y_label_formatter(&|y| format_ns(*y))
        .x_label_formatter(&|x| format!("{x}"))
        .draw()?;
    for s in new {
        let color = colour(&s.name);
        let line = color.stroke_width(px(2.0).max(1) as u32);
        let line_points = s.points.iter().map(|p| (p.size, p.median));
        chart
            .draw_series(LineSeries::new(line_points, line))?
            .label(s.name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + px(22.0), y)], line));
        chart.draw_series(
            s.points
                .iter()
                .map(|p| Circle::new((p.size, p.median), px(3.5), color.filled())),
        )?;
    }
    for s in old {
        let color = colour(&s.name);
        let thin = color.stroke_width(px(1.5).max(1) as u32);
        let line_points = s.points.iter().map(|p| (p.size, p.median));
        chart.draw_series(DashedLineSeries::new(line_points, px(6.0), px(4.0), thin))?;
        chart.draw_series(
            s.points
                .iter()
                .map(|p| Circle::new((p.size, p.median), px(4.0), thin)),
        )?;
    }
    draw_legend(&mut chart, scale)?;

    let ratios = log_bounds(
        rows.iter()
            .flat_map(|r| [r.ratio.low, r.ratio.high])
            .chain([1.0 - 2.0 * NOISE, 1.0 + 2.0 * NOISE]),
        1.15,
    );
    let (Some((r0, r1)), Some((x0, x1))) = (ratios, xs) else {
        return area.present();
    };
    let mut chart = ChartBuilder::on(&right)
        .margin(px(12.0))
        .caption("time ratio, this run ÷ that run", font(15.0))
        .x_label_area_size(px(44.0))
        .y_label_area_size(px(56.0))
        .build_cartesian_2d((x0..x1).log_scale(), (r0..r1).log_scale())?;
    styled_mesh(&mut chart, scale, 0.12)
        .x_desc("size")
        .y_desc("ratio (above 1: slower)")
        .x_label_formatter(&|x| format!("{x}"))
        .y_label_formatter(&|y| format!("{y:.2}"))
        .draw()?;
    chart.draw_series(std::iter::once(Rectangle::new(
        [(x0, 1.0 - NOISE), (x1, 1.0 + NOISE)],
        BLACK.mix(0.08).filled(),
    )))?;
    let count = exercise.all_variants().count().max(1) as f64;
    for row in rows {
        let index = exercise.all_variants().position(|v| v.name == row.variant).unwrap_or(0);
        let nudge = 1.0 + 0.04 * (index as f64 - count / 2.0);
        let color = colour(&row.variant);
        let x = row.size as f64 * nudge;
        chart.draw_series(std::iter::once(Circle::new((x, row.ratio.point), px(4.0), color.filled())))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, row.ratio.low), (x, row.ratio.high)],
            color.stroke_width(px(1.5).max(1) as u32),
        )))?;
    }
    area.present()
}
