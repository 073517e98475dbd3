//! Inputs for `csv_stream`: a file generated in memory, and a small one
//! with every kind of damage.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::hint::black_box;

use kernels::csv_stream::{Summary, VARIANTS, generate};

use crate::params::ParamValues;
use crate::runner::{Output, Runner, Workload, local_file};

pub struct CsvStream;

/// What the variants read.
enum Input {
    /// A file generated in memory.
    Generated(Vec<u8>),
    /// The learner's own file, read from its `Blob` as the variants ask.
    Local(blob::Blob),
}

/// Every kind of damage the variants must count and survive, ending with a
/// quote that is never closed.
const DAMAGED: &[u8] =
    b"id,category,value\n1,books,2.50\n2,toys\n3,toys,1,extra\n4,games,n/a\n5,caf\xe9,3\n\
6,\"books, rare\",4\n7,games,12\"5\n8,toys,1.25\n9,\"music,7\n10,books,1\n";

impl Runner for CsvStream {
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)> {
        if let Some(file) = local_file() {
            let blob = blob::Blob::from(file);
            let label = format!("your file {}, {:.1} MB", blob.name(), blob.bytes() / 1e6);
            return vec![(label, Box::new(Input::Local(blob)))];
        }
        let rows = params.list("rows")[0];
        vec![
            (
                "a damaged file: 10 rows, 5 malformed, then an unclosed quote".to_string(),
                Box::new(Input::Generated(DAMAGED.to_vec())),
            ),
            (
                format!("generated, {rows} rows"),
                self.workload(params, rows),
            ),
        ]
    }

    fn workload(&self, params: &ParamValues, size: u64) -> Box<dyn Workload> {
        match local_file() {
            Some(file) => Box::new(Input::Local(blob::Blob::from(file))),
            None => Box::new(Input::Generated(generate(
                size as usize,
                params.int("bad_every") as usize,
                params.int("seed"),
            ))),
        }
    }

    /// A local file is one size: its rows, counted by reading it once.
    fn sizes(&self, _: &ParamValues, listed: &[u64]) -> Vec<u64> {
        let Some(file) = local_file() else {
            return listed.to_vec();
        };
        match kernels::csv_stream::streamed(&mut blob::Blob::from(file).reader()) {
            Ok(summary) => vec![(summary.rows + summary.malformed).max(1)],
            // The check reports the error.
            Err(_) => listed[..1].to_vec(),
        }
    }
}

impl Input {
    fn call(&self, variant: usize) -> Result<Summary, String> {
        let summary = match self {
            Input::Generated(file) => (VARIANTS[variant].1)(&mut &file[..]),
            Input::Local(blob) => (VARIANTS[variant].1)(&mut blob.reader()),
        };
        summary.map_err(|error| error.to_string())
    }

    fn megabytes(&self) -> f64 {
        match self {
            Input::Generated(file) => file.len() as f64 / 1e6,
            Input::Local(blob) => blob.bytes() / 1e6,
        }
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        // A read error was reported by the check, which then failed.
        let _ = black_box(self.call(variant));
    }

    fn check(&mut self, variant: usize) -> Output {
        let summary = match self.call(variant) {
            Ok(summary) => summary,
            Err(error) => {
                return Output {
                    text: format!("I/O error: {error}"),
                    digest: 1,
                };
            }
        };
        let mut hasher = DefaultHasher::new();
        (summary.rows, summary.malformed).hash(&mut hasher);
        for (category, (count, sum)) in &summary.totals {
            (category, count, sum.to_bits()).hash(&mut hasher);
        }
        let totals: Vec<String> = summary
            .totals
            .iter()
            .map(|(category, (count, sum))| format!("{category}: {count} rows, Σ {sum:.2}"))
            .collect();
        let text = format!(
            "{} rows, {} malformed, {:.1} MB; {}",
            summary.rows,
            summary.malformed,
            self.megabytes(),
            totals.join("; ")
        );
        Output {
            text,
            digest: hasher.finish(),
        }
    }
}

/// The learner's file, read synchronously in the worker.
mod blob {
    use std::io::Read;

    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// A `Blob`; a `File` is one.
        #[derive(Clone)]
        pub type Blob;
        #[wasm_bindgen(method, getter)]
        fn size(this: &Blob) -> f64;
        #[wasm_bindgen(method)]
        fn slice(this: &Blob, start: f64, end: f64) -> Blob;

        /// Workers can read a `Blob` synchronously, as a kernel must.
        type FileReaderSync;
        #[wasm_bindgen(constructor)]
        fn new() -> FileReaderSync;
        #[wasm_bindgen(method, catch, js_name = readAsArrayBuffer)]
        fn read_as_array_buffer(
            this: &FileReaderSync,
            blob: &Blob,
        ) -> Result<js_sys::ArrayBuffer, JsValue>;
    }

    /// Bytes read from the file at a time.
    const CHUNK: f64 = (1 << 20) as f64;

    impl Blob {
        /// Its size in bytes.
        pub fn bytes(&self) -> f64 {
            self.size()
        }

        /// A `File`'s name, or "a file".
        pub fn name(&self) -> String {
            js_sys::Reflect::get(self, &"name".into())
                .ok()
                .and_then(|name| name.as_string())
                .unwrap_or_else(|| "a file".into())
        }

        /// A reader from its start, 1 MiB at a time.
        pub fn reader(&self) -> BlobReader {
            BlobReader {
                blob: self.clone(),
                reader: FileReaderSync::new(),
                offset: 0.0,
                chunk: Vec::new(),
                position: 0,
            }
        }
    }

    /// Reads a `Blob` in chunks: only one chunk is in WebAssembly memory
    /// at a time.
    pub struct BlobReader {
        blob: Blob,
        reader: FileReaderSync,
        offset: f64,
        chunk: Vec<u8>,
        position: usize,
    }

    impl Read for BlobReader {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            if self.position == self.chunk.len() {
                let size = self.blob.size();
                if self.offset >= size {
                    return Ok(0);
                }
                let end = (self.offset + CHUNK).min(size);
                let bytes = self
                    .reader
                    .read_as_array_buffer(&self.blob.slice(self.offset, end))
                    .map_err(|error| {
                        std::io::Error::other(format!("the file could not be read: {error:?}"))
                    })?;
                let bytes = js_sys::Uint8Array::new(&bytes);
                self.chunk.resize(bytes.length() as usize, 0);
                bytes.copy_to(&mut self.chunk);
                self.offset = end;
                self.position = 0;
            }
            let n = buffer.len().min(self.chunk.len() - self.position);
            buffer[..n].copy_from_slice(&self.chunk[self.position..self.position + n]);
            self.position += n;
            Ok(n)
        }
    }
}
