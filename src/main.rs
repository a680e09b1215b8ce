//! The `pmf` binary: all work is in the library; this only sets the exit code.

fn main() {
    std::process::exit(pmf::cli::main());
}
