//! The counting allocator, in a test binary of its own: its counters are
//! global, so no other test may allocate while these run.

use worker::memory::region;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[test]
fn a_region_counts_allocations_reallocations_and_the_peak() {
    let (kept, usage) = region(|| {
        let scratch = vec![0u8; 10_000];
        std::hint::black_box(&scratch);
        drop(scratch);
        vec![1u8; 3_000]
    });
    assert_eq!(kept.len(), 3_000);
    assert_eq!(usage.allocations, 2, "{usage:?}");
    assert_eq!(usage.allocated_bytes, 13_000, "{usage:?}");
    assert_eq!(usage.peak_bytes, 10_000, "{usage:?}");
    assert_eq!(usage.retained_bytes, 3_000, "{usage:?}");
    drop(kept);

    let (_, usage) = region(|| {
        let mut v = Vec::new();
        for i in 0..1000u32 {
            v.push(i);
        }
        v.len()
    });
    // Amortized doubling from 4 elements to 1024: 4, 8, …, 1024.
    assert_eq!(usage.allocations, 9, "{usage:?}");
    assert_eq!(usage.peak_bytes, 4096, "{usage:?}");
    assert_eq!(usage.retained_bytes, 0, "{usage:?}");
}
