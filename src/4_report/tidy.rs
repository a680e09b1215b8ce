//! The tidy outputs: `measures.csv` and `issues.csv` (§6). UTF-8 with a
//! header; text that a spreadsheet would run as a formula (starting with
//! `=`, `+`, `-` or `@`) is written with a leading apostrophe.

use crate::issue::Issue;
use crate::validate::Checked;
use crate::measure::{Measure, Value};

/// A text cell made safe to open in a spreadsheet.
pub fn safe_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// A number at full precision: integers as integers.
pub fn number(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    format!("{v}")
}

fn write_csv<W: std::io::Write>(out: W, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<W, String> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(out);
    let err = |e: csv::Error| format!("cannot write CSV: {e}");
    w.write_record(header).map_err(err)?;
    for r in rows {
        w.write_record(&r).map_err(err)?;
    }
    w.into_inner().map_err(|e| format!("cannot write CSV: {e}"))
}

pub fn measures_csv(rows: &[Measure]) -> Result<Vec<u8>, String> {
    let header = ["period", "level", "area_code", "area_name", "measure", "value", "numerator", "denominator", "flag"];
    write_csv(
        Vec::new(),
        &header,
        rows.iter().map(|m| {
            let value = match &m.value {
                Value::Empty => String::new(),
                Value::Num(v) => number(*v),
                Value::Code(c) => safe_text(c),
            };
            vec![
                m.period.to_string(),
                m.level.name().to_string(),
                safe_text(&m.area_code),
                safe_text(&m.area_name),
                safe_text(&m.measure),
                value,
                m.numerator.map(number).unwrap_or_default(),
                m.denominator.map(number).unwrap_or_default(),
                m.flag.code().to_string(),
            ]
        }),
    )
}

pub const ISSUE_COLUMNS: [&str; 9] = ["rule", "severity", "file", "sheet", "cell", "row", "column", "value", "message"];

pub fn issue_fields(i: &Issue) -> Vec<String> {
    vec![
        i.rule.id().to_string(),
        i.severity.to_string(),
        safe_text(&i.file),
        safe_text(&i.sheet),
        i.cell.to_string(),
        i.row.map(|r| r.to_string()).unwrap_or_default(),
        safe_text(&i.column),
        safe_text(&i.value),
        safe_text(&i.message),
    ]
}

/// issues.csv, written as it is made, the returns' issues read back one
/// return at a time: a national run has tens of thousands of issues
/// (about 9 MB of text over 36 months).
pub fn issues_csv<W: std::io::Write>(out: W, returns: &[&Checked]) -> Result<W, String> {
    let failed = std::cell::RefCell::new(None);
    let w = write_csv(out, &ISSUE_COLUMNS, crate::validate::read_back(returns, &failed).map(|i| issue_fields(&i)))?;
    failed.into_inner().map_or(Ok(w), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_numbers_exact() {
        assert_eq!(safe_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_text("-1"), "'-1");
        assert_eq!(safe_text("NE01"), "NE01");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(100.0 / 3.0), "33.333333333333336");
    }
}
