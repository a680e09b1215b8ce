//! The rows validation accepts, as later stages read them: a `Cohort` row
//! as its [`Span`] (always) and whole as a [`Person`] (only for the month
//! a report is about), and an `Offences` row ([`Offence`]).
//!
//! Invariant: none holds heap data but an offence ref longer than 24 bytes;
//! a national run keeps about a million of them.

use super::Pnc;
use crate::schema::Code;
use chrono::NaiveDate;

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
    use super::tape::{put_code, put_day, put_pnc};
    let mut out = Vec::with_capacity(spans.len() * 24);
    for s in spans {
        out.extend_from_slice(&s.row.to_le_bytes());
        put_pnc(s.ppo_id, &mut out);
        put_day(Some(s.date_adopted), &mut out);
        put_day(s.date_deselected, &mut out);
        put_code(Some(s.strand), &mut out);
        put_code(s.status, &mut out);
    }
    out
}

/// The spans [`spans_bytes`] wrote; `None` if damaged.
pub(super) fn spans_from(bytes: &[u8]) -> Option<Vec<Span>> {
    let mut c = super::tape::Cursor(bytes);
    let mut out = Vec::with_capacity(bytes.len() / 24);
    while !c.is_empty() {
        let (row, ppo_id) = (c.u32()?, c.pnc()?);
        let (date_adopted, date_deselected) = (c.day()??, c.day()?);
        let (strand, status) = (c.code()??, c.code()?);
        out.push(Span { row, ppo_id, date_adopted, date_deselected, strand, status });
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
