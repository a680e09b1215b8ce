//! The read floor for the benchmark (issue 4): open every return under a
//! folder and read every cell of its Return, Cohort and Offences sheets with
//! calamine, and nothing else: no conversion, no checks, no allocation of
//! ours. In parallel with rayon, at the same thread count as `pmf`. Prints
//! the number of files and cells read.
//!
//! `cargo run --release --example floor -- DIR [cells|range]`
//!
//! `cells` (the default, and the floor the benchmark uses) streams each
//! sheet with calamine's cell reader, which is the fastest way calamine
//! offers (xls and ods, which calamine only reads whole, use their range);
//! `range` is the conventional `worksheet_range`, for comparison.

use calamine::{open_workbook_auto_from_rs, Data, DataRef, Reader, Sheets};
use rayon::prelude::*;
use std::io::Cursor;

const SHEETS: [&str; 3] = ["Return", "Cohort", "Offences"];

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "returns".into());
    let range = std::env::args().nth(2).as_deref() == Some("range");
    let (found, _) = match pmf::ingest::discover(&[dir.into()]) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("floor: {e}");
            std::process::exit(2);
        }
    };
    let cells: usize = found
        .par_iter()
        .map(|f| std::fs::read(&f.path).map(|b| read(b, range)).unwrap_or(0))
        .sum();
    println!("{} files {} cells", found.len(), cells);
}

/// Every non-empty cell of the three sheets, counted.
fn read(bytes: Vec<u8>, range: bool) -> usize {
    let Ok(mut wb) = open_workbook_auto_from_rs(Cursor::new(bytes)) else {
        return 0;
    };
    let names: Vec<String> = wb
        .sheet_names()
        .into_iter()
        .filter(|n| SHEETS.iter().any(|s| s.eq_ignore_ascii_case(n.trim())))
        .collect();
    let mut n = 0;
    for name in names {
        n += match (&mut wb, range) {
            (Sheets::Xlsx(x), false) => match x.worksheet_cells_reader(&name) {
                Ok(mut r) => {
                    let mut k = 0;
                    while let Ok(Some(c)) = r.next_cell() {
                        k += usize::from(!matches!(c.get_value(), DataRef::Empty));
                    }
                    k
                }
                Err(_) => 0,
            },
            (Sheets::Xlsb(x), false) => match x.worksheet_cells_reader(&name) {
                Ok(mut r) => {
                    let mut k = 0;
                    while let Ok(Some(c)) = r.next_cell() {
                        k += usize::from(!matches!(c.get_value(), DataRef::Empty));
                    }
                    k
                }
                Err(_) => 0,
            },
            (wb, _) => wb
                .worksheet_range(&name)
                .map(|r| {
                    r.used_cells()
                        .filter(|(_, _, v)| !matches!(v, Data::Empty))
                        .count()
                })
                .unwrap_or(0),
        };
    }
    n
}
