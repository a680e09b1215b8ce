//! Proven offending in the simulated world, and which return lists each
//! offence (spec §1.3): in the month of its Recorded date, as adoption
//! history in the month a person is adopted, or as first-return history in
//! a scheme's first month.
//!
//! Invariants, for every row placed on a return for month P:
//! - Offence date ≤ Arrest date ≤ Charge date ≤ Outcome date, and the
//!   Recorded date is inside P and on or after the outcome;
//! - the person is listed on the same return's Cohort (D03), and an offence
//!   is placed at most once per return (D02; refs are unique per person);
//! - history rows are exactly the rows the validator treats as history
//!   (§10): their outcome is before the Date adopted, or before the first
//!   day of the scheme's first month; every other row has its outcome on or
//!   after that day, so Q03 speaks only of genuinely late recording.

use super::rng::{add_days, months_after, months_back, Rng, Tag};
use super::people::is_custody;
use super::world::World;
use crate::calendar::Month;
use chrono::NaiveDate;
use std::ops::Range;

const OUTCOMES: [(&str, u32); 3] = [("CONVICTION", 75), ("CAUTION", 12), ("TIC", 13)];
const CATEGORIES: [(&str, u32); 18] = [
    ("BURGLARY_DWELLING", 80), ("BURGLARY_OTHER", 60), ("ROBBERY", 30), ("VEHICLE_THEFT", 60),
    ("THEFT_FROM_VEHICLE", 70), ("SHOPLIFTING", 200), ("THEFT_OTHER", 100), ("HANDLING", 40), ("FRAUD", 30),
    ("CRIMINAL_DAMAGE", 60), ("ARSON", 5), ("VIOLENCE", 80), ("SEXUAL", 5), ("DRUGS", 60), ("PUBLIC_ORDER", 40),
    ("MOTORING", 40), ("BREACH", 80), ("OTHER", 20),
];
const DISPOSALS: [(&str, u32); 6] =
    [("CUSTODY", 40), ("SUSPENDED", 12), ("COMMUNITY", 25), ("FINE", 10), ("DISCHARGE", 8), ("OTHER", 5)];

/// Offences a year, for an average PPO.
const RATE_BEFORE: f64 = 4.0;
const RATE_ON_SCHEME: f64 = 2.4;
const RATE_IN_CUSTODY: f64 = 0.4;

#[derive(Debug, Clone)]
pub struct Offence {
    pub oref: String,
    pub date: NaiveDate,
    pub outcome_date: NaiveDate,
    pub outcome: &'static str,
    pub category: &'static str,
    pub disposal: Option<&'static str>,
    pub arrest: Option<NaiveDate>,
    pub charge: Option<NaiveDate>,
    /// When the scheme holding the person then records it.
    pub recorded: NaiveDate,
}

/// Every offence, grouped by person.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub offences: Vec<Offence>,
    pub by_person: Vec<Range<usize>>,
}

/// One row of a return's `Offences` sheet.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    pub offence: usize,
    pub person: usize,
    pub recorded: NaiveDate,
    pub history: bool,
}

/// Member indices per person, in adoption order.
fn spells(world: &World) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); world.people.len()];
    for (i, m) in world.members.iter().enumerate() {
        out[m.person].push(i);
    }
    for list in &mut out {
        list.sort_by_key(|&i| world.members[i].adopted);
    }
    out
}

/// Each person's offences, from 24 months before the history windows open
/// to the end of their last spell (offences after it are never reported).
pub fn generate(world: &World) -> Ledger {
    let mut ledger = Ledger::default();
    let mut counters = vec![0u32; world.schemes.len()];
    let end_of_world = world.last.last_day();
    for (p, spells) in spells(world).iter().enumerate() {
        let from = ledger.offences.len();
        let (Some(&first), Some(&last)) = (spells.first(), spells.last()) else {
            ledger.by_person.push(from..from);
            continue;
        };
        let person = &world.people[p];
        let adopted = world.members[first].adopted;
        let opens = world.schemes[world.members[first].scheme].active_from.first_day();
        // No offence before the age of criminal responsibility (10).
        let gen_start = months_back(adopted.min(opens), 24).max(months_after(person.dob, 120));
        let gen_end = world.members[last].deselected.map_or(end_of_world, |(d, _)| d.min(end_of_world));
        let mut rng = Rng::stream(world.seed, Tag::Offences, &person.key);
        let mut m = Month::of(gen_start);
        while m <= Month::of(gen_end) {
            let lo = m.first_day().max(gen_start);
            let hi = m.last_day().min(gen_end);
            let on = m >= Month::of(adopted);
            let rate = match person.state(m) {
                Some(st) if on && is_custody(st.status) => RATE_IN_CUSTODY,
                _ if on => RATE_ON_SCHEME,
                _ => RATE_BEFORE,
            } * person.rate;
            let days = (hi - lo).num_days() + 1;
            let k = rng.poisson(rate * days as f64 / 365.25);
            let mut dates: Vec<NaiveDate> = (0..k).map(|_| rng.day_between(lo, hi)).collect();
            dates.sort();
            for date in dates {
                let mut o = one(&mut rng, date);
                // The reference is that of the scheme holding the person
                // when it is recorded (the first scheme, before adoption).
                let holder = spells
                    .iter()
                    .rev()
                    .find(|&&i| world.members[i].adopted <= o.recorded)
                    .map_or(world.members[first].scheme, |&i| world.members[i].scheme);
                counters[holder] += 1;
                o.oref = format!("{}/{:06}", world.schemes[holder].code, counters[holder]);
                ledger.offences.push(o);
            }
            m = m.next();
        }
        ledger.by_person.push(from..ledger.offences.len());
    }
    ledger
}

/// One offence committed on `date`; its ref is set by the caller.
fn one(rng: &mut Rng, date: NaiveDate) -> Offence {
    let delay = 5 + (115.0 * rng.unit().powf(2.5)) as i64;
    let outcome_date = add_days(date, delay);
    let outcome = rng.weighted(&OUTCOMES, "CONVICTION");
    let category = rng.weighted(&CATEGORIES, "OTHER");
    let disposal = (outcome != "CAUTION").then(|| rng.weighted(&DISPOSALS, "OTHER"));
    let (mut arrest, mut charge) = (None, None);
    if outcome == "CONVICTION" && rng.chance(0.85) {
        let a = add_days(date, rng.range(0, delay.min(14)));
        let c = add_days(a, rng.range(0, (outcome_date - a).num_days().min(2)));
        arrest = Some(a);
        charge = Some(c);
    } else if outcome == "CAUTION" && rng.chance(0.6) {
        arrest = Some(add_days(date, rng.range(0, delay.min(7))));
    }
    let lag = if rng.chance(0.92) { rng.range(0, 5) } else { rng.range(8, 20) };
    Offence {
        oref: String::new(),
        date,
        outcome_date,
        outcome,
        category,
        disposal,
        arrest,
        charge,
        recorded: add_days(outcome_date, lag),
    }
}

/// The rows of every return: `[scheme][month - world.start]`. A scheme-month
/// with no return (the missing one) gets no rows.
pub fn assign(world: &World, ledger: &Ledger) -> Vec<Vec<Vec<Row>>> {
    let months = (world.last.index() - world.start.index() + 1).max(0) as usize;
    let mut out = vec![vec![Vec::new(); months]; world.schemes.len()];
    for mem in &world.members {
        let first = world.schemes[mem.scheme].active_from;
        if first > world.last {
            continue;
        }
        // History counts back from the adoption, or from the first return
        // for those already on the scheme when its returns began.
        let initial = mem.adopted < first.first_day();
        let tau = if initial { first.first_day() } else { mem.adopted };
        let h = Month::of(tau);
        let window = months_back(tau, 24);
        let until = mem.deselected.map_or(world.last.last_day(), |(d, _)| d.min(world.last.last_day()));
        let key = world.people.get(mem.person).map_or([0, 0], |p| p.key);
        let mut rng = Rng::stream(world.seed, Tag::History, &[key[0], key[1], mem.scheme as u64]);
        let Some(range) = ledger.by_person.get(mem.person) else { continue };
        for oi in range.clone() {
            let o = &ledger.offences[oi];
            let (month, recorded, history) = if o.outcome_date < tau {
                if o.date < window {
                    continue;
                }
                let recorded = if initial {
                    rng.day_between(tau, add_days(tau, 6).min(h.last_day()))
                } else {
                    rng.day_between(tau, add_days(tau, 3).min(h.last_day()))
                };
                (h, recorded, true)
            } else {
                if o.recorded > until {
                    continue;
                }
                (Month::of(o.recorded), o.recorded, false)
            };
            if world.missing == Some((mem.scheme, month)) || month < world.start || month > world.last {
                continue;
            }
            let slot = (month.index() - world.start.index()) as usize;
            out[mem.scheme][slot].push(Row { offence: oi, person: mem.person, recorded, history });
        }
    }
    for scheme in &mut out {
        for rows in scheme.iter_mut() {
            rows.sort_by(|a, b| {
                (a.recorded, &world.people[a.person].pnc, &ledger.offences[a.offence].oref).cmp(&(
                    b.recorded,
                    &world.people[b.person].pnc,
                    &ledger.offences[b.offence].oref,
                ))
            });
        }
    }
    out
}
