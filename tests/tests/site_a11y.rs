//! The built site in headless Chromium, served with the isolation headers:
//! axe-core's WCAG 2.1 A/AA and best-practice rules over every kind of
//! page, in the light and the dark theme, after a run has filled it. No
//! serious or critical violation is allowed.

use std::time::Duration;

use e2e::{Browser, Page, Site};
use serde_json::Value;

/// Starts axe on the page; its serious and critical violations land in
/// `window.__axe`, one line each.
const RUN_AXE: &str = r#"
    window.__axe = null;
    axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}).then(
        result => window.__axe = result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(', ')}`),
        error => window.__axe = [`axe failed: ${error}`]);
    return typeof axe.run;
"#;

/// The serious and critical violations on the page as it is now.
async fn violations(page: &Page) -> Vec<String> {
    let path = std::env::var("AXE_CORE")
        .expect("AXE_CORE: the path of axe-core's axe.min.js (`cargo xtask test` installs it and sets it)");
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // axe's bundle sets `window.axe`, also when run as a script's body.
    page.js(&format!("{source}\n;return typeof window.axe;")).await;
    assert_eq!(page.js(RUN_AXE).await, "function");
    page.browser()
        .wait_until(
            "return window.__axe !== null",
            Value::Bool(true),
            Duration::from_secs(60),
        )
        .await;
    let found = page.js("return window.__axe").await;
    found
        .as_array()
        .expect("a list")
        .iter()
        .map(|line| line.as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn no_page_has_a_serious_accessibility_violation_in_either_theme() {
    for dark in [false, true] {
        let flags: &[&str] = if dark { &["--force-dark-mode"] } else { &[] };
        let theme = if dark { "dark" } else { "light" };
        let page = Page::new(Site::isolated(), Browser::start_with(flags).await);
        page.open_home().await;
        assert_eq!(violations(&page).await, Vec::<String>::new(), "home, {theme}");
        // The check can fail: a field without a label is a critical one.
        page.js("document.querySelector('main').append(document.createElement('input')); return true;")
            .await;
        let found = violations(&page).await;
        assert!(found.iter().any(|v| v.starts_with("label (critical)")), "{found:?}");
        // Every kind of result: plots, tables, an image, a flame graph,
        // demonstration tables and charts, the thread sweep.
        for (id, query) in [
            ("duplicates", "sizes=100,1000&budget_ms=300"),
            ("mandelbrot", "width=200&budget_ms=300"),
            ("profiling", "budget_ms=300"),
            ("storage", "budget_ms=300"),
        ] {
            page.open_exercise(id, query).await;
            page.run().await;
            page.wait_state("done", Duration::from_secs(240)).await;
            assert_eq!(violations(&page).await, Vec::<String>::new(), "{id}, {theme}");
            // Every plot is an image with words, and the status is announced.
            let canvases = page
                .js("const all = [...document.querySelectorAll('canvas')];
                     return [all.length, all.filter(c => c.getAttribute('role') !== 'img'
                             || (c.getAttribute('aria-label') || '').length < 20).length,
                             document.querySelector('[data-testid=status]').getAttribute('aria-live')];")
                .await;
            assert!(canvases[0].as_u64() > Some(0), "{id}: {canvases}");
            assert_eq!(canvases[1], 0, "{id}: canvases without a text alternative: {canvases}");
            assert_eq!(canvases[2], "polite", "{id}: {canvases}");
        }
        // The history, with the runs above in it.
        page.open("/history").await;
        page.browser()
            .wait_for("[data-testid=\"history-row\"]")
            .await;
        assert_eq!(violations(&page).await, Vec::<String>::new(), "history, {theme}");
        page.close().await;
    }
}

/// Presses and releases `key` on the keyboard, wherever the focus is.
async fn press(page: &Page, key: fantoccini::key::Key) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key.into() })
        .then(KeyAction::Up { value: key.into() });
    page.browser()
        .client
        .perform_actions(actions)
        .await
        .expect("key pressed");
}

#[tokio::test]
async fn the_keyboard_reaches_every_control_with_a_visible_focus_and_runs() {
    let page = Page::isolated().await;
    page.open_exercise("duplicates", "sizes=100,1000&budget_ms=300")
        .await;
    page.js("document.activeElement.blur(); return true;").await;
    // Tab from the top: every stop is a control with a visible focus ring,
    // and the fields and Run come in the page's order.
    let mut stops = Vec::new();
    for _ in 0..80 {
        press(&page, fantoccini::key::Key::Tab).await;
        let focused = page
            .js("const e = document.activeElement;
                 return [e.dataset.testid || e.tagName.toLowerCase(),
                         e.matches(':focus-visible') && getComputedStyle(e).outlineStyle !== 'none'];")
            .await;
        let name = focused[0].as_str().unwrap_or_default().to_string();
        assert_eq!(focused[1], true, "{name}: no visible focus");
        let done = name == "run";
        stops.push(name);
        if done {
            break;
        }
    }
    assert_eq!(stops.last().map(String::as_str), Some("run"), "{stops:?}");
    for field in ["param-sizes", "param-budget_ms"] {
        assert!(stops.iter().any(|stop| stop == field), "{field} not reached: {stops:?}");
    }
    // Enter on Run runs.
    press(&page, fantoccini::key::Key::Enter).await;
    page.wait_state("done", std::time::Duration::from_secs(120)).await;
    assert_eq!(
        page.result_rows().await.len(),
        2 * e2e::variant_names("duplicates").len()
    );
    page.close().await;
}
