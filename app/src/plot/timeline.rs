//! The timeline plot: a demonstration's events over time, by lane and kind.

use exercises::protocol::Timeline;

use super::{theme, PALETTE, draw_legend, styled_mesh};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Events over time, one row per lane, a colour per kind of event.
pub fn timeline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    timeline: &Timeline,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |value: f64| (value * scale).round() as i32;
    let font = |size: f64| theme::text(size * scale);
    area.fill(&theme::paper())?;
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
    draw_legend(&mut chart, scale, &[])?;
    area.present()
}
