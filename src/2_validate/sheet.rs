//! A `Cohort` or `Offences` sheet as a table: the header row is the first
//! row with anything in it; columns match the schema by header, in any order
//! and case, ignoring surrounding spaces (§1). F03 and F04 are found here.

use super::cells;
use crate::ingest::{SheetCells, Value};
use crate::issue::{Issue, Rule};
use crate::schema;

/// One non-blank data row: its cells by schema column.
pub struct RawRow<'a> {
    pub row0: u32,
    /// Borrowed from the sheet: a return's cells are not copied.
    pub cells: Vec<Option<&'a Value>>,
}

pub struct Table<'a> {
    pub sheet: String,
    /// Schema column index -> 0-based sheet column, when present.
    pub cols: Vec<Option<u32>>,
    pub rows: Vec<RawRow<'a>>,
}

pub fn read_table<'a>(sheet: &'a SheetCells, spec: &schema::Sheet, file: &str, issues: &mut Vec<Issue>) -> Table<'a> {
    let blank = |v: &Value| cells::is_blank(Some(v));
    let header_row = sheet.cells.iter().find(|c| !blank(&c.value)).map(|c| c.row);
    let mut cols: Vec<Option<u32>> = vec![None; spec.columns.len()];
    if let Some(hr) = header_row {
        for cell in sheet.cells.iter().filter(|c| c.row == hr && !blank(&c.value)) {
            let text = cells::shown(&cell.value);
            match spec.columns.iter().position(|col| col.header.trim().eq_ignore_ascii_case(text.trim())) {
                Some(i) if cols[i].is_some() => {
                    issues.push(
                        Issue::new(
                            Rule::F03,
                            file,
                            format!("the header {:?} appears twice; delete or rename one of the columns", spec.columns[i].header),
                        )
                        .sheet(&spec.name)
                        .at(cell.row, cell.col)
                        .column(&spec.columns[i].header)
                        .value(&text),
                    );
                }
                Some(i) => {
                    cols[i] = Some(cell.col);
                }
                None => issues.push(
                    Issue::new(
                        Rule::F04,
                        file,
                        format!(
                            "unknown column {:?} is ignored; if it should be one of the {} columns, correct the header",
                            crate::issue::quote_value(text.trim()),
                            spec.name
                        ),
                    )
                    .sheet(&spec.name)
                    .at(cell.row, cell.col)
                    .column(&crate::issue::quote_value(text.trim()))
                    .value(&text),
                ),
            }
        }
    }
    for (i, col) in spec.columns.iter().enumerate() {
        if cols[i].is_none() && col.header_required() {
            let where_ = match header_row {
                Some(r) => format!("in the header row (row {})", r + 1),
                None => "(the sheet is empty)".to_string(),
            };
            issues.push(
                Issue::new(
                    Rule::F03,
                    file,
                    format!("the required column {:?} is missing {where_}; add it, as in the PMF-1 template", col.header),
                )
                .sheet(&spec.name)
                .column(&col.header),
            );
        }
    }
    // Sheet column -> schema column (the inverse of `cols`), for the data rows.
    let width = cols.iter().flatten().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut schema_col: Vec<Option<usize>> = vec![None; width];
    for (i, c) in cols.iter().enumerate() {
        if let Some(c) = c {
            schema_col[*c as usize] = Some(i);
        }
    }
    let mut rows: Vec<RawRow> = Vec::new();
    if let Some(hr) = header_row {
        let mut cur: Option<(u32, bool, Vec<Option<&'a Value>>)> = None;
        let mut flush = |cur: &mut Option<(u32, bool, Vec<Option<&'a Value>>)>| {
            if let Some((row0, nonblank, cells)) = cur.take() {
                if nonblank {
                    rows.push(RawRow { row0, cells });
                }
            }
        };
        for cell in sheet.cells.iter().filter(|c| c.row > hr) {
            if cur.as_ref().is_none_or(|(r, _, _)| *r != cell.row) {
                flush(&mut cur);
                cur = Some((cell.row, false, vec![None; spec.columns.len()]));
            }
            if let Some((_, nonblank, cells)) = cur.as_mut() {
                // A wholly blank row is skipped: any non-blank cell counts, even in
                // an ignored column, so nothing typed is dropped silently.
                if !blank(&cell.value) {
                    *nonblank = true;
                }
                if let Some(i) = schema_col.get(cell.col as usize).copied().flatten() {
                    cells[i] = Some(&cell.value);
                }
            }
        }
        flush(&mut cur);
    }
    Table { sheet: spec.name.clone(), cols, rows }
}
