//! Row checks of `Cohort` and `Offences`: the schema-driven rules (C01–C07)
//! for every column, then (in `rules.rs`) the rules that need code. Every
//! error excludes its row; warnings do not. Accepted rows become typed
//! [`Person`] and [`Offence`] values.

use super::cells::{self, Bad};
use super::pnc::{parse_pnc, Pnc};
use super::rules;
use super::sheet::{RawRow, Table};
use super::{Counts, Offence, Person};
use crate::calendar::{uk, Month};
use crate::ingest::Value;
use crate::issue::{Issue, Rule};
use crate::schema::{self, Bound, Code, ColType, Condition, Required, Schema};
use chrono::NaiveDate;

pub struct Ctx<'a> {
    pub file: &'a str,
    pub schema: &'a Schema,
    pub period: Option<Month>,
    pub date1904: bool,
    /// The scheme's first active month (register active_from).
    pub first_month: Option<Month>,
    /// Two-digit year pivot for short-form PNC IDs.
    pub pivot: u32,
}

#[derive(Debug, Clone, PartialEq)]
enum Parsed {
    /// Held inline when short, as offence refs are.
    Text(compact_str::CompactString),
    Code(Code),
    Pnc(Pnc),
    Date(NaiveDate),
    Whole(i64),
}

/// One cell of a row after the column checks.
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    Blank,
    /// Present but could not be read (C02/C03/C04/C05).
    Bad,
    Read(Parsed),
}

/// One data row after the column checks.
pub(super) struct Record {
    pub(super) row0: u32,
    /// By schema column.
    vals: Vec<Slot>,
    pub(super) excluded: bool,
}

impl Record {
    /// Free text, or a code's text.
    pub(super) fn text(&self, i: usize) -> Option<&str> {
        match self.vals.get(i)? {
            Slot::Read(Parsed::Text(t)) => Some(t),
            Slot::Read(Parsed::Code(c)) => Some(c.as_str()),
            _ => None,
        }
    }
    pub(super) fn code(&self, i: usize) -> Option<Code> {
        match self.vals.get(i)? {
            Slot::Read(Parsed::Code(c)) => Some(*c),
            _ => None,
        }
    }
    pub(super) fn pnc(&self, i: usize) -> Option<Pnc> {
        match self.vals.get(i)? {
            Slot::Read(Parsed::Pnc(p)) => Some(*p),
            _ => None,
        }
    }
    pub(super) fn date(&self, i: usize) -> Option<NaiveDate> {
        match self.vals.get(i)? {
            Slot::Read(Parsed::Date(d)) => Some(*d),
            _ => None,
        }
    }
    fn whole(&self, i: usize) -> Option<i64> {
        match self.vals.get(i)? {
            Slot::Read(Parsed::Whole(n)) => Some(*n),
            _ => None,
        }
    }
}

pub struct RowsOut {
    pub people: Vec<Person>,
    pub offences: Vec<Offence>,
    pub excluded_ids: Vec<Pnc>,
    /// The sheet columns (0-based) of the PPO ID on Cohort and of the
    /// Offence ref on Offences; `u32::MAX` when unknown.
    pub id_col: u32,
    pub ref_col: u32,
    pub cohort: Counts,
    pub offence_rows: Counts,
}

/// Where in a table a schema column is, for issues.
pub(super) struct Place<'a> {
    pub(super) ctx: &'a Ctx<'a>,
    pub(super) spec: &'a schema::Sheet,
    pub(super) table: &'a Table<'a>,
}

impl Place<'_> {
    pub(super) fn issue(&self, rule: Rule, row0: u32, col: usize, value: Option<&Value>, msg: String) -> Issue {
        let header = self.spec.columns.get(col).map(|c| c.header.as_str()).unwrap_or("");
        let mut i = Issue::new(rule, self.ctx.file, msg).sheet(&self.table.sheet).column(header).row(row0);
        if let Some(c) = self.table.cols.get(col).copied().flatten() {
            i = i.at(row0, c);
        }
        if let Some(v) = value {
            i = i.value(&cells::shown_dated(v, self.ctx.date1904));
        }
        i
    }

    /// The 0-based sheet column of a schema column (`u32::MAX` if absent).
    fn col_of(&self, col: usize) -> u32 {
        self.table
            .cols
            .get(col)
            .copied()
            .flatten()
            .unwrap_or(u32::MAX)
    }
}

/// Index of a key in a sheet; `usize::MAX` (reads as blank) if absent.
pub(super) fn idx(spec: &schema::Sheet, key: &str) -> usize {
    spec.col(key).unwrap_or(usize::MAX)
}

pub fn check_rows(ctx: &Ctx<'_>, tables: Vec<Option<Table>>, issues: &mut Vec<Issue>) -> RowsOut {
    let mut out = RowsOut {
        people: Vec::new(),
        offences: Vec::new(),
        excluded_ids: Vec::new(),
        id_col: u32::MAX,
        ref_col: u32::MAX,
        cohort: Counts::default(),
        offence_rows: Counts::default(),
    };
    let (Some(cspec), Some(ospec)) = (ctx.schema.sheet("cohort"), ctx.schema.sheet("offences")) else {
        return out;
    };
    let mut tables = tables.into_iter();
    let (ctable, otable) = (tables.next().flatten(), tables.next().flatten());

    // Cohort.
    let mut crecs = Vec::new();
    if let Some(t) = &ctable {
        let place = Place { ctx, spec: cspec, table: t };
        crecs = t.rows.iter().map(|r| read_record(&place, r, issues)).collect();
        rules::cohort_rules(&place, &t.rows, &mut crecs, issues);
        let keys = columns(cspec, PERSON_KEYS);
        out.id_col = place.col_of(keys[0]);
        out.excluded_ids = crecs.iter().filter(|r| r.excluded).filter_map(|r| r.pnc(keys[0])).collect();
        out.excluded_ids.sort_unstable();
        out.excluded_ids.dedup();
        out.people.reserve(crecs.len());
        out.people.extend(crecs.iter().filter(|r| !r.excluded).map(|r| person(r, &keys)));
        out.cohort = counts(&crecs);
    }

    // Offences.
    if let Some(t) = &otable {
        let place = Place { ctx, spec: ospec, table: t };
        let mut orecs: Vec<Record> = t.rows.iter().map(|r| read_record(&place, r, issues)).collect();
        let cohort = ctable.as_ref().map(|_| (&crecs, cspec));
        rules::offence_rules(&place, &t.rows, &mut orecs, cohort, issues);
        let keys = columns(ospec, OFFENCE_KEYS);
        out.ref_col = place.col_of(keys[1]);
        let history = rules::History::new(ospec, cspec, &crecs);
        out.offences.reserve(orecs.len());
        for r in orecs.iter().filter(|r| !r.excluded) {
            out.offences.push(offence(r, &keys, history.of(ctx, r)));
        }
        out.offence_rows = counts(&orecs);
    }
    out
}

fn counts(recs: &[Record]) -> Counts {
    let excluded = recs.iter().filter(|r| r.excluded).count() as u32;
    Counts { read: recs.len() as u32, accepted: recs.len() as u32 - excluded, excluded }
}

/// The schema-driven checks of one row: type, code list, required,
/// conditional (C07) and date order/bounds (C05, C06).
fn read_record(place: &Place<'_>, raw: &RawRow<'_>, issues: &mut Vec<Issue>) -> Record {
    let ctx = place.ctx;
    let spec = place.spec;
    let n = spec.columns.len();
    let mut rec = Record { row0: raw.row0, vals: vec![Slot::Blank; n], excluded: false };
    let mut err = |rec: &mut Record, issue: Issue| {
        rec.excluded = true;
        issues.push(issue);
    };
    for (i, col) in spec.columns.iter().enumerate() {
        let cell = raw.cells[i];
        if cells::is_blank(cell) {
            continue;
        }
        let Some(v) = cell else { continue };
        let what = |why: String| format!("{}: {why}", col.header);
        let parsed = match col.col_type {
            ColType::Text | ColType::Month => match v {
                Value::Text(t) => Ok(Parsed::Text(t.trim().into())),
                other => cells::read_text(other).map(|t| Parsed::Text(t.into())).map_err(|b| (Rule::C02, bad_text(b))),
            },
            ColType::Pnc => match cells::text_of(v) {
                Ok(t) => parse_pnc(&t, ctx.pivot)
                    .map(Parsed::Pnc)
                    .map_err(|why| (Rule::C04, why)),
                Err(b) => Err((Rule::C02, bad_text(b))),
            },
            ColType::Date => match cells::read_date(v, ctx.date1904) {
                Ok(d) => Ok(Parsed::Date(d)),
                Err(Bad::TooEarly) => Err((Rule::C05, "the date is before 1 January 1900; correct the year".to_string())),
                Err(b) => Err((Rule::C02, bad_text(b))),
            },
            ColType::Whole => cells::read_whole(v).map(Parsed::Whole).map_err(|b| (Rule::C02, bad_text(b))),
            ColType::Code => match ctx.schema.list_of(col) {
                Some(list) => match cells::read_code(v, list) {
                    Ok(Some(code)) => Ok(Parsed::Code(code)),
                    Ok(None) => Err((Rule::C03, code_help(list))),
                    Err(b) => Err((Rule::C02, bad_text(b))),
                },
                None => Err((Rule::C03, "no code list".to_string())),
            },
        };
        match parsed {
            Ok(p) => rec.vals[i] = Slot::Read(p),
            Err((rule, why)) => {
                rec.vals[i] = Slot::Bad;
                let issue = place.issue(rule, raw.row0, i, Some(v), what(why));
                err(&mut rec, issue);
            }
        }
    }
    let present = |i: usize| !cells::is_blank(raw.cells.get(i).copied().flatten());
    // Required, and conditional requirements.
    for (i, col) in spec.columns.iter().enumerate() {
        if place.table.cols[i].is_none() {
            continue; // an absent required column is F03; an absent optional one reads blank
        }
        if col.required == Required::Yes && !present(i) {
            let issue = place.issue(Rule::C01, raw.row0, i, None, format!("{} is required; fill it in", col.header));
            err(&mut rec, issue);
        }
        if let Some(cond) = &col.required_when {
            if !present(i) && holds(cond, &rec, &present) {
                let msg = format!("{} is required when {}; fill it in", col.header, describe(cond, spec));
                let issue = place.issue(Rule::C07, raw.row0, i, None, msg);
                err(&mut rec, issue);
            }
        }
        if let Some(cond) = &col.blank_when {
            if present(i) && holds(cond, &rec, &present) {
                let msg = format!("{} must be blank when {}; clear it, or correct {}", col.header, describe(cond, spec), spec.columns[cond.col].header);
                let issue = place.issue(Rule::C07, raw.row0, i, raw.cells[i], msg);
                err(&mut rec, issue);
            }
        }
    }
    // Date order (C06) and period bounds (C05).
    for (i, col) in spec.columns.iter().enumerate() {
        let Some(d) = rec.date(i) else { continue };
        let v = raw.cells[i];
        for (bounds, before) in [(&col.before_bounds, true), (&col.after_bounds, false)] {
            for b in bounds {
                let problem = match *b {
                    Bound::Column(j) => rec.date(j).and_then(|o| {
                        let wrong = if before { d < o } else { d > o };
                        wrong.then(|| {
                            let rel = if before { "before" } else { "after" };
                            (Rule::C06, format!("{} {} is {rel} {} {}; correct one of them", col.header, uk(d), spec.columns[j].header, uk(o)))
                        })
                    }),
                    Bound::PeriodStart => ctx.period.filter(|p| d < p.first_day()).map(|p| {
                        (Rule::C05, format!("{} {} is before the period {p} began; it must be within the month reported on", col.header, uk(d)))
                    }),
                    Bound::PeriodEnd => ctx.period.filter(|p| d > p.last_day()).map(|p| {
                        (Rule::C05, format!("{} {} is after the period {p} ended ({}); correct the date or the Period", col.header, uk(d), uk(p.last_day())))
                    }),
                };
                if let Some((rule, msg)) = problem {
                    let issue = place.issue(rule, raw.row0, i, v, msg);
                    err(&mut rec, issue);
                }
            }
        }
    }
    rec
}

fn bad_text(b: Bad) -> String {
    match b {
        Bad::Type(why) => why,
        Bad::TooEarly => "the date is before 1 January 1900".into(),
    }
}

fn code_help(list: &schema::CodeList) -> String {
    let codes: Vec<&str> = list.codes().collect();
    format!("not a code of the {} list; use one of {}", list.name.replace('_', " "), codes.join(", "))
}

/// Does a condition hold? Unknown (its column unreadable) counts as no.
fn holds(cond: &Condition, rec: &Record, present: &dyn Fn(usize) -> bool) -> bool {
    if matches!(rec.vals.get(cond.col), Some(Slot::Bad)) {
        return false;
    }
    if cond.is_blank {
        return !present(cond.col);
    }
    if cond.is_present {
        return present(cond.col);
    }
    rec.text(cond.col).is_some_and(|v| cond.in_codes.iter().any(|c| c == v))
}

fn describe(cond: &Condition, spec: &schema::Sheet) -> String {
    let h = &spec.columns[cond.col].header;
    if cond.is_blank {
        format!("{h} is blank")
    } else if cond.is_present {
        format!("{h} is filled in")
    } else {
        format!("{h} is {}", cond.in_codes.join(" or "))
    }
}

/// The `Cohort` columns a [`Person`] is built from, by key.
const PERSON_KEYS: [&str; 17] = [
    "ppo_id", "date_of_birth", "gender", "ethnicity", "strand", "date_adopted", "date_deselected", "deselection_reason", "status",
    "offender_manager", "custody_start_date", "assessment_date", "drug_misuser", "in_drug_treatment", "accommodation", "ete",
    "selection_score",
];

/// The `Offences` columns an [`Offence`] is built from, by key.
const OFFENCE_KEYS: [&str; 10] =
    ["ppo_id", "offence_ref", "offence_date", "outcome_date", "outcome", "offence_category", "disposal", "arrest_date", "charge_date", "recorded_date"];

/// Each key's schema column (`usize::MAX`, read as blank, if absent), found
/// once per sheet rather than once per row.
fn columns<const N: usize>(spec: &schema::Sheet, keys: [&str; N]) -> [usize; N] {
    keys.map(|k| idx(spec, k))
}

fn person(r: &Record, k: &[usize; 17]) -> Person {
    let [id, dob, gender, ethnicity, strand, adopted, deselected, reason, status, om, custody, assessed, drugs, treated, accom, ete, score] = *k;
    let yes = |i: usize| r.code(i).map(|v| v == "Y");
    let min = NaiveDate::MIN;
    let none = Code::none();
    Person {
        row: r.row0 + 1,
        ppo_id: r.pnc(id).unwrap_or_default(),
        date_of_birth: r.date(dob).unwrap_or(min),
        gender: r.code(gender).unwrap_or(none),
        ethnicity: r.code(ethnicity).unwrap_or(none),
        strand: r.code(strand).unwrap_or(none),
        date_adopted: r.date(adopted).unwrap_or(min),
        date_deselected: r.date(deselected),
        deselection_reason: r.code(reason),
        status: r.code(status),
        offender_manager: yes(om).unwrap_or(false),
        custody_start_date: r.date(custody),
        assessment_date: r.date(assessed),
        drug_misuser: r.code(drugs).unwrap_or(none),
        in_drug_treatment: yes(treated),
        accommodation: r.code(accom),
        ete: r.code(ete),
        selection_score: r.whole(score),
    }
}

fn offence(r: &Record, k: &[usize; 10], adoption_history: bool) -> Offence {
    let [id, oref, offence_date, outcome_date, outcome, category, disposal, arrest, charge, recorded] = *k;
    let min = NaiveDate::MIN;
    let none = Code::none();
    Offence {
        row: r.row0 + 1,
        ppo_id: r.pnc(id).unwrap_or_default(),
        offence_ref: r.text(oref).unwrap_or_default().into(),
        offence_date: r.date(offence_date).unwrap_or(min),
        outcome_date: r.date(outcome_date).unwrap_or(min),
        outcome: r.code(outcome).unwrap_or(none),
        offence_category: r.code(category).unwrap_or(none),
        disposal: r.code(disposal),
        arrest_date: r.date(arrest),
        charge_date: r.date(charge),
        recorded_date: r.date(recorded).unwrap_or(min),
        adoption_history,
    }
}
