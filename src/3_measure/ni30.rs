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
use crate::validate::{LedgerEntry, Pnc};
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
        Some(extract) => extract.iter().map(LedgerEntry::new).collect(),
        None => std::borrow::Cow::Borrowed(&input.combined.ledger),
    }
}

/// A scheme's NI 30 cohort for a year and what it offended. It is the same
/// for every month that shows the year, so a run works it out once
/// ([`Memo`]) rather than once per trend month.
struct SchemeCohort {
    /// The members' PPO IDs, sorted: whether each was deselected depends on
    /// the month, so is found per month.
    ids: Vec<Pnc>,
    baseline: u32,
    followup: u32,
    /// Members with at least one follow-up offence.
    reoffenders: u32,
    /// The offence dates of the follow-up offences, sorted: the rolling
    /// figure of m months counts those up to the m-th month's end.
    followup_dates: Vec<NaiveDate>,
}

/// Every register scheme active in February Y, by code: its cohort, or
/// `None` with no return for February Y or earlier.
type YearCohorts = std::collections::HashMap<String, Option<SchemeCohort>>;

/// The cohorts of the NI 30 years worked out so far in a run, by (year,
/// cautions counted). The months of a report are computed in parallel: the
/// first to need a year works it out and the others wait for it.
#[derive(Default)]
pub struct Memo {
    years: std::sync::Mutex<std::collections::BTreeMap<(i32, bool), std::sync::Arc<std::sync::OnceLock<YearCohorts>>>>,
}

impl Memo {
    fn year(&self, y: i32, cautions: bool) -> std::sync::Arc<std::sync::OnceLock<YearCohorts>> {
        let mut years = self.years.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        years.entry((y, cautions)).or_default().clone()
    }
}

/// The cohorts of year Y for every register scheme active in February Y.
fn year_cohorts(input: &Input<'_>, y: i32, cautions: bool) -> YearCohorts {
    let feb = Month { year: y, month: 2 };
    let snapshot = feb.first_day();
    let (base_from, base_to) = (date(y - 2, 10, 1), date(y - 1, 9, 30));
    let (fu_from, fu_to) = (date(y, 4, 1), date(y + 1, 3, 31));
    let proven = proven(input);
    let mut out = YearCohorts::new();
    for s in input.register.schemes.iter().filter(|s| s.active_in(feb)) {
        let ret = input.combined.used.range((s.code.clone(), Month { year: 0, month: 1 })..=(s.code.clone(), feb)).next_back();
        let cohort = ret.map(|(_, &i)| {
            let mut ids: Vec<Pnc> =
                input.checked[i].spans.iter().filter(|p| p.strand != "PD" && p.active_at(snapshot)).map(|p| p.ppo_id).collect();
            ids.sort_unstable();
            ids.dedup();
            let mut c = SchemeCohort { ids, baseline: 0, followup: 0, reoffenders: 0, followup_dates: Vec::new() };
            for id in &c.ids {
                // The ledger (and the extract) is sorted by PPO ID.
                let from = proven.partition_point(|e| e.ppo < *id);
                let theirs = &proven[from..from + proven[from..].partition_point(|e| e.ppo == *id)];
                c.baseline += theirs.iter().filter(|o| counts_in(o, base_from, base_to, proven_by(base_to), cautions)).count() as u32;
                let before = c.followup_dates.len();
                c.followup_dates.extend(theirs.iter().filter(|o| counts_in(o, fu_from, fu_to, proven_by(fu_to), cautions)).map(|o| o.offence_date));
                let f = (c.followup_dates.len() - before) as u32;
                c.followup += f;
                c.reoffenders += u32::from(f > 0);
            }
            c.followup_dates.sort_unstable();
            c
        });
        out.insert(s.code.clone(), cohort);
    }
    out
}

pub fn rows(input: &Input<'_>, cfg: &Config, schemes: &[&Scheme], detail: Detail) -> Result<Vec<Measure>, String> {
    let mut out = Vec::new();
    // The trends follow the report year only.
    let years = years(input, cfg).into_iter().filter(|(_, prefix)| detail == Detail::All || *prefix == "ni30_");
    for (y, prefix) in years {
        year_rows(input, cfg, schemes, detail, (y, prefix), &mut out)?;
    }
    Ok(out)
}

/// How many of a scheme's cohort members (sorted) have a deselection on
/// their latest row in the scheme's used returns up to `cap`.
fn deselected(input: &Input<'_>, scheme: &str, cap: Month, members: &[Pnc]) -> usize {
    // By member: None until their latest row is seen.
    let mut latest: Vec<Option<bool>> = vec![None; members.len()];
    let mut left = members.len();
    let returns = input.combined.used.range((scheme.to_string(), Month { year: 0, month: 1 })..=(scheme.to_string(), cap));
    for (_, &i) in returns.rev() {
        for p in &input.checked[i].spans {
            if let Ok(k) = members.binary_search(&p.ppo_id) {
                if latest[k].is_none() {
                    latest[k] = Some(p.date_deselected.is_some());
                    left -= 1;
                }
            }
        }
        if left == 0 {
            break;
        }
    }
    latest.into_iter().filter(|d| *d == Some(true)).count()
}

/// The rows of year Y, named with `prefix`, for the month `cfg.period`.
fn year_rows(
    input: &Input<'_>,
    cfg: &Config,
    schemes: &[&Scheme],
    detail: Detail,
    (y, prefix): (i32, &str),
    out: &mut Vec<Measure>,
) -> Result<(), String> {
    let feb = Month { year: y, month: 2 };
    let cap = cfg.period.min(Month { year: y + 1, month: 3 });
    let complete = cfg.period >= Month { year: y + 1, month: 9 };
    let m = (cfg.period.index() - Month { year: y, month: 4 }.index() + 1).clamp(0, 12);
    let rolling_to = Month { year: y, month: 4 }.add(m.max(1) - 1).last_day();

    let in_year: Vec<&Scheme> = schemes
        .iter()
        .copied()
        .filter(|s| s.active_in(feb))
        .collect();
    let cohorts = input.memo.year(y, cfg.ni30_cautions);
    // Other months wait here while one works the year out: `year_cohorts`
    // must stay free of rayon and polars, or a waiting worker could be
    // handed a job that waits on this same cell.
    let cohorts = cohorts.get_or_init(|| year_cohorts(input, y, cfg.ni30_cautions));
    // One row per scheme: every figure below is a sum over the members.
    let cols = ["member", "b", "f", "reoff", "fm", "desel", "has_return"];
    let mut table = Table::new(&cols);
    for s in &in_year {
        let Some(Some(c)) = cohorts.get(&s.code) else {
            table.push(&s.code, &s.region, 0, &[Some(0.0); 7]); // no return: not available
            continue;
        };
        // The rolling figure: offences of the follow-up months seen so far.
        let fm = if m >= 1 { c.followup_dates.partition_point(|d| *d <= rolling_to) } else { 0 };
        // Only the full report says how many were deselected.
        let desel = match detail {
            Detail::All => deselected(input, &s.code, cap, &c.ids),
            Detail::Trend => 0,
        };
        let v = [c.ids.len() as f64, c.baseline.into(), c.followup.into(), c.reoffenders.into(), fm as f64, desel as f64, 1.0];
        table.push(&s.code, &s.region, 0, &v.map(Some));
    }
    let agg = aggregate(table, &Wanted { sums: &cols, ..Default::default() })?;
    let empty = Default::default();
    for area in areas(&in_year, cfg, detail) {
        let st = agg.get(&area.key).unwrap_or(&empty);
        let scheme = area.scheme.map(|i| in_year[i]);
        let available = st.sum("has_return") > 0.0;
        let mut push = |name: &str, value: Value, num: Option<f64>, den: Option<f64>, flag: Flag| {
            if !detail.keeps(prefix, name) {
                return;
            }
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
