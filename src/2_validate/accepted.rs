//! The rows validation accepts, as later stages read them: a `Cohort` row
//! as its [`Span`] (always) and whole as a [`Person`] (only for the month
//! a report is about), and an `Offences` row ([`Offence`]).
//!
//! Invariant: none holds heap data but an offence ref longer than 24 bytes;
//! a national run keeps about a million of them.

use super::Pnc;
use crate::schema::Code;
use chrono::{Datelike, NaiveDate};

/// An accepted `Cohort` row, whole: kept only for the report month (the
/// other months keep its [`Span`]). The PPO ID's column is the return's
/// ([`super::Checked::id_col`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// The sheet's 1-based row number.
    pub row: u32,
    pub ppo_id: Pnc,
    pub date_of_birth: NaiveDate,
    pub gender: Code,
    pub ethnicity: Code,
    pub strand: Code,
    pub date_adopted: NaiveDate,
    pub date_deselected: Option<NaiveDate>,
    pub deselection_reason: Option<Code>,
    pub status: Option<Code>,
    pub offender_manager: bool,
    pub custody_start_date: Option<NaiveDate>,
    pub assessment_date: Option<NaiveDate>,
    /// `Y`, `N` or `U`.
    pub drug_misuser: Code,
    pub in_drug_treatment: Option<bool>,
    pub accommodation: Option<Code>,
    pub ete: Option<Code>,
    pub selection_score: Option<i64>,
}

impl Person {
    /// Active at the end of a day: adopted by then, not deselected by then.
    pub fn active_at(&self, day: NaiveDate) -> bool {
        active_at(self.date_adopted, self.date_deselected, day)
    }
}

fn active_at(adopted: NaiveDate, deselected: Option<NaiveDate>, day: NaiveDate) -> bool {
    adopted <= day && deselected.is_none_or(|d| d > day)
}

/// What every month needs of an accepted `Cohort` row: who, where, from
/// when to when, on which strand and in which status. The checks across
/// returns (X03, X04), the trend months, throughput and NI 30 read only
/// this; a third of a [`Person`]'s memory (24 bytes against 72). The PPO
/// ID's column is the return's ([`super::Checked::id_col`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub row: u32,
    pub ppo_id: Pnc,
    pub date_adopted: NaiveDate,
    pub date_deselected: Option<NaiveDate>,
    pub strand: Code,
    pub status: Option<Code>,
}

// A national run keeps about half a million spans.
const _: () = assert!(std::mem::size_of::<Span>() == 24);

/// Spans as bytes, for a shelf ([`super::tape::Shelf`]).
pub(super) fn spans_bytes(spans: &[Span]) -> Vec<u8> {
    let mut out = Vec::with_capacity(spans.len() * 24);
    for s in spans {
        out.extend_from_slice(&s.row.to_le_bytes());
        out.extend_from_slice(&s.ppo_id.number().to_le_bytes());
        for d in [Some(s.date_adopted), s.date_deselected] {
            out.extend_from_slice(&d.map_or(i32::MIN, |d| d.num_days_from_ce()).to_le_bytes());
        }
        for c in [Some(s.strand), s.status] {
            out.extend_from_slice(&c.map_or(0, Code::id).to_le_bytes());
        }
    }
    out
}

/// The spans [`spans_bytes`] wrote; `None` if damaged.
pub(super) fn spans_from(bytes: &[u8]) -> Option<Vec<Span>> {
    let mut c = super::tape::Cursor(bytes);
    let mut out = Vec::with_capacity(bytes.len() / 24);
    let day = |d: i32| if d == i32::MIN { Some(None) } else { NaiveDate::from_num_days_from_ce_opt(d).map(Some) };
    let code = |n: u16| if n == 0 { Some(None) } else { Code::from_id(n).map(Some) };
    while !c.is_empty() {
        let row = c.u32()?;
        let ppo = c.bytes().map(u64::from_le_bytes)?;
        let (adopted, deselected) = (c.bytes().map(i32::from_le_bytes)?, c.bytes().map(i32::from_le_bytes)?);
        let (strand, status) = (c.bytes().map(u16::from_le_bytes)?, c.bytes().map(u16::from_le_bytes)?);
        out.push(Span {
            row,
            ppo_id: Pnc::new((ppo / 10_000_000) as u32, (ppo % 10_000_000) as u32),
            date_adopted: day(adopted)??,
            date_deselected: day(deselected)?,
            strand: code(strand)??,
            status: code(status)?,
        });
    }
    Some(out)
}

impl Span {
    pub fn of(p: &Person) -> Span {
        Span {
            row: p.row,
            ppo_id: p.ppo_id,
            date_adopted: p.date_adopted,
            date_deselected: p.date_deselected,
            strand: p.strand,
            status: p.status,
        }
    }

    pub fn active_at(&self, day: NaiveDate) -> bool {
        active_at(self.date_adopted, self.date_deselected, day)
    }
}

/// An accepted `Offences` row.
#[derive(Debug, Clone, PartialEq)]
pub struct Offence {
    pub row: u32,
    pub ppo_id: Pnc,
    pub offence_ref: compact_str::CompactString,
    pub offence_date: NaiveDate,
    pub outcome_date: NaiveDate,
    pub outcome: Code,
    pub offence_category: Code,
    pub disposal: Option<Code>,
    pub arrest_date: Option<NaiveDate>,
    pub charge_date: Option<NaiveDate>,
    pub recorded_date: NaiveDate,
    /// Listed as history at adoption or in a scheme's first return (§10).
    pub adoption_history: bool,
}

// A national run keeps hundreds of thousands (the Offence ref's column is
// the return's: `Checked::ref_col`).
const _: () = assert!(std::mem::size_of::<Offence>() == 64);

/// `C6` for 1-based row 6, 0-based column 2; empty when the column is unknown.
pub(super) fn cell_ref(row: u32, col0: u32) -> String {
    if col0 == u32::MAX || row == 0 {
        String::new()
    } else {
        crate::issue::a1(row - 1, col0)
    }
}
