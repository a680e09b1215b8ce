//! Reading: every accepted format, both date systems, a sheet starting at
//! C5, labels and UK text dates read to the same values as the .xlsx; broken
//! files are one F01 each and do not stop the rest of the folder.

mod common;
use common::{check_files, fixtures, summary};
use pmf::ingest::{discover, Found};
use pmf::validate::{Checked, Options, Verdict};

fn check(rel: &str) -> Checked {
    let path = fixtures().join(rel);
    let found = vec![Found { display: rel.to_string(), path }];
    check_files(&found, &Options::default()).remove(0)
}

#[test]
fn every_format_reads_to_the_same_values() {
    let want = check("formats/basic.xlsx");
    assert_eq!(want.verdict, Verdict::Accepted);
    assert!(want.issues().expect("issues").is_empty(), "{:?}", want.issues().expect("issues"));
    assert_eq!((want.people.len(), want.offences.len()), (4, 3));
    assert_eq!(want.people[0].ppo_id, "2001/0123456F");
    assert_eq!(want.people[0].date_of_birth.to_string(), "1985-06-15");
    assert!(want.offences[1].adoption_history);
    for rel in ["formats/basic.xls", "formats/basic.xlsb", "formats/basic.ods", "variants/date1904.xlsx", "variants/labels_text.xlsx", "variants/offset_c5.xlsx"] {
        let got = check(rel);
        assert!(got.issues().expect("issues").is_empty(), "{rel}: {:?}", summary(&got.issues().expect("issues")));
        assert_eq!(got.meta.period, want.meta.period, "{rel}");
        assert_eq!(got.meta.submitted_on, want.meta.submitted_on, "{rel}");
        // Same values; only the cell positions may differ (offset_c5).
        let strip = |c: &Checked| {
            let p: Vec<_> = c
                .people
                .iter()
                .map(|p| pmf::validate::Person { row: 0, ..p.clone() })
                .collect();
            let o: Vec<_> = c
                .offences
                .iter()
                .map(|o| pmf::validate::Offence {
                    row: 0,
                    ..o.clone()
                })
                .collect();
            (p, o)
        };
        assert_eq!(strip(&got), strip(&want), "{rel}");
    }
}

#[test]
fn cell_references_are_the_sheets_own() {
    let c = check("variants/offset_c5.xlsx");
    // The PPO ID in column C, the first person on row 6: cell C6.
    assert_eq!((c.id_col, c.people[0].row, c.spans[0].row), (2, 6, 6));
}

#[test]
fn broken_files_are_one_f01_each_and_the_rest_still_validate() {
    let dir = fixtures();
    let (found, skipped) = discover(&[dir.join("broken"), dir.join("skipped"), dir.join("formats/basic.xlsx")]).unwrap();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped.iter().any(|s| s.display.ends_with("~$basic.xlsx") && s.why.contains("lock file")));
    let checked = check_files(&found, &Options::default());
    assert_eq!(checked.len(), 6);
    for c in &checked {
        if c.file.ends_with("basic.xlsx") {
            assert_eq!(c.verdict, Verdict::Accepted);
            continue;
        }
        assert_eq!(summary(&c.issues().expect("issues")), vec!["F01@"], "{}", c.file);
        assert_eq!(c.verdict, Verdict::Rejected);
    }
    let msg = |name: &str| checked.iter().find(|c| c.file.ends_with(name)).map(|c| c.issues().expect("issues")[0].message.clone()).unwrap();
    assert!(msg("encrypted.xlsx").contains("password"));
    assert!(msg("empty.xlsx").contains("empty"));
    assert!(msg("notes.xlsx").contains("not a spreadsheet"));
    assert!(msg("pdf_named.xls").contains("%PDF"));
    assert!(msg("corrupt.xlsx").contains("damaged"));
}

#[test]
fn a_formula_with_no_saved_value_is_named_not_read_as_blank() {
    let c = check("variants/formula_no_value.xlsx");
    assert_eq!(summary(&c.issues().expect("issues")), vec!["C02@Cohort!Q2", "D03@Offences!A2"]);
    assert!(c.issues().expect("issues")[0].message.contains("formula with no saved value"), "{}", c.issues().expect("issues")[0].message);
}

#[test]
fn formulas_with_no_saved_value_count_toward_the_cell_limit() {
    use pmf::ingest::{read_book, Limits, Value};
    let bytes = std::fs::read(fixtures().join("variants/formula_no_value.xlsx")).unwrap();
    let wanted = ["Return", "Cohort", "Offences"];
    let book = read_book(&bytes, &wanted, &Limits::default()).unwrap();
    let cohort = book.sheets[1].as_ref().unwrap();
    assert!(cohort.cells.iter().any(|c| c.value == Value::Uncalculated), "the valueless formula is kept");
    let limits = Limits { max_cells_per_sheet: cohort.cells.len() as u64 - 1, ..Limits::default() };
    let err = read_book(&bytes, &wanted, &limits).unwrap_err();
    assert!(err.contains("Cohort") && err.contains("filled cells"), "{err}");
}
