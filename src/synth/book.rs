//! One synthetic return's contents, laid out by the schema: the `Return`
//! fields, one `Cohort` row per person listed in the month and one
//! `Offences` row per placed offence.
//!
//! Invariants: values are looked up by column key, never by position, so a
//! column added to `templates/pmf-1.toml` comes out blank instead of shifting
//! the others; every conditional column follows its rule (§1.2): Status and
//! Custody start only on rows not deselected in the month, a reason with
//! every Date deselected, In drug treatment exactly when Drug misuser is Y,
//! Disposal exactly for convictions and TICs.

use super::offences::{Ledger, Row};
use super::people::{is_custody, ACCOMMODATION, ETE, STATUSES};
use super::world::{Member, World};
use crate::calendar::Month;
use crate::report::returnbook::{Contents, Val};
use crate::schema::Schema;
use chrono::NaiveDate;

fn text(s: &str) -> Option<Val> {
    Some(Val::Text(s.to_string()))
}

fn yes_no(b: bool) -> Option<Val> {
    text(if b { "Y" } else { "N" })
}

fn coded(list: &[&str], i: u8) -> Option<Val> {
    list.get(usize::from(i)).and_then(|s| text(s))
}

/// What goes on one return.
pub struct Return<'a> {
    pub scheme: usize,
    pub month: Month,
    pub submitted: NaiveDate,
    pub prepared_by: &'a str,
    /// The placed offence rows of this scheme-month.
    pub rows: &'a [Row],
    /// A row the scheme forgot (the first version of a resubmitted return).
    pub omit: Option<usize>,
}

pub fn contents(world: &World, ledger: &Ledger, r: &Return<'_>, schema: &Schema) -> Result<Contents, String> {
    let scheme = world.schemes.get(r.scheme).ok_or("synth: no such scheme")?;
    let meta = schema
        .return_sheet
        .fields
        .iter()
        .map(|f| match f.key.as_str() {
            "scheme_code" => text(&scheme.code),
            "scheme_name" => text(&scheme.name),
            "period" => Some(Val::Text(r.month.to_string())),
            "submitted_on" => Some(Val::Date(r.submitted)),
            "template_version" => text(&schema.version),
            "prepared_by" => text(r.prepared_by),
            _ => None,
        })
        .collect();
    let (Some(cspec), Some(ospec)) = (schema.sheet("cohort"), schema.sheet("offences")) else {
        return Err("synth: the schema has no Cohort or Offences sheet".into());
    };
    let mut cohort = Vec::new();
    for &mi in world.by_scheme.get(r.scheme).map(Vec::as_slice).unwrap_or_default() {
        let mem = &world.members[mi];
        if mem.listed_in(r.month) {
            let keys = cspec.columns.iter().map(|c| c.key.as_str());
            cohort.push(cohort_row(world, mem, r.month, keys)?);
        }
    }
    let offences = r
        .rows
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != r.omit)
        .map(|(_, row)| offence_row(world, ledger, row, ospec.columns.iter().map(|c| c.key.as_str())))
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Contents { meta, cohort, offences })
}

fn cohort_row<'k>(world: &World, mem: &Member, m: Month, keys: impl Iterator<Item = &'k str>) -> Result<Vec<Option<Val>>, String> {
    let p = &world.people[mem.person];
    let st = p.state(m).ok_or_else(|| format!("synth: no state for {} in {m}", p.pnc))?;
    let left = mem.deselected.filter(|(d, _)| *d <= m.last_day());
    let status = if left.is_some() { None } else { Some(st.status) };
    Ok(keys
        .map(|k| match k {
            "ppo_id" => text(&p.pnc),
            "date_of_birth" => Some(Val::Date(p.dob)),
            "gender" => text(p.gender),
            "ethnicity" => text(p.ethnicity),
            "strand" => text(p.strand),
            "date_adopted" => Some(Val::Date(mem.adopted)),
            "date_deselected" => left.map(|(d, _)| Val::Date(d)),
            "deselection_reason" => left.and_then(|(_, why)| text(why)),
            "status" => status.and_then(|s| coded(&STATUSES, s)),
            "offender_manager" => yes_no(st.om),
            "custody_start_date" => status.filter(|&s| is_custody(s)).and(st.custody_start).map(Val::Date),
            "assessment_date" => st.assessment.map(Val::Date),
            "drug_misuser" => text(p.drug),
            "in_drug_treatment" => (p.drug == "Y").then(|| yes_no(st.treatment)).flatten(),
            "accommodation" => coded(&ACCOMMODATION, st.accommodation),
            "ete" => coded(&ETE, st.ete),
            "selection_score" => p.score.map(|n| Val::Number(f64::from(n))),
            _ => None,
        })
        .collect())
}

fn offence_row<'k>(
    world: &World,
    ledger: &Ledger,
    row: &Row,
    keys: impl Iterator<Item = &'k str>,
) -> Result<Vec<Option<Val>>, String> {
    let o = ledger.offences.get(row.offence).ok_or("synth: no such offence")?;
    let p = world.people.get(row.person).ok_or("synth: no such person")?;
    Ok(keys
        .map(|k| match k {
            "ppo_id" => text(&p.pnc),
            "offence_ref" => text(&o.oref),
            "offence_date" => Some(Val::Date(o.date)),
            "outcome_date" => Some(Val::Date(o.outcome_date)),
            "outcome" => text(o.outcome),
            "offence_category" => text(o.category),
            "disposal" => o.disposal.and_then(text),
            "arrest_date" => o.arrest.map(Val::Date),
            "charge_date" => o.charge.map(Val::Date),
            "recorded_date" => Some(Val::Date(row.recorded)),
            _ => None,
        })
        .collect())
}
