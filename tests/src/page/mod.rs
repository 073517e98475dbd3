//! A page object over the built site: the steps a learner takes (open an
//! exercise, set a parameter, run, cancel) and the things a learner reads
//! (the status, a variant's checked output, the results table, the
//! demonstrations), as methods on [`Page`].
//!
//! Every element is selected by its `data-testid` (ARCHITECTURE.md,
//! "Automation hooks"), sometimes narrowed by one of its `data-*`
//! attributes. A step or a read that fails panics with a message naming
//! the testid, so a failing test says which hook it could not use.

mod history;
mod reads;
mod records;
mod smoke;

pub use history::{CompareRow, HistoryRow};
pub use records::{
    Capabilities, DemoRow, DemoTable, Fit, Flame, ResultRow, SeedGroup, Speedup, ThreadPoint,
    Timeline,
};

use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use serde_json::{Value, json};

use crate::{Browser, Site};

use records::*;

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

    /// The site the page is served from.
    pub fn site(&self) -> &Site {
        &self.site
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

    /// Goes back one page in the tab's history.
    pub async fn back(&self) {
        self.browser
            .client
            .back()
            .await
            .unwrap_or_else(|error| fail("the page", "back", error));
    }

    /// The address bar's URL.
    pub async fn current_url(&self) -> url::Url {
        self.browser
            .client
            .current_url()
            .await
            .unwrap_or_else(|error| fail("the page", "current URL", error))
    }

    /// Waits (up to 30 s) until the page's benchmark worker has said it is
    /// ready (its pool size is in the status panel).
    pub async fn wait_for_worker(&self) {
        self.browser
            .wait_until(
                "return document.querySelector('[data-testid=capabilities]')?.dataset.poolThreads != null",
                json!(true),
                Duration::from_secs(30),
            )
            .await;
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
}

impl Page {
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
