//! The hostile corpus (tests/fixtures/hostile/): every file there gives
//! exactly the issues EXPECTED.tsv states for it, with a message that says
//! what was found, never a panic; a file without an expectation (or an
//! expectation without a file) fails. Around it: a batch mixing the corpus
//! with a good return goes on, a folder named like a return, and an
//! over-size file still hashed for the manifest.

mod common;
use common::{check_files, fixtures, summary};
use pmf::ingest::{discover, Found, Limits};
use pmf::validate::{Checked, Options, Verdict};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn corpus() -> PathBuf {
    fixtures().join("hostile")
}

/// The limits the corpus is checked with: the defaults, but a 20 MB
/// unzipped limit so the zip bombs stay small on disk.
fn opts() -> Options {
    Options { limits: Limits { max_unzipped_bytes: 20 << 20, ..Limits::default() }, ..Options::default() }
}

/// file -> (issues, phrase) from EXPECTED.tsv.
fn expected() -> BTreeMap<String, (String, String)> {
    let text = std::fs::read_to_string(corpus().join("EXPECTED.tsv")).expect("EXPECTED.tsv");
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 3, "EXPECTED.tsv: three tab-separated fields: {line:?}");
        assert!(out.insert(f[0].to_string(), (f[1].to_string(), f[2].to_string())).is_none(), "{} twice", f[0]);
    }
    out
}

fn corpus_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus())
        .expect("corpus folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "EXPECTED.tsv" && n != "make_hostile.py")
        .collect();
    names.sort();
    names
}

fn check_one(name: &str) -> Checked {
    let found = vec![Found { display: name.to_string(), path: corpus().join(name) }];
    check_files(&found, &opts()).remove(0)
}

fn sha256(bytes: &[u8]) -> String {
    pmf::ingest::sha256_hex(bytes)
}

#[test]
fn every_corpus_file_gives_its_stated_issues() {
    let want = expected();
    let files = corpus_files();
    let listed: Vec<&String> = want.keys().collect();
    assert_eq!(files.iter().collect::<Vec<_>>(), listed, "every file in hostile/ has one line in EXPECTED.tsv, and no other");
    for name in &files {
        let (issues, phrase) = &want[name];
        let c = check_one(name);
        let got = summary(&c.issues().expect("issues")).join(" ");
        assert_eq!(if got.is_empty() { "-" } else { got.as_str() }, issues, "{name}");
        if phrase != "-" {
            assert!(c.issues().expect("issues")[0].message.contains(phrase.as_str()), "{name}: {:?} lacks {phrase:?}", c.issues().expect("issues")[0].message);
        }
        if issues.starts_with("F01") {
            assert_eq!(c.verdict, Verdict::Rejected, "{name}");
        }
        assert_eq!(c.rows().read, c.rows().accepted + c.rows().excluded, "{name}");
        // Every input is hashed for the manifest, whatever it holds.
        let bytes = std::fs::read(corpus().join(name)).unwrap();
        assert_eq!(c.sha256, sha256(&bytes), "{name}");
        for i in &c.issues().expect("issues") {
            assert!(!i.message.chars().chain(i.value.chars()).any(char::is_control), "{name}: raw control character in {i:?}");
            assert!(i.message.chars().count() < 600, "{name}: message not shortened: {}", i.message.len());
        }
    }
}

#[test]
fn a_batch_mixing_the_corpus_with_a_good_return_goes_on() {
    let want = expected();
    // The files rejected on their own (a copy of a good return would tie
    // with it under X02, by design).
    let mut files: Vec<Found> = want
        .iter()
        .filter(|(_, (issues, _))| issues.starts_with("F01"))
        .map(|(n, _)| Found { display: n.clone(), path: corpus().join(n) })
        .collect();
    files.push(Found { display: "basic.xlsx".into(), path: fixtures().join("formats/basic.xlsx") });
    let checked = check_files(&files, &opts());
    for c in &checked {
        if c.file == "basic.xlsx" {
            assert_eq!((c.verdict, c.issues().expect("issues").len()), (Verdict::Accepted, 0), "{:?}", summary(&c.issues().expect("issues")));
        } else {
            assert_eq!(summary(&c.issues().expect("issues")), vec!["F01@"], "{}", c.file);
        }
    }
}

#[test]
fn a_folder_named_like_a_return_is_walked_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("Return_2008-03.xlsx");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(fixtures().join("formats/basic.xlsx"), dir.path().join("TST01_2008-03.xlsx")).unwrap();
    let (found, skipped) = discover(&[dir.path().to_path_buf(), folder.clone()]).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].display.ends_with("TST01_2008-03.xlsx"));
    assert!(skipped.is_empty(), "{skipped:?}");
    // Handed over as a file anyway, it is one F01 and the rest goes on.
    let files = vec![Found { display: "Return_2008-03.xlsx".into(), path: folder }, found[0].clone()];
    let checked = check_files(&files, &opts());
    assert_eq!(summary(&checked[0].issues().expect("issues")), vec!["F01@"]);
    assert!(checked[0].issues().expect("issues")[0].message.contains("a folder"), "{}", checked[0].issues().expect("issues")[0].message);
    assert_eq!(checked[1].verdict, Verdict::Accepted);
}

#[cfg(unix)]
#[test]
fn links_to_files_are_followed_and_links_to_folders_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let (inside, outside) = (dir.path().join("returns"), dir.path().join("elsewhere"));
    std::fs::create_dir_all(inside.join("sub")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::copy(fixtures().join("formats/basic.xlsx"), inside.join("sub/A_2008-03.xlsx")).unwrap();
    std::fs::copy(fixtures().join("formats/basic.xlsx"), outside.join("B_2008-03.xlsx")).unwrap();
    std::os::unix::fs::symlink(outside.join("B_2008-03.xlsx"), inside.join("B_link.xlsx")).unwrap();
    std::os::unix::fs::symlink(&outside, inside.join("folder_link")).unwrap();
    let (found, _) = discover(&[inside.clone()]).unwrap();
    let names: Vec<&str> = found.iter().map(|f| f.path.strip_prefix(&inside).unwrap().to_str().unwrap()).collect();
    assert_eq!(names, vec!["B_link.xlsx", "sub/A_2008-03.xlsx"], "a file in a subfolder and a link to a file; no link to a folder");
}

#[test]
fn limits_name_themselves_and_the_value_found() {
    let basic = fixtures().join("formats/basic.xlsx");
    let bytes = std::fs::read(&basic).unwrap();
    let with = |limits: Limits| -> Checked {
        let found = vec![Found { display: "basic.xlsx".into(), path: basic.clone() }];
        check_files(&found, &Options { limits, ..Options::default() }).remove(0)
    };
    let d = Limits::default();
    let cases: Vec<(Limits, &str)> = vec![
        (Limits { max_file_bytes: 1000, ..d }, "the file is 7465 bytes, over the limit of 1000 (--max-file-mb)"),
        (Limits { max_unzipped_bytes: 10_000, ..d }, "over the limit of 10000 (--max-unzipped-mb)"),
        (Limits { max_zip_entries: 5, ..d }, "the file has 12 parts, over the limit of 5 (--max-zip-entries)"),
        (Limits { max_cells_per_sheet: 20, ..d }, "sheet \"Cohort\" has more than 20 filled cells (--max-cells)"),
        (Limits { max_string_chars: 15, ..d }, "sheet \"Return\" cell B2 holds a text of 21 characters, over the limit of 15 (--max-string)"),
    ];
    for (limits, phrase) in cases {
        let c = with(limits);
        assert_eq!(summary(&c.issues().expect("issues")), vec!["F01@"], "{phrase}");
        assert!(c.issues().expect("issues")[0].message.contains(phrase), "{:?} lacks {phrase:?}", c.issues().expect("issues")[0].message);
        // Even a file too big to read is hashed (as a stream) for the manifest.
        assert_eq!(c.sha256, sha256(&bytes), "{phrase}");
    }
    // The same limits on .xls and .ods, read whole at open.
    for (rel, phrase) in [("formats/basic.xls", "sheet \"Cohort\" declares (DIMENSIONS) 85 cells"), ("formats/basic.ods", "sheet \"Cohort\" expands to 85 cells")] {
        let found = vec![Found { display: rel.into(), path: fixtures().join(rel) }];
        let limits = Limits { max_cells_per_sheet: 84, ..d };
        let c = check_files(&found, &Options { limits, ..Options::default() }).remove(0);
        assert!(c.issues().expect("issues").first().is_some_and(|i| i.message.contains(phrase)), "{rel}: {:?}", c.issues().expect("issues"));
        let limits = Limits { max_cells_per_sheet: 85, ..d };
        let c = check_files(&found, &Options { limits, ..Options::default() }).remove(0);
        assert!(c.issues().expect("issues").is_empty(), "{rel}: {:?}", summary(&c.issues().expect("issues")));
    }
    // Text copied into cells (xls: each cell's copy of its shared string).
    let found = vec![Found { display: "basic.xls".into(), path: fixtures().join("formats/basic.xls") }];
    let c = check_files(&found, &Options { limits: Limits { max_unzipped_bytes: 100, ..d }, ..Options::default() }).remove(0);
    assert!(c.issues().expect("issues").first().is_some_and(|i| i.message.contains("more than 100 bytes of text when read")), "{:?}", c.issues().expect("issues"));
}
