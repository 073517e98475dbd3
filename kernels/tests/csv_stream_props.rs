//! Property tests: streamed equals read-whole on generated files and on
//! arbitrary bytes, however the reads are cut. Host only.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Read;

use kernels::csv_stream::{VARIANTS, generate, naive};
use proptest::prelude::*;

/// A reader that hands over at most `step` bytes per read, so rows and
/// quotes straddle the parser's buffer boundaries.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buffer.len()).min(self.bytes.len());
        buffer[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn variants_equal_naive_on_generated_files(rows in 0usize..3000, bad_every in 0usize..20, seed: u64, step in 1usize..100) {
        let file = generate(rows, bad_every, seed);
        let expected = naive(&mut &file[..]).expect("no I/O error");
        prop_assert_eq!(expected.rows + expected.malformed, rows as u64);
        for (name, kernel) in VARIANTS {
            let summary = kernel(&mut Trickle { bytes: &file, step }).expect("no I/O error");
            prop_assert_eq!(&summary, &expected, "{}", name);
        }
    }

    #[test]
    fn variants_agree_and_finish_on_any_bytes(file in prop::collection::vec(prop::sample::select(b"0123456789.,\"\n\r\xe9ab".to_vec()), 0..2000), step in 1usize..50) {
        let expected = naive(&mut &file[..]).expect("no I/O error");
        for (name, kernel) in VARIANTS {
            let summary = kernel(&mut Trickle { bytes: &file, step }).expect("no I/O error");
            prop_assert_eq!(&summary, &expected, "{}", name);
        }
    }
}
