//! The storage format's fixed facts (Zarr v3's required fields, Blosc's
//! header, the export's layout) and seeded reads through every variant;
//! on the host and in the browser.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::collections::BTreeMap;

use kernels::storage::{
    Array, Codec, Data, Geometry, Provenance, REQUIRED_FIELDS, VARIANTS, Versioned, cut_window, generate, metadata,
};

fn provenance(note: &str) -> Provenance {
    Provenance {
        parameters: "shape=8,8".into(),
        build: "test".into(),
        time: "2026-01-01T00:00:00Z".into(),
        note: note.into(),
    }
}

#[test]
fn seeded_windows_read_the_same_through_every_variant_and_codec() {
    let cases = [
        (vec![100, 70], vec![32, 16], vec![(10, 50), (3, 60)]),
        (vec![37], vec![5], vec![(0, 37)]),
        (vec![9, 8, 7], vec![4, 3, 5], vec![(1, 9), (2, 3), (0, 7)]),
    ];
    for (shape, chunk, window) in cases {
        let geometry = Geometry { shape, chunk };
        let values = generate(&geometry.shape, Data::Smooth, 11);
        let expected: Vec<f64> = [window.clone(), geometry.panned(&window)]
            .iter()
            .flat_map(|w| cut_window(&geometry, &values, w))
            .collect();
        for (codec_name, codec) in Codec::ALL {
            let array = Array::write(geometry.clone(), codec, &values);
            for (name, kernel) in VARIANTS {
                assert_eq!(kernel(&array, &window), expected, "{codec_name} {name} {geometry:?}");
            }
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
