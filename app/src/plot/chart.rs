//! A demonstration's line chart: named lines of points on shared axes.

use exercises::protocol::Chart;

use super::{theme, PALETTE, draw_legend, styled_mesh};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Each line in its colour, with its points marked; the x axis is
/// logarithmic when the chart says so, the y axis starts at zero.
pub fn chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| theme::text(size * scale);
    area.fill(&theme::paper())?;
    let points = || chart.lines.iter().flat_map(|l| l.points.iter().copied());
    let finite = |v: &f64| v.is_finite();
    let x_low = points().map(|p| p.0).filter(finite).fold(f64::INFINITY, f64::min);
    let x_high = points().map(|p| p.0).filter(finite).fold(f64::NEG_INFINITY, f64::max);
    let y_high = points().map(|p| p.1).filter(finite).fold(0.0, f64::max);
    if x_low > x_high {
        area.draw(&Text::new("no points", (px(20.0), px(20.0)), font(14.0)))?;
        return area.present();
    }
    let y_range = 0.0..(y_high * 1.15).max(1e-9);
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(px(12.0))
        .caption(&chart.title, font(15.0))
        .x_label_area_size(px(40.0))
        .y_label_area_size(px(70.0));
    let style = |index: usize| {
        let color = PALETTE[index % PALETTE.len()];
        (color, color.stroke_width(px(1.5).max(1) as u32))
    };
    // Log and linear x axes are different types; the drawing is the same.
    macro_rules! draw_lines {
        ($chart:expr) => {{
            let mut c = $chart;
            styled_mesh(&mut c, scale, 0.1)
                .x_desc(&chart.x_label)
                .y_desc(&chart.y_label)
                .x_label_formatter(&|x| short_number(*x))
                .draw()?;
            for (index, line) in chart.lines.iter().enumerate() {
                let (color, stroke) = style(index);
                c.draw_series(LineSeries::new(line.points.iter().copied(), stroke))?
                    .label(line.name.as_str())
                    .legend(move |(x, y)| Circle::new((x + px(11.0), y), px(4.0), color.filled()));
                c.draw_series(line.points.iter().map(|&p| Circle::new(p, px(3.0), color.filled())))?;
            }
            let drawn: Vec<(f64, f64)> = points().collect();
            draw_legend(&mut c, scale, &drawn)?;
        }};
    }
    if chart.log_x && x_low > 0.0 {
        draw_lines!(builder.build_cartesian_2d((x_low / 1.2..x_high * 1.2).log_scale(), y_range)?);
    } else {
        let pad = ((x_high - x_low) * 0.03).max(1e-9);
        draw_lines!(builder.build_cartesian_2d(x_low - pad..x_high + pad, y_range)?);
    }
    area.present()
}

/// An axis label without trailing zeros: 200, 0.5, 1.2e6.
fn short_number(x: f64) -> String {
    if x != 0.0 && (x.abs() >= 1e6 || x.abs() < 1e-3) {
        format!("{x:.1e}")
    } else if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{}", (x * 1000.0).round() / 1000.0)
    }
}
