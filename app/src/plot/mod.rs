//! Plots, drawn with plotters. Drawing code is generic over plotters'
//! `DrawingBackend`: the page draws on a canvas, tests draw SVG on the host.
//!
//! plotters does not know about HiDPI screens; `scale` (the device pixel
//! ratio) multiplies every font size, stroke and margin, and the caller sizes
//! the canvas backing store to CSS size × scale, so lines stay crisp.
//!
//! This module holds what the plots share (the series of the time-vs-size
//! plot, the mesh, the legend, the palette, log bounds and the per-variant
//! log-log lines); each kind of plot has its own file, re-exported here.

mod chart;
mod comparison;
mod distribution;
mod flame;
mod image;
mod memory_steps;
mod scaling;
mod speedups;
mod throughput;
mod time_vs_memory;
mod time_vs_size;
pub mod theme;
mod timeline;

#[cfg(test)]
mod tests;

pub use chart::chart;
pub use comparison::comparison;
pub use distribution::distribution;
pub use flame::flame;
pub use image::colour_map;
pub use memory_steps::memory_steps;
pub use scaling::scaling;
pub use speedups::speedups;
pub use throughput::throughput_vs_size;
pub use time_vs_memory::time_vs_memory;
pub use time_vs_size::time_vs_size;
pub use theme::Theme;
pub use timeline::timeline;

use exercises::Exercise;
use exercises::analysis::Row;
use exercises::stats::GrowthFit;
use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;

/// One variant's points on the time-vs-size plot.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The variant's name.
    pub name: String,
    /// The expected complexity, e.g. "O(n²)".
    pub expected: &'static str,
    /// Measured points, by increasing size.
    pub points: Vec<Point>,
    /// Growth fitted to the times, if two sizes or more were measured.
    pub fit: Option<GrowthFit>,
}

/// One measured size: the time per call with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// The size.
    pub size: f64,
    /// Time per call, in nanoseconds.
    pub median: f64,
    /// Lower end of the interval.
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
}

/// Groups rows by variant, in the exercise's order, and fits each.
pub fn series(exercise: &Exercise, rows: &[Row]) -> Vec<Series> {
    exercise
        .all_variants()
        .filter_map(|variant| {
            let points: Vec<Point> = rows
                .iter()
                .filter(|r| r.variant == variant.name)
                .map(|r| Point {
                    size: r.size as f64,
                    median: r.per_call.point,
                    low: r.per_call.low,
                    high: r.per_call.high,
                })
                .collect();
            let pairs: Vec<(f64, f64)> = points.iter().map(|p| (p.size, p.median)).collect();
            (!points.is_empty()).then(|| Series {
                name: variant.name.to_string(),
                expected: variant.growth.label(),
                fit: GrowthFit::fit(&pairs),
                points,
            })
        })
        .collect()
}

/// The mesh every plot shares: fonts scaled for the screen, no minor grid
/// lines, major ones at `grid` opacity.
fn styled_mesh<'a, 'c, DB, XT, YT, X, Y>(
    chart: &'c mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    scale: f64,
    grid: f64,
) -> plotters::chart::MeshStyle<'a, 'c, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
{
    let font = |size: f64| theme::text(size * scale);
    let mut mesh = chart.configure_mesh();
    mesh.label_style(font(12.0))
        .axis_desc_style(font(13.0))
        .light_line_style(theme::paper().mix(0.0))
        .bold_line_style(theme::ink().mix(grid));
    mesh
}

/// Colours that stay apart for the colour-blind (Okabe–Ito), with grey for
/// its black, which would vanish on the dark theme's paper.
const PALETTE: [RGBColor; 7] = [
    RGBColor(213, 94, 0),
    RGBColor(0, 114, 178),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(128, 128, 128),
];

/// The legend entry: name, fitted slope and expected class.
pub fn legend(series: &Series) -> String {
    match series.fit {
        Some(fit) => format!(
            "{}: slope {:.2}, fits O({}) (expected {})",
            series.name,
            fit.slope.point,
            fit.class.label(),
            series.expected
        ),
        None => format!("{} (expected {})", series.name, series.expected),
    }
}

/// The x axis's ticks: the sizes measured, so a sweep that spans less than
/// a decade (widths 200–800) is labelled at every point, not at one power
/// of ten or none.
fn measured_sizes(sizes: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut sizes: Vec<f64> = sizes.filter(|s| s.is_finite() && *s > 0.0).collect();
    sizes.sort_by(f64::total_cmp);
    sizes.dedup();
    sizes
}

/// The legend, in the same style on every plot, in the corner of the
/// plotting area with the fewest of `data`'s points (upper left when
/// none is freer), so it covers as little data as it can.
fn draw_legend<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    scale: f64,
    data: &[(X::ValueType, Y::ValueType)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    DB: DrawingBackend + 'a,
    X: Ranged,
    Y: Ranged,
{
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let pixels: Vec<(i32, i32)> = data.iter().map(|p| chart.backend_coord(p)).collect();
    // A legend's usual size: about 45% of the width, 30% of the height.
    let (w, h) = ((xs.end - xs.start) * 45 / 100, (ys.end - ys.start) * 30 / 100);
    let corners = [
        (SeriesLabelPosition::UpperLeft, xs.start..xs.start + w, ys.start..ys.start + h),
        (SeriesLabelPosition::UpperRight, xs.end - w..xs.end, ys.start..ys.start + h),
        (SeriesLabelPosition::LowerRight, xs.end - w..xs.end, ys.end - h..ys.end),
        (SeriesLabelPosition::LowerLeft, xs.start..xs.start + w, ys.end - h..ys.end),
    ];
    let covered = |x: &std::ops::Range<i32>, y: &std::ops::Range<i32>| {
        pixels.iter().filter(|(px, py)| x.contains(px) && y.contains(py)).count()
    };
    let position = corners
        .into_iter()
        .min_by_key(|(_, x, y)| covered(x, y))
        .map_or(SeriesLabelPosition::UpperLeft, |(corner, _, _)| corner);
    chart
        .configure_series_labels()
        .position(position)
        .margin((8.0 * scale).round() as i32)
        .label_font(theme::text(13.0 * scale))
        .background_style(theme::paper().mix(0.85))
        .border_style(theme::ink().mix(0.3))
        .draw()
}

/// The bounds of positive values, widened by `factor` on log axes; `None`
/// if there are none.
fn log_bounds(values: impl Iterator<Item = f64>, factor: f64) -> Option<(f64, f64)> {
    let (low, high) = values
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::MAX, f64::MIN), |(low, high), v| {
            (low.min(v), high.max(v))
        });
    (low <= high).then(|| (low / factor, high * factor))
}

/// The words and label formats of a [`variant_lines`] plot.
struct LogAxes<'a> {
    caption: String,
    x_desc: String,
    y_desc: String,
    x_label: &'a dyn Fn(f64) -> String,
    y_label: &'a dyn Fn(f64) -> String,
}

/// Each row as a point on log-log axes, joined per variant in order of
/// size; `margins` widen the x and y ranges by these factors each side.
fn variant_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exercise: &Exercise,
    rows: &[Row],
    axes: &LogAxes,
    point: &dyn Fn(&Row) -> (f64, f64),
    margins: (f64, f64),
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| theme::text(size * scale);
    area.fill(&theme::paper())?;
    if rows.is_empty() {
        area.draw(&Text::new(
            "no measurements yet",
            (px(20.0), px(20.0)),
            font(14.0),
        ))?;
        return area.present();
    }
    let range = |coordinate: fn((f64, f64)) -> f64| {
        rows.iter()
            .map(|r| coordinate(point(r)))
            .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    let ((x0, x1), (y0, y1)) = (range(|p| p.0), range(|p| p.1));
    let (mx, my) = margins;
    let mut chart = ChartBuilder::on(area)
        .margin(px(12.0))
        .caption(&axes.caption, font(16.0))
        .x_label_area_size(px(44.0))
        .y_label_area_size(px(76.0))
        .build_cartesian_2d(
            (x0 / mx..x1 * mx).log_scale().with_key_points(measured_sizes(rows.iter().map(|r| point(r).0))),
            (y0 / my..y1 * my).log_scale(),
        )?;
    styled_mesh(&mut chart, scale, 0.12)
        .x_desc(&axes.x_desc)
        .y_desc(&axes.y_desc)
        .x_label_formatter(&|x| (axes.x_label)(*x))
        .y_label_formatter(&|y| (axes.y_label)(*y))
        .draw()?;
    let mut drawn = Vec::new();
    for (index, variant) in exercise.all_variants().enumerate() {
        let mut mine: Vec<&Row> = rows.iter().filter(|r| r.variant == variant.name).collect();
        if mine.is_empty() {
            continue;
        }
        mine.sort_by_key(|r| r.size);
        let points: Vec<(f64, f64)> = mine.into_iter().map(point).collect();
        let color = PALETTE[index % PALETTE.len()];
        let line = color.stroke_width(px(1.5).max(1) as u32);
        chart
            .draw_series(LineSeries::new(points.clone(), line))?
            .label(variant.name)
            .legend(move |(x, y)| Circle::new((x + px(11.0), y), px(4.0), color.filled()));
        drawn.extend(points.iter().copied());
        chart.draw_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, px(4.0), color.filled())),
        )?;
    }
    draw_legend(&mut chart, scale, &drawn)?;
    area.present()
}

/// 1.2 G, 340 M, 5.6 k: a rate's axis label.
fn format_rate(value: f64) -> String {
    match value {
        v if v >= 1e9 => format!("{:.3} G", v / 1e9),
        v if v >= 1e6 => format!("{:.3} M", v / 1e6),
        v if v >= 1e3 => format!("{:.3} k", v / 1e3),
        v => format!("{v:.3}"),
    }
    .replace(".000 ", " ")
}
