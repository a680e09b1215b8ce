//! `pmf report` at its boundary: golden measures.csv and workbooks read back
//! as text (reviewed like code; `UPDATE_GOLDEN=1 cargo test` rewrites them),
//! totals that add up, no personal data in aggregate outputs, and two runs
//! that give byte-identical files.

mod common;
use common::{d, files, fixtures, t, Ret};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Three months of TST01 and a month of TST02, written as returns.
fn returns(dir: &Path) {
    let feb = Ret::base().meta(2, t("2008-02")).meta(3, d("2008-03-10")).remove_cohort_row(2).remove_cohort_row(1)
        .remove_offence_row(2).remove_offence_row(1).remove_offence_row(0);
    let tst02 = Ret::base().meta(0, t("TST02")).meta(1, t("Testshire City PPO")).meta(3, d("2008-04-09"))
        .cohort(0, "PPO ID", t("1995/3333333H")).offence(0, "PPO ID", t("1995/3333333H"))
        .remove_cohort_row(3).remove_cohort_row(2).remove_cohort_row(1).remove_offence_row(2).remove_offence_row(1);
    let bad = Ret::base().meta(2, t("2008-01")).meta(3, d("2008-02-05")).cohort(1, "Strand", t("XX"))
        .cohort(1, "Date deselected", None).cohort(1, "Deselection reason", None).cohort(1, "Status", t("COMMUNITY"))
        .remove_cohort_row(2).remove_offence_row(2).remove_offence_row(1).remove_offence_row(0);
    std::fs::create_dir_all(dir).unwrap();
    feb.write(&dir.join("TST01_2008-02.xlsx"));
    Ret::base().write(&dir.join("TST01_2008-03.xlsx"));
    tst02.write(&dir.join("TST02_2008-03.xlsx"));
    bad.write(&dir.join("TST01_2008-01.xlsx"));
}

/// Run `pmf report` from the input's parent folder, naming the input by its
/// relative path (as a user would), so file names in outputs are stable.
fn report(input: &Path, out: &Path, extra: &[&str]) -> PathBuf {
    let reg = fixtures().join("schemes.csv");
    let status = Command::new(env!("CARGO_BIN_EXE_pmf"))
        .current_dir(input.parent().unwrap())
        .arg("report")
        .arg(input.file_name().unwrap())
        .arg("--register")
        .arg(&reg)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(1), "an input had errors: {}", String::from_utf8_lossy(&status.stderr));
    out.join("2008-03")
}

fn golden(name: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(want == text, "{name} differs from the golden file; review the change and run UPDATE_GOLDEN=1 cargo test\n--- got ---\n{text}");
}

/// A workbook as text: every sheet's cells, then its tables, charts and properties.
fn workbook_text(path: &Path, sheets: &[&str]) -> String {
    let bytes = std::fs::read(path).unwrap();
    let book = pmf::ingest::read_book(&bytes, sheets, &Default::default()).unwrap();
    let mut out = format!("sheets: {}\n", book.sheet_names.join(", "));
    for s in book.sheets.iter().flatten() {
        out.push_str(&format!("== {}\n", s.name));
        for c in &s.cells {
            let v = match &c.value {
                pmf::ingest::Value::Text(t) => t.to_string(),
                pmf::ingest::Value::Number(n) | pmf::ingest::Value::DateSerial(n) => format!("{}", (n * 1e6).round() / 1e6),
                other => format!("{other:?}"),
            };
            out.push_str(&format!("{}={}\n", pmf::issue::a1(c.row, c.col), v));
        }
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names: Vec<String> = (0..zip.len()).filter_map(|i| zip.by_index(i).ok().and_then(|f| f.name().ok().map(|n| n.to_string()))).collect();
    names.sort();
    for n in names.iter().filter(|n| n.starts_with("xl/tables/") || n.starts_with("xl/charts/") || n.starts_with("xl/drawings/drawing") || n.ends_with("core.xml") || n.ends_with("custom.xml")) {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(n).unwrap(), &mut s).unwrap();
        // Keep table definitions, alt text, and the text inside formula, title and property tags.
        let parts: Vec<&str> = s.split(['<', '>']).collect();
        let mut keep: Vec<&str> = Vec::new();
        for (i, x) in parts.iter().enumerate() {
            if x.starts_with("table ") || x.contains("descr=") {
                keep.push(x);
            }
            if ["c:f", "a:t", "dc:title", "cp:keywords", "vt:lpwstr"].contains(x) {
                keep.push(parts.get(i + 1).copied().unwrap_or(""));
            }
        }
        out.push_str(&format!("-- {n}: {}\n", keep.join(" | ")));
    }
    out
}

#[test]
fn golden_measures_and_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    returns(&dir.path().join("in"));
    let folder = report(&dir.path().join("in"), &dir.path().join("out"), &[]);
    golden("report/measures.csv", &std::fs::read_to_string(folder.join("measures.csv")).unwrap());
    let issues = std::fs::read_to_string(folder.join("issues.csv")).unwrap();
    // The January return has an error: it is in the issues, with its file.
    assert!(issues.lines().any(|l| l.starts_with("C03,error,") && l.contains("TST01_2008-01.xlsx")), "{issues}");
    let all = ["Cover", "Contents", "Notes", "Returns", "Cohort", "Status", "Flows", "Case_management", "Offending", "Timeliness", "Demographics", "NI_30", "Data_quality", "Trends"];
    golden("report/regions-north-east.txt", &workbook_text(&folder.join("regions/north-east.xlsx"), &all));
    golden("report/national.txt", &workbook_text(&folder.join("national.xlsx"), &all));
    golden("report/issues.txt", &workbook_text(&folder.join("issues.xlsx"), &["Issues", "Returns"]));
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["as_at"], "2008-04-09");
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 4);
    assert!(manifest["outputs"].as_array().unwrap().iter().any(|o| o["path"] == "national.xlsx" && o["sha256"].as_str().unwrap().len() == 64));
    // Every output's stated SHA-256 is its file's, the issue lists (hashed
    // as they are streamed to their files) included.
    let outputs = manifest["outputs"].as_array().unwrap();
    for name in ["issues.csv", "issues.xlsx", "measures.csv", "national.xlsx"] {
        let stated = outputs.iter().find(|o| o["path"] == name).unwrap_or_else(|| panic!("{name} not in the manifest"));
        assert_eq!(stated["sha256"], pmf::ingest::sha256_hex(&std::fs::read(folder.join(name)).unwrap()).as_str(), "{name}");
    }
}

fn measures(folder: &Path) -> Vec<BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_path(folder.join("measures.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    rdr.records().map(|r| headers.iter().zip(r.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()).collect()
}

#[test]
fn region_counts_are_the_sum_of_their_schemes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("returns");
    let out = tempfile::tempdir().unwrap();
    let reg = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/schemes.csv");
    let o = Command::new(env!("CARGO_BIN_EXE_pmf")).arg("report").arg(&dir).arg("--register").arg(&reg).arg("--out").arg(out.path()).output().unwrap();
    assert!(o.status.code() == Some(0) || o.status.code() == Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let folder = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().path()).find(|p| p.is_dir()).unwrap();
    let rows = measures(&folder);
    let heads = ["cohort_active", "cohort_active_cc", "cohort_active_rr", "cohort_active_pd", "throughput", "ppos_with_offence"];
    let mut checked = 0;
    for region in rows.iter().filter(|r| r["level"] == "region") {
        let name = &region["measure"];
        if heads.contains(&name.as_str()) || region["value"].is_empty() || name.ends_with("_pct") || name.contains("per_") || name.contains("mean") || name.contains("median") || name.starts_with("ni30_") && (name.ends_with("year") || name.ends_with("months")) || name == "schemes_below_minimum" {
            continue;
        }
        let sum: f64 = rows.iter().filter(|r| r["level"] == "scheme" && r["measure"] == *name).filter_map(|r| r["value"].parse::<f64>().ok()).sum();
        let v: f64 = region["value"].parse().unwrap();
        assert!((v - sum).abs() < 1e-9, "{name}: region {v}, schemes {sum}");
        let national = rows.iter().find(|r| r["level"] == "national" && r["measure"] == *name).unwrap();
        assert_eq!(national["value"], region["value"], "{name}: one region, so national = region");
        checked += 1;
    }
    assert!(checked > 50, "only {checked} counts checked");
    // Rates pool numerators and denominators.
    for region in rows.iter().filter(|r| r["level"] == "region" && r["measure"].ends_with("_pct") && !r["denominator"].is_empty() && !r["measure"].starts_with("ni30")) {
        let sum = |col: &str| rows.iter().filter(|r| r["level"] == "scheme" && r["measure"] == region["measure"]).filter_map(|r| r[col].parse::<f64>().ok()).sum::<f64>();
        assert!((sum("numerator") - region["numerator"].parse::<f64>().unwrap()).abs() < 1e-6, "{}", region["measure"]);
        assert!((sum("denominator") - region["denominator"].parse::<f64>().unwrap()).abs() < 1e-6, "{}", region["measure"]);
    }
}

#[test]
fn two_runs_are_byte_identical_and_leak_no_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    returns(&dir.path().join("in"));
    let a = files(&report(&dir.path().join("in"), &dir.path().join("a"), &[]));
    let b = files(&report(&dir.path().join("in"), &dir.path().join("b"), &[]));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between two runs");
    }
    // PNC IDs and dates of birth of the people in the inputs, in the forms they could take.
    let ids = ["2001/0123456F", "1998/0765432G", "2005/1000001H", "2003/0000042Q", "1995/3333333H", "0123456F", "0765432G"];
    let births = ["1985-06-15", "15/06/1985", "1979-11-02", "02/11/1979", "1992-02-29", "29/02/1992", "1970-01-31", "31/01/1970"];
    for (name, bytes) in &a {
        if name.starts_with("issues.") {
            continue; // issue files go back to schemes and do name PNC IDs
        }
        let mut texts = vec![String::from_utf8_lossy(bytes).into_owned()];
        if name.ends_with(".xlsx") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
            for i in 0..zip.len() {
                let mut s = String::new();
                let _ = std::io::Read::read_to_string(&mut zip.by_index(i).unwrap(), &mut s);
                texts.push(s);
            }
        }
        for text in &texts {
            for needle in ids.iter().chain(births.iter()) {
                assert!(!text.contains(needle), "{name} contains {needle}");
            }
        }
    }
}

#[test]
fn the_default_month_skips_a_month_whose_only_returns_tie() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    returns(&input);
    // Two April returns for TST01 submitted the same day: X02, neither used.
    let april = Ret::base().meta(2, t("2008-04")).meta(3, d("2008-05-07")).remove_cohort_row(1).remove_cohort_row(1)
        .remove_offence_row(2).remove_offence_row(1).remove_offence_row(0);
    april.write(&input.join("TST01_2008-04.xlsx"));
    april.write(&input.join("TST01_2008-04_copy.xlsx"));
    let folder = report(&input, &dir.path().join("out"), &[]);
    assert!(folder.ends_with("2008-03") && folder.exists(), "the report is for March, the latest month with a usable return");
    // March's whole Cohort rows, dropped while April looked like the
    // report month, were read again: its measures are those of a report
    // without the April returns.
    let without = dir.path().join("without");
    returns(&without);
    let alone = report(&without, &dir.path().join("alone"), &[]);
    let read = |f: &Path| std::fs::read_to_string(f.join("measures.csv")).unwrap();
    assert_eq!(read(&folder), read(&alone));
}

/// `pmf report` keeps whole Cohort rows only for its month (issue 4): a
/// report for an earlier month has the measures of a report over only the
/// returns up to that month, the measures of whole rows (ages) included.
#[test]
fn an_earlier_month_has_the_measures_of_its_own_returns() {
    let dir = tempfile::tempdir().unwrap();
    let all = dir.path().join("in");
    returns(&all);
    let upto = dir.path().join("upto");
    std::fs::create_dir_all(&upto).unwrap();
    for f in ["TST01_2008-01.xlsx", "TST01_2008-02.xlsx"] {
        std::fs::copy(all.join(f), upto.join(f)).unwrap();
    }
    report(&all, &dir.path().join("a"), &["--period", "2008-02"]);
    report(&upto, &dir.path().join("b"), &[]);
    let read = |out: &str| std::fs::read_to_string(dir.path().join(out).join("2008-02/measures.csv")).unwrap();
    let (a, b) = (read("a"), read("b"));
    assert_eq!(a, b);
    let age = a.lines().find(|l| l.starts_with("2008-02,scheme,TST01,") && l.contains(",mean_age,")).unwrap_or_default();
    assert!(age.split(',').nth(5).is_some_and(|v| v.parse::<f64>().is_ok()), "a mean age from whole rows: {age}");
}
