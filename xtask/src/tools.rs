//! Installs the pinned tools the build needs, when they are missing, from
//! the package registries only (crates.io, npm, Debian). Each check is a
//! version query, so a second run with everything installed takes seconds.

use std::path::PathBuf;
use std::process::Command;

use crate::{Result, cargo, root, run};

/// Must equal the `wasm-bindgen` pin in the workspace `Cargo.toml`
/// (a test checks it): the CLI and the crate must agree exactly.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// Trunk 0.21 builds on stable Rust 1.95 (0.22 needs rustc 1.96.1). Also
/// named in `Trunk.toml`.
pub const TRUNK_VERSION: &str = "0.21.14";
/// The dated nightly for the threaded worker: shared-memory threads need
/// `-Z build-std`, which stable Rust does not have.
pub const NIGHTLY: &str = "nightly-2026-05-20";
/// Binaryen from npm. Debian's binaryen (108) breaks wasm-bindgen's
/// externref table, so it is never used.
pub const BINARYEN_VERSION: &str = "132";
/// axe-core from npm: the accessibility rules the end-to-end tests run on
/// every page.
pub const AXE_CORE_VERSION: &str = "4.14.1";
/// geckodriver from crates.io, for the Firefox ESR end-to-end tests.
pub const GECKODRIVER_VERSION: &str = "0.37.1";

/// Where the installed tools are.
pub struct Tools {
    /// Folder holding `wasm-opt`, put first on `PATH` for Trunk.
    wasm_opt_dir: PathBuf,
    /// The Chromium binary (for tests).
    pub chromium: PathBuf,
    /// The ChromeDriver binary (for tests).
    pub chromedriver: PathBuf,
    /// axe-core's script, `axe.min.js` (for tests).
    pub axe_core: PathBuf,
    /// Firefox ESR (for tests).
    pub firefox: PathBuf,
    /// geckodriver (for tests).
    pub geckodriver: PathBuf,
}

impl Tools {
    /// `PATH` with the tools' folders first.
    pub fn path(&self) -> std::ffi::OsString {
        let mut dirs = vec![self.wasm_opt_dir.clone()];
        dirs.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        std::env::join_paths(dirs).expect("paths without separators")
    }
}

/// The first line a command prints for `--version`, if it runs.
fn version_of(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    output
        .status
        .success()
        .then(|| text.lines().next().unwrap_or_default().trim().to_string())
}

/// Makes sure every tool is installed; with `browser`, the browsers and
/// their drivers too (Chromium and ChromeDriver, Firefox ESR and
/// geckodriver) and axe-core.
pub fn ensure(browser: bool) -> Result<Tools> {
    // SQLite's C source, compiled for wasm32 by the results worker's build
    // (`sqlite-wasm-rs`): clang, and LLVM's archiver.
    ensure_debian_packages(&[("clang", "clang"), ("llvm-ar", "llvm")])?;
    if !has_wasm_target(None) {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    // The threaded build's toolchain, with the standard library's source.
    let sysroot = version_of("rustup", &["run", NIGHTLY, "rustc", "--print", "sysroot"]);
    let has_source = sysroot.is_some_and(|root| {
        PathBuf::from(root)
            .join("lib/rustlib/src/rust/library")
            .is_dir()
    });
    if !has_source || !has_wasm_target(Some(NIGHTLY)) {
        run(Command::new("rustup")
            .args(["toolchain", "install", NIGHTLY, "--profile", "minimal"])
            .args([
                "--component",
                "rust-src",
                "--target",
                "wasm32-unknown-unknown",
            ]))?;
    }

    let wanted = format!("wasm-bindgen {WASM_BINDGEN_VERSION}");
    if version_of("wasm-bindgen", &["--version"]).as_deref() != Some(wanted.as_str()) {
        // `--locked` fails on the registry mirror (one locked dependency
        // version is missing), so this one resolves afresh.
        run(cargo().args([
            "install",
            "--force",
            "wasm-bindgen-cli",
            "--version",
            WASM_BINDGEN_VERSION,
        ]))?;
    }

    let wanted = format!("trunk {TRUNK_VERSION}");
    if version_of("trunk", &["--version"]).as_deref() != Some(wanted.as_str()) {
        // Without the update check (it would call the network) and without OpenSSL.
        run(cargo()
            .args([
                "install",
                "--force",
                "--locked",
                "trunk",
                "--version",
                TRUNK_VERSION,
            ])
            .args(["--no-default-features", "--features", "rustls"]))?;
    }

    let tools_dir = root().join("target/tools");
    let wasm_opt_dir = tools_dir.join("node_modules/.bin");
    let wasm_opt = wasm_opt_dir.join("wasm-opt");
    let wasm_opt_version = version_of(wasm_opt.to_str().unwrap_or_default(), &["--version"]);
    if !wasm_opt_version.is_some_and(|v| v.contains(&format!("version {BINARYEN_VERSION}"))) {
        ensure_debian_packages(&[("npm", "npm")])?;
        std::fs::create_dir_all(&tools_dir).map_err(|e| format!("{}: {e}", tools_dir.display()))?;
        run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&tools_dir)
            .arg(format!("binaryen@{BINARYEN_VERSION}")))?;
    }

    let axe_core = tools_dir.join("node_modules/axe-core");
    if browser {
        ensure_debian_packages(&[
            ("chromium", "chromium"),
            ("chromedriver", "chromium-driver"),
            ("firefox-esr", "firefox-esr"),
        ])?;
        let wanted = format!("geckodriver {GECKODRIVER_VERSION}");
        if !version_of("geckodriver", &["--version"]).is_some_and(|v| v.starts_with(&wanted)) {
            run(cargo().args([
                "install",
                "--force",
                "--locked",
                "geckodriver",
                "--version",
                GECKODRIVER_VERSION,
            ]))?;
        }
        let installed = std::fs::read_to_string(axe_core.join("package.json")).unwrap_or_default();
        if !installed.contains(&format!("\"version\": \"{AXE_CORE_VERSION}\"")) {
            ensure_debian_packages(&[("npm", "npm")])?;
            run(Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&tools_dir)
                .arg(format!("axe-core@{AXE_CORE_VERSION}")))?;
        }
    }
    Ok(Tools {
        wasm_opt_dir,
        chromium: which("chromium").unwrap_or_default(),
        chromedriver: which("chromedriver").unwrap_or_default(),
        axe_core: axe_core.join("axe.min.js"),
        firefox: which("firefox-esr").unwrap_or_default(),
        geckodriver: which("geckodriver").unwrap_or_default(),
    })
}

/// Whether the toolchain (the default one if `None`) has the wasm32 target.
fn has_wasm_target(toolchain: Option<&str>) -> bool {
    let mut command = Command::new("rustup");
    command.args(["target", "list", "--installed"]);
    if let Some(toolchain) = toolchain {
        command.args(["--toolchain", toolchain]);
    }
    command.output().is_ok_and(|o| {
        o.status.success() && String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown")
    })
}

/// Installs the Debian packages whose programs are not on `PATH`.
fn ensure_debian_packages(needed: &[(&str, &str)]) -> Result {
    let missing: Vec<&str> = needed
        .iter()
        .filter(|(program, _)| which(program).is_none())
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root_user = version_of("id", &["-u"]).as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut command = if root_user {
            Command::new("apt-get")
        } else {
            Command::new("sudo")
        };
        if !root_user {
            command.arg("apt-get");
        }
        command.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        command
    };
    run(&mut apt(&["update", "-q"]))?;
    run(apt(&["install", "-y", "-q", "--no-install-recommends"]).args(&missing))
}

/// The program's path, if it is on `PATH`.
fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

/// Chromium's arguments for wasm-bindgen-test-runner (it adds headless and
/// no-sandbox itself; ChromeDriver makes a fresh profile per session).
pub fn webdriver_json(extra_args: &[&str]) -> String {
    let chromium = which("chromium").unwrap_or_default();
    let extra: String = extra_args
        .iter()
        .map(|arg| format!(", \"{arg}\""))
        .collect();
    format!(
        r#"{{"goog:chromeOptions": {{"binary": "{}", "args": ["--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-gpu"{extra}]}}}}"#,
        chromium.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_versions_agree_with_the_manifests() {
        let workspace = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
        assert!(workspace.contains(&format!("wasm-bindgen = \"={WASM_BINDGEN_VERSION}\"")));
        let trunk = std::fs::read_to_string(root().join("Trunk.toml")).unwrap();
        assert!(trunk.contains(&format!("wasm_bindgen = \"{WASM_BINDGEN_VERSION}\"")));
        assert!(trunk.contains(&format!("wasm_opt = \"version_{BINARYEN_VERSION}\"")));
    }
}
