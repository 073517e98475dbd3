//! Helpers for the end-to-end tests: a static server for the built site
//! (`dist/`) with or without the cross-origin isolation headers, and a
//! headless Chromium session through ChromeDriver.
//!
//! The tests read `PERFLAB_DIST` (the built site), `CHROMEDRIVER` and
//! `CHROMIUM`; `cargo xtask test` sets all three.
//!
//! The tests drive the site through [`Page`] (in `page/`), a page object
//! whose methods are the steps a learner takes and the things a learner
//! reads; [`Browser`] is the WebDriver session underneath.

pub mod page;

pub use page::{
    Capabilities, DemoRow, DemoTable, Fit, Flame, Page, ResultRow, SeedGroup, Speedup, ThreadPoint,
    Timeline,
};

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use fantoccini::wd::{self, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// The built site, served on 127.0.0.1 (a secure context) from a thread.
pub struct Site {
    /// `http://127.0.0.1:<port>`.
    pub origin: String,
    server: Server,
}

/// What serves a [`Site`].
enum Server {
    /// tiny_http, keeping connections alive.
    Kept(Arc<tiny_http::Server>),
    /// One connection per request, and a port that closes on `stop`.
    Stoppable(Arc<AtomicBool>),
}

impl Site {
    /// Serves `PERFLAB_DIST` at the root, with COOP/COEP like the dev server.
    pub fn isolated() -> Site {
        Site::serve(dist(), true)
    }

    /// Serves `root`, adding the isolation headers if `isolated`. Paths
    /// without a file fall back to `index.html`, as the dev server does.
    pub fn serve(root: PathBuf, isolated: bool) -> Site {
        Site::start(move |url| respond(&root, url, isolated))
    }

    /// Serves `PERFLAB_DIST` at the root without the isolation headers and
    /// without its service worker (which would add them): a browser gets
    /// no SharedArrayBuffer there, and the page runs the single build.
    /// One connection per request, as [`Site::stoppable`].
    pub fn not_isolated() -> Site {
        Site::one_per_connection(false)
    }

    /// Serves `PERFLAB_DIST_PAGES` (built for `/perflab/`) the way GitHub
    /// Pages serves a project site: under the sub-path, without any custom
    /// headers, and unknown paths get `404.html` with status 404.
    pub fn pages() -> Site {
        Site::pages_serving_worker(true)
    }

    /// The same, where the service worker cannot be installed (its script
    /// is missing), like a browser that blocks or lacks service workers.
    pub fn pages_without_service_worker() -> Site {
        Site::pages_serving_worker(false)
    }

    fn pages_serving_worker(service_worker: bool) -> Site {
        let root = dist_of("PERFLAB_DIST_PAGES", "../target/dist-pages");
        Site::start(move |url| {
            let blocked = !service_worker && url.starts_with("/perflab/sw.js");
            let Some(path) = url.strip_prefix("/perflab/").filter(|_| !blocked) else {
                return tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404);
            };
            let file = root.join(path.split(['?', '#']).next().unwrap_or_default());
            let exists = file.is_file() && !path.split('/').any(|part| part == "..");
            let response = respond(&root, &format!("/{path}"), false);
            if exists || path.is_empty() {
                response
            } else {
                respond(&root, "/404.html", false).with_status_code(404)
            }
        })
    }

    fn start(
        respond: impl Fn(&str) -> tiny_http::Response<std::io::Cursor<Vec<u8>>>
        + Send
        + Sync
        + 'static,
    ) -> Site {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("a free port"));
        let origin = format!(
            "http://{}",
            server.server_addr().to_ip().expect("an IP address")
        );
        let serving = server.clone();
        let respond = Arc::new(respond);
        // A thread per request: a response the browser reads slowly (a
        // large module, the service worker fetching the whole site ahead)
        // must not hold up every other request behind it.
        std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let respond = respond.clone();
                std::thread::spawn(move || {
                    let response = respond(request.url());
                    let _ = request.respond(response);
                });
            }
        });
        Site {
            origin,
            server: Server::Kept(server),
        }
    }

    /// Serves `PERFLAB_DIST` at the root with COOP/COEP from a server that
    /// [`Site::stop`] can stop for good: every response closes its
    /// connection, and stopping closes the port, so the browser's next
    /// request is refused at once, as when the network is gone. Firefox
    /// needs it too: its page loads never finish against tiny_http's
    /// kept-alive connections.
    pub fn stoppable() -> Site {
        Site::one_per_connection(true)
    }

    /// A server that answers one request per connection; `isolated` adds
    /// COOP/COEP, and without it the service worker is not served.
    fn one_per_connection(isolated: bool) -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let origin = format!("http://{}", listener.local_addr().expect("an address"));
        listener.set_nonblocking(true).expect("a non-blocking socket");
        let stopped = Arc::new(AtomicBool::new(false));
        let stop = stopped.clone();
        let root = dist();
        std::thread::spawn(move || {
            // The listener, and with it the port, is dropped when this ends.
            while !stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let root = root.clone();
                        std::thread::spawn(move || serve_one(stream, &root, isolated));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Site {
            origin,
            server: Server::Stoppable(stopped),
        }
    }

    /// Stops serving: the port closes within milliseconds.
    pub fn stop(&self) {
        match &self.server {
            Server::Kept(server) => server.unblock(),
            Server::Stoppable(stopped) => stopped.store(true, Ordering::SeqCst),
        }
        std::thread::sleep(Duration::from_millis(50));
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        match &self.server {
            Server::Kept(server) => server.unblock(),
            Server::Stoppable(stopped) => stopped.store(true, Ordering::SeqCst),
        }
    }
}

/// Answers one request on `stream` as the dev server does (with COOP/COEP
/// if `isolated`; else without the service worker), then closes the
/// connection.
fn serve_one(mut stream: std::net::TcpStream, root: &Path, isolated: bool) {
    use std::io::{Read, Write};
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 65536 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let url = head.split(' ').nth(1).unwrap_or("/");
    let (status, (body, content_type)) = if !isolated && url.starts_with("/sw.js") {
        ("404 Not Found", (b"not found".to_vec(), "text/plain"))
    } else {
        ("200 OK", file_for(root, url))
    };
    let isolation = if isolated {
        "Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n"
    } else {
        ""
    };
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{isolation}\
         Connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    let _ = stream.write_all(&response);
}

/// The file `url` names under `root` (or `index.html`, as the dev server
/// falls back), and its content type.
fn file_for(root: &Path, url: &str) -> (Vec<u8>, &'static str) {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .trim_start_matches('/');
    let mut file = root.join(path);
    if path.split('/').any(|part| part == "..") || !file.is_file() {
        file = root.join("index.html");
    }
    let body = std::fs::read(&file).unwrap_or_default();
    let content_type = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    (body, content_type)
}

fn respond(
    root: &Path,
    url: &str,
    isolated: bool,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let (body, content_type) = file_for(root, url);
    let mut response =
        tiny_http::Response::from_data(body).with_header(header("Content-Type", content_type));
    if isolated {
        response.add_header(header("Cross-Origin-Opener-Policy", "same-origin"));
        response.add_header(header("Cross-Origin-Embedder-Policy", "require-corp"));
    }
    response
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name, value).expect("valid header")
}

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

/// The built site's folder.
pub fn dist() -> PathBuf {
    dist_of("PERFLAB_DIST", "../dist")
}

fn dist_of(variable: &str, default: &str) -> PathBuf {
    let dist = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(default));
    assert!(
        dist.join("index.html").is_file(),
        "no built site in {}: run `cargo xtask test`",
        dist.display()
    );
    dist
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
