//! What `pmf validate` prints: for people, issues grouped by file with a
//! summary last; for programs, one JSON object (§6).

use crate::ingest::Skipped;
use crate::issue::Severity;
use crate::validate::{Checked, Verdict};
use serde_json::json;
use std::fmt::Write;

pub fn text(checked: &[Checked], skipped: &[Skipped]) -> String {
    let mut out = String::new();
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
        for i in &c.issues {
            let at = match (i.sheet.is_empty(), i.cell.is_empty()) {
                (true, _) => String::new(),
                (false, true) => format!(" {}", i.sheet),
                (false, false) => format!(" {}!{}", i.sheet, i.cell),
            };
            let col = if i.column.is_empty() {
                String::new()
            } else {
                format!(" [{}]", i.column)
            };
            let val = if i.value.is_empty() {
                String::new()
            } else {
                format!(" {:?}", i.value)
            };
            let _ = writeln!(
                out,
                "  {:<7} {}{at}{col}{val}: {}",
                i.severity.to_string(),
                i.rule.id(),
                i.message
            );
        }
    }
    for s in skipped {
        let _ = writeln!(out, "note: skipped {}: {}", s.display, s.why);
    }
    let count = |v: Verdict| checked.iter().filter(|c| c.verdict == v).count();
    let sev = |s: Severity| {
        checked
            .iter()
            .flat_map(|c| &c.issues)
            .filter(|i| i.severity == s)
            .count()
    };
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
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub fn json(checked: &[Checked], skipped: &[Skipped]) -> String {
    let returns: Vec<_> = checked
        .iter()
        .map(|c| {
            let rows = c.rows();
            json!({
                "file": c.file,
                "scheme": c.meta.scheme,
                "period": c.meta.period.map(|p| p.to_string()),
                "verdict": c.verdict,
                "rows_read": rows.read,
                "rows_accepted": rows.accepted,
                "rows_excluded": rows.excluded,
            })
        })
        .collect();
    let issues: Vec<_> = checked.iter().flat_map(|c| &c.issues).collect();
    let skipped: Vec<_> = skipped
        .iter()
        .map(|s| json!({"file": s.display, "why": s.why}))
        .collect();
    let doc = json!({ "returns": returns, "issues": issues, "skipped": skipped });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
