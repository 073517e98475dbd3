//! "Advanced Data Management": a chunked array in Zarr v3's layout, read
//! whole or by chunks, compressed or not, versioned in the browser's own
//! file system.

use crate::params::{ParamError, ParamValues};
use crate::{Exercise, Growth, Target, Variant, Work};

#[cfg(feature = "runner")]
mod demo;
#[cfg(feature = "runner")]
mod remote;
#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        shape: Dims { min: 1, max: 1_000_000, max_len: 3, } = "1024,1024",
            "shape",
            "the array's elements per axis (float64), comma-separated: 1024,1024 is 8 MiB";
        chunk: Dims { min: 1, max: 1_000_000, max_len: 3, } = "128,128",
            "chunk shape",
            "one chunk's elements per axis, the same rank as the shape; each chunk is one file";
        window: Slices { max: 1_000_000, max_len: 3, } = "100:300,200:260",
            "window",
            "the region read, per axis start:stop (NumPy's half-open slices), inside the shape";
        n: IntList { min: 1, max: 4_194_304, max_len: 6, } = "750,3000,12000",
            "n",
            "the sweep: windows of about n elements, cut from the window's start with its proportions; at most the window's own";
        codec: Choice { options: &["none", "blosc", "gzip"] } = "none",
            "codec",
            "none (raw little-endian bytes), blosc (byte shuffle + LZ4, fast) or gzip (deflate, strong)";
        data: Choice { options: &["smooth", "noisy"] } = "smooth",
            "data",
            "a smooth field (compresses) or uniform noise (does not)";
        seed: Int { min: 0, max: u32::MAX as u64, } = "42",
            "random seed",
            "the same seed gives the same array";
    }
}

/// The most elements an array may have: its values, the chunks and the
/// blob, each 8 bytes per element, and one decoded blob per read must fit
/// in WebAssembly's memory beside everything else (about 200 MB here).
pub const MAX_ELEMENTS: u64 = 1 << 22;
/// The most chunks: one file each in the browser's file system.
pub const MAX_CHUNKS: u64 = 1 << 14;

/// The parameters together: the ranks agree, the window lies inside the
/// shape, and the array and its chunks fit in memory.
fn limits(values: &ParamValues) -> Vec<ParamError> {
    let (shape, chunk) = (values.list("shape"), values.list("chunk"));
    let window = values.shapes("window");
    let error = |name: &str, message: String| ParamError {
        name: name.to_string(),
        message: format!("{name}: {message}"),
    };
    let mut errors = Vec::new();
    let elements: u64 = shape.iter().product();
    if elements > MAX_ELEMENTS {
        errors.push(error(
            "shape",
            format!(
                "{elements} elements ({} MiB of float64) do not fit: the array is kept three times \
                 (values, chunks, one blob) and a monolithic read decodes it whole; at most {MAX_ELEMENTS}",
                (elements * 8) >> 20
            ),
        ));
    }
    if chunk.len() != shape.len() {
        errors.push(error("chunk", format!("{} axes given, the shape has {}", chunk.len(), shape.len())));
    } else {
        let chunks: u64 = shape.iter().zip(chunk).map(|(s, c)| s.div_ceil(*c)).product();
        let padded: u64 = shape.iter().zip(chunk).map(|(s, c)| s.div_ceil(*c) * c).product();
        if chunks > MAX_CHUNKS {
            errors.push(error("chunk", format!("{chunks} chunks, one file each; at most {MAX_CHUNKS}")));
        } else if elements <= MAX_ELEMENTS && padded > 2 * MAX_ELEMENTS {
            errors.push(error(
                "chunk",
                format!("chunks larger than the array pad it to {padded} elements; at most {}", 2 * MAX_ELEMENTS),
            ));
        }
    }
    if window.len() != shape.len() {
        errors.push(error("window", format!("{} axes given, the shape has {}", window.len(), shape.len())));
    } else if let Some((axis, (&(start, stop), size))) =
        window.iter().zip(shape).enumerate().find(|(_, (w, size))| w.1 > **size)
    {
        errors.push(error(
            "window",
            format!("{start}:{stop} on axis {axis} ends past the shape's {size}"),
        ));
    }
    // The sweep's sizes, once the window itself is right.
    let in_window: u64 = window.iter().map(|(a, b)| b - a).product();
    if errors.iter().all(|e| e.name != "window")
        && let Some(n) = values.list("n").iter().find(|&&n| n > in_window)
    {
        errors.push(error("n", format!("{n} is more than the window's {in_window} elements")));
    }
    errors
}

pub static EXERCISE: Exercise = Exercise {
    id: "storage",
    title: "Chunked arrays: read a window without reading the file",
    seed: "Coding Advanced Activities, Advanced Data Management (HDF5 and Zarr, databases, versioning and \
           provenance)",
    summary: "A float64 array kept in Zarr v3's layout, one file per chunk in the browser's own file \
              system: a window read from one monolithic blob, from only the chunks it touches, and \
              through a chunk cache; compression that pays when bytes are what is slow; versions that \
              keep the old array readable, each with its provenance; and an export Python's zarr opens.",
    explanation: &[
        "naive is the monolithic program: the array saved as one blob (numpy's tobytes, or an \
         unchunked HDF5 dataset), so reading a window means reading and decoding all of it, then \
         cutting the window out. chunked stores the array as a grid of chunks, each its own file \
         (Zarr's c/i/j keys) and reads only those the window intersects: the bytes read follow the \
         window, not the array. cached also keeps decoded chunks for the viewer's second read (the \
         window panned by half its width), so a chunk both windows need is read once. The timed \
         sweep reads an array made from the same parameters and held in memory, so that it measures \
         the bytes read and decoded rather than the browser's storage process; the files table reads \
         the window from the versions kept in the Origin Private File System.",
        "Chunk shape must follow the access pattern. Reading one row of a row-shaped chunking touches \
         one chunk row; reading one column of it touches every chunk, each read whole. The table of \
         chunk shapes below measures both patterns on row, square and column chunks: every Zarr (and \
         HDF5) user learns this from a slow first read.",
        "Compression trades CPU for bytes. blosc shuffles the bytes of the float64 values (all first \
         bytes together, then all second bytes …), so a smooth field's slowly varying high bytes \
         become long runs LZ4 packs at memory speed; gzip packs harder and slower. On noise neither \
         helps. In memory the fewer bytes buy nothing; from a disk or a network, bytes are the cost, \
         and the compression table says when a codec's read speed beats moving the raw bytes.",
        "Why not HDF5 itself? HDF5 is one file with its own allocator and B-trees, written through a \
         C library that expects a POSIX file; a browser has no such file, and one writer at a time. \
         Zarr keeps the same model (groups, arrays, chunks, attributes) as plain keys and values, so \
         any store works: a folder, a zip, an object store read over HTTP one chunk per request, or \
         the browser's Origin Private File System, which this page writes. Its export opens in \
         Python: zarr.open_array(zarr.storage.ZipStore(\"storage.zarr.zip\", mode=\"r\")).",
        "Versions: each run with the same shape, chunks, codec, data and seed commits a new version that applies \
         a correction to the window (×1.5) and writes only the chunks that changed; the manifest of \
         every version names the file of each chunk, and HEAD, written last, names the newest whole \
         one, so a crash mid-write leaves the old version readable. Each version's zarr.json carries \
         its provenance (parameters, build, time), and the run that wrote it is kept with the same \
         parameters in the results database (the History page).",
    ],
    params: PARAMS,
    size_param: "n",
    variants: &[
        Variant {
            name: "naive",
            technique: "one blob: read and decode the whole array for each window, then cut it out",
            growth: Growth::Constant,
        },
        Variant {
            name: "chunked",
            technique: "one file per chunk: read and decode only the chunks each window intersects",
            growth: Growth::Linear,
        },
        Variant {
            name: "cached",
            technique: "chunked, keeping decoded chunks: a chunk both windows need is read once",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/storage/mod.rs",
    target: Target {
        variant: "chunked",
        baseline: "naive",
        speedup: 10.0,
        size: 12_000,
    },
    thread_sweep: None,
    gpu: &[],
    local_file: None,
    sections: &[],
    limits: Some(limits),
    work: Some(Work {
        unit: "window values",
        per_call: |n, _| 2.0 * n as f64,
    }),
    #[cfg(feature = "runner")]
    runner: &run::Storage,
};
