//! The statistics workbooks (`national.xlsx`, `regions/<region>.xlsx`) and
//! `issues.xlsx`, following the government guidance for releasing
//! statistics in spreadsheets: cover, contents (linked), notes, then one
//! Excel table per sheet starting in A3 with a title above it, units in the
//! headers, no merged cells, numbers stored as numbers, and the shorthand
//! [c] [x] [z] as text with Excel's number-as-text warning silenced.
//!
//! These contain no names, dates of birth or PNC IDs: only counts and rates.

use rayon::prelude::*;
use super::layout::{self, TableSpec};
use super::run::Report;
use super::sheets::{self, Cell, ChartSpec, Sheet, Streamed};
use rust_xlsxwriter::ChartType;
use crate::measure::{Flag, Level, Measure, Value};
use crate::register::REGIONS;
use crate::issue::Severity;
use crate::validate::Checked;
use std::collections::{HashMap, HashSet};

/// The measures kept for every month, for the trend tables and charts.
pub const TREND_MEASURES: [&str; 5] = crate::measure::TREND;

/// `North East` -> `north-east`.
pub fn region_slug(name: &str) -> String {
    name.to_lowercase().split_whitespace().collect::<Vec<_>>().join("-")
}

/// What a workbook covers.
#[derive(Clone)]
pub enum Scope {
    National,
    Region(String),
}

/// The rows of a workbook's tables: (level, code, name).
fn areas(r: &Report<'_>, scope: &Scope) -> Vec<(Level, String, String)> {
    let mut seen: Vec<(Level, String, String)> = Vec::new();
    let mut known: HashSet<(Level, &str)> = HashSet::new();
    let mut last: Option<(Level, &str)> = None;
    for m in r.measures {
        // An area's measures are consecutive: each area is decided once.
        if last == Some((m.level, m.area_code.as_str())) {
            continue;
        }
        last = Some((m.level, m.area_code.as_str()));
        let keep = match (scope, m.level) {
            (Scope::National, _) => true,
            (Scope::Region(reg), Level::Scheme) => r.register.get(&m.area_code).is_some_and(|s| &s.region == reg),
            (Scope::Region(reg), Level::Region) => &m.area_code == reg,
            (Scope::Region(_), Level::National) => false,
        };
        if keep && known.insert((m.level, m.area_code.as_str())) {
            seen.push((m.level, m.area_code.clone(), m.area_name.clone()));
        }
    }
    seen
}

/// Measures by (level, area code, measure), for tables and charts.
pub(super) type Lookup<'a> = HashMap<(Level, &'a str, &'a str), &'a Measure>;

pub(super) fn lookup(measures: &[Measure]) -> Lookup<'_> {
    measures.iter().map(|m| ((m.level, m.area_code.as_str(), m.measure.as_str()), m)).collect()
}

/// A measure as a cell: a number, a code, or the shorthand.
pub fn cell_of(m: Option<&Measure>) -> Cell<'static> {
    let Some(m) = m else { return Cell::Short("[z]") };
    match (m.flag, &m.value) {
        (Flag::C, _) => Cell::Short("[c]"),
        (Flag::X, _) => Cell::Short("[x]"),
        (Flag::Z, _) => Cell::Short("[z]"),
        (Flag::None, Value::Num(v)) => Cell::Num(*v, sheets::format_for(&m.measure)),
        (Flag::None, Value::Code(c)) => Cell::Text(c.clone().into()),
        (Flag::None, Value::Empty) => Cell::Short("[x]"),
    }
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Scheme => "Scheme",
        Level::Region => "Region",
        Level::National => "Country",
    }
}

fn measures_sheet(spec_sheet: &str, title: &str, cols: &[(String, String)], areas: &[(Level, String, String)], look: &Lookup<'_>) -> Sheet<'static> {
    let mut headers = vec!["Area type".to_string(), "Area code".to_string(), "Area name".to_string()];
    headers.extend(cols.iter().map(|(h, _)| h.clone()));
    let rows = areas
        .iter()
        .map(|(l, code, name)| {
            let mut row = vec![Cell::Text(level_name(*l).into()), Cell::Text(code.clone().into()), Cell::Text(name.clone().into())];
            row.extend(cols.iter().map(|(_, m)| cell_of(look.get(&(*l, code.as_str(), m.as_str())).copied())));
            row
        })
        .collect();
    Sheet { name: spec_sheet.to_string(), title: title.to_string(), headers, rows, chart: None }
}

/// The national or a regional workbook; `look` indexes all of P's measures.
fn area_workbook(r: &Report<'_>, scope: &Scope, look: &Lookup<'_>) -> Result<Vec<u8>, String> {
    let areas = areas(r, scope);
    let mut tables: Vec<Sheet<'static>> = Vec::new();
    let schemes = areas.iter().filter(|(l, _, _)| *l == Level::Scheme).count();
    for TableSpec { sheet, title, cols } in layout::tables(r.schema) {
        let cols: Vec<(String, String)> = cols.into_iter().map(|c| (c.header, c.measure)).collect();
        let mut t = measures_sheet(sheet, title, &cols, &areas, look);
        if sheet == "Cohort" {
            // The band's minimum beside the cohort, for the chart.
            t.headers.push("Band minimum (people)".into());
            for (row, (l, code, _)) in t.rows.iter_mut().zip(&areas) {
                let min = match (*l, r.register.get(code)) {
                    (Level::Scheme, Some(s)) => Some(f64::from(s.cohort_min.unwrap_or(if s.bcus >= 2 { 60 } else { 15 }))),
                    _ => None,
                };
                row.push(min.map(|m| Cell::Num(m, sheets::Fmt::Whole)).unwrap_or(Cell::Short("[z]")));
            }
            t.chart = Some(ChartSpec {
                title: "Cohort size against the band minimum, by scheme".into(),
                alt: "Column chart of each scheme's cohort (Catch & Convict and Rehabilitate & Resettle members active at the month's end), with a line at the minimum of its band.".into(),
                y_title: "People".into(),
                rows: 0..schemes,
                category_col: 1,
                series: vec![(3, ChartType::Column), ((t.headers.len() - 1) as u16, ChartType::Line)],
            });
        }
        tables.push(t);
    }
    // NI 30: whichever NI 30 measures this month has, in their order.
    let mut ni30: Vec<(String, String)> = Vec::new();
    for m in r.measures.iter().filter(|m| m.measure.starts_with("ni30_")) {
        if !ni30.iter().any(|(_, x)| *x == m.measure) {
            ni30.push((layout::ni30_header(&m.measure), m.measure.clone()));
        }
    }
    let title = if ni30.iter().any(|(_, m)| m.contains("rolling")) { "NI 30 re-offending: outturn and in-year rolling figure" } else { "NI 30 re-offending" };
    let mut ni = measures_sheet("NI_30", title, &ni30, &areas, look);
    ni.headers.push("NI 30 target (per cent reduction)".into());
    for (row, (l, code, _)) in ni.rows.iter_mut().zip(&areas) {
        let target = if *l == Level::Scheme { r.register.get(code).and_then(|s| s.ni30_target_pct) } else { None };
        row.push(target.map(|t| Cell::Num(t, sheets::Fmt::OneDp)).unwrap_or(Cell::Short("[z]")));
    }
    let reduction = ["ni30_outturn_reduction_pct", "ni30_reduction_pct", "ni30_rolling_reduction_pct"]
        .iter()
        .find_map(|m| ni30.iter().position(|(_, x)| x == m));
    if let Some(k) = reduction {
        ni.chart = Some(ChartSpec {
            title: format!("{} by scheme, against target", layout::ni30_header(&ni30[k].1)),
            alt: "Column chart of each scheme's NI 30 reduction in proven offending from the baseline (per cent), with a line at the scheme's target reduction.".into(),
            y_title: "Per cent reduction".into(),
            rows: 0..schemes,
            category_col: 1,
            series: vec![(3 + k as u16, ChartType::Column), ((ni.headers.len() - 1) as u16, ChartType::Line)],
        });
    }
    tables.push(ni);
    tables.push(sheets::data_quality(r, scope));
    tables.push(sheets::trends(r, scope));
    let (name, place) = match scope {
        Scope::National => ("England and Wales".to_string(), "national".to_string()),
        Scope::Region(reg) => (reg.clone(), reg.clone()),
    };
    sheets::workbook(r, &name, &place, tables)
}

/// national.xlsx (unless the run is for one region) and one per region.
pub fn area_workbooks(r: &Report<'_>) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut scopes = Vec::new();
    if r.cfg.region.is_none() {
        scopes.push(("national.xlsx".to_string(), Scope::National));
    }
    for reg in REGIONS {
        if r.measures.iter().any(|m| m.level == Level::Region && m.area_code == reg) {
            scopes.push((format!("regions/{}.xlsx", region_slug(reg)), Scope::Region(reg.to_string())));
        }
    }
    // Each workbook is independent: made in parallel, from one index of
    // the measures rather than one each.
    let look = lookup(r.measures);
    scopes.into_par_iter().map(|(name, scope)| Ok((name, area_workbook(r, &scope, &look)?))).collect()
}

/// issues.xlsx: every issue of the returns in scope, and the reconciliation
/// per return. Needs no measure, so a report makes it beside them.
pub fn issues_workbook(out: impl std::io::Write + Send, scoped: &[&Checked], as_at: Option<chrono::NaiveDate>) -> Result<(), String> {
    // The first return whose issues could not be read back, if any.
    let failed = std::cell::RefCell::new(None);
    let issues = Streamed {
        sheet: Sheet {
            name: "Issues".into(),
            title: "Every issue found in the returns used for this report".into(),
            headers: super::tidy::ISSUE_COLUMNS.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            chart: None,
        },
        len: scoped.iter().map(|c| c.issue_count(Severity::Error) + c.issue_count(Severity::Warning)).sum(),
        // Read back a return at a time, and made as written.
        rows: Box::new(
            crate::validate::read_back(scoped, &failed)
                .map(|i| {
                    vec![
                        Cell::Text(i.rule.id().into()),
                        Cell::Text(i.severity.name().into()),
                        Cell::Text(i.file.into()),
                        Cell::Text(i.sheet.to_string().into()),
                        Cell::Text(i.cell.to_string().into()),
                        i.row.map(|n| Cell::Num(f64::from(n), sheets::Fmt::Whole)).unwrap_or(Cell::Text("".into())),
                        Cell::Text(i.column.to_string().into()),
                        Cell::Text(i.value.to_string().into()),
                        Cell::Text(i.message.into()),
                    ]
                }),
        ),
    };
    let returns = Sheet {
        name: "Returns".into(),
        title: "Each return read: what became of it, and its rows".into(),
        headers: ["File", "Scheme", "Period", "Verdict", "Rows read (number)", "Rows accepted (number)", "Rows excluded (number)", "Errors (number)", "Warnings (number)"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows: scoped
            .iter()
            .map(|c| {
                let rows = c.rows();
                let n = |x: u32| Cell::Num(f64::from(x), sheets::Fmt::Whole);
                let sev = |s| c.issue_count(s) as u32;
                vec![
                    Cell::Text(c.file.as_str().into()),
                    Cell::Text(c.meta.scheme.as_deref().unwrap_or_default().into()),
                    Cell::Text(c.meta.period.map(|p| p.to_string()).unwrap_or_default().into()),
                    Cell::Text(c.verdict.label().into()),
                    n(rows.read),
                    n(rows.accepted),
                    n(rows.excluded),
                    n(sev(Severity::Error)),
                    n(sev(Severity::Warning)),
                ]
            })
            .collect(),
        chart: None,
    };
    sheets::plain_workbook(out, as_at, "PMF return issues", vec![issues, returns.into()])?;
    failed.into_inner().map_or(Ok(()), Err)
}
