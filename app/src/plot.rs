//! Plots, drawn with plotters. Drawing code is generic over plotters'
//! `DrawingBackend`: the page draws on a canvas, tests draw SVG on the host.
//!
//! plotters does not know about HiDPI screens; `scale` (the device pixel
//! ratio) multiplies every font size, stroke and margin, and the caller sizes
//! the canvas backing store to CSS size × scale, so lines stay crisp.

use exercises::analysis::{format_ns, PowerFit, Summary};
use exercises::protocol::Measurement;
use exercises::Exercise;
use plotters::coord::Shift;
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
    /// Power law fitted to the medians, if two sizes or more were measured.
    pub fit: Option<PowerFit>,
}

/// One measured size: the median time per call and the spread of samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// The size.
    pub size: f64,
    /// Median time per call, in nanoseconds.
    pub median: f64,
    /// Fastest sample.
    pub low: f64,
    /// Slowest sample.
    pub high: f64,
}

/// Groups measurements by variant, in the exercise's order, and fits each.
pub fn series(exercise: &Exercise, measurements: &[Measurement]) -> Vec<Series> {
    exercise
        .variants
        .iter()
        .filter_map(|variant| {
            let mut points: Vec<Point> = measurements
                .iter()
                .filter(|m| m.variant == variant.name)
                .filter_map(|m| {
                    let s = Summary::of(&m.samples_ns)?;
                    Some(Point { size: m.size as f64, median: s.median, low: s.min, high: s.max })
                })
                .collect();
            points.sort_by(|a, b| a.size.total_cmp(&b.size));
            let pairs: Vec<(f64, f64)> = points.iter().map(|p| (p.size, p.median)).collect();
            (!points.is_empty()).then(|| Series {
                name: variant.name.to_string(),
                expected: variant.growth.label(),
                fit: PowerFit::fit(&pairs),
                points,
            })
        })
        .collect()
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
        Some(fit) => format!("{}: slope {:.2} (expected {})", series.name, fit.exponent, series.expected),
        None => format!("{} (expected {})", series.name, series.expected),
    }
}

/// Time per call vs size on log-log axes: one line per variant through the
/// medians, whiskers from the fastest to the slowest sample, the fitted
/// power law dashed, and the fitted slope in the legend.
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
        area.draw(&Text::new("no measurements yet", (px(20.0), px(20.0)), font(14.0)))?;
        return area.present();
    }
    let mut chart = ChartBuilder::on(area)
        .margin(px(12.0))
        .caption("time per call vs size (log-log)", font(16.0))
        .x_label_area_size(px(44.0))
        .y_label_area_size(px(76.0))
        .build_cartesian_2d((x0 / 1.5..x1 * 1.5).log_scale(), (y0 / 2.0..y1 * 2.0).log_scale())?;
    chart
        .configure_mesh()
        .x_desc(size_name)
        .y_desc("time per call")
        .y_label_formatter(&|y| format_ns(*y))
        .x_label_formatter(&|x| format!("{x}"))
        .label_style(font(12.0))
        .axis_desc_style(font(13.0))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .draw()?;
    for (index, s) in series.iter().enumerate() {
        let color = PALETTE[index % PALETTE.len()];
        let line = color.stroke_width(px(2.0).max(1) as u32);
        let thin = color.stroke_width(px(1.0).max(1) as u32);
        chart
            .draw_series(LineSeries::new(s.points.iter().map(|p| (p.size, p.median)), line))?
            .label(legend(s))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + px(22.0), y)], line));
        chart.draw_series(s.points.iter().map(|p| Circle::new((p.size, p.median), px(3.5), color.filled())))?;
        chart.draw_series(s.points.iter().map(|p| PathElement::new(vec![(p.size, p.low), (p.size, p.high)], thin)))?;
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
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .margin(px(8.0))
        .label_font(font(13.0))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    area.present()
}

#[cfg(test)]
mod tests {
    use super::*;
    use exercises::find;

    fn measurement(variant: &str, size: u64, ns: f64) -> Measurement {
        Measurement {
            variant: variant.into(),
            size,
            calls_per_sample: 1,
            samples_ns: vec![ns * 0.9, ns, ns * 1.2],
            first_call_ns: ns,
        }
    }

    fn synthetic() -> Vec<Series> {
        let mut measurements = Vec::new();
        for n in [100u64, 500, 1000, 2000] {
            let x = n as f64;
            measurements.push(measurement("hash_set", n, 20.0 * x));
            measurements.push(measurement("naive", n, x * x));
        }
        series(find("duplicates").unwrap(), &measurements)
    }

    #[test]
    fn series_follow_the_exercise_order_and_fit_the_slopes() {
        let series = synthetic();
        let names: Vec<_> = series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["naive", "hash_set"]);
        assert_eq!(series[0].points[3], Point { size: 2000.0, median: 4e6, low: 3.6e6, high: 4.8e6 });
        assert_eq!(legend(&series[0]), "naive: slope 2.00 (expected O(n²))");
        assert_eq!(legend(&series[1]), "hash_set: slope 1.00 (expected O(n))");
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
        assert!(out.matches("<polyline").count() >= 4, "two lines and two fits");
        assert!(out.contains("time per call"));
    }

    /// The largest `font-size` in an SVG.
    fn largest_font(svg: &str) -> f64 {
        svg.split("font-size=\"").skip(1).filter_map(|rest| rest.split('"').next()?.parse().ok()).fold(0.0, f64::max)
    }

    #[test]
    fn a_higher_pixel_ratio_scales_the_fonts() {
        let series = synthetic();
        let (one, two) = (largest_font(&svg(&series, 1.0)), largest_font(&svg(&series, 2.0)));
        assert!(one > 0.0 && (two / one - 2.0).abs() < 1e-6, "fonts {one} and {two}");
    }

    #[test]
    fn no_measurements_draws_a_note_not_a_panic() {
        assert!(svg(&[], 1.0).contains("no measurements yet"));
    }
}
