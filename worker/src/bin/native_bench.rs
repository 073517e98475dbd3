//! The worker's harness run natively on the host (`worker::native`). For
//! each argument `exercise?query` it prints one JSON line: the exercise,
//! the pool's threads and every measurement. Used by `cargo xtask bench
//! --native`, which sets it beside the WebAssembly run. With `--save DIR`
//! it also writes each run as `DIR/native-<exercise>.json`, a history
//! record the exercise page imports to compare its run with native code.

#[cfg(not(target_arch = "wasm32"))]
use worker::harness::Bench;
#[cfg(not(target_arch = "wasm32"))]
use worker::native::{self, Native};

/// A host tool: there is nothing native to run in a WebAssembly build.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), String> {
    let mut arguments: Vec<String> = std::env::args().skip(1).collect();
    let save = match arguments.iter().position(|a| a == "--save") {
        Some(at) if at + 1 < arguments.len() => Some(std::path::PathBuf::from(arguments.drain(at..at + 2).nth(1).unwrap_or_default())),
        Some(_) => return Err("--save needs a folder".into()),
        None => None,
    };
    let mut clock = Native::new();
    let bench = Bench {
        resolution_ns: clock.resolution_ns(),
        pool_threads: rayon::current_num_threads(),
    };
    for argument in arguments {
        let (id, query) = argument.split_once('?').unwrap_or((&argument, ""));
        let record = native::run(id, query, &mut clock, bench)?;
        let line = serde_json::json!({
            "exercise": id,
            "pool_threads": bench.pool_threads,
            "resolution_ns": bench.resolution_ns,
            "measurements": record.measurements,
        });
        println!("{line}");
        if let Some(folder) = &save {
            let path = folder.join(format!("native-{id}.json"));
            let text = serde_json::to_string_pretty(&record).map_err(|e| e.to_string())?;
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            eprintln!("saved {}: import it on the exercise page to compare", path.display());
        }
    }
    Ok(())
}
