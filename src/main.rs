//! The `pmf` binary: all work is in the library; this only sets the exit code.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(pmf::cli::main());
}
