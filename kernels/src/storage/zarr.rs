//! Zarr v3's array metadata (`zarr.json`) and the export: one version of
//! the array as a zip whose root is the array, which Python's `zarr` opens
//! with `zarr.open_array(zarr.storage.ZipStore(path, mode="r"))`.

use std::io::Write;

use serde_json::{Value, json};

use super::{Codec, Geometry};

/// The fields the Zarr v3 specification requires of an array's metadata.
pub const REQUIRED_FIELDS: [&str; 8] = [
    "zarr_format",
    "node_type",
    "shape",
    "data_type",
    "chunk_grid",
    "chunk_key_encoding",
    "fill_value",
    "codecs",
];

/// The `zarr.json` of an array of `geometry` encoded by `codec`, with
/// `attributes` (`null` for none) as its user attributes, pretty-printed.
pub fn metadata(geometry: &Geometry, codec: Codec, attributes: &Value) -> String {
    let mut codecs = vec![json!({"name": "bytes", "configuration": {"endian": "little"}})];
    match codec {
        Codec::None => {}
        Codec::Blosc => codecs.push(json!({
            "name": "blosc",
            "configuration": {"cname": "lz4", "clevel": 5, "shuffle": "shuffle", "typesize": 8, "blocksize": 0}
        })),
        Codec::Gzip => codecs.push(json!({"name": "gzip", "configuration": {"level": 5}})),
    }
    let mut meta = json!({
        "zarr_format": 3,
        "node_type": "array",
        "shape": geometry.shape,
        "data_type": "float64",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": geometry.chunk}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 0.0,
        "codecs": codecs,
    });
    if !attributes.is_null() {
        meta["attributes"] = attributes.clone();
    }
    serde_json::to_string_pretty(&meta).expect("JSON values serialize")
}

/// A zip of `files` (`(path, bytes)`, `zarr.json` first), stored without
/// compression: the chunks are already encoded by the array's codec.
pub fn export_zip<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    for (path, bytes) in files {
        zip.start_file(path, options).expect("writing to memory");
        zip.write_all(bytes).expect("writing to memory");
    }
    zip.finish().expect("writing to memory").into_inner()
}
