//! The one file that uses polars: pooled tables grouped by scheme, by region
//! and nationally. Sums add numerators and denominators; heads count each
//! PPO ID once; medians pool the cases (§4.2, §10).
//!
//! Everything in and out is plain Rust ([`Table`], [`Stats`]), so polars'
//! API changes stop at this file.

use polars::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// A pooled table: one row per person (or offence), with its scheme, region
/// and PPO ID, and numeric columns (`None` = not a case, for medians).
/// Schemes and regions are held once each and rows refer to them by number.
/// Columns are plain numbers, handed to polars without a copy; a `None` is
/// held as NaN (no figure here is ever NaN) and made null for polars.
#[derive(Debug, Clone, Default)]
pub struct Table {
    schemes: Vec<String>,
    regions: Vec<String>,
    scheme: Vec<u32>,
    region: Vec<u32>,
    ppo: Vec<u64>,
    /// Each column by name; `None` for one no aggregate reads, whose values
    /// are not kept (a trend month reads few of the columns).
    cols: Vec<(String, Option<Column64>)>,
}

/// A column's values, and whether any is missing (NaN).
#[derive(Debug, Clone, Default)]
struct Column64 {
    values: Vec<f64>,
    has_missing: bool,
}

impl Table {
    /// A table keeping every column.
    pub fn new(names: &[&str]) -> Table {
        Table { cols: names.iter().map(|n| (n.to_string(), Some(Column64::default()))).collect(), ..Table::default() }
    }

    /// A table keeping only the columns `want` reads.
    pub fn for_wanted(names: &[&str], want: &Wanted<'_>) -> Table {
        let mut t = Table::new(names);
        for (name, values) in &mut t.cols {
            if !want.reads(name) {
                *values = None;
            }
        }
        t
    }

    /// The number of a name in a list, added if new (rows come grouped by
    /// scheme, so the last is the likely one).
    fn name_id(names: &mut Vec<String>, name: &str) -> u32 {
        let i = match names.iter().rposition(|n| n == name) {
            Some(i) => i,
            None => {
                names.push(name.to_string());
                names.len() - 1
            }
        };
        i as u32
    }

    /// Add a row; `values` in the order of the names given to `new`. `ppo`
    /// is a number unique to the person (0 for a row about no one).
    pub fn push(&mut self, scheme: &str, region: &str, ppo: u64, values: &[Option<f64>]) {
        let (s, r) = (Table::name_id(&mut self.schemes, scheme), Table::name_id(&mut self.regions, region));
        self.scheme.push(s);
        self.region.push(r);
        self.ppo.push(ppo);
        for ((_, col), v) in self.cols.iter_mut().zip(values) {
            if let Some(col) = col {
                col.has_missing |= v.is_none();
                col.values.push(v.unwrap_or(f64::NAN));
            }
        }
    }

    pub fn len(&self) -> usize {
        self.scheme.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scheme.is_empty()
    }
}

/// What to compute from a table, by name.
#[derive(Debug, Clone, Default)]
pub struct Wanted<'a> {
    /// Sum of the column.
    pub sums: &'a [&'a str],
    /// Distinct PPO IDs among rows where the column is > 0.
    pub heads: &'a [&'a str],
    /// Median of the column's non-null values, and their count.
    pub medians: &'a [&'a str],
}

impl Wanted<'_> {
    /// Does anything wanted read this column?
    pub fn reads(&self, name: &str) -> bool {
        self.sums.contains(&name) || self.heads.contains(&name) || self.medians.contains(&name)
    }
}

/// One area's results: name -> value. Medians have `None` with no cases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub sums: HashMap<String, f64>,
    pub heads: HashMap<String, f64>,
    pub medians: HashMap<String, (Option<f64>, f64)>,
}

impl Stats {
    pub fn sum(&self, name: &str) -> f64 {
        self.sums.get(name).copied().unwrap_or(0.0)
    }
    pub fn head(&self, name: &str) -> f64 {
        self.heads.get(name).copied().unwrap_or(0.0)
    }
    pub fn median(&self, name: &str) -> (Option<f64>, f64) {
        self.medians.get(name).copied().unwrap_or((None, 0.0))
    }
}

/// Key of an area: `scheme:<code>`, `region:<name>` or `national`.
pub type Area = String;

/// Group the table by scheme, by region and nationally, in one query. The
/// table is consumed: its columns become the frame's without a copy.
pub fn aggregate(mut table: Table, want: &Wanted<'_>) -> Result<BTreeMap<Area, Stats>, String> {
    let mut out = BTreeMap::new();
    if table.is_empty() {
        return Ok(out);
    }
    let df = to_frame(&mut table, want).map_err(|e| format!("measures: {e}"))?;
    for (level, k, stats) in group(df, want).map_err(|e| format!("measures: {e}"))? {
        let name = |names: &[String]| names.get(k as usize).cloned().unwrap_or_default();
        let area = match level {
            0 => format!("scheme:{}", name(&table.schemes)),
            1 => format!("region:{}", name(&table.regions)),
            _ => "national".to_string(),
        };
        out.insert(area, stats);
    }
    Ok(out)
}

/// The key columns grouped by, in the order of the levels `group` numbers.
const LEVELS: [&str; 3] = ["scheme", "region", "national"];

/// The table as a frame, with only the columns wanted; the table's rows
/// are moved into it (its names stay).
fn to_frame(t: &mut Table, want: &Wanted<'_>) -> PolarsResult<DataFrame> {
    let n = t.len();
    let mut columns = vec![
        Column::new("scheme".into(), std::mem::take(&mut t.scheme)),
        Column::new("region".into(), std::mem::take(&mut t.region)),
        Column::new("national".into(), vec![0u32; n]),
        Column::new("__ppo".into(), std::mem::take(&mut t.ppo)),
    ];
    for (name, col) in &mut t.cols {
        let Some(col) = col.take().filter(|_| want.reads(name)) else { continue };
        let name = format!("c_{name}").into();
        columns.push(if col.has_missing {
            Column::new(name, col.values.into_iter().map(|v| (!v.is_nan()).then_some(v)).collect::<Vec<Option<f64>>>())
        } else {
            Column::new(name, col.values)
        });
    }
    DataFrame::new_infer_height(columns)
}

/// Every wanted figure for every group of every level: (level, key, stats).
/// The three group-bys run as one query, so a month's table is planned and
/// collected once, not three times.
fn group(df: DataFrame, want: &Wanted<'_>) -> PolarsResult<Vec<(u32, u32, Stats)>> {
    let mut aggs = Vec::new();
    for s in want.sums {
        aggs.push(col(format!("c_{s}")).sum().cast(DataType::Float64).alias(format!("s_{s}")));
    }
    for h in want.heads {
        aggs.push(
            col("__ppo").filter(col(format!("c_{h}")).gt(lit(0.0))).n_unique().cast(DataType::Float64).alias(format!("h_{h}")),
        );
    }
    for m in want.medians {
        aggs.push(col(format!("c_{m}")).median().alias(format!("m_{m}")));
        aggs.push(col(format!("c_{m}")).count().cast(DataType::Float64).alias(format!("n_{m}")));
    }
    let lf = df.lazy();
    let parts: Vec<LazyFrame> = LEVELS
        .iter()
        .enumerate()
        .map(|(level, key)| {
            lf.clone()
                .group_by([col(*key).alias("__key")])
                .agg(aggs.clone())
                .with_column(lit(level as u32).cast(DataType::UInt32).alias("__level"))
        })
        .collect();
    let out = concat(parts, UnionArgs::default())?.sort(["__level", "__key"], Default::default()).collect()?;
    let (levels, keys) = (out.column("__level")?.u32()?.clone(), out.column("__key")?.u32()?.clone());
    // Each output column found once, not once per row.
    let f64s = |prefix: &str, names: &[&str]| -> PolarsResult<Vec<Float64Chunked>> {
        names.iter().map(|n| Ok(out.column(&format!("{prefix}_{n}"))?.f64()?.clone())).collect()
    };
    let (sums, heads) = (f64s("s", want.sums)?, f64s("h", want.heads)?);
    let (medians, counts) = (f64s("m", want.medians)?, f64s("n", want.medians)?);
    let mut result = Vec::with_capacity(out.height());
    for i in 0..out.height() {
        let mut st = Stats::default();
        for (s, c) in want.sums.iter().zip(&sums) {
            st.sums.insert(s.to_string(), c.get(i).unwrap_or(0.0));
        }
        for (h, c) in want.heads.iter().zip(&heads) {
            st.heads.insert(h.to_string(), c.get(i).unwrap_or(0.0));
        }
        for ((m, c), n) in want.medians.iter().zip(&medians).zip(&counts) {
            st.medians.insert(m.to_string(), (c.get(i), n.get(i).unwrap_or(0.0)));
        }
        result.push((levels.get(i).unwrap_or_default(), keys.get(i).unwrap_or_default(), st));
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_heads_and_pooled_medians_by_level() {
        let mut t = Table::new(&["active", "days"]);
        t.push("A", "London", 1, &[Some(1.0), Some(10.0)]);
        t.push("B", "London", 1, &[Some(1.0), Some(20.0)]);
        t.push("B", "London", 2, &[Some(0.0), None]);
        t.push("C", "Wales", 3, &[Some(1.0), Some(3.0)]);
        let want = Wanted {
            sums: &["active"],
            heads: &["active"],
            medians: &["days"],
        };
        let a = aggregate(t, &want).unwrap();
        assert_eq!(a["scheme:B"].sum("active"), 1.0);
        assert_eq!(a["region:London"].sum("active"), 2.0, "sums add the schemes");
        assert_eq!(a["region:London"].head("active"), 1.0, "heads count each PPO once");
        assert_eq!(a["national"].head("active"), 2.0);
        assert_eq!(a["region:London"].median("days"), (Some(15.0), 2.0), "even count: mean of the middle two");
        assert_eq!(a["national"].median("days"), (Some(10.0), 3.0), "pooled cases");
        assert_eq!(a["scheme:A"].median("days"), (Some(10.0), 1.0));
    }
}
