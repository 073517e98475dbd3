//! The memory lane: a counting global allocator. Every allocation of the
//! worker (kernels, harness, rayon's threads) goes through it, so the
//! harness can ask how much one call allocated and how high its live bytes
//! peaked. Counting costs a few atomic additions per allocation, the same
//! for every variant.
//!
//! WebAssembly memory grows and never shrinks, so its size says how big
//! the heap once was; the live bytes counted here say what is in use now,
//! which is what shows a leak being fixed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use exercises::protocol::MemoryUse;

/// The system allocator (dlmalloc on wasm), counted.
pub struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);
static LIVE_BYTES: AtomicU64 = AtomicU64::new(0);
static PEAK_BYTES: AtomicU64 = AtomicU64::new(0);

fn grew(bytes: usize) {
    let live = LIVE_BYTES.fetch_add(bytes as u64, Relaxed) + bytes as u64;
    PEAK_BYTES.fetch_max(live, Relaxed);
}

fn shrank(bytes: usize) {
    LIVE_BYTES.fetch_sub(bytes as u64, Relaxed);
}

fn allocated(bytes: usize) {
    ALLOCATIONS.fetch_add(1, Relaxed);
    ALLOCATED_BYTES.fetch_add(bytes as u64, Relaxed);
    grew(bytes);
}

// SAFETY: every method forwards to `System` with the same arguments and
// only adds bookkeeping on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            allocated(layout.size());
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc_zeroed(layout) };
        if !pointer.is_null() {
            allocated(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        shrank(layout.size());
    }

    /// A reallocation counts as one allocation of the new size (that is
    /// what a growing `Vec` or `String` costs) and frees the old size.
    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            ALLOCATIONS.fetch_add(1, Relaxed);
            ALLOCATED_BYTES.fetch_add(new_size as u64, Relaxed);
            shrank(layout.size());
            grew(new_size);
        }
        moved
    }
}

/// The bytes live right now.
pub fn live_bytes() -> u64 {
    LIVE_BYTES.load(Relaxed)
}

/// The size of WebAssembly memory (0 off wasm).
pub fn wasm_memory_bytes() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size::<0>() as u64 * 65536
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}

/// Runs `f` and reports what it allocated: the count and bytes of its
/// allocations, and how far its live bytes rose above where they started.
/// Regions must not nest (the peak is one global).
pub fn region<R>(f: impl FnOnce() -> R) -> (R, MemoryUse) {
    let allocations = ALLOCATIONS.load(Relaxed);
    let bytes = ALLOCATED_BYTES.load(Relaxed);
    let live = LIVE_BYTES.load(Relaxed);
    PEAK_BYTES.store(live, Relaxed);
    let result = f();
    let usage = MemoryUse {
        allocations: ALLOCATIONS.load(Relaxed) - allocations,
        allocated_bytes: ALLOCATED_BYTES.load(Relaxed) - bytes,
        peak_bytes: PEAK_BYTES.load(Relaxed).saturating_sub(live),
        retained_bytes: LIVE_BYTES.load(Relaxed).saturating_sub(live),
        wasm_memory_bytes: wasm_memory_bytes(),
    };
    (result, usage)
}
