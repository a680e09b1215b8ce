//! NI 30, the re-offending of the PPO cohort (§5, §10), for the report year
//! and, by default, the outturn year.
//!
//! For the year from 1 April Y: the cohort is everyone on a strand but PD
//! active on 1 February Y, from each scheme's return for February Y (or its
//! latest earlier one); baseline offences are those committed 1 Oct Y−2 to
//! 30 Sep Y−1, follow-up offences 1 Apr Y to 31 Mar Y+1, each proven no
//! later than six months after its window ends. Offences come from the whole
//! ledger (or the `--offences` extract) by PPO ID.

use super::frame::{aggregate, Table, Wanted};
use super::headline::areas;
use super::{mean, rate, Config, Detail, Flag, Input, Measure, Value};
use crate::calendar::Month;
use crate::register::Scheme;
use crate::validate::{LedgerEntry, Person, Pnc};
use chrono::NaiveDate;

/// The years shown for month P: (Y, row-name prefix).
pub fn years(input: &Input<'_>, cfg: &Config) -> Vec<(i32, &'static str)> {
    let p = cfg.period;
    let has_snapshot = |y: i32| input.combined.used.keys().any(|(_, m)| *m == Month { year: y, month: 2 });
    let mut out = Vec::new();
    match cfg.ni30_year {
        Some(y) => out.push((y, "ni30_")),
        None => {
            out.push((if p.month >= 4 { p.year } else { p.year - 1 }, "ni30_"));
            out.push((if p.month >= 9 { p.year - 1 } else { p.year - 2 }, "ni30_outturn_"));
        }
    }
    out.retain(|(y, _)| has_snapshot(*y));
    out
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Six calendar months after a window's last day: 31 March + 6 months is
/// 30 September; 30 September + 6 months is 30 March.
fn proven_by(window_end: NaiveDate) -> NaiveDate {
    window_end.checked_add_months(chrono::Months::new(6)).unwrap_or(NaiveDate::MAX)
}

/// Does an offence committed from `from` to `to` count, proven by `by` (§5)?
fn counts_in(o: &LedgerEntry, from: NaiveDate, to: NaiveDate, by: NaiveDate, cautions: bool) -> bool {
    o.offence_date >= from && o.offence_date <= to && o.outcome_date <= by && (cautions || !o.caution)
}

/// The offences NI 30 counts, by PPO ID: the ledger, or the `--offences`
/// extract (sorted by PPO ID by the caller), each as a [`LedgerEntry`].
fn proven<'a>(input: &'a Input<'a>) -> std::borrow::Cow<'a, [LedgerEntry]> {
    match input.ni30_offences {
        Some(extract) => extract.iter().enumerate().map(|(k, o)| LedgerEntry::new(o, usize::MAX, k)).collect(),
        None => std::borrow::Cow::Borrowed(&input.combined.ledger),
    }
}

/// Each person's offences, for persons sorted by PPO ID: one pass over both.
fn offences_of<'a>(ids: &[Pnc], proven: &'a [LedgerEntry]) -> Vec<&'a [LedgerEntry]> {
    let mut out = Vec::with_capacity(ids.len());
    let mut at = 0;
    for id in ids {
        while proven.get(at).is_some_and(|e| e.ppo < *id) {
            at += 1; // a merge: both are sorted, so the whole pass reads each entry once
        }
        let n = proven[at..].iter().take_while(|e| e.ppo == *id).count();
        out.push(&proven[at..at + n]);
    }
    out
}

pub fn rows(input: &Input<'_>, cfg: &Config, schemes: &[&Scheme], detail: Detail) -> Result<Vec<Measure>, String> {
    let mut out = Vec::new();
    let proven = proven(input);
    // The trends follow the report year only.
    let years = years(input, cfg).into_iter().filter(|(_, prefix)| detail == Detail::All || *prefix == "ni30_");
    for (y, prefix) in years {
        year_rows(input, cfg, schemes, y, prefix, &proven, &mut out)?;
    }
    Ok(out)
}

/// For each cohort member of a scheme: does their latest row on the
/// scheme's used returns up to `cap` carry a deselection?
fn deselected(input: &Input<'_>, scheme: &str, cap: Month, members: &[Pnc]) -> Vec<bool> {
    // By member, in `members`' (sorted) order: None until their latest row is seen.
    let mut out: Vec<Option<bool>> = vec![None; members.len()];
    let mut left = members.len();
    let returns = input.combined.used.range((scheme.to_string(), Month { year: 0, month: 1 })..=(scheme.to_string(), cap));
    for (_, &i) in returns.rev() {
        for p in &input.checked[i].people {
            if let Ok(k) = members.binary_search(&p.ppo_id) {
                if out[k].is_none() {
                    out[k] = Some(p.date_deselected.is_some());
                    left -= 1;
                }
            }
        }
        if left == 0 {
            break;
        }
    }
    out.into_iter().map(|d| d.unwrap_or(false)).collect()
}

#[allow(clippy::too_many_arguments)]
fn year_rows(
    input: &Input<'_>,
    cfg: &Config,
    schemes: &[&Scheme],
    y: i32,
    prefix: &str,
    proven: &[LedgerEntry],
    out: &mut Vec<Measure>,
) -> Result<(), String> {
    let feb = Month { year: y, month: 2 };
    let snapshot = feb.first_day();
    let cap = cfg.period.min(Month { year: y + 1, month: 3 });
    let complete = cfg.period >= Month { year: y + 1, month: 9 };
    let m = (cfg.period.index() - Month { year: y, month: 4 }.index() + 1).clamp(0, 12);
    let (base_from, base_to) = (date(y - 2, 10, 1), date(y - 1, 9, 30));
    let (fu_from, fu_to) = (date(y, 4, 1), date(y + 1, 3, 31));
    let rolling_to = Month { year: y, month: 4 }.add(m.max(1) - 1).last_day();

    let in_year: Vec<&Scheme> = schemes
        .iter()
        .copied()
        .filter(|s| s.active_in(feb))
        .collect();
    // Each scheme's cohort: its return for February Y (or the latest
    // earlier one), its members and whether each was deselected by the cap.
    type Cohort<'p> = Option<(Vec<&'p Person>, Vec<bool>)>;
    let cohorts: Vec<Cohort<'_>> = in_year
        .iter()
        .map(|s| {
            let ret = input.combined.used.range((s.code.clone(), Month { year: 0, month: 1 })..=(s.code.clone(), feb)).next_back();
            ret.map(|(_, &i)| {
                let mut members: Vec<&Person> = input.checked[i].people.iter().filter(|p| p.strand != "PD" && p.active_at(snapshot)).collect();
                members.sort_by_key(|p| p.ppo_id);
                members.dedup_by_key(|p| p.ppo_id);
                let ids: Vec<Pnc> = members.iter().map(|p| p.ppo_id).collect();
                let desel = deselected(input, &s.code, cap, &ids);
                (members, desel)
            })
        })
        .collect();
    // Every member's offences, found in one pass over the offences.
    let mut ids: Vec<Pnc> = cohorts.iter().flatten().flat_map(|(m, _)| m.iter().map(|p| p.ppo_id)).collect();
    ids.sort_unstable();
    ids.dedup();
    let theirs = offences_of(&ids, proven);
    let mut table = Table::new(&["member", "b", "f", "reoff", "fm", "desel", "has_return"]);
    for (s, cohort) in in_year.iter().zip(&cohorts) {
        let Some((members, desel)) = cohort else {
            table.push(&s.code, &s.region, 0, &[Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(0.0)]);
            continue;
        };
        for (k, p) in members.iter().enumerate() {
            let offences = ids.binary_search(&p.ppo_id).map(|i| theirs[i]).unwrap_or(&[]);
            let n = |from, to, by| offences.iter().filter(|o| counts_in(o, from, to, by, cfg.ni30_cautions)).count() as f64;
            let b = n(base_from, base_to, proven_by(base_to));
            let f = n(fu_from, fu_to, proven_by(fu_to));
            // The rolling figure: offences of the follow-up months seen so far.
            let fm = if m >= 1 { n(fu_from, rolling_to, proven_by(fu_to)) } else { 0.0 };
            let v = [Some(1.0), Some(b), Some(f), Some(f64::from(u8::from(f > 0.0))), Some(fm), Some(f64::from(u8::from(desel[k]))), Some(1.0)];
            table.push(&s.code, &s.region, p.ppo_id.number(), &v);
        }
        if members.is_empty() {
            table.push(&s.code, &s.region, 0, &[Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(1.0)]);
        }
    }
    let cols = ["member", "b", "f", "reoff", "fm", "desel", "has_return"];
    let agg = aggregate(&table, &Wanted { sums: &cols, ..Default::default() })?;
    let empty = Default::default();
    for area in areas(&in_year, cfg) {
        let st = agg.get(&area.key).unwrap_or(&empty);
        let scheme = area.scheme.map(|i| in_year[i]);
        let available = st.sum("has_return") > 0.0;
        let mut push = |name: &str, value: Value, num: Option<f64>, den: Option<f64>, flag: Flag| {
            let (value, num, den, flag) = if available || name == "year" { (value, num, den, flag) } else { (Value::Empty, None, None, Flag::X) };
            out.push(Measure {
                period: cfg.period,
                level: area.level,
                area_code: area.code.clone(),
                area_name: area.name.clone(),
                measure: format!("{prefix}{name}"),
                value,
                numerator: num,
                denominator: den,
                flag,
            });
        };
        let (cohort, b, f, reoff, fm) = (st.sum("member"), st.sum("b"), st.sum("f"), st.sum("reoff"), st.sum("fm"));
        push("year", Value::Num(f64::from(y)), None, None, Flag::None);
        push("cohort", Value::Num(cohort), None, None, Flag::None);
        push("baseline_offences", Value::Num(b), None, None, Flag::None);
        push("cohort_deselected", Value::Num(st.sum("desel")), None, None, Flag::None);
        let target = scheme.and_then(|s| s.ni30_target_pct);
        let stretch = scheme.and_then(|s| s.ni30_stretch_pct);
        if complete {
            push("followup_offences", Value::Num(f), None, None, Flag::None);
            let (v, fl) = rate(b - f, b);
            push("reduction_pct", v, Some(b - f), Some(b), fl);
            let (v, fl) = rate(reoff, cohort);
            push("reoffended_pct", v, Some(reoff), Some(cohort), fl);
            let (v, fl) = mean(f, cohort);
            push("offences_per_ppo", v, Some(f), Some(cohort), fl);
            let (v, fl) = mean(f, reoff);
            push("offences_per_reoffender", v, Some(f), Some(reoff), fl);
            if scheme.is_some() {
                for (name, goal) in [("target_met", target), ("stretch_met", stretch)] {
                    // Met when (B - F) / B x 100 >= goal, compared without rounding.
                    match goal.filter(|_| b > 0.0) {
                        Some(g) => push(name, Value::Code(if (b - f) * 100.0 >= g * b { "Y" } else { "N" }.into()), None, None, Flag::None),
                        None => push(name, Value::Empty, None, None, Flag::Z),
                    }
                }
            }
        } else if m >= 1 {
            let bm = b * f64::from(m) / 12.0;
            push("rolling_months", Value::Num(f64::from(m)), None, None, Flag::None);
            push("rolling_followup_offences", Value::Num(fm), None, None, Flag::None);
            push("rolling_baseline_offences", Value::Num(bm), None, None, Flag::None);
            let (v, fl) = rate(bm - fm, bm);
            push("rolling_reduction_pct", v, Some(bm - fm), Some(bm), fl);
            if scheme.is_some() {
                match target {
                    Some(t) => push("trajectory_offences", Value::Num(bm * (1.0 - t / 100.0)), None, None, Flag::None),
                    None => push("trajectory_offences", Value::Empty, None, None, Flag::Z),
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proven_within_six_calendar_months() {
        assert_eq!(proven_by(date(2007, 9, 30)), date(2008, 3, 30));
        assert_eq!(proven_by(date(2009, 3, 31)), date(2009, 9, 30));
    }
}
