//! The headline measures M1–M14 (§4.2, §10) as rows, for each scheme in
//! scope, each of their regions and nationally.
//!
//! A scheme with no usable return for P has its return-based measures
//! empty with flag `x`; throughput and M12 are still computed. A rate over
//! zero, a mean over nobody and a median of no cases are empty with `z`.

use super::frame::{aggregate, Stats, Wanted};
use super::tables::{self, codes, ethnicity_groups, AGE_BANDS, RETURN_COLUMNS};
use super::{mean, rate, Config, Detail, Flag, Input, Level, Measure, Value};
use crate::register::{Scheme, REGIONS};
use std::collections::BTreeMap;

/// Months on the scheme are days / 30.4375 (§4.2).
const DAYS_PER_MONTH: f64 = 30.4375;

/// Counts of people or offences (suppressed below N in region and national rows).
pub fn is_count(measure: &str) -> bool {
    let people = measure.starts_with("cohort_active")
        || measure.starts_with("status_")
        || measure.starts_with("age_")
        || measure.starts_with("gender_")
        || measure.starts_with("ethnicity_")
        || measure.starts_with("deselected")
        || (measure.starts_with("offences_") && !measure.ends_with("_pct"))
        || matches!(measure, "adopted" | "throughput" | "ppos_with_offence");
    let ni30 = measure.starts_with("ni30_")
        && (measure.ends_with("_cohort") || measure.ends_with("cohort_deselected") || measure.ends_with("followup_offences") || measure.ends_with("_baseline_offences"))
        && !measure.contains("rolling_baseline");
    people || ni30
}

/// Rates whose numerator is itself a count of people or offences.
pub fn numerator_is_count(measure: &str) -> bool {
    (measure.ends_with("_pct") && !measure.contains("reduction")) || measure.ends_with("per_ppo") || measure.ends_with("per_reoffender")
}

/// Where a row goes: level, code and name.
pub struct Area {
    pub level: Level,
    pub code: String,
    pub name: String,
    /// Key into the aggregates.
    pub key: String,
    /// For a scheme, its place in the schemes the areas were made from.
    pub scheme: Option<usize>,
}

/// The areas of a run that a month at `detail` has rows for: its schemes
/// (not in a trend month), their regions, and national (unless one region).
pub fn areas(schemes: &[&Scheme], cfg: &Config, detail: Detail) -> Vec<Area> {
    let mut out: Vec<Area> = schemes
        .iter()
        .enumerate()
        .filter(|_| detail.shows(Level::Scheme))
        .map(|(i, s)| Area { level: Level::Scheme, code: s.code.clone(), name: s.name.clone(), key: format!("scheme:{}", s.code), scheme: Some(i) })
        .collect();
    for r in REGIONS {
        if schemes.iter().any(|s| s.region == r) {
            out.push(Area { level: Level::Region, code: r.to_string(), name: r.to_string(), key: format!("region:{r}"), scheme: None });
        }
    }
    if cfg.region.is_none() {
        out.push(Area { level: Level::National, code: "national".into(), name: "England and Wales".into(), key: "national".into(), scheme: None });
    }
    out
}

/// M2's band for a scheme with `n` in the group (§4.2, §10).
pub fn band_status(s: &Scheme, n: f64) -> &'static str {
    let (def_min, def_max) = if s.bcus >= 2 { (60.0, Some(100.0)) } else { (15.0, None) };
    if s.cohort_min.is_none() && s.cohort_max.is_none() && s.bcus < 2 {
        return if n < 15.0 {
            "BELOW_MINIMUM"
        } else if n < 20.0 {
            "LOW_BAND"
        } else {
            "MEETS"
        };
    }
    let min = s.cohort_min.map(f64::from).unwrap_or(def_min);
    let max = s.cohort_max.map(f64::from).or(def_max);
    if n < min {
        "BELOW_MINIMUM"
    } else if max.is_some_and(|m| n > m) {
        "ABOVE_RANGE"
    } else {
        "MEETS"
    }
}

fn pd_band_status(s: &Scheme, n: f64) -> Option<&'static str> {
    if s.pd_min.is_none() && s.pd_max.is_none() {
        return None;
    }
    Some(if s.pd_min.is_some_and(|m| n < f64::from(m)) {
        "BELOW_MINIMUM"
    } else if s.pd_max.is_some_and(|m| n > f64::from(m)) {
        "ABOVE_RANGE"
    } else {
        "MEETS"
    })
}

pub fn rows(
    input: &Input<'_>,
    cfg: &Config,
    schemes: &[&Scheme],
    detail: Detail,
) -> Result<Vec<Measure>, String> {
    let people_cols = tables::people_columns(input);
    let listed_cols = tables::listed_columns(input);
    let offence_cols = tables::offence_columns(input);
    let (pc, lc, oc) = (strs(&people_cols), strs(&listed_cols), strs(&offence_cols));
    let osums: Vec<&str> = oc.iter().copied().filter(|c| *c != "charge_days").collect();
    let (people_want, offences_want, listed, seen) = match detail {
        Detail::All => (
            Wanted {
                sums: &pc,
                heads: &["group", "cc", "rr", "pd"],
                medians: &[],
            },
            Wanted {
                sums: &osums,
                heads: &["off"],
                medians: &["charge_days"],
            },
            aggregate(
                tables::listed(input, cfg, schemes)?,
                &Wanted {
                    sums: &lc,
                    ..Default::default()
                },
            )?,
            aggregate(
                tables::seen(input, cfg, schemes),
                &Wanted {
                    heads: &["seen"],
                    ..Default::default()
                },
            )?,
        ),
        // Only what the trend measures need: no flows, and no throughput
        // (which reads every month before P).
        Detail::Trend => (
            Wanted {
                sums: &["active", "custody"],
                heads: &["group"],
                medians: &[],
            },
            Wanted {
                sums: &["off"],
                ..Default::default()
            },
            Default::default(),
            Default::default(),
        ),
    };
    let people = aggregate(tables::people(input, cfg, schemes, &people_want)?, &people_want)?;
    let offences = aggregate(tables::offences(input, cfg, schemes, &offences_want)?, &offences_want)?;
    let rets = aggregate(
        tables::returns(input, cfg, schemes),
        &Wanted {
            sums: &RETURN_COLUMNS,
            ..Default::default()
        },
    )?;

    // M2 per scheme, and the schemes below minimum per region and nationally.
    let mut below: BTreeMap<String, f64> = BTreeMap::new();
    for s in schemes {
        let key = format!("scheme:{}", s.code);
        if rets.get(&key).is_some_and(|r| r.sum("usable") > 0.0) {
            let n = people.get(&key).map(|p| p.head("group")).unwrap_or(0.0);
            let is_below = f64::from(u8::from(band_status(s, n) == "BELOW_MINIMUM"));
            *below.entry(format!("region:{}", s.region)).or_default() += is_below;
            *below.entry("national".into()).or_default() += is_below;
        }
    }

    let empty = Stats::default();
    // Measure names made once, not once per area.
    let named = |prefix: &str, codes: Vec<String>| -> Vec<String> { codes.iter().map(|c| format!("{prefix}{}", c.to_lowercase())).collect() };
    let reasons = named("deselected_", codes(input, "deselection_reason"));
    let statuses = named("status_", codes(input, "status"));
    let categories = named("offences_", codes(input, "offence_category"));
    let ages = named("age_", AGE_BANDS.iter().map(|(band, _, _)| band.to_string()).collect());
    let genders = named("gender_", codes(input, "gender"));
    let groups = named("ethnicity_", ethnicity_groups(input));
    let mut out = Vec::new();
    for area in areas(schemes, cfg, detail) {
        let usable = rets.get(&area.key).is_some_and(|r| r.sum("usable") > 0.0);
        let p = people.get(&area.key).unwrap_or(&empty);
        let l = listed.get(&area.key).unwrap_or(&empty);
        let o = offences.get(&area.key).unwrap_or(&empty);
        let mut w = Writer { cfg, area: &area, usable, detail, out: &mut out };
        // M1
        w.count("cohort_active", || p.head("group"));
        w.count("cohort_active_cc", || p.head("cc"));
        w.count("cohort_active_rr", || p.head("rr"));
        w.count("cohort_active_pd", || p.head("pd"));
        // M2
        if area.level == Level::Scheme {
            if let Some(s) = area.scheme.map(|i| schemes[i]) {
                w.code("cohort_band_status", || band_status(s, p.head("group")));
                if let Some(pd) = pd_band_status(s, p.head("pd")) {
                    w.code("pd_band_status", || pd);
                }
            }
        } else {
            w.always_count("schemes_below_minimum", || below.get(&area.key).copied().unwrap_or(0.0));
        }
        // M3
        w.count("adopted", || l.sum("adopted"));
        w.count("deselected", || l.sum("deselected"));
        for name in &reasons {
            w.count(name, || l.sum(name));
        }
        w.always_count("throughput", || seen.get(&area.key).map(|s| s.head("seen")).unwrap_or(0.0));
        // M4
        for name in &statuses {
            w.count(name, || p.sum(name));
        }
        w.rate("custody_pct", || (p.sum("custody"), p.sum("active")));
        // M5, M6, M7
        w.rate("offender_manager_pct", || (p.sum("statutory_om"), p.sum("statutory")));
        w.rate("assessment_8wk_pct", || (p.sum("m6_num"), p.sum("m6_den")));
        w.rate("drug_misuser_pct", || (p.sum("drug_y"), p.sum("active")));
        w.rate("drug_treatment_pct", || (p.sum("treat_y"), p.sum("drug_y")));
        // M8
        w.count("offences_recorded", || o.sum("off"));
        w.count("ppos_with_offence", || o.head("off"));
        for name in &categories {
            w.count(name, || o.sum(name));
        }
        w.rate("offences_custody_pct", || (o.sum("convtic_custody"), o.sum("convtic")));
        // M9
        w.median("charge_to_outcome_median_days", || o.median("charge_days"));
        w.rate("recorded_within_7_days_pct", || (o.sum("within7"), o.sum("off")));
        // M10
        // Total days, divided once: the numerator is the total months.
        w.mean("time_on_scheme_mean_months", || (p.sum("days_on") / DAYS_PER_MONTH, p.sum("active")));
        w.mean("time_on_scheme_mean_months_deselected", || (l.sum("days_desel") / DAYS_PER_MONTH, l.sum("deselected")));
        // M11
        w.mean("mean_age", || (p.sum("age"), p.sum("active")));
        for name in ages.iter().chain(&genders).chain(&groups) {
            w.count(name, || p.sum(name));
        }
        // M12
        let r = rets.get(&area.key).unwrap_or(&empty);
        for c in ["expected", "received", "on_time", "late", "rejected", "missing"] {
            w.always_count(&format!("returns_{c}"), || r.sum(c));
        }
        // M13, M14
        w.count("selection_score_total", || p.sum("score"));
        w.mean("selection_score_mean", || (p.sum("score"), p.sum("score_has")));
        w.rate("accommodation_settled_pct", || (p.sum("accom_settled"), p.sum("accom_known")));
        w.rate("ete_employed_pct", || (p.sum("ete_employed"), p.sum("ete_known")));
    }
    Ok(out)
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Appends one area's rows, applying the `x` and `z` rules. Values are
/// given as closures: a measure the month does not keep is never computed.
struct Writer<'a> {
    cfg: &'a Config,
    area: &'a Area,
    usable: bool,
    detail: Detail,
    out: &'a mut Vec<Measure>,
}

impl Writer<'_> {
    /// The row is made only for a measure the month keeps.
    fn push(&mut self, name: &str, row: impl FnOnce() -> (Value, Option<f64>, Option<f64>, Flag)) {
        if !self.detail.keeps("", name) {
            return;
        }
        let (value, numerator, denominator, flag) = row();
        self.out.push(Measure {
            period: self.cfg.period,
            level: self.area.level,
            area_code: self.area.code.clone(),
            area_name: self.area.name.clone(),
            measure: name.to_string(),
            value,
            numerator,
            denominator,
            flag,
        });
    }

    /// A return-based measure: `x` for an area with no usable return.
    fn based(&mut self, name: &str, row: impl FnOnce() -> (Value, Option<f64>, Option<f64>, Flag)) {
        if self.usable {
            self.push(name, row);
        } else {
            self.push(name, || (Value::Empty, None, None, Flag::X));
        }
    }

    /// A return-based count.
    fn count(&mut self, name: &str, v: impl FnOnce() -> f64) {
        self.based(name, || (Value::Num(v()), None, None, Flag::None));
    }

    /// A count computed with or without a return for P.
    fn always_count(&mut self, name: &str, v: impl FnOnce() -> f64) {
        self.push(name, || (Value::Num(v()), None, None, Flag::None));
    }

    fn code(&mut self, name: &str, code: impl FnOnce() -> &'static str) {
        self.based(name, || (Value::Code(code().to_string()), None, None, Flag::None));
    }

    /// A rate from (numerator, denominator).
    fn rate(&mut self, name: &str, parts: impl FnOnce() -> (f64, f64)) {
        self.based(name, || {
            let (num, den) = parts();
            let (v, f) = rate(num, den);
            (v, Some(num), Some(den), f)
        });
    }

    /// A mean from (numerator, denominator).
    fn mean(&mut self, name: &str, parts: impl FnOnce() -> (f64, f64)) {
        self.based(name, || {
            let (num, den) = parts();
            let (v, f) = mean(num, den);
            (v, Some(num), Some(den), f)
        });
    }

    /// A median from (median, cases).
    fn median(&mut self, name: &str, parts: impl FnOnce() -> (Option<f64>, f64)) {
        self.based(name, || match parts() {
            (Some(m), cases) if cases > 0.0 => (Value::Num(m), None, Some(cases), Flag::None),
            (_, cases) => (Value::Empty, None, Some(cases), Flag::Z),
        });
    }
}
