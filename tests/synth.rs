//! `pmf synth`: the generated returns are reproducible, validate with no
//! error, and carry the briefed extras (a resubmission, a missing month, a
//! transfer, a late-starting scheme with first-return history).

use pmf::calendar::Month;
use pmf::ingest;
use pmf::issue::{Rule, Severity};
use pmf::register::Register;
use pmf::schema::Schema;
use pmf::synth::{self, Config};
use pmf::validate::{self, Checked, Options};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn cfg(schemes: u32, months: u32, seed: u64) -> Config {
    Config { schemes, months, start: Month::parse_iso("2007-04").expect("month"), seed }
}

fn generate(dir: &Path, c: &Config) -> usize {
    let schema = Schema::pmf1().expect("schema");
    synth::write(dir, c, &schema).expect("synth")
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("prefix").to_path_buf();
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn validate_dir(dir: &Path) -> Vec<Checked> {
    let schema = Schema::pmf1().expect("schema");
    let register = Register::from_path(&dir.join("schemes.csv")).expect("register");
    let (found, _skipped) = ingest::discover(&[dir.to_path_buf()]).expect("discover");
    validate::validate_all(&found, &schema, &register, &Options::default(), &|| {}).expect("validate")
}

#[test]
fn same_seed_gives_byte_identical_files() {
    let (a, b) = (tempfile::tempdir().expect("tmp"), tempfile::tempdir().expect("tmp"));
    let c = cfg(4, 8, 7);
    let n = generate(a.path(), &c);
    assert_eq!(generate(b.path(), &c), n);
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.len(), n + 1, "the returns and schemes.csv");
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        assert!(fb.get(path) == Some(bytes), "{} differs between two runs", path.display());
    }
    // 4 schemes × 8 months, less the late starter's 6 and the missing month,
    // plus the resubmission's second version.
    assert_eq!(n, 4 * 8 - 6 - 1 + 1);
    let other = tempfile::tempdir().expect("tmp");
    generate(other.path(), &cfg(4, 8, 8));
    let fo = files(other.path());
    assert!(fa.iter().any(|(p, b)| fo.get(p) != Some(b)), "another seed should give other returns");
}

#[test]
fn generated_returns_validate_with_only_the_expected_warnings() {
    let dir = tempfile::tempdir().expect("tmp");
    let c = cfg(6, 9, 3);
    let n = generate(dir.path(), &c);
    let checked = validate_dir(dir.path());
    assert_eq!(checked.len(), n);
    let errors: Vec<String> = checked
        .iter()
        .flat_map(|c| c.issues().expect("issues"))
        .filter(|i| i.severity == Severity::Error)
        .map(|i| format!("{} {} {} {}: {}", i.rule.id(), i.file, i.sheet, i.cell, i.message))
        .collect();
    assert!(errors.is_empty(), "errors:\n{}", errors.join("\n"));
    for c in &checked {
        assert_eq!(c.cohort.excluded + c.offence_rows.excluded, 0, "{}", c.file);
        for i in &c.issues().expect("issues") {
            assert!(
                matches!(i.rule, Rule::Q01 | Rule::Q02 | Rule::Q03 | Rule::X01),
                "unexpected {} in {}: {}",
                i.rule.id(),
                i.file,
                i.message
            );
        }
    }

    let s = synth::summary(&c).expect("summary");
    assert_eq!(s.returns, n);
    let by_place = |code: &str, m: Month| -> Vec<&Checked> {
        checked.iter().filter(|c| c.meta.scheme.as_deref() == Some(code) && c.meta.period == Some(m)).collect()
    };

    // The resubmission: X01 on the first version only, one offence row more in v2.
    let (code, month) = s.resubmitted.clone().expect("a resubmission");
    let both = by_place(&code, month);
    assert_eq!(both.len(), 2);
    let x01: Vec<&str> =
        checked.iter().filter(|c| c.issues().expect("issues").iter().any(|i| i.rule == Rule::X01)).map(|c| c.file.as_str()).collect();
    assert_eq!(x01.len(), 1);
    assert!(x01[0].ends_with(&format!("{code}_{month}.xlsx")), "{x01:?}");
    let (v1, v2) = if both[0].file.ends_with("_v2.xlsx") { (both[1], both[0]) } else { (both[0], both[1]) };
    assert_eq!(v2.offence_rows.read, v1.offence_rows.read + 1);
    assert!(v2.meta.submitted_on > v1.meta.submitted_on);
    assert_eq!(v1.verdict, validate::Verdict::Superseded);

    // The missing month: no return, and the next one is there.
    let (code, month) = s.missing.clone().expect("a missing month");
    assert!(by_place(&code, month).is_empty());
    assert_eq!(by_place(&code, month.next()).len(), 1);

    // The transfer: deselected TRANSFERRED on day d from A, adopted on d + 1 by B.
    let (from, to, pnc, day) = s.transfer.clone().expect("a transfer");
    let m = Month::of(day);
    let left = by_place(&from, m)[0].people.iter().find(|p| p.ppo_id == pnc).expect("listed by A");
    assert_eq!(left.date_deselected, Some(day));
    assert_eq!(
        left.deselection_reason.map(|c| c.as_str()),
        Some("TRANSFERRED")
    );
    let joined = by_place(&to, m)[0]
        .people
        .iter()
        .find(|p| p.ppo_id == pnc)
        .expect("listed by B");
    assert_eq!(joined.date_adopted, day.succ_opt().expect("day"));
    assert!(by_place(&from, m.next())[0].people.iter().all(|p| p.ppo_id != pnc));

    // The late starter's first return lists its cohort's history.
    let register = Register::from_path(&dir.path().join("schemes.csv")).expect("register");
    let late = register.schemes.iter().find(|x| x.active_from == c.start.add(6)).expect("a late starter");
    let first = by_place(&late.code, late.active_from);
    assert_eq!(first.len(), 1);
    assert!(first[0].offences.iter().any(|o| o.adoption_history && o.outcome_date < late.active_from.first_day()));
    assert!(by_place(&late.code, c.start).is_empty());
}

#[test]
fn register_has_the_requested_schemes_35_per_region() {
    let dir = tempfile::tempdir().expect("tmp");
    let c = cfg(37, 1, 1);
    let n = generate(dir.path(), &c);
    let register = Register::from_path(&dir.path().join("schemes.csv")).expect("register");
    assert_eq!(register.schemes.len(), 37);
    // One return each, but the late starter (active from start + 6 months).
    assert_eq!(n, 36);
    let count = |region: &str| register.schemes.iter().filter(|s| s.region == region).count();
    assert_eq!((count("North East"), count("North West")), (35, 2));
    assert!(register.get("NE01").is_some() && register.get("NE35").is_some() && register.get("NW02").is_some());
    let multi = register.schemes.iter().filter(|s| s.bcus >= 2).count();
    assert!((6..=20).contains(&multi), "about a third cover 2-4 BCUs: {multi}");
    assert!(register.schemes.iter().all(|s| (1..=3).contains(&s.cdrps.len()) && (1..=4).contains(&s.bcus)));
    assert!(register.schemes.iter().any(|s| s.ni30_target_pct.is_none()));
    for s in register.schemes.iter().filter(|s| s.ni30_target_pct.is_some()) {
        let t = s.ni30_target_pct.unwrap_or_default();
        assert!((15.0..=25.0).contains(&t));
        assert_eq!(s.ni30_stretch_pct, Some(t + 5.0));
    }
    let mut names: Vec<&str> = register.schemes.iter().map(|s| s.name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 37, "scheme names are unique");
}

#[test]
fn cohorts_drift_around_their_size() {
    let s = synth::summary(&cfg(8, 30, 1)).expect("summary");
    for (code, bcus, target, active) in &s.schemes {
        let (lo, hi) = (f64::from(*target) * 0.6, f64::from(*target) * 1.4 + 3.0);
        assert!((lo..=hi).contains(&(*active as f64)), "{code} ({bcus} BCUs): {active} active against a target of {target}");
    }
    let recorded: Vec<usize> = s.offence_rows.iter().map(|(_, all, hist)| all - hist).collect();
    assert!(recorded.iter().all(|&n| n > 0), "offences are recorded every month: {recorded:?}");
}
