//! The simulated world behind the synthetic returns: the schemes of the
//! register, and who was on which scheme when (the people themselves are in
//! [`super::people`]).
//!
//! Invariants (each one keeps the generated returns valid, spec §1–§3):
//! - schemes are dealt 35 to a region in `REGIONS` order; codes and names
//!   are unique; only scheme 3 (of four or more) starts late, six months in;
//! - a spell's Date deselected is after its Date adopted and inside the
//!   simulated months; a person has at most one spell open on any day (the
//!   one transfer leaves scheme A on day d and joins B, same region, on
//!   d + 1), so no PPO is active on two schemes (X04);
//! - each scheme steers its cohort towards its target size: adoptions and
//!   deselections of about 4.5% a month, plus a pull back to the target;
//! - everything is drawn from seeded streams in a fixed order: the same
//!   configuration gives the same world.

use super::names::{analyst, Places, REGION_PREFIX};
use super::people::{make_person, Person};
use super::rng::{add_days, Rng, Tag};
use super::Config;
use crate::calendar::{age_on, Month};
use crate::register::REGIONS;
use chrono::NaiveDate;

const REASONS: [(&str, u32); 5] =
    [("REDUCED_OFFENDING", 45), ("MOVED_AWAY", 20), ("LONG_CUSTODY", 8), ("DIED_OR_ILL", 5), ("OTHER", 20)];

#[derive(Debug, Clone)]
pub struct Scheme {
    pub code: String,
    pub name: String,
    pub region: &'static str,
    pub cjs_area: String,
    pub cdrps: Vec<String>,
    pub bcus: u32,
    pub active_from: Month,
    /// The cohort size the scheme steers towards.
    pub target: u32,
    pub pd_band: Option<(u32, u32)>,
    pub ni30: Option<(u32, u32)>,
    pub analysts: [String; 2],
}

/// One spell of one person on one scheme.
#[derive(Debug, Clone)]
pub struct Member {
    pub person: usize,
    pub scheme: usize,
    pub adopted: NaiveDate,
    pub deselected: Option<(NaiveDate, &'static str)>,
}

impl Member {
    /// Listed on the month's return: on the scheme at any time in it.
    pub fn listed_in(&self, m: Month) -> bool {
        self.adopted <= m.last_day() && self.deselected.is_none_or(|(d, _)| d >= m.first_day())
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Transfer {
    pub from: usize,
    pub to: usize,
    pub person: usize,
    pub day: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct World {
    pub seed: u64,
    pub start: Month,
    pub last: Month,
    pub schemes: Vec<Scheme>,
    pub people: Vec<Person>,
    pub members: Vec<Member>,
    /// Member indices per scheme, in adoption order.
    pub by_scheme: Vec<Vec<usize>>,
    /// A scheme-month with no return.
    pub missing: Option<(usize, Month)>,
    pub transfer: Option<Transfer>,
}

impl World {
    pub fn build(cfg: &Config) -> Result<World, String> {
        let last = cfg.start.add(cfg.months as i32 - 1);
        let schemes = register(cfg);
        let mut w = World {
            seed: cfg.seed,
            start: cfg.start,
            last,
            by_scheme: vec![Vec::new(); schemes.len()],
            schemes,
            people: Vec::new(),
            members: Vec::new(),
            missing: None,
            transfer: None,
        };
        for s in 0..w.schemes.len() {
            w.simulate(s)?;
        }
        if cfg.schemes >= 4 && cfg.months >= 6 {
            w.missing = Some((1, cfg.start.add(cfg.months as i32 / 2 + 1)));
            w.transfer_one(2, 0, cfg.start.add(cfg.months as i32 / 2));
        }
        for list in &mut w.by_scheme {
            list.sort_by_key(|&i| (w.members[i].adopted, w.people[w.members[i].person].pnc.clone()));
        }
        Ok(w)
    }

    /// A scheme's cohort from its first month: the cohort it already had,
    /// then adoptions and deselections each month, steering to its target.
    fn simulate(&mut self, s: usize) -> Result<(), String> {
        let mut rng = Rng::stream(self.seed, Tag::Scheme, &[s as u64]);
        let (first, target) = (self.schemes[s].active_from, self.schemes[s].target);
        if first > self.last {
            return Ok(());
        }
        let jitter = 0.9 + 0.2 * rng.unit();
        let n0 = rng.stoch_round(f64::from(target) * jitter);
        for _ in 0..n0 {
            let adopted = add_days(first.first_day(), -rng.range(1, 1095));
            self.adopt(s, adopted)?;
        }
        let mut m = first;
        while m <= self.last {
            let active: Vec<usize> = self.by_scheme[s]
                .iter()
                .copied()
                .filter(|&i| self.members[i].adopted < m.first_day() && self.members[i].deselected.is_none())
                .collect();
            let n = active.len() as f64;
            let t = f64::from(target);
            let exp_des = n * 0.045 + (n - t).max(0.0) * 0.1;
            let exp_ad = t * 0.045 + (t - n).max(0.0) * 0.1;
            let (j_des, j_ad) = (0.5 + rng.unit(), 0.5 + rng.unit());
            let k_des = (rng.stoch_round(exp_des * j_des) as usize).min(active.len());
            let k_ad = rng.stoch_round(exp_ad * j_ad);
            let mut pool = active;
            for k in 0..pool.len() {
                let j = k + rng.below(pool.len() - k);
                pool.swap(k, j);
                let mi = pool[k];
                let p = &self.people[self.members[mi].person];
                let grown_pd = p.strand == "PD" && age_on(p.dob, m.first_day()) >= 18;
                let reason = if k < k_des {
                    let state = p.state(m.prev()).or(p.state(m)).map(|st| st.status);
                    if state == Some(1) && rng.chance(0.5) {
                        "LONG_CUSTODY"
                    } else if p.strand == "PD" && rng.chance(0.08) {
                        "ESCALATED"
                    } else {
                        rng.weighted(&REASONS, "OTHER")
                    }
                } else if grown_pd && rng.chance(0.25) {
                    rng.weighted(&[("ESCALATED", 4), ("REDUCED_OFFENDING", 4), ("OTHER", 2)], "OTHER")
                } else {
                    continue;
                };
                let day = rng.day_between(m.first_day(), m.last_day());
                self.members[mi].deselected = Some((day, reason));
            }
            for _ in 0..k_ad {
                let adopted = rng.day_between(m.first_day(), m.last_day());
                self.adopt(s, adopted)?;
            }
            m = m.next();
        }
        Ok(())
    }

    /// A new person, adopted by scheme `s` on `adopted`.
    fn adopt(&mut self, s: usize, adopted: NaiveDate) -> Result<(), String> {
        let g = self.people.len();
        let london = self.schemes[s].region == "London";
        // The person's stream is named by scheme and place in it, so a
        // change elsewhere leaves them as they were (but for the PNC serial).
        let key = [s as u64, self.by_scheme[s].len() as u64];
        let person = make_person(key, self.seed, g, adopted, self.schemes[s].active_from, self.last, london)?;
        self.people.push(person);
        self.by_scheme[s].push(self.members.len());
        self.members.push(Member { person: g, scheme: s, adopted, deselected: None });
        Ok(())
    }

    /// One PPO moves from scheme `from` to scheme `to` (same region) in
    /// month `m`: deselected TRANSFERRED on day d, adopted on d + 1.
    fn transfer_one(&mut self, from: usize, to: usize, m: Month) {
        if from >= self.schemes.len() || to >= self.schemes.len() || self.schemes[from].region != self.schemes[to].region {
            return;
        }
        if self.schemes[from].active_from > m || self.schemes[to].active_from > m {
            return;
        }
        let mut rng = Rng::stream(self.seed, Tag::Extras, &[1]);
        let candidates: Vec<usize> = self.by_scheme[from]
            .iter()
            .copied()
            .filter(|&i| {
                let mem = &self.members[i];
                mem.adopted < m.first_day()
                    && mem.deselected.is_none_or(|(d, _)| d > m.last_day())
                    && self.people[mem.person].strand != "PD"
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        let mi = candidates[rng.below(candidates.len())];
        let day = add_days(m.first_day(), rng.range(7, 19));
        let later = self.members[mi].deselected.replace((day, "TRANSFERRED"));
        let person = self.members[mi].person;
        self.by_scheme[to].push(self.members.len());
        self.members.push(Member { person, scheme: to, adopted: add_days(day, 1), deselected: later });
        self.transfer = Some(Transfer { from, to, person, day });
    }
}

/// The schemes: 35 per region in `REGIONS` order.
fn register(cfg: &Config) -> Vec<Scheme> {
    let mut rng = Rng::stream(cfg.seed, Tag::Register, &[]);
    let mut places = Places::default();
    let mut areas: Vec<Vec<String>> = vec![Vec::new(); REGIONS.len()];
    let n = cfg.schemes as usize;
    (0..n)
        .map(|i| {
            let r = (i / 35) % REGIONS.len();
            let k = i % 35 + (i / 350) * 35;
            let place = places.place(&mut rng);
            // Four CJS areas a region, the region's schemes dealt out in turn.
            while areas[r].len() <= k % 4 {
                let a = places.area(&mut rng);
                areas[r].push(a);
            }
            let multi = i == 0 || rng.chance(1.0 / 3.0);
            let bcus = if multi { rng.range(2, 4) as u32 } else { 1 };
            let extra = if multi { rng.range(1, 2) } else { i64::from(rng.chance(0.3)) };
            let mut cdrps = vec![place.clone()];
            for _ in 0..extra {
                cdrps.push(places.place(&mut rng));
            }
            let target = if multi { rng.range(50, 110) } else { rng.range(10, 30) } as u32;
            let pd_band = (multi && rng.chance(0.3)).then_some((5, 15));
            let no_target = (n >= 6 && i == 5) || rng.chance(0.05);
            let t = rng.range(15, 25) as u32;
            let ni30 = (!no_target).then_some((t, t + 5));
            let active_from = if n >= 4 && i == 3 { cfg.start.add(6) } else { cfg.start };
            Scheme {
                code: format!("{}{:02}", REGION_PREFIX[r], k + 1),
                name: format!("{place} PPO Scheme"),
                region: REGIONS[r],
                cjs_area: areas[r][k % 4].clone(),
                cdrps,
                bcus,
                active_from,
                target,
                pd_band,
                ni30,
                analysts: [analyst(&mut rng), analyst(&mut rng)],
            }
        })
        .collect()
}
