//! How the binary's allocator (mimalloc, chosen in `main.rs`) returns freed
//! memory to the system, phase by phase (issue 4, measured by `bench/bench.py`):
//! - while returns are read, every file churns buffers of about the same
//!   sizes: freed pages are kept a little while for reuse (mimalloc's
//!   default delay). Returning them at once and faulting them back in cost
//!   about a tenth of a national run's time;
//! - once every return is read, what a run holds mostly grows: freed pages
//!   go back at once, which keeps the 36-month national peak about 40 MB
//!   lower.
//!
//! Arenas are committed only as they are used, in both phases. Under
//! another global allocator (the tests) these calls only set options of an
//! allocator nobody uses.

/// mimalloc's options, as numbered in its `mimalloc.h` (v2).
const ARENA_EAGER_COMMIT: i32 = 4;
const PURGE_DELAY: i32 = 15;
/// mimalloc's default purge delay, in milliseconds.
const DEFAULT_PURGE_DELAY_MS: std::ffi::c_long = 10;

/// The policy while files are read.
pub fn reading() {
    // SAFETY: mimalloc allows setting an option at any time; these only tune
    // when memory is committed and returned, never what a pointer holds.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, DEFAULT_PURGE_DELAY_MS);
    }
}

/// The policy once every file is read: return freed pages at once, and
/// return now what the reading phase kept for reuse.
pub fn holding() {
    // SAFETY: as in `reading`; `mi_collect` only frees what is unused.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
        libmimalloc_sys::mi_collect(false);
    }
}
