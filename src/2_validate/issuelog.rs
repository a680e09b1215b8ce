//! Every issue of a run, set aside on disk once its return is checked, and
//! read back one return at a time by the outputs ([`super::Checked::issues`]):
//! a folder of returns full of problems costs disk, not memory (issue 4).
//!
//! Invariants: a return's issues read back exactly as filed, in the order
//! filed; a return is filed again, whole, when the checks across returns
//! add to it; the log is a [`Tape`] (a temporary file, or memory when no
//! file can be used).

use super::tape::Tape;
use crate::issue::{Issue, Rule, Severity};
use std::sync::{Arc, Mutex};

/// The issues of a run's returns.
#[derive(Debug, Default)]
pub struct IssueLog {
    tape: Mutex<Tape>,
}

/// Where one return's issues are in an [`IssueLog`], and how many of each
/// severity.
#[derive(Debug, Clone)]
pub struct Filed {
    log: Arc<IssueLog>,
    at: u64,
    len: usize,
    pub errors: u32,
    pub warnings: u32,
}

impl IssueLog {
    /// Set aside a return's issues.
    pub fn file(log: &Arc<IssueLog>, issues: &[Issue]) -> Filed {
        let mut bytes = Vec::new();
        for i in issues {
            encode(i, &mut bytes);
        }
        let count = |s: Severity| issues.iter().filter(|i| i.severity == s).count() as u32;
        let mut tape = log.tape.lock().unwrap_or_else(|p| p.into_inner());
        let at = tape.len();
        tape.append(&bytes);
        Filed { log: Arc::clone(log), at, len: bytes.len(), errors: count(Severity::Error), warnings: count(Severity::Warning) }
    }
}

impl Filed {
    /// The return's issues, as filed. An error only when the system lost
    /// this run's temporary file.
    pub fn load(&self) -> Result<Vec<Issue>, String> {
        let bytes = self.log.tape.lock().unwrap_or_else(|p| p.into_inner()).read(self.at, self.len)?;
        decode_all(&bytes).ok_or_else(|| "pmf's temporary file of issues is damaged; run again".to_string())
    }

    /// The log it is in, to file more of the same run.
    pub fn log(&self) -> &Arc<IssueLog> {
        &self.log
    }
}

fn text(s: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn encode(i: &Issue, out: &mut Vec<u8>) {
    out.push(i.rule as u8);
    out.push(i.severity as u8);
    out.extend_from_slice(&i.row.map_or(0, |r| u64::from(r) + 1).to_le_bytes());
    for s in [i.file.as_str(), &i.sheet, &i.cell, &i.column, &i.value, &i.message] {
        text(s, out);
    }
}

/// Reads the fields [`encode`] wrote.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let head = self.0.get(..n)?;
        self.0 = &self.0[n..];
        Some(head)
    }
    fn text(&mut self) -> Option<&'a str> {
        let n = u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize;
        std::str::from_utf8(self.take(n)?).ok()
    }
}

fn decode_all(bytes: &[u8]) -> Option<Vec<Issue>> {
    let mut c = Cursor(bytes);
    let mut out = Vec::new();
    while !c.0.is_empty() {
        let rule = *Rule::ALL.get(usize::from(c.take(1)?[0]))?;
        let severity = match c.take(1)?[0] {
            0 => Severity::Error,
            1 => Severity::Warning,
            _ => return None,
        };
        let row = u64::from_le_bytes(c.take(8)?.try_into().ok()?);
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
        let log = Arc::new(IssueLog::default());
        let mut all = Vec::new();
        for (n, rule) in Rule::ALL.iter().enumerate() {
            let mut i = Issue::new(*rule, &format!("r{n}.xlsx"), "x".repeat(n * 50)).sheet("Cohort").column("PPO ID").value("01/02/2003\n");
            if n % 2 == 0 {
                i = i.at(n as u32, 3);
            }
            all.push(i);
        }
        let filed: Vec<(Filed, &[Issue])> = (0..300).map(|k| all.split_at(k % all.len()).1).map(|part| (IssueLog::file(&log, part), part)).collect();
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
