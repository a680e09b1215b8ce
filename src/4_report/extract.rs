//! `--offences FILE`: a national offences extract used in place of the
//! returns' ledger for NI 30 (§5). A CSV, or a workbook with an `Offences`
//! sheet, with the columns of the `Offences` sheet but Recorded date.
//! Read strictly: any unreadable row stops the run (exit 2) with every
//! problem named by row and column, since NI 30 must not silently lose offences.

use crate::ingest::{self, Limits, Value};
use crate::schema::{Code, ColType, Schema};
use crate::validate::{parse_pnc, read_code, read_date, read_text, Offence};
use std::path::Path;

pub fn read(path: &Path, schema: &Schema, limits: &Limits) -> Result<Vec<Offence>, String> {
    let name = path.display().to_string();
    let spec = schema.sheet("offences").ok_or("schema has no offences sheet")?;
    let rows: Vec<(u32, Vec<(String, Value)>)> = if name.to_lowercase().ends_with(".csv") {
        let bytes = std::fs::read(path).map_err(|e| format!("{name}: cannot read the offences extract: {e}"))?;
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes.as_slice());
        let headers: Vec<String> = rdr.headers().map_err(|e| format!("{name}: {e}"))?.iter().map(str::to_string).collect();
        let mut out = Vec::new();
        for (n, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| format!("{name}: line {}: {e}", n + 2))?;
            let cells = headers.iter().zip(rec.iter()).map(|(h, v)| (h.clone(), Value::Text(v.into()))).collect();
            out.push((n as u32 + 2, cells));
        }
        out
    } else {
        let bytes = ingest::load(path, limits).map_err(|e| format!("{name}: {e}"))?;
        let book = ingest::read_book(&bytes, &["Offences"], limits).map_err(|e| format!("{name}: {e}"))?;
        let sheet = book.sheets.into_iter().flatten().next().ok_or(format!("{name}: no sheet named Offences"))?;
        let first = sheet.cells.first().map(|c| c.row).unwrap_or(0);
        let headers: Vec<(u32, String)> =
            sheet.cells.iter().filter(|c| c.row == first).map(|c| (c.col, crate::validate::shown(&c.value))).collect();
        let mut out: Vec<(u32, Vec<(String, Value)>)> = Vec::new();
        for c in sheet.cells.iter().filter(|c| c.row > first) {
            let Some((_, h)) = headers.iter().find(|(col, _)| *col == c.col) else { continue };
            if out.last().is_none_or(|(r, _)| *r != c.row + 1) {
                out.push((c.row + 1, Vec::new()));
            }
            if let Some((_, cells)) = out.last_mut() {
                cells.push((h.clone(), c.value.clone()));
            }
        }
        out
    };
    let mut problems = Vec::new();
    let mut offences = Vec::new();
    let get = |cells: &[(String, Value)], header: &str| -> Option<Value> {
        cells.iter().find(|(h, v)| h.trim().eq_ignore_ascii_case(header) && !matches!(v, Value::Text(t) if t.trim().is_empty())).map(|(_, v)| v.clone())
    };
    for (row, cells) in &rows {
        let mut bad = |col: &str, why: String| problems.push(format!("{name}: row {row}, {col}: {why}"));
        let mut date = |key: &str, required: bool| -> Option<chrono::NaiveDate> {
            let col = spec.columns.iter().find(|c| c.key == key)?;
            match get(cells, &col.header) {
                Some(v) => read_date(&v, false).map_err(|_| bad(&col.header, "not a date".into())).ok(),
                None if required => {
                    bad(&col.header, "required".into());
                    None
                }
                None => None,
            }
        };
        let (offence_date, outcome_date) = (date("offence_date", true), date("outcome_date", true));
        let (arrest_date, charge_date) = (date("arrest_date", false), date("charge_date", false));
        let mut code = |key: &str| -> Option<String> {
            let col = spec.columns.iter().find(|c| c.key == key)?;
            let v = get(cells, &col.header)?;
            if col.col_type == ColType::Code {
                let list = schema.list_of(col)?;
                match read_code(&v, list) {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => {
                        bad(&col.header, format!("{:?} is not a code", crate::validate::shown(&v)));
                        None
                    }
                }
            } else {
                read_text(&v).ok()
            }
        };
        let ppo_raw = code("ppo_id");
        let (offence_ref, outcome, category, disposal) = (
            code("offence_ref"),
            code("outcome"),
            code("offence_category").unwrap_or_default(),
            code("disposal"),
        );
        let ppo = match ppo_raw.as_deref().map(|p| parse_pnc(p, 99)) {
            Some(Ok(p)) => Some(p),
            Some(Err(why)) => {
                problems.push(format!("{name}: row {row}, PPO ID: {why}"));
                None
            }
            None => {
                problems.push(format!("{name}: row {row}, PPO ID: required"));
                None
            }
        };
        // A code read above is in its list, so it is interned already.
        let as_code = |t: String| Code::intern(&t).unwrap_or(Code::none());
        if let (Some(ppo_id), Some(offence_date), Some(outcome_date), Some(outcome)) =
            (ppo, offence_date, outcome_date, outcome)
        {
            offences.push(Offence {
                row: *row,
                ppo_id,
                offence_ref: offence_ref.unwrap_or_default().into(),
                offence_date,
                outcome_date,
                outcome: as_code(outcome),
                offence_category: as_code(category),
                disposal: disposal.map(as_code),
                arrest_date,
                charge_date,
                recorded_date: outcome_date,
                adoption_history: false,
            });
        } else if problems.is_empty() {
            problems.push(format!("{name}: row {row}: PPO ID, Offence date, Outcome date and Outcome are required"));
        }
    }
    if !problems.is_empty() {
        let more = if problems.len() > 20 { format!("\n… and {} more", problems.len() - 20) } else { String::new() };
        problems.truncate(20);
        return Err(format!("the offences extract cannot be used:\n{}{more}", problems.join("\n")));
    }
    Ok(offences)
}
