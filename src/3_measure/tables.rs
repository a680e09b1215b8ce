//! The pooled tables behind the headline measures, for month P: one row per
//! active person, per listed person, per offence of M8, per person ever seen,
//! and per scheme-month of M12. Every code list comes from the schema, so a
//! new code is a new measure with no code change here.

use super::frame::{Table, Wanted};
use super::{Config, Input};
use crate::calendar::{age_on, Month};
use crate::register::Scheme;
use crate::schema::Code;
use crate::validate::{Checked, Person};

/// Age bands of M11: (name, first age, last age).
pub const AGE_BANDS: [(&str, i32, i32); 6] =
    [("10_17", 10, 17), ("18_20", 18, 20), ("21_24", 21, 24), ("25_29", 25, 29), ("30_39", 30, 39), ("40_plus", 40, i32::MAX)];

/// The codes of a schema list, lower-cased for measure names.
pub fn codes(input: &Input<'_>, list: &str) -> Vec<String> {
    input.schema.list(list).map(|l| l.codes().map(str::to_string).collect()).unwrap_or_default()
}

/// Ethnicity groups in list order: the code's letter (`w`, `m`, …) or `ns`.
pub fn ethnicity_groups(input: &Input<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in codes(input, "ethnicity") {
        let g = ethnicity_group(&c).to_string();
        if !out.contains(&g) {
            out.push(g);
        }
    }
    out
}

/// A code's group: its letter (`w`, `m`, …) or `ns`; held inline, so a
/// person's group is found without allocating.
fn ethnicity_group(code: &str) -> compact_str::CompactString {
    if code == "NS" {
        "ns".into()
    } else {
        code.chars().next().map(|c| std::iter::once(c.to_ascii_lowercase()).collect()).unwrap_or_default()
    }
}

/// The schemes that get rows: the region's (or all) register schemes that
/// are active in P, sent a return for P, or are in a shown NI 30 cohort.
pub fn schemes_in_scope<'a>(input: &Input<'a>, cfg: &Config) -> Vec<&'a Scheme> {
    let years = super::ni30::years(input, cfg);
    input
        .register
        .schemes
        .iter()
        .filter(|s| cfg.region.as_ref().is_none_or(|r| r.eq_ignore_ascii_case(&s.region)))
        .filter(|s| {
            s.active_in(cfg.period)
                || input.combined.received.contains_key(&(s.code.clone(), cfg.period))
                || years.iter().any(|(y, _)| s.active_in(Month { year: *y, month: 2 }))
        })
        .collect()
}

/// The used return of a scheme for a month.
pub fn used<'a>(input: &Input<'a>, scheme: &str, month: Month) -> Option<&'a Checked> {
    input.combined.used.get(&(scheme.to_string(), month)).map(|&i| &input.checked[i])
}

fn b(x: bool) -> Option<f64> {
    Some(if x { 1.0 } else { 0.0 })
}

pub fn people_columns(input: &Input<'_>) -> Vec<String> {
    let mut names: Vec<String> = ["active", "group", "cc", "rr", "pd"].iter().map(|s| s.to_string()).collect();
    names.extend(codes(input, "status").iter().map(|c| format!("status_{}", c.to_lowercase())));
    for n in ["custody", "statutory", "statutory_om", "m6_den", "m6_num", "drug_y", "treat_y", "days_on", "age"] {
        names.push(n.into());
    }
    names.extend(AGE_BANDS.iter().map(|(n, _, _)| format!("age_{n}")));
    names.extend(codes(input, "gender").iter().map(|c| format!("gender_{}", c.to_lowercase())));
    names.extend(ethnicity_groups(input).iter().map(|g| format!("ethnicity_{g}")));
    for n in ["score_has", "score", "accom_known", "accom_settled", "ete_known", "ete_employed"] {
        names.push(n.into());
    }
    names
}

/// Active members at P's end, all strands (M1, M4–M7, M10, M11, M13, M14);
/// only the columns `want` reads are kept.
pub fn people(input: &Input<'_>, cfg: &Config, schemes: &[&Scheme], want: &Wanted<'_>) -> Table {
    let names = people_columns(input);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut t = Table::for_wanted(&refs, want);
    let end = cfg.period.last_day();
    let m6 = cfg.period.add(-2);
    let statuses = codes(input, "status");
    let genders = codes(input, "gender");
    let groups = ethnicity_groups(input);
    // One row's values, reused for every row.
    let mut v: Vec<Option<f64>> = Vec::with_capacity(names.len());
    for s in schemes {
        let Some(ret) = used(input, &s.code, cfg.period) else { continue };
        for p in ret.people.iter().filter(|p| p.active_at(end)) {
            let status = p.status.map(Code::as_str).unwrap_or("");
            let statutory = input.schema.statutory_statuses.iter().any(|x| x == status);
            let custody = input.schema.custody_statuses.iter().any(|x| x == status);
            let m6_den = p.custody_start_date.is_some_and(|d| Month::of(d) == m6);
            let m6_num = m6_den && assessed_in_8_weeks(p);
            let age = age_on(p.date_of_birth, end);
            v.clear();
            v.extend_from_slice(&[
                b(true),
                b(p.strand == "CC" || p.strand == "RR"),
                b(p.strand == "CC"),
                b(p.strand == "RR"),
                b(p.strand == "PD"),
            ]);
            v.extend(statuses.iter().map(|c| b(c == status)));
            v.push(b(custody));
            v.push(b(statutory));
            v.push(b(statutory && p.offender_manager));
            v.push(b(m6_den));
            v.push(b(m6_num));
            v.push(b(p.drug_misuser == "Y"));
            v.push(b(p.drug_misuser == "Y" && p.in_drug_treatment == Some(true)));
            v.push(Some((end - p.date_adopted).num_days() as f64));
            v.push(Some(f64::from(age)));
            v.extend(
                AGE_BANDS
                    .iter()
                    .map(|(_, lo, hi)| b(age >= *lo && age <= *hi)),
            );
            v.extend(genders.iter().map(|g| b(p.gender == g.as_str())));
            let g = ethnicity_group(p.ethnicity.as_str());
            v.extend(groups.iter().map(|x| b(g == x.as_str())));
            v.push(b(p.selection_score.is_some()));
            v.push(Some(p.selection_score.unwrap_or(0) as f64));
            let accom = p.accommodation.map(Code::as_str);
            v.push(b(matches!(accom, Some("SETTLED" | "UNSETTLED" | "NFA"))));
            v.push(b(accom == Some("SETTLED")));
            let ete = p.ete.map(Code::as_str);
            v.push(b(matches!(ete, Some("EMPLOYED" | "TRAINING" | "NONE"))));
            v.push(b(ete == Some("EMPLOYED")));
            t.push(&s.code, &s.region, p.ppo_id.number(), &v);
        }
    }
    t
}

/// M6: an assessment from the custody start to 56 days after, inclusive.
fn assessed_in_8_weeks(p: &Person) -> bool {
    match (p.custody_start_date, p.assessment_date) {
        (Some(c), Some(a)) => a >= c && (a - c).num_days() <= 56,
        _ => false,
    }
}

pub fn listed_columns(input: &Input<'_>) -> Vec<String> {
    let mut names: Vec<String> = vec!["adopted".into(), "deselected".into()];
    names.extend(codes(input, "deselection_reason").iter().map(|c| format!("deselected_{}", c.to_lowercase())));
    names.push("days_desel".into());
    names
}

/// Every row of the month's return (M3 flows, M10 for the deselected).
pub fn listed(input: &Input<'_>, cfg: &Config, schemes: &[&Scheme]) -> Table {
    let names = listed_columns(input);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut t = Table::new(&refs);
    let reasons = codes(input, "deselection_reason");
    let in_month = |d: Option<chrono::NaiveDate>| d.is_some_and(|d| Month::of(d) == cfg.period);
    let mut v: Vec<Option<f64>> = Vec::with_capacity(names.len());
    for s in schemes {
        let Some(ret) = used(input, &s.code, cfg.period) else { continue };
        for p in &ret.people {
            let desel = in_month(p.date_deselected);
            v.clear();
            v.extend_from_slice(&[b(in_month(Some(p.date_adopted))), b(desel)]);
            v.extend(
                reasons
                    .iter()
                    .map(|r| b(desel && p.deselection_reason.is_some_and(|x| x == r.as_str()))),
            );
            v.push(match (desel, p.date_deselected) {
                (true, Some(d)) => Some((d - p.date_adopted).num_days() as f64),
                _ => Some(0.0),
            });
            t.push(&s.code, &s.region, p.ppo_id.number(), &v);
        }
    }
    t
}

pub fn offence_columns(input: &Input<'_>) -> Vec<String> {
    let mut names: Vec<String> = vec!["off".into()];
    names.extend(codes(input, "offence_category").iter().map(|c| format!("offences_{}", c.to_lowercase())));
    for n in ["convtic", "convtic_custody", "charge_days", "within7"] {
        names.push(n.into());
    }
    names
}

/// M8–M9: the accepted offences of the month's return that are not
/// adoption history; only the columns `want` reads are kept.
pub fn offences(input: &Input<'_>, cfg: &Config, schemes: &[&Scheme], want: &Wanted<'_>) -> Table {
    let names = offence_columns(input);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut t = Table::for_wanted(&refs, want);
    let cats = codes(input, "offence_category");
    let mut v: Vec<Option<f64>> = Vec::with_capacity(names.len());
    for s in schemes {
        let Some(ret) = used(input, &s.code, cfg.period) else { continue };
        for o in ret.offences.iter().filter(|o| !o.adoption_history) {
            let convtic = o.outcome == "CONVICTION" || o.outcome == "TIC";
            v.clear();
            v.push(b(true));
            v.extend(cats.iter().map(|c| b(o.offence_category == c.as_str())));
            v.push(b(convtic));
            v.push(b(convtic && o.disposal.is_some_and(|d| d == "CUSTODY")));
            v.push(match (o.outcome.as_str(), o.charge_date) {
                ("CONVICTION", Some(c)) => Some((o.outcome_date - c).num_days() as f64),
                _ => None,
            });
            v.push(b((o.recorded_date - o.outcome_date).num_days() <= 7));
            t.push(&s.code, &s.region, o.ppo_id.number(), &v);
        }
    }
    t
}

/// M3 throughput: each PPO ID on the scheme's usable returns up to P.
pub fn seen(input: &Input<'_>, cfg: &Config, schemes: &[&Scheme]) -> Table {
    let mut t = Table::new(&["seen"]);
    for s in schemes {
        // Usable means not rejected (§10): superseded returns count too.
        let mut ids: Vec<u64> = input
            .combined
            .received
            .range((s.code.clone(), Month { year: 0, month: 1 })..=(s.code.clone(), cfg.period))
            .flat_map(|(_, v)| v.iter().map(|&i| &input.checked[i]))
            .filter(|c| c.verdict != crate::validate::Verdict::Rejected)
            .flat_map(|c| c.people.iter().map(|p| p.ppo_id.number()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            t.push(&s.code, &s.region, id, &[Some(1.0)]);
        }
    }
    t
}

pub const RETURN_COLUMNS: [&str; 7] = ["expected", "received", "on_time", "late", "rejected", "missing", "usable"];

/// M12: one row per scheme for month P.
pub fn returns(input: &Input<'_>, cfg: &Config, schemes: &[&Scheme]) -> Table {
    let mut t = Table::new(&RETURN_COLUMNS);
    let due = cfg.period.next().nth_weekday(cfg.due_weekday);
    for s in schemes {
        let key = (s.code.clone(), cfg.period);
        let placed = input.combined.received.get(&key).map(Vec::as_slice).unwrap_or(&[]);
        let expected = s.active_in(cfg.period);
        let received = !placed.is_empty();
        let usable = input.combined.used.contains_key(&key);
        let first = placed.iter().filter_map(|&i| input.checked[i].meta.submitted_on).min();
        let v = [
            b(expected),
            b(received),
            b(first.is_some_and(|d| d <= due)),
            b(first.is_some_and(|d| d > due)),
            b(received && !usable),
            b(expected && !received),
            b(usable),
        ];
        t.push(&s.code, &s.region, 0, &v);
    }
    t
}
