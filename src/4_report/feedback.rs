//! Feedback workbooks (`pmf validate --out DIR`): one per return, for the
//! scheme that sent it. An `Issues` sheet (an Excel table), then the return's
//! own sheets with each cell named by an issue highlighted and a note on it.
//! These name PNC IDs and cells: they go back to the scheme, never onwards.

use super::returnbook::excel_date;
use super::{file_slug, write_atomic};
use crate::ingest::Value;
use crate::issue::Severity;
use crate::schema::Schema;
use crate::validate::{serial_date, Checked};
use rust_xlsxwriter::{DocProperties, Format, Note, Table, TableColumn, Workbook, XlsxError};
use std::collections::BTreeMap;
use std::path::Path;

fn xerr(e: XlsxError) -> String {
    format!("cannot write a feedback workbook: {e}")
}

/// Write one workbook per return into `dir`; returns how many.
pub fn write_all(dir: &Path, checked: &[Checked], schema: &Schema) -> Result<usize, String> {
    for c in checked {
        let bytes = workbook(c, schema)?;
        write_atomic(&dir.join(file_name(&c.file)), &bytes)?;
    }
    Ok(checked.len())
}

/// `returns/NE/a b.xlsx` -> `returns_NE_a_b.feedback.xlsx`: unique per input path.
pub fn file_name(input: &str) -> String {
    let stem = input.rsplit_once('.').map(|(s, _)| s).unwrap_or(input);
    format!("{}.feedback.xlsx", file_slug(stem))
}

/// (row, col) from an A1 reference.
fn parse_a1(cell: &str) -> Option<(u32, u16)> {
    let letters: String = cell.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let digits = &cell[letters.len()..];
    let mut col: u32 = 0;
    for b in letters.bytes() {
        col = col.checked_mul(26)?.checked_add(u32::from(b.to_ascii_uppercase() - b'A' + 1))?;
    }
    let row: u32 = digits.parse().ok()?;
    (row >= 1 && (1..=16384).contains(&col)).then(|| (row - 1, (col - 1) as u16))
}

pub fn workbook(c: &Checked, schema: &Schema) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    // Deterministic: dated by the return's Submitted on, never the clock.
    let created = c.meta.submitted_on.unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default());
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("PMF return feedback: {}", c.file))
            .set_author("pmf")
            .set_creation_datetime(&excel_date(created)?),
    );
    let date_fmt = Format::new().set_num_format("dd/mm/yyyy");
    let error_fill = Format::new().set_background_color("#F4CCCC");
    let warn_fill = Format::new().set_background_color("#FFF2CC");
    let error_date = error_fill.clone().set_num_format("dd/mm/yyyy");
    let warn_date = warn_fill.clone().set_num_format("dd/mm/yyyy");

    let ws = wb.add_worksheet();
    ws.set_name("Issues").map_err(xerr)?;
    let heads = ["Rule", "Severity", "Sheet", "Cell", "Row", "Column", "Value", "Message"];
    let widths = [7.0, 9.0, 10.0, 7.0, 6.0, 18.0, 20.0, 90.0];
    for (i, (h, w)) in heads.iter().zip(widths).enumerate() {
        ws.write_string(0, i as u16, *h).map_err(xerr)?;
        ws.set_column_width(i as u16, w).map_err(xerr)?;
    }
    let issues = c.issues()?;
    for (r, i) in issues.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, i.rule.id()).map_err(xerr)?;
        ws.write_string(r, 1, i.severity.name()).map_err(xerr)?;
        ws.write_string(r, 2, i.sheet.as_str()).map_err(xerr)?;
        ws.write_string(r, 3, i.cell.as_str()).map_err(xerr)?;
        if let Some(row) = i.row {
            ws.write_number(r, 4, f64::from(row)).map_err(xerr)?;
        }
        ws.write_string(r, 5, i.column.as_str()).map_err(xerr)?;
        ws.write_string(r, 6, i.value.as_str()).map_err(xerr)?;
        ws.write_string(r, 7, &i.message).map_err(xerr)?;
    }
    let columns: Vec<TableColumn> = heads.iter().map(|h| TableColumn::new().set_header(*h)).collect();
    let table = Table::new().set_columns(&columns).set_name("Issues");
    ws.add_table(0, 0, issues.len().max(1) as u32, (heads.len() - 1) as u16, &table).map_err(xerr)?;
    ws.set_freeze_panes(1, 0).map_err(xerr)?;

    let names: Vec<&str> =
        std::iter::once(schema.return_sheet.name.as_str()).chain(schema.sheets.iter().map(|s| s.name.as_str())).collect();
    for sheet in &c.sheets {
        let canonical = names.iter().find(|n| crate::ingest::same_name(n, &sheet.name)).copied().unwrap_or(&sheet.name);
        let mut marks: BTreeMap<(u32, u16), (Severity, Vec<String>)> = BTreeMap::new();
        for i in issues.iter().filter(|i| i.sheet == canonical && !i.cell.is_empty()) {
            if let Some(pos) = parse_a1(&i.cell) {
                let e = marks.entry(pos).or_insert((i.severity, Vec::new()));
                e.0 = e.0.min(i.severity);
                e.1.push(format!("{} {}: {}", i.rule.id(), i.severity, i.message));
            }
        }
        let ws = wb.add_worksheet();
        ws.set_name(canonical).map_err(xerr)?;
        for cell in &sheet.cells {
            let (r, col) = (cell.row, cell.col as u16);
            let mark = marks.get(&(r, col)).map(|m| m.0);
            let (plain, date) = match mark {
                Some(Severity::Error) => (Some(&error_fill), &error_date),
                Some(Severity::Warning) => (Some(&warn_fill), &warn_date),
                None => (None, &date_fmt),
            };
            let res = match (&cell.value, plain) {
                (Value::Text(t), Some(f)) => ws.write_string_with_format(r, col, t.as_str(), f).map(|_| ()),
                (Value::Text(t), None) => ws.write_string(r, col, t.as_str()).map(|_| ()),
                (Value::Number(n), Some(f)) => ws.write_number_with_format(r, col, *n, f).map(|_| ()),
                (Value::Number(n), None) => ws.write_number(r, col, *n).map(|_| ()),
                (Value::DateSerial(n), _) => match serial_date(*n, c.date1904) {
                    Ok(d) => ws.write_datetime_with_format(r, col, excel_date(d)?, date).map(|_| ()),
                    Err(_) => ws.write_number(r, col, *n).map(|_| ()),
                },
                (Value::Bool(b), _) => ws.write_boolean(r, col, *b).map(|_| ()),
                (Value::Error(e), _) => ws.write_string(r, col, e).map(|_| ()),
                (Value::Uncalculated, _) => ws.write_string(r, col, "(formula, no value)").map(|_| ()),
            };
            res.map_err(xerr)?;
        }
        for ((r, col), (sev, notes)) in &marks {
            if !sheet.cells.iter().any(|x| x.row == *r && x.col == u32::from(*col)) {
                let f = if *sev == Severity::Error { &error_fill } else { &warn_fill };
                ws.write_blank(*r, *col, f).map_err(xerr)?;
            }
            let note = Note::new(notes.join("\n")).set_author("pmf");
            ws.insert_note(*r, *col, &note).map_err(xerr)?;
        }
    }
    wb.save_to_buffer().map_err(xerr)
}

