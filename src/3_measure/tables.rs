//! The pooled tables behind the headline measures, for month P: one row per
//! active person, per listed person, per offence of M8 (for a trend month
//! whose offences are not kept, one row per return with its count), per
//! person ever seen, and per scheme-month of M12. Every code list comes from the schema, so a
//! new code is a new measure with no code change here.

use super::frame::{Table, Wanted};
use super::{Config, Input};
use crate::calendar::{age_on, Month};
use crate::register::Scheme;
use crate::schema::Code;
use crate::validate::{Checked, Person, Span};
use chrono::NaiveDate;

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

/// What a person's columns read, found once per person: the row's span,
/// and the whole row when the month's return keeps it (see
/// `validate::Keep`).
struct Facts<'p> {
    s: &'p Span,
    p: Option<&'p Person>,
    /// The status code, or "" (deselected).
    status: &'static str,
    end: NaiveDate,
    /// The month two before P (M6).
    m6: Month,
}

impl Facts<'_> {
    /// Completed years on P's last day.
    fn age(&self) -> Option<i32> {
        self.p.map(|p| age_on(p.date_of_birth, self.end))
    }
}

/// What a column of the people table reads of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reads {
    /// Only the span: any month can have it.
    Span,
    /// The whole row: only the report month's returns keep it.
    Whole,
}

type Get<'s> = Box<dyn Fn(&Facts<'_>) -> Option<f64> + Sync + 's>;

/// A column of the people table: its name, what it reads, and a person's
/// value in it.
struct Column<'s> {
    name: String,
    reads: Reads,
    get: Get<'s>,
}

/// A column read from the span.
fn span<'s>(get: impl Fn(&Facts<'_>) -> Option<f64> + Sync + 's) -> (Reads, Get<'s>) {
    (Reads::Span, Box::new(get))
}

/// A column read from the whole row (`None` without it, which
/// [`people`] refuses before any is read).
fn whole<'s>(get: impl Fn(&Person, &Facts<'_>) -> Option<f64> + Sync + 's) -> (Reads, Get<'s>) {
    (Reads::Whole, Box::new(move |f| f.p.and_then(|p| get(p, f))))
}

/// The people table's columns, in measure order. Each is a name and how a
/// person's value is found, so a month that reads three columns computes
/// three; the code lists come from the schema, so a new code is a new column.
fn person_columns<'s>(input: &Input<'s>) -> Vec<Column<'s>> {
    let schema = input.schema;
    let mut cols: Vec<Column<'s>> = Vec::new();
    let mut add = |name: String, (reads, get): (Reads, Get<'s>)| cols.push(Column { name, reads, get });
    add("active".into(), span(|_| b(true)));
    add("group".into(), span(|f| b(f.s.strand == "CC" || f.s.strand == "RR")));
    for strand in ["CC", "RR", "PD"] {
        add(strand.to_lowercase(), span(move |f| b(f.s.strand == strand)));
    }
    for c in codes(input, "status") {
        add(format!("status_{}", c.to_lowercase()), span(move |f| b(f.status == c)));
    }
    let statutory = |f: &Facts<'_>| schema.statutory_statuses.iter().any(|x| x == f.status);
    add("custody".into(), span(|f| b(schema.custody_statuses.iter().any(|x| x == f.status))));
    add("statutory".into(), span(move |f| b(statutory(f))));
    add("statutory_om".into(), whole(move |p, f| b(statutory(f) && p.offender_manager)));
    let m6_den = |p: &Person, f: &Facts<'_>| p.custody_start_date.is_some_and(|d| Month::of(d) == f.m6);
    add("m6_den".into(), whole(move |p, f| b(m6_den(p, f))));
    add("m6_num".into(), whole(move |p, f| b(m6_den(p, f) && assessed_in_8_weeks(p))));
    add("drug_y".into(), whole(|p, _| b(p.drug_misuser == "Y")));
    add("treat_y".into(), whole(|p, _| b(p.drug_misuser == "Y" && p.in_drug_treatment == Some(true))));
    add("days_on".into(), span(|f| Some((f.end - f.s.date_adopted).num_days() as f64)));
    add("age".into(), whole(|_, f| f.age().map(f64::from)));
    for (band, lo, hi) in AGE_BANDS {
        add(format!("age_{band}"), whole(move |_, f| f.age().and_then(|a| b(a >= lo && a <= hi))));
    }
    for g in codes(input, "gender") {
        add(format!("gender_{}", g.to_lowercase()), whole(move |p, _| b(p.gender == g.as_str())));
    }
    for g in ethnicity_groups(input) {
        add(format!("ethnicity_{g}"), whole(move |p, _| b(ethnicity_group(p.ethnicity.as_str()) == g.as_str())));
    }
    add("score_has".into(), whole(|p, _| b(p.selection_score.is_some())));
    add("score".into(), whole(|p, _| Some(p.selection_score.unwrap_or(0) as f64)));
    let accom = |p: &Person| p.accommodation.map(Code::as_str);
    add("accom_known".into(), whole(move |p, _| b(matches!(accom(p), Some("SETTLED" | "UNSETTLED" | "NFA")))));
    add("accom_settled".into(), whole(move |p, _| b(accom(p) == Some("SETTLED"))));
    let ete = |p: &Person| p.ete.map(Code::as_str);
    add("ete_known".into(), whole(move |p, _| b(matches!(ete(p), Some("EMPLOYED" | "TRAINING" | "NONE")))));
    add("ete_employed".into(), whole(move |p, _| b(ete(p) == Some("EMPLOYED"))));
    cols
}

pub fn people_columns(input: &Input<'_>) -> Vec<String> {
    person_columns(input).into_iter().map(|c| c.name).collect()
}

/// A month's measures need whole rows its return did not keep: a bug, as
/// `pmf report` keeps them for its month (`validate::Keep`).
fn not_whole(ret: &Checked, month: Month) -> String {
    format!(
        "pmf kept only a summary of the Cohort and Offences rows of {}, but the measures of {month} need them whole (an internal error; please report it to the pmf maintainers)",
        ret.file
    )
}

/// Active members at P's end, all strands (M1, M4–M7, M10, M11, M13, M14);
/// only the columns `want` reads are computed, from the spans alone when
/// none reads the whole row (the trend months).
pub fn people(input: &Input<'_>, cfg: &Config, schemes: &[&Scheme], want: &Wanted<'_>) -> Result<Table, String> {
    let cols: Vec<Column<'_>> = person_columns(input).into_iter().filter(|c| want.reads(&c.name)).collect();
    let whole = cols.iter().any(|c| c.reads == Reads::Whole);
    let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    let mut t = Table::new(&names);
    let (end, m6) = (cfg.period.last_day(), cfg.period.add(-2));
    // One row's values, reused for every row.
    let mut v: Vec<Option<f64>> = Vec::with_capacity(cols.len());
    for s in schemes {
        let Some(ret) = used(input, &s.code, cfg.period) else { continue };
        if whole && !ret.whole() {
            return Err(not_whole(ret, cfg.period));
        }
        for (k, sp) in ret.spans.iter().enumerate().filter(|(_, sp)| sp.active_at(end)) {
            let f = Facts { s: sp, p: ret.people.get(k), status: sp.status.map(Code::as_str).unwrap_or(""), end, m6 };
            v.clear();
            v.extend(cols.iter().map(|c| (c.get)(&f)));
            t.push(&s.code, &s.region, sp.ppo_id.number(), &v);
        }
    }
    Ok(t)
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
pub fn listed(input: &Input<'_>, cfg: &Config, schemes: &[&Scheme]) -> Result<Table, String> {
    let names = listed_columns(input);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut t = Table::new(&refs);
    let reasons = codes(input, "deselection_reason");
    let in_month = |d: Option<chrono::NaiveDate>| d.is_some_and(|d| Month::of(d) == cfg.period);
    let mut v: Vec<Option<f64>> = Vec::with_capacity(names.len());
    for s in schemes {
        let Some(ret) = used(input, &s.code, cfg.period) else { continue };
        if !ret.whole() {
            return Err(not_whole(ret, cfg.period));
        }
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
    Ok(t)
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
/// adoption history; only the columns `want` reads are kept. When only
/// their number is wanted (the trend months), a return whose offences are
/// not kept gives it as one row ([`Checked::recorded`]).
pub fn offences(input: &Input<'_>, cfg: &Config, schemes: &[&Scheme], want: &Wanted<'_>) -> Result<Table, String> {
    let names = offence_columns(input);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut t = Table::for_wanted(&refs, want);
    let counted = refs.iter().all(|n| *n == "off" || !want.reads(n)) && !want.heads.contains(&"off") && !want.medians.contains(&"off");
    let cats = codes(input, "offence_category");
    let mut v: Vec<Option<f64>> = Vec::with_capacity(names.len());
    for s in schemes {
        let Some(ret) = used(input, &s.code, cfg.period) else { continue };
        if !ret.whole() {
            if !counted {
                return Err(not_whole(ret, cfg.period));
            }
            if ret.recorded > 0 {
                v.clear();
                v.push(Some(f64::from(ret.recorded)));
                v.resize(names.len(), None);
                t.push(&s.code, &s.region, 0, &v);
            }
            continue;
        }
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
    Ok(t)
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
            .flat_map(|c| c.spans.iter().map(|p| p.ppo_id.number()))
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
