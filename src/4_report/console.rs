//! What `pmf validate` prints: for people, issues grouped by file with a
//! summary last; for programs, one JSON object (§6). Both are written as a
//! stream, so a national run never holds its whole output in memory.

use crate::ingest::Skipped;
use crate::issue::Severity;
use crate::validate::{Checked, Verdict};
use super::seq;
use serde::ser::{Error as _, SerializeSeq, SerializeStruct, Serializer};
use serde::Serialize;
use std::io::Write;

/// Write errors (a closed pipe) are ignored: there is no one left to tell.
/// An error only when the run's issues cannot be read back.
pub fn text(checked: &[Checked], skipped: &[Skipped], out: &mut dyn Write) -> Result<(), String> {
    for c in checked {
        let rows = c.rows();
        let place = match (&c.meta.scheme, c.meta.period) {
            (Some(s), Some(p)) => format!("{s} {p}"),
            (Some(s), None) => format!("{s}, period unknown"),
            (None, Some(p)) => format!("scheme unknown, {p}"),
            (None, None) => "scheme and period unknown".to_string(),
        };
        let _ = writeln!(
            out,
            "{} ({place}): {} — {} rows read, {} accepted, {} excluded",
            c.file,
            c.verdict.label(),
            rows.read,
            rows.accepted,
            rows.excluded
        );
        for i in c.issues()? {
            let at = match (i.sheet.is_empty(), i.cell.is_empty()) {
                (true, _) => String::new(),
                (false, true) => format!(" {}", i.sheet),
                (false, false) => format!(" {}!{}", i.sheet, i.cell),
            };
            let col = if i.column.is_empty() { String::new() } else { format!(" [{}]", i.column) };
            let val = if i.value.is_empty() { String::new() } else { format!(" {:?}", i.value) };
            let _ = writeln!(out, "  {:<7} {}{at}{col}{val}: {}", i.severity.name(), i.rule.id(), i.message);
        }
    }
    for s in skipped {
        let _ = writeln!(out, "note: skipped {}: {}", s.display, s.why);
    }
    let count = |v: Verdict| checked.iter().filter(|c| c.verdict == v).count();
    let sev = |s: Severity| checked.iter().map(|c| c.issue_count(s)).sum::<usize>();
    let with_errors = checked.iter().filter(|c| c.has_error()).count();
    let _ = writeln!(
        out,
        "Summary: {} return{}: {} accepted, {} accepted with excluded rows, {} rejected, {} superseded; {} error{} in {} return{}, {} warning{}; {} file{} skipped.",
        checked.len(),
        plural(checked.len()),
        count(Verdict::Accepted),
        count(Verdict::AcceptedWithExcludedRows),
        count(Verdict::Rejected),
        count(Verdict::Superseded),
        sev(Severity::Error),
        plural(sev(Severity::Error)),
        with_errors,
        plural(with_errors),
        sev(Severity::Warning),
        plural(sev(Severity::Warning)),
        skipped.len(),
        plural(skipped.len())
    );
    Ok(())
}

/// Every issue of the returns, read back one return at a time.
struct Issues<'a>(&'a [Checked]);

impl Serialize for Issues<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut list = s.serialize_seq(None)?;
        for c in self.0 {
            for i in c.issues().map_err(S::Error::custom)? {
                list.serialize_element(&i)?;
            }
        }
        list.end()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One object: `returns`, `issues` (the fields of issues.csv) and `skipped`.
/// Write errors (a closed pipe) are ignored, as in [`text`]; an error only
/// when the run's issues cannot be read back.
pub fn json(checked: &[Checked], skipped: &[Skipped], out: &mut impl Write) -> Result<(), String> {
    let doc = Doc { checked, skipped };
    match serde_json::to_writer_pretty(&mut *out, &doc) {
        Err(e) if !e.is_io() => Err(e.to_string()),
        Err(_) => Ok(()),
        Ok(()) => {
            let _ = writeln!(out);
            Ok(())
        }
    }
}

struct Doc<'a> {
    checked: &'a [Checked],
    skipped: &'a [Skipped],
}

#[derive(Serialize)]
struct ReturnRow<'a> {
    file: &'a str,
    scheme: Option<&'a str>,
    period: Option<String>,
    verdict: Verdict,
    rows_read: u32,
    rows_accepted: u32,
    rows_excluded: u32,
}

#[derive(Serialize)]
struct SkippedRow<'a> {
    file: &'a str,
    why: &'a str,
}

impl Serialize for Doc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let returns = self.checked.iter().map(|c| {
            let rows = c.rows();
            ReturnRow {
                file: &c.file,
                scheme: c.meta.scheme.as_deref(),
                period: c.meta.period.map(|p| p.to_string()),
                verdict: c.verdict,
                rows_read: rows.read,
                rows_accepted: rows.accepted,
                rows_excluded: rows.excluded,
            }
        });
        let mut doc = s.serialize_struct("Doc", 3)?;
        doc.serialize_field("returns", &seq(returns))?;
        doc.serialize_field("issues", &Issues(self.checked))?;
        doc.serialize_field("skipped", &seq(self.skipped.iter().map(|k| SkippedRow { file: &k.display, why: &k.why })))?;
        doc.end()
    }
}
