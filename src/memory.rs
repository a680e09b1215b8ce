//! How the binary's allocator (mimalloc, chosen in `main.rs`) returns freed
//! memory to the system, phase by phase (issue 4, measured by `bench/bench.py`):
//! - while returns are read, every file churns buffers of about the same
//!   sizes: freed pages are kept 100 ms for reuse. Returning them at once
//!   and faulting them back in cost about a tenth of a national run's time;
//!   mimalloc's default 10 ms cost validate and the report about 1–2% of
//!   their time against 100 ms, which holds 1–2 MB more (session 12);
//! - once every return is read, what a run holds mostly grows: freed pages
//!   go back after 1 ms. Returning them at once kept the 36-month national
//!   peak about 20 MB lower (about 235 against 255 MB) but faulted the same
//!   pages back in over and over: it cost the 12-month report a third of its
//!   system time and the 36-month report about 6% of its run; mimalloc's
//!   default 10 ms raised the 36-month peak to about 300 MB.
//!
//! Arenas are committed only as they are used, in both phases, and in
//! 4 KB pages, not transparent huge pages (`small_pages`): with huge pages
//! the 12-month national report peaked about 50 MB higher (180 against 130)
//! and spent half as much again in the kernel.
//!
//! Only the binary calls these; under another global allocator (the tests)
//! the mimalloc calls would only set options of an allocator nobody uses.

/// mimalloc's options, as numbered in its `mimalloc.h` (v2).
const ARENA_EAGER_COMMIT: i32 = 4;
const PURGE_DELAY: i32 = 15;
/// The purge delay while files are read, in milliseconds (mimalloc's
/// default is 10).
const READING_PURGE_DELAY_MS: std::ffi::c_long = 100;
/// The purge delay once every file is read, in milliseconds.
const HOLDING_PURGE_DELAY_MS: std::ffi::c_long = 1;

/// The policy while files are read.
pub fn reading() {
    small_pages();
    // SAFETY: mimalloc allows setting an option at any time; these only tune
    // when memory is committed and returned, never what a pointer holds.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, READING_PURGE_DELAY_MS);
    }
}

/// The policy once every file is read: return freed pages soon, and return
/// now what the reading phase kept for reuse.
pub fn holding() {
    // SAFETY: as in `reading`; `mi_collect` only frees what is unused.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, HOLDING_PURGE_DELAY_MS);
        libmimalloc_sys::mi_collect(false);
    }
}

/// Transparent huge pages off for this process. mimalloc asks for them on
/// its arenas; then every page fault zeroes 2 MB, and memory returned in
/// small pieces is faulted back in 2 MB at a time.
#[cfg(target_os = "linux")]
fn small_pages() {
    // The arguments are C varargs read as unsigned longs. A failure (an old
    // kernel) leaves huge pages on: slower, but nothing else changes.
    let (on, unused): (libc::c_ulong, libc::c_ulong) = (1, 0);
    // SAFETY: PR_SET_THP_DISABLE only sets a flag on this process; no
    // memory is touched.
    let _ = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, on, unused, unused, unused) };
}

#[cfg(not(target_os = "linux"))]
fn small_pages() {}
