//! The charts as images (`charts/*.svg` and `charts/*.png`), for briefings:
//! for each region, cohort size against band, NI 30 against target and the
//! monthly trends; nationally, the monthly trends. The same figures as the
//! workbooks' native charts, drawn by `charts.rs`.

use rayon::prelude::*;
use super::book::{lookup, region_slug, Lookup};
use super::charts::{self, Chart, Kind, Series};
use super::run::Report;
use crate::measure::{Flag, Level, Value};
use crate::register::REGIONS;

/// A charted number: a measure with a value and no flag.
fn value(look: &Lookup<'_>, level: Level, code: &str, name: &str) -> Option<f64> {
    look.get(&(level, code, name))
        .filter(|m| m.flag == Flag::None)
        .and_then(|m| if let Value::Num(v) = m.value { Some(v) } else { None })
}

/// The region's schemes with measures, in the measures' (code) order.
fn scheme_codes(r: &Report<'_>, region: &str) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    let mut last: Option<&str> = None;
    for m in r.measures.iter().filter(|m| m.level == Level::Scheme) {
        if last == Some(m.area_code.as_str()) {
            continue; // a scheme's measures are side by side
        }
        last = Some(m.area_code.as_str());
        if r.register.get(&m.area_code).is_some_and(|s| s.region == region) && codes.last() != Some(&m.area_code) {
            codes.push(m.area_code.clone());
        }
    }
    codes
}

fn cohort_chart(r: &Report<'_>, now: &Lookup<'_>, region: &str) -> Chart {
    let codes = scheme_codes(r, region);
    let mut lines = Vec::new();
    let bcus = |two: bool| codes.iter().any(|c| r.register.get(c).is_some_and(|s| (s.bcus >= 2) == two));
    if bcus(false) {
        lines.push(("Minimum, one BCU (15)".to_string(), 15.0));
    }
    if bcus(true) {
        lines.push(("Minimum, two or more BCUs (60)".to_string(), 60.0));
    }
    Chart {
        title: format!("Cohort size against band, {region}, {}", r.cfg.period),
        kind: Kind::Bar,
        series: vec![Series {
            name: "Cohort (people)".into(),
            values: codes.iter().map(|c| value(now, Level::Scheme, c, "cohort_active")).collect(),
        }],
        categories: codes,
        y_label: "People".into(),
        reference_lines: lines,
    }
}

fn ni30_chart(r: &Report<'_>, now: &Lookup<'_>, region: &str) -> Option<Chart> {
    let codes = scheme_codes(r, region);
    let name = ["ni30_outturn_reduction_pct", "ni30_reduction_pct", "ni30_rolling_reduction_pct"]
        .into_iter()
        .find(|n| r.measures.iter().any(|m| m.measure == *n))?;
    Some(Chart {
        title: format!("{}, {region}", super::layout::ni30_header(name).replace(" (per cent)", "")),
        kind: Kind::Bar,
        series: vec![
            Series { name: "Reduction from baseline (per cent)".into(), values: codes.iter().map(|c| value(now, Level::Scheme, c, name)).collect() },
            Series { name: "Target (per cent)".into(), values: codes.iter().map(|c| r.register.get(c).and_then(|s| s.ni30_target_pct)).collect() },
        ],
        categories: codes,
        y_label: "Per cent".into(),
        reference_lines: Vec::new(),
    })
}

fn trend_charts(r: &Report<'_>, months: &[Lookup<'_>], level: Level, code: &str, name: &str) -> [Chart; 2] {
    let labels: Vec<String> = r.trend.iter().map(|(m, _)| m.to_string()).collect();
    let series = |label: &str, measure: &str| Series {
        name: label.into(),
        values: months.iter().map(|ms| value(ms, level, code, measure)).collect(),
    };
    [
        Chart {
            title: format!("Cohort size and offences recorded by month, {name}"),
            kind: Kind::Line,
            categories: labels.clone(),
            series: vec![series("Cohort (people)", "cohort_active"), series("Offences recorded (number)", "offences_recorded")],
            y_label: "People / offences".into(),
            reference_lines: Vec::new(),
        },
        Chart {
            title: format!("Custody share and NI 30 reduction so far by month, {name}"),
            kind: Kind::Line,
            categories: labels,
            series: vec![series("In custody (per cent)", "custody_pct"), series("NI 30 reduction so far (per cent)", "ni30_rolling_reduction_pct")],
            y_label: "Per cent".into(),
            reference_lines: Vec::new(),
        },
    ]
}

/// Every chart image: (path inside the period folder, bytes).
pub fn images(r: &Report<'_>) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut named: Vec<(String, Chart)> = Vec::new();
    let now = lookup(r.measures);
    let months: Vec<Lookup<'_>> = r.trend.iter().map(|(_, ms)| lookup(ms)).collect();
    for reg in REGIONS.iter().filter(|reg| r.measures.iter().any(|m| m.level == Level::Region && m.area_code == **reg)) {
        let slug = region_slug(reg);
        named.push((format!("{slug}-cohort-against-band"), cohort_chart(r, &now, reg)));
        if let Some(c) = ni30_chart(r, &now, reg) {
            named.push((format!("{slug}-ni30-against-target"), c));
        }
        let [a, b] = trend_charts(r, &months, Level::Region, reg, reg);
        named.push((format!("{slug}-trend-cohort-offences"), a));
        named.push((format!("{slug}-trend-custody-ni30"), b));
    }
    if r.cfg.region.is_none() {
        let [a, b] = trend_charts(r, &months, Level::National, "national", "England and Wales");
        named.push(("national-trend-cohort-offences".into(), a));
        named.push(("national-trend-custody-ni30".into(), b));
    }
    let drawn: Vec<Result<[(String, Vec<u8>); 2], String>> = named
        .par_iter()
        .map(|(name, chart)| {
            let (svg, png) = charts::render(chart)?;
            Ok([(format!("charts/{name}.svg"), svg), (format!("charts/{name}.png"), png)])
        })
        .collect();
    let mut out = Vec::new();
    for pair in drawn {
        out.extend(pair?);
    }
    Ok(out)
}
