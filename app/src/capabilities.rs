//! What this browser can do, detected once and shown, so a learner knows
//! what their numbers stand on (and why a feature is unavailable).

use js_sys::{Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The page's environment.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Capabilities {
    /// `crossOriginIsolated`: SharedArrayBuffer and the fine timer.
    pub isolated: bool,
    /// `navigator.hardwareConcurrency`.
    pub cores: u32,
    /// WebAssembly SIMD (128-bit) validates.
    pub simd: bool,
    /// Shared WebAssembly memory can be created (threads).
    pub threads: bool,
    /// `none`, `software` or `hardware`, and the adapter's description.
    pub webgpu: (&'static str, String),
    /// The browser's user agent string.
    pub browser: String,
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// A module whose one function uses a v128 instruction (wasm-feature-detect's test).
const SIMD_MODULE: [u8; 31] = [
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253,
    15, 253, 98, 11,
];

fn simd() -> bool {
    WebAssembly::validate(&Uint8Array::from(SIMD_MODULE.as_slice()).into()).unwrap_or(false)
}

fn threads() -> bool {
    let descriptor = js_sys::Object::new();
    let _ = Reflect::set(&descriptor, &"initial".into(), &1.into());
    let _ = Reflect::set(&descriptor, &"maximum".into(), &1.into());
    let _ = Reflect::set(&descriptor, &"shared".into(), &true.into());
    WebAssembly::Memory::new(&descriptor).is_ok_and(|memory| {
        memory
            .buffer()
            .is_instance_of::<js_sys::SharedArrayBuffer>()
    })
}

/// Asks for a WebGPU adapter: none, a software fallback, or hardware.
async fn webgpu() -> (&'static str, String) {
    let gpu = get(&get(&js_sys::global(), "navigator"), "gpu");
    if gpu.is_undefined() {
        return ("none", "no navigator.gpu in this browser".into());
    }
    let Ok(request) = Reflect::get(&gpu, &"requestAdapter".into())
        .and_then(|f| f.unchecked_into::<js_sys::Function>().call0(&gpu))
    else {
        return ("none", "requestAdapter failed".into());
    };
    match JsFuture::from(request.unchecked_into::<js_sys::Promise>()).await {
        Ok(adapter) if !adapter.is_null() && !adapter.is_undefined() => {
            let info = get(&adapter, "info");
            let fallback = get(&info, "isFallbackAdapter").as_bool().unwrap_or(false)
                || get(&info, "architecture")
                    .as_string()
                    .is_some_and(|a| a == "swiftshader");
            let name = ["vendor", "architecture", "description"]
                .iter()
                .filter_map(|key| get(&info, key).as_string().filter(|s| !s.is_empty()))
                .collect::<Vec<_>>()
                .join(" ");
            if fallback {
                ("software", name)
            } else {
                ("hardware", name)
            }
        }
        _ => ("none", "no adapter".into()),
    }
}

/// Detects everything; the WebGPU part needs an await.
pub async fn detect() -> Capabilities {
    let global = js_sys::global();
    let navigator = get(&global, "navigator");
    Capabilities {
        isolated: get(&global, "crossOriginIsolated")
            .as_bool()
            .unwrap_or(false),
        cores: get(&navigator, "hardwareConcurrency")
            .as_f64()
            .unwrap_or(1.0) as u32,
        simd: simd(),
        threads: threads(),
        webgpu: webgpu().await,
        browser: get(&navigator, "userAgent").as_string().unwrap_or_default(),
    }
}
