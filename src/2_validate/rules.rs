//! The row rules that need code rather than schema data: ages (C05), Q01,
//! Q02, duplicates (D01, D02), offences of people not on Cohort (D03), late
//! recording (Q03) and adoption history (§10). Errors exclude their row.

use super::rows::{idx, Ctx, Place, Record};
use super::sheet::RawRow;
use crate::calendar::{age_on, uk};
use crate::issue::{Issue, Rule};
use crate::schema;

/// Ages (C05), Q01, Q02 and duplicate PPO IDs (D01).
pub(super) fn cohort_rules(place: &Place<'_>, raws: &[RawRow<'_>], recs: &mut [Record], issues: &mut Vec<Issue>) {
    let ctx = place.ctx;
    let spec = place.spec;
    let (id, dob, strand, status, om) =
        (idx(spec, "ppo_id"), idx(spec, "date_of_birth"), idx(spec, "strand"), idx(spec, "status"), idx(spec, "offender_manager"));
    let cell = |k: usize, i: usize| raws[k].cells.get(i).copied().flatten();
    for (k, rec) in recs.iter_mut().enumerate() {
        let age = match (rec.date(dob), ctx.period) {
            (Some(b), Some(p)) => Some(age_on(b, p.last_day())),
            _ => None,
        };
        if let (Some(a), Some(b), Some(p)) = (age, rec.date(dob), ctx.period) {
            if !(10..=100).contains(&a) {
                rec.excluded = true;
                issues.push(place.issue(
                    Rule::C05,
                    rec.row0,
                    dob,
                    cell(k, dob),
                    format!("Date of birth {} gives an age of {a} on {}; ages must be 10 to 100: check the date", uk(b), uk(p.last_day())),
                ));
            }
        }
        if let (Some(a), Some(s)) = (age, rec.text(strand)) {
            let odd = (s == "PD" && a >= 18) || (s != "PD" && a < 18);
            if odd && (10..=100).contains(&a) {
                let msg = if s == "PD" {
                    format!("a Prevent & Deter member aged {a} (18 or over); allowed, but check the strand")
                } else {
                    format!("a {} member aged {a} (under 18); allowed, but check the strand", if s == "CC" { "Catch & Convict" } else { "Rehabilitate & Resettle" })
                };
                issues.push(place.issue(Rule::Q02, rec.row0, strand, cell(k, strand), msg));
            }
        }
        if let (Some(s), Some("N")) = (rec.text(status), rec.text(om)) {
            if ctx.schema.statutory_statuses.iter().any(|x| x == s) {
                issues.push(place.issue(
                    Rule::Q01,
                    rec.row0,
                    om,
                    cell(k, om),
                    format!("status {s} is statutory, but no offender manager is assigned; check the Offender manager"),
                ));
            }
        }
    }
    let key = |r: &Record| r.pnc(id);
    duplicates(
        place,
        raws,
        recs,
        key,
        Rule::D01,
        id,
        issues,
        |ppo, n, rows| {
            format!("PPO ID {ppo} appears {n} times on Cohort (rows {rows}); list each person once")
        },
    );
}

/// Flag and exclude every row sharing a key with another (D01, D02), at
/// column `col`; `msg` gets the key, the count and the rows.
#[allow(clippy::too_many_arguments)]
fn duplicates<K: Ord + Clone>(
    place: &Place<'_>,
    raws: &[RawRow<'_>],
    recs: &mut [Record],
    key: impl Fn(&Record) -> Option<K>,
    rule: Rule,
    col: usize,
    issues: &mut Vec<Issue>,
    msg: impl Fn(&K, usize, &str) -> String,
) {
    // Every (key, row) pair sorted: a key's rows are then side by side, in
    // row order, and the keys in order (no allocation per row).
    let mut keyed: Vec<(K, usize)> = recs.iter().enumerate().filter_map(|(k, rec)| Some((key(rec)?, k))).collect();
    keyed.sort();
    let mut dups: Vec<(K, Vec<usize>)> = Vec::new();
    for run in keyed.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        dups.push((run[0].0.clone(), run.iter().map(|(_, k)| *k).collect()));
    }
    for (key, ks) in dups {
        let rows: Vec<String> = ks.iter().map(|&k| (recs[k].row0 + 1).to_string()).collect();
        let text = msg(&key, ks.len(), &rows.join(", "));
        for &k in &ks {
            recs[k].excluded = true;
            let value = raws[k].cells.get(col).copied().flatten();
            issues.push(place.issue(rule, recs[k].row0, col, value, text.clone()));
        }
    }
}

/// Duplicate offence refs (D02), offences of people not on Cohort or whose
/// Cohort row was excluded (D03), and late recording (Q03).
pub(super) fn offence_rules(
    place: &Place<'_>,
    raws: &[RawRow<'_>],
    recs: &mut [Record],
    cohort: Option<(&Vec<Record>, &schema::Sheet)>,
    issues: &mut Vec<Issue>,
) {
    let spec = place.spec;
    let (id, oref, outcome, recorded) =
        (idx(spec, "ppo_id"), idx(spec, "offence_ref"), idx(spec, "outcome_date"), idx(spec, "recorded_date"));
    let cell = |k: usize, i: usize| raws[k].cells.get(i).copied().flatten();
    let key = |r: &Record| Some((r.pnc(id)?, compact_str::CompactString::from(r.text(oref)?)));
    duplicates(
        place,
        raws,
        recs,
        key,
        Rule::D02,
        oref,
        issues,
        |(ppo, r), n, rows| {
            format!("Offence ref {r} appears {n} times for PPO {ppo} (rows {rows}); list each offence once")
        },
    );
    if let Some((crecs, cspec)) = cohort {
        let cid = idx(cspec, "ppo_id");
        for (k, rec) in recs.iter_mut().enumerate() {
            let Some(p) = rec.pnc(id) else { continue };
            let rows = || crecs.iter().filter(|c| c.pnc(cid) == Some(p));
            let msg = if rows().next().is_none() {
                Some(format!("PPO ID {p} is not on the Cohort sheet of this return; add the person to Cohort or correct the ID"))
            } else if rows().all(|c| c.excluded) {
                let list: Vec<String> = rows().map(|c| (c.row0 + 1).to_string()).collect();
                Some(format!(
                    "the Cohort row of PPO {p} ({} {}) was excluded, so this offence is excluded too; fix that row and this offence is kept",
                    if list.len() > 1 { "rows" } else { "row" },
                    list.join(", ")
                ))
            } else {
                None
            };
            if let Some(m) = msg {
                rec.excluded = true;
                issues.push(place.issue(Rule::D03, rec.row0, id, cell(k, id), m));
            }
        }
    }
    let history = cohort.map(|(crecs, cspec)| History::new(spec, cspec, crecs));
    for (k, rec) in recs.iter().enumerate() {
        let (Some(o), Some(r)) = (rec.date(outcome), rec.date(recorded)) else { continue };
        let history = history.as_ref().is_some_and(|h| h.of(place.ctx, rec));
        let days = (r - o).num_days();
        if !history && days > 7 {
            issues.push(place.issue(
                Rule::Q03,
                rec.row0,
                recorded,
                cell(k, recorded),
                format!("recorded {days} days after the outcome ({} to {}); the standard is within 7 days", uk(o), uk(r)),
            ));
        }
    }
}

/// §10: an offence whose Outcome date is before the person's Date adopted on
/// the same return, or any offence before the first day of the return for
/// the scheme's first active month. Its columns are found once per sheet.
pub(super) struct History<'c> {
    outcome: usize,
    id: usize,
    cid: usize,
    adopted: usize,
    crecs: &'c [Record],
}

impl<'c> History<'c> {
    pub(super) fn new(ospec: &schema::Sheet, cspec: &schema::Sheet, crecs: &'c [Record]) -> History<'c> {
        History {
            outcome: idx(ospec, "outcome_date"),
            id: idx(ospec, "ppo_id"),
            cid: idx(cspec, "ppo_id"),
            adopted: idx(cspec, "date_adopted"),
            crecs,
        }
    }

    /// Is this `Offences` row adoption history?
    pub(super) fn of(&self, ctx: &Ctx<'_>, rec: &Record) -> bool {
        let Some(outcome) = rec.date(self.outcome) else { return false };
        if let (Some(p), Some(first)) = (ctx.period, ctx.first_month) {
            if p == first && outcome < p.first_day() {
                return true;
            }
        }
        let (cid, adopted) = (self.cid, self.adopted);
        let ppo = rec.pnc(self.id);
        self.crecs
            .iter()
            .find(|c| c.pnc(cid).is_some() && c.pnc(cid) == ppo && c.date(adopted).is_some())
            .and_then(|c| c.date(adopted))
            .is_some_and(|a| outcome < a)
    }
}
