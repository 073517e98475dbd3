//! `storage`'s demonstrations: what each read costs in bytes, the chunk
//! shape against the access pattern, the codecs on smooth and noisy data
//! (computed in the worker's memory), and the array kept in the browser's
//! file system: a new version per run, read back from its files, its
//! versions and their provenance, and the export.

use std::collections::BTreeMap;

use kernels::storage::{
    Array, BLOB, Codec, Data, Geometry, Provenance, VARIANTS, Versioned, cut_window, export_zip, generate,
    read_window,
};

use super::Params;
use crate::protocol::{Chart, ChartLine, DemoTable, Download, FromWorker, RowHook};
use crate::runner::Host;

/// Where the array lives in the browser's file system.
const ROOT: &str = "perflab-storage";

fn table(id: &str, title: &str, caption: String, columns: &[&str]) -> DemoTable {
    DemoTable {
        id: id.into(),
        title: title.into(),
        caption,
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows: Vec::new(),
        highlighted: 0,
        hooks: Vec::new(),
    }
}

fn hook(testid: String, data: &[(&str, String)]) -> RowHook {
    RowHook {
        testid,
        data: data.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.2} MiB", bytes as f64 / 1048576.0)
}

/// The median of `runs` timings of `work`, in ms.
fn median_ms(clock: fn() -> f64, runs: usize, mut work: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = clock();
            work();
            clock() - start
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

/// The tables computed in memory.
pub(super) fn tables(params: &Params, clock: fn() -> f64) -> Vec<DemoTable> {
    let mut tables = vec![bytes_read(params)];
    if params.shape.len() == 2 {
        tables.push(chunk_shapes(params, clock));
    }
    tables.push(codecs(params, clock));
    tables
}

/// Bytes and reads per variant for every window of the sweep and its pan.
fn bytes_read(params: &Params) -> DemoTable {
    let array = params.array();
    let mut out = table(
        "bytes",
        "What one read costs: each window and its pan",
        format!(
            "Bytes read from the store (encoded, as they sit in the files) and files read, for each window of \
             the sweep (n elements, cut from the start of {}) and the same window panned by half its width, \
             with the codec {}. The chunked reads touch only the chunks the windows intersect, so their bytes \
             follow the window down to one chunk; the cache reads a chunk the two windows share once.",
            params.window.iter().map(|(a, b)| format!("{a}:{b}")).collect::<Vec<_>>().join(","),
            params.codec
        ),
        &["n", "variant", "bytes read", "files read", "bytes vs monolithic"],
    );
    array.store.take_counts();
    let mut sizes: Vec<u64> = params.n.iter().map(|&n| super::run::elements(&params.window_for(n))).collect();
    sizes.sort_unstable();
    sizes.dedup();
    for &size in sizes.iter().rev() {
        let window = params.window_of(size);
        let mut monolithic = 0;
        for (name, kernel) in VARIANTS {
            kernel(&array, &window);
            let (bytes, reads) = array.store.take_counts();
            if name == "naive" {
                monolithic = bytes;
            }
            // The learner's whole window is the row tests read.
            let testid = if window == params.whole_window() { format!("bytes-{name}") } else { format!("bytes-{name}-{size}") };
            out.hooks.push((out.rows.len(), hook(testid, &[("bytes", bytes.to_string()), ("reads", reads.to_string())])));
            out.rows.push(vec![
                size.to_string(),
                name.into(),
                mib(bytes),
                reads.to_string(),
                format!("{:.3}×", bytes as f64 / monolithic.max(1) as f64),
            ]);
        }
    }
    out
}

/// One row and one column read through row-shaped, square and
/// column-shaped chunks of the same number of elements.
fn chunk_shapes(params: &Params, clock: fn() -> f64) -> DemoTable {
    let geometry = params.geometry();
    let (rows, cols) = (geometry.shape[0], geometry.shape[1]);
    let elements = geometry.chunk_len().min(rows * cols);
    let shapes = [
        ("rows", vec![(elements / cols).clamp(1, rows), cols]),
        ("yours", geometry.chunk.clone()),
        ("columns", vec![rows, (elements / rows).clamp(1, cols)]),
    ];
    let values = generate(&geometry.shape, params.data(), params.seed);
    let mut out = table(
        "chunk-shapes",
        "Chunk shape against access pattern",
        format!(
            "One full row ({row}:{}, 0:{cols}) and one full column (0:{rows}, {col}:{}) read through chunks of \
             about {elements} elements each, shaped as rows, as your chunk shape, and as columns (no codec, \
             median of 5 reads). A read along the chunks' long side touches few chunks; across it, every \
             chunk on the way is read whole for a sliver of it.",
            rows / 2 + 1,
            cols / 2 + 1,
            row = rows / 2,
            col = cols / 2,
        ),
        &["chunks", "chunk shape", "row: files", "row: bytes", "row: ms", "column: files", "column: bytes", "column: ms"],
    );
    for (name, chunk) in shapes {
        let array = Array::write(Geometry { shape: geometry.shape.clone(), chunk: chunk.clone() }, Codec::None, &values);
        let mut cells = vec![name.to_string(), format!("{}×{}", chunk[0], chunk[1])];
        let mut data = Vec::new();
        for (pattern, window) in [
            ("row", vec![(rows / 2, rows / 2 + 1), (0, cols)]),
            ("column", vec![(0, rows), (cols / 2, cols / 2 + 1)]),
        ] {
            array.store.take_counts();
            read_window(&array, &window);
            let (bytes, reads) = array.store.take_counts();
            let ms = median_ms(clock, 5, || {
                std::hint::black_box(read_window(&array, &window));
            });
            cells.extend([reads.to_string(), mib(bytes), format!("{ms:.3}")]);
            data.push((format!("{pattern}-bytes"), bytes.to_string()));
        }
        out.hooks.push((
            out.rows.len(),
            RowHook { testid: format!("chunks-{name}"), data },
        ));
        out.rows.push(cells);
    }
    out
}

/// Bytes read for one row and one column as the chunks go from rows to
/// columns, the same number of elements each: the chunk-shape plot.
pub(super) fn chunk_shape_chart(params: &Params) -> Chart {
    let geometry = params.geometry();
    let (rows, cols) = (geometry.shape[0], geometry.shape[1]);
    let elements = geometry.chunk_len().min(rows * cols);
    let values = generate(&geometry.shape, params.data(), params.seed);
    let mut heights: Vec<usize> = (0..)
        .map(|k| 1usize << k)
        .take_while(|&h| h <= rows)
        .filter(|&h| elements / h >= 1 && elements / h <= cols)
        .collect();
    heights.dedup();
    let (mut row_line, mut column_line) = (Vec::new(), Vec::new());
    for h in heights {
        let chunk = vec![h, elements / h];
        let array = Array::write(Geometry { shape: geometry.shape.clone(), chunk }, Codec::None, &values);
        for (line, window) in [
            (&mut row_line, vec![(rows / 2, rows / 2 + 1), (0, cols)]),
            (&mut column_line, vec![(0, rows), (cols / 2, cols / 2 + 1)]),
        ] {
            array.store.take_counts();
            read_window(&array, &window);
            line.push((h as f64, array.store.take_counts().0 as f64 / 1048576.0));
        }
    }
    Chart {
        id: "chunk-shape".into(),
        title: "Bytes read for one row and one column, by chunk shape".into(),
        caption: format!(
            "Chunks of {elements} elements, from one row high ({cols} wide) to tall and narrow. A row read is \
             cheapest with wide chunks, a column read with tall ones; square chunks cost both the same, a \
             compromise. Choose the shape for the reads you make most."
        ),
        x_label: "chunk height (rows; its width is elements / height)".into(),
        y_label: "MiB read".into(),
        log_x: true,
        lines: vec![
            ChartLine { name: "one row".into(), points: row_line },
            ChartLine { name: "one column".into(), points: column_line },
        ],
    }
}

/// Every codec on smooth and on noisy data: ratio, encode and decode speed.
fn codecs(params: &Params, clock: fn() -> f64) -> DemoTable {
    let geometry = params.geometry();
    let raw = geometry.len() as f64 * 8.0;
    let mut out = table(
        "codecs",
        "Compression: ratio and speed",
        format!(
            "The array ({}) chunked as {}, every chunk encoded then decoded (median of 3). MB/s count the raw \
             float64 bytes. A codec makes reads faster when decoding at its speed beats moving the bytes it \
             saves: \"pays below\" is the bandwidth under which a codec reads faster than the raw bytes (a disk, \
             a network), while in memory it never does.",
            params.shape.iter().map(u64::to_string).collect::<Vec<_>>().join("×"),
            params.chunk.iter().map(u64::to_string).collect::<Vec<_>>().join("×"),
        ),
        &["data", "codec", "stored", "ratio", "encode MB/s", "decode MB/s", "read at 50 MB/s: ms", "pays below"],
    );
    let grid: Vec<Vec<usize>> = (0..geometry.grid().iter().product::<usize>())
        .map(|i| unflatten(i, &geometry.grid()))
        .collect();
    for (data_name, data) in [("smooth", Data::Smooth), ("noisy", Data::Noisy)] {
        let values = generate(&geometry.shape, data, params.seed);
        let chunks: Vec<Vec<f64>> = grid.iter().map(|at| kernels::storage::cut_chunk(&geometry, &values, at)).collect();
        for (name, codec) in Codec::ALL {
            let mut encoded = Vec::new();
            let encode_ms = median_ms(clock, 3, || {
                encoded = chunks.iter().map(|c| codec.encode(c)).collect::<Vec<_>>();
            });
            let decode_ms = median_ms(clock, 3, || {
                for bytes in &encoded {
                    std::hint::black_box(codec.decode(bytes, geometry.chunk_len()).expect("round trip"));
                }
            });
            let stored: usize = encoded.iter().map(Vec::len).sum();
            let ratio = raw / stored as f64;
            let rate = |ms: f64| if ms > 0.0 { format!("{:.0}", raw / 1e6 / (ms / 1e3)) } else { "—".into() };
            // Moving the stored bytes at 50 MB/s, then decoding them.
            let remote_ms = stored as f64 / 50e6 * 1e3 + decode_ms;
            // The bandwidth below which moving fewer bytes saves more than
            // decoding costs: raw / B = stored / B + decode.
            let saved = raw - stored as f64;
            let pays = if codec == Codec::None {
                "—".to_string()
            } else if saved <= 0.0 || decode_ms <= 0.0 {
                "never".to_string()
            } else {
                format!("{:.0} MB/s", saved / 1e6 / (decode_ms / 1e3))
            };
            out.hooks.push((
                out.rows.len(),
                hook(format!("codec-{data_name}-{name}"), &[("ratio", format!("{ratio:.4}"))]),
            ));
            out.rows.push(vec![
                data_name.into(),
                name.into(),
                mib(stored as u64),
                format!("{ratio:.2}×"),
                rate(encode_ms),
                rate(decode_ms),
                format!("{remote_ms:.1}"),
                pays,
            ]);
        }
    }
    out
}

/// Grid position `i` in row-major order.
fn unflatten(mut i: usize, grid: &[usize]) -> Vec<usize> {
    let mut at = vec![0; grid.len()];
    for axis in (0..grid.len()).rev() {
        at[axis] = i % grid[axis];
        i /= grid[axis];
    }
    at
}

/// Everything read so far from the file system, as a store's `get`.
type Seen = BTreeMap<String, Vec<u8>>;

/// Reads `paths` (under [`ROOT`]) into `seen`.
async fn fetch_all(host: &Host, seen: &mut Seen, paths: impl IntoIterator<Item = String>) -> Result<(), String> {
    let files = host.files();
    for path in paths {
        if let Some(bytes) = files.read(&format!("{ROOT}/{path}")).await? {
            seen.insert(path, bytes);
        }
    }
    Ok(())
}

/// The array kept in the browser's file system: commit a version, read
/// the window back from its files, list the versions, offer the export.
pub(super) async fn in_files(params: &Params, host: &Host) -> Vec<FromWorker> {
    let mut messages = Vec::new();
    if let Err(error) = versioned(params, host, &mut messages).await {
        let mut failed = table(
            "versions",
            "Versions in the browser's file system",
            "Writing failed; the versions already written are untouched (HEAD is written last).".into(),
            &["error"],
        );
        failed.rows.push(vec![error]);
        messages.push(FromWorker::Table(failed));
    }
    messages
}

async fn versioned(params: &Params, host: &Host, messages: &mut Vec<FromWorker>) -> Result<(), String> {
    let files = host.files();
    let (geometry, codec) = (params.geometry(), params.codec());
    let kept = match files.kept() {
        Ok(place) => place,
        Err(why) => format!("in memory only, for this visit: {why}"),
    };
    let mut seen = Seen::new();
    fetch_all(host, &mut seen, ["HEAD".to_string()]).await?;
    if let Some(head) = seen.get("HEAD") {
        let number = String::from_utf8_lossy(head).trim().to_string();
        fetch_all(host, &mut seen, [format!("versions/{number}.json")]).await?;
    }
    let get = |seen: &Seen| {
        let seen = seen.clone();
        move |key: &str| seen.get(key).cloned()
    };
    let mut previous = Versioned::head(&get(&seen)).ok().flatten();
    let same = previous.as_ref().is_some_and(|p| {
        let (a, b): (serde_json::Value, serde_json::Value) = (
            serde_json::from_str(&p.zarr_json).unwrap_or_default(),
            serde_json::from_str(&kernels::storage::metadata(&geometry, codec, &serde_json::Value::Null))
                .unwrap_or_default(),
        );
        // A version made from other data or another seed is another
        // array, not an earlier version of this one.
        let (was, now) = (crate::params::from_query(&p.provenance.parameters), crate::params::from_query(&params.query()));
        ["shape", "chunk_grid", "codecs"].iter().all(|f| a[f] == b[f])
            && ["data", "seed"].iter().all(|k| was.get(*k) == now.get(*k))
    });
    if !same && previous.is_some() {
        files.remove_all(ROOT).await?;
        previous = None;
        seen.clear();
    }
    let values = match &previous {
        None => generate(&geometry.shape, params.data(), params.seed),
        Some(p) => {
            fetch_all(host, &mut seen, p.chunks.values().cloned()).await?;
            let mut values = p.read(&get(&seen), &geometry, codec).map_err(|e| e.0)?;
            correct(&geometry, &mut values, &params.whole_window());
            values
        }
    };
    let note = match &previous {
        None => "a new array from the seed".to_string(),
        Some(p) => format!("version {} with the window ×1.5", p.version),
    };
    let provenance = Provenance {
        parameters: params.query(),
        build: option_env!("PERFLAB_VERSION").unwrap_or("unversioned").to_string(),
        time: host.wall_time(),
        note,
    };
    let (version, writes) = Versioned::commit(previous.as_ref(), &get(&seen), &geometry, codec, &values, provenance);
    let written: u64 = writes.iter().map(|(_, b)| b.len() as u64).sum();
    let count = writes.len();
    let start = host.now_ms();
    for (path, bytes) in writes {
        files.write(&format!("{ROOT}/{path}"), bytes.clone()).await?;
        seen.insert(path, bytes);
    }
    let write_ms = host.now_ms() - start;
    // The blob, for the monolithic read from files.
    files.write(&format!("{ROOT}/{BLOB}"), codec.encode(&values)).await?;

    messages.push(FromWorker::Table(read_back(params, host, &version, &values, &kept).await?));
    let mut listing = table(
        "versions",
        "Versions in the browser's file system",
        format!(
            "Kept {kept}. This run committed version {} ({count} files, {} in {write_ms:.0} ms): only the chunks that \
             changed are written, then the manifest, then HEAD. Every version stays readable.",
            version.version,
            mib(written)
        ),
        &["version", "chunks written", "note", "parameters", "build", "time"],
    );
    let mut manifests = Vec::new();
    for number in 1..=version.version {
        fetch_all(host, &mut seen, [format!("versions/{number}.json")]).await?;
        if let Ok(v) = Versioned::open(&get(&seen), number) {
            let own = v.chunks.values().filter(|o| o.starts_with(&format!("objects/{number}/"))).count();
            listing.hooks.push((listing.rows.len(), hook(format!("version-{number}"), &[("written", own.to_string())])));
            listing.rows.push(vec![
                number.to_string(),
                own.to_string(),
                v.provenance.note.clone(),
                v.provenance.parameters.clone(),
                v.provenance.build.clone(),
                v.provenance.time.clone(),
            ]);
            manifests.push(v);
        }
    }
    messages.push(FromWorker::Table(listing));
    if let [.., older, newest] = &manifests[..] {
        let mut diff = table(
            "version-diff",
            "What changed between the last two versions",
            format!("Version {} against version {}: the metadata fields that differ.", newest.version, older.version),
            &["field", &format!("version {}", newest.version), &format!("version {}", older.version)],
        );
        for (field, a, b) in newest.differences(older) {
            diff.rows.push(vec![field, a, b]);
        }
        messages.push(FromWorker::Table(diff));
    }
    let exported = version.files(&get(&seen)).map_err(|e| e.0)?;
    let zip = export_zip(exported.iter().map(|(k, v)| (k.as_str(), v.as_slice())));
    messages.push(FromWorker::Download(Download::of(
        "zarr",
        &format!("Download version {} as Zarr (zip)", version.version),
        "storage.zarr.zip",
        "application/zip",
        zip,
    )));
    Ok(())
}

/// A correction applied to a region: its values ×1.5.
fn correct(geometry: &Geometry, values: &mut [f64], window: &[(usize, usize)]) {
    let mut index = vec![0usize; geometry.shape.len()];
    for value in values.iter_mut() {
        if index.iter().zip(window).all(|(i, (a, b))| (a..b).contains(&i)) {
            *value *= 1.5;
        }
        for axis in (0..index.len()).rev() {
            index[axis] += 1;
            if index[axis] < geometry.shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
}

/// Rounds of the file reads: each read is a few requests to the storage
/// process, so its time varies; the table gives the median of these.
const FILE_ROUNDS: usize = 5;

/// The window read back from the files, [`FILE_ROUNDS`] times each way
/// in turn: the blob whole, or the chunks it intersects; equal to the
/// values written.
async fn read_back(
    params: &Params,
    host: &Host,
    version: &Versioned,
    values: &[f64],
    kept: &str,
) -> Result<DemoTable, String> {
    let (geometry, window) = (params.geometry(), params.whole_window());
    let expected = cut_window(&geometry, values, &window);
    let mut out = table(
        "files",
        "The window read back from the files",
        format!(
            "Kept {kept}. Wall-clock time of reading the files (asynchronous reads, one request each) and \
             decoding, for the window {}: the blob whole, or only the chunk files of version {}; the median of \
             {FILE_ROUNDS} rounds, each way going first in every other one, and the fastest and slowest round. Each file is a \
             round trip to the browser's storage process, so with few bytes per file the requests, not the \
             bytes, set the time (Zarr's sharding codec packs many chunks into one file for this reason).",
            params.window.iter().map(|(a, b)| format!("{a}:{b}")).collect::<Vec<_>>().join(","),
            version.version
        ),
        &["read", "files", "bytes", "ms (median)", "fastest – slowest", "equal to what was written"],
    );
    let mut times = [Vec::new(), Vec::new()];
    let mut reads = [None, None];
    for round in 0..FILE_ROUNDS {
        // Each way goes first in every other round.
        for chunked in [round % 2 == 1, round % 2 == 0] {
            let start = host.now_ms();
            let read = read_window_files(params, host, version, chunked).await?;
            times[usize::from(chunked)].push(host.now_ms() - start);
            reads[usize::from(chunked)] = Some(read);
        }
    }
    let reads = reads.map(|read| read.expect("read in every round"));
    let same = |got: &[f64]| (got.iter().map(|v| v.to_bits()).eq(expected.iter().map(|v| v.to_bits()))).to_string();
    for ((name, (files_read, bytes, got)), times) in ["naive", "chunked"].into_iter().zip(&reads).zip(&mut times) {
        times.sort_by(f64::total_cmp);
        let (median, fastest, slowest) = (times[FILE_ROUNDS / 2], times[0], times[FILE_ROUNDS - 1]);
        out.hooks.push((out.rows.len(), hook(format!("files-{name}"), &[("equal", same(got)), ("bytes", bytes.to_string())])));
        out.rows.push(vec![
            name.into(),
            files_read.to_string(),
            mib(*bytes as u64),
            format!("{median:.1}"),
            format!("{fastest:.1} – {slowest:.1}"),
            same(got),
        ]);
    }
    Ok(out)
}

/// One read of the window from the files, decoded: from the blob whole,
/// or from the chunk files it intersects. The files read, their bytes and
/// the window.
async fn read_window_files(
    params: &Params,
    host: &Host,
    version: &Versioned,
    chunked: bool,
) -> Result<(usize, usize, Vec<f64>), String> {
    let files = host.files();
    let (geometry, codec, window) = (params.geometry(), params.codec(), params.whole_window());
    if !chunked {
        let blob = files.read(&format!("{ROOT}/{BLOB}")).await?.ok_or("the blob is missing")?;
        let whole = codec.decode(&blob, geometry.len()).map_err(|e| e.0)?;
        return Ok((1, blob.len(), cut_window(&geometry, &whole, &window)));
    }
    let mut seen = Seen::new();
    let keys: Vec<String> = geometry.chunks_of(&window).iter().map(|at| version.chunks[&Geometry::key(at)].clone()).collect();
    fetch_all(host, &mut seen, keys.clone()).await?;
    let bytes: usize = seen.values().map(Vec::len).sum();
    let mut partial = Versioned { chunks: BTreeMap::new(), ..version.clone() };
    for (key, object) in &version.chunks {
        if seen.contains_key(object) {
            partial.chunks.insert(key.clone(), object.clone());
        }
    }
    Ok((keys.len(), bytes, window_from(&partial, &seen, &geometry, codec, &window)?))
}

/// The window assembled from the chunk files read into `seen`.
fn window_from(
    version: &Versioned,
    seen: &Seen,
    geometry: &Geometry,
    codec: Codec,
    window: &[(usize, usize)],
) -> Result<Vec<f64>, String> {
    let mut array = Array { geometry: geometry.clone(), codec, store: Default::default() };
    for (key, object) in &version.chunks {
        array.store.set(key, seen.get(object).cloned().ok_or("a chunk file is missing")?);
    }
    Ok(read_window(&array, window))
}
