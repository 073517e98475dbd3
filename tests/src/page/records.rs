//! The typed records a [`Page`](super::Page) reads, the attribute parsing
//! behind them, and the scripts that read many elements in one round trip.

use std::str::FromStr;

/// The CSS selector of the elements with `data-testid="<testid>"`.
pub(super) fn by_testid(testid: &str) -> String {
    format!("[data-testid=\"{testid}\"]")
}

/// Panics with a message naming the hook and what was being done with it.
pub(super) fn fail(what: &str, doing: &str, error: impl std::fmt::Display) -> ! {
    panic!("{what}: {doing}: {error}")
}

/// The attributes `names` of every element matching `arguments[0]`, in
/// document order, `null` where an element lacks one.
pub(super) const READ_ATTRIBUTES: &str = "const [css, names] = arguments; \
     return [...document.querySelectorAll(css)].map(e => names.map(n => e.getAttribute(n)));";

/// Pixels of a plot canvas (`arguments[0]`: its selector) that are not near-white.
pub(super) const INKED_PIXELS: &str = r#"
    const canvas = document.querySelector(arguments[0]);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
        if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) inked++;
    }
    return inked;
"#;

/// Distinct colours among the pixels of the image canvas.
pub(super) const IMAGE_COLOURS: &str = r#"
    const canvas = document.querySelector('[data-testid="image"]');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) colours.add(data[i] << 16 | data[i + 1] << 8 | data[i + 2]);
    return colours.size;
"#;

/// The rows of every demonstration table `arguments[0]` and the caption
/// (the first paragraph of the section) of the first.
pub(super) const DEMO_TABLE: &str = r#"
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
pub(super) const STATUS: &str = "const s = document.querySelector('[data-testid=\"status\"]'); \
     return [s.dataset.state ?? null, s.textContent];";

/// The seed groups of the home page: each one's heading and its links' testids.
pub(super) const SEED_GROUPS: &str = "return [...document.querySelectorAll('[data-testid=\"seed-group\"]')]\
     .map(g => [g.querySelector('h2').textContent, [...g.querySelectorAll('a')].map(a => a.dataset.testid ?? '')])";

/// The attributes of one element, read by [`Page::read_all`].
pub(super) struct Attributes<'a> {
    /// The selector the element was found by, for messages.
    pub(super) what: &'a str,
    pub(super) names: &'a [&'a str],
    pub(super) values: Vec<Option<String>>,
}

impl Attributes<'_> {
    /// The attribute's value, `None` when the element has none.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        let index = self
            .names
            .iter()
            .position(|n| *n == name)
            .unwrap_or_else(|| panic!("{name} was not read"));
        self.values[index].as_deref()
    }

    /// The attribute's value, `""` when the element has none.
    pub(super) fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_string()
    }

    /// The attribute's value as a number; panics if it is not one.
    pub(super) fn number<T: FromStr>(&self, name: &str) -> T {
        let text = self.get(name);
        text.and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("{}: attribute {name} is not a number: {text:?}", self.what))
    }
}

/// A `true`/`false` attribute; panics on anything else.
pub(super) fn flag(what: &str, name: &str, value: Option<&str>) -> Option<bool> {
    match value {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => panic!("{what}: attribute {name} is neither true nor false: {other:?}"),
    }
}

/// A number attribute that may be missing; panics if present but not a number.
pub(super) fn optional_number<T: FromStr>(
    what: &str,
    name: &str,
    value: Option<&str>,
) -> Option<T> {
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
    pub(super) const ATTRIBUTES: &[&str] = &[
        "data-variant",
        "data-size",
        "data-ns-per-call",
        "data-ci-low-ns",
        "data-ci-high-ns",
        "data-allocations",
        "data-peak-bytes",
    ];

    pub(super) fn from(row: &Attributes) -> ResultRow {
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
    /// `data-module`: the worker module that runs the exercise.
    pub module: Option<String>,
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
