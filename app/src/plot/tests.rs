//! Tests of the plots: each kind drawn to SVG on the host.

use super::image::IMAGE_PALETTE;
use super::*;
use exercises::analysis::{Row, ScalingPoint};
use exercises::find;
use exercises::protocol::{Flame, MemorySteps, Timeline};
use exercises::stats::Estimate;

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
        time_vs_size(&area, series, &[], "n", scale).unwrap();
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
        speedups(
            &area,
            exercise,
            &[row("naive", 1000, 6000.0), fast],
            &[],
            1.0,
        )
        .unwrap();
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
        distribution(&area, &strips, "n = 1000", 1.0).unwrap();
    }
    assert_eq!(out.matches("<circle").count(), 5, "one dot per sample");
    assert!(out.contains("n = 1000"));
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (400, 300)).into_drawing_area();
        speedups(&area, exercise, &[], &[], 1.0).unwrap();
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

#[test]
fn a_compared_run_is_overlaid_hollow_and_its_ratios_drawn_against_the_noise_band() {
    use exercises::history::compare::{Change, CompareRow};
    let series = synthetic();
    let points: usize = series.iter().map(|s| s.points.len()).sum();
    let plain = svg(&series, 1.0);
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (800, 420)).into_drawing_area();
        time_vs_size(&area, &series, &series, "n", 1.0).unwrap();
    }
    assert!(out.contains("compared run: hollow, dotted"), "legend");
    let circles = |svg: &str| svg.matches("<circle").count();
    assert_eq!(
        circles(&out),
        circles(&plain) + points + 1,
        "a hollow marker per point and the legend's"
    );

    let exercise = find("duplicates").unwrap();
    let mut fast = row("hash_set", 1000, 100.0);
    fast.speedup = Some(Estimate {
        point: 60.0,
        low: 55.0,
        high: 66.0,
    });
    let mut before = fast.clone();
    before.speedup = Some(Estimate {
        point: 30.0,
        low: 28.0,
        high: 33.0,
    });
    let draw = |overlay: &[Row]| {
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (800, 420)).into_drawing_area();
            speedups(&area, exercise, std::slice::from_ref(&fast), overlay, 1.0).unwrap();
        }
        out.matches("<circle").count()
    };
    assert_eq!(
        draw(std::slice::from_ref(&before)),
        draw(&[]) + 1,
        "the compared speedup, hollow"
    );

    let ratio = |variant: &str, point: f64| CompareRow {
        variant: variant.into(),
        size: 1000,
        ratio: Estimate {
            point,
            low: point * 0.9,
            high: point * 1.1,
        },
        change: Change::of(Estimate {
            point,
            low: point * 0.9,
            high: point * 1.1,
        }),
    };
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (800, 300)).into_drawing_area();
        comparison(
            &area,
            exercise,
            &[ratio("naive", 1.0), ratio("sort", 2.0)],
            1.0,
        )
        .unwrap();
    }
    assert_eq!(out.matches("<circle").count(), 2, "a dot per row");
    assert!(out.contains("within ±5%"), "the band is named");
}
