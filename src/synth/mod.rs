//! `pmf synth`: seeded synthetic returns and their register, for samples,
//! tests and benchmarks.
//!
//! The pipeline: [`world`] simulates the schemes and who is on which when,
//! [`people`] the people and their monthly case details; [`offences`] simulates proven offending and places
//! each offence on the return that lists it; [`book`] lays one return out by
//! the schema; this module decides submission dates and the realistic extras
//! (a resubmission, a missing month, a transfer), and writes the files with
//! the one return writer (`report::returnbook`).
//!
//! Invariants: no clock, no thread timing: the same `Config` gives
//! byte-identical files (each workbook's creation date is its Submitted on
//! date); the returns validate with no error (warnings such as Q01–Q03 and
//! the resubmission's X01 are expected); files are written atomically.

mod book;
mod names;
mod offences;
mod people;
mod rng;
mod world;

use crate::calendar::Month;
use crate::report::{file_slug, returnbook, write_atomic};
use crate::schema::Schema;
use chrono::NaiveDate;
use rayon::prelude::*;
use rng::{add_days, weekday_on_or_after, Rng, Tag};
use std::path::{Path, PathBuf};
use world::World;

pub struct Config {
    pub schemes: u32,
    pub months: u32,
    pub start: Month,
    pub seed: u64,
}

/// One file to write.
struct Job {
    scheme: usize,
    month: Month,
    submitted: NaiveDate,
    prepared_by: String,
    omit: Option<usize>,
    path: PathBuf,
}

fn check(cfg: &Config) -> Result<(), String> {
    if !(1..=3500).contains(&cfg.schemes) {
        return Err(format!("--schemes {} must be 1 to 3500", cfg.schemes));
    }
    if !(1..=600).contains(&cfg.months) {
        return Err(format!("--months {} must be 1 to 600", cfg.months));
    }
    if !(1960..=2100).contains(&cfg.start.year) {
        return Err(format!("--start {} must be a month from 1960 to 2100", cfg.start));
    }
    Ok(())
}

/// What a configuration generates, without writing it: for tests, and for
/// describing a sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Returns written (files, the resubmission's two versions counted).
    pub returns: usize,
    pub people: usize,
    /// Per scheme: code, BCUs, target size, active at the last month's end.
    pub schemes: Vec<(String, u32, u32, usize)>,
    /// Per month: offence rows placed (all returns), of which history.
    pub offence_rows: Vec<(Month, usize, usize)>,
    /// Scheme and month of the resubmitted return (`_v2` is the later one).
    pub resubmitted: Option<(String, Month)>,
    /// Scheme and month with no return.
    pub missing: Option<(String, Month)>,
    /// From scheme, to scheme, PNC ID, day deselected from the first.
    pub transfer: Option<(String, String, String, NaiveDate)>,
}

pub fn summary(cfg: &Config) -> Result<Summary, String> {
    check(cfg)?;
    let world = World::build(cfg)?;
    let ledger = offences::generate(&world);
    let rows = offences::assign(&world, &ledger);
    let jobs = jobs(Path::new(""), &world, &rows);
    let code = |s: usize| world.schemes.get(s).map(|x| x.code.clone()).unwrap_or_default();
    let end = world.last.last_day();
    let schemes = world
        .schemes
        .iter()
        .enumerate()
        .map(|(s, x)| {
            let active = world.by_scheme[s]
                .iter()
                .filter(|&&i| {
                    let m = &world.members[i];
                    m.adopted <= end && m.deselected.is_none_or(|(d, _)| d > end)
                })
                .count();
            (x.code.clone(), x.bcus, x.target, active)
        })
        .collect();
    let offence_rows = (0..=(world.last.index() - world.start.index()))
        .map(|k| {
            let placed = rows.iter().filter_map(|s| s.get(k as usize));
            let (all, hist) = placed.fold((0, 0), |(a, h), r| (a + r.len(), h + r.iter().filter(|x| x.history).count()));
            (world.start.add(k), all, hist)
        })
        .collect();
    Ok(Summary {
        returns: jobs.len(),
        people: world.people.len(),
        schemes,
        offence_rows,
        resubmitted: resubmission(&world, &rows).map(|(s, m, _)| (code(s), m)),
        missing: world.missing.map(|(s, m)| (code(s), m)),
        transfer: world.transfer.map(|t| (code(t.from), code(t.to), world.people[t.person].pnc.clone(), t.day)),
    })
}

/// Write `OUT/schemes.csv` and every return; the number of returns written.
pub fn write(out: &Path, cfg: &Config, schema: &Schema) -> Result<usize, String> {
    check(cfg)?;
    let world = World::build(cfg)?;
    let ledger = offences::generate(&world);
    let rows = offences::assign(&world, &ledger);
    let jobs = jobs(out, &world, &rows);
    write_atomic(&out.join("schemes.csv"), &register_csv(&world)?)?;
    jobs.par_iter()
        .map(|job| {
            let slot = (job.month.index() - world.start.index()) as usize;
            let placed = rows.get(job.scheme).and_then(|s| s.get(slot)).map(Vec::as_slice).unwrap_or_default();
            let ret = book::Return {
                scheme: job.scheme,
                month: job.month,
                submitted: job.submitted,
                prepared_by: &job.prepared_by,
                rows: placed,
                omit: job.omit,
            };
            let contents = book::contents(&world, &ledger, &ret, schema)?;
            let bytes = returnbook::to_bytes(schema, &contents, job.submitted)?;
            write_atomic(&job.path, &bytes)
        })
        .collect::<Result<Vec<()>, String>>()?;
    Ok(jobs.len())
}

/// Every return to write, in a fixed order: each scheme's active months,
/// less the missing one, plus the second version of the resubmitted one.
fn jobs(out: &Path, world: &World, rows: &[Vec<Vec<offences::Row>>]) -> Vec<Job> {
    let resubmit = resubmission(world, rows);
    let mut jobs = Vec::new();
    for (s, scheme) in world.schemes.iter().enumerate() {
        let dir = out.join(file_slug(&crate::report::book::region_slug(scheme.region))).join(file_slug(&scheme.code));
        let mut m = scheme.active_from.max(world.start);
        while m <= world.last {
            if world.missing != Some((s, m)) {
                let mut rng = Rng::stream(world.seed, Tag::Submit, &[s as u64, m.index() as u64]);
                let submitted = if rng.chance(0.88) {
                    m.next().nth_weekday(rng.range(1, 7) as u32)
                } else {
                    weekday_on_or_after(add_days(m.last_day(), rng.range(10, 20)))
                };
                let prepared_by = scheme.analysts[usize::from(rng.chance(0.25))].clone();
                let name = format!("{}_{m}", scheme.code);
                let omit = resubmit.filter(|&(rs, rm, _)| rs == s && rm == m).map(|(_, _, i)| i);
                if omit.is_some() {
                    let later = weekday_on_or_after(add_days(submitted, rng.range(3, 12)));
                    let path = dir.join(format!("{name}_v2.xlsx"));
                    jobs.push(Job { scheme: s, month: m, submitted: later, prepared_by: prepared_by.clone(), omit: None, path });
                }
                jobs.push(Job { scheme: s, month: m, submitted, prepared_by, omit, path: dir.join(format!("{name}.xlsx")) });
            }
            m = m.next();
        }
    }
    jobs
}


/// The resubmitted return: scheme 0, the first month from a third of the way
/// in that has an offence recorded in it (not history); its first version
/// leaves out the last such offence.
fn resubmission(world: &World, rows: &[Vec<Vec<offences::Row>>]) -> Option<(usize, Month, usize)> {
    if world.schemes.len() < 4 || world.last.index() - world.start.index() + 1 < 6 {
        return None;
    }
    let scheme = world.schemes.first()?;
    let from = 2.max((world.last.index() - world.start.index() + 1) / 3);
    let per_month = rows.first()?;
    (from..per_month.len() as i32).find_map(|k| {
        let m = world.start.add(k);
        if m <= scheme.active_from || world.missing == Some((0, m)) {
            return None;
        }
        let placed = per_month.get(k as usize)?;
        placed.iter().rposition(|r| !r.history).map(|i| (0, m, i))
    })
}

/// The register, with the columns of `register.rs`.
fn register_csv(world: &World) -> Result<Vec<u8>, String> {
    let bad = |e: csv::Error| format!("cannot write the register: {e}");
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    w.write_record([
        "scheme_code", "scheme_name", "region", "cjs_area", "cdrps", "bcus", "active_from", "active_to", "cohort_min",
        "cohort_max", "pd_min", "pd_max", "ni30_target_pct", "ni30_stretch_pct",
    ])
    .map_err(bad)?;
    let opt = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
    for s in &world.schemes {
        w.write_record([
            s.code.clone(),
            s.name.clone(),
            s.region.to_string(),
            s.cjs_area.clone(),
            s.cdrps.join(";"),
            s.bcus.to_string(),
            s.active_from.to_string(),
            String::new(),
            String::new(),
            String::new(),
            opt(s.pd_band.map(|b| b.0)),
            opt(s.pd_band.map(|b| b.1)),
            opt(s.ni30.map(|t| t.0)),
            opt(s.ni30.map(|t| t.1)),
        ])
        .map_err(bad)?;
    }
    w.into_inner().map_err(|e| format!("cannot write the register: {e}"))
}
