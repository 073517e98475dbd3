//! `storage` on the host: the parameters checked together, every window
//! of the sweep checked, and the demonstration's versions in files that
//! stay in memory (`Plain`'s).

use std::collections::BTreeMap;
use std::task::{Context, Poll, Waker};

use crate::find;
use crate::protocol::{DemoTable, FromWorker};

fn parse(query: &str) -> Result<crate::params::ParamValues, Vec<crate::params::ParamError>> {
    find("storage").unwrap().parse(&crate::params::from_query(query))
}

#[test]
fn parameters_that_do_not_fit_together_name_their_field() {
    let field = |query: &str| -> Vec<String> {
        parse(query).unwrap_err().into_iter().map(|e| e.name).collect()
    };
    assert!(parse("").is_ok());
    assert_eq!(field("chunk=128"), ["chunk"]);
    assert_eq!(field("window=0:10"), ["window"]);
    assert_eq!(field("window=0:10,1020:1025"), ["window"]);
    assert_eq!(field("shape=4096,4096"), ["shape"]);
    assert_eq!(field("shape=1000000,1000000&window=0:1,0:1&n=1"), ["shape", "chunk"]);
    let message = &parse("window=0:10,1020:1025").unwrap_err()[0].message;
    assert!(message.starts_with("window: 1020:1025 on axis 1 ends past the shape's 1024"), "{message}");
    // Each parameter's own rules still come first.
    assert_eq!(field("window=5:5,0:1"), ["window"]);
    assert_eq!(field("shape=3,0"), ["shape"]);
    assert_eq!(field("n=12001"), ["n"]);
}

#[test]
fn every_window_of_the_sweep_is_checked_and_reads_the_same() {
    let exercise = find("storage").unwrap();
    let values = parse("shape=60,50&chunk=16,8&window=5:45,7:47&n=180,1600&codec=blosc").unwrap();
    let cases = exercise.runner.check_cases(&values, &super::host());
    assert_eq!(cases.len(), 2, "one case per window of the sweep");
    for (label, mut workload) in cases {
        let naive = workload.check(0);
        assert!(naive.text.starts_with("window_sum="), "{label}: {}", naive.text);
        for variant in 1..3 {
            assert_eq!(workload.check(variant), naive, "{label}: variant {variant}");
        }
    }
}

/// Runs the live demonstration to its end (the stand-in's files and
/// clock never wait).
fn live(query: &str, host: &crate::runner::Host) -> Vec<FromWorker> {
    let mut live = find("storage").unwrap().runner.live(&parse(query).unwrap(), host).unwrap();
    let Poll::Ready(messages) = live.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
        panic!("the stand-in never waits");
    };
    messages
}

fn tables(messages: &[FromWorker]) -> BTreeMap<String, DemoTable> {
    messages
        .iter()
        .filter_map(|m| match m {
            FromWorker::Table(t) => Some((t.id.clone(), t.clone())),
            _ => None,
        })
        .collect()
}

fn hook<'a>(table: &'a DemoTable, testid: &str, name: &str) -> &'a str {
    let (_, hook) = table.hooks.iter().find(|(_, h)| h.testid == testid).unwrap();
    &hook.data.iter().find(|(k, _)| k == name).unwrap().1
}

#[test]
fn each_run_commits_a_version_that_writes_only_the_changed_chunks() {
    let host = super::host();
    let query = "shape=64,64&chunk=16,16&window=4:20,4:12&n=128&codec=gzip";
    // A different array first: the store starts again when the shape changes.
    live("shape=32,32&chunk=16,16&window=0:4,0:4&n=16", &host);
    let first = tables(&live(query, &host));
    assert!(first["versions"].hooks.len() == 1, "{:?}", first["versions"].rows);
    assert_eq!(hook(&first["versions"], "version-1", "written"), "16", "version 1 writes every chunk");
    assert_eq!(hook(&first["files"], "files-naive", "equal"), "true");
    assert_eq!(hook(&first["files"], "files-chunked", "equal"), "true");
    let messages = live(query, &host);
    let second = tables(&messages);
    // The chunk-shape plot: wide chunks favour a row, tall ones a column.
    let chart = messages
        .iter()
        .find_map(|m| match m {
            FromWorker::Chart(c) if c.id == "chunk-shape" => Some(c.clone()),
            _ => None,
        })
        .expect("the chunk-shape chart");
    let (row, column) = (&chart.lines[0].points, &chart.lines[1].points);
    assert_eq!(row.iter().map(|p| p.0).collect::<Vec<_>>(), [4.0, 8.0, 16.0, 32.0, 64.0]);
    assert!(row[0].1 < column[0].1 && row[4].1 > column[4].1, "{row:?} {column:?}");
    assert_eq!(row[2].1, column[2].1, "square chunks cost both the same");
    // The window 4:20,4:12 touches chunks (0,0) and (1,0).
    assert_eq!(hook(&second["versions"], "version-2", "written"), "2");
    assert_eq!(hook(&second["files"], "files-chunked", "equal"), "true");
    let diff = &second["version-diff"];
    assert!(diff.rows.iter().any(|r| r[0] == "note" && r[1].contains("×1.5")), "{:?}", diff.rows);
    let zip = messages.iter().find_map(|m| match m {
        FromWorker::Download(d) => Some(d.clone()),
        _ => None,
    });
    let zip = zip.expect("the export is offered");
    assert_eq!((zip.id.as_str(), zip.file_name.as_str()), ("zarr", "storage.zarr.zip"));
    assert!(zip.label.contains("version 2"));
    assert_eq!(zip.size, zip.bytes.len() as u64);
    assert!(zip.bytes.starts_with(b"PK\x03\x04"), "a zip archive's first entry");

    // Another seed is another array: it starts again at version 1, from
    // the seed, instead of passing the old data off as its own.
    let reseeded = tables(&live(&format!("{query}&seed=7"), &host));
    assert_eq!(hook(&reseeded["versions"], "version-1", "written"), "16");
    assert!(reseeded["versions"].hooks.iter().all(|(_, h)| h.testid != "version-2"));
}

#[test]
fn the_tables_count_bytes_read_and_compare_codecs() {
    let exercise = find("storage").unwrap();
    let values = parse("shape=256,256&chunk=32,32&window=10:70,40:60&n=1200").unwrap();
    let tables: BTreeMap<String, DemoTable> =
        exercise.runner.tables(&values, &super::host()).into_iter().map(|t| (t.id.clone(), t)).collect();
    let bytes = |v: &str| hook(&tables["bytes"], &format!("bytes-{v}"), "bytes").parse::<u64>().unwrap();
    assert_eq!(bytes("naive"), 2 * 256 * 256 * 8, "the blob, read twice");
    // Rows 10:70 are chunks 0..=2; columns 40:60 chunk 1, then 50:70
    // chunks 1 and 2: 3 + 6 chunks, of which 6 differ.
    assert_eq!(bytes("chunked"), 9 * 32 * 32 * 8);
    assert_eq!(bytes("cached"), 6 * 32 * 32 * 8);
    let shapes = &tables["chunk-shapes"];
    let read = |chunks: &str, pattern: &str| {
        hook(shapes, &format!("chunks-{chunks}"), &format!("{pattern}-bytes")).parse::<u64>().unwrap()
    };
    assert!(read("rows", "row") < read("rows", "column") / 8);
    assert!(read("columns", "column") < read("columns", "row") / 8);
    let ratio = |data: &str, codec: &str| {
        hook(&tables["codecs"], &format!("codec-{data}-{codec}"), "ratio").parse::<f64>().unwrap()
    };
    assert_eq!(ratio("smooth", "none"), 1.0);
    assert!(ratio("smooth", "blosc") > 2.0 && ratio("smooth", "gzip") > 2.0);
    assert!(ratio("noisy", "blosc") < 1.2 && ratio("noisy", "gzip") < 1.2);
}

#[test]
fn the_published_store_is_the_default_array_and_reads_fail_plainly_off_the_web() {
    let exercise = find("storage").unwrap();
    let files: BTreeMap<String, Vec<u8>> = exercise.runner.published().into_iter().collect();
    assert_eq!(files.len(), 1 + 1 + 64, "zarr.json, the blob and 8×8 chunks");
    let meta: serde_json::Value = serde_json::from_slice(&files["zarr.json"]).unwrap();
    assert_eq!(meta["codecs"][1]["name"], "blosc");
    let geometry = kernels::storage::Geometry { shape: vec![1024, 1024], chunk: vec![128, 128] };
    let values = kernels::storage::generate(&geometry.shape, kernels::storage::Data::Smooth, 42);
    let chunk = kernels::storage::Codec::Blosc.decode(&files["c/1/2"], 128 * 128).unwrap();
    assert_eq!(chunk, kernels::storage::cut_chunk(&geometry, &values, &[1, 2]));
    // The stand-in has no network: every remote read says so, nothing panics.
    let remote = tables(&live("", &super::host()))["remote"].clone();
    assert_eq!(remote.rows.len(), 3);
    assert!(remote.rows.iter().all(|r| r[4].contains("no network")), "{:?}", remote.rows);
}

/// Files whose writes fail after the first `allowed` (a quota running
/// out), over files in memory.
struct Filling {
    files: crate::runner::MemoryFiles,
    allowed: std::cell::Cell<usize>,
}

impl crate::runner::Files for Filling {
    fn kept(&self) -> Result<String, String> {
        Ok("in a folder that fills up".into())
    }
    fn read(&self, path: &str) -> crate::runner::Later<Option<Vec<u8>>> {
        self.files.read(path)
    }
    fn write(&self, path: &str, bytes: Vec<u8>) -> crate::runner::Later<()> {
        match self.allowed.get() {
            0 => Box::pin(std::future::ready(Err(format!("writing {path}: QuotaExceededError")))),
            left => {
                self.allowed.set(left - 1);
                self.files.write(path, bytes)
            }
        }
    }
    fn remove_all(&self, path: &str) -> crate::runner::Later<()> {
        self.files.remove_all(path)
    }
}

/// A browser stand-in whose files are `Filling`.
struct FillingHost {
    plain: crate::runner::Plain,
    files: std::rc::Rc<Filling>,
}

impl crate::runner::Browser for FillingHost {
    fn now_ms(&self) -> f64 {
        self.plain.now_ms()
    }
    fn sleep(&self, ms: u32) -> std::pin::Pin<Box<dyn Future<Output = ()>>> {
        self.plain.sleep(ms)
    }
    fn files(&self) -> std::rc::Rc<dyn crate::runner::Files> {
        self.files.clone()
    }
}

#[test]
fn a_full_quota_is_a_clear_error_and_the_previous_version_stays_readable() {
    let files = std::rc::Rc::new(Filling {
        files: crate::runner::MemoryFiles::new("unused"),
        allowed: std::cell::Cell::new(usize::MAX),
    });
    let host: crate::runner::Host = std::rc::Rc::new(FillingHost { plain: Default::default(), files: files.clone() });
    let query = "shape=64,64&chunk=16,16&window=4:20,4:12&n=128";
    let first = tables(&live(query, &host));
    assert_eq!(hook(&first["versions"], "version-1", "written"), "16");
    // The second version's first chunk fits, its second does not.
    files.allowed.set(1);
    let failed = tables(&live(query, &host));
    let error = &failed["versions"].rows[0][0];
    assert!(error.contains("QuotaExceededError"), "{error}");
    assert!(failed["versions"].caption.contains("untouched"), "{}", failed["versions"].caption);
    // Room again: HEAD still names version 1, read back whole and equal, and
    // the next commit is version 2 again.
    files.allowed.set(usize::MAX);
    let after = tables(&live(query, &host));
    assert_eq!(hook(&after["files"], "files-chunked", "equal"), "true");
    assert_eq!(hook(&after["versions"], "version-2", "written"), "2");
    assert_eq!(after["versions"].hooks.len(), 2, "no half-written version is listed");
}
