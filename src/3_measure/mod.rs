//! Stage 3, measure: the headline measures M1–M14 (§4.2) and NI 30 (§5) for
//! each scheme, each region and nationally, for one month.
//!
//! Pure: a function of the validated returns, the register and the
//! configuration. No clock, no files, no printing. polars lives in
//! `frame.rs` only. Region and national figures pool numerators and
//! denominators (never average percentages); head-counts count each PPO ID
//! once; medians pool the cases.

mod frame;
mod headline;
mod ni30;
mod tables;

use crate::calendar::Month;
use crate::register::{Register, REGIONS};
use crate::schema::Schema;
use crate::validate::{Checked, Combined, Offence};
use serde::Serialize;

/// What a report is computed for.
#[derive(Debug, Clone)]
pub struct Config {
    /// The report month P.
    pub period: Month,
    /// Only this region (a GO's run).
    pub region: Option<String>,
    /// `--ni30-year Y`: the report year; `None` for the default years.
    pub ni30_year: Option<i32>,
    /// Count cautions in NI 30 (the default); the switch leaves them out.
    pub ni30_cautions: bool,
    /// A return is due by this weekday (Monday–Friday) of the next month.
    pub due_weekday: u32,
    /// `--suppress N`: counts below N in region and national rows are `[c]`.
    pub suppress: Option<u32>,
}

impl Config {
    pub fn new(period: Month) -> Config {
        Config { period, region: None, ni30_year: None, ni30_cautions: true, due_weekday: 6, suppress: None }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Scheme,
    Region,
    National,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Scheme => "scheme",
            Level::Region => "region",
            Level::National => "national",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Flag {
    /// A value.
    None,
    /// Suppressed (`[c]`).
    C,
    /// Not available: no usable return (`[x]`).
    X,
    /// Not applicable: a rate over zero, a mean over nobody (`[z]`).
    Z,
}

impl Flag {
    pub fn code(self) -> &'static str {
        match self {
            Flag::None => "",
            Flag::C => "c",
            Flag::X => "x",
            Flag::Z => "z",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Num(f64),
    Code(String),
}

/// One row of measures.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub period: Month,
    pub level: Level,
    pub area_code: String,
    pub area_name: String,
    pub measure: String,
    pub value: Value,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub flag: Flag,
}

/// The inputs, as validated and combined (only returns of months up to P).
pub struct Input<'a> {
    pub checked: &'a [Checked],
    pub combined: &'a Combined,
    pub register: &'a Register,
    pub schema: &'a Schema,
    /// `--offences FILE`: a national extract used in place of the ledger for
    /// NI 30, sorted by PPO ID.
    pub ni30_offences: Option<&'a [Offence]>,
    /// What the months of a run share, worked out once: NI 30's cohorts.
    memo: ni30::Memo,
}

impl<'a> Input<'a> {
    pub fn new(
        checked: &'a [Checked],
        combined: &'a Combined,
        register: &'a Register,
        schema: &'a Schema,
        ni30_offences: Option<&'a [Offence]>,
    ) -> Input<'a> {
        Input { checked, combined, register, schema, ni30_offences, memo: ni30::Memo::default() }
    }
}

/// The measures the reports follow month by month (the Trends sheet and
/// the trend charts), for regions and the nation: no output shows a
/// scheme's trend, so a trend month has no scheme rows.
pub const TREND: [&str; 5] = [
    "cohort_active",
    "custody_pct",
    "offences_recorded",
    "ni30_rolling_reduction_pct",
    "returns_received",
];

/// How much of a month to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every measure.
    All,
    /// Only the [`TREND`] measures of regions and the nation: the tables no
    /// trend needs are skipped, and no scheme row is made.
    Trend,
}

impl Detail {
    /// Does a month computed at this detail have rows for areas of `level`?
    /// ([`headline::areas`] makes only those.)
    fn shows(self, level: Level) -> bool {
        self == Detail::All || level != Level::Scheme
    }

    /// Does a month computed at this detail keep the measure `prefix` + `name`?
    fn keeps(self, prefix: &str, name: &str) -> bool {
        // Lengths first: this runs for every figure of every area of every
        // trend month, and most names differ in length from all of TREND.
        self == Detail::All
            || TREND.iter().any(|t| t.len() == prefix.len() + name.len() && t.starts_with(prefix) && t.ends_with(name))
    }
}

/// Every measure for the month, sorted: schemes by code, then regions in
/// the register's order, then national; measures in the spec's order.
pub fn compute(input: &Input<'_>, cfg: &Config) -> Result<Vec<Measure>, String> {
    compute_detail(input, cfg, Detail::All)
}

/// Is this one of the rows a month keeps for the trends?
pub fn in_trend(m: &Measure) -> bool {
    m.level != Level::Scheme && TREND.contains(&m.measure.as_str())
}

/// The [`TREND`] rows of a month (regions and the nation), as [`compute`]
/// gives them.
pub fn trend(input: &Input<'_>, cfg: &Config) -> Result<Vec<Measure>, String> {
    let mut rows = compute_detail(input, cfg, Detail::Trend)?;
    rows.retain(in_trend);
    rows.shrink_to_fit(); // a report keeps every month's
    Ok(rows)
}

fn compute_detail(input: &Input<'_>, cfg: &Config, detail: Detail) -> Result<Vec<Measure>, String> {
    let schemes = tables::schemes_in_scope(input, cfg);
    let mut rows = headline::rows(input, cfg, &schemes, detail)?;
    rows.extend(ni30::rows(input, cfg, &schemes, detail)?);
    let region_rank = |name: &str| REGIONS.iter().position(|r| *r == name).unwrap_or(REGIONS.len());
    rows.sort_by(|a, b| {
        let ka = (a.level, if a.level == Level::Region { region_rank(&a.area_code) } else { 0 }, &a.area_code);
        let kb = (b.level, if b.level == Level::Region { region_rank(&b.area_code) } else { 0 }, &b.area_code);
        ka.cmp(&kb)
    });
    // Stable sort: within an area, measures stay in the order they were made.
    if let Some(n) = cfg.suppress {
        for r in rows.iter_mut().filter(|r| r.level != Level::Scheme) {
            suppress(r, f64::from(n));
        }
    }
    Ok(rows)
}

/// §6: a count below N in a region or national table, and any rate built
/// on one, is `[c]`.
fn suppress(r: &mut Measure, n: f64) {
    if r.flag == Flag::X {
        return;
    }
    let small = |v: Option<f64>| v.is_some_and(|v| v < n);
    let hide = match (&r.value, r.numerator, r.denominator) {
        (_, num, Some(den)) => small(Some(den)) || (headline::numerator_is_count(&r.measure) && small(num)),
        (Value::Num(v), None, None) => headline::is_count(&r.measure) && *v < n,
        _ => false,
    };
    if hide {
        r.value = Value::Empty;
        r.numerator = None;
        r.denominator = None;
        r.flag = Flag::C;
    }
}

/// A rate as a percentage; `z` over zero.
fn rate(num: f64, den: f64) -> (Value, Flag) {
    if den == 0.0 {
        (Value::Empty, Flag::Z)
    } else {
        (Value::Num(num * 100.0 / den), Flag::None)
    }
}

/// A mean; `z` over nobody.
fn mean(num: f64, den: f64) -> (Value, Flag) {
    if den == 0.0 {
        (Value::Empty, Flag::Z)
    } else {
        (Value::Num(num / den), Flag::None)
    }
}
