//! Writing a PMF-1 return workbook. The blank template (`pmf template`) and
//! synthetic returns (`pmf synth`) both come from this one writer, so a
//! synthetic return is exactly a filled-in template.
//!
//! The layout follows the schema: an `Instructions` sheet (how to fill it
//! in, every column, every code list), then `Return`, `Cohort`, `Offences`
//! with frozen headers, column widths, a dropdown on every coded column and
//! date / whole-number input rules on typed columns. Deterministic: the
//! workbook's creation date is given, never the clock.

use crate::schema::{ColType, Required, Schema};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatBorder, Formula,
    Workbook, Worksheet, XlsxError,
};

/// A value to write; `None` in a row is a blank cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Text(String),
    Date(NaiveDate),
    Number(f64),
}

/// The contents of a return, in schema order.
#[derive(Debug, Clone, Default)]
pub struct Contents {
    /// One value per `Return` field.
    pub meta: Vec<Option<Val>>,
    /// One row per person / offence, one value per schema column.
    pub cohort: Vec<Vec<Option<Val>>>,
    pub offences: Vec<Vec<Option<Val>>>,
}

/// Rows of `Cohort` and `Offences` that carry dropdowns and input rules.
pub const INPUT_ROWS: u32 = 2000;

fn xerr(e: XlsxError) -> String {
    format!("cannot write the workbook: {e}")
}

pub fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, String> {
    ExcelDateTime::from_ymd(d.year().clamp(1900, 9999) as u16, d.month() as u8, d.day() as u8).map_err(xerr)
}

/// The workbook as bytes. `created` is the document's creation date.
pub fn to_bytes(schema: &Schema, contents: &Contents, created: NaiveDate) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    let when = excel_date(created)?;
    wb.set_properties(&DocProperties::new().set_title("PPO PMF monthly return (PMF-1)").set_author("pmf").set_creation_datetime(&when));
    let bold = Format::new().set_bold();
    let header = Format::new().set_bold().set_background_color("#DDE6F0").set_border_bottom(FormatBorder::Thin).set_text_wrap();
    let date_fmt = Format::new().set_num_format("dd/mm/yyyy");

    // Instructions, with the code lists the dropdowns point at.
    let ranges = instructions(wb.add_worksheet(), schema, &bold).map_err(xerr)?;

    let ws = wb.add_worksheet();
    ws.set_name(&schema.return_sheet.name).map_err(xerr)?;
    ws.set_column_width(0, 20).map_err(xerr)?;
    ws.set_column_width(1, 30).map_err(xerr)?;
    for (r, field) in schema.return_sheet.fields.iter().enumerate() {
        let r = r as u32;
        ws.write_string_with_format(r, 0, &field.label, &bold).map_err(xerr)?;
        if field.col_type == ColType::Date {
            let dv = DataValidation::new()
                .allow_date(DataValidationRule::Between(excel_date(first_date())?, excel_date(last_date())?))
                .set_input_message("A date, dd/mm/yyyy").map_err(xerr)?;
            ws.add_data_validation(r, 1, r, 1, &dv).map_err(xerr)?;
        }
        write_val(ws, r, 1, contents.meta.get(r as usize).and_then(Option::as_ref), &date_fmt)?;
    }
    ws.set_active(true);

    for (spec, rows) in schema.sheets.iter().zip([&contents.cohort, &contents.offences]) {
        let ws = wb.add_worksheet();
        ws.set_name(&spec.name).map_err(xerr)?;
        ws.set_freeze_panes(1, 0).map_err(xerr)?;
        for (c, col) in spec.columns.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(0, c, &col.header, &header).map_err(xerr)?;
            ws.set_column_width(c, col.width.unwrap_or(14.0)).map_err(xerr)?;
            let need = match col.required {
                Required::Yes => "Required.",
                Required::If => "Required when its condition holds (see Instructions).",
                Required::No => "Optional.",
            };
            let dv = match col.col_type {
                ColType::Code => {
                    let Some((first, last)) = col.list.as_ref().and_then(|l| ranges.iter().find(|(n, _, _)| n == l)).map(|(_, a, b)| (*a, *b)) else {
                        continue;
                    };
                    ws.set_column_format(c, &Format::new().set_num_format("@")).map_err(xerr)?;
                    DataValidation::new()
                        .allow_list_formula(Formula::new(format!("=Instructions!$B${}:$B${}", first + 1, last + 1)))
                        .set_error_style(DataValidationErrorStyle::Warning)
                }
                ColType::Date => {
                    ws.set_column_format(c, &date_fmt).map_err(xerr)?;
                    DataValidation::new().allow_date(DataValidationRule::Between(excel_date(first_date())?, excel_date(last_date())?))
                }
                ColType::Whole => DataValidation::new().allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
                ColType::Text | ColType::Pnc | ColType::Month => {
                    ws.set_column_format(c, &Format::new().set_num_format("@")).map_err(xerr)?;
                    continue;
                }
            };
            let dv = dv.set_input_title(&col.header).map_err(xerr)?.set_input_message(need).map_err(xerr)?;
            ws.add_data_validation(1, c, INPUT_ROWS, c, &dv).map_err(xerr)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                write_val(ws, r as u32 + 1, c as u16, v.as_ref(), &date_fmt)?;
            }
        }
    }
    wb.save_to_buffer().map_err(xerr)
}

fn first_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
}

fn last_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2099, 12, 31).unwrap_or_default()
}

fn write_val(ws: &mut Worksheet, r: u32, c: u16, v: Option<&Val>, date_fmt: &Format) -> Result<(), String> {
    match v {
        None => {}
        Some(Val::Text(t)) => {
            ws.write_string(r, c, t).map_err(xerr)?;
        }
        Some(Val::Number(n)) => {
            ws.write_number(r, c, *n).map_err(xerr)?;
        }
        Some(Val::Date(d)) => {
            ws.write_datetime_with_format(r, c, excel_date(*d)?, date_fmt).map_err(xerr)?;
        }
    }
    Ok(())
}

/// Write the Instructions sheet; returns each code list's 0-based first and
/// last row of its codes in column B.
fn instructions(ws: &mut Worksheet, schema: &Schema, bold: &Format) -> Result<Vec<(String, u32, u32)>, XlsxError> {
    ws.set_name("Instructions")?;
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 22)?;
    ws.set_column_width(2, 60)?;
    let lines = [
        format!("PPO Performance Management Framework: monthly return, template {}", schema.version),
        "Fill in one workbook per scheme per month and send it to your Government Office by the sixth working day of the next month.".to_string(),
        "Return: the scheme code, the period (the month reported on, e.g. 2008-03), the date you send it, and the template version.".to_string(),
        "Cohort: one row per person on the scheme at any time in the month: all on it at the start of the month, and all adopted during it.".to_string(),
        "Offences: one row per proven offence recorded in the month. In the month a person is adopted, also list their proven offences of the 24 months before adoption.".to_string(),
        "Dates are day first (dd/mm/yyyy). Codes may be typed as the code or as any label listed below. Check the return with `pmf validate` before sending it.".to_string(),
    ];
    let mut r = 0u32;
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            ws.write_string_with_format(r, 0, line, bold)?;
        } else {
            ws.write_string(r, 0, line)?;
        }
        r += 1;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "Sheet", bold)?;
    ws.write_string_with_format(r, 1, "Column", bold)?;
    ws.write_string_with_format(r, 2, "What to enter", bold)?;
    r += 1;
    for sheet in &schema.sheets {
        for col in &sheet.columns {
            ws.write_string(r, 0, &sheet.name)?;
            ws.write_string(r, 1, &col.header)?;
            ws.write_string(r, 2, describe(sheet, col))?;
            r += 1;
        }
    }
    r += 1;
    ws.write_string_with_format(r, 0, "Code list", bold)?;
    ws.write_string_with_format(r, 1, "Code", bold)?;
    ws.write_string_with_format(r, 2, "Also accepted", bold)?;
    r += 1;
    let mut ranges = Vec::new();
    for list in &schema.lists {
        let first = r;
        for code in &list.codes {
            ws.write_string(r, 0, &list.name)?;
            ws.write_string(r, 1, &code.code)?;
            ws.write_string(r, 2, code.labels.join("; "))?;
            r += 1;
        }
        ranges.push((list.name.clone(), first, r - 1));
    }
    Ok(ranges)
}

fn describe(sheet: &crate::schema::Sheet, col: &crate::schema::Column) -> String {
    let kind = match col.col_type {
        ColType::Pnc => "PNC ID, e.g. 2001/0123456F".to_string(),
        ColType::Date => "a date, dd/mm/yyyy".to_string(),
        ColType::Whole => "a whole number, 0 or more".to_string(),
        ColType::Code => format!("a code from the list {}", col.list.as_deref().unwrap_or("")),
        ColType::Text | ColType::Month => "text".to_string(),
    };
    let need = match (&col.required, &col.required_when) {
        (Required::Yes, _) => "Required".to_string(),
        (Required::If, Some(c)) => {
            let other = &sheet.columns[c.col].header;
            if c.is_present {
                format!("Required when {other} is filled in")
            } else if c.is_blank {
                format!("Required when {other} is blank")
            } else {
                format!("Required when {other} is {}", c.in_codes.join(" or "))
            }
        }
        _ => "Optional".to_string(),
    };
    let blank = col.blank_when.as_ref().map(|c| {
        let other = &sheet.columns[c.col].header;
        if c.is_blank { format!("; must be blank when {other} is blank") } else { format!("; must be blank when {other} is filled in") }
    });
    format!("{need}: {kind}{}", blank.unwrap_or_default())
}
