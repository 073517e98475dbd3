//! Plots, drawn with plotters. Drawing code is generic over plotters'
//! `DrawingBackend`: the page draws on a canvas, tests draw SVG on the host.
//!
//! plotters does not know about HiDPI screens; `scale` (the device pixel
//! ratio) multiplies every font size, stroke and margin, and the caller sizes
//! the canvas backing store to CSS size × scale, so lines stay crisp.

use exercises::Exercise;
use exercises::analysis::{Row, ScalingPoint, amdahl_speedup, format_bytes, format_ns};
use exercises::protocol::{Flame, MemorySteps, Timeline};
use exercises::stats::{Estimate, GrowthFit};
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
    let font = |size: f64| ("sans-serif", size * scale);
    let mut mesh = chart.configure_mesh();
    mesh.label_style(font(12.0))
        .axis_desc_style(font(13.0))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(grid));
    mesh
}

/// Colours that stay apart for the colour-blind (Okabe–Ito).
const PALETTE: [RGBColor; 7] = [
    RGBColor(213, 94, 0),
    RGBColor(0, 114, 178),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
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

/// Time per call vs size on log-log axes: one line per variant, its 95%
/// interval as a band, the fitted growth dashed, and the slope and class in
/// the legend.
pub fn time_vs_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[Series],
    size_name: &str,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| ("sans-serif", size * scale);
    area.fill(&WHITE)?;
    let points = series.iter().flat_map(|s| &s.points);
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
            (x0 / 1.5..x1 * 1.5).log_scale(),
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
    draw_legend(&mut chart, scale)?;
    area.present()
}

/// The legend, in the same place and style on every plot.
fn draw_legend<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    DB: DrawingBackend + 'a,
    X: Ranged,
    Y: Ranged,
{
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .margin((8.0 * scale).round() as i32)
        .label_font(("sans-serif", 13.0 * scale))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
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

/// Speedup over the baseline for each variant and size, on log axes: a dot
/// with whiskers for its 95% interval, and the target as a dashed line.
pub fn speedups<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exercise: &Exercise,
    rows: &[Row],
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| ("sans-serif", size * scale);
    area.fill(&WHITE)?;
    let with_speedup: Vec<(&Row, _)> = rows
        .iter()
        .filter(|r| r.variant != exercise.target.baseline)
        .filter_map(|r| Some((r, r.speedup?)))
        .collect();
    let target = exercise.target.speedup;
    let xs = log_bounds(with_speedup.iter().map(|(r, _)| r.size as f64), 1.5);
    let ys = log_bounds(
        with_speedup
            .iter()
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
        .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())?;
    styled_mesh(&mut chart, scale, 0.12)
        .x_desc("n")
        .y_desc("speedup (×)")
        .x_label_formatter(&|x| format!("{x}"))
        .y_label_formatter(&|y| format!("{y}×"))
        .draw()?;
    let gray = BLACK.mix(0.5).stroke_width(px(1.0).max(1) as u32);
    chart
        .draw_series(DashedLineSeries::new(
            [(x0, target), (x1, target)],
            px(6.0),
            px(4.0),
            gray,
        ))?
        .label(format!("target: {target}× at n = {}", exercise.target.size))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + px(22.0), y)], gray));
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
    }
    draw_legend(&mut chart, scale)?;
    area.present()
}

/// The per-call time of every sample at one size, one strip per variant,
/// on a log axis: the spread and the outliers that a single number hides.
pub fn distribution<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    strips: &[(String, usize, Vec<f64>)],
    size: u64,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| ("sans-serif", size * scale);
    area.fill(&WHITE)?;
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
            format!("time per call of each sample at n = {size}"),
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
    let font = |size: f64| ("sans-serif", size * scale);
    area.fill(&WHITE)?;
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
    let gray = BLACK.mix(0.45).stroke_width(px(1.0).max(1) as u32);
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
    draw_legend(&mut chart, scale)?;
    area.present()
}

/// Time per call against the memory one call allocated at its peak, one
/// point per variant and size, sizes joined by a line: the trade-off of
/// spending memory for speed (a cache, a buffer) made visible. Variants
/// that allocate nothing sit on the left edge at 1 byte; GPU variants,
/// whose memory the allocator does not see, are left out.
pub fn time_vs_memory<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exercise: &Exercise,
    rows: &[Row],
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let axes = LogAxes {
        caption: "time per call vs peak memory per call (log-log)".into(),
        x_desc: "peak bytes allocated by one call".into(),
        y_desc: "time per call".into(),
        x_label: &|x| format_bytes(x as u64),
        y_label: &|y| format_ns(y),
    };
    let point = |row: &Row| {
        (
            (row.memory.peak_bytes as f64).max(1.0),
            row.per_call.point.max(1e-3),
        )
    };
    let on_cpu: Vec<Row> = rows
        .iter()
        .filter(|row| !exercise.on_gpu(&row.variant))
        .cloned()
        .collect();
    variant_lines(area, exercise, &on_cpu, &axes, &point, (2.0, 2.0), scale)
}

/// Events over time, one row per lane, a colour per kind of event.
pub fn timeline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    timeline: &Timeline,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| ("sans-serif", size * scale);
    area.fill(&WHITE)?;
    let mut lanes: Vec<&str> = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    for event in &timeline.events {
        if !lanes.contains(&event.lane.as_str()) {
            lanes.push(&event.lane);
        }
        if !kinds.contains(&event.kind.as_str()) {
            kinds.push(&event.kind);
        }
    }
    let end = timeline.events.iter().map(|e| e.at).fold(0.0, f64::max) + 1.0;
    let mut chart = ChartBuilder::on(area)
        .margin(px(12.0))
        .caption(&timeline.title, font(15.0))
        .x_label_area_size(px(40.0))
        .y_label_area_size(px(70.0))
        // Headroom above the top lane keeps the legend off the events.
        .build_cartesian_2d(-0.5..end, -0.5..lanes.len() as f64 + 0.4)?;
    styled_mesh(&mut chart, scale, 0.08)
        .x_desc("time (s)")
        .y_labels(lanes.len())
        .y_label_formatter(&|y| {
            let index = y.round();
            let exact = (y - index).abs() < 1e-6 && index >= 0.0;
            if exact {
                lanes
                    .get(index as usize)
                    .map(|l| l.to_string())
                    .unwrap_or_default()
            } else {
                String::new()
            }
        })
        .draw()?;
    for kind in &kinds {
        let color = match *kind {
            "hit" => PALETTE[2],
            "miss" => PALETTE[4],
            "expired" => PALETTE[0],
            _ => PALETTE[1],
        };
        let events = timeline.events.iter().filter(|e| e.kind == *kind);
        chart
            .draw_series(events.map(|e| {
                let lane = lanes.iter().position(|l| *l == e.lane).unwrap_or(0) as f64;
                Circle::new((e.at, lane), px(5.0), color.filled())
            }))?
            .label(*kind)
            .legend(move |(x, y)| Circle::new((x + px(11.0), y), px(5.0), color.filled()));
    }
    draw_legend(&mut chart, scale)?;
    area.present()
}

/// Throughput vs size (log-log), one series per variant: the work one
/// call does (`per_call(size)` units) divided by its time.
pub fn throughput_vs_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exercise: &Exercise,
    rows: &[Row],
    unit: &str,
    per_call: &dyn Fn(u64) -> f64,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let axes = LogAxes {
        caption: format!("throughput vs size ({unit}/s, log-log)"),
        x_desc: exercise.size_param.into(),
        y_desc: format!("{unit}/s"),
        x_label: &|x| format!("{x:.0}"),
        y_label: &format_rate,
    };
    let point = |row: &Row| {
        (
            row.size as f64,
            per_call(row.size) / (row.per_call.point.max(1e-3) * 1e-9),
        )
    };
    variant_lines(area, exercise, rows, &axes, &point, (1.5, 2.0), scale)
}

/// Live bytes after every step of one call, one line per variant, and the
/// naive variant's own estimate (the seed's formula) dashed.
pub fn memory_steps<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exercise: &Exercise,
    steps: &[MemorySteps],
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| ("sans-serif", size * scale);
    area.fill(&WHITE)?;
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
    draw_legend(&mut chart, scale)?;
    area.present()
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
    let font = |size: f64| ("sans-serif", size * scale);
    area.fill(&WHITE)?;
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
            (x0 / mx..x1 * mx).log_scale(),
            (y0 / my..y1 * my).log_scale(),
        )?;
    styled_mesh(&mut chart, scale, 0.12)
        .x_desc(&axes.x_desc)
        .y_desc(&axes.y_desc)
        .x_label_formatter(&|x| (axes.x_label)(*x))
        .y_label_formatter(&|y| (axes.y_label)(*y))
        .draw()?;
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
        chart.draw_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, px(4.0), color.filled())),
        )?;
    }
    draw_legend(&mut chart, scale)?;
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

/// A flame graph drawn as an icicle: one row per stack depth from the top,
/// each box as wide as its time, labelled where the label fits.
pub fn flame<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    flame: &Flame,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| ("sans-serif", size * scale);
    area.fill(&WHITE)?;
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
        .map(|s| s.name.split(" ×").next().unwrap_or(&s.name))
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
            let style = TextStyle::from(font(12.0)).color(&WHITE).pos(
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

/// Colour stops from dark blue through orange to pale yellow.
const IMAGE_PALETTE: [[u8; 3]; 5] = [
    [20, 24, 82],
    [96, 36, 140],
    [212, 72, 66],
    [250, 160, 40],
    [252, 250, 200],
];

/// An image of counts as RGBA bytes: 0 (never escaped, inside the set)
/// black, and counts 1 … `max` along [`IMAGE_PALETTE`] on a logarithmic scale,
/// since most pixels escape within a few steps.
pub fn colour_map(counts: &[u32], max: u32) -> Vec<u8> {
    let top = (max.max(2) as f64).ln();
    counts
        .iter()
        .flat_map(|&count| {
            if count == 0 {
                return [0, 0, 0, 255];
            }
            let t = ((count as f64).ln() / top).clamp(0.0, 1.0) * (IMAGE_PALETTE.len() - 1) as f64;
            let (low, frac) = (
                (t.floor() as usize).min(IMAGE_PALETTE.len() - 2),
                t - t.floor().min((IMAGE_PALETTE.len() - 2) as f64),
            );
            let channel = |c: usize| {
                (IMAGE_PALETTE[low][c] as f64
                    + (IMAGE_PALETTE[low + 1][c] as f64 - IMAGE_PALETTE[low][c] as f64) * frac)
                    .round() as u8
            };
            [channel(0), channel(1), channel(2), 255]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use exercises::find;

    #[test]
    fn the_memory_plot_draws_a_line_per_variant_and_the_seeds_estimate_dashed() {
        let exercise = find("memory").unwrap();
        let steps = |variant: &str, live: Vec<u64>| MemorySteps {
            variant: variant.into(),
            size: 3,
            estimate_bytes: live.iter().map(|b| b * 3).collect(),
            wasm_memory_bytes: vec![1 << 20; live.len()],
            live_bytes: live,
        };
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (800, 360)).into_drawing_area();
            memory_steps(
                &area,
                exercise,
                &[
                    steps("naive", vec![100, 200, 300]),
                    steps("streaming", vec![0, 0, 0]),
                ],
                1.0,
            )
            .unwrap();
        }
        assert!(
            out.contains("memory_estimate") && out.contains("streaming"),
            "legend"
        );
        assert!(
            out.matches("<polyline").count() >= 3,
            "two lines and the dashed estimate"
        );
    }

    #[test]
    fn the_colour_map_is_black_inside_and_brightens_with_the_count() {
        let rgba = colour_map(&[0, 1, 10, 100], 100);
        assert_eq!(rgba.len(), 16);
        assert_eq!(&rgba[0..4], &[0, 0, 0, 255]);
        assert_eq!(&rgba[4..7], &IMAGE_PALETTE[0]);
        assert_eq!(&rgba[12..15], &IMAGE_PALETTE[4]);
        let brightness = |i: usize| {
            rgba[i * 4..i * 4 + 3]
                .iter()
                .map(|&c| c as u32)
                .sum::<u32>()
        };
        assert!(brightness(1) < brightness(2) && brightness(2) < brightness(3));
    }

    fn row(variant: &str, size: u64, ns: f64) -> Row {
        let estimate = Estimate {
            point: ns,
            low: ns * 0.9,
            high: ns * 1.2,
        };
        Row {
            variant: variant.into(),
            size,
            per_call: estimate,
            r2: Some(1.0),
            summary: exercises::analysis::Summary {
                median: ns,
                mad: 0.0,
                min: ns,
                max: ns,
                count: 10,
            },
            outliers: Default::default(),
            speedup: None,
            first_call_ns: ns,
            memory: Default::default(),
        }
    }

    fn synthetic() -> Vec<Series> {
        let mut rows = Vec::new();
        for n in [100u64, 500, 1000, 2000] {
            let x = n as f64;
            rows.push(row("hash_set", n, 20.0 * x));
            rows.push(row("naive", n, x * x));
        }
        series(find("duplicates").unwrap(), &rows)
    }

    #[test]
    fn series_follow_the_exercise_order_and_fit_the_slopes() {
        let series = synthetic();
        let names: Vec<_> = series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["naive", "hash_set"]);
        assert_eq!(
            series[0].points[3],
            Point {
                size: 2000.0,
                median: 4e6,
                low: 3.6e6,
                high: 4.8e6
            }
        );
        assert_eq!(
            legend(&series[0]),
            "naive: slope 2.00, fits O(n^2) (expected O(n²))"
        );
        assert_eq!(
            legend(&series[1]),
            "hash_set: slope 1.00, fits O(n) (expected O(n))"
        );
    }

    fn svg(series: &[Series], scale: f64) -> String {
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (800, 420)).into_drawing_area();
            time_vs_size(&area, series, "n", scale).unwrap();
        }
        out
    }

    #[test]
    fn the_plot_draws_a_line_per_variant_and_the_slopes_in_the_legend() {
        let out = svg(&synthetic(), 1.0);
        assert!(out.contains("naive: slope 2.00"), "legend missing");
        assert!(out.contains("hash_set: slope 1.00"), "legend missing");
        assert!(
            out.matches("<polygon").count() >= 2,
            "an interval band per variant"
        );
        assert!(
            out.matches("<polyline").count() >= 4,
            "two lines and two fits"
        );
        assert!(out.contains("time per call"));
    }

    /// The largest `font-size` in an SVG.
    fn largest_font(svg: &str) -> f64 {
        svg.split("font-size=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next()?.parse().ok())
            .fold(0.0, f64::max)
    }

    #[test]
    fn a_higher_pixel_ratio_scales_the_fonts() {
        let series = synthetic();
        let (one, two) = (
            largest_font(&svg(&series, 1.0)),
            largest_font(&svg(&series, 2.0)),
        );
        assert!(
            one > 0.0 && (two / one - 2.0).abs() < 1e-6,
            "fonts {one} and {two}"
        );
    }

    #[test]
    fn no_measurements_draws_a_note_not_a_panic() {
        assert!(svg(&[], 1.0).contains("no measurements yet"));
    }

    #[test]
    fn speedups_and_distributions_draw_their_data() {
        let exercise = find("duplicates").unwrap();
        let mut fast = row("hash_set", 1000, 100.0);
        fast.speedup = Some(Estimate {
            point: 60.0,
            low: 55.0,
            high: 66.0,
        });
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (800, 420)).into_drawing_area();
            speedups(&area, exercise, &[row("naive", 1000, 6000.0), fast], 1.0).unwrap();
        }
        assert!(
            out.contains("target: 50× at n = 10000") && out.contains("hash_set"),
            "legend"
        );
        assert!(
            out.matches("<circle").count() >= 2,
            "a dot per speedup and legend"
        );
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (800, 300)).into_drawing_area();
            let strips = vec![
                ("naive".to_string(), 0, vec![10.0, 11.0, 30.0]),
                ("sort".to_string(), 2, vec![1.0, 1.1]),
            ];
            distribution(&area, &strips, 1000, 1.0).unwrap();
        }
        assert_eq!(out.matches("<circle").count(), 5, "one dot per sample");
        assert!(out.contains("n = 1000"));
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (400, 300)).into_drawing_area();
            speedups(&area, exercise, &[], 1.0).unwrap();
        }
        assert!(out.contains("no speedups yet"));
    }

    #[test]
    fn the_timeline_draws_every_event_with_a_legend_per_kind() {
        use exercises::protocol::TimelineEvent;
        let event = |at, lane: &str, kind: &str| TimelineEvent {
            at,
            lane: lane.into(),
            kind: kind.into(),
        };
        let timeline = Timeline {
            title: "TTL".into(),
            events: vec![
                event(0.0, "a", "miss"),
                event(1.0, "a", "hit"),
                event(6.0, "a", "expired"),
                event(0.5, "b", "miss"),
            ],
        };
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (600, 240)).into_drawing_area();
            super::timeline(&area, &timeline, 1.0).unwrap();
        }
        assert_eq!(
            out.matches("<circle").count(),
            4 + 3,
            "four events and three legend marks"
        );
        assert!(out.contains(">expired<") || out.contains("expired"));
    }

    #[test]
    fn the_scaling_plot_shows_points_ideal_and_amdahl() {
        let point = |threads, speedup: f64| ScalingPoint {
            threads,
            speedup: Estimate {
                point: speedup,
                low: speedup * 0.95,
                high: speedup * 1.05,
            },
            efficiency: speedup / threads as f64,
        };
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (600, 300)).into_drawing_area();
            scaling(&area, &[point(1, 1.0), point(2, 1.8)], Some(0.111), 1.0).unwrap();
        }
        assert!(
            out.contains("serial fraction 11.1%") && out.contains("ideal"),
            "legend"
        );
        assert!(out.matches("<circle").count() >= 2);
    }

    #[test]
    fn the_memory_plot_places_each_variant_by_its_peak_bytes() {
        let exercise = find("caching").unwrap();
        let mut memoized = row("memoized", 35, 2000.0);
        memoized.memory.peak_bytes = 1536;
        let rows = [row("naive", 35, 5e7), memoized, row("iterative", 35, 40.0)];
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (600, 300)).into_drawing_area();
            time_vs_memory(&area, exercise, &rows, 1.0).unwrap();
        }
        assert_eq!(
            out.matches("<circle").count(),
            3 + 3,
            "three points and three legend marks"
        );
        assert!(out.contains("peak bytes") && out.contains("memoized"));
    }

    #[test]
    fn the_flame_graph_draws_a_box_per_stack_and_labels_the_wide_ones() {
        use exercises::protocol::FlameSpan;
        let span = |name: &str, depth, start_ms, end_ms| FlameSpan {
            name: name.into(),
            depth,
            start_ms,
            end_ms,
        };
        let flame = Flame {
            id: "naive".into(),
            title: "calls".into(),
            spans: vec![
                span("main", 0, 0.0, 10.0),
                span("process_data ×3", 1, 0.0, 9.0),
                span("tiny", 1, 9.0, 9.01),
            ],
        };
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (600, 240)).into_drawing_area();
            super::flame(&area, &flame, 1.0).unwrap();
        }
        // The background, the plotting area's and three boxes.
        assert!(out.matches("<rect").count() >= 3, "{out}");
        assert!(out.contains("main (10.00 ms)") && out.contains("process_data ×3 (9.00 ms)"));
        assert!(
            !out.contains(">tiny"),
            "a box too narrow for its label has none"
        );
    }

    #[test]
    fn throughput_is_work_over_time_per_variant() {
        let exercise = find("typed").unwrap();
        // 1000 elements in 1 µs and 10 000 in 20 µs: 1 G/s and 0.5 G/s.
        let rows = [
            row("naive", 1000, 1000.0),
            row("naive", 10_000, 20_000.0),
            row("simd", 1000, 100.0),
        ];
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (600, 300)).into_drawing_area();
            throughput_vs_size(&area, exercise, &rows, "elements", &|n| n as f64, 1.0).unwrap();
        }
        assert_eq!(
            out.matches("<circle").count(),
            3 + 2,
            "three points and two legend marks"
        );
        assert!(out.contains("elements/s") && out.contains("simd"));
        assert_eq!(format_rate(1e9), "1 G");
        assert_eq!(format_rate(2.5e8), "250 M");
    }
}
