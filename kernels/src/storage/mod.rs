//! "Advanced Data Management": a chunked N-dimensional `float64` array in
//! Zarr v3's layout, and a window of it read three ways.
//!
//! The array is row-major (C order). Its chunks form a regular grid; every
//! chunk is stored at the full chunk shape (edge chunks padded with the
//! fill value 0.0, as Zarr does) under the key `c/i/j…`, encoded by a
//! [`Codec`]. The naive twin keeps the whole array as one blob (`blob`),
//! encoded by the same codec, the way a program that saves `array.tobytes()`
//! (or one unchunked HDF5 dataset) does.
//!
//! A read is a viewer's: the window, then the window panned by half its
//! width along the last axis (clamped to the array), so two reads overlap.
//! `naive` (monolithic) reads and decodes the blob for each; `chunked` reads only
//! the chunks each window intersects; `cached` keeps decoded chunks for the
//! pan, so a chunk both windows need is read once.

mod codec;
mod versions;
mod zarr;

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

pub use codec::{Codec, CodecError};
pub use versions::{Provenance, Versioned, VersionError};
pub use zarr::{export_zip, metadata, REQUIRED_FIELDS};

/// The key of the monolithic copy.
pub const BLOB: &str = "blob";

/// An array's shape and its chunks' shape, of the same rank.
#[derive(Clone, Debug, PartialEq)]
pub struct Geometry {
    /// Elements per axis.
    pub shape: Vec<usize>,
    /// Elements per axis of one chunk.
    pub chunk: Vec<usize>,
}

/// Per axis, a half-open range `start..stop` (NumPy's `start:stop`).
pub type Window = Vec<(usize, usize)>;

impl Geometry {
    /// Chunks per axis.
    pub fn grid(&self) -> Vec<usize> {
        self.shape.iter().zip(&self.chunk).map(|(s, c)| s.div_ceil(*c)).collect()
    }

    /// Elements of the whole array.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether the array has no element.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Elements of one chunk.
    pub fn chunk_len(&self) -> usize {
        self.chunk.iter().product()
    }

    /// The key of the chunk at grid position `at`: `c/1/0`.
    pub fn key(at: &[usize]) -> String {
        let mut key = String::from("c");
        for i in at {
            key.push('/');
            key.push_str(&i.to_string());
        }
        key
    }

    /// The grid positions of the chunks that `window` intersects, in
    /// row-major order.
    pub fn chunks_of(&self, window: &[(usize, usize)]) -> Vec<Vec<usize>> {
        let ranges: Vec<(usize, usize)> = window
            .iter()
            .zip(&self.chunk)
            .map(|(&(start, stop), &c)| (start / c, (stop - 1) / c + 1))
            .collect();
        positions(&ranges)
    }

    /// The window panned by half its width along the last axis, clamped so
    /// it stays inside the array.
    pub fn panned(&self, window: &[(usize, usize)]) -> Window {
        let mut next = window.to_vec();
        let last = next.len() - 1;
        let (start, stop) = next[last];
        let shift = ((stop - start) / 2).min(self.shape[last] - stop);
        next[last] = (start + shift, stop + shift);
        next
    }
}

/// Every position in the box `ranges` (half-open per axis), row-major.
fn positions(ranges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut all = vec![Vec::new()];
    for &(start, stop) in ranges {
        all = all
            .into_iter()
            .flat_map(|prefix| {
                (start..stop).map(move |i| {
                    let mut next = prefix.clone();
                    next.push(i);
                    next
                })
            })
            .collect();
    }
    all
}

/// What an array holds: smooth fields compress, noise does not.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Data {
    /// A product of slow sines, like a temperature field.
    Smooth,
    /// Uniform noise in [-1, 1), like raw sensor samples.
    Noisy,
}

/// The array of `shape`, row-major, made from `seed`.
pub fn generate(shape: &[usize], data: Data, seed: u64) -> Vec<f64> {
    let len: usize = shape.iter().product();
    let mut rng = Pcg64::seed_from_u64(seed);
    match data {
        Data::Noisy => (0..len).map(|_| rng.random_range(-1.0..1.0)).collect(),
        Data::Smooth => {
            let phases: Vec<f64> = shape.iter().map(|_| rng.random_range(0.0..std::f64::consts::TAU)).collect();
            let mut index = vec![0usize; shape.len()];
            (0..len)
                .map(|_| {
                    let value = index
                        .iter()
                        .zip(&phases)
                        .enumerate()
                        .map(|(axis, (&i, phase))| (i as f64 * 0.01 * (axis + 1) as f64 + phase).sin())
                        .product::<f64>();
                    step(&mut index, shape);
                    // Rounded to 1/1024, as a sensor quantizes: exact in
                    // binary, so a compressor sees repeated low bytes.
                    (value * 1024.0).round() / 1024.0
                })
                .collect()
        }
    }
}

/// Advances a row-major index by one element.
fn step(index: &mut [usize], shape: &[usize]) {
    for axis in (0..shape.len()).rev() {
        index[axis] += 1;
        if index[axis] < shape[axis] {
            return;
        }
        index[axis] = 0;
    }
}

/// A key-value store of byte strings (a directory of files, an object
/// store), counting what reads cost.
#[derive(Default)]
pub struct Store {
    values: BTreeMap<String, Vec<u8>>,
    bytes_read: Cell<u64>,
    reads: Cell<u64>,
}

impl Store {
    /// Keeps `value` under `key`, replacing what was there.
    pub fn set(&mut self, key: &str, value: Vec<u8>) {
        self.values.insert(key.to_string(), value);
    }

    /// The value under `key`, copied out as a read from a file would be.
    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        let value = self.values.get(key)?;
        self.reads.set(self.reads.get() + 1);
        self.bytes_read.set(self.bytes_read.get() + value.len() as u64);
        Some(value.clone())
    }

    /// Every key and its value, in key order.
    pub fn entries(&self) -> impl Iterator<Item = (&String, &Vec<u8>)> {
        self.values.iter()
    }

    /// Bytes and reads since the last call, which starts the count again.
    pub fn take_counts(&self) -> (u64, u64) {
        (self.bytes_read.replace(0), self.reads.replace(0))
    }

    /// Bytes stored under keys that start with `prefix`.
    pub fn stored_bytes(&self, prefix: &str) -> u64 {
        self.values
            .iter()
            .filter(|(key, _)| key.starts_with(prefix))
            .map(|(_, value)| value.len() as u64)
            .sum()
    }
}

/// An encoded array: its geometry, codec, and the store with `zarr.json`,
/// every chunk, and the monolithic blob.
pub struct Array {
    /// Shape and chunk shape.
    pub geometry: Geometry,
    /// How chunks and the blob are encoded.
    pub codec: Codec,
    /// The stored bytes.
    pub store: Store,
}

impl Array {
    /// Encodes `values` (row-major, `geometry.len()` of them) chunk by
    /// chunk and as one blob.
    pub fn write(geometry: Geometry, codec: Codec, values: &[f64]) -> Array {
        let mut store = Store::default();
        store.set("zarr.json", metadata(&geometry, codec, &serde_json::Value::Null).into_bytes());
        for at in positions(&geometry.grid().iter().map(|&n| (0, n)).collect::<Vec<_>>()) {
            let chunk = cut_chunk(&geometry, values, &at);
            store.set(&Geometry::key(&at), codec.encode(&chunk));
        }
        store.set(BLOB, codec.encode(values));
        Array { geometry, codec, store }
    }

    /// Decodes the chunk at `at`.
    fn chunk(&self, at: &[usize]) -> Vec<f64> {
        let bytes = self.store.get(&Geometry::key(at)).expect("every chunk is written");
        self.codec.decode(&bytes, self.geometry.chunk_len()).expect("chunks decode")
    }
}

/// The chunk at grid position `at`, padded with 0.0 past the array's edge.
pub fn cut_chunk(geometry: &Geometry, values: &[f64], at: &[usize]) -> Vec<f64> {
    let origin: Vec<usize> = at.iter().zip(&geometry.chunk).map(|(i, c)| i * c).collect();
    let mut chunk = vec![0.0; geometry.chunk_len()];
    let inside: Window = origin
        .iter()
        .zip(&geometry.chunk)
        .zip(&geometry.shape)
        .map(|((&o, &c), &s)| (o, (o + c).min(s)))
        .collect();
    let array_origin = vec![0; at.len()];
    copy_box(values, &geometry.shape, &mut chunk, &geometry.chunk, &origin, &inside, &array_origin);
    chunk
}

/// Copies the box `region` (in array coordinates) from `from`, whose origin
/// is `from_origin` and shape `from_shape`, into `to`, whose origin is
/// `to_origin` and shape `to_shape`: one contiguous run per last-axis row.
fn copy_box(
    from: &[f64],
    from_shape: &[usize],
    to: &mut [f64],
    to_shape: &[usize],
    to_origin: &[usize],
    region: &[(usize, usize)],
    from_origin: &[usize],
) {
    let rank = region.len();
    let rows: Vec<(usize, usize)> = region[..rank - 1].to_vec();
    let (start, stop) = region[rank - 1];
    let offset = |point: &[usize], origin: &[usize], shape: &[usize]| {
        point
            .iter()
            .zip(origin)
            .zip(shape)
            .fold(0, |acc, ((&p, &o), &s)| acc * s + (p - o))
    };
    for mut row in positions(&rows) {
        row.push(start);
        let f = offset(&row, from_origin, from_shape);
        let t = offset(&row, to_origin, to_shape);
        to[t..t + stop - start].copy_from_slice(&from[f..f + stop - start]);
    }
}

/// The window's shape.
pub fn window_shape(window: &[(usize, usize)]) -> Vec<usize> {
    window.iter().map(|(start, stop)| stop - start).collect()
}

/// Cuts `window` out of the whole array, row-major.
pub fn cut_window(geometry: &Geometry, values: &[f64], window: &[(usize, usize)]) -> Vec<f64> {
    let shape = window_shape(window);
    let origin: Vec<usize> = window.iter().map(|w| w.0).collect();
    let mut out = vec![0.0; shape.iter().product()];
    copy_box(values, &geometry.shape, &mut out, &shape, &origin, window, &vec![0; window.len()]);
    out
}

/// A read kernel: the values of both windows of the pan, row-major, one
/// after the other.
pub type Kernel = fn(&Array, &[(usize, usize)]) -> Vec<f64>;

/// Every variant by name, the naive one (monolithic) first.
pub const VARIANTS: [(&str, Kernel); 3] =
    [("naive", naive), ("chunked", chunked), ("cached", cached)];

/// Reads the whole blob, decodes all of it, and cuts the window out; again
/// for the panned window.
pub fn naive(array: &Array, window: &[(usize, usize)]) -> Vec<f64> {
    let mut out = Vec::new();
    for window in [window.to_vec(), array.geometry.panned(window)] {
        let bytes = array.store.get(BLOB).expect("the blob is written");
        let values = array.codec.decode(&bytes, array.geometry.len()).expect("the blob decodes");
        out.extend(cut_window(&array.geometry, &values, &window));
    }
    out
}

/// Reads and decodes only the chunks each window intersects, copying the
/// overlap of each into the window.
pub fn chunked(array: &Array, window: &[(usize, usize)]) -> Vec<f64> {
    let mut out = Vec::new();
    for window in [window.to_vec(), array.geometry.panned(window)] {
        out.extend(read_through(array, &window, |at| array.chunk(at)));
    }
    out
}

/// Like `chunked`, keeping every decoded chunk for the pan: a chunk that
/// both windows need is read and decoded once.
pub fn cached(array: &Array, window: &[(usize, usize)]) -> Vec<f64> {
    let mut cache: HashMap<Vec<usize>, Vec<f64>> = HashMap::new();
    let mut out = Vec::new();
    for window in [window.to_vec(), array.geometry.panned(window)] {
        out.extend(read_through(array, &window, |at| {
            cache.entry(at.to_vec()).or_insert_with(|| array.chunk(at)).clone()
        }));
    }
    out
}

/// One window read through the chunks it intersects (no pan).
pub fn read_window(array: &Array, window: &[(usize, usize)]) -> Vec<f64> {
    read_through(array, window, |at| array.chunk(at))
}

/// The window assembled from the chunks it intersects, each got from
/// `chunk`.
fn read_through(
    array: &Array,
    window: &[(usize, usize)],
    mut chunk: impl FnMut(&[usize]) -> Vec<f64>,
) -> Vec<f64> {
    let geometry = &array.geometry;
    let shape = window_shape(window);
    let origin: Vec<usize> = window.iter().map(|w| w.0).collect();
    let mut out = vec![0.0; shape.iter().product()];
    for at in geometry.chunks_of(window) {
        let values = chunk(&at);
        let chunk_origin: Vec<usize> = at.iter().zip(&geometry.chunk).map(|(i, c)| i * c).collect();
        let overlap: Window = window
            .iter()
            .zip(&chunk_origin)
            .zip(&geometry.chunk)
            .map(|((&(start, stop), &o), &c)| (start.max(o), stop.min(o + c)))
            .collect();
        copy_box(&values, &geometry.chunk, &mut out, &shape, &origin, &overlap, &chunk_origin);
    }
    out
}
