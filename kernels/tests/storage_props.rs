//! Property tests of `storage`: every window read through chunks (with or
//! without the cache) equals the monolithic read; every codec round-trips
//! and a damaged chunk is an error; a crash at any write of a commit
//! leaves the previous version readable. Host only: the format's fixed
//! facts and seeded reads are in `storage.rs`, which runs in the browser
//! too.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use kernels::storage::{Array, Codec, Data, Geometry, Provenance, VARIANTS, Versioned, cut_window, generate};
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
