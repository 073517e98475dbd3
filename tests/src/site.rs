//! The built site, served on 127.0.0.1 for the tests: like the dev server
//! (with or without the isolation headers), or like GitHub Pages under a
//! sub-path; one request per connection, and a port that can be closed
//! (offline).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The built site, served on 127.0.0.1 (a secure context) from a thread.
///
/// Every response closes its connection, and every connection has a thread
/// of its own: a server that keeps connections alive holds a thread for
/// each idle one, and tiny_http's pool, which did, could leave a new
/// connection queued behind them for good (two arriving together while one
/// thread was free), so a page's load never finished.
pub struct Site {
    /// `http://127.0.0.1:<port>`.
    pub origin: String,
    stopped: Arc<AtomicBool>,
}

/// What a [`Site`] answers to a request: status, content type, body, and
/// whether to add the isolation headers (COOP/COEP).
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    isolated: bool,
}

impl Reply {
    /// The file `url` names under `root` (or `index.html`, as the dev
    /// server falls back), with the isolation headers if `isolated`.
    fn file(root: &Path, url: &str, isolated: bool) -> Reply {
        let (body, content_type) = file_for(root, url);
        Reply { status: 200, content_type, body, isolated }
    }

    fn not_found() -> Reply {
        Reply { status: 404, content_type: "text/plain", body: b"not found".to_vec(), isolated: false }
    }
}

impl Site {
    /// Serves `PERFLAB_DIST` at the root, with COOP/COEP like the dev server.
    pub fn isolated() -> Site {
        Site::serve(dist(), true)
    }

    /// Serves `root`, adding the isolation headers if `isolated`. Paths
    /// without a file fall back to `index.html`, as the dev server does.
    pub fn serve(root: PathBuf, isolated: bool) -> Site {
        Site::start(move |url| Reply::file(&root, url, isolated))
    }

    /// Serves `PERFLAB_DIST` at the root without the isolation headers and
    /// without its service worker (which would add them): a browser gets
    /// no SharedArrayBuffer there, and the page runs the single build.
    pub fn not_isolated() -> Site {
        let root = dist();
        Site::start(move |url| match url.starts_with("/sw.js") {
            true => Reply::not_found(),
            false => Reply::file(&root, url, false),
        })
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
                return Reply::not_found();
            };
            let path_only = path.split(['?', '#']).next().unwrap_or_default();
            let file = root.join(path_only);
            let exists = file.is_file() && !path_only.split('/').any(|part| part == "..");
            if exists || path_only.is_empty() {
                Reply::file(&root, &format!("/{path}"), false)
            } else {
                Reply { status: 404, ..Reply::file(&root, "/404.html", false) }
            }
        })
    }

    /// Answers each connection's one request with `respond`, on a thread
    /// of its own, until [`Site::stop`] closes the port.
    fn start(respond: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let origin = format!("http://{}", listener.local_addr().expect("an address"));
        listener.set_nonblocking(true).expect("a non-blocking socket");
        let stopped = Arc::new(AtomicBool::new(false));
        let stop = stopped.clone();
        let respond = Arc::new(respond);
        std::thread::spawn(move || {
            // The listener, and with it the port, is dropped when this ends.
            while !stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (respond, stopped) = (respond.clone(), stop.clone());
                        std::thread::spawn(move || serve_one(stream, &*respond, &stopped));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        Site { origin, stopped }
    }

    /// Stops serving: the port closes within milliseconds, so the browser's
    /// next request is refused at once.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(50));
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
    }
}

/// Reads one request's head from `stream`, answers it with `respond`, then
/// closes the connection; a request that arrives on a connection opened
/// before the site stopped gets no answer either.
fn serve_one(mut stream: std::net::TcpStream, respond: &dyn Fn(&str) -> Reply, stopped: &AtomicBool) {
    use std::io::{BufRead, BufReader, Write};
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(&mut stream);
    let mut head = String::new();
    while !head.ends_with("\r\n\r\n") && head.len() < 65536 {
        match reader.read_line(&mut head) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
    if stopped.load(Ordering::SeqCst) {
        return;
    }
    let url = head.split(' ').nth(1).unwrap_or("/").to_string();
    let reply = respond(&url);
    let reason = if reply.status == 200 { "OK" } else { "Not Found" };
    let isolation = if reply.isolated {
        "Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n"
    } else {
        ""
    };
    let mut response = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{isolation}\
         Connection: close\r\n\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    )
    .into_bytes();
    response.extend_from_slice(&reply.body);
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
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("txt") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    };
    (body, content_type)
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
