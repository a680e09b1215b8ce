//! The `pmf` binary at its boundary: exit codes, text and JSON output,
//! feedback workbooks. Golden outputs are read back as text.

mod common;
use common::{fixtures, t, Ret};
use std::process::Command;

fn pmf(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pmf")).args(args).output().expect("run pmf");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn register() -> String {
    fixtures().join("schemes.csv").display().to_string()
}

#[test]
fn exit_codes() {
    let good = fixtures().join("formats/basic.xlsx").display().to_string();
    let bad = fixtures().join("broken/empty.xlsx").display().to_string();
    assert_eq!(pmf(&["validate", &good, "--register", &register()]).0, 0);
    assert_eq!(pmf(&["validate", &good, &bad, "--register", &register()]).0, 1);
    let (code, _, err) = pmf(&["validate", &good, "--register", "/nonexistent/schemes.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read the register"), "{err}");
    let (code, _, err) = pmf(&["validate", "/nonexistent/folder", "--register", &register()]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(pmf(&["validate", "--no-such-flag"]).0, 2);
}

#[test]
fn warnings_alone_exit_zero_and_text_names_file_cell_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.xlsx");
    Ret::base().cohort(0, "Offender manager", t("N")).write(&path);
    let (code, out, _) = pmf(&["validate", path.to_str().unwrap(), "--register", &register()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("r.xlsx (TST01 2008-03): accepted"), "{out}");
    assert!(out.contains("warning Q01 Cohort!J2 [Offender manager] \"N\""), "{out}");
    assert!(out.lines().last().unwrap().starts_with("Summary: 1 return: 1 accepted"), "{out}");
}

#[test]
fn json_has_returns_and_issues() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.xlsx");
    Ret::base().cohort(0, "Strand", t("XX")).write(&path);
    let (code, out, _) = pmf(&["validate", path.to_str().unwrap(), "--register", &register(), "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = &v["returns"][0];
    assert_eq!(r["scheme"], "TST01");
    assert_eq!(r["period"], "2008-03");
    assert_eq!(r["verdict"], "accepted_with_excluded_rows");
    assert_eq!((r["rows_read"].as_u64(), r["rows_accepted"].as_u64(), r["rows_excluded"].as_u64()), (Some(7), Some(5), Some(2)));
    let i = &v["issues"][0];
    assert_eq!((i["rule"].as_str(), i["severity"].as_str(), i["sheet"].as_str(), i["cell"].as_str()), (Some("C03"), Some("error"), Some("Cohort"), Some("E2")));
    assert_eq!((i["row"].as_u64(), i["column"].as_str(), i["value"].as_str()), (Some(2), Some("Strand"), Some("XX")));
    assert!(i["file"].as_str().unwrap().ends_with("r.xlsx"));
}

#[test]
fn feedback_workbook_lists_issues_and_marks_cells() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.xlsx");
    Ret::base().cohort(0, "Strand", t("XX")).write(&path);
    let out = dir.path().join("feedback");
    let (code, stdout, err) = pmf(&["validate", path.to_str().unwrap(), "--register", &register(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(stdout.contains("Feedback workbooks: 1 written"));
    let files: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1);
    let bytes = std::fs::read(&files[0]).unwrap();
    // A second run, a second later, writes the same bytes (no clock in the file).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let again = dir.path().join("again");
    pmf(&["validate", path.to_str().unwrap(), "--register", &register(), "--out", again.to_str().unwrap()]);
    let second = std::fs::read(again.join(files[0].file_name().unwrap())).unwrap();
    assert!(bytes == second, "feedback workbooks are deterministic");
    let book = pmf::ingest::read_book(&bytes, &["Issues", "Cohort"], &Default::default()).unwrap();
    let issues = book.sheets[0].as_ref().unwrap();
    let text = |row: u32, col: u32| issues.cells.iter().find(|c| c.row == row && c.col == col).map(|c| format!("{:?}", c.value));
    assert_eq!(text(0, 0).as_deref(), Some("Text(\"Rule\")"));
    assert_eq!(text(1, 0).as_deref(), Some("Text(\"C03\")"));
    assert_eq!(text(1, 3).as_deref(), Some("Text(\"E2\")"));
    let cohort = book.sheets[1].as_ref().unwrap();
    assert!(cohort.cells.iter().any(|c| c.row == 1 && c.col == 4 && c.value == pmf::ingest::Value::Text("XX".into())));
    // The note on the offending cell carries the message.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut notes = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().is_ok_and(|n| n.contains("comments")) {
            std::io::Read::read_to_string(&mut f, &mut notes).unwrap();
        }
    }
    assert!(notes.contains("not a code of the strand list"), "{notes}");
}

#[test]
fn the_template_has_dropdowns_input_rules_and_frozen_headers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    let (code, _, _) = pmf(&["template", "--scheme", "TST01", "--period", "2008-03", "--register", &register(), "--out", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    let bytes = std::fs::read(&path).unwrap();
    let book = pmf::ingest::read_book(&bytes, &["Return"], &Default::default()).unwrap();
    let ret = book.sheets[0].as_ref().unwrap();
    let b = |row: u32| ret.cells.iter().find(|c| c.row == row && c.col == 1).map(|c| c.value.clone());
    assert_eq!(b(0), Some(pmf::ingest::Value::Text("TST01".into())));
    assert_eq!(b(1), Some(pmf::ingest::Value::Text("Testshire Central PPO".into())));
    assert_eq!(b(2), Some(pmf::ingest::Value::Text("2008-03".into())));
    assert_eq!(b(4), Some(pmf::ingest::Value::Text("PMF-1".into())));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut sheet = |n: u32| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(&format!("xl/worksheets/sheet{n}.xml")).unwrap(), &mut s).unwrap();
        s
    };
    // Sheets: Instructions, Return, Cohort, Offences.
    let cohort = sheet(3);
    assert!(cohort.contains("ySplit=\"1\""), "frozen header row");
    // Cohort: 10 coded columns (lists), 5 dates, 1 whole number.
    assert_eq!(cohort.matches("type=\"list\"").count(), 10);
    assert_eq!(cohort.matches("type=\"date\"").count(), 5);
    assert_eq!(cohort.matches("type=\"whole\"").count(), 1);
    assert!(cohort.contains("Instructions!$B$"));
    let offences = sheet(4);
    assert_eq!(offences.matches("type=\"list\"").count(), 3);
    assert_eq!(offences.matches("type=\"date\"").count(), 5);
}
