//! Drawing a plot on a canvas at the screen's pixel density.

use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;

/// Draws on the canvas at the screen's pixel density: the backing store is
/// the CSS size times `devicePixelRatio`, and the plot scales its fonts and
/// lines by the same factor. The height is `aspect` × the width.
///
/// Each plot is drawn in a task of its own, after the one that changed its
/// data: a run's end redraws half a dozen plots, and drawing them all in
/// the task that handles the worker's last message made that one task
/// 50–75 ms long. Only a canvas's latest request is drawn.
pub(super) fn draw<E: std::fmt::Debug>(
    canvas: &web_sys::HtmlCanvasElement,
    aspect: f64,
    plot: impl FnOnce(
        &plotters::drawing::DrawingArea<CanvasBackend, plotters::coord::Shift>,
        f64,
    ) -> Result<(), E>
    + 'static,
) {
    const LATEST: &str = "perflabDrawRequest";
    let request = NEXT_REQUEST.with(|next| {
        next.set(next.get() + 1);
        next.get()
    });
    let _ = js_sys::Reflect::set(canvas, &LATEST.into(), &request.into());
    let canvas = canvas.clone();
    set_timeout(
        move || {
            let latest = js_sys::Reflect::get(&canvas, &LATEST.into()).ok().and_then(|v| v.as_f64());
            if latest == Some(request as f64) {
                draw_now(&canvas, aspect, plot);
            }
        },
        std::time::Duration::ZERO,
    );
}

thread_local! {
    static NEXT_REQUEST: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

fn draw_now<E: std::fmt::Debug>(
    canvas: &web_sys::HtmlCanvasElement,
    aspect: f64,
    plot: impl FnOnce(
        &plotters::drawing::DrawingArea<CanvasBackend, plotters::coord::Shift>,
        f64,
    ) -> Result<(), E>,
) {
    let scale = window().device_pixel_ratio().max(1.0);
    crate::plot::theme::set(page_theme());
    let css_width = match canvas.client_width() {
        0 => 800,
        width => width,
    };
    let css_height = (css_width as f64 * aspect).clamp(220.0, 480.0);
    canvas.set_width((css_width as f64 * scale) as u32);
    canvas.set_height((css_height * scale) as u32);
    let _ = web_sys::HtmlElement::style(canvas).set_property("height", &format!("{css_height}px"));
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else {
        return;
    };
    if let Err(error) = plot(&backend.into_drawing_area(), scale) {
        web_sys::console::error_1(&format!("plot failed: {error:?}").into());
    }
}

/// The plots' colours of the page's theme (light or dark, as the system
/// prefers): the CSS custom properties `--plot-paper` and `--plot-ink`.
fn page_theme() -> crate::plot::Theme {
    let style = document()
        .document_element()
        .and_then(|root| window().get_computed_style(&root).ok().flatten());
    let property = |name: &str| {
        style
            .as_ref()
            .and_then(|style| style.get_property_value(name).ok())
            .unwrap_or_default()
    };
    crate::plot::Theme::parse(&property("--plot-paper"), &property("--plot-ink"))
        .unwrap_or(crate::plot::Theme::LIGHT)
}
