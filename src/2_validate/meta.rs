//! The `Return` sheet (§1.1, §10): labels in the first used column (column A
//! in the template), values in the column to their right; unknown labels are
//! ignored. Rules R01–R05.

use super::cells::{self, Bad};
use super::Meta;
use crate::calendar::uk;
use crate::ingest::{SheetCells, Value};
use crate::issue::{Issue, Rule};
use crate::register::Register;
use crate::schema::Schema;

/// The value cell found for a label: 0-based position and value.
struct Found<'a> {
    row0: u32,
    col0: u32,
    value: Option<&'a Value>,
}

pub fn read_meta(
    sheet: Option<&SheetCells>,
    schema: &Schema,
    register: &Register,
    file: &str,
    date1904: bool,
    issues: &mut Vec<Issue>,
) -> Meta {
    let mut meta = Meta::default();
    let Some(sheet) = sheet else {
        return meta; // F02 already reported; nothing can be placed.
    };
    let sheet_name = schema.return_sheet.name.as_str();
    let label_col = sheet.cells.iter().map(|c| c.col).min().unwrap_or(0);
    let lookup = |label: &str| -> Option<Found<'_>> {
        let cell = sheet.cells.iter().find(|c| {
            c.col == label_col && matches!(&c.value, Value::Text(t) if t.trim().eq_ignore_ascii_case(label.trim()))
        })?;
        let value = sheet.cells.iter().find(|v| v.row == cell.row && v.col == label_col + 1).map(|v| &v.value);
        Some(Found { row0: cell.row, col0: label_col + 1, value })
    };
    let label = |key: &str| {
        schema.return_sheet.fields.iter().find(|f| f.key == key).map(|f| f.label.clone()).unwrap_or_else(|| key.to_string())
    };
    let mut issue = |rule: Rule, key: &str, at: Option<&Found<'_>>, msg: String| {
        let mut i = Issue::new(rule, file, msg).sheet(sheet_name).column(&label(key));
        if let Some(f) = at {
            i = i.at(f.row0, f.col0);
            if let Some(v) = f.value {
                i = i.value(&cells::shown_dated(v, date1904));
            }
        }
        issues.push(i);
    };
    let present = |f: &Option<Found<'_>>| f.as_ref().is_some_and(|f| !cells::is_blank(f.value));
    let missing_msg = |key: &str| {
        format!("{} is missing: put the label {:?} in column A and its value in column B", label(key), label(key))
    };
    let text_of = |f: &Option<Found<'_>>| f.as_ref().and_then(|f| f.value).and_then(|v| cells::read_text(v).ok());

    // Scheme code (R01).
    let code = lookup(&label("scheme_code"));
    let scheme = if !present(&code) {
        issue(Rule::R01, "scheme_code", code.as_ref(), missing_msg("scheme_code"));
        None
    } else {
        let text = text_of(&code).unwrap_or_default();
        match register.get(&text) {
            Some(s) => Some(s),
            None => {
                issue(
                    Rule::R01,
                    "scheme_code",
                    code.as_ref(),
                    format!("scheme code {text:?} is not in the scheme register; use the code your Government Office gave the scheme"),
                );
                None
            }
        }
    };
    meta.scheme = scheme.map(|s| s.code.clone());

    // Scheme name (R05).
    let name = lookup(&label("scheme_name"));
    meta.scheme_name = text_of(&name).filter(|t| !t.is_empty());
    if let (Some(s), Some(n)) = (scheme, &meta.scheme_name) {
        if !s.name.trim().eq_ignore_ascii_case(n.trim()) {
            issue(
                Rule::R05,
                "scheme_name",
                name.as_ref(),
                format!("the register names scheme {} {:?}; check the scheme code, or correct the name", s.code, s.name),
            );
        }
    }

    // Period (R02).
    let period = lookup(&label("period"));
    if !present(&period) {
        issue(Rule::R02, "period", period.as_ref(), missing_msg("period"));
    } else if let Some(v) = period.as_ref().and_then(|f| f.value) {
        match cells::read_month(v, date1904) {
            Err(Bad::Type(why)) => issue(Rule::R02, "period", period.as_ref(), format!("Period is {why}")),
            Err(Bad::TooEarly) => issue(Rule::R02, "period", period.as_ref(), "Period is before 1900; write the month reported on".into()),
            Ok(m) => {
                meta.period = Some(m);
                if let Some(s) = scheme {
                    if !s.active_in(m) {
                        let to = s.active_to.map(|t| format!(" to {t}")).unwrap_or_default();
                        issue(
                            Rule::R02,
                            "period",
                            period.as_ref(),
                            format!(
                                "{m} is outside the months scheme {} is active in the register ({}{to}); check the Period and the scheme code",
                                s.code, s.active_from
                            ),
                        );
                    }
                }
            }
        }
    }

    // Submitted on (R04).
    let sub = lookup(&label("submitted_on"));
    if !present(&sub) {
        issue(Rule::R04, "submitted_on", sub.as_ref(), missing_msg("submitted_on"));
    } else if let Some(v) = sub.as_ref().and_then(|f| f.value) {
        match cells::read_date(v, date1904) {
            Err(Bad::Type(why)) => issue(Rule::R04, "submitted_on", sub.as_ref(), format!("Submitted on is {why}")),
            Err(Bad::TooEarly) => issue(Rule::R04, "submitted_on", sub.as_ref(), "Submitted on is before 1900; write the date the return is sent".into()),
            Ok(d) => {
                meta.submitted_on = Some(d);
                if let Some(p) = meta.period.filter(|p| d < p.first_day()) {
                    issue(
                        Rule::R04,
                        "submitted_on",
                        sub.as_ref(),
                        format!("Submitted on {} is before the period {p} began ({}); write the date the return is sent", uk(d), uk(p.first_day())),
                    );
                }
            }
        }
    }

    // Template version (R03).
    let ver = lookup(&label("template_version"));
    meta.template_version = text_of(&ver).filter(|t| !t.is_empty());
    match &meta.template_version {
        None => issue(Rule::R03, "template_version", ver.as_ref(), missing_msg("template_version")),
        Some(v) if !v.eq_ignore_ascii_case(&schema.version) => issue(
            Rule::R03,
            "template_version",
            ver.as_ref(),
            format!("template version {v:?} is not supported; copy the data into the current {} template", schema.version),
        ),
        Some(_) => {}
    }
    meta.prepared_by = text_of(&lookup(&label("prepared_by"))).filter(|t| !t.is_empty());
    meta
}
