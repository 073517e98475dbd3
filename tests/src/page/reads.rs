//! What a learner reads on the page: checks, results, fits, the thread
//! sweep, demonstrations, plots; typed from the hooks' `data-*` attributes.

use super::*;

impl Page {
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

    /// Every element with `data-testid` `testid`, as its `data-*`
    /// attributes (camel-cased as `dataset` names them), in page order.
    pub async fn hooked(&self, testid: &str) -> Vec<std::collections::BTreeMap<String, String>> {
        let script = "return [...document.querySelectorAll(`[data-testid=\"${arguments[0]}\"]`)].map(e => ({...e.dataset}))";
        let value = self.js_with(script, vec![testid.into()]).await;
        serde_json::from_value(value.clone()).unwrap_or_else(|error| panic!("{testid}: {value} ({error})"))
    }

    /// The line charts, as `(data-chart, data-lines)`.
    pub async fn charts(&self) -> Vec<(String, usize)> {
        let script = "return [...document.querySelectorAll('[data-testid=\"chart\"]')].map(c => [c.dataset.chart, Number(c.dataset.lines)])";
        let value = self.js(script).await;
        serde_json::from_value(value.clone()).unwrap_or_else(|error| panic!("charts: {value} ({error})"))
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
            "data-module",
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
                module: p.get("data-module").map(str::to_string),
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
}
