//! Two tables built from the returns rather than the month's measures: data
//! quality per scheme for the report month (the reconciliation: returns by
//! verdict, issues, rows read, accepted and excluded), and the monthly trends.

use super::book::{cell_of, Scope};
use super::run::Report;
use super::sheets::{Cell, ChartSpec, Fmt, Sheet};
use crate::issue::Severity;
use crate::measure::Level;
use crate::validate::{Checked, Verdict};
use rust_xlsxwriter::ChartType;

fn in_scope(r: &Report<'_>, scope: &Scope, scheme: Option<&str>) -> bool {
    match scope {
        Scope::National => true,
        Scope::Region(reg) => scheme.and_then(|s| r.register.get(s)).is_some_and(|s| &s.region == reg),
    }
}

/// Per scheme, the returns for the report month and what became of them.
pub fn data_quality(r: &Report<'_>, scope: &Scope) -> Sheet<'static> {
    let headers = [
        "Scheme code", "Scheme name", "Returns read (number)", "Accepted (number)", "Accepted with excluded rows (number)", "Rejected (number)",
        "Superseded (number)", "Errors (number)", "Warnings (number)", "Rows read (number)", "Rows accepted (number)", "Rows excluded (number)",
    ];
    let mut groups: Vec<(String, String, Vec<&Checked>)> = Vec::new();
    for c in r.checked.iter().filter(|c| c.meta.period == Some(r.cfg.period) && in_scope(r, scope, c.meta.scheme.as_deref())) {
        let code = c.meta.scheme.clone().unwrap_or_default();
        match groups.iter_mut().find(|g| g.0 == code) {
            Some(g) => g.2.push(c),
            None => {
                let name = r.register.get(&code).map(|s| s.name.clone()).unwrap_or_default();
                groups.push((code, name, vec![c]));
            }
        }
    }
    let unplaced: Vec<&Checked> = r.checked.iter().filter(|c| c.meta.scheme.is_none() || c.meta.period.is_none()).collect();
    if matches!(scope, Scope::National) && !unplaced.is_empty() {
        groups.push(("unplaced".into(), "Files that cannot be placed in a scheme and month".into(), unplaced));
    }
    groups.sort_by(|a, b| (a.0 == "unplaced", &a.0).cmp(&(b.0 == "unplaced", &b.0)));
    let n = |x: usize| Cell::Num(x as f64, Fmt::Whole);
    let rows = groups
        .iter()
        .map(|(code, name, cs)| {
            let verdict = |v: Verdict| cs.iter().filter(|c| c.verdict == v).count();
            let sev = |s: Severity| cs.iter().map(|c| c.issue_count(s)).sum::<usize>();
            let rows = |f: fn(&Checked) -> u32| cs.iter().map(|c| f(c) as usize).sum::<usize>();
            vec![
                Cell::Text(code.clone().into()),
                Cell::Text(name.clone().into()),
                n(cs.len()),
                n(verdict(Verdict::Accepted)),
                n(verdict(Verdict::AcceptedWithExcludedRows)),
                n(verdict(Verdict::Rejected)),
                n(verdict(Verdict::Superseded)),
                n(sev(Severity::Error)),
                n(sev(Severity::Warning)),
                n(rows(|c| c.rows().read)),
                n(rows(|c| c.rows().accepted)),
                n(rows(|c| c.rows().excluded)),
            ]
        })
        .collect();
    Sheet {
        name: "Data_quality".into(),
        title: format!("Data quality of the returns for {}: rows read = accepted + excluded", r.cfg.period),
        headers: headers.iter().map(|s| s.to_string()).collect(),
        rows,
        chart: None,
    }
}

/// The area's headline figures for every month seen up to the report month.
pub fn trends(r: &Report<'_>, scope: &Scope) -> Sheet<'static> {
    let (level, code) = match scope {
        Scope::National => (Level::National, "national".to_string()),
        Scope::Region(reg) => (Level::Region, reg.clone()),
    };
    let cols = [
        ("Cohort: Catch & Convict and Rehabilitate & Resettle (people)", "cohort_active"),
        ("In custody (per cent)", "custody_pct"),
        ("Offences recorded (number)", "offences_recorded"),
        ("NI 30 reduction so far (per cent)", "ni30_rolling_reduction_pct"),
        ("Returns received (number)", "returns_received"),
    ];
    let mut headers = vec!["Month".to_string()];
    headers.extend(cols.iter().map(|(h, _)| h.to_string()));
    let rows: Vec<Vec<Cell>> = r
        .trend
        .iter()
        .map(|(month, ms)| {
            let mut row = vec![Cell::Text(month.to_string().into())];
            for (_, m) in cols {
                row.push(cell_of(ms.iter().find(|x| x.level == level && x.area_code == code && x.measure == m)));
            }
            row
        })
        .collect();
    let n = rows.len();
    Sheet {
        name: "Trends".into(),
        title: "Monthly trends".into(),
        headers,
        rows,
        chart: Some(ChartSpec {
            title: "Cohort size and offences recorded by month".into(),
            alt: "Line chart of the cohort size (people) and the offences recorded (number) in each month up to the report month.".into(),
            y_title: "People / offences".into(),
            rows: 0..n,
            category_col: 0,
            series: vec![(1, ChartType::Line), (3, ChartType::Line)],
        }),
    }
}
