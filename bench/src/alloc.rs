//! A counting global allocator: wraps [`System`] and tracks the bytes live now and the most
//! bytes live at once since the last [`reset_peak`].
//!
//! A benchmark binary installs it with
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOC: bench::alloc::Counting = bench::alloc::Counting;
//! ```
//!
//! and measures a step as `reset_peak(); step(); let bytes = peak();`. The peak is counted in
//! bytes **beyond what was live at the reset** (the baseline): memory the step needed on top of
//! what the program already held, whether or not the step freed it before returning. Only heap
//! allocations made through the global allocator are counted (not stacks, not the binary's own
//! pages, not allocator overhead or fragmentation), so it is a lower bound of the process's RSS
//! growth. The counters are process-wide: other threads allocating during the step count too.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes live right now (requested sizes, as the allocator was asked for them).
static CURRENT: AtomicUsize = AtomicUsize::new(0);
/// The most bytes live at once since the last reset (absolute, not relative to the baseline).
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// What was live at the last reset.
static BASELINE: AtomicUsize = AtomicUsize::new(0);
/// How many blocks were allocated (`alloc` and `alloc_zeroed`; a `realloc` is not counted).
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

/// The allocator: install it with `#[global_allocator]`.
pub struct Counting;

fn allocated(size: usize) {
    ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    grew(size);
}

fn grew(size: usize) {
    let now = CURRENT.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(size: usize) {
    CURRENT.fetch_sub(size, Ordering::Relaxed);
}

// SAFETY: every method forwards to `System` with the same arguments; the counters have no
// effect on the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            allocated(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            allocated(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Only the net change is counted: the moment a moving realloc holds both the old
            // and the new block is not (it is the allocator's business, like fragmentation).
            if new_size > layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

/// Bytes live right now.
pub fn current() -> usize {
    CURRENT.load(Ordering::Relaxed)
}

/// How many blocks have been allocated since the program started (reallocations not counted):
/// subtract two readings to count a step's allocations.
pub fn allocations() -> usize {
    ALLOCATIONS.load(Ordering::Relaxed)
}

/// Starts a new measurement: the peak becomes what is live now, which is also the new baseline.
pub fn reset_peak() {
    let now = CURRENT.load(Ordering::Relaxed);
    BASELINE.store(now, Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
}

/// The most bytes live at once since the last [`reset_peak`], minus what was live at that reset:
/// the extra heap the measured step needed. Zero if nothing is installed as the global allocator.
pub fn peak() -> usize {
    PEAK.load(Ordering::Relaxed).saturating_sub(BASELINE.load(Ordering::Relaxed))
}

/// Runs `f` and returns its result with its [`peak`].
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, usize) {
    reset_peak();
    let out = f();
    (out, peak())
}
