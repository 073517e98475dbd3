//! The steps and reads of runs that last: the history page, the comparison
//! on the exercise page, import, SQL, and a second tab.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use super::Page;
use super::records::fail;

/// One row of the history (`history-row`).
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRow {
    /// `data-run-id`.
    pub id: i64,
    /// `data-exercise`.
    pub exercise: String,
    /// `data-state`: `done`, `cancelled` or `error`.
    pub state: String,
}

/// One row of the comparison (`compare-row`).
#[derive(Clone, Debug, PartialEq)]
pub struct CompareRow {
    /// `data-variant`.
    pub variant: String,
    /// `data-size`.
    pub size: u64,
    /// `data-ratio`, `data-ci-low`, `data-ci-high`: this run's time over the other's.
    pub ratio: (f64, f64, f64),
    /// `data-verdict`: `faster`, `slower` or `same`.
    pub verdict: String,
}

impl Page {
    /// Opens the history and waits until it has listed the runs.
    pub async fn open_history(&self) {
        self.open("/history").await;
        self.browser
            .wait_for("[data-testid=\"history-row\"], [data-testid=\"history-empty\"]")
            .await;
    }

    /// Presses "Link with results" and returns the link it made.
    pub async fn share_link(&self) -> String {
        self.js("document.querySelector('details.export').open = true")
            .await;
        self.click("share-link").await;
        self.browser.testid("share-url").await;
        let value = self
            .js("return document.querySelector('[data-testid=share-url]').value")
            .await;
        value
            .as_str()
            .unwrap_or_else(|| panic!("share-url: {value}"))
            .to_string()
    }

    /// How many rows of a compared run the plot `plot` overlays (`data-overlay`).
    pub async fn plot_overlay(&self, plot: &str) -> usize {
        let value = self
            .js_with(
                "return document.querySelector(`[data-testid=plot][data-plot=${arguments[0]}]`)?.dataset.overlay ?? null",
                vec![plot.into()],
            )
            .await;
        value
            .as_str()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("plot {plot}: data-overlay {value}"))
    }

    /// Waits until the history lists no run.
    pub async fn wait_for_empty_history(&self) {
        self.browser().testid("history-empty").await;
    }

    /// The history's rows, newest first.
    pub async fn history_rows(&self) -> Vec<HistoryRow> {
        self.hooked("history-row")
            .await
            .into_iter()
            .map(|row| HistoryRow {
                id: row["runId"]
                    .parse()
                    .unwrap_or_else(|e| fail("history-row", "data-run-id", e)),
                exercise: row["exercise"].clone(),
                state: row["state"].clone(),
            })
            .collect()
    }

    /// Waits (up to `timeout`) until there are `count` elements `testid`.
    pub async fn wait_count(&self, testid: &str, count: usize, timeout: Duration) {
        let started = Instant::now();
        loop {
            let now = self.count(testid).await;
            if now == count {
                return;
            }
            if started.elapsed() > timeout {
                panic!("{testid}: {now} elements after {timeout:?}, wanted {count}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The comparison's rows, once it has some (up to 60 s).
    pub async fn compare_rows(&self) -> Vec<CompareRow> {
        self.browser.testid("compare-row").await;
        self.hooked("compare-row")
            .await
            .into_iter()
            .map(|row| {
                let number = |name: &str| -> f64 {
                    row[name]
                        .parse()
                        .unwrap_or_else(|e| fail("compare-row", name, e))
                };
                CompareRow {
                    variant: row["variant"].clone(),
                    size: number("size") as u64,
                    ratio: (number("ratio"), number("ciLow"), number("ciHigh")),
                    verdict: row["verdict"].clone(),
                }
            })
            .collect()
    }

    /// Picks `file` in the import input (`import`).
    pub async fn import_file(&self, file: &Path) {
        let path = file
            .to_str()
            .unwrap_or_else(|| panic!("{}: not UTF-8", file.display()));
        self.browser
            .testid("import")
            .await
            .send_keys(path)
            .await
            .unwrap_or_else(|error| fail("import", "choose a file", error));
    }

    /// Runs a SQL statement on the history page: the rows of its result
    /// table (`sql-result`), or the error it showed (`sql-error`). Answers
    /// are numbered (`data-answer`): this waits for the next one.
    pub async fn sql(&self, statement: &str) -> Result<usize, String> {
        const ANSWER: &str = "return document.querySelector('[data-testid=sql-result], [data-testid=sql-error]')?.dataset.answer ?? '0'";
        let last: u32 = self
            .js(ANSWER)
            .await
            .as_str()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let textarea = self.browser.testid("sql").await;
        textarea
            .clear()
            .await
            .unwrap_or_else(|e| fail("sql", "clear", e));
        textarea
            .send_keys(statement)
            .await
            .unwrap_or_else(|e| fail("sql", "type", e));
        self.click("sql-run").await;
        self.browser
            .wait_until(
                ANSWER,
                json!((last + 1).to_string()),
                Duration::from_secs(30),
            )
            .await;
        let answer = self
            .browser
            .wait_for("[data-testid=\"sql-result\"], [data-testid=\"sql-error\"]")
            .await;
        match answer.attr("data-rows").await.ok().flatten() {
            Some(rows) => Ok(rows
                .parse()
                .unwrap_or_else(|e| fail("sql-result", "data-rows", e))),
            None => Err(answer.text().await.unwrap_or_default()),
        }
    }

    /// Opens a second tab on the same profile and switches to it; returns
    /// the first tab's handle.
    pub async fn open_second_tab(&self) -> fantoccini::wd::WindowHandle {
        let client = &self.browser().client;
        let first = client
            .window()
            .await
            .unwrap_or_else(|e| fail("tabs", "window", e));
        let second = client
            .new_window(true)
            .await
            .unwrap_or_else(|e| fail("tabs", "new tab", e));
        client
            .switch_to_window(second.handle)
            .await
            .unwrap_or_else(|e| fail("tabs", "switch", e));
        first
    }

    /// Switches to the tab `handle`.
    pub async fn switch_tab(&self, handle: fantoccini::wd::WindowHandle) {
        self.browser()
            .client
            .switch_to_window(handle)
            .await
            .unwrap_or_else(|e| fail("tabs", "switch", e));
    }

    /// Runs exercise `id` with `query` to the end (up to 120 s).
    pub async fn run_to_end(&self, id: &str, query: &str) {
        self.open_exercise(id, query).await;
        self.run().await;
        self.wait_state("done", Duration::from_secs(120)).await;
    }

    /// Waits until the run just finished has been kept: the comparison
    /// section carries its id (`data-run-id`), and shows its rows or says
    /// there is no earlier run.
    pub async fn wait_kept(&self) {
        self.browser()
            .wait_until(
                "return document.querySelector('[data-testid=compare][data-run-id]') !== null \
                 && document.querySelector('[data-testid=compare-row], [data-testid=compare-none]') !== null",
                json!(true),
                Duration::from_secs(60),
            )
            .await;
    }
}
