//! Property tests: the columnar and parallel pipelines agree with the
//! seed's within the stated tolerance, for any shape and thread count.
//! Host only.
#![cfg(not(target_arch = "wasm32"))]

use kernels::pipeline::{Shape, VARIANTS, agrees, generate, naive, parallel_in};
use proptest::prelude::*;

/// A file that arrives at most `most` bytes per read, as a slow stream
/// does: rows and fields split across reads.
struct Trickle<'a> {
    file: &'a [u8],
    most: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.len().min(self.most).min(buffer.len());
        buffer[..n].copy_from_slice(&self.file[..n]);
        self.file = &self.file[n..];
        Ok(n)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn variants_agree_with_naive(rows in 0usize..3000, categories in 1usize..40, missing_percent in 0u32..60, duplicate_percent in 0u32..60, seed: u64, parts in 1usize..6) {
        let file = generate(Shape { rows, categories, missing_percent, duplicate_percent }, seed);
        let expected = naive(&mut &file[..], &mut |_| {});
        for (name, kernel) in VARIANTS {
            let analysis = kernel(&mut &file[..], &mut |_| {});
            prop_assert!(agrees(&analysis, &expected), "{}: {:?} vs {:?}", name, analysis, expected);
        }
        prop_assert!(agrees(&parallel_in(&mut &file[..], parts, &mut |_| {}), &expected), "{} parts", parts);
    }

    #[test]
    fn a_file_streamed_in_pieces_gives_the_same_analysis(rows in 0usize..2000, seed: u64, most in 1usize..200) {
        let file = generate(Shape { rows, categories: 7, missing_percent: 10, duplicate_percent: 10 }, seed);
        let expected = naive(&mut &file[..], &mut |_| {});
        for (name, kernel) in VARIANTS {
            let analysis = kernel(&mut Trickle { file: &file, most }, &mut |_| {});
            prop_assert!(agrees(&analysis, &expected), "{} in pieces of {}: {:?} vs {:?}", name, most, analysis, expected);
        }
    }

    #[test]
    fn agreement_is_not_vacuous(rows in 10usize..500, seed: u64) {
        // A changed value changes the analysis beyond the tolerance.
        let file = generate(Shape { rows, categories: 3, missing_percent: 0, duplicate_percent: 0 }, seed);
        let expected = naive(&mut &file[..], &mut |_| {});
        let mut other = expected.clone();
        other.statistics[1].mean *= 1.0 + 1e-4;
        prop_assert!(!agrees(&other, &expected));
    }
}
