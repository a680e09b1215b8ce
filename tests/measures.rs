//! Known-answer tests for the measures (§4.2, §5, §10), each figure worked
//! by hand in a comment. The base return is TST01 for March 2008 (see
//! tests/common): people P0 (CC, community), P1 (RR, deselected 20/03),
//! P2 (PD, adopted 03/03, aged 16) and P3 (CC, sentenced custody since
//! 15/01/2008); offences O0 (P0, shoplifting, fine), O1 (P2, adoption
//! history, caution) and O2 (P3, burglary, custody).

mod common;
use common::{d, fixture_register, t, Ret};
use pmf::calendar::Month;
use pmf::measure::{self, Config, Flag, Level, Measure, Value};
use pmf::schema::Schema;
use pmf::validate;

/// Validate the returns together, keep months up to P, and compute P's measures.
fn measures(rets: &[Ret], p: &str, tweak: impl Fn(&mut Config)) -> Vec<Measure> {
    let schema = Schema::pmf1().unwrap();
    let register = fixture_register();
    let period = Month::parse_iso(p).unwrap();
    let mut checked = common::check_all(rets);
    checked.retain(|c| c.meta.period.is_none_or(|m| m <= period));
    let combined = validate::finish(&mut checked, &schema, &register).expect("finish");
    let input = measure::Input::new(&checked, &combined, &register, &schema, None);
    let mut cfg = Config::new(period);
    tweak(&mut cfg);
    measure::compute(&input, &cfg).unwrap()
}

/// (value, numerator, denominator, flag) as text, for one-line assertions.
fn get(ms: &[Measure], level: Level, code: &str, name: &str) -> String {
    let m = ms.iter().find(|m| m.level == level && m.area_code == code && m.measure == name);
    let Some(m) = m else { return "absent".into() };
    let v = match &m.value {
        Value::Empty => String::new(),
        Value::Num(x) => format!("{}", (x * 1e6).round() / 1e6),
        Value::Code(c) => c.clone(),
    };
    let n = |x: Option<f64>| x.map(|x| format!("{}", (x * 1e6).round() / 1e6)).unwrap_or_default();
    let f = match m.flag {
        Flag::None => "",
        Flag::C => "c",
        Flag::X => "x",
        Flag::Z => "z",
    };
    format!("{v}|{}|{}|{f}", n(m.numerator), n(m.denominator))
}

fn scheme(ms: &[Measure], name: &str) -> String {
    get(ms, Level::Scheme, "TST01", name)
}

#[test]
fn headline_measures_of_the_base_return() {
    let ms = measures(&[Ret::base()], "2008-03", |_| {});
    let cases = [
        // Active at 31/03/2008: P0, P2, P3 (P1 left on 20/03). The group (CC, RR): P0, P3.
        ("cohort_active", "2|||"),
        ("cohort_active_cc", "2|||"),
        ("cohort_active_rr", "0|||"),
        ("cohort_active_pd", "1|||"),
        // One BCU, 2 < 15.
        ("cohort_band_status", "BELOW_MINIMUM|||"),
        // P2 adopted in March; P1 deselected in March, moved away.
        ("adopted", "1|||"),
        ("deselected", "1|||"),
        ("deselected_moved_away", "1|||"),
        ("deselected_transferred", "0|||"),
        ("throughput", "4|||"),
        ("status_community", "1|||"),
        ("status_custody_sentenced", "1|||"),
        ("status_non_statutory", "1|||"),
        ("status_wanted", "0|||"),
        // 1 in custody of 3 active.
        ("custody_pct", "33.333333|1|3|"),
        // Statutory: P0 (community) and P3 (sentenced), both with a manager.
        ("offender_manager_pct", "100|2|2|"),
        // Custody started in January (P-2): P3 on 15/01, assessed 20/02: 36 days.
        ("assessment_8wk_pct", "100|1|1|"),
        // Drug misusers Y: P0, P3 of 3 (P2 is U); in treatment: P0.
        ("drug_misuser_pct", "66.666667|2|3|"),
        ("drug_treatment_pct", "50|1|2|"),
        // O0 and O2; O1 is adoption history.
        ("offences_recorded", "2|||"),
        ("ppos_with_offence", "2|||"),
        ("offences_shoplifting", "1|||"),
        ("offences_burglary_dwelling", "1|||"),
        ("offences_criminal_damage", "0|||"),
        ("offences_custody_pct", "50|1|2|"),
        // O0: 12/02 to 05/03 = 22 days; O2: 03/01 to 03/03 = 60 days; median 41.
        ("charge_to_outcome_median_days", "41||2|"),
        // O0 recorded 1 day after its outcome, O2 2 days.
        ("recorded_within_7_days_pct", "100|2|2|"),
        // 335 + 28 + 212 = 575 days = 18.891170 months over 3 people.
        ("time_on_scheme_mean_months", "6.297057|18.89117|3|"),
        // P1: 10/04/2007 to 20/03/2008 = 345 days = 11.334702 months.
        ("time_on_scheme_mean_months_deselected", "11.334702|11.334702|1|"),
        // Ages 22, 16, 38.
        ("mean_age", "25.333333|76|3|"),
        ("age_10_17", "1|||"),
        ("age_21_24", "1|||"),
        ("age_30_39", "1|||"),
        ("age_40_plus", "0|||"),
        ("gender_m", "3|||"),
        ("gender_f", "0|||"),
        ("ethnicity_w", "1|||"),
        ("ethnicity_a", "1|||"),
        ("ethnicity_ns", "1|||"),
        ("ethnicity_b", "0|||"),
        // Due by the sixth weekday of April 2008, Tuesday 8 April; submitted 7 April.
        ("returns_expected", "1|||"),
        ("returns_received", "1|||"),
        ("returns_on_time", "1|||"),
        ("returns_late", "0|||"),
        ("returns_missing", "0|||"),
        // Scores 42 + 55; P2 has none.
        ("selection_score_total", "97|||"),
        ("selection_score_mean", "48.5|97|2|"),
        // Known accommodation: settled, settled, NFA. Known ETE: none, training, none.
        ("accommodation_settled_pct", "66.666667|2|3|"),
        ("ete_employed_pct", "0|0|3|"),
    ];
    let mut bad = Vec::new();
    for (name, want) in cases {
        let got = scheme(&ms, name);
        if got != want {
            bad.push(format!("{name}: want {want}, got {got}"));
        }
    }
    assert!(bad.is_empty(), "\n{}", bad.join("\n"));
}

#[test]
fn a_scheme_with_no_return_is_x_but_m12_and_throughput_are_computed() {
    let ms = measures(&[Ret::base()], "2008-03", |_| {});
    let s2 = |n| get(&ms, Level::Scheme, "TST02", n);
    assert_eq!(s2("cohort_active"), "|||x");
    assert_eq!(s2("custody_pct"), "|||x");
    assert_eq!(s2("returns_expected"), "1|||");
    assert_eq!(s2("returns_missing"), "1|||");
    assert_eq!(s2("throughput"), "0|||");
    // Region: the sums of its schemes; 3 expected (TST03 is active to 2008-06), 1 received.
    assert_eq!(get(&ms, Level::Region, "North East", "returns_expected"), "3|||");
    assert_eq!(get(&ms, Level::Region, "North East", "returns_missing"), "2|||");
    assert_eq!(get(&ms, Level::Region, "North East", "custody_pct"), "33.333333|1|3|");
    assert_eq!(get(&ms, Level::Region, "North East", "schemes_below_minimum"), "1|||");
    assert_eq!(get(&ms, Level::National, "national", "cohort_active"), "2|||");
}

#[test]
fn edge_cases_of_flows_and_activity() {
    // P0 adopted and deselected in March; P3 deselected on the last day.
    let r = Ret::base()
        .cohort(0, "Date adopted", d("2008-03-05")).cohort(0, "Date deselected", d("2008-03-25"))
        .cohort(0, "Deselection reason", t("OTHER")).cohort(0, "Status", None)
        .cohort(3, "Date deselected", d("2008-03-31")).cohort(3, "Deselection reason", t("LONG_CUSTODY")).cohort(3, "Status", None)
        .remove_offence_row(0);
    let ms = measures(&[r], "2008-03", |_| {});
    // Adopted: P0 and P2. Deselected: P0, P1, P3. Active: P2 only (PD), so the group is empty.
    assert_eq!(scheme(&ms, "adopted"), "2|||");
    assert_eq!(scheme(&ms, "deselected"), "3|||");
    assert_eq!(scheme(&ms, "deselected_long_custody"), "1|||");
    assert_eq!(scheme(&ms, "cohort_active"), "0|||");
    assert_eq!(scheme(&ms, "cohort_active_pd"), "1|||");
    // No statutory member active: a rate over zero is z, with its numerator and denominator.
    assert_eq!(scheme(&ms, "offender_manager_pct"), "|0|0|z");
    assert_eq!(scheme(&ms, "assessment_8wk_pct"), "|0|0|z");
    // O2 (P3's) is still recorded this month: P3 was on the scheme in March.
    assert_eq!(scheme(&ms, "offences_recorded"), "1|||");
}

#[test]
fn a_scheme_with_nobody_active_has_z_means_and_medians() {
    let r = Ret::base()
        .remove_cohort_row(3).remove_cohort_row(2).remove_cohort_row(0)
        .remove_offence_row(2).remove_offence_row(1).remove_offence_row(0);
    let ms = measures(&[r], "2008-03", |_| {});
    assert_eq!(scheme(&ms, "cohort_active"), "0|||");
    assert_eq!(scheme(&ms, "mean_age"), "|0|0|z");
    assert_eq!(scheme(&ms, "custody_pct"), "|0|0|z");
    assert_eq!(scheme(&ms, "charge_to_outcome_median_days"), "||0|z");
    assert_eq!(scheme(&ms, "selection_score_mean"), "|0|0|z");
}

#[test]
fn a_resubmitted_return_replaces_the_first() {
    let first = Ret::base().cohort(0, "Status", t("LICENCE"));
    let second = Ret::base().meta(3, d("2008-04-10"));
    let ms = measures(&[first, second], "2008-03", |_| {});
    assert_eq!(scheme(&ms, "status_licence"), "0|||");
    assert_eq!(scheme(&ms, "status_community"), "1|||");
    // On time by the first submission (7 April), although the correction came on the 10th.
    assert_eq!(scheme(&ms, "returns_on_time"), "1|||");
    assert_eq!(scheme(&ms, "returns_received"), "1|||");
}

/// A person on TST02 who moved from TST01 in March: TST01 deselects P0
/// (transferred) on 09/03, TST02 adopts them on 10/03.
#[test]
fn a_transferred_person_is_counted_once_nationally() {
    let from = Ret::base().cohort(0, "Date deselected", d("2008-03-09")).cohort(0, "Deselection reason", t("TRANSFERRED")).cohort(0, "Status", None).remove_offence_row(0);
    let to = Ret::base()
        .meta(0, t("TST02")).meta(1, t("Testshire City PPO"))
        .remove_cohort_row(3).remove_cohort_row(2).remove_cohort_row(1)
        .cohort(0, "Date adopted", d("2008-03-10"))
        .remove_offence_row(2).remove_offence_row(1);
    let ms = measures(&[from, to], "2008-03", |_| {});
    assert_eq!(scheme(&ms, "deselected_transferred"), "1|||");
    assert_eq!(get(&ms, Level::Scheme, "TST02", "adopted"), "1|||");
    // Throughput: TST01 saw 4 people, TST02 1; the region counts P0 once: 4.
    assert_eq!(get(&ms, Level::Scheme, "TST02", "throughput"), "1|||");
    assert_eq!(get(&ms, Level::Region, "North East", "throughput"), "4|||");
    // Active in the group at the end: TST01 has P3; TST02 has P0.
    assert_eq!(get(&ms, Level::Region, "North East", "cohort_active"), "2|||");
}

fn offence(ppo: &str, r: &str, committed: &str, proven: &str, outcome: &str, recorded: &str) -> Vec<Option<pmf::report::returnbook::Val>> {
    let disposal = if outcome == "CAUTION" { None } else { t("FINE") };
    vec![t(ppo), t(r), d(committed), d(proven), t(outcome), t("THEFT_OTHER"), disposal, None, None, d(recorded)]
}

/// Returns for NI 30 year 2008: the February 2008 snapshot (P0 and P3 on
/// CC), a June 2009 return and an October 2009 return.
fn ni30_returns() -> Vec<Ret> {
    let feb = Ret::base()
        .meta(2, t("2008-02")).meta(3, d("2008-03-07"))
        .remove_cohort_row(2).remove_cohort_row(1)
        .remove_offence_row(2).remove_offence_row(1).remove_offence_row(0)
        // Baseline window 01/10/2006 to 30/09/2007, proven by 31/03/2008.
        .push_offence(offence("2001/0123456F", "B1", "2007-01-10", "2007-03-01", "CONVICTION", "2008-02-05")) // counts
        .push_offence(offence("2001/0123456F", "B2", "2007-09-30", "2008-01-20", "CONVICTION", "2008-02-06")) // counts: last day
        .push_offence(offence("2001/0123456F", "B3", "2006-09-30", "2006-12-01", "CONVICTION", "2008-02-07")) // before the window
        .push_offence(offence("2003/0000042Q", "B4", "2007-05-05", "2007-06-01", "CAUTION", "2008-02-08")); // a caution
    let later = |period: &str, submitted: &str| {
        Ret::base()
            .meta(2, t(period)).meta(3, d(submitted))
            .remove_cohort_row(2).remove_cohort_row(1)
            .remove_offence_row(2).remove_offence_row(1).remove_offence_row(0)
    };
    let june = later("2009-06", "2009-07-03")
        // Follow-up 01/04/2008 to 31/03/2009, proven by 30/09/2009.
        .push_offence(offence("2001/0123456F", "F1", "2008-05-01", "2008-07-01", "CONVICTION", "2009-06-02")) // counts
        .push_offence(offence("2003/0000042Q", "F3", "2009-04-01", "2009-05-01", "CONVICTION", "2009-06-03")); // after the window
    let october = later("2009-10", "2009-11-03")
        .push_offence(offence("2001/0123456F", "F2", "2009-03-31", "2009-10-01", "CONVICTION", "2009-10-05")); // proven too late
    vec![feb, june, october]
}

#[test]
fn ni30_outturn_by_hand() {
    let ms = measures(&ni30_returns(), "2009-10", |_| {});
    let n = |name| scheme(&ms, name);
    // October 2009 is after September 2009: the 2008 year is complete (outturn);
    // the 2009 report year has no February 2009 return, so is not shown.
    assert_eq!(n("ni30_year"), "absent");
    assert_eq!(n("ni30_outturn_year"), "2008|||");
    // Cohort: P0 and P3, on CC and active on 01/02/2008.
    assert_eq!(n("ni30_outturn_cohort"), "2|||");
    // Baseline: B1, B2 and the caution B4 = 3. Follow-up: F1 only = 1.
    assert_eq!(n("ni30_outturn_baseline_offences"), "3|||");
    assert_eq!(n("ni30_outturn_followup_offences"), "1|||");
    // (3 - 1) / 3 = 66.67 %; 1 of 2 re-offended; 1 / 2 per PPO; 1 per re-offender.
    assert_eq!(n("ni30_outturn_reduction_pct"), "66.666667|2|3|");
    assert_eq!(n("ni30_outturn_reoffended_pct"), "50|1|2|");
    assert_eq!(n("ni30_outturn_offences_per_ppo"), "0.5|1|2|");
    assert_eq!(n("ni30_outturn_offences_per_reoffender"), "1|1|1|");
    // Target 20 %, stretch 26 %: both met.
    assert_eq!(n("ni30_outturn_target_met"), "Y|||");
    assert_eq!(n("ni30_outturn_stretch_met"), "Y|||");
    assert_eq!(n("ni30_outturn_cohort_deselected"), "0|||");
    // TST02 was active in February 2008 but sent no return: not available.
    assert_eq!(get(&ms, Level::Scheme, "TST02", "ni30_outturn_cohort"), "|||x");
    // The outturn rows equal the report-year rows of a run for that year.
    let same = measures(&ni30_returns(), "2009-10", |c| c.ni30_year = Some(2008));
    assert_eq!(scheme(&same, "ni30_reduction_pct"), "66.666667|2|3|");
    assert_eq!(scheme(&same, "ni30_outturn_year"), "absent");
}

#[test]
fn ni30_without_cautions_and_in_year() {
    let ms = measures(&ni30_returns(), "2009-10", |c| c.ni30_cautions = false);
    // Without B4: B = 2, F = 1: (2 - 1) / 2 = 50 %.
    assert_eq!(scheme(&ms, "ni30_outturn_reduction_pct"), "50|1|2|");
    // In June 2009 the 2008 year is not complete: rolling figure over 12 months.
    let ms = measures(&ni30_returns(), "2009-06", |c| c.ni30_year = Some(2008));
    assert_eq!(scheme(&ms, "ni30_rolling_months"), "12|||");
    assert_eq!(scheme(&ms, "ni30_rolling_followup_offences"), "1|||");
    assert_eq!(scheme(&ms, "ni30_rolling_baseline_offences"), "3|||");
    // Trajectory to a 20 % reduction: 3 x 12/12 x 0.8 = 2.4.
    assert_eq!(scheme(&ms, "ni30_trajectory_offences"), "2.4|||");
    assert_eq!(scheme(&ms, "ni30_followup_offences"), "absent");
}

/// A report computes many months from one input, and NI 30's cohorts are
/// worked out once per year for all of them: every month, in any order and
/// with either cautions switch, must get what the same returns give it on
/// an input of its own.
#[test]
fn every_month_of_a_report_gets_its_own_ni30_rolling_figure() {
    let schema = Schema::pmf1().unwrap();
    let register = fixture_register();
    let mut rets = ni30_returns();
    // F4: a follow-up offence on the last day of June 2008, the third month.
    rets[1] = rets[1].clone().push_offence(offence("2003/0000042Q", "F4", "2008-06-30", "2008-08-01", "CONVICTION", "2009-06-04"));
    let mut checked = common::check_all(&rets);
    let combined = validate::finish(&mut checked, &schema, &register).expect("finish");
    let shared = measure::Input::new(&checked, &combined, &register, &schema, None);
    let rolling = |input: &measure::Input<'_>, month: &str, cautions: bool| {
        let cfg = Config { ni30_cautions: cautions, ..Config::new(Month::parse_iso(month).unwrap()) };
        scheme(&measure::compute(input, &cfg).unwrap(), "ni30_rolling_reduction_pct")
    };
    // April 2008: m = 1, B = 3 (B1, B2, B4), 3 x 1/12 = 0.25 expected, none yet: 100 %.
    // May 2008: F1 (1 May) counts: (0.5 - 1) / 0.5 = -100 %. Without cautions B = 2.
    // June 2008: F4 (30 June) counts too: (0.75 - 2) / 0.75. March 2009: (3 - 2) / 3.
    let cases = [
        ("2008-05", true, "-100|-0.5|0.5|"),
        ("2008-04", true, "100|0.25|0.25|"),
        ("2008-06", true, "-166.666667|-1.25|0.75|"),
        ("2008-05", false, "-200|-0.666667|0.333333|"),
        ("2009-03", true, "33.333333|1|3|"),
    ];
    for (month, cautions, want) in cases {
        let fresh = measure::Input::new(&checked, &combined, &register, &schema, None);
        assert_eq!(rolling(&shared, month, cautions), want, "{month}, cautions {cautions}, on the shared input");
        assert_eq!(rolling(&fresh, month, cautions), want, "{month}, cautions {cautions}, on its own");
    }
}

/// A trend month computes only the trend measures of regions and the
/// nation (and skips NI 30's deselection count): they must equal the same
/// rows of that month's full computation, whatever the configuration.
#[test]
fn a_trend_month_equals_the_full_measures_of_that_month() {
    let schema = Schema::pmf1().unwrap();
    let register = fixture_register();
    let mut checked = common::check_all(&ni30_returns());
    let combined = validate::finish(&mut checked, &schema, &register).expect("finish");
    let input = measure::Input::new(&checked, &combined, &register, &schema, None);
    // As `pmf report` keeps the months before its own: spans and counts,
    // no whole rows or offences.
    let summaries: Vec<validate::Checked> = checked
        .iter()
        .cloned()
        .map(|mut c| {
            c.people.clear();
            c.offences.clear();
            c
        })
        .collect();
    let summarised = measure::Input::new(&summaries, &combined, &register, &schema, None);
    let mut recorded = 0;
    let configs: [fn(&mut Config); 4] = [
        |_| {},
        |c| c.region = Some("North East".into()),
        |c| c.suppress = Some(2),
        |c| c.ni30_cautions = false,
    ];
    for (k, tweak) in configs.iter().enumerate() {
        for month in ["2009-10", "2008-02", "2008-06", "2009-03", "2009-06"] {
            let mut cfg = Config::new(Month::parse_iso(month).unwrap());
            tweak(&mut cfg);
            let mut full = measure::compute(&input, &cfg).unwrap();
            full.retain(measure::in_trend);
            let trend = measure::trend(&input, &cfg).unwrap();
            assert!(trend.iter().any(|m| m.measure == "cohort_active"), "{month}: trend rows are there");
            assert!(trend.iter().all(|m| m.level != Level::Scheme), "{month}: no scheme rows");
            let rolling = trend.iter().any(|m| m.measure == "ni30_rolling_reduction_pct");
            assert_eq!(rolling, month == "2008-06" || month == "2009-03", "{month}: only in NI 30 year 2008 (April 2008 to March 2009)");
            assert_eq!(trend, full, "{month}, configuration {k}");
            assert_eq!(measure::trend(&summarised, &cfg).unwrap(), full, "{month}, configuration {k}, from summaries");
            recorded += full.iter().filter(|m| m.measure == "offences_recorded" && m.value != Value::Num(0.0)).count();
        }
    }
    assert!(recorded > 0, "some month has offences recorded");
}

#[test]
fn ni30_with_no_baseline_offences_is_z() {
    let mut rets = ni30_returns();
    rets[0] = rets[0].clone().remove_offence_row(3).remove_offence_row(2).remove_offence_row(1).remove_offence_row(0);
    let ms = measures(&rets, "2009-10", |_| {});
    assert_eq!(scheme(&ms, "ni30_outturn_baseline_offences"), "0|||");
    assert_eq!(scheme(&ms, "ni30_outturn_reduction_pct"), "|-1|0|z");
    assert_eq!(scheme(&ms, "ni30_outturn_target_met"), "|||z");
}

#[test]
fn ni30_uses_an_offence_corrected_in_a_later_return() {
    let mut rets = ni30_returns();
    // October corrects F1's offence date into March 2008, before the follow-up.
    rets[2] = rets[2].clone().push_offence(offence("2001/0123456F", "F1", "2008-03-15", "2008-07-01", "CONVICTION", "2009-10-06"));
    let ms = measures(&rets, "2009-10", |_| {});
    assert_eq!(scheme(&ms, "ni30_outturn_followup_offences"), "0|||");
    assert_eq!(scheme(&ms, "ni30_outturn_reduction_pct"), "100|3|3|");
}

#[test]
fn region_figures_sum_their_schemes_and_suppression_hides_small_counts() {
    let ms = measures(&[Ret::base()], "2008-03", |c| c.suppress = Some(3));
    // Scheme rows are never suppressed; the region's 2 active is below 3.
    assert_eq!(scheme(&ms, "cohort_active"), "2|||");
    assert_eq!(get(&ms, Level::Region, "North East", "cohort_active"), "|||c");
    assert_eq!(get(&ms, Level::Region, "North East", "offender_manager_pct"), "|||c");
    // A rate whose numerator and denominator are both 3 or more stays.
    assert_eq!(get(&ms, Level::Region, "North East", "mean_age"), "25.333333|76|3|");
}

#[test]
fn ni30_from_a_national_offences_extract() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("extract.csv");
    // P0: two baseline offences (one a caution), one follow-up; P3: one follow-up, one proven too late.
    std::fs::write(
        &path,
        "PPO ID,Offence ref,Offence date,Outcome date,Outcome,Offence category,Disposal,Arrest date,Charge date\n\
         2001/0123456F,X1,01/12/2006,01/02/2007,CONVICTION,ROBBERY,CUSTODY,,\n\
         01/123456F,X2,2007-06-30,2007-08-01,Caution,THEFT_OTHER,,,\n\
         2001/0123456F,X3,15/06/2008,01/09/2008,CONVICTION,FRAUD,FINE,,\n\
         2003/0000042Q,X4,01/03/2009,01/05/2009,TIC,HANDLING,FINE,,\n\
         2003/0000042Q,X5,01/03/2009,01/10/2009,CONVICTION,HANDLING,FINE,,\n",
    )
    .unwrap();
    let schema = Schema::pmf1().unwrap();
    let extract = pmf::report::extract::read(&path, &schema, &Default::default()).unwrap();
    assert_eq!(extract.len(), 5);
    let register = fixture_register();
    let period = Month::parse_iso("2009-10").unwrap();
    let mut checked = common::check_all(&ni30_returns());
    let combined = validate::finish(&mut checked, &schema, &register).expect("finish");
    let input = measure::Input::new(&checked, &combined, &register, &schema, Some(&extract));
    let ms = measure::compute(&input, &Config::new(period)).unwrap();
    // The extract replaces the returns' offences: B = 2 (X1, X2), F = 2 (X3, X4; X5 proven after 30/09/2009).
    assert_eq!(scheme(&ms, "ni30_outturn_baseline_offences"), "2|||");
    assert_eq!(scheme(&ms, "ni30_outturn_followup_offences"), "2|||");
    assert_eq!(scheme(&ms, "ni30_outturn_reduction_pct"), "0|0|2|");
    assert_eq!(scheme(&ms, "ni30_outturn_reoffended_pct"), "100|2|2|");
    // A bad row stops the run, naming it.
    std::fs::write(&path, "PPO ID,Offence ref,Offence date,Outcome date,Outcome\n2001/0123456F,X1,yesterday,01/02/2007,CONVICTION\n").unwrap();
    let err = pmf::report::extract::read(&path, &schema, &Default::default()).unwrap_err();
    assert!(err.contains("row 2, Offence date"), "{err}");
}
