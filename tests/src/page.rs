//! A page object over the built site: the steps a learner takes (open an
//! exercise, set a parameter, run, cancel) and the things a learner reads
//! (the status, a variant's checked output, the results table, the
//! demonstrations), as methods on [`Page`].
//!
//! Every element is selected by its `data-testid` (ARCHITECTURE.md,
//! "Automation hooks"), sometimes narrowed by one of its `data-*`
//! attributes. A step or a read that fails panics with a message naming
//! the testid, so a failing test says which hook it could not use.

use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use serde_json::{Value, json};

use crate::{Browser, Site};

/// The CSS selector of the elements with `data-testid="<testid>"`.
fn by_testid(testid: &str) -> String {
    format!("[data-testid=\"{testid}\"]")
}

/// Panics with a message naming the hook and what was being done with it.
fn fail(what: &str, doing: &str, error: impl std::fmt::Display) -> ! {
    panic!("{what}: {doing}: {error}")
}

/// The attributes `names` of every element matching `arguments[0]`, in
/// document order, `null` where an element lacks one.
const READ_ATTRIBUTES: &str = "const [css, names] = arguments; \
     return [...document.querySelectorAll(css)].map(e => names.map(n => e.getAttribute(n)));";

/// Pixels of a plot canvas (`arguments[0]`: its selector) that are not near-white.
const INKED_PIXELS: &str = r#"
    const canvas = document.querySelector(arguments[0]);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
        if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) inked++;
    }
    return inked;
"#;

/// Distinct colours among the pixels of the image canvas.
const IMAGE_COLOURS: &str = r#"
    const canvas = document.querySelector('[data-testid="image"]');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) colours.add(data[i] << 16 | data[i + 1] << 8 | data[i + 2]);
    return colours.size;
"#;

/// The rows of every demonstration table `arguments[0]` and the caption
/// (the first paragraph of the section) of the first.
const DEMO_TABLE: &str = r#"
    const [id] = arguments;
    const tables = [...document.querySelectorAll('[data-testid="demo-table"]')]
        .filter(t => t.dataset.table === id);
    return {
        caption: tables[0]?.parentElement.querySelector('p')?.textContent ?? null,
        rows: tables.flatMap(t => [...t.querySelectorAll('tbody tr')]).map(tr => ({
            cells: [...tr.children].map(td => td.textContent),
            variant: tr.dataset.variant ?? null,
            highlighted: tr.classList.contains('highlighted'),
        })),
    };
"#;

/// The status line's state and text, read at once.
const STATUS: &str = "const s = document.querySelector('[data-testid=\"status\"]'); \
     return [s.dataset.state ?? null, s.textContent];";

/// The seed groups of the home page: each one's heading and its links' testids.
const SEED_GROUPS: &str = "return [...document.querySelectorAll('[data-testid=\"seed-group\"]')]\
     .map(g => [g.querySelector('h2').textContent, [...g.querySelectorAll('a')].map(a => a.dataset.testid ?? '')])";

/// The attributes of one element, read by [`Page::read_all`].
struct Attributes<'a> {
    /// The selector the element was found by, for messages.
    what: &'a str,
    names: &'a [&'a str],
    values: Vec<Option<String>>,
}

impl Attributes<'_> {
    /// The attribute's value, `None` when the element has none.
    fn get(&self, name: &str) -> Option<&str> {
        let index = self
            .names
            .iter()
            .position(|n| *n == name)
            .unwrap_or_else(|| panic!("{name} was not read"));
        self.values[index].as_deref()
    }

    /// The attribute's value, `""` when the element has none.
    fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_string()
    }

    /// The attribute's value as a number; panics if it is not one.
    fn number<T: FromStr>(&self, name: &str) -> T {
        let text = self.get(name);
        text.and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("{}: attribute {name} is not a number: {text:?}", self.what))
    }
}

/// A `true`/`false` attribute; panics on anything else.
fn flag(what: &str, name: &str, value: Option<&str>) -> Option<bool> {
    match value {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => panic!("{what}: attribute {name} is neither true nor false: {other:?}"),
    }
}

/// A number attribute that may be missing; panics if present but not a number.
fn optional_number<T: FromStr>(what: &str, name: &str, value: Option<&str>) -> Option<T> {
    value.map(|text| {
        text.parse()
            .unwrap_or_else(|_| panic!("{what}: attribute {name} is not a number: {text:?}"))
    })
}

/// One row of the results table (`result-row`).
#[derive(Clone, Debug, PartialEq)]
pub struct ResultRow {
    /// `data-variant`.
    pub variant: String,
    /// `data-size`.
    pub size: u64,
    /// `data-ns-per-call`: the slope of linear sampling.
    pub ns_per_call: f64,
    /// `data-ci-low-ns`.
    pub ci_low_ns: f64,
    /// `data-ci-high-ns`.
    pub ci_high_ns: f64,
    /// `data-allocations`.
    pub allocations: u64,
    /// `data-peak-bytes`: the first call's.
    pub peak_bytes: u64,
}

impl ResultRow {
    const ATTRIBUTES: &[&str] = &[
        "data-variant",
        "data-size",
        "data-ns-per-call",
        "data-ci-low-ns",
        "data-ci-high-ns",
        "data-allocations",
        "data-peak-bytes",
    ];

    fn from(row: &Attributes) -> ResultRow {
        ResultRow {
            variant: row.text("data-variant"),
            size: row.number("data-size"),
            ns_per_call: row.number("data-ns-per-call"),
            ci_low_ns: row.number("data-ci-low-ns"),
            ci_high_ns: row.number("data-ci-high-ns"),
            allocations: row.number("data-allocations"),
            peak_bytes: row.number("data-peak-bytes"),
        }
    }
}

/// One speedup of the results table (`speedup`).
#[derive(Clone, Debug, PartialEq)]
pub struct Speedup {
    /// `data-variant`.
    pub variant: String,
    /// `data-size`.
    pub size: u64,
    /// `data-ratio`.
    pub ratio: f64,
    /// `data-ci-low`.
    pub ci_low: f64,
    /// `data-ci-high`.
    pub ci_high: f64,
}

/// A variant's complexity fit (`fit`).
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// `data-variant`.
    pub variant: String,
    /// `data-class`: `1`, `log n`, `n`, `n log n`, `n^2`, `n^3`, `2^n`.
    pub class: String,
    /// `data-slope`.
    pub slope: f64,
}

/// One point of the thread sweep (`thread-point`).
#[derive(Clone, Debug, PartialEq)]
pub struct ThreadPoint {
    /// `data-threads`.
    pub threads: u32,
    /// `data-speedup`.
    pub speedup: f64,
    /// `data-efficiency`.
    pub efficiency: f64,
}

/// A flame graph or Gantt chart (`flame`).
#[derive(Clone, Debug, PartialEq)]
pub struct Flame {
    /// `data-flame`: the chart's id.
    pub id: String,
    /// `data-spans`: boxes drawn.
    pub spans: u64,
}

/// The caching exercise's TTL timeline (`timeline`).
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    /// `data-hits`.
    pub hits: u32,
    /// `data-misses`.
    pub misses: u32,
    /// `data-expired`.
    pub expired: u32,
}

/// The status panel (`capabilities`); an attribute the page has not set
/// yet (the worker still starting) is `None`.
#[derive(Clone, Debug, PartialEq)]
pub struct Capabilities {
    /// `data-build`: `single` or `threaded`.
    pub build: Option<String>,
    /// `data-pool-threads`.
    pub pool_threads: Option<u32>,
    /// `data-nested-workers`.
    pub nested_workers: Option<bool>,
    /// `data-isolated`.
    pub isolated: Option<bool>,
    /// `data-timer-resolution-us`.
    pub timer_resolution_us: Option<f64>,
    /// `data-cores`.
    pub cores: Option<u32>,
    /// `data-simd`.
    pub simd: Option<bool>,
    /// `data-threads`.
    pub threads: Option<bool>,
    /// `data-webgpu`: `none`, `software`, `hardware`.
    pub webgpu: Option<String>,
}

/// One row of a demonstration table.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoRow {
    /// Its cells' text.
    pub cells: Vec<String>,
    /// `data-variant`, where the table has one per row.
    pub variant: Option<String>,
    /// Whether the row has the class `highlighted`.
    pub highlighted: bool,
}

/// A demonstration table (`demo-table` with `data-table`).
#[derive(Clone, Debug, PartialEq)]
pub struct DemoTable {
    /// The table's id.
    pub id: String,
    /// The paragraph above the table, if there is one.
    pub caption: Option<String>,
    /// Its body's rows.
    pub rows: Vec<DemoRow>,
}

impl DemoTable {
    /// The cells, row by row.
    pub fn cells(&self) -> Vec<Vec<String>> {
        self.rows.iter().map(|row| row.cells.clone()).collect()
    }

    /// The paragraph above the table; panics if there is none.
    pub fn caption(&self) -> &str {
        self.caption
            .as_deref()
            .unwrap_or_else(|| panic!("demo-table {}: no caption", self.id))
    }

    /// How many rows are highlighted.
    pub fn highlighted(&self) -> usize {
        self.rows.iter().filter(|row| row.highlighted).count()
    }

    /// The `data-variant` of every row, `""` where a row has none.
    pub fn variants(&self) -> Vec<String> {
        self.rows
            .iter()
            .map(|row| row.variant.clone().unwrap_or_default())
            .collect()
    }

    /// The row of `variant`; panics if there is none.
    pub fn row_of(&self, variant: &str) -> &DemoRow {
        self.rows
            .iter()
            .find(|row| row.variant.as_deref() == Some(variant))
            .unwrap_or_else(|| panic!("demo-table {}: no row of {variant}", self.id))
    }
}

/// A group of exercises on the home page (`seed-group`).
#[derive(Clone, Debug, PartialEq)]
pub struct SeedGroup {
    /// Its heading.
    pub title: String,
    /// The testids of its links, in order.
    pub links: Vec<String>,
}

/// The site in a browser, seen as a learner sees it. Dropping it (or
/// [`Page::close`]) ends the browser, then stops serving the site.
pub struct Page {
    browser: Browser,
    site: Site,
}

impl Page {
    /// The site served with the isolation headers, in a fresh headless Chromium.
    pub async fn isolated() -> Page {
        let site = Site::isolated();
        Page::new(site, Browser::start().await)
    }

    /// The same, in a Chromium with WebGPU (a software adapter here).
    pub async fn isolated_with_webgpu() -> Page {
        let site = Site::isolated();
        Page::new(site, Browser::start_with_webgpu().await)
    }

    /// `site` in `browser`.
    pub fn new(site: Site, browser: Browser) -> Page {
        Page { browser, site }
    }

    /// The browser, for what the page object has no step for.
    pub fn browser(&self) -> &Browser {
        &self.browser
    }

    /// The absolute URL of `path` on the site.
    pub fn url(&self, path: &str) -> String {
        self.site.url(path)
    }

    // --- Going places -----------------------------------------------------

    /// Opens `path` on the site and waits for the app's header.
    pub async fn open(&self, path: &str) {
        self.browser.open(&self.url(path)).await;
    }

    /// Opens the home page.
    pub async fn open_home(&self) {
        self.open("/").await;
    }

    /// Opens exercise `id` with the URL query `query` (without `?`; may be empty).
    pub async fn open_exercise(&self, id: &str, query: &str) {
        let path = match query {
            "" => format!("/exercises/{id}"),
            query => format!("/exercises/{id}?{query}"),
        };
        self.open(&path).await;
    }

    /// On the home page: follows the link to exercise `id` and waits for
    /// its Run button.
    pub async fn follow_exercise_link(&self, id: &str) {
        self.click(&format!("exercise-link-{id}")).await;
        self.browser.testid("run").await;
    }

    /// Starts loading `path` on the site without waiting for anything (see
    /// [`Browser::navigate`]).
    pub async fn navigate(&self, path: &str) {
        self.browser.navigate(&self.url(path)).await;
    }

    /// Reloads the page.
    pub async fn reload(&self) {
        self.browser
            .client
            .refresh()
            .await
            .unwrap_or_else(|error| fail("the page", "reload", error));
    }

    /// The address bar's URL.
    pub async fn current_url(&self) -> url::Url {
        self.browser
            .client
            .current_url()
            .await
            .unwrap_or_else(|error| fail("the page", "current URL", error))
    }

    /// Waits (up to 30 s) until the site's service worker controls the page.
    pub async fn wait_for_service_worker(&self) {
        self.browser
            .wait_until(
                "return navigator.serviceWorker.controller !== null",
                json!(true),
                Duration::from_secs(30),
            )
            .await;
    }

    // --- Parameters -------------------------------------------------------

    /// Replaces the text of parameter `name` (`param-<name>`).
    pub async fn set_param(&self, name: &str, value: &str) {
        self.browser.set_param(name, value).await;
    }

    /// The text in parameter `name`'s input.
    pub async fn param_value(&self, name: &str) -> String {
        let testid = format!("param-{name}");
        self.browser
            .testid(&testid)
            .await
            .prop("value")
            .await
            .unwrap_or_else(|error| fail(&testid, "value", error))
            .unwrap_or_default()
    }

    /// The inline error of parameter `name` (`param-error-<name>`), `None`
    /// when it has none. Waits for the parameter's input (its error is
    /// drawn with it); panics if the error is shown more than once.
    pub async fn param_error(&self, name: &str) -> Option<String> {
        self.browser.testid(&format!("param-{name}")).await;
        let testid = format!("param-error-{name}");
        let errors = self.elements(&testid).await;
        assert!(errors.len() <= 1, "{testid}: shown {} times", errors.len());
        match errors.first() {
            Some(error) => Some(text_of(&testid, error).await),
            None => None,
        }
    }

    /// Picks `file` in the exercise's file input (`param-file`).
    pub async fn choose_file(&self, file: &Path) {
        let path = file
            .to_str()
            .unwrap_or_else(|| panic!("{}: not UTF-8", file.display()));
        self.browser
            .testid("param-file")
            .await
            .send_keys(path)
            .await
            .unwrap_or_else(|error| fail("param-file", "choose a file", error));
    }

    /// Goes back to generated input (`clear-file`).
    pub async fn clear_file(&self) {
        self.click("clear-file").await;
    }

    // --- Running ----------------------------------------------------------

    /// Presses Run.
    pub async fn run(&self) {
        self.click("run").await;
    }

    /// Presses Cancel.
    pub async fn cancel(&self) {
        self.click("cancel").await;
    }

    /// Waits until the status's `data-state` is `state`; panics with the
    /// status text after `timeout`.
    pub async fn wait_state(&self, state: &str, timeout: Duration) {
        self.browser.wait_for_state(&[state], timeout).await;
    }

    /// The status's `data-state`: `idle`, `running`, `done`, `cancelled`, `error`.
    pub async fn status_state(&self) -> String {
        self.browser.state().await
    }

    /// The status line's text.
    pub async fn status_text(&self) -> String {
        self.text("status").await
    }

    /// The status line's texts, polled every 20 ms for as long as its state
    /// is `running` (at most `timeout`); starts polling at once.
    pub async fn status_texts_while_running(&self, timeout: Duration) -> Vec<String> {
        let mut texts = Vec::new();
        let started = Instant::now();
        while started.elapsed() < timeout {
            let status = self.js(STATUS).await;
            if status[0] != "running" {
                break;
            }
            let text = status[1].as_str();
            texts.push(
                text.unwrap_or_else(|| panic!("status: no text in {status}"))
                    .to_string(),
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        texts
    }

    // --- Variants ---------------------------------------------------------

    /// The variant's output on the first check case (`checked-<variant>`).
    pub async fn checked(&self, variant: &str) -> String {
        self.text(&format!("checked-{variant}")).await
    }

    /// Why a GPU variant cannot run here (`unavailable-<variant>`).
    pub async fn unavailable(&self, variant: &str) -> String {
        self.text(&format!("unavailable-{variant}")).await
    }

    /// The whole text of the variant's card (`variant-<variant>`).
    pub async fn variant_card(&self, variant: &str) -> String {
        self.text(&format!("variant-{variant}")).await
    }

    /// The check section of the variant's card.
    pub async fn variant_check(&self, variant: &str) -> String {
        let css = format!("{} .check", by_testid(&format!("variant-{variant}")));
        let check = self.browser.wait_for(&css).await;
        text_of(&css, &check).await
    }

    /// The verdict of the variant's card where it agrees with the
    /// reference, `""` where it does not say so.
    pub async fn variant_agreement(&self, variant: &str) -> String {
        let script = "return document.querySelector(`[data-testid=\"variant-${arguments[0]}\"] .agrees`)?.textContent ?? ''";
        let value = self.js_with(script, vec![variant.into()]).await;
        value
            .as_str()
            .unwrap_or_else(|| panic!("variant-{variant}: agreement {value}"))
            .to_string()
    }

    /// How many variant cards say they agree with the reference.
    pub async fn agreeing_variants(&self) -> usize {
        let value = self
            .js("return document.querySelectorAll('[data-testid^=\"variant-\"] .agrees').length")
            .await;
        value
            .as_u64()
            .unwrap_or_else(|| panic!("variant cards: agreeing {value}")) as usize
    }

    // --- Results ----------------------------------------------------------

    /// The rows of the results table, now, in order.
    pub async fn result_rows(&self) -> Vec<ResultRow> {
        let css = by_testid("result-row");
        self.read_all(&css, ResultRow::ATTRIBUTES, ResultRow::from)
            .await
    }

    /// The results row of `variant` at `size`, waiting for it.
    pub async fn result_row(&self, variant: &str, size: u64) -> ResultRow {
        let css = format!(
            "{}[data-variant=\"{variant}\"][data-size=\"{size}\"]",
            by_testid("result-row")
        );
        self.browser.wait_for(&css).await;
        let rows = self
            .read_all(&css, ResultRow::ATTRIBUTES, ResultRow::from)
            .await;
        rows.into_iter()
            .next()
            .unwrap_or_else(|| panic!("{css}: gone"))
    }

    /// The speedups of the results table, now.
    pub async fn speedups(&self) -> Vec<Speedup> {
        let names = &[
            "data-variant",
            "data-size",
            "data-ratio",
            "data-ci-low",
            "data-ci-high",
        ];
        self.read_all(&by_testid("speedup"), names, |s| Speedup {
            variant: s.text("data-variant"),
            size: s.number("data-size"),
            ratio: s.number("data-ratio"),
            ci_low: s.number("data-ci-low"),
            ci_high: s.number("data-ci-high"),
        })
        .await
    }

    /// Whether the target was met (`verdict`'s `data-pass`), waiting for it.
    pub async fn verdict(&self) -> bool {
        let pass = self.attr("verdict", "data-pass").await;
        flag("verdict", "data-pass", pass.as_deref())
            .unwrap_or_else(|| panic!("verdict: no data-pass"))
    }

    /// The complexity fit of `variant`, waiting for it.
    pub async fn fit(&self, variant: &str) -> Fit {
        let css = format!("{}[data-variant=\"{variant}\"]", by_testid("fit"));
        self.browser.wait_for(&css).await;
        let names = &["data-variant", "data-class", "data-slope"];
        let fits = self
            .read_all(&css, names, |f| Fit {
                variant: f.text("data-variant"),
                class: f.text("data-class"),
                slope: f.number("data-slope"),
            })
            .await;
        fits.into_iter()
            .next()
            .unwrap_or_else(|| panic!("{css}: gone"))
    }

    /// The status panel, waiting for it.
    pub async fn capabilities(&self) -> Capabilities {
        let what = "capabilities";
        self.browser.testid(what).await;
        let names = &[
            "data-build",
            "data-pool-threads",
            "data-nested-workers",
            "data-isolated",
            "data-timer-resolution-us",
            "data-cores",
            "data-simd",
            "data-threads",
            "data-webgpu",
        ];
        let panels = self
            .read_all(&by_testid(what), names, |p| Capabilities {
                build: p.get("data-build").map(str::to_string),
                pool_threads: optional_number(
                    what,
                    "data-pool-threads",
                    p.get("data-pool-threads"),
                ),
                nested_workers: flag(what, "data-nested-workers", p.get("data-nested-workers")),
                isolated: flag(what, "data-isolated", p.get("data-isolated")),
                timer_resolution_us: optional_number(
                    what,
                    "data-timer-resolution-us",
                    p.get("data-timer-resolution-us"),
                ),
                cores: optional_number(what, "data-cores", p.get("data-cores")),
                simd: flag(what, "data-simd", p.get("data-simd")),
                threads: flag(what, "data-threads", p.get("data-threads")),
                webgpu: p.get("data-webgpu").map(str::to_string),
            })
            .await;
        panels
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("{what}: gone"))
    }

    /// The points of the thread sweep, now.
    pub async fn thread_points(&self) -> Vec<ThreadPoint> {
        let names = &["data-threads", "data-speedup", "data-efficiency"];
        self.read_all(&by_testid("thread-point"), names, |p| ThreadPoint {
            threads: p.number("data-threads"),
            speedup: p.number("data-speedup"),
            efficiency: p.number("data-efficiency"),
        })
        .await
    }

    /// The serial fraction Amdahl's law fits to the sweep (`amdahl`), waiting for it.
    pub async fn serial_fraction(&self) -> f64 {
        self.number("amdahl", "data-serial-fraction").await
    }

    /// The run as JSON (`results-json`).
    pub async fn results_json(&self) -> Value {
        let json = self
            .browser
            .testid("results-json")
            .await
            .prop("textContent")
            .await
            .unwrap_or_else(|error| fail("results-json", "textContent", error))
            .unwrap_or_default();
        serde_json::from_str(&json).unwrap_or_else(|error| fail("results-json", &json, error))
    }

    // --- Demonstrations ---------------------------------------------------

    /// The demonstration table `id`, waiting for it.
    pub async fn demo_table(&self, id: &str) -> DemoTable {
        self.browser
            .wait_for(&format!("{}[data-table=\"{id}\"]", by_testid("demo-table")))
            .await;
        let what = format!("demo-table {id}");
        let table = self.js_with(DEMO_TABLE, vec![id.into()]).await;
        let rows = table["rows"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: no rows in {table}"))
            .iter()
            .map(|row| DemoRow {
                cells: serde_json::from_value(row["cells"].clone())
                    .unwrap_or_else(|error| fail(&what, "cells", error)),
                variant: row["variant"].as_str().map(str::to_string),
                highlighted: row["highlighted"] == true,
            })
            .collect();
        DemoTable {
            id: id.to_string(),
            caption: table["caption"].as_str().map(str::to_string),
            rows,
        }
    }

    /// The flame graphs and Gantt charts, now, in order.
    pub async fn flames(&self) -> Vec<Flame> {
        let names = &["data-flame", "data-spans"];
        self.read_all(&by_testid("flame"), names, |f| Flame {
            id: f.text("data-flame"),
            spans: f.number("data-spans"),
        })
        .await
    }

    /// The caching exercise's TTL timeline, waiting for it.
    pub async fn timeline(&self) -> Timeline {
        self.browser.testid("timeline").await;
        let names = &["data-hits", "data-misses", "data-expired"];
        let timelines = self
            .read_all(&by_testid("timeline"), names, |t| Timeline {
                hits: t.number("data-hits"),
                misses: t.number("data-misses"),
                expired: t.number("data-expired"),
            })
            .await;
        timelines
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("timeline: gone"))
    }

    /// Pixels of a plot canvas that are not near-white: the first `plot`
    /// (time vs size) for `None`, else the one whose `data-plot` is given.
    pub async fn inked_pixels(&self, plot: Option<&str>) -> u64 {
        let css = match plot {
            None => by_testid("plot"),
            Some(id) => format!("{}[data-plot=\"{id}\"]", by_testid("plot")),
        };
        let value = self.js_with(INKED_PIXELS, vec![css.clone().into()]).await;
        value
            .as_u64()
            .unwrap_or_else(|| panic!("{css}: inked pixels {value}"))
    }

    /// Whether the page has a `plot` with this `data-plot`, now.
    pub async fn has_plot(&self, plot: &str) -> bool {
        let css = format!("{}[data-plot=\"{plot}\"]", by_testid("plot"));
        let value = self
            .js_with(
                "return document.querySelector(arguments[0]) !== null",
                vec![css.clone().into()],
            )
            .await;
        value
            .as_bool()
            .unwrap_or_else(|| panic!("{css}: present {value}"))
    }

    /// Distinct colours among the pixels of the `image` canvas.
    pub async fn image_colours(&self) -> u64 {
        let value = self.js(IMAGE_COLOURS).await;
        value
            .as_u64()
            .unwrap_or_else(|| panic!("image: colours {value}"))
    }

    /// The home page's groups of exercises, now.
    pub async fn seed_groups(&self) -> Vec<SeedGroup> {
        let groups: Vec<(String, Vec<String>)> = serde_json::from_value(self.js(SEED_GROUPS).await)
            .unwrap_or_else(|error| fail("seed-group", "read", error));
        groups
            .into_iter()
            .map(|(title, links)| SeedGroup { title, links })
            .collect()
    }

    // --- Any hook ---------------------------------------------------------

    /// The text of the first element `testid`, waiting for it.
    pub async fn text(&self, testid: &str) -> String {
        let element = self.browser.testid(testid).await;
        text_of(testid, &element).await
    }

    /// The attribute `name` of the first element `testid`, waiting for it.
    pub async fn attr(&self, testid: &str, name: &str) -> Option<String> {
        self.browser
            .testid(testid)
            .await
            .attr(name)
            .await
            .unwrap_or_else(|error| fail(testid, &format!("attribute {name}"), error))
    }

    /// The attribute `name` of the first element `testid` as a number,
    /// waiting for the element; panics if it is not one.
    pub async fn number<T: FromStr>(&self, testid: &str, name: &str) -> T {
        let text = self.attr(testid, name).await;
        text.as_deref()
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("{testid}: attribute {name} is not a number: {text:?}"))
    }

    /// How many elements `testid` there are, now.
    pub async fn count(&self, testid: &str) -> usize {
        self.elements(testid).await.len()
    }

    /// Clicks the first element `testid`, waiting for it.
    pub async fn click(&self, testid: &str) {
        self.browser
            .testid(testid)
            .await
            .click()
            .await
            .unwrap_or_else(|error| fail(testid, "click", error));
    }

    /// Runs JavaScript in the page and returns its result.
    pub async fn js(&self, script: &str) -> Value {
        self.browser.js(script).await
    }

    /// Runs JavaScript in the page with `arguments` and returns its result.
    pub async fn js_with(&self, script: &str, arguments: Vec<Value>) -> Value {
        self.browser
            .client
            .execute(script, arguments)
            .await
            .unwrap_or_else(|error| fail(script, "execute", error))
    }

    /// Console messages of level SEVERE since the last call.
    pub async fn console_errors(&self) -> Vec<String> {
        self.browser.console_errors().await
    }

    /// Ends the browser, then stops serving the site.
    pub async fn close(self) {
        let Page { browser, site } = self;
        browser.close().await;
        drop(site);
    }

    /// All elements `testid`, now.
    async fn elements(&self, testid: &str) -> Vec<Element> {
        self.browser.all(testid).await
    }

    /// `read` over the attributes `names` of every element matching `css`,
    /// now, in document order (one round trip for all of them).
    async fn read_all<T>(
        &self,
        css: &str,
        names: &[&str],
        read: impl Fn(&Attributes) -> T,
    ) -> Vec<T> {
        let value = self
            .js_with(READ_ATTRIBUTES, vec![css.into(), json!(names)])
            .await;
        let elements: Vec<Vec<Option<String>>> = serde_json::from_value(value)
            .unwrap_or_else(|error| fail(css, "read attributes", error));
        elements
            .into_iter()
            .map(|values| {
                read(&Attributes {
                    what: css,
                    names,
                    values,
                })
            })
            .collect()
    }
}

/// An element's visible text; panics naming `what` if it cannot be read.
async fn text_of(what: &str, element: &Element) -> String {
    element
        .text()
        .await
        .unwrap_or_else(|error| fail(what, "text", error))
}
