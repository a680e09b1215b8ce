//! Each return is opened and parsed once per run (issue 4): `pmf report`
//! reads every file a single time, however many months it computes (the
//! one exception, a report month before a month of only tied returns, is
//! `report::run`'s `reread_whole`, tested in `tests/report.rs`). In its
//! own test binary, so no other test's reading shares the counter.

mod common;
use common::{d, fixtures, t, Ret};
use pmf::ingest::{books_read, Limits};
use pmf::report::run::{run, Job};

#[test]
fn a_report_parses_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("returns");
    std::fs::create_dir_all(&input).unwrap();
    // Three months of one scheme, a resubmission and a month of another.
    Ret::base().meta(2, t("2008-01")).meta(3, d("2008-02-05")).write(&input.join("a.xlsx"));
    Ret::base().meta(2, t("2008-02")).meta(3, d("2008-03-05")).write(&input.join("b.xlsx"));
    Ret::base().write(&input.join("c.xlsx"));
    Ret::base().meta(3, d("2008-04-08")).write(&input.join("c2.xlsx"));
    Ret::base().meta(0, t("TST02")).meta(1, t("Testshire City PPO")).write(&input.join("d.xlsx"));
    let job = Job {
        paths: vec![input],
        register_path: fixtures().join("schemes.csv"),
        out: dir.path().join("reports"),
        period: None,
        region: None,
        ni30_year: None,
        ni30_cautions: true,
        offences: None,
        suppress: None,
        strict: false,
        limits: Limits::default(),
    };
    let schema = pmf::schema::Schema::pmf1().unwrap();
    let register = pmf::register::Register::from_path(&job.register_path).unwrap();
    let before = books_read();
    let files = pmf::ingest::discover(&job.paths).unwrap();
    let done = run(&job, &schema, &register, files, &|| {}).unwrap();
    assert!(done.files > 0, "the report was written");
    assert_eq!(books_read() - before, 5, "five files, each parsed once");
}
