//! Every validation rule of spec §3: a case that makes it fire, exactly where
//! (rule@sheet!cell), and a valid twin that does not. One helper, one line a
//! case; the base return is valid.

mod common;
use common::{check_all, d, n, summary, t, Ret};
use pmf::validate::Verdict;

/// (case, the return, the issues it must give: exactly these, in order)
fn cases() -> Vec<(&'static str, Ret, Vec<&'static str>)> {
    let b = Ret::base;
    vec![
        ("base is valid", b(), vec![]),
        // Return sheet
        ("R01 scheme code missing", b().meta(0, None), vec!["R01@Return!B1"]),
        ("R01 scheme code unknown", b().meta(0, t("XX99")), vec!["R01@Return!B1"]),
        ("R01 twin: code in other case", b().meta(0, t(" tst01 ")), vec![]),
        ("R05 scheme name differs", b().meta(1, t("Testshire PPO")), vec!["R05@Return!B2"]),
        ("R05 twin: name in other case", b().meta(1, t("TESTSHIRE CENTRAL PPO")), vec![]),
        ("R02 period unreadable", b().meta(2, t("March")), vec!["R02@Return!B3"]),
        ("R02 twin: period as Mar 2008", b().meta(2, t("Mar 2008")), vec![]),
        ("R02 twin: period as a date", b().meta(2, d("2008-03-15")), vec![]),
        ("R02 outside active months", b().meta(0, t("TST03")).meta(1, t("Oldtown PPO")).meta(2, t("2008-07")).meta(3, d("2008-08-07")),
            vec!["R02@Return!B3", "C05@Offences!J2", "C05@Offences!J3", "C05@Offences!J4"]),
        ("R02 twin: inside active months", b().meta(0, t("TST03")).meta(1, t("Oldtown PPO")), vec![]),
        ("R04 submitted missing", b().meta(3, None), vec!["R04@Return!B4"]),
        ("R04 submitted before period", b().meta(3, d("2008-02-29")), vec!["R04@Return!B4"]),
        ("R04 twin: submitted on the first day", b().meta(3, d("2008-03-01")), vec![]),
        ("R04 submitted unreadable", b().meta(3, t("next week")), vec!["R04@Return!B4"]),
        ("R03 template version", b().meta(4, t("PMF-0")), vec!["R03@Return!B5"]),
        ("R03 twin: version in lower case", b().meta(4, t("pmf-1")), vec![]),
        // Cells
        ("C01 required value missing", b().cohort(0, "Gender", None), vec!["C01@Cohort!C2", "D03@Offences!A2"]),
        ("C01 offence ref missing", b().offence(0, "Offence ref", None), vec!["C01@Offences!B2"]),
        ("C02 not a date", b().cohort(0, "Date of birth", t("15th June 1985")), vec!["C02@Cohort!B2", "D03@Offences!A2"]),
        ("C02 twin: UK text date", b().cohort(0, "Date of birth", t("15/06/1985")), vec![]),
        ("C02 twin: text date with month name", b().cohort(0, "Date of birth", t("15 June 1985")), vec![]),
        ("C02 fraction", b().cohort(0, "Selection score", n(4.5)), vec!["C02@Cohort!Q2", "D03@Offences!A2"]),
        ("C02 negative", b().cohort(0, "Selection score", n(-1.0)), vec!["C02@Cohort!Q2", "D03@Offences!A2"]),
        ("C02 twin: number as text", b().cohort(0, "Selection score", t(" 42 ")), vec![]),
        ("C02 twin: 12.0 as text", b().cohort(0, "Selection score", t("12.0")), vec![]),
        ("C03 code not in list", b().cohort(0, "Strand", t("XX")), vec!["C03@Cohort!E2", "D03@Offences!A2"]),
        ("C03 twin: label", b().cohort(0, "Strand", t("catch & bring to justice")), vec![]),
        ("C03 twin: Yes for Y", b().cohort(0, "Offender manager", t("Yes")), vec![]),
        ("C03 U where only Y/N", b().cohort(0, "Offender manager", t("U")), vec!["C03@Cohort!J2", "D03@Offences!A2"]),
        ("C04 wrong check letter", b().cohort(0, "PPO ID", t("2001/0123456G")), vec!["C04@Cohort!A2", "D03@Offences!A2"]),
        ("C04 short serial without slash", b().cohort(0, "PPO ID", t("01123456F")), vec!["C04@Cohort!A2", "D03@Offences!A2"]),
        ("C04 twin: short form with slash", b().cohort(0, "PPO ID", t("01/123456f")), vec![]),
        ("C05 age under 10", b().cohort(0, "Date of birth", d("2000-01-01")), vec!["C05@Cohort!B2", "D03@Offences!A2"]),
        ("C05 twin: age exactly 10", b().cohort(0, "Date of birth", d("1998-03-31")).cohort(0, "Strand", t("PD")), vec![]),
        ("C05 adopted after period end", b().cohort(0, "Date adopted", d("2008-04-01")), vec!["C05@Cohort!F2", "D03@Offences!A2"]),
        ("C05 twin: adopted on the last day", b().cohort(0, "Date adopted", d("2008-03-31")), vec![]),
        ("C05 date before 1900", b().cohort(0, "Assessment date", t("31/12/1899")), vec!["C05@Cohort!L2", "D03@Offences!A2"]),
        ("C05 recorded before period", b().offence(0, "Recorded date", d("2008-02-29")), vec!["C05@Offences!J2"]),
        ("C05 recorded after period", b().offence(0, "Recorded date", d("2008-04-01")), vec!["C05@Offences!J2", "Q03@Offences!J2"]),
        ("C06 deselected before adopted", b().cohort(1, "Date deselected", d("2007-04-09")), vec!["C06@Cohort!G3"]),
        ("C06 twin: deselected on adoption day", b().cohort(1, "Date deselected", d("2007-04-10")), vec![]),
        ("C06 outcome before offence", b().offence(0, "Outcome date", d("2008-02-01")),
            vec!["C06@Offences!D2", "C06@Offences!I2", "Q03@Offences!J2"]),
        ("C06 arrest after charge", b().offence(0, "Arrest date", d("2008-02-13")), vec!["C06@Offences!H2"]),
        ("C06 charge before offence", b().offence(0, "Charge date", d("2008-02-09")), vec!["C06@Offences!H2", "C06@Offences!I2"]),
        ("C07 reason without deselection", b().cohort(0, "Deselection reason", t("OTHER")), vec!["C07@Cohort!H2", "D03@Offences!A2"]),
        ("C07 deselected: reason missing, status present", b().cohort(0, "Date deselected", d("2008-03-25")),
            vec!["C07@Cohort!H2", "C07@Cohort!I2", "D03@Offences!A2"]),
        ("C07 status missing", b().cohort(0, "Status", None), vec!["C07@Cohort!I2", "D03@Offences!A2"]),
        ("C07 custody start missing", b().cohort(3, "Custody start date", None), vec!["C07@Cohort!K5", "D03@Offences!A4"]),
        ("C07 twin: custody start with other status", b().cohort(0, "Custody start date", d("2008-01-01")), vec![]),
        ("C07 drug treatment missing", b().cohort(0, "In drug treatment", None), vec!["C07@Cohort!N2", "D03@Offences!A2"]),
        ("C07 disposal missing", b().offence(0, "Disposal", None), vec!["C07@Offences!G2"]),
        ("C07 twin: no disposal for a caution", b().offence(1, "Disposal", None), vec![]),
        // Duplicates and links
        ("D01 PPO ID twice", b().add_cohort_row(0), vec!["D01@Cohort!A2", "D01@Cohort!A6", "D03@Offences!A2"]),
        ("D02 offence ref twice", b().add_offence_row(0), vec!["D02@Offences!B2", "D02@Offences!B5"]),
        ("D02 twin: same ref, other PPO", b().add_offence_row(2).offence(3, "PPO ID", t("2001/0123456F")), vec![]),
        ("D03 PPO not on Cohort", b().offence(0, "PPO ID", t("1995/3333333H")), vec!["D03@Offences!A2"]),
        // Quality warnings
        ("Q01 statutory, no offender manager", b().cohort(0, "Offender manager", t("N")), vec!["Q01@Cohort!J2"]),
        ("Q02 under 18 on Catch & Convict", b().cohort(2, "Strand", t("CC")), vec!["Q02@Cohort!E4"]),
        ("Q02 adult on Prevent & Deter", b().cohort(0, "Strand", t("PD")), vec!["Q02@Cohort!E2"]),
        ("Q03 recorded 9 days after outcome", b().offence(0, "Recorded date", d("2008-03-14")), vec!["Q03@Offences!J2"]),
        ("Q03 twin: recorded 7 days after", b().offence(0, "Recorded date", d("2008-03-12")), vec![]),
        ("Q03 twin: adoption history", b().offence(1, "Recorded date", d("2008-03-30")), vec![]),
    ]
}

#[test]
fn every_rule_fires_where_it_should_and_not_on_its_twin() {
    let mut failures = Vec::new();
    for (name, ret, want) in cases() {
        let got = summary(&ret.issues());
        if got != want {
            failures.push(format!("{name}: want {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn file_and_header_rules() {
    let mut r = Ret::base();
    r.schema.sheets[1].name = "Offence list".into();
    assert_eq!(summary(&r.issues()), vec!["F02@Offences"]);

    let mut r = Ret::base();
    r.drop.push((0, "Gender".into()));
    let c = r.checked();
    assert_eq!(summary(&c.issues().expect("issues")), vec!["F03@Cohort"]);
    assert_eq!(c.verdict, Verdict::Rejected);
    assert_eq!((c.rows().read, c.rows().excluded), (7, 7));

    let mut r = Ret::base();
    r.drop.push((0, "Selection score".into()));
    assert_eq!(summary(&r.issues()), Vec::<String>::new(), "an optional column may be absent");

    let mut r = Ret::base();
    r.extra.push((0, "Notes".into(), vec![t("moved house")]));
    assert_eq!(summary(&r.issues()), vec!["F04@Cohort!R1"]);

    let mut r = Ret::base();
    r.extra.push((0, " gender ".into(), vec![]));
    assert_eq!(summary(&r.issues()), vec!["F03@Cohort!R1"]);
}

#[test]
fn rejected_returns_still_report_their_rows() {
    let c = Ret::base().meta(4, t("PMF-9")).cohort(0, "Strand", t("XX")).checked();
    assert_eq!(summary(&c.issues().expect("issues")), vec!["R03@Return!B5", "C03@Cohort!E2", "D03@Offences!A2"]);
    assert_eq!(c.verdict, Verdict::Rejected);
    assert!(c.people.is_empty() && c.offences.is_empty());
}

#[test]
fn row_errors_exclude_rows_and_the_totals_reconcile() {
    let c = Ret::base().cohort(1, "Gender", t("Q")).offence(2, "Outcome", t("FINED")).checked();
    assert_eq!(c.verdict, Verdict::AcceptedWithExcludedRows);
    assert_eq!((c.cohort.read, c.cohort.accepted, c.cohort.excluded), (4, 3, 1));
    assert_eq!((c.offence_rows.read, c.offence_rows.accepted, c.offence_rows.excluded), (3, 2, 1));
    assert_eq!(c.people.len(), 3);
    assert_eq!(c.offences.len(), 2);
}

#[test]
fn strict_rejects_on_any_error() {
    let ret = Ret::base().cohort(1, "Gender", t("Q"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.xlsx");
    ret.write(&path);
    let files = vec![pmf::ingest::Found { display: "r.xlsx".into(), path }];
    let opts = pmf::validate::Options { strict: true, ..Default::default() };
    let c = common::check_files(&files, &opts).remove(0);
    assert_eq!(c.verdict, Verdict::Rejected);
    assert_eq!(c.rows().accepted, 0);
}

/// The February return: people 0 and 3 active, no offences.
fn february() -> Ret {
    Ret::base()
        .meta(2, t("2008-02"))
        .meta(3, d("2008-03-07"))
        .remove_cohort_row(2)
        .remove_cohort_row(1)
        .remove_offence_row(2)
        .remove_offence_row(1)
        .remove_offence_row(0)
}

#[test]
fn x01_a_later_return_supersedes() {
    let later = Ret::base().meta(3, d("2008-04-10"));
    let c = check_all(&[Ret::base(), later]);
    assert_eq!(summary(&c[0].issues().expect("issues")), vec!["X01@"]);
    assert_eq!(c[0].verdict, Verdict::Superseded);
    assert_eq!(c[1].verdict, Verdict::Accepted);
    assert!(c[1].issues().expect("issues").is_empty());
}

#[test]
fn x01_a_rejected_later_return_does_not_supersede() {
    let later = Ret::base().meta(3, d("2008-04-10")).meta(4, t("PMF-0"));
    let c = check_all(&[Ret::base(), later]);
    assert_eq!(c[0].verdict, Verdict::Accepted);
    assert!(c[0].issues().expect("issues").is_empty());
}

#[test]
fn x02_same_submitted_date_uses_neither() {
    let c = check_all(&[Ret::base(), Ret::base()]);
    assert_eq!(summary(&c[0].issues().expect("issues")), vec!["X02@"]);
    assert_eq!(summary(&c[1].issues().expect("issues")), vec!["X02@"]);
    assert!(c.iter().all(|r| r.verdict == Verdict::Rejected));
}

#[test]
fn x03_a_person_lost_between_months() {
    let march = Ret::base().remove_cohort_row(3).remove_offence_row(2);
    let c = check_all(&[february(), march]);
    assert_eq!(summary(&c[1].issues().expect("issues")), vec!["X03@Cohort"]);
    assert_eq!(c[1].issues().expect("issues")[0].value, "2003/0000042Q");
    let c = check_all(&[february(), Ret::base()]);
    assert!(c[1].issues().expect("issues").is_empty(), "twin: everyone still listed");
    // Listed on an excluded row: not lost, the row's own error says what to fix.
    let c = check_all(&[february(), Ret::base().cohort(3, "Strand", t("XX"))]);
    let rules: Vec<&str> = c[1].issues().expect("issues").iter().map(|i| i.rule.id()).collect();
    assert!(rules.contains(&"C03") && !rules.contains(&"X03"), "{rules:?}");
}

#[test]
fn x04_one_person_on_two_schemes() {
    let other = Ret::base().meta(0, t("TST02")).meta(1, t("Testshire City PPO")).remove_cohort_row(3).remove_cohort_row(2).remove_cohort_row(1).remove_offence_row(2).remove_offence_row(1).remove_offence_row(0);
    let c = check_all(&[Ret::base(), other.clone()]);
    assert_eq!(summary(&c[0].issues().expect("issues")), vec!["X04@Cohort!A2"]);
    assert_eq!(summary(&c[1].issues().expect("issues")), vec!["X04@Cohort!A2"]);
    // Twin: deselected from the other scheme the day before adoption here.
    let handed_over = other.cohort(0, "Date adopted", d("2008-02-01")).cohort(0, "Date deselected", d("2008-02-29"))
        .cohort(0, "Deselection reason", t("TRANSFERRED")).cohort(0, "Status", None);
    let twin = Ret::base().cohort(0, "Date adopted", d("2008-03-01"));
    let c = check_all(&[twin, handed_over]);
    assert!(c.iter().all(|r| r.issues().expect("issues").is_empty()), "{:?}", c.iter().map(|r| summary(&r.issues().expect("issues"))).collect::<Vec<_>>());
}

#[test]
fn x03_compares_with_the_same_schemes_return_of_the_month_before() {
    // Only another scheme returned for February: nobody on this scheme was
    // active at February's end, so nobody is lost.
    let other_feb = february().meta(0, t("TST02")).meta(1, t("Testshire City PPO"));
    let march = Ret::base().remove_cohort_row(3).remove_offence_row(2);
    let c = check_all(&[other_feb, march.clone()]);
    assert!(!summary(&c[1].issues().expect("issues")).iter().any(|s| s.starts_with("X03")), "{:?}", summary(&c[1].issues().expect("issues")));
    // The same February from this scheme: person 42 is lost.
    let c = check_all(&[february(), march]);
    assert_eq!(summary(&c[1].issues().expect("issues")), vec!["X03@Cohort"]);
}

#[test]
fn x03_and_x04_on_one_return_come_in_report_order() {
    let march = Ret::base().remove_cohort_row(3).remove_offence_row(2);
    let other = Ret::base().meta(0, t("TST02")).meta(1, t("Testshire City PPO")).remove_cohort_row(3).remove_cohort_row(2).remove_cohort_row(1).remove_offence_row(2).remove_offence_row(1).remove_offence_row(0);
    let c = check_all(&[february(), march, other]);
    assert_eq!(summary(&c[1].issues().expect("issues")), vec!["X03@Cohort", "X04@Cohort!A2"]);
}

#[test]
fn x05_an_offence_corrected_in_a_later_return() {
    let feb_offence = vec![t("2001/0123456F"), t("CR/0009/08"), d("2008-01-10"), d("2008-02-05"), t("CONVICTION"), t("SHOPLIFTING"), t("FINE"), None, None, d("2008-02-06")];
    let mut corrected = feb_offence.clone();
    corrected[5] = t("THEFT_OTHER");
    corrected[9] = d("2008-03-06");
    let mut same = feb_offence.clone();
    same[9] = d("2008-03-06");
    let c = check_all(&[february().push_offence(feb_offence.clone()), Ret::base().push_offence(corrected)]);
    // The correction was recorded a month after the outcome: Q03 too.
    assert_eq!(summary(&c[1].issues().expect("issues")), vec!["X05@Offences!B5", "Q03@Offences!J5"]);
    assert!(c[1].issues().expect("issues")[0].message.contains("Offence category"));
    let c = check_all(&[february().push_offence(feb_offence), Ret::base().push_offence(same)]);
    assert_eq!(summary(&c[1].issues().expect("issues")), vec!["Q03@Offences!J5"], "twin: only the Recorded date differs, no X05");
}

#[test]
fn text_from_the_file_is_escaped_and_shortened_in_issues() {
    let mut r = Ret::base();
    let long = format!("Notes\u{7}{}", "x".repeat(300));
    r.extra.push((0, long, vec![]));
    let i = r.issues().remove(0);
    assert_eq!(i.rule.id(), "F04");
    for text in [i.column.as_str(), i.value.as_str(), i.message.as_str()] {
        assert!(!text.contains('\u{7}'), "{text}");
        assert!(text.chars().count() < 250, "{text}");
    }
}
