//! The scheme register (spec §2): which schemes exist, their region, BCUs,
//! active months, cohort bands and NI 30 targets.
//!
//! Read strictly: a missing or unknown column, or a bad value, makes the whole
//! register unreadable (exit 2), with every problem named by line and column.
//! Scheme codes match case-insensitively after trimming.

use crate::calendar::Month;
use std::collections::HashMap;
use std::path::Path;

/// The ten GO regions, in the order reports list them.
pub const REGIONS: [&str; 10] = [
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
];

const COLUMNS: [&str; 14] = [
    "scheme_code", "scheme_name", "region", "cjs_area", "cdrps", "bcus", "active_from", "active_to",
    "cohort_min", "cohort_max", "pd_min", "pd_max", "ni30_target_pct", "ni30_stretch_pct",
];
const REQUIRED: usize = 7; // the first seven columns are required

#[derive(Debug, Clone, PartialEq)]
pub struct Scheme {
    pub code: String,
    pub name: String,
    pub region: String,
    pub cjs_area: String,
    pub cdrps: Vec<String>,
    pub bcus: u32,
    pub active_from: Month,
    pub active_to: Option<Month>,
    pub cohort_min: Option<u32>,
    pub cohort_max: Option<u32>,
    pub pd_min: Option<u32>,
    pub pd_max: Option<u32>,
    pub ni30_target_pct: Option<f64>,
    pub ni30_stretch_pct: Option<f64>,
}

impl Scheme {
    pub fn active_in(&self, month: Month) -> bool {
        month >= self.active_from && self.active_to.is_none_or(|to| month <= to)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Register {
    /// Sorted by code.
    pub schemes: Vec<Scheme>,
    index: HashMap<String, usize>,
}

impl Register {
    pub fn from_path(path: &Path) -> Result<Register, String> {
        let text = std::fs::read(path).map_err(|e| format!("{}: cannot read the register: {e}", path.display()))?;
        Register::from_csv(&path.display().to_string(), &text)
    }

    pub fn from_csv(name: &str, bytes: &[u8]) -> Result<Register, String> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| format!("{name}: the register is not a readable CSV file: {e}"))?
            .iter()
            .map(|h| h.trim().to_lowercase())
            .collect();
        let mut problems = Vec::new();
        for h in &headers {
            if !COLUMNS.contains(&h.as_str()) {
                problems.push(format!("{name}: unknown column {h:?}; the columns are {}", COLUMNS.join(",")));
            }
        }
        let pos: Vec<Option<usize>> = COLUMNS.iter().map(|c| headers.iter().position(|h| h == c)).collect();
        for (i, c) in COLUMNS.iter().enumerate().take(REQUIRED) {
            if pos[i].is_none() {
                problems.push(format!("{name}: required column {c:?} is missing"));
            }
        }
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        let mut schemes = Vec::new();
        for (n, rec) in rdr.records().enumerate() {
            let line = n + 2;
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    problems.push(format!("{name}: line {line}: {e}"));
                    continue;
                }
            };
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let get = |i: usize| pos[i].and_then(|p| rec.get(p)).map(str::trim).unwrap_or("");
            let mut bad = |col: usize, why: &str| problems.push(format!("{name}: line {line}, {}: {why}", COLUMNS[col]));
            for i in 0..REQUIRED {
                if get(i).is_empty() {
                    bad(i, "required value is missing");
                }
            }
            let region = REGIONS.iter().find(|r| r.eq_ignore_ascii_case(get(2))).map(|r| r.to_string());
            if region.is_none() && !get(2).is_empty() {
                bad(2, &format!("{:?} is not a GO region; use one of: {}", get(2), REGIONS.join(", ")));
            }
            let bcus = get(5).parse::<u32>().ok().filter(|&b| b >= 1);
            if bcus.is_none() && !get(5).is_empty() {
                bad(5, &format!("{:?} is not a whole number of BCUs, 1 or more", get(5)));
            }
            let mut month = |i: usize| -> Option<Month> {
                let v = get(i);
                if v.is_empty() {
                    return None;
                }
                let m = Month::parse_iso(v);
                if m.is_none() {
                    problems.push(format!("{name}: line {line}, {}: {v:?} is not a month YYYY-MM", COLUMNS[i]));
                }
                m
            };
            let (active_from, active_to) = (month(6), month(7));
            let mut whole = |i: usize| -> Option<u32> {
                let v = get(i);
                if v.is_empty() {
                    return None;
                }
                let n = v.parse::<u32>().ok();
                if n.is_none() {
                    problems.push(format!("{name}: line {line}, {}: {v:?} is not a whole number", COLUMNS[i]));
                }
                n
            };
            let (cohort_min, cohort_max, pd_min, pd_max) = (whole(8), whole(9), whole(10), whole(11));
            let mut pct = |i: usize| -> Option<f64> {
                let v = get(i);
                if v.is_empty() {
                    return None;
                }
                let n = v.trim_end_matches('%').trim().parse::<f64>().ok().filter(|p| p.is_finite());
                if n.is_none() {
                    problems.push(format!("{name}: line {line}, {}: {v:?} is not a percentage", COLUMNS[i]));
                }
                n
            };
            let (ni30_target_pct, ni30_stretch_pct) = (pct(12), pct(13));
            if let (Some(r), Some(b), Some(from)) = (region, bcus, active_from) {
                if get(0).is_empty() || get(1).is_empty() || get(3).is_empty() || get(4).is_empty() {
                    continue;
                }
                schemes.push(Scheme {
                    code: get(0).to_string(),
                    name: get(1).to_string(),
                    region: r,
                    cjs_area: get(3).to_string(),
                    cdrps: get(4).split(';').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect(),
                    bcus: b,
                    active_from: from,
                    active_to,
                    cohort_min,
                    cohort_max,
                    pd_min,
                    pd_max,
                    ni30_target_pct,
                    ni30_stretch_pct,
                });
            }
        }
        schemes.sort_by(|a, b| a.code.cmp(&b.code));
        let mut index = HashMap::new();
        for (i, s) in schemes.iter().enumerate() {
            if index.insert(s.code.to_lowercase(), i).is_some() {
                problems.push(format!("{name}: scheme code {:?} appears twice", s.code));
            }
        }
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        Ok(Register { schemes, index })
    }

    /// The scheme of a code, matched case-insensitively, ignoring spaces.
    pub fn get(&self, code: &str) -> Option<&Scheme> {
        let code = code.trim();
        // Most codes come as the register spells them: found by a binary
        // search, without making a lower-case copy (codes that differ only
        // in case are refused at load, so this finds the same scheme).
        if let Ok(i) = self.schemes.binary_search_by(|s| s.code.as_str().cmp(code)) {
            return Some(&self.schemes[i]);
        }
        self.index.get(&code.to_lowercase()).map(|&i| &self.schemes[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "scheme_code,scheme_name,region,cjs_area,cdrps,bcus,active_from,active_to,cohort_min,cohort_max,pd_min,pd_max,ni30_target_pct,ni30_stretch_pct\n";

    #[test]
    fn reads_a_register() {
        let csv = format!("{HEAD}AB1,Ab scheme,london,Met,A;B,3,2007-04,2009-03,,,,,20,26\n");
        let r = Register::from_csv("r.csv", csv.as_bytes()).unwrap();
        let s = r.get(" ab1 ").unwrap();
        assert_eq!(s.region, "London");
        assert_eq!(s.cdrps, vec!["A", "B"]);
        assert!(s.active_in(Month::parse_iso("2009-03").unwrap()));
        assert!(!s.active_in(Month::parse_iso("2009-04").unwrap()));
        assert_eq!(s.ni30_target_pct, Some(20.0));
    }

    #[test]
    fn names_every_problem() {
        let csv = format!("{HEAD}AB1,Ab,Narnia,Met,A,0,2007-4x,,,,,,,\nAB1,Ab,London,Met,A,1,2007-04,,,,,,,\n");
        let e = Register::from_csv("r.csv", csv.as_bytes()).unwrap_err();
        assert!(e.contains("line 2, region"), "{e}");
        assert!(e.contains("line 2, bcus"), "{e}");
        assert!(e.contains("line 2, active_from"), "{e}");
        let e = Register::from_csv("r.csv", b"scheme_code,region\n").unwrap_err();
        assert!(e.contains("\"scheme_name\" is missing"), "{e}");
    }
}
