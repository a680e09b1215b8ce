//! `pmf template`: the committed template is exactly what the command writes,
//! and a template filled with valid data validates with no issue.

mod common;
use common::{fixtures, Ret};
use pmf::report::template::{self, Prefill};
use pmf::schema::Schema;
use std::path::Path;

#[test]
fn the_committed_template_is_regenerated_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.xlsx");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_pmf")).args(["template", "--out"]).arg(&out).status().unwrap();
    assert!(status.success());
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/pmf-return-template.xlsx");
    assert!(std::fs::read(&out).unwrap() == std::fs::read(committed).unwrap(), "run `pmf template --out templates/pmf-return-template.xlsx` and commit it");
}

#[test]
fn a_filled_template_validates_with_no_issue() {
    let schema = Schema::pmf1().unwrap();
    let prefill = Prefill { scheme: Some("TST01".into()), scheme_name: Some("Testshire Central PPO".into()), period: pmf::calendar::Month::new(2008, 3) };
    let mut ret = Ret::base();
    let blank = template::contents(&schema, &prefill);
    // The prefilled template supplies everything but Submitted on and Prepared by.
    assert_eq!(blank.meta[0], ret.c.meta[0]);
    assert_eq!(blank.meta[4], ret.c.meta[4]);
    ret.c.meta = blank.meta.clone();
    ret.c.meta[3] = common::d("2008-04-07");
    assert!(ret.issues().is_empty(), "{:?}", common::summary(&ret.issues()));
    // The blank template itself is a return with no rows and missing metadata: R01, R02, R04.
    let mut empty = Ret::base();
    empty.c = template::contents(&schema, &Prefill::default());
    assert_eq!(common::summary(&empty.issues()), vec!["R01@Return!B1", "R02@Return!B3", "R04@Return!B4"]);
    let _ = fixtures();
}
