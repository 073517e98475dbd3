//! The built site, served on 127.0.0.1 for the tests: like the dev server
//! (with or without the isolation headers), like GitHub Pages under a
//! sub-path, or from a server that answers one request per connection and
//! can be stopped (offline, and Firefox).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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
