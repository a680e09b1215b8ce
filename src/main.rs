//! The `pmf` binary: all work is in the library; this only chooses the
//! allocator (mimalloc, tuned in `pmf::memory`) and sets the exit code.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // When freed memory goes back to the system is set phase by phase
    // (`pmf::memory`).
    pmf::memory::reading();
    std::process::exit(pmf::cli::main());
}
