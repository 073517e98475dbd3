//! The built site in headless Chromium, served with the isolation headers:
//! the storage exercise writes its array to the origin private file system,
//! reads it back equal after a reload (a second version, copy-on-write),
//! reads the published copy over HTTP, and exports a zip that is a Zarr v3
//! array.

use std::io::Read;
use std::time::Duration;

use base64::Engine;
use e2e::Page;

/// The `data-*` of the one row hooked as `testid`.
async fn row(page: &Page, testid: &str) -> std::collections::BTreeMap<String, String> {
    let mut rows = page.hooked(testid).await;
    assert_eq!(rows.len(), 1, "{testid}: {rows:?}");
    rows.remove(0)
}

#[tokio::test]
async fn the_array_is_kept_in_files_read_back_equal_and_exported_as_zarr() {
    let page = Page::isolated().await;
    let query = "n=3000,12000&mode=quick";
    page.open_exercise("storage", query).await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(240)).await;
    assert_eq!(row(&page, "version-1").await["written"], "64", "a new array writes every chunk");
    for read in ["files-naive", "files-chunked", "remote-naive", "remote-chunked"] {
        let rows = page.hooked(read).await;
        assert!(!rows.is_empty() && rows.iter().all(|r| r["equal"] == "true"), "{read}: {rows:?}");
    }
    let remote = page.demo_table("remote").await;
    assert_eq!(remote.rows.len(), 3, "{:?}", remote.rows);
    let bytes = |read: &str, rows: &[std::collections::BTreeMap<String, String>]| -> u64 {
        rows.iter().find(|r| r.get("bytes").is_some()).map(|r| r["bytes"].parse().unwrap()).unwrap_or_else(|| panic!("{read}"))
    };
    let (blob, chunks) = (
        bytes("naive", &page.hooked("remote-naive").await),
        bytes("chunked", &page.hooked("remote-chunked").await),
    );
    assert!(chunks * 4 < blob, "the window's chunks are a fraction of the blob: {chunks} of {blob}");

    // After a reload the store is still there: the next run reads version
    // 1 back from its files and writes only the chunks the window touches.
    page.wait_kept().await;
    page.reload().await;
    // The export's Blob, kept as the page makes its object URL: the page's
    // CSP (`connect-src 'self'`) rightly refuses to fetch `blob:` URLs.
    page.js(
        "const make = URL.createObjectURL; window.__blobs = {}; \
         URL.createObjectURL = b => { const url = make(b); window.__blobs[url] = b; return url; };",
    )
    .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(240)).await;
    assert_eq!(row(&page, "version-2").await["written"], "6", "rows 100:300 × columns 200:260: 3 × 2 chunks");
    assert_eq!(row(&page, "files-chunked").await["equal"], "true");
    assert_eq!(row(&page, "version-1").await["written"], "64", "version 1 is still listed");
    let diff = page.demo_table("version-diff").await;
    assert!(diff.rows.iter().any(|r| r.cells[0] == "note"), "{:?}", diff.rows);

    // The export: the object URL the button saves, caught on its way out
    // and read back (as a data URL) from the worker's Blob.
    page.js("window.__saved = []; HTMLAnchorElement.prototype.click = function () { window.__saved.push([this.download, this.href]); };")
        .await;
    page.click("export-zarr").await;
    let saved = page.js("return window.__saved").await;
    assert_eq!(saved[0][0], "storage.zarr.zip", "{saved}");
    assert!(saved[0][1].as_str().unwrap().starts_with("blob:"), "an object URL, not the bytes: {saved}");
    let read = "return new Promise(done => { const reader = new FileReader(); \
                reader.onload = () => done(reader.result); reader.readAsDataURL(window.__blobs[window.__saved[0][1]]); })";
    let href = page.js(read).await;
    let base64 = href.as_str().unwrap().strip_prefix("data:application/zip;base64,").expect("a zip, typed as one");
    let zip = base64::engine::general_purpose::STANDARD.decode(base64).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    assert_eq!(archive.len(), 1 + 64, "zarr.json and 8 × 8 chunks");
    let mut text = String::new();
    archive.by_name("zarr.json").unwrap().read_to_string(&mut text).unwrap();
    let meta: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!((meta["zarr_format"].as_u64(), meta["shape"].clone()), (Some(3), serde_json::json!([1024, 1024])));
    assert_eq!(meta["attributes"]["version"], 2);
    assert!(archive.by_name("c/7/7").unwrap().size() == 128 * 128 * 8, "codec none: raw chunks");
    assert!(page.console_errors().await.is_empty());

    // Each run is kept in the results database with the tables it showed:
    // SQL finds the two runs' versions tables and their provenance.
    page.wait_kept().await;
    page.open_history().await;
    let versions = "SELECT r.id, json_extract(t.value, '$.rows') FROM runs r, json_each(r.record, '$.tables') t \
                    WHERE r.exercise = 'storage' AND json_extract(t.value, '$.id') = 'versions'";
    assert_eq!(page.sql(versions).await, Ok(2));
    let provenance = "SELECT 1 FROM runs r, json_each(r.record, '$.tables') t, json_each(t.value, '$.rows') v \
                      WHERE json_extract(t.value, '$.id') = 'versions' AND json_extract(v.value, '$[3]') LIKE 'shape=1024,1024%'";
    assert_eq!(page.sql(provenance).await, Ok(3), "version 1 in the first run; 1 and 2 in the second");
    page.close().await;
}
