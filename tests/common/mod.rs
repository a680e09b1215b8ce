//! Test helper: a known-good return (the same people and offences as
//! tests/fixtures/formats/basic.*), edited by one line per case, written as a
//! real .xlsx through the template writer, and validated with the fixture
//! register. Each case states its own expected answer.
#![allow(dead_code)]

use chrono::NaiveDate;
use pmf::ingest::Found;
use pmf::issue::Issue;
use pmf::register::Register;
use pmf::report::returnbook::{self, Contents, Val};
use pmf::schema::Schema;
use pmf::validate::{self, Checked, Keep, Options};
use std::path::{Path, PathBuf};

pub fn d(text: &str) -> Option<Val> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(Val::Date)
}

pub fn t(text: &str) -> Option<Val> {
    Some(Val::Text(text.to_string()))
}

pub fn n(x: f64) -> Option<Val> {
    Some(Val::Number(x))
}

/// A return being built: the base is valid and gives no issue.
#[derive(Clone)]
pub struct Ret {
    pub c: Contents,
    pub schema: Schema,
    /// Headers to drop from a sheet, and extra columns to add.
    pub drop: Vec<(usize, String)>,
    pub extra: Vec<(usize, String, Vec<Option<Val>>)>,
}

impl Ret {
    pub fn base() -> Ret {
        let schema = Schema::pmf1().expect("schema");
        let meta = vec![t("TST01"), t("Testshire Central PPO"), t("2008-03"), d("2008-04-07"), t("PMF-1"), t("A. Analyst")];
        let cohort = vec![
            vec![t("2001/0123456F"), d("1985-06-15"), t("M"), t("W1"), t("CC"), d("2007-05-01"), None, None, t("COMMUNITY"), t("Y"), None, d("2007-06-01"), t("Y"), t("Y"), t("SETTLED"), t("NONE"), n(42.0)],
            vec![t("1998/0765432G"), d("1979-11-02"), t("F"), t("B2"), t("RR"), d("2007-04-10"), d("2008-03-20"), t("MOVED_AWAY"), None, t("N"), None, None, t("N"), None, t("UNKNOWN"), t("UNKNOWN"), n(30.0)],
            vec![t("2005/1000001H"), d("1992-02-29"), t("M"), t("A1"), t("PD"), d("2008-03-03"), None, None, t("NON_STATUTORY"), t("N"), None, d("2008-03-10"), t("U"), None, t("SETTLED"), t("TRAINING"), None],
            vec![t("2003/0000042Q"), d("1970-01-31"), t("M"), t("NS"), t("CC"), d("2007-09-01"), None, None, t("CUSTODY_SENTENCED"), t("Y"), d("2008-01-15"), d("2008-02-20"), t("Y"), t("N"), t("NFA"), t("NONE"), n(55.0)],
        ];
        let offences = vec![
            vec![t("2001/0123456F"), t("CR/0001/08"), d("2008-02-10"), d("2008-03-05"), t("CONVICTION"), t("SHOPLIFTING"), t("FINE"), d("2008-02-11"), d("2008-02-12"), d("2008-03-06")],
            vec![t("2005/1000001H"), t("CR/0002/08"), d("2007-06-01"), d("2007-09-15"), t("CAUTION"), t("CRIMINAL_DAMAGE"), None, None, None, d("2008-03-04")],
            vec![t("2003/0000042Q"), t("CR/0003/08"), d("2008-01-01"), d("2008-03-03"), t("CONVICTION"), t("BURGLARY_DWELLING"), t("CUSTODY"), d("2008-01-02"), d("2008-01-03"), d("2008-03-05")],
        ];
        Ret { c: Contents { meta, cohort, offences }, schema, drop: Vec::new(), extra: Vec::new() }
    }

    fn col(&self, sheet: usize, header: &str) -> usize {
        self.schema.sheets[sheet].columns.iter().position(|c| c.header == header).unwrap_or_else(|| panic!("no column {header}"))
    }

    /// Set a Cohort cell: data row `row` (0 = the first data row, sheet row 2).
    pub fn cohort(mut self, row: usize, header: &str, v: Option<Val>) -> Ret {
        let c = self.col(0, header);
        self.c.cohort[row][c] = v;
        self
    }

    pub fn offence(mut self, row: usize, header: &str, v: Option<Val>) -> Ret {
        let c = self.col(1, header);
        self.c.offences[row][c] = v;
        self
    }

    pub fn meta(mut self, field: usize, v: Option<Val>) -> Ret {
        self.c.meta[field] = v;
        self
    }

    pub fn add_cohort_row(mut self, copy_of: usize) -> Ret {
        let r = self.c.cohort[copy_of].clone();
        self.c.cohort.push(r);
        self
    }

    pub fn add_offence_row(mut self, copy_of: usize) -> Ret {
        let r = self.c.offences[copy_of].clone();
        self.c.offences.push(r);
        self
    }

    pub fn remove_cohort_row(mut self, row: usize) -> Ret {
        self.c.cohort.remove(row);
        self
    }

    pub fn remove_offence_row(mut self, row: usize) -> Ret {
        self.c.offences.remove(row);
        self
    }

    /// Append an offence row given in schema column order.
    pub fn push_offence(mut self, row: Vec<Option<Val>>) -> Ret {
        self.c.offences.push(row);
        self
    }

    /// Write it as an .xlsx file.
    pub fn write(&self, path: &Path) {
        let mut schema = self.schema.clone();
        for (sheet, header) in &self.drop {
            let c = self.col(*sheet, header);
            schema.sheets[*sheet].columns.remove(c);
        }
        let mut c = self.c.clone();
        for (sheet, header) in &self.drop {
            let col = self.col(*sheet, header);
            let rows = if *sheet == 0 { &mut c.cohort } else { &mut c.offences };
            for r in rows.iter_mut() {
                r.remove(col);
            }
        }
        for (sheet, header, vals) in &self.extra {
            let mut col = schema.sheets[0].columns[0].clone();
            col.header = header.clone();
            col.key = format!("extra_{header}");
            col.col_type = pmf::schema::ColType::Text;
            col.list = None;
            col.list_index = None;
            schema.sheets[*sheet].columns.push(col);
            let rows = if *sheet == 0 { &mut c.cohort } else { &mut c.offences };
            for (r, v) in rows.iter_mut().zip(vals.iter().chain(std::iter::repeat(&None))) {
                r.push(v.clone());
            }
        }
        let bytes = returnbook::to_bytes(&schema, &c, NaiveDate::from_ymd_opt(2008, 4, 7).unwrap()).expect("write");
        std::fs::write(path, bytes).expect("write file");
    }

    /// Validate this return alone.
    pub fn issues(&self) -> Vec<Issue> {
        check_all(std::slice::from_ref(self)).remove(0).issues().expect("issues")
    }

    pub fn checked(&self) -> Checked {
        check_all(std::slice::from_ref(self)).remove(0)
    }
}

pub fn fixture_register() -> Register {
    Register::from_path(&fixtures().join("schemes.csv")).expect("register")
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Validate several returns together (file names r0.xlsx, r1.xlsx, ...).
pub fn check_all(rets: &[Ret]) -> Vec<Checked> {
    let dir = tempfile::tempdir().expect("tempdir");
    let files: Vec<Found> = rets
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let path = dir.path().join(format!("r{i}.xlsx"));
            r.write(&path);
            Found { display: format!("r{i}.xlsx"), path }
        })
        .collect();
    let whole = check_files(&files, &Options::default());
    // `pmf validate` keeps only each person's span, and `pmf report` whole
    // rows only for the latest month: the same issues, verdicts, counts
    // and spans every way.
    let spans = check_files(&files, &Options { people: Keep::Spans, ..Options::default() });
    let latest = check_files(&files, &Options { people: Keep::Latest, ..Options::default() });
    // Usable as read: a superseded return was, and so was one rejected by
    // the checks across returns (X02).
    let usable = |c: &Checked| c.verdict != validate::Verdict::Rejected || c.issues().expect("issues").iter().any(|i| i.rule.id() == "X02");
    let last = whole.iter().filter(|c| usable(c)).filter_map(|c| c.meta.period).max();
    for ((a, b), l) in whole.iter().zip(&spans).zip(&latest) {
        for other in [b, l] {
            assert_eq!((&a.issues().expect("issues"), a.verdict, a.rows()), (&other.issues().expect("issues"), other.verdict, other.rows()), "{}", a.file);
            assert_eq!(a.spans, other.all_spans().expect("spans").as_ref(), "{}", a.file);
        }
        assert_eq!(a.spans, a.people.iter().map(pmf::validate::Span::of).collect::<Vec<_>>(), "{}", a.file);
        assert_eq!(a.spans.len(), a.cohort.accepted as usize, "{}: a span per accepted Cohort row", a.file);
        // `pmf validate` sets its spans aside, and reads them back.
        assert!(b.spans.is_empty() && (b.shelved_spans.is_some() || a.spans.is_empty()), "{}: validate held its spans", a.file);
        assert!(b.people.is_empty() && b.offences.is_empty(), "{}: validate kept whole rows", a.file);
        let latest = usable(l) && l.meta.period == last;
        let want = if latest { &a.people } else { &Vec::new() };
        assert_eq!(&l.people, want, "{}: whole rows kept for the wrong months", a.file);
        let want = if latest { &a.offences } else { &Vec::new() };
        assert_eq!(&l.offences, want, "{}: offences kept for the wrong months", a.file);
        assert_eq!(a.recorded as usize, a.offences.iter().filter(|o| !o.adoption_history).count(), "{}", a.file);
    }
    whole
}

pub fn check_files(files: &[Found], opts: &Options) -> Vec<Checked> {
    let schema = Schema::pmf1().expect("schema");
    validate::validate_all(files, &schema, &fixture_register(), opts, &|| {}).expect("validate")
}

/// `C03@Cohort!E2` style summary of issues, for one-line assertions.
pub fn summary(issues: &[Issue]) -> Vec<String> {
    issues
        .iter()
        .map(|i| if i.cell.is_empty() { format!("{}@{}", i.rule.id(), i.sheet) } else { format!("{}@{}!{}", i.rule.id(), i.sheet, i.cell) })
        .collect()
}

/// Every file of a folder, by relative path.
pub fn files(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(root).unwrap().display().to_string(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}
