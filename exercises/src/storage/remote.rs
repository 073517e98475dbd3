//! The array as a remote store: published with the site as static files
//! (`files/storage/`: `zarr.json`, one file per chunk, and the blob), read
//! over HTTP as Zarr reads an object store, one request per chunk.

use futures_util::future::join_all;
use kernels::storage::{Array, BLOB, Codec, Data, Geometry, cut_window, generate, metadata};

use super::Params;
use crate::protocol::{DemoTable, RowHook};
use crate::runner::Host;

/// The published array: the default shape, chunks and data, blosc-encoded
/// as an object store would hold it.
fn published_geometry() -> Geometry {
    Geometry { shape: vec![1024, 1024], chunk: vec![128, 128] }
}
const CODEC: Codec = Codec::Blosc;
const SEED: u64 = 42;

/// The files of the published store.
pub(super) fn published() -> Vec<(String, Vec<u8>)> {
    let geometry = published_geometry();
    let values = generate(&geometry.shape, Data::Smooth, SEED);
    let array = Array::write(geometry.clone(), CODEC, &values);
    let mut files: Vec<(String, Vec<u8>)> =
        array.store.entries().map(|(k, v)| (k.clone(), v.clone())).collect();
    files.retain(|(k, _)| k != "zarr.json");
    files.push(("zarr.json".into(), metadata(&geometry, CODEC, &serde_json::Value::Null).into_bytes()));
    files
}

/// The URL of a published file, from the worker's script.
fn url(path: &str) -> String {
    format!("{}files/{}/{path}", crate::runner::SITE_ROOT, super::EXERCISE.id)
}

/// Reads the window from the published store: the blob, the chunks one
/// request at a time, and the chunks all at once.
pub(super) async fn remote(params: &Params, host: &Host) -> DemoTable {
    let geometry = published_geometry();
    let mut window = params.whole_window();
    let mut caption = String::new();
    if window.len() != 2 || window.iter().zip(&geometry.shape).any(|(w, s)| w.1 > *s) {
        window = vec![(100, 300), (200, 260)];
        caption.push_str("Your window does not fit the published 1024×1024 array, so the default window is read. ");
    }
    let text: Vec<String> = window.iter().map(|(a, b)| format!("{a}:{b}")).collect();
    caption.push_str(&format!(
        "The array published with the site (1024×1024 smooth float64, chunks 128×128, blosc) read over HTTP \
         from the server, as from cloud object storage: the window {} from the one blob, and from its chunks, \
         one request after another or all at once (as Zarr's readers do). Wall-clock times from the worker.",
        text.join(",")
    ));
    let mut out = DemoTable {
        id: "remote".into(),
        title: "Reading over HTTP, as from an object store".into(),
        caption,
        columns: ["read", "requests", "bytes", "ms", "equal to the array"].map(String::from).to_vec(),
        rows: Vec::new(),
        highlighted: 0,
        hooks: Vec::new(),
    };
    let expected: Vec<u64> = cut_window(&geometry, &generate(&geometry.shape, Data::Smooth, SEED), &window)
        .iter()
        .map(|v| v.to_bits())
        .collect();
    let keys: Vec<String> = geometry.chunks_of(&window).iter().map(|at| Geometry::key(at)).collect();
    for read in ["naive", "chunked, one by one", "chunked, concurrent"] {
        let start = host.now_ms();
        let fetched: Result<Vec<(String, Vec<u8>)>, String> = match read {
            "naive" => fetch(host, BLOB).await.map(|b| vec![(BLOB.to_string(), b)]),
            "chunked, one by one" => {
                async {
                    let mut all = Vec::new();
                    for key in &keys {
                        all.push((key.clone(), fetch(host, key).await?));
                    }
                    Ok(all)
                }
                .await
            }
            _ => join_all(keys.iter().map(|k| fetch(host, k)))
                .await
                .into_iter()
                .zip(&keys)
                .map(|(bytes, key)| bytes.map(|b| (key.clone(), b)))
                .collect(),
        };
        let values = fetched.and_then(|files| {
            let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
            let values = assemble(&geometry, &window, files)?;
            Ok((bytes, values))
        });
        let ms = host.now_ms() - start;
        let requests = if read == "naive" { 1 } else { keys.len() };
        let testid = format!("remote-{}", read.split(',').next().unwrap_or(read));
        let row = match values {
            Ok((bytes, values)) => {
                let equal = values.iter().map(|v| v.to_bits()).eq(expected.iter().copied()).to_string();
                out.hooks.push((out.rows.len(), RowHook {
                    testid,
                    data: vec![("equal".into(), equal.clone()), ("bytes".into(), bytes.to_string())],
                }));
                vec![read.into(), requests.to_string(), format!("{:.1} KiB", bytes as f64 / 1024.0), format!("{ms:.1}"), equal]
            }
            Err(error) => vec![read.into(), requests.to_string(), "—".into(), "—".into(), error],
        };
        out.rows.push(row);
    }
    out
}

/// One published file's bytes.
async fn fetch(host: &Host, path: &str) -> Result<Vec<u8>, String> {
    match host.fetch_bytes(&url(path)).await? {
        (200, bytes) => Ok(bytes),
        (status, _) => Err(format!("{path}: HTTP {status} (the site was built without its published files?)")),
    }
}

/// The window from fetched files: the blob, or the chunks it intersects.
fn assemble(geometry: &Geometry, window: &[(usize, usize)], files: Vec<(String, Vec<u8>)>) -> Result<Vec<f64>, String> {
    if let [(key, blob)] = &files[..]
        && key == BLOB
    {
        let whole = CODEC.decode(blob, geometry.len()).map_err(|e| e.0)?;
        return Ok(cut_window(geometry, &whole, window));
    }
    let mut array = Array { geometry: geometry.clone(), codec: CODEC, store: Default::default() };
    for (key, bytes) in files {
        CODEC.decode(&bytes, geometry.chunk_len()).map_err(|e| format!("{key}: {}", e.0))?;
        array.store.set(&key, bytes);
    }
    Ok(kernels::storage::read_window(&array, window))
}
