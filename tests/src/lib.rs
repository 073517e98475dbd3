//! Helpers for the end-to-end tests: the built site served on 127.0.0.1
//! (`site.rs`), and a headless browser session, Chromium through
//! ChromeDriver or Firefox through geckodriver.
//!
//! The tests read `PERFLAB_DIST` (the built site), `CHROMEDRIVER`,
//! `CHROMIUM`, `GECKODRIVER`, `FIREFOX` and `AXE_CORE`; `cargo xtask test`
//! sets them all.
//!
//! The tests drive the site through [`Page`] (in `page/`), a page object
//! whose methods are the steps a learner takes and the things a learner
//! reads; [`Browser`] is the WebDriver session underneath.

pub mod page;
mod site;

pub use site::{Site, dist};
pub use page::{
    Capabilities, DemoRow, DemoTable, Fit, Flame, Page, ResultRow, SeedGroup, Speedup, ThreadPoint,
    Timeline,
};

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::{self, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// An element's attribute, `""` when it has none.
pub async fn attr(element: &fantoccini::elements::Element, name: &str) -> String {
    element
        .attr(name)
        .await
        .unwrap_or_else(|error| panic!("attribute {name}: {error}"))
        .unwrap_or_default()
}

/// An element's attribute as a number; panics if it is not one.
pub async fn number<T: std::str::FromStr>(
    element: &fantoccini::elements::Element,
    name: &str,
) -> T {
    let text = attr(element, name).await;
    text.parse()
        .unwrap_or_else(|_| panic!("attribute {name} is not a number: {text:?}"))
}

/// The names of exercise `id`'s variants, from the registry; panics if
/// there is no such exercise.
pub fn variant_names(id: &str) -> Vec<&'static str> {
    exercises::find(id)
        .unwrap_or_else(|| panic!("no exercise {id} in the registry"))
        .variants
        .iter()
        .map(|v| v.name)
        .collect()
}

/// A port nothing listens on now, for a WebDriver server.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A headless browser session (Chromium through ChromeDriver, or Firefox
/// through geckodriver); the driver is stopped on drop.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
    /// Whether it is Firefox, whose WebDriver has no console log.
    firefox: bool,
}

impl Browser {
    /// Starts ChromeDriver and a fresh headless Chromium.
    pub async fn start() -> Browser {
        Browser::start_with(&[]).await
    }

    /// Starts ChromeDriver and a fresh headless Chromium with WebGPU
    /// (`--enable-unsafe-webgpu`: a software adapter on these machines).
    pub async fn start_with_webgpu() -> Browser {
        Browser::start_with(&["--enable-unsafe-webgpu"]).await
    }

    /// Starts ChromeDriver and a fresh headless Chromium with `extra`
    /// command-line switches.
    pub async fn start_with(extra: &[&str]) -> Browser {
        let port = free_port();
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        // Its own process group, which Chromium joins: a test that fails
        // midway can end the browser too, so no page of it keeps running
        // (and loading the machine) during the next test.
        let driver = std::os::unix::process::CommandExt::process_group(
            Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
            0,
        )
        .spawn()
        .expect("chromedriver starts");
        let profile =
            std::env::temp_dir().join(format!("perflab-e2e-{}-{port}", std::process::id()));
        let mut options = json!({"args": [
            "--headless", "--no-sandbox", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=1280,1000",
            format!("--user-data-dir={}", profile.display()),
        ]});
        for switch in extra {
            options["args"]
                .as_array_mut()
                .expect("a list")
                .push((*switch).into());
        }
        if let Ok(binary) = std::env::var("CHROMIUM") {
            options["binary"] = binary.into();
        }
        let mut capabilities = wd::Capabilities::new();
        capabilities.insert("goog:chromeOptions".into(), options);
        capabilities.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
        Browser::connect(driver, port, capabilities, false).await
    }

    /// Starts geckodriver and a fresh headless Firefox (`GECKODRIVER` and
    /// `FIREFOX` name them; `cargo xtask test` installs both).
    pub async fn firefox() -> Browser {
        let port = free_port();
        let geckodriver = std::env::var("GECKODRIVER").unwrap_or_else(|_| "geckodriver".into());
        let driver = std::os::unix::process::CommandExt::process_group(
            Command::new(geckodriver)
                .args(["--port", &port.to_string(), "--log", "error"])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
            0,
        )
        .spawn()
        .expect("geckodriver starts");
        // A fresh profile that asks nothing of the network.
        let mut options = json!({
            "args": ["-headless", "--width=1280", "--height=1000"],
            "prefs": {
                "app.update.disabledForTesting": true,
                "browser.shell.checkDefaultBrowser": false,
                "datareporting.policy.dataSubmissionEnabled": false,
                "network.captive-portal-service.enabled": false,
                "network.connectivity-service.enabled": false,
                "toolkit.telemetry.enabled": false,
            },
        });
        if let Ok(binary) = std::env::var("FIREFOX") {
            options["binary"] = binary.into();
        }
        let mut capabilities = wd::Capabilities::new();
        capabilities.insert("moz:firefoxOptions".into(), options);
        Browser::connect(driver, port, capabilities, true).await
    }

    /// A session with the driver listening on `port`, retried while it
    /// starts (30 s at most).
    async fn connect(
        driver: Child,
        port: u16,
        capabilities: wd::Capabilities,
        firefox: bool,
    ) -> Browser {
        let started = Instant::now();
        loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => {
                    // A page that cannot load fails the test in seconds, not minutes.
                    let timeouts = fantoccini::wd::TimeoutConfiguration::new(
                        None,
                        Some(Duration::from_secs(30)),
                        None,
                    );
                    client.update_timeouts(timeouts).await.expect("timeouts");
                    return Browser {
                        client,
                        driver,
                        firefox,
                    };
                }
                Err(error) if started.elapsed() < Duration::from_secs(30) => {
                    let _ = error;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(error) => panic!("no WebDriver session: {error}"),
            }
        }
    }

    /// Opens `url` and waits for the app to render its header.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("navigates");
        self.wait_for("header.site").await;
    }

    /// Waits (up to 60 s) for an element matching the CSS selector.
    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("no element {css}: {error}"))
    }

    /// The element with `data-testid="<id>"`, waiting for it.
    pub async fn testid(&self, id: &str) -> fantoccini::elements::Element {
        self.wait_for(&format!("[data-testid=\"{id}\"]")).await
    }

    /// All elements with `data-testid="<id>"`, now.
    pub async fn all(&self, id: &str) -> Vec<fantoccini::elements::Element> {
        self.client
            .find_all(Locator::Css(&format!("[data-testid=\"{id}\"]")))
            .await
            .expect("find_all")
    }

    /// Replaces the text of parameter `name`.
    pub async fn set_param(&self, name: &str, value: &str) {
        let input = self.testid(&format!("param-{name}")).await;
        input.clear().await.expect("clear");
        input.send_keys(value).await.expect("type");
    }

    /// Waits until the status's `data-state` is one of `states`; returns it.
    pub async fn wait_for_state(&self, states: &[&str], timeout: Duration) -> String {
        let started = Instant::now();
        loop {
            let state = self.state().await;
            if states.contains(&state.as_str()) {
                return state;
            }
            if started.elapsed() > timeout {
                let text = self.testid("status").await.text().await.unwrap_or_default();
                panic!("state {state:?} ({text}) after {timeout:?}, wanted one of {states:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The status's `data-state`.
    pub async fn state(&self) -> String {
        self.testid("status")
            .await
            .attr("data-state")
            .await
            .expect("attr")
            .unwrap_or_default()
    }

    /// Starts loading `url` without waiting for the page's load event (a
    /// busy machine can take longer than WebDriver's page-load timeout);
    /// follow with [`Browser::wait_until`].
    pub async fn navigate(&self, url: &str) {
        let script = format!("location.href = {}", Value::from(url));
        self.client
            .execute(&script, vec![])
            .await
            .unwrap_or_else(|error| panic!("{url}: {error}"));
    }

    /// Waits until `script` returns `expected`, tolerating reloads meanwhile.
    pub async fn wait_until(&self, script: &str, expected: Value, timeout: Duration) {
        let started = Instant::now();
        let mut last = Value::Null;
        while started.elapsed() < timeout {
            if let Ok(value) = self.client.execute(script, vec![]).await {
                if value == expected {
                    return;
                }
                last = value;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{script} gave {last} after {timeout:?}, wanted {expected}");
    }

    /// Runs JavaScript in the page and returns its result.
    pub async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|error| panic!("{script}: {error}"))
    }

    /// Console messages of level SEVERE since the last call (always none
    /// in Firefox: its WebDriver has no log endpoint).
    pub async fn console_errors(&self) -> Vec<String> {
        if self.firefox {
            return Vec::new();
        }
        let logs = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .expect("browser log");
        logs.as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Ends the session and ChromeDriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        self.end_driver();
    }

    /// Kills ChromeDriver's process group (the browser it started is in
    /// it), once, while ChromeDriver still leads it.
    fn end_driver(&mut self) {
        if let Ok(None) = self.driver.try_wait() {
            let pid = self.driver.id() as libc::pid_t;
            // SAFETY: plain system calls on a child we started; the group
            // is killed only if the child still leads it.
            if pid > 1 && unsafe { libc::getpgid(pid) } == pid {
                unsafe { libc::kill(-pid, libc::SIGKILL) };
            }
            let _ = self.driver.kill();
        }
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.end_driver();
    }
}

/// ChromeDriver's log endpoint (not in the W3C protocol, but supported).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.into()))
    }
}
