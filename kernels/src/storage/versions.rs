//! Versions of an array by copy-on-write of the chunks that change.
//!
//! Version `n` is a manifest, `versions/<n>.json`: its `zarr.json` (with
//! its provenance in the attributes) and, for every chunk key, the object
//! that holds that chunk's bytes. A commit writes the objects of the chunks
//! that changed (`objects/<n>/c/i/j`), then the manifest, then `HEAD` (the
//! latest version's number). Nothing is overwritten but `HEAD`, written
//! last: a crash at any write leaves every earlier version readable and
//! `HEAD` naming one that is whole.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Codec, Geometry, cut_chunk, metadata, positions};

/// Who or what produced a version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The parameters, as the page's URL query.
    pub parameters: String,
    /// The build that wrote it (version and commit).
    pub build: String,
    /// When, as an ISO 8601 time.
    pub time: String,
    /// What changed, in words.
    pub note: String,
}

/// One version's manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Versioned {
    /// Its number, from 1.
    pub version: u64,
    /// Its `zarr.json`, provenance in the attributes.
    pub zarr_json: String,
    /// For every chunk key, the object holding its bytes.
    pub chunks: BTreeMap<String, String>,
    /// Who or what produced it.
    pub provenance: Provenance,
}

/// A version that cannot be read.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionError(pub String);

impl Versioned {
    /// The version `HEAD` names, if a whole one does.
    pub fn head(get: &dyn Fn(&str) -> Option<Vec<u8>>) -> Result<Option<Versioned>, VersionError> {
        let Some(head) = get("HEAD") else { return Ok(None) };
        let number: u64 = String::from_utf8_lossy(&head)
            .trim()
            .parse()
            .map_err(|_| VersionError("HEAD does not hold a version number".into()))?;
        Versioned::open(get, number).map(Some)
    }

    /// Version `number`'s manifest.
    pub fn open(get: &dyn Fn(&str) -> Option<Vec<u8>>, number: u64) -> Result<Versioned, VersionError> {
        let bytes = get(&format!("versions/{number}.json"))
            .ok_or_else(|| VersionError(format!("version {number} has no manifest")))?;
        serde_json::from_slice(&bytes).map_err(|e| VersionError(format!("version {number}: {e}")))
    }

    /// A new version of `values` after `previous` (if any): the manifest,
    /// and the writes that make it, in the order they must be made.
    pub fn commit(
        previous: Option<&Versioned>,
        get: &dyn Fn(&str) -> Option<Vec<u8>>,
        geometry: &Geometry,
        codec: Codec,
        values: &[f64],
        provenance: Provenance,
    ) -> (Versioned, Vec<(String, Vec<u8>)>) {
        let version = previous.map_or(1, |p| p.version + 1);
        let mut writes = Vec::new();
        let mut chunks = BTreeMap::new();
        let grid: Vec<(usize, usize)> = geometry.grid().iter().map(|&n| (0, n)).collect();
        for at in positions(&grid) {
            let key = Geometry::key(&at);
            let bytes = codec.encode(&cut_chunk(geometry, values, &at));
            let unchanged = previous
                .and_then(|p| p.chunks.get(&key))
                .filter(|object| get(object).as_deref() == Some(&bytes[..]));
            let object = match unchanged {
                Some(object) => object.clone(),
                None => {
                    let object = format!("objects/{version}/{key}");
                    writes.push((object.clone(), bytes));
                    object
                }
            };
            chunks.insert(key, object);
        }
        let attributes = serde_json::json!({ "provenance": provenance, "version": version });
        let manifest = Versioned {
            version,
            zarr_json: metadata(geometry, codec, &attributes),
            chunks,
            provenance,
        };
        let json = serde_json::to_vec_pretty(&manifest).expect("manifests serialize");
        writes.push((format!("versions/{version}.json"), json));
        writes.push(("HEAD".to_string(), version.to_string().into_bytes()));
        (manifest, writes)
    }

    /// This version's files as a plain Zarr array (`zarr.json`, `c/i/j`),
    /// for the export.
    pub fn files(&self, get: &dyn Fn(&str) -> Option<Vec<u8>>) -> Result<Vec<(String, Vec<u8>)>, VersionError> {
        let mut files = vec![("zarr.json".to_string(), self.zarr_json.clone().into_bytes())];
        for (key, object) in &self.chunks {
            let bytes = get(object).ok_or_else(|| VersionError(format!("{object} is missing")))?;
            files.push((key.clone(), bytes));
        }
        Ok(files)
    }

    /// This version's values, row-major.
    pub fn read(
        &self,
        get: &dyn Fn(&str) -> Option<Vec<u8>>,
        geometry: &Geometry,
        codec: Codec,
    ) -> Result<Vec<f64>, VersionError> {
        let mut values = vec![0.0; geometry.len()];
        let whole: Vec<(usize, usize)> = geometry.shape.iter().map(|&s| (0, s)).collect();
        let grid: Vec<(usize, usize)> = geometry.grid().iter().map(|&n| (0, n)).collect();
        for at in positions(&grid) {
            let object = &self.chunks[&Geometry::key(&at)];
            let bytes = get(object).ok_or_else(|| VersionError(format!("{object} is missing")))?;
            let chunk = codec
                .decode(&bytes, geometry.chunk_len())
                .map_err(|e| VersionError(format!("{object}: {}", e.0)))?;
            let origin: Vec<usize> = at.iter().zip(&geometry.chunk).map(|(i, c)| i * c).collect();
            let overlap: Vec<(usize, usize)> = whole
                .iter()
                .zip(&origin)
                .zip(&geometry.chunk)
                .map(|((&(_, stop), &o), &c)| (o, (o + c).min(stop)))
                .collect();
            super::copy_box(&chunk, &geometry.chunk, &mut values, &geometry.shape, &vec![0; at.len()], &overlap, &origin);
        }
        Ok(values)
    }

    /// The fields of the metadata that differ from `other`'s, as
    /// `(field, this, other)`.
    pub fn differences(&self, other: &Versioned) -> Vec<(String, String, String)> {
        let fields = |v: &Versioned| -> BTreeMap<String, String> {
            let mut out = BTreeMap::new();
            let p = &v.provenance;
            for (k, val) in [("parameters", &p.parameters), ("build", &p.build), ("time", &p.time), ("note", &p.note)] {
                out.insert(k.to_string(), val.clone());
            }
            let changed = v.chunks.values().filter(|o| o.starts_with(&format!("objects/{}/", v.version))).count();
            out.insert("chunks written".into(), changed.to_string());
            out
        };
        let (a, b) = (fields(self), fields(other));
        a.into_iter()
            .filter_map(|(k, va)| {
                let vb = b.get(&k).cloned().unwrap_or_default();
                (va != vb).then_some((k, va, vb))
            })
            .collect()
    }
}
