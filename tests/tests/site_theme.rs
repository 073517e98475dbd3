//! The built site in headless Chromium, served with the isolation headers:
//! the page as a reader's screen shows it. A dark system theme darkens the
//! page and its plots; an 800-pixel window never scrolls sideways.

use std::time::Duration;

use e2e::{Browser, Page, Site};
use serde_json::Value;

/// Luminance (0–1) of the page's background, of a plot's top-left pixel
/// and the share of a plot's pixels light enough to be ink on dark paper.
const SHADES: &str = r#"
    const lum = ([r, g, b]) => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    const rgb = css => css.match(/\d+/g).slice(0, 3).map(Number);
    const canvas = document.querySelector('[data-testid="plot"]');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let light = 0;
    for (let i = 0; i < data.length; i += 4) {
        if (lum([data[i], data[i + 1], data[i + 2]]) > 0.6) light++;
    }
    const code = document.querySelector('code.highlighted .hl-keyword');
    return [matchMedia('(prefers-color-scheme: dark)').matches,
            lum(rgb(getComputedStyle(document.body.parentElement).backgroundColor)),
            lum([data[0], data[1], data[2]]),
            light / (data.length / 4),
            code ? lum(rgb(getComputedStyle(code).color)) : -1];
"#;

#[tokio::test]
async fn a_dark_system_theme_darkens_the_page_its_code_and_its_plots() {
    for dark in [false, true] {
        let flags: &[&str] = if dark { &["--force-dark-mode"] } else { &[] };
        let page = Page::new(Site::isolated(), Browser::start_with(flags).await);
        page.open_exercise("duplicates", "sizes=100,1000&budget_ms=300")
            .await;
        page.run().await;
        page.wait_state("done", Duration::from_secs(120)).await;
        let shades = page.js(SHADES).await;
        let number = |i: usize| shades[i].as_f64().unwrap_or(f64::NAN);
        assert_eq!(shades[0], Value::Bool(dark), "{shades}");
        if dark {
            assert!(number(1) < 0.15, "the page's background: {shades}");
            assert!(number(2) < 0.15, "the plot's paper: {shades}");
            // Axes, labels and grid in light ink, not black on black.
            assert!(number(3) > 0.002, "the plot's ink: {shades}");
            assert!(number(4) > 0.5, "highlighted code: {shades}");
        } else {
            assert!(number(1) > 0.9, "the page's background: {shades}");
            assert!(number(2) > 0.9, "the plot's paper: {shades}");
            assert!(number(4) < 0.5, "highlighted code: {shades}");
        }
        assert_eq!(page.console_errors().await, Vec::<String>::new());
        page.close().await;
    }
}

/// How far the page is wider than the window, in CSS pixels (negative:
/// the vertical scroll bar's width to spare), and the window's width.
const OVERFLOW: &str = r#"
    document.querySelectorAll('details').forEach(d => d.open = true);
    return [document.documentElement.scrollWidth - innerWidth, innerWidth];
"#;

#[tokio::test]
async fn an_800_pixel_window_never_scrolls_sideways() {
    let page = Page::new(
        Site::isolated(),
        Browser::start_with(&["--window-size=800,900"]).await,
    );
    page.open_home().await;
    let home = page.js(OVERFLOW).await;
    assert!(home[1].as_i64() <= Some(800), "{home}");
    assert!(home[0].as_i64() <= Some(0), "the home page: {home}");
    // A run's widest parts: the results table, the code, the export's JSON.
    for (id, query) in [
        ("duplicates", "sizes=100,1000&budget_ms=300"),
        ("memory", "budget_ms=300"),
    ] {
        page.open_exercise(id, query).await;
        page.run().await;
        page.wait_state("done", Duration::from_secs(180)).await;
        let overflow = page.js(OVERFLOW).await;
        assert!(overflow[0].as_i64() <= Some(0), "{id}: {overflow}");
    }
    page.open("/history").await;
    let history = page.js(OVERFLOW).await;
    assert!(history[0].as_i64() <= Some(0), "the history: {history}");
    page.close().await;
}
