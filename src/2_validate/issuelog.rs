//! Every issue of a run, set aside on disk once its return is checked, and
//! read back one return at a time by the outputs ([`super::Checked::issues`]):
//! a folder of returns full of problems costs disk, not memory (issue 4).
//!
//! Invariants: a return's issues read back exactly as filed, in the order
//! filed; a return is filed again, whole, when the checks across returns
//! add to it; they are filed on the run's [`Shelf`] (a temporary file, or
//! memory when no file can be used).

use super::tape::{self, Cursor, Shelf, Slot};
use super::Checked;
use crate::issue::{Issue, Rule, Severity};
use crate::schema::Schema;
use std::cell::RefCell;
use std::sync::Arc;

/// Where one return's issues are on the run's [`Shelf`], and how many of
/// each severity.
#[derive(Debug, Clone)]
pub struct Filed {
    slot: Slot,
    pub errors: u32,
    pub warnings: u32,
}

impl Filed {
    /// Set aside a return's issues.
    pub fn file(shelf: &Arc<Shelf>, issues: &[Issue]) -> Filed {
        let mut bytes = Vec::new();
        for i in issues {
            encode(i, &mut bytes);
        }
        let count = |s: Severity| issues.iter().filter(|i| i.severity == s).count() as u32;
        Filed { slot: Shelf::put(shelf, &bytes), errors: count(Severity::Error), warnings: count(Severity::Warning) }
    }

    /// The return's issues, as filed. An error only when the system lost
    /// this run's temporary file.
    pub fn load(&self) -> Result<Vec<Issue>, String> {
        decode_all(&self.slot.bytes()?).ok_or_else(|| "pmf's temporary file of issues is damaged; run again".to_string())
    }

    /// The shelf they are on, to file more of the same run.
    pub fn shelf(&self) -> &Arc<Shelf> {
        self.slot.shelf()
    }
}

impl Checked {
    /// Every issue of the return, in report order once
    /// [`super::finish`] has run. An error only when the system lost the
    /// run's temporary file.
    pub fn issues(&self) -> Result<Vec<Issue>, String> {
        let mut all = match &self.filed {
            Some(f) => f.load()?,
            None => Vec::new(),
        };
        all.extend(self.unfiled.iter().cloned());
        Ok(all)
    }

    /// How many issues of a severity, without reading them back.
    pub fn issue_count(&self, severity: Severity) -> usize {
        let filed = self.filed.as_ref().map_or(0, |f| match severity {
            Severity::Error => f.errors,
            Severity::Warning => f.warnings,
        });
        filed as usize + self.unfiled.iter().filter(|i| i.severity == severity).count()
    }
}

/// Every issue of the returns, in order, read back one return at a time,
/// for an output written as it is made. A return whose issues cannot be
/// read back ends the list, and the error is left in `failed`.
pub fn read_back<'a>(returns: &'a [&'a Checked], failed: &'a RefCell<Option<String>>) -> impl Iterator<Item = Issue> + 'a {
    returns.iter().map_while(move |c| c.issues().map_err(|e| *failed.borrow_mut() = Some(e)).ok()).flatten()
}

/// Issues in their report order: file, sheet in workbook order
/// (file-level first), row, column. Stable: issues alike keep their order.
pub(super) fn in_report_order(issues: &mut [Issue], schema: &Schema) {
    let rank = |sheet: &str| {
        std::iter::once("")
            .chain(std::iter::once(schema.return_sheet.name.as_str()))
            .chain(schema.sheets.iter().map(|s| s.name.as_str()))
            .position(|n| n == sheet)
            .unwrap_or(usize::MAX)
    };
    issues.sort_by_cached_key(|i| (rank(&i.sheet), i.sort_key()));
}

fn encode(i: &Issue, out: &mut Vec<u8>) {
    out.push(i.rule as u8);
    out.push(i.severity as u8);
    out.extend_from_slice(&i.row.map_or(0, |r| u64::from(r) + 1).to_le_bytes());
    for s in [i.file.as_str(), &i.sheet, &i.cell, &i.column, &i.value, &i.message] {
        tape::put_text(s, out);
    }
}

fn decode_all(bytes: &[u8]) -> Option<Vec<Issue>> {
    let mut c = Cursor(bytes);
    let mut out = Vec::new();
    while !c.is_empty() {
        let rule = *Rule::ALL.get(usize::from(c.bytes::<1>()?[0]))?;
        let severity = match c.bytes::<1>()?[0] {
            0 => Severity::Error,
            1 => Severity::Warning,
            _ => return None,
        };
        let row = u64::from_le_bytes(c.bytes()?);
        let row = if row == 0 { None } else { Some(u32::try_from(row - 1).ok()?) };
        let [file, sheet, cell, column, value, message] = [c.text()?, c.text()?, c.text()?, c.text()?, c.text()?, c.text()?];
        out.push(Issue {
            rule,
            severity,
            file: file.into(),
            sheet: sheet.into(),
            cell: cell.into(),
            row,
            column: column.into(),
            value: value.into(),
            message: message.into(),
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_returns_issues_read_back_as_filed() {
        assert!(Rule::ALL.iter().enumerate().all(|(n, r)| *r as usize == n), "Rule::ALL is in declared order");
        let log = Arc::new(Shelf::default());
        let mut all = Vec::new();
        for (n, rule) in Rule::ALL.iter().enumerate() {
            let mut i = Issue::new(*rule, &format!("r{n}.xlsx"), "x".repeat(n * 50)).sheet("Cohort").column("PPO ID").value("01/02/2003\n");
            if n % 2 == 0 {
                i = i.at(n as u32, 3);
            }
            all.push(i);
        }
        let filed: Vec<(Filed, &[Issue])> = (0..300).map(|k| all.split_at(k % all.len()).1).map(|part| (Filed::file(&log, part), part)).collect();
        for (f, want) in &filed {
            assert_eq!(f.load().expect("load"), *want);
            assert_eq!((f.errors + f.warnings) as usize, want.len());
            assert_eq!(f.errors as usize, want.iter().filter(|i| i.severity == Severity::Error).count());
        }
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let mut bytes = Vec::new();
        encode(&Issue::new(Rule::X05, "a.xlsx", "changed").at(4, 1), &mut bytes);
        for cut in 1..bytes.len() {
            assert!(decode_all(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        bytes[0] = 200;
        assert!(decode_all(&bytes).is_none());
    }
}
