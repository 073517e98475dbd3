//! Project automation, in Rust so it runs wherever cargo does.
//!
//! - `cargo xtask serve`: install what is missing, build, and serve the site
//!   on http://127.0.0.1:8080 with the cross-origin isolation headers.
//! - `cargo xtask test`: every test: host, in-browser (wasm-bindgen-test)
//!   and end-to-end against the built site in headless Chromium.
//! - `cargo xtask bench [exercise[?query] …]`: the figures: every variant's time
//!   and speedup with intervals, at the default parameters, in headless
//!   Chromium (thorough mode), measured side by side in one run.
//! - `cargo xtask dist [--public-url /repo/]`: the static site in `dist/`.
//! - `cargo xtask build-worker`: the benchmark workers and the results
//!   worker; Trunk calls it as a
//!   pre-build hook so the workers are rebuilt whenever the site is.
//! - `cargo xtask post-build`: Trunk's post-build hook (see `post_build`).

mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(),
        Some("test") => test(),
        Some("bench") => bench(&args[1..]),
        Some("dist") => dist(public_url(&args[1..]).as_deref().unwrap_or("/"), "dist"),
        Some("build-worker") => build_worker(),
        Some("post-build") => post_build(),
        _ => Err("usage: cargo xtask serve | test | bench [exercise[?query] …] | dist [--public-url /path/] | build-worker | post-build".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn public_url(args: &[String]) -> Option<String> {
    let at = args.iter().position(|a| a == "--public-url")?;
    args.get(at + 1).cloned()
}

/// The workspace root (xtask lives one folder below it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// Runs a command in the workspace root and fails if it does.
fn run(command: &mut Command) -> Result {
    eprintln!("xtask: running {command:?}");
    let status = command
        .current_dir(root())
        .status()
        .map_err(|e| format!("{command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed: {status}"))
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn trunk(tools: &tools::Tools) -> Command {
    let caller = caller_rustflags();
    let mut command = Command::new("trunk");
    command
        .env("PATH", tools.path())
        .env("PERFLAB_VERSION", version())
        // The page's module with Leptos's type-erased views: every view
        // and reactive closure of one output type shares one compiled
        // body instead of one per call site (measured: 587 → 539 KB gzip).
        .env("RUSTFLAGS", format!("{caller} --cfg erase_components").trim())
        // What the caller set, for the workers that Trunk's hook builds.
        .env(CALLER_RUSTFLAGS, caller);
    command
}

/// Where `trunk` keeps the caller's RUSTFLAGS for the hooks it runs.
const CALLER_RUSTFLAGS: &str = "PERFLAB_CALLER_RUSTFLAGS";

/// The RUSTFLAGS the user or CI set (CI's `-D warnings`), without what
/// `trunk` adds for the page's module.
fn caller_rustflags() -> String {
    std::env::var(CALLER_RUSTFLAGS)
        .or_else(|_| std::env::var("RUSTFLAGS"))
        .unwrap_or_default()
}

/// The build's version, shown with every result: the git commit, marked
/// when the tree has uncommitted changes.
fn version() -> String {
    let described = Command::new("git")
        .args(["describe", "--always", "--dirty"])
        .current_dir(root())
        .output();
    match described {
        Ok(output) if output.status.success() => {
            String::from_utf8_lossy(&output.stdout).trim().to_string()
        }
        _ => "unknown".into(),
    }
}

fn serve() -> Result {
    let tools = tools::ensure(false)?;
    eprintln!("xtask: serving on http://127.0.0.1:8080 (Ctrl-C stops)");
    // No autoreload: its injected inline script would break the CSP.
    run(trunk(&tools).args(["serve", "--offline", "--no-autoreload"]))
}

/// Builds the site for `public_url` into the folder `out`.
fn dist(public_url: &str, out: &str) -> Result {
    let tools = tools::ensure(false)?;
    run(trunk(&tools).args([
        "build",
        "--offline",
        "--public-url",
        public_url,
        "--dist",
        out,
    ]))?;
    // Static hosts answer unknown paths with 404.html: make deep links load
    // the app, which then routes them.
    let dist = root().join(out);
    std::fs::copy(dist.join("index.html"), dist.join("404.html"))
        .map_err(|e| format!("404.html: {e}"))?;
    Ok(())
}

/// The page's Content Security Policy: its own scripts and WebAssembly
/// only, no `eval`, workers from the site or `blob:` (wasm-bindgen-rayon),
/// connections to the site only. Inline styles are allowed: the rendering
/// library sets `style` attributes, and styles cannot run code.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     worker-src 'self' blob:; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     object-src 'none'; base-uri 'self'; form-action 'self'";

/// Trunk's post-build hook: moves the inline start-up script Trunk writes
/// into `boot.js` (so the policy needs no `'unsafe-inline'`) and adds the
/// Content Security Policy to `index.html`.
fn post_build() -> Result {
    let staging = std::env::var_os("TRUNK_STAGING_DIR")
        .map(PathBuf::from)
        .ok_or("run by Trunk only")?;
    let index = staging.join("index.html");
    let html = std::fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let (html, boot) = externalize_boot_script(&html)?;
    std::fs::write(staging.join("boot.js"), boot).map_err(|e| format!("boot.js: {e}"))?;
    std::fs::write(&index, html).map_err(|e| format!("{}: {e}", index.display()))?;
    // The files exercises publish for reading over HTTP, as from a remote
    // store, and the variants' highlighted code (host code: the exercises'
    // own `publish` binary).
    run(cargo()
        .args(["run", "-q", "-p", "exercises", "--bin", "publish", "--"])
        .arg(&staging))?;
    // The API documentation of the kernels and the exercises, linked from
    // the page's footer; left out of `precache.json` (the site works
    // offline without it).
    run(cargo().args(["doc", "-q", "--no-deps", "-p", "kernels", "-p", "exercises"]))?;
    copy_folder(&root().join("target/doc"), &staging.join(DOCS))?;
    let files = precache_list(&staging)?;
    // Rust's quoting of a plain path is also JSON's.
    let quoted: Vec<String> = files.iter().map(|file| format!("{file:?}")).collect();
    std::fs::write(
        staging.join("precache.json"),
        format!("[{}]", quoted.join(",")),
    )
    .map_err(|e| format!("precache.json: {e}"))
}

/// The folder of the files exercises publish (`Runner::published`).
const PUBLISHED: &str = "files";

/// The folder of the API documentation (rustdoc).
const DOCS: &str = "doc";

/// Copies the folder `from` into `to`, recursively.
fn copy_folder(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_folder(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// What the service worker fetches into its cache when it activates, so a
/// visited site works offline with either worker build: every file of the
/// site, relative to its root, and the root itself. The exercises' published
/// files are left out (they stand for a remote store, read on demand), and
/// so is the API documentation.
fn precache_list(staging: &Path) -> Result<Vec<String>> {
    let mut files = vec!["./".to_string()];
    let mut folders = vec![staging.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries =
            std::fs::read_dir(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            let relative = path.strip_prefix(staging).map_err(|e| e.to_string())?;
            let name = relative.to_string_lossy().replace('\\', "/");
            if path.is_dir() {
                if name != PUBLISHED && name != DOCS {
                    folders.push(path);
                }
            } else if !["_headers", "sw.js", "precache.json"].contains(&name.as_str()) {
                files.push(name);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Splits Trunk's one inline module script out of `html`; returns the new
/// page, with the policy, and the script.
fn externalize_boot_script(html: &str) -> Result<(String, String)> {
    const OPEN: &str = "<script type=\"module\">";
    let start = html
        .find(OPEN)
        .ok_or("no inline module script in index.html")?;
    let length = html[start..].find("</script>").ok_or("unclosed script")?;
    let boot = html[start + OPEN.len()..start + length].trim().to_string();
    let page = format!(
        "{}<script type=\"module\" src=\"boot.js\"></script>{}",
        &html[..start],
        &html[start + length + "</script>".len()..]
    );
    let policy = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\" />"
    );
    let page = page.replacen(
        "<meta charset=\"utf-8\" />",
        &format!("<meta charset=\"utf-8\" />\n    {policy}"),
        1,
    );
    Ok((page, boot))
}

/// The threaded build's flags (DESIGN.md §2: current nightlies no longer
/// imply shared memory from `+atomics`; this is the set wasm-bindgen's own
/// CI uses). Written here and nowhere else: a global `.cargo/config.toml`
/// with `build-std` would break host builds.
const THREADED_RUSTFLAGS: &str = "-C target-feature=+atomics,+bulk-memory,+simd128 -C link-arg=--shared-memory \
     -C link-arg=--max-memory=1073741824 -C link-arg=--import-memory -C link-arg=--export=__heap_base \
     -C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size -C link-arg=--export=__tls_align \
     -C link-arg=--export=__tls_base";

/// The kernels' wasm is built with SIMD128 (the `simd` variants use
/// 128-bit lanes; every current browser has them), added to whatever
/// RUSTFLAGS the caller set (CI's `-D warnings`). The threaded build's
/// flags include it too.
fn simd_rustflags() -> String {
    let caller = caller_rustflags();
    format!("{caller} -C target-feature=+simd128")
        .trim()
        .to_string()
}

/// The worker's modules, one per feature of the worker crate (its `all`
/// lists them; the registry names each exercise's): a page loads only its
/// exercise's module, so none carries every exercise's kernels.
const WORKER_MODULES: &[&str] = &["algorithms", "systems", "data", "compiled", "design", "analysis", "arrays"];

/// Builds every worker module twice (single, threaded) and writes each, with
/// its bootstrap script, to `$TRUNK_STAGING_DIR/worker/<build>/<module>` (or
/// `dist/worker/…` when run by hand); then the results worker. Always
/// optimised: the workers' kernels are what the page measures, and the
/// release profile is the one the tests exercise.
fn build_worker() -> Result {
    let out = match std::env::var_os("TRUNK_STAGING_DIR") {
        Some(staging) => PathBuf::from(staging),
        None => root().join("dist"),
    }
    .join("worker");
    let build = |module: &str| {
        let args = ["build", "--release", "--lib", "-p", "worker", "--target", "wasm32-unknown-unknown"];
        let features = ["--no-default-features", "--features", module];
        args.into_iter().chain(features).map(str::to_string).collect::<Vec<_>>()
    };

    for module in WORKER_MODULES {
        run(cargo().args(build(module)).env("RUSTFLAGS", simd_rustflags()))?;
        bindgen(
            &root().join("target/wasm32-unknown-unknown/release/worker.wasm"),
            &out.join("single").join(module),
            "worker",
        )?;
    }

    // The results database's worker: stable, single-threaded (SQLite here
    // is), beside the benchmark workers.
    run(cargo()
        .args(["build", "--release", "--lib", "-p", "results"])
        .args(["--target", "wasm32-unknown-unknown"])
        .env("RUSTFLAGS", caller_rustflags()))?;
    bindgen(
        &root().join("target/wasm32-unknown-unknown/release/results.wasm"),
        &out.with_file_name("results"),
        "results",
    )?;

    // The threaded build: the pinned nightly rebuilds std with atomics, in
    // a target folder of its own so the two builds do not evict each other.
    // Only these flags: the nightly warns that `atomics` is unstable, which
    // CI's `-D warnings` would turn into an error; the single build, from
    // the same code, is the one checked for warnings.
    for module in WORKER_MODULES {
        run(Command::new("rustup")
            .args(["run", tools::NIGHTLY, "cargo"])
            .args(build(module))
            .args(["-Z", "build-std=panic_abort,std", "--target-dir", "target/threaded"])
            .env("RUSTFLAGS", THREADED_RUSTFLAGS)
            .env_remove("CARGO")
            .env_remove("RUSTC")
            .env_remove("RUSTUP_TOOLCHAIN"))?;
        bindgen(
            &root().join("target/threaded/wasm32-unknown-unknown/release/worker.wasm"),
            &out.join("threaded").join(module),
            "worker",
        )?;
    }
    Ok(())
}

/// `wasm-bindgen --target web` of crate `name` into `out`, plus the
/// crate's bootstrap script.
fn bindgen(wasm: &Path, out: &Path, name: &str) -> Result {
    // Without the name section: function names only label stack traces
    // (a panic's message is reported by the worker itself), and they were
    // a tenth of each module (72 KB of 720 KB gzip).
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--remove-name-section"])
        .args(["--out-name", name, "--out-dir"])
        .arg(out)
        .arg(wasm))?;
    std::fs::copy(root().join(name).join("bootstrap.js"), out.join("bootstrap.js"))
        .map_err(|e| format!("bootstrap.js: {e}"))?;
    Ok(())
}

fn test() -> Result {
    let tools = tools::ensure(true)?;
    let started = std::time::Instant::now();
    let mut tally = Tally::default();
    // Host: kernels' property tests, exercises, the worker's harness, the app's plots.
    tally.run(
        "host",
        cargo().args(["test", "--workspace", "--exclude", "e2e"]),
    )?;
    // In headless Chromium: kernels compiled to wasm, the worker's message
    // handling. `chromium_args` are added to the browser's; `expect_gpu` is
    // compiled into the GPU tests ("0": no adapter allowed, "1": required).
    let in_browser = |name: &str, chromium_args: &[&str], expect_gpu: &str| -> Result<Command> {
        let webdriver_json = root().join(format!("target/{name}.json"));
        std::fs::write(&webdriver_json, tools::webdriver_json(chromium_args))
            .map_err(|e| format!("{name}.json: {e}"))?;
        let mut command = cargo();
        command
            .args(["test", "--target", "wasm32-unknown-unknown"])
            .env("RUSTFLAGS", simd_rustflags())
            .env("PATH", tools.path())
            .env("CHROMEDRIVER", &tools.chromedriver)
            .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &webdriver_json)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
            .env("PERFLAB_EXPECT_GPU", expect_gpu);
        Ok(command)
    };
    // Without WebGPU here: the GPU tests must find no adapter and a reason.
    tally.run(
        "browser (wasm-bindgen-test)",
        in_browser("webdriver", &[], "0")?.args(["-p", "kernels", "-p", "worker"]),
    )?;
    // With WebGPU (a software adapter): the GPU kernels must agree with the CPU.
    tally.run(
        "browser with WebGPU",
        in_browser("webdriver-webgpu", &["--enable-unsafe-webgpu"], "1")?
            .args(["-p", "worker", "--test", "gpu"]),
    )?;
    // End to end: the built site, served like the dev server serves it,
    // and built for a sub-path, served like GitHub Pages serves it.
    dist("/", "dist")?;
    dist("/perflab/", "target/dist-pages")?;
    tally.run(
        "end to end",
        cargo()
            .args(["test", "-p", "e2e", "--", "--test-threads=1"])
            .env("PERFLAB_DIST", root().join("dist"))
            .env("PERFLAB_DIST_PAGES", root().join("target/dist-pages"))
            .env("AXE_CORE", &tools.axe_core)
            .env("FIREFOX", &tools.firefox)
            .env("GECKODRIVER", &tools.geckodriver)
            .env("CHROMEDRIVER", &tools.chromedriver)
            .env("CHROMIUM", &tools.chromium),
    )?;
    eprintln!(
        "xtask: every layer passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    for (layer, passed, failed) in &tally.layers {
        eprintln!("xtask: {layer}: {passed} passed, {failed} failed");
    }
    // One closing line for the whole suite (cargo's last line is a doc-test
    // binary's, often with zero tests).
    println!("{} passed, {} failed", tally.passed, tally.failed);
    Ok(())
}

/// Builds the site and runs `e2e`'s `bench` binary against it.
fn bench(exercises: &[String]) -> Result {
    let tools = tools::ensure(true)?;
    dist("/", "dist")?;
    run(cargo()
        .args(["run", "--release", "-p", "e2e", "--bin", "bench", "--"])
        .args(exercises)
        .env("PERFLAB_DIST", root().join("dist"))
        .env("CHROMEDRIVER", &tools.chromedriver)
        .env("CHROMIUM", &tools.chromium))
}

/// Test counts summed over several `cargo test` runs.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    /// Each layer's name and counts.
    layers: Vec<(&'static str, u64, u64)>,
}

impl Tally {
    /// Runs a `cargo test` command, echoing its output and adding up the
    /// `test result:` lines under `layer`.
    fn run(&mut self, layer: &'static str, command: &mut Command) -> Result {
        self.layers.push((layer, 0, 0));
        use std::io::{BufRead, BufReader};
        eprintln!("xtask: running {command:?}");
        let mut child = command
            .current_dir(root())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("{command:?}: {e}"))?;
        let stdout = child.stdout.take().expect("piped");
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| e.to_string())?;
            println!("{line}");
            if let Some(counts) = line.trim().strip_prefix("test result: ") {
                let (passed, failed) = (count(counts, " passed"), count(counts, " failed"));
                self.passed += passed;
                self.failed += failed;
                if let Some(current) = self.layers.last_mut() {
                    current.1 += passed;
                    current.2 += failed;
                }
            }
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{command:?} failed: {status}"))
        }
    }
}

/// The number before `label` in "ok. 4 passed; 0 failed; …".
fn count(counts: &str, label: &str) -> u64 {
    counts
        .split(';')
        .find_map(|part| {
            part.trim()
                .strip_suffix(label)?
                .rsplit(' ')
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_boot_script_moves_out_and_the_policy_comes_in() {
        let html = "<head>\n<meta charset=\"utf-8\" />\n<script type=\"module\">\nimport init from '/app.js';\n</script>\n</head>";
        let (page, boot) = super::externalize_boot_script(html).unwrap();
        assert_eq!(boot, "import init from '/app.js';");
        assert!(
            page.contains("<script type=\"module\" src=\"boot.js\"></script>")
                && !page.contains("import init")
        );
        assert!(page.contains("Content-Security-Policy") && page.contains("'wasm-unsafe-eval'"));
        assert!(
            page.contains("script-src 'self' 'wasm-unsafe-eval';")
                && !page.contains("'unsafe-eval'")
        );
        assert!(super::externalize_boot_script("<head></head>").is_err());
    }

    #[test]
    fn counts_are_read_from_cargo_test_summaries() {
        let line =
            "ok. 20 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s";
        assert_eq!(super::count(line, " passed"), 20);
        assert_eq!(super::count(line, " failed"), 1);
        assert_eq!(
            super::count(
                "FAILED. 7 passed; 2 failed; 0 ignored; 0 filtered out",
                " failed"
            ),
            2
        );
    }

    /// Every module the registry names is built, and is a feature of the
    /// worker that its `all` enables: an exercise whose module were not
    /// built would have no worker on the site.
    #[test]
    fn every_registry_module_is_built() {
        let read = |path: &str| std::fs::read_to_string(super::root().join(path)).unwrap();
        let registry = read("exercises/src/lib.rs");
        let named: std::collections::BTreeSet<&str> = registry
            .lines()
            .filter_map(|line| line.trim().strip_suffix("\",")?.split_once(" in \""))
            .map(|(_, module)| module)
            .collect();
        let built: std::collections::BTreeSet<&str> = super::WORKER_MODULES.iter().copied().collect();
        assert_eq!(named, built);
        let worker = read("worker/Cargo.toml");
        let all = worker.lines().find(|line| line.starts_with("all = [")).unwrap();
        let in_all: std::collections::BTreeSet<&str> = all.split('"').skip(1).step_by(2).collect();
        assert_eq!(in_all, built);
    }
}
