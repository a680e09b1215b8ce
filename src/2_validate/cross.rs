//! Checks across returns (X01–X05) and combining (§4.1, §10): which return
//! is used for each scheme-month, and the offence ledger.
//!
//! Invariants: only usable returns compete; the latest Submitted on wins; a
//! tie for latest uses none (X02). The ledger has one entry per (PPO ID,
//! Offence ref), ordered by Submitted on, then period, then file name.
//! Offences are read back from the run's [`Spill`] one part (a set of
//! people) at a time, never all at once.

use super::accepted::cell_ref;
use super::spill::PARTS;
use super::{Checked, Offence, Pnc, Span, Spill, Verdict};
use crate::calendar::{uk, Month};
use crate::issue::{Issue, Rule};
use crate::register::Register;
use chrono::NaiveDate;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One offence of the ledger: the person and what NI 30 counts of the
/// latest values (24 bytes; a national run has hundreds of thousands).
#[derive(Debug, Clone, Copy)]
pub struct LedgerEntry {
    pub ppo: Pnc,
    pub offence_date: NaiveDate,
    pub outcome_date: NaiveDate,
    pub caution: bool,
}

impl LedgerEntry {
    pub fn new(o: &Offence) -> LedgerEntry {
        LedgerEntry { ppo: o.ppo_id, offence_date: o.offence_date, outcome_date: o.outcome_date, caution: o.outcome == "CAUTION" }
    }
}

/// Whether [`Combined::ledger`] is made: the measures read it; `pmf
/// validate` does not, and is spared its memory (about 10 MB of peak at
/// 36 national months).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ledger {
    Make,
    Skip,
}

#[derive(Debug, Clone, Default)]
pub struct Combined {
    /// The return used for each (scheme, month).
    pub used: BTreeMap<(String, Month), usize>,
    /// Every placed return for each (scheme, month), usable or not.
    pub received: BTreeMap<(String, Month), Vec<usize>>,
    /// One entry per (PPO ID, Offence ref), sorted by them: the latest
    /// values. Empty under [`Ledger::Skip`].
    pub ledger: Vec<LedgerEntry>,
}

fn placed(c: &Checked) -> Option<(String, Month)> {
    Some((c.meta.scheme.clone()?, c.meta.period?))
}

/// The offences of the usable returns that have a scheme and month, part by
/// part ([`Spill`]): X05's issues, and the ledger's entries by (PPO ID,
/// Offence ref) when it is made.
fn offences_across(checked: &[Checked], used: &[bool], ledger: Ledger) -> Result<(Vec<(usize, Issue)>, Vec<LedgerEntry>), String> {
    let mut order: Vec<usize> = (0..checked.len()).filter(|&i| checked[i].verdict.usable() && placed(&checked[i]).is_some()).collect();
    order.sort_by(|&a, &b| ledger_order(&checked[a]).cmp(&ledger_order(&checked[b])));
    let mut rank = vec![usize::MAX; checked.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    // Each spill, with the return at each place in its files read. A
    // return checked on its own puts its offences in a spill here.
    let here = Arc::new(Spill::new());
    let mut spills: Vec<(Arc<Spill>, Vec<Option<usize>>)> = Vec::new();
    for &i in &order {
        let (spill, seq) = match &checked[i].stored {
            Some(s) => (Arc::clone(&s.spill), s.seq as usize),
            None => {
                here.put(i as u32, &checked[i].offences);
                (Arc::clone(&here), i)
            }
        };
        let at = match spills.iter().position(|(s, _)| Arc::ptr_eq(s, &spill)) {
            Some(k) => k,
            None => {
                spills.push((spill, Vec::new()));
                spills.len() - 1
            }
        };
        // One return per place: a `Checked` cloned into the same run would
        // be counted once.
        let places = &mut spills[at].1;
        if places.len() <= seq {
            places.resize(seq + 1, None);
        }
        places[seq] = Some(i);
    }
    let parts: Vec<(Vec<(usize, Issue)>, Vec<LedgerEntry>)> = (0..PARTS)
        .into_par_iter()
        .map(|k| {
            let mut all: Vec<(Offence, usize)> = Vec::new();
            for (spill, places) in &spills {
                let part = spill.part(k)?;
                all.extend(part.into_iter().filter_map(|r| Some((r.offence, places.get(r.seq as usize).copied().flatten()?))));
            }
            // Keys are unique (D02 excludes a ref twice in one return), so
            // the unstable sort has one result.
            all.sort_unstable_by(|a, b| (a.0.ppo_id, &a.0.offence_ref, rank[a.1]).cmp(&(b.0.ppo_id, &b.0.offence_ref, rank[b.1])));
            let entries = if ledger == Ledger::Make { ledger_of(&all, used) } else { Vec::new() };
            Ok((changed_offences(checked, &all), entries))
        })
        .collect::<Result<_, String>>()?;
    let mut changed = Vec::new();
    let mut entries = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum());
    for (c, e) in parts {
        changed.extend(c);
        entries.extend(e);
    }
    // A person's entries are all in one part, by Offence ref: a stable sort
    // by person orders the whole ledger by both.
    entries.sort_by_key(|e| e.ppo);
    Ok((changed, entries))
}

/// The ledger's entries from offences in [`offences_across`]'s order: of
/// the used returns' offences of one key, the last wins.
fn ledger_of(by_key: &[(Offence, usize)], used: &[bool]) -> Vec<LedgerEntry> {
    let mut out = Vec::new();
    let mut theirs = by_key.iter().filter(|(_, i)| used[*i]).peekable();
    while let Some((o, _)) = theirs.next() {
        let last = theirs.peek().is_none_or(|next| (next.0.ppo_id, &next.0.offence_ref) != (o.ppo_id, &o.offence_ref));
        if last {
            out.push(LedgerEntry::new(o));
        }
    }
    out
}

/// Which return is used for each scheme-month, and every placed return of
/// each. Pure: reads the verdicts `cross_check` set.
fn combine(checked: &[Checked]) -> Combined {
    let mut out = Combined::default();
    for (i, c) in checked.iter().enumerate() {
        if let Some(key) = placed(c) {
            out.received.entry(key.clone()).or_default().push(i);
            if c.verdict.usable() {
                out.used.insert(key, i);
            }
        }
    }
    out
}

fn ledger_order(c: &Checked) -> (Option<NaiveDate>, Option<Month>, &str) {
    (c.meta.submitted_on, c.meta.period, c.file.as_str())
}

/// Apply X01–X05 to a batch of checked returns: issues and verdicts. The
/// result is [`combine`] of them (X03–X05 are warnings: they change no
/// verdict, so it holds after them).
pub fn cross_check(checked: &mut [Checked], _register: &Register, ledger: Ledger) -> Result<Combined, String> {
    supersede(checked);
    // The other checks only read the returns: run side by side, and their
    // issues added in one order (X03, X04, X05) whatever the timing.
    let shared: &[Checked] = checked;
    let mut combined = combine(shared);
    let mut used = vec![false; shared.len()];
    for &i in combined.used.values() {
        used[i] = true;
    }
    let (spans, across) = rayon::join(|| spans_across(shared, &combined), || offences_across(shared, &used, ledger));
    let (changed, entries) = across?;
    combined.ledger = entries;
    for (i, issue) in spans?.into_iter().chain(changed) {
        checked[i].unfiled.push(issue);
    }
    Ok(combined)
}

/// X01, X02: the latest usable return of a scheme-month wins.
fn supersede(checked: &mut [Checked]) {
    let mut groups: BTreeMap<(String, Month), Vec<usize>> = BTreeMap::new();
    for (i, c) in checked.iter().enumerate() {
        if let (Some(key), true) = (placed(c), c.verdict.usable()) {
            groups.entry(key).or_default().push(i);
        }
    }
    for ((scheme, month), mut idx) in groups {
        if idx.len() < 2 {
            continue;
        }
        idx.sort_by(|&a, &b| {
            (checked[b].meta.submitted_on, &checked[b].file).cmp(&(checked[a].meta.submitted_on, &checked[a].file))
        });
        let latest = checked[idx[0]].meta.submitted_on;
        let tied: Vec<usize> = idx.iter().copied().filter(|&i| checked[i].meta.submitted_on == latest).collect();
        let names = |set: &[usize], checked: &[Checked]| set.iter().map(|&i| checked[i].file.clone()).collect::<Vec<_>>().join(", ");
        if tied.len() > 1 {
            let all = names(&tied, checked);
            for &i in &tied {
                let c = &mut checked[i];
                c.unfiled.push(Issue::new(
                    Rule::X02,
                    &c.file.clone(),
                    format!(
                        "{} returns for {scheme} {month} were submitted on the same day ({}): {all}; none is used. Send one corrected return with a later Submitted on date",
                        tied.len(),
                        latest.map(uk).unwrap_or_default()
                    ),
                ));
                c.reject();
            }
        }
        let winner = &checked[idx[0]];
        let (wfile, wdate) = (winner.file.clone(), winner.meta.submitted_on.map(uk).unwrap_or_default());
        for &i in idx.iter().filter(|i| !tied.contains(i)) {
            let c = &mut checked[i];
            c.unfiled.push(Issue::new(
                Rule::X01,
                &c.file.clone(),
                format!("superseded by {wfile} (submitted {wdate}), a later return for {scheme} {month}; this one is not used"),
            ));
            c.verdict = Verdict::Superseded;
        }
    }
}

/// X03 and X04, month by month, a month per core: a month reads the spans
/// of its used returns once, for both checks, and one return at a time of
/// the month before for X03, so about a month's spans per core are held
/// at once. The issues come back X03 first, then X04.
fn spans_across(checked: &[Checked], combined: &Combined) -> Result<Vec<(usize, Issue)>, String> {
    // Each month's used returns, by scheme code.
    let mut months: BTreeMap<Month, Vec<(&str, usize)>> = BTreeMap::new();
    for ((scheme, month), &i) in &combined.used {
        months.entry(*month).or_default().push((scheme.as_str(), i));
    }
    let found: Vec<(Vec<(usize, Issue)>, Vec<(usize, Issue)>)> = months
        .par_iter()
        .map(|(&month, returns)| {
            let spans: Vec<Cow<'_, [Span]>> = returns.iter().map(|&(_, i)| checked[i].all_spans()).collect::<Result<_, String>>()?;
            let mut lost = Vec::new();
            if let Some(before) = months.get(&month.prev()) {
                for (&(scheme, cur), now) in returns.iter().zip(&spans) {
                    if let Ok(k) = before.binary_search_by(|&(s, _)| s.cmp(scheme)) {
                        let prev = before[k].1;
                        lost_people(checked, month, (prev, &checked[prev].all_spans()?), (cur, now), &mut lost);
                    }
                }
            }
            let month_spans: Vec<(usize, &[Span])> = returns.iter().zip(&spans).map(|(&(_, i), s)| (i, &s[..])).collect();
            Ok((lost, month_doubles(checked, month, &month_spans)))
        })
        .collect::<Result<_, String>>()?;
    let (lost, double): (Vec<_>, Vec<_>) = found.into_iter().unzip();
    Ok(lost.into_iter().flatten().chain(double.into_iter().flatten()).collect())
}

/// X03 for one return (`cur`, of `month`) against its scheme's return of
/// the month before (`prev`): who was active at that month's end and is not
/// listed now.
fn lost_people(checked: &[Checked], month: Month, (prev, before): (usize, &[Span]), (cur, now): (usize, &[Span]), found: &mut Vec<(usize, Issue)>) {
    let end = month.prev().last_day();
    let (p, c) = (&checked[prev], &checked[cur]);
    let mut listed: Vec<Pnc> = now.iter().map(|s| s.ppo_id).chain(c.excluded_ids.iter().copied()).collect();
    listed.sort_unstable();
    for person in before.iter().filter(|x| x.active_at(end)) {
        if listed.binary_search(&person.ppo_id).is_err() {
            found.push((
                cur,
                Issue::new(
                    Rule::X03,
                    &c.file,
                    format!(
                        "PPO {} was active at the end of {} ({}, row {}) but is not on this return; list them, with a Date deselected and reason if they left",
                        person.ppo_id, month.prev(), p.file, person.row
                    ),
                )
                .sheet("Cohort")
                .column("PPO ID")
                .value(&person.ppo_id.to_string()),
            ));
        }
    }
}

/// X04 within one month: one PPO ID active on two schemes on the same day.
/// `returns` are the month's used returns with their spans.
fn month_doubles(checked: &[Checked], month: Month, returns: &[(usize, &[Span])]) -> Vec<(usize, Issue)> {
    let mut found: Vec<(usize, Issue)> = Vec::new();
    // (return, person's span, first day, last day) on a scheme that month.
    let mut spans: Vec<(usize, Span, NaiveDate, NaiveDate)> = Vec::new();
    for &(i, theirs) in returns {
        for &p in theirs {
            let start = p.date_adopted.max(month.first_day());
            let end = p.date_deselected.unwrap_or(month.last_day()).min(month.last_day());
            if start <= end {
                spans.push((i, p, start, end));
            }
        }
    }
    spans.sort_by_key(|s| s.1.ppo_id); // stable: schemes stay in order within an ID
    for v in spans.chunk_by(|a, b| a.1.ppo_id == b.1.ppo_id).filter(|v| v.len() > 1) {
        let id = v[0].1.ppo_id;
        for a in v {
            for b in v {
                let (sa, sb) = (&checked[a.0].meta.scheme, &checked[b.0].meta.scheme);
                if sa == sb || a.2 > b.3 || b.2 > a.3 {
                    continue;
                }
                let person = &a.1;
                let from = a.2.max(b.2);
                let mut issue = Issue::new(
                    Rule::X04,
                    &checked[a.0].file,
                    format!(
                        "PPO {id} is also active on scheme {} ({}) on {}; agree with that scheme which one holds them, and deselect them from the other",
                        sb.as_deref().unwrap_or("?"),
                        checked[b.0].file,
                        uk(from)
                    ),
                )
                .sheet("Cohort")
                .column("PPO ID")
                .value(&id.to_string())
                .row(person.row.saturating_sub(1));
                issue.cell = cell_ref(person.row, checked[a.0].id_col).into();
                found.push((a.0, issue));
            }
        }
    }
    found
}

/// X05: an offence ref reported again with different values.
fn changed_offences(checked: &[Checked], by_key: &[(Offence, usize)]) -> Vec<(usize, Issue)> {
    // Each offence is compared with the one before it of the same key.
    let mut found: Vec<(usize, Issue)> = Vec::new();
    for pair in by_key.windows(2) {
        let ((prev, j), (o, i)) = ((&pair[0].0, pair[0].1), (&pair[1].0, pair[1].1));
        if (prev.ppo_id, &prev.offence_ref) != (o.ppo_id, &o.offence_ref) {
            continue;
        }
        let changed = differences(prev, o);
        if changed.is_empty() {
            continue;
        }
        let mut issue = Issue::new(
            Rule::X05,
            &checked[i].file,
            format!(
                "offence {} of PPO {} was reported before ({}, row {}) with a different {}; this return's values are used",
                o.offence_ref,
                o.ppo_id,
                checked[j].file,
                prev.row,
                changed.join(", ")
            ),
        )
        .sheet("Offences")
        .column("Offence ref")
        .value(&o.offence_ref)
        .row(o.row.saturating_sub(1));
        issue.cell = cell_ref(o.row, checked[i].ref_col).into();
        found.push((i, issue));
    }
    found
}

/// The fields that differ, but Recorded date (§10).
fn differences(a: &Offence, b: &Offence) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut check = |same: bool, name: &'static str| {
        if !same {
            out.push(name);
        }
    };
    check(a.offence_date == b.offence_date, "Offence date");
    check(a.outcome_date == b.outcome_date, "Outcome date");
    check(a.outcome == b.outcome, "Outcome");
    check(a.offence_category == b.offence_category, "Offence category");
    check(a.disposal == b.disposal, "Disposal");
    check(a.arrest_date == b.arrest_date, "Arrest date");
    check(a.charge_date == b.charge_date, "Charge date");
    out
}
