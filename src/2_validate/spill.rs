//! Every accepted offence of a run, set aside on disk as its return is
//! read, for the checks that compare offences across returns (X05) and for
//! the ledger (§4.1). A return keeps its offences in memory only while its
//! whole rows are kept (the report month, see [`super::Keep`]), so memory
//! does not grow with the offences of every month read (issue 4).
//!
//! Invariants: offences are split into [`PARTS`] parts by PPO ID, so that
//! every offence of one person, and so every report of one Offence ref, is
//! in one part, and the checks read one part at a time; a part reads back
//! exactly the records written to it, in some order (threads write side by
//! side). Each part is a [`Tape`]: a temporary file, or memory when no file
//! can be used.

use super::tape::{self, Cursor, Tape};
use super::{Offence, Pnc};
use std::sync::Mutex;

/// How many parts: a part holds about 1/64 of a run's offences (a few
/// thousand at 36 national months).
pub const PARTS: usize = 64;

/// One offence as read back: which return (its place in the files read,
/// [`super::Stored`]) and the offence.
#[derive(Debug, Clone)]
pub struct Record {
    pub seq: u32,
    pub offence: Offence,
}

/// The offences of a run, by part.
#[derive(Debug)]
pub struct Spill {
    parts: Vec<Mutex<Tape>>,
}

impl Spill {
    pub fn new() -> Spill {
        Spill { parts: (0..PARTS).map(|_| Mutex::default()).collect() }
    }

    /// Set aside the offences of the return read `seq`-th.
    pub fn put(&self, seq: u32, offences: &[Offence]) {
        let mut bytes: Vec<Vec<u8>> = vec![Vec::new(); PARTS];
        for o in offences {
            encode(seq, o, &mut bytes[part_of(o.ppo_id)]);
        }
        for (k, b) in bytes.iter().enumerate().filter(|(_, b)| !b.is_empty()) {
            tape::lock(&self.parts[k]).append(b);
        }
    }

    /// Every record of part `k`. An error only when a temporary file made
    /// by this run cannot be read back.
    pub fn part(&self, k: usize) -> Result<Vec<Record>, String> {
        let part = self.parts.get(k).ok_or("pmf asked for a part of its offences that does not exist (an internal error)")?;
        let mut tape = tape::lock(part);
        let len = usize::try_from(tape.len()).map_err(|_| "pmf's temporary file of offences is too large to read back")?;
        let bytes = tape.read(0, len)?;
        decode_all(&bytes).ok_or_else(|| "pmf's temporary file of offences is damaged; run again".to_string())
    }
}

/// The part of a person's offences.
fn part_of(ppo: Pnc) -> usize {
    // Serial numbers run in sequence: their low digits spread people evenly.
    (ppo.number() % PARTS as u64) as usize
}

fn encode(seq: u32, o: &Offence, out: &mut Vec<u8>) {
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&o.row.to_le_bytes());
    tape::put_pnc(o.ppo_id, out);
    for d in [Some(o.offence_date), Some(o.outcome_date), Some(o.recorded_date), o.arrest_date, o.charge_date] {
        tape::put_day(d, out);
    }
    for c in [Some(o.outcome), Some(o.offence_category), o.disposal] {
        tape::put_code(c, out);
    }
    out.push(u8::from(o.adoption_history));
    tape::put_text(&o.offence_ref, out);
}

fn decode_all(bytes: &[u8]) -> Option<Vec<Record>> {
    let mut c = Cursor(bytes);
    let mut out = Vec::new();
    while !c.is_empty() {
        let seq = c.u32()?;
        let row = c.u32()?;
        let ppo_id = c.pnc()?;
        let [offence_date, outcome_date, recorded_date] = [c.day()??, c.day()??, c.day()??];
        let (arrest_date, charge_date) = (c.day()?, c.day()?);
        let (outcome, offence_category, disposal) = (c.code()??, c.code()??, c.code()?);
        let adoption_history = c.bytes::<1>()?[0] == 1;
        let offence_ref = c.text()?.into();
        out.push(Record {
            seq,
            offence: Offence {
                row,
                ppo_id,
                offence_ref,
                offence_date,
                outcome_date,
                outcome,
                offence_category,
                disposal,
                arrest_date,
                charge_date,
                recorded_date,
                adoption_history,
            },
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Code;
    use chrono::NaiveDate;

    fn offence(serial: u32, r: &str, disposal: Option<&str>) -> Offence {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let code = |s: &str| Code::intern(s).expect("code");
        Offence {
            row: serial + 2,
            ppo_id: Pnc::new(2003, serial),
            offence_ref: r.into(),
            offence_date: d("2008-01-02").expect("date"),
            outcome_date: d("2008-02-03").expect("date"),
            outcome: code("CONVICTION"),
            offence_category: code("BURGLARY_DWELLING"),
            disposal: disposal.map(code),
            arrest_date: d("2008-01-05"),
            charge_date: None,
            recorded_date: d("2008-02-04").expect("date"),
            adoption_history: serial % 2 == 0,
        }
    }

    /// Each part gives back exactly what was put in it (the tape's own
    /// test covers file and memory).
    #[test]
    fn every_offence_comes_back_whole_in_its_persons_part() {
        let long = "R".repeat(300);
        let all: Vec<Offence> =
            (0..20_000).map(|i| offence(i, if i % 7 == 0 { &long } else { "CR/0001/08" }, (i % 3 == 0).then_some("CUSTODY"))).collect();
        let spill = Spill::new();
        for (seq, chunk) in all.chunks(100).enumerate() {
            spill.put(seq as u32, chunk);
        }
        let mut back: Vec<(u32, Offence)> = Vec::new();
        for k in 0..PARTS {
            let part = spill.part(k).expect("read back");
            assert!(part.iter().all(|r| part_of(r.offence.ppo_id) == k));
            back.extend(part.into_iter().map(|r| (r.seq, r.offence)));
        }
        back.sort_by_key(|(_, o)| o.row);
        let want: Vec<(u32, Offence)> = all.iter().enumerate().map(|(i, o)| ((i / 100) as u32, o.clone())).collect();
        assert_eq!(back, want);
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let mut bytes = Vec::new();
        encode(1, &offence(1, "CR/1", None), &mut bytes);
        for cut in 0..bytes.len() {
            assert!(decode_all(&bytes[..cut]).is_none_or(|v| cut == 0 && v.is_empty()), "cut at {cut}");
        }
        assert_eq!(decode_all(&bytes).map(|v| v.len()), Some(1));
    }
}
