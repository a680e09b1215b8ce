//! The people of the simulated world: who they are (PNC ID, date of birth,
//! gender, ethnicity, strand, drug misuse, selection score) and how their
//! case stands on each month's last day (status, custody spell, assessment,
//! offender manager, treatment, accommodation, ETE).
//!
//! Invariants: a PNC ID's serial is a bijection of the person's number, so
//! IDs are unique, and its check letter is `validate::check_letter`'s; a
//! person's states cover every month from `base` (the first month they are
//! listed) to the last simulated month; a custody status always has a
//! custody start; an assessment date is never after its month's last day;
//! the status mix is stationary (a status persists, or is redrawn from the
//! same mix), so cohorts keep the briefed shares; one person is drawn from
//! one seeded stream of their own (named by scheme and place in it), so
//! nothing else shifts their life.

use super::rng::{add_days, months_back, Rng, Tag};
use crate::calendar::Month;
use crate::validate::check_letter;
use chrono::{Datelike, NaiveDate};

pub const STATUSES: [&str; 6] = ["CUSTODY_REMAND", "CUSTODY_SENTENCED", "COMMUNITY", "LICENCE", "NON_STATUTORY", "WANTED"];
/// Share of each status on a month's last day (custody 25%, as briefed).
const STATUS_MIX: [(u8, u32); 6] = [(0, 7), (1, 18), (2, 30), (3, 20), (4, 20), (5, 5)];
pub const ACCOMMODATION: [&str; 4] = ["SETTLED", "UNSETTLED", "NFA", "UNKNOWN"];
pub const ETE: [&str; 4] = ["EMPLOYED", "TRAINING", "NONE", "UNKNOWN"];
/// `u8::MAX` is a blank cell.
const ACC_MIX: [(u8, u32); 5] = [(0, 50), (1, 25), (2, 10), (3, 8), (u8::MAX, 7)];
const ETE_MIX: [(u8, u32); 5] = [(0, 14), (1, 14), (2, 57), (3, 8), (u8::MAX, 7)];
const ETHNICITY: [(&str, u32); 17] = [
    ("W1", 800), ("W2", 10), ("W9", 30), ("M1", 20), ("M2", 5), ("M3", 10), ("M9", 5), ("A1", 20), ("A2", 20),
    ("A3", 5), ("A9", 5), ("B1", 20), ("B2", 10), ("B9", 5), ("O1", 5), ("O9", 5), ("NS", 25),
];
const ETHNICITY_LONDON: [(&str, u32); 17] = [
    ("W1", 420), ("W2", 20), ("W9", 60), ("M1", 40), ("M2", 15), ("M3", 20), ("M9", 15), ("A1", 40), ("A2", 30),
    ("A3", 30), ("A9", 20), ("B1", 80), ("B2", 100), ("B9", 30), ("O1", 15), ("O9", 25), ("NS", 40),
];

pub fn is_custody(status: u8) -> bool {
    status <= 1
}

pub fn is_statutory(status: u8) -> bool {
    (1..=3).contains(&status)
}

/// A person's state on a month's last day.
#[derive(Debug, Clone, Copy)]
pub struct State {
    /// Index into [`STATUSES`].
    pub status: u8,
    pub custody_start: Option<NaiveDate>,
    /// The latest assessment on or before the month's last day.
    pub assessment: Option<NaiveDate>,
    pub om: bool,
    pub treatment: bool,
    /// Index into [`ACCOMMODATION`] / [`ETE`]; `u8::MAX` is blank.
    pub accommodation: u8,
    pub ete: u8,
}

#[derive(Debug, Clone)]
pub struct Person {
    /// Names the person's random streams: (scheme, place in it).
    pub key: [u64; 2],
    pub pnc: String,
    pub dob: NaiveDate,
    pub gender: &'static str,
    pub ethnicity: &'static str,
    pub strand: &'static str,
    pub drug: &'static str,
    pub score: Option<u32>,
    /// How prolific, relative to the average PPO (mean 1).
    pub rate: f64,
    /// The first month of `states`.
    pub base: Month,
    pub states: Vec<State>,
}

impl Person {
    pub fn state(&self, m: Month) -> Option<&State> {
        usize::try_from(m.index() - self.base.index()).ok().and_then(|i| self.states.get(i))
    }
}

/// Person number `g` (which fixes the PNC serial), drawn from the stream
/// named by `key` (scheme, place in it), adopted on `adopted` by a scheme whose returns start in `first`; monthly
/// states up to `last`.
pub fn make_person(key: [u64; 2], seed: u64, g: usize, adopted: NaiveDate, first: Month, last: Month, london: bool) -> Result<Person, String> {
    let mut rng = Rng::stream(seed, Tag::Person, &key);
    let strand = rng.weighted(&[("CC", 50), ("RR", 40), ("PD", 10)], "CC");
    let base = Month::of(adopted).max(first);
    let dob = if strand == "PD" {
        // 13 to 17 in the first month they are listed.
        let age = rng.range(13, 17) as u32;
        add_days(months_back(base.first_day(), 12 * age), -rng.range(0, 364))
    } else {
        let age = if rng.chance(0.04) { rng.range(46, 60) } else { 18 + (28.0 * rng.unit().powf(2.2)) as i64 };
        add_days(months_back(adopted, 12 * age as u32), -rng.range(0, 364))
    };
    let gender = rng.weighted(&[("M", 95), ("F", 5)], "M");
    let ethnicity = rng.weighted(if london { &ETHNICITY_LONDON } else { &ETHNICITY }, "W1");
    let drug = rng.weighted(&[("Y", 60), ("N", 30), ("U", 10)], "U");
    let score = rng.chance(0.9).then(|| rng.range(10, 80) as u32);
    let rate = (-(1.0 - rng.unit()).ln()).clamp(0.05, 4.0);
    // A 7-digit serial unique to the person: g -> (g × a + b) mod 10^7 is a
    // bijection because a is prime to 10.
    if g >= 10_000_000 {
        return Err("too many people for unique PNC serials; use fewer schemes or months".into());
    }
    let serial = ((g as u64 * 7_654_321 + 1_234_567) % 10_000_000) as u32;
    let hi = adopted.year();
    let lo = (dob.year() + 12).max(1985).min(hi);
    let year = rng.range(i64::from(lo), i64::from(hi)) as u32;
    let pnc = format!("{year:04}/{serial:07}{}", check_letter(year, serial));
    let states = life(&mut rng, drug == "Y", adopted, base, last);
    Ok(Person { key, pnc, dob, gender, ethnicity, strand, drug, score, rate, base, states })
}

/// Monthly states from `base` to `last`: a status that persists or is
/// redrawn (keeping the mix), custody spells with their assessments, and
/// slowly changing case details.
fn life(rng: &mut Rng, drug: bool, adopted: NaiveDate, base: Month, last: Month) -> Vec<State> {
    let om_u = rng.unit();
    let mut treatment = drug && rng.chance(0.55);
    let mut accommodation = rng.weighted(&ACC_MIX, u8::MAX);
    let mut ete = rng.weighted(&ETE_MIX, u8::MAX);
    let mut assessment = None;
    let mut pending = if rng.chance(0.75) { Some(add_days(adopted, rng.range(-90, 40))) } else { None };
    let mut status = rng.weighted(&STATUS_MIX, 2);
    let mut custody_start = None;
    let mut out = Vec::new();
    let mut m = base;
    while m <= last {
        let (first, end) = (m.first_day(), m.last_day());
        if m == base {
            if is_custody(status) {
                let start = add_days(end, -rng.range(0, 240));
                custody_start = Some(start);
                pending = plan_assessment(rng, start).or(pending);
            }
        } else if rng.chance(0.2) {
            let next = rng.weighted(&STATUS_MIX, 2);
            if is_custody(next) && !is_custody(status) {
                let start = rng.day_between(first, end);
                custody_start = Some(start);
                pending = plan_assessment(rng, start).or(pending);
            } else if !is_custody(next) {
                custody_start = None;
            }
            status = next;
        }
        if m != base {
            if drug && rng.chance(0.08) {
                treatment = !treatment;
            }
            if rng.chance(0.05) {
                accommodation = rng.weighted(&ACC_MIX, u8::MAX);
            }
            if rng.chance(0.05) {
                ete = rng.weighted(&ETE_MIX, u8::MAX);
            }
        }
        if let Some(p) = pending.filter(|&p| p <= end) {
            assessment = Some(p);
            pending = None;
        }
        let om = om_u < if is_statutory(status) { 0.9 } else { 0.35 };
        out.push(State { status, custody_start, assessment, om, treatment, accommodation, ete });
        m = m.next();
    }
    out
}

/// The assessment after a custody spell starts: within 8 weeks for most.
fn plan_assessment(rng: &mut Rng, start: NaiveDate) -> Option<NaiveDate> {
    let u = rng.unit();
    if u < 0.85 {
        Some(add_days(start, rng.range(0, 56)))
    } else if u < 0.95 {
        Some(add_days(start, rng.range(57, 100)))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;

    #[test]
    fn codes_and_status_groups_agree_with_the_schema() {
        let schema = Schema::pmf1().expect("schema");
        let in_list = |list: &str, code: &str| schema.list(list).is_some_and(|l| l.codes().any(|c| c == code));
        for (i, s) in STATUSES.iter().enumerate() {
            assert!(in_list("status", s), "{s}");
            assert_eq!(is_custody(i as u8), schema.custody_statuses.iter().any(|c| c == s), "{s}");
            assert_eq!(is_statutory(i as u8), schema.statutory_statuses.iter().any(|c| c == s), "{s}");
        }
        assert!(ACCOMMODATION.iter().all(|c| in_list("accommodation", c)));
        assert!(ETE.iter().all(|c| in_list("ete", c)));
        assert!(ETHNICITY.iter().chain(&ETHNICITY_LONDON).all(|(c, _)| in_list("ethnicity", c)));
    }

    #[test]
    fn pnc_ids_are_unique_and_valid() {
        let start = Month::new(2007, 4).expect("month");
        let day = start.first_day();
        let mut seen = std::collections::HashSet::new();
        for g in 0..3000 {
            let p = make_person([0, g as u64], 1, g, day, start, start.add(2), g % 7 == 0)
                .expect("person");
            assert!(
                crate::validate::parse_pnc(&p.pnc, 7).is_ok_and(|n| n.to_string() == p.pnc),
                "{}",
                p.pnc
            );
            assert!(
                seen.insert(p.pnc[5..].to_string()),
                "serial repeated: {}",
                p.pnc
            );
            assert_eq!(p.states.len(), 3);
        }
    }
}
