//! Property tests of `storage`: every window read through chunks (with or
//! without the cache) equals the monolithic read; every codec round-trips;
//! the metadata has the fields Zarr v3 requires; a crash at any write of a
//! commit leaves the previous version readable.

use std::collections::BTreeMap;

use kernels::storage::{
    Array, Codec, Data, Geometry, Provenance, REQUIRED_FIELDS, VARIANTS, Versioned, cut_window, generate,
    metadata,
};
use proptest::prelude::*;

/// A geometry of rank 1 to 3, a chunk shape within it, and a window inside.
fn geometry_and_window() -> impl Strategy<Value = (Geometry, Vec<(usize, usize)>)> {
    prop::collection::vec((1usize..24, 1usize..10, any::<prop::sample::Index>(), any::<prop::sample::Index>()), 1..=3)
        .prop_map(|axes| {
            let mut shape = Vec::new();
            let mut chunk = Vec::new();
            let mut window = Vec::new();
            for (s, c, a, b) in axes {
                let (a, b) = (a.index(s), b.index(s));
                shape.push(s);
                chunk.push(c.min(s + 2));
                window.push((a.min(b), a.max(b) + 1));
            }
            (Geometry { shape, chunk }, window)
        })
}

fn codec() -> impl Strategy<Value = Codec> {
    prop::sample::select(Codec::ALL.iter().map(|(_, c)| *c).collect::<Vec<_>>())
}

/// Reads from a map of files, as a store's `get`.
fn get(files: &BTreeMap<String, Vec<u8>>) -> impl Fn(&str) -> Option<Vec<u8>> + '_ {
    move |key| files.get(key).cloned()
}

fn provenance(note: &str) -> Provenance {
    Provenance {
        parameters: "shape=8,8".into(),
        build: "test".into(),
        time: "2026-01-01T00:00:00Z".into(),
        note: note.into(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_read_equals_the_monolithic_one(
        (geometry, window) in geometry_and_window(),
        codec in codec(),
        smooth in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let data = if smooth { Data::Smooth } else { Data::Noisy };
        let values = generate(&geometry.shape, data, seed);
        let array = Array::write(geometry.clone(), codec, &values);
        let expected: Vec<u64> = [window.clone(), geometry.panned(&window)]
            .iter()
            .flat_map(|w| cut_window(&geometry, &values, w))
            .map(f64::to_bits)
            .collect();
        for (name, kernel) in VARIANTS {
            let got: Vec<u64> = kernel(&array, &window).into_iter().map(f64::to_bits).collect();
            prop_assert_eq!(&got, &expected, "{}", name);
        }
    }

    #[test]
    fn codecs_round_trip(values in prop::collection::vec(any::<f64>(), 0..3000), codec in codec()) {
        let decoded = codec.decode(&codec.encode(&values), values.len()).unwrap();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(&decoded), bits(&values));
    }

    #[test]
    fn a_damaged_chunk_is_an_error_not_a_panic(
        values in prop::collection::vec(any::<f64>(), 1..500),
        codec in codec(),
        cut in any::<prop::sample::Index>(),
        flip in any::<u8>(),
    ) {
        let mut encoded = codec.encode(&values);
        let at = cut.index(encoded.len());
        encoded[at] ^= flip | 1;
        let _ = codec.decode(&encoded, values.len());
        let _ = codec.decode(&encoded[..at], values.len());
    }

    #[test]
    fn a_crash_mid_commit_leaves_the_previous_version_readable(
        (geometry, _) in geometry_and_window(),
        codec in codec(),
        seed in any::<u64>(),
        changed in prop::collection::vec(any::<prop::sample::Index>(), 1..5),
        crash in any::<prop::sample::Index>(),
    ) {
        let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let first = generate(&geometry.shape, Data::Noisy, seed);
        let (v1, writes) = Versioned::commit(None, &get(&files), &geometry, codec, &first, provenance("first"));
        files.extend(writes);
        let mut second = first.clone();
        for i in &changed {
            let at = i.index(second.len());
            second[at] += 1.0;
        }
        let (v2, writes) = Versioned::commit(Some(&v1), &get(&files), &geometry, codec, &second, provenance("second"));
        // Only the chunks that changed are written, then the manifest and HEAD.
        prop_assert!(writes.len() <= changed.len() + 2);
        let done = crash.index(writes.len() + 1);
        for (key, bytes) in writes.into_iter().take(done) {
            files.insert(key, bytes);
        }
        let head = Versioned::head(&get(&files)).unwrap().unwrap();
        let expected = if head.version == 2 { &second } else { &first };
        prop_assert_eq!(&head.read(&get(&files), &geometry, codec).unwrap(), expected);
        prop_assert_eq!(&v1.read(&get(&files), &geometry, codec).unwrap(), &first);
        if head.version == 2 {
            prop_assert_eq!(&head, &v2);
        }
    }
}

#[test]
fn the_metadata_has_every_field_zarr_v3_requires() {
    let geometry = Geometry { shape: vec![10, 7], chunk: vec![4, 4] };
    for (name, codec) in Codec::ALL {
        let meta: serde_json::Value = serde_json::from_str(&metadata(&geometry, codec, &serde_json::Value::Null)).unwrap();
        for field in REQUIRED_FIELDS {
            assert!(meta.get(field).is_some(), "{name}: {field} is missing");
        }
        assert_eq!(meta["zarr_format"], 3);
        assert_eq!(meta["node_type"], "array");
        assert_eq!(meta["shape"], serde_json::json!([10, 7]));
        assert_eq!(meta["chunk_grid"]["configuration"]["chunk_shape"], serde_json::json!([4, 4]));
        assert_eq!(meta["codecs"][0]["name"], "bytes");
        let chain: Vec<&str> = meta["codecs"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(chain.len(), if codec == Codec::None { 1 } else { 2 }, "{name}");
    }
}

#[test]
fn blosc_chunks_have_blosc_headers_and_smooth_data_compresses() {
    let values = generate(&[256, 256], Data::Smooth, 7);
    let blosc = Codec::Blosc.encode(&values);
    assert_eq!(&blosc[..4], &[2, 1, 0x21, 8], "version 2, LZ4 format 1, shuffle + LZ4, typesize 8");
    assert_eq!(u32::from_le_bytes(blosc[4..8].try_into().unwrap()) as usize, values.len() * 8);
    assert_eq!(u32::from_le_bytes(blosc[12..16].try_into().unwrap()) as usize, blosc.len());
    assert!(blosc.len() * 2 < values.len() * 8, "smooth data at least halves: {}", blosc.len());
    let noisy = Codec::Blosc.encode(&generate(&[256, 256], Data::Noisy, 7));
    assert!(noisy.len() * 10 > values.len() * 8 * 8, "noise barely compresses: {}", noisy.len());
}

#[test]
fn the_export_is_a_zip_of_the_version_with_zarr_json_at_its_root() {
    let geometry = Geometry { shape: vec![9, 5], chunk: vec![4, 4] };
    let values = generate(&geometry.shape, Data::Smooth, 1);
    let files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let (version, writes) =
        Versioned::commit(None, &|k| files.get(k).cloned(), &geometry, Codec::Gzip, &values, provenance("x"));
    let written: BTreeMap<String, Vec<u8>> = writes.into_iter().collect();
    let exported = version.files(&|k| written.get(k).cloned()).unwrap();
    let zip = kernels::storage::export_zip(exported.iter().map(|(k, v)| (k.as_str(), v.as_slice())));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    assert_eq!(names.len(), 1 + 3 * 2, "zarr.json and 3×2 chunks: {names:?}");
    assert!(names.contains(&"zarr.json".to_string()) && names.contains(&"c/2/1".to_string()));
    let meta: serde_json::Value = serde_json::from_reader(archive.by_name("zarr.json").unwrap()).unwrap();
    assert_eq!(meta["attributes"]["provenance"]["note"], "x");
}
