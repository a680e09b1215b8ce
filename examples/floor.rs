//! The read floor for the benchmark (issue 4): open every return under a
//! folder and read every cell of its Return, Cohort and Offences sheets, in
//! parallel at the same thread count as `pmf`, and nothing else. Prints the
//! number of files and cells read.
//!
//! `cargo run --release --example floor -- DIR`

use rayon::prelude::*;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "returns".into());
    let (found, _) = match pmf::ingest::discover(&[dir.into()]) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("floor: {e}");
            std::process::exit(2);
        }
    };
    let limits = pmf::ingest::Limits::default();
    let wanted = ["Return", "Cohort", "Offences"];
    let cells: usize = found
        .par_iter()
        .map(|f| {
            pmf::ingest::load(&f.path, &limits)
                .and_then(|(bytes, _)| pmf::ingest::read_book(&bytes, &wanted, &limits))
                .map(|b| b.sheets.iter().flatten().map(|s| s.cells.len()).sum::<usize>())
                .unwrap_or(0)
        })
        .sum();
    println!("{} files {} cells", found.len(), cells);
}
