//! What pmf writes, when inputs are hostile: names taken from returns
//! cannot lead outside the output folder; a failed report run leaves the
//! previous report whole and no half-written one; issues.csv cells cannot
//! run as formulas; and a report over good returns mixed with the whole
//! hostile corpus gives the same measures and workbooks as over the good
//! returns alone.

mod common;
use common::{files, fixtures, t, Ret};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn register() -> String {
    fixtures().join("schemes.csv").display().to_string()
}

fn pmf(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pmf")).current_dir(dir).args(args).output().expect("run pmf")
}

#[test]
fn names_from_returns_cannot_lead_outside_the_output_folder() {
    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("a/b");
    let input = work.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let codes = ["../../x", "..\\..\\x", "/tmp/x", "x/../../../y", "x\u{0}y", ".."];
    for (i, code) in codes.iter().enumerate() {
        Ret::base().meta(0, t(code)).meta(1, t(code)).write(&input.join(format!("r{i}.xlsx")));
    }
    // File names that look like paths, found under the folder.
    Ret::base().meta(0, t("../../x")).write(&input.join("..r..xlsx"));
    let before = files(root.path());
    let v = pmf(&work, &["validate", "in", "in/../in/r0.xlsx", "--register", &register(), "--out", "out/fb"]);
    assert_eq!(v.status.code(), Some(1), "{}", String::from_utf8_lossy(&v.stderr));
    let r = pmf(&work, &["report", "in", "--register", &register(), "--out", "out/rep", "--period", "2008-03"]);
    assert!(matches!(r.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&r.stderr));
    let after = files(root.path());
    for (path, bytes) in &after {
        match before.get(path) {
            Some(old) => assert_eq!(old, bytes, "{path} changed"),
            None => assert!(Path::new(path).starts_with("a/b/out/fb") || Path::new(path).starts_with("a/b/out/rep"), "written outside the output folders: {path}"),
        }
    }
    let written: Vec<_> = after.keys().filter(|p| !before.contains_key(*p)).collect();
    assert!(written.iter().filter(|p| Path::new(p).starts_with("a/b/out/fb")).count() >= codes.len(), "{written:?}");
    assert!(written.iter().any(|p| Path::new(p).ends_with("issues.csv")), "{written:?}");
    let out = String::from_utf8_lossy(&v.stdout);
    assert!(out.contains("R01") && out.contains("u{0}y") && !out.contains('\0'), "the NUL is shown escaped: {out}");
}

/// A report of one good return into `out`; returns the report folder.
fn good_report(work: &Path, out: &str) -> PathBuf {
    let input = work.join("in");
    std::fs::create_dir_all(&input).unwrap();
    Ret::base().write(&input.join("TST01_2008-03.xlsx"));
    let r = pmf(work, &["report", "in", "--register", &register(), "--out", out]);
    assert_eq!(r.status.code(), Some(0), "{}", String::from_utf8_lossy(&r.stderr));
    work.join(out).join("2008-03")
}

#[test]
fn a_failed_report_run_leaves_the_previous_report_whole() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    let folder = good_report(work, "reports");
    let before = files(&folder);
    assert!(before.len() > 5, "{:?}", before.keys());
    // A second run (a later resubmission beside it) made to fail, twice:
    // early, when no file over 4 KB may be written (the run stops at its
    // first large output, the issue lists); and late, when
    // every output is written and the rename that swaps the old report out
    // finds its name taken (`$$` is pmf's pid after `exec`). Root ignores
    // a read-only folder, these it cannot.
    Ret::base().meta(3, common::d("2008-04-08")).write(&work.join("in/TST01_2008-03_v2.xlsx"));
    let run = format!("exec '{}' report in --register '{}' --out reports", env!("CARGO_BIN_EXE_pmf"), register());
    for setup in ["trap '' XFSZ; ulimit -f 4", "mkdir -p \"reports/.2008-03.old-$$/x\""] {
        let r = Command::new("sh").arg("-c").arg(format!("{setup}; {run}")).current_dir(work).output().unwrap();
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{setup}: {err}");
        assert!(err.contains("File too large") || err.contains("cannot write"), "{setup}: {err}");
        assert_eq!(files(&folder), before, "{setup}: the previous report changed");
        let left: Vec<String> = std::fs::read_dir(work.join("reports"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect();
        assert!(left.is_empty(), "{setup}: the half-written report was left behind: {left:?}");
    }
    // A run that fails into an `--out` that did not exist leaves none of
    // the folders it made.
    let r = Command::new("sh")
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f 4; exec '{}' report in --register '{}' --out new/reports", env!("CARGO_BIN_EXE_pmf"), register()))
        .current_dir(work)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(err.contains("File too large"), "it failed while writing: {err}");
    assert!(!work.join("new").exists(), "a failed run left the --out folders it made");
    // A file where the output folder should be: exit 2, the file untouched.
    std::fs::write(work.join("blocked"), b"keep me").unwrap();
    let r = pmf(work, &["report", "in", "--register", &register(), "--out", "blocked"]);
    assert_eq!(r.status.code(), Some(2), "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(std::fs::read(work.join("blocked")).unwrap(), b"keep me");
}

#[test]
fn issues_csv_cells_cannot_run_as_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let nasty = ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-3-4", "@SUM(A1)", "\t=1", "\r=1"];
    let mut ret = Ret::base();
    for (i, header) in ["Strand", "Gender", "Ethnicity", "Accommodation", "ETE", "Drug misuser"].iter().enumerate() {
        ret = ret.cohort(i % 4, header, t(nasty[i]));
    }
    ret.meta(5, t("=cmd|' /C calc'!A0")).write(&input.join("=evil.xlsx"));
    let r = pmf(dir.path(), &["report", "in", "--register", &register(), "--out", "out"]);
    assert_eq!(r.status.code(), Some(1), "{}", String::from_utf8_lossy(&r.stderr));
    let csv = std::fs::read(dir.path().join("out/2008-03/issues.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(csv.as_slice());
    let mut values = Vec::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        for field in rec.iter() {
            assert!(!field.starts_with(['=', '+', '-', '@', '\t', '\r']), "live formula in issues.csv: {field:?}");
        }
        values.push(rec.get(7).unwrap_or_default().to_string());
    }
    for n in &nasty[..4] {
        assert!(values.iter().any(|v| v == &format!("'{n}")), "{n:?} not quoted back defused: {values:?}");
    }
}

/// Every sheet of a workbook but its data quality sheet (which counts the
/// rejected files), cell by cell.
fn book_text(path: &Path) -> BTreeMap<String, String> {
    let bytes = std::fs::read(path).unwrap();
    let names = pmf::ingest::read_book(&bytes, &[], &Default::default()).unwrap().sheet_names;
    let wanted: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    let book = pmf::ingest::read_book(&bytes, &wanted, &Default::default()).unwrap();
    book.sheets.into_iter().flatten().filter(|s| !s.name.to_lowercase().contains("quality")).map(|s| (s.name, format!("{:?}", s.cells))).collect()
}

#[test]
fn the_hostile_corpus_mixed_into_a_run_changes_no_measure() {
    let dir = tempfile::tempdir().unwrap();
    let alone = good_report(dir.path(), "alone");
    // The same good return, with the whole corpus beside it. The corpus's
    // good returns in disguise (xlsx_named.xls, …) are TST01 2008-03 too
    // and would tie with it (X02), so only those that must be rejected
    // or that are returns of no use go in; every corpus file goes in a second run.
    let expected = std::fs::read_to_string(fixtures().join("hostile/EXPECTED.tsv")).unwrap();
    let rejected: Vec<&str> = expected
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter(|(name, rest)| !name.starts_with('#') && rest.starts_with("F01"))
        .map(|(name, _)| name)
        .collect();
    assert!(rejected.len() > 15, "{rejected:?}");
    let mixed = dir.path().join("in/hostile");
    std::fs::create_dir_all(&mixed).unwrap();
    for name in &rejected {
        std::fs::copy(fixtures().join("hostile").join(name), mixed.join(name)).unwrap();
    }
    let r = pmf(dir.path(), &["report", "in", "--register", &register(), "--out", "mixed", "--max-unzipped-mb", "20"]);
    assert_eq!(r.status.code(), Some(1), "{}", String::from_utf8_lossy(&r.stderr));
    let with = dir.path().join("mixed/2008-03");
    assert_eq!(std::fs::read_to_string(with.join("measures.csv")).unwrap(), std::fs::read_to_string(alone.join("measures.csv")).unwrap());
    for book in ["national.xlsx", "regions/north-east.xlsx"] {
        let (a, b) = (book_text(&alone.join(book)), book_text(&with.join(book)));
        assert!(a.len() > 5, "{book}: {:?}", a.keys());
        for (sheet, cells) in &a {
            assert_eq!(Some(cells), b.get(sheet), "{book} {sheet}");
        }
    }
    let manifest = std::fs::read_to_string(with.join("manifest.json")).unwrap();
    for name in &rejected {
        assert!(manifest.contains(name), "{name} not in the manifest");
    }
    // Every corpus file at once: the run finishes, exit 1, every input listed.
    for name in std::fs::read_dir(fixtures().join("hostile")).unwrap().map(|e| e.unwrap().file_name()) {
        std::fs::copy(fixtures().join("hostile").join(&name), mixed.join(&name)).unwrap();
    }
    let r = pmf(dir.path(), &["report", "in", "--register", &register(), "--out", "all", "--max-unzipped-mb", "20", "--period", "2008-03"]);
    assert_eq!(r.status.code(), Some(1), "{}", String::from_utf8_lossy(&r.stderr));
    let manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("all/2008-03/manifest.json")).unwrap()).unwrap();
    let text = manifest.to_string();
    assert!(text.matches("sha256").count() > 33, "every input and output hashed: {text:.2000}");
    assert!(!text.contains("\"sha256\":\"\""), "an input without its SHA-256: {text:.3000}");
}
