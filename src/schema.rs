//! The return schema (sheets, columns, types, code lists, conditional rules)
//! as data: `templates/pmf-1.toml`, embedded in the binary and read strictly.
//!
//! Invariants, checked by [`Schema::from_toml`]: every key is unique within
//! its sheet, every `list` names a code list, every condition and date bound
//! names a column of the same sheet (or a period bound), and every code in a
//! condition is a code of that column's list. Nothing else in the crate hard
//! codes a header or a code label; rules look columns up by key.

use serde::Deserialize;
use std::collections::HashMap;

/// The schema shipped with this version of `pmf`.
pub const PMF1_TOML: &str = include_str!("../templates/pmf-1.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColType {
    Text,
    Pnc,
    Date,
    Whole,
    Code,
    Month,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Required {
    Yes,
    No,
    If,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub column: String,
    #[serde(default)]
    pub is_blank: bool,
    #[serde(default)]
    pub is_present: bool,
    #[serde(default, rename = "in")]
    pub in_codes: Vec<String>,
    /// Index of `column` in the sheet, resolved at load.
    #[serde(skip)]
    pub col: usize,
}

/// A date bound: another column of the row, or an edge of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Column(usize),
    PeriodStart,
    PeriodEnd,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub key: String,
    pub header: String,
    pub required: Required,
    #[serde(rename = "type")]
    pub col_type: ColType,
    pub list: Option<String>,
    pub required_when: Option<Condition>,
    pub blank_when: Option<Condition>,
    #[serde(default)]
    pub not_before: Vec<String>,
    #[serde(default)]
    pub not_after: Vec<String>,
    pub width: Option<f64>,
    pub help: Option<String>,
    #[serde(skip)]
    pub list_index: Option<usize>,
    #[serde(skip)]
    pub before_bounds: Vec<Bound>,
    #[serde(skip)]
    pub after_bounds: Vec<Bound>,
}

impl Column {
    /// Required and conditional columns must be present as headers (F03, §10).
    pub fn header_required(&self) -> bool {
        self.required != Required::No
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sheet {
    pub key: String,
    pub name: String,
    pub columns: Vec<Column>,
}

impl Sheet {
    /// Index of the column with this key. Keys used by the rules in code are
    /// checked to exist by the schema tests.
    pub fn col(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub key: String,
    pub label: String,
    pub required: Required,
    #[serde(rename = "type")]
    pub col_type: ColType,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnSheet {
    pub name: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeEntry {
    pub code: String,
    #[serde(default)]
    pub labels: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeList {
    pub name: String,
    pub codes: Vec<CodeEntry>,
    /// Lower-cased code or label -> index into `codes`.
    #[serde(skip)]
    lookup: HashMap<String, usize>,
    /// `codes`, interned.
    #[serde(skip)]
    interned: Vec<Code>,
}

impl CodeList {
    /// The code that `text` (a code or an accepted label) stands for.
    pub fn normalise(&self, text: &str) -> Option<Code> {
        let t = text.trim();
        // Most cells hold the code itself: look it up without allocating.
        if let Some(&c) = self
            .interned
            .iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(t))
        {
            return Some(c);
        }
        let key = t.to_lowercase();
        self.lookup.get(&key).map(|&i| self.interned[i])
    }

    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.codes.iter().map(|c| c.code.as_str())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    pub version: String,
    pub statutory_statuses: Vec<String>,
    pub custody_statuses: Vec<String>,
    pub return_sheet: ReturnSheet,
    pub sheets: Vec<Sheet>,
    pub lists: Vec<CodeList>,
}

impl Schema {
    /// The embedded PMF-1 schema.
    pub fn pmf1() -> Result<Schema, String> {
        Schema::from_toml(PMF1_TOML)
    }

    /// Parse and check a schema; every reference is resolved to an index.
    pub fn from_toml(text: &str) -> Result<Schema, String> {
        let mut schema: Schema = toml::from_str(text).map_err(|e| format!("schema: {e}"))?;
        for list in &mut schema.lists {
            list.interned = list
                .codes
                .iter()
                .map(|c| Code::intern(&c.code))
                .collect::<Result<_, _>>()?;
            for (i, code) in list.codes.iter().enumerate() {
                for name in std::iter::once(&code.code).chain(&code.labels) {
                    let key = name.trim().to_lowercase();
                    if list.lookup.insert(key, i).is_some() {
                        return Err(format!("schema: list {} repeats {name:?}", list.name));
                    }
                }
            }
        }
        let status = schema.list("status").ok_or("schema: no status list")?;
        for code in schema.statutory_statuses.iter().chain(&schema.custody_statuses) {
            if !status.codes().any(|c| c == code) {
                return Err(format!("schema: status group names unknown status {code}"));
            }
        }
        let list_names: Vec<String> = schema.lists.iter().map(|l| l.name.clone()).collect();
        for sheet in &mut schema.sheets {
            let keys: Vec<String> = sheet.columns.iter().map(|c| c.key.clone()).collect();
            let find = |k: &str| keys.iter().position(|x| x == k);
            for (i, k) in keys.iter().enumerate() {
                if keys[..i].contains(k) {
                    return Err(format!("schema: sheet {} repeats column key {k}", sheet.name));
                }
            }
            for col in &mut sheet.columns {
                let here = format!("schema: {}.{}", sheet.key, col.key);
                if let Some(list) = &col.list {
                    col.list_index = Some(
                        list_names
                            .iter()
                            .position(|n| n == list)
                            .ok_or(format!("{here}: unknown list {list}"))?,
                    );
                }
                if (col.col_type == ColType::Code) != col.list.is_some() {
                    return Err(format!("{here}: a code column needs a list, and only it"));
                }
                if (col.required == Required::If) != col.required_when.is_some() {
                    return Err(format!("{here}: required = \"if\" goes with required_when"));
                }
                for cond in col.required_when.iter_mut().chain(col.blank_when.iter_mut()) {
                    cond.col = find(&cond.column).ok_or(format!("{here}: unknown column {}", cond.column))?;
                    let tests = cond.is_blank as u8 + cond.is_present as u8 + !cond.in_codes.is_empty() as u8;
                    if tests != 1 {
                        return Err(format!("{here}: a condition needs exactly one test"));
                    }
                }
                let bound = |name: &String| match name.as_str() {
                    "period_start" => Ok(Bound::PeriodStart),
                    "period_end" => Ok(Bound::PeriodEnd),
                    other => find(other).map(Bound::Column).ok_or(format!("{here}: unknown bound {other}")),
                };
                col.before_bounds = col.not_before.iter().map(bound).collect::<Result<_, _>>()?;
                col.after_bounds = col.not_after.iter().map(bound).collect::<Result<_, _>>()?;
            }
            // Codes named in conditions must exist in the condition column's list.
            for ci in 0..sheet.columns.len() {
                let conds: Vec<Condition> =
                    sheet.columns[ci].required_when.iter().chain(&sheet.columns[ci].blank_when).cloned().collect();
                for cond in conds {
                    let target = &sheet.columns[cond.col];
                    for code in &cond.in_codes {
                        let ok = target
                            .list_index
                            .map(|li| schema.lists[li].codes().any(|c| c == code))
                            .unwrap_or(false);
                        if !ok {
                            return Err(format!("schema: condition on {} names unknown code {code}", target.key));
                        }
                    }
                }
            }
        }
        Ok(schema)
    }

    pub fn sheet(&self, key: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| s.key == key)
    }

    pub fn list(&self, name: &str) -> Option<&CodeList> {
        self.lists.iter().find(|l| l.name == name)
    }

    pub fn list_of(&self, col: &Column) -> Option<&CodeList> {
        col.list_index.map(|i| &self.lists[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schema_loads_and_normalises_labels() {
        let s = Schema::pmf1().unwrap();
        let strand = s.list("strand").unwrap();
        assert_eq!(
            strand
                .normalise("  catch & bring to justice ")
                .map(Code::as_str),
            Some("CC")
        );
        assert_eq!(strand.normalise("cc").map(Code::as_str), Some("CC"));
        assert_eq!(strand.normalise("Catch"), None);
        assert!(s.sheet("cohort").unwrap().col("ppo_id").is_some());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let bad = PMF1_TOML.replace("version = \"PMF-1\"", "version = \"PMF-1\"\nextra = 1");
        assert!(Schema::from_toml(&bad).is_err());
        let bad = PMF1_TOML.replace("list = \"gender\"", "list = \"genders\"");
        assert!(Schema::from_toml(&bad).unwrap_err().contains("unknown list"));
    }
}

/// A code of a code list, interned: two bytes, copied freely, compared by
/// number, and read back as the code's text. Every code of every schema read
/// in the process is interned once (at most 4,096 distinct codes).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(std::num::NonZeroU16);

const MAX_CODES: usize = 4096;
static CODE_TEXT: [std::sync::OnceLock<&'static str>; MAX_CODES] =
    [const { std::sync::OnceLock::new() }; MAX_CODES];
static CODE_IDS: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

impl Code {
    /// The code for a text, made once per process.
    pub fn intern(text: &str) -> Result<Code, String> {
        let mut ids = CODE_IDS.lock().unwrap_or_else(|p| p.into_inner());
        let i = match ids.iter().position(|t| *t == text) {
            Some(i) => i,
            None if ids.len() + 1 < MAX_CODES => {
                let t: &'static str = Box::leak(text.to_string().into_boxed_str());
                ids.push(t);
                let _ = CODE_TEXT[ids.len()].set(t);
                ids.len() - 1
            }
            None => return Err(format!("schema: more than {} codes", MAX_CODES - 1)),
        };
        let n = u16::try_from(i + 1)
            .ok()
            .and_then(std::num::NonZeroU16::new)
            .ok_or("schema: too many codes")?;
        Ok(Code(n))
    }

    /// The empty code, for a value that an accepted row always has (never
    /// seen in practice: a required code's row is excluded when blank).
    pub fn none() -> Code {
        static NONE: std::sync::OnceLock<Code> = std::sync::OnceLock::new();
        *NONE.get_or_init(|| Code::intern("").unwrap_or(Code(std::num::NonZeroU16::MIN)))
    }

    /// The code's number in this process (never 0), for a code written
    /// out and read back by the same run (`validate::spill`).
    pub fn id(self) -> u16 {
        self.0.get()
    }

    /// The code of a number [`Code::id`] gave in this process.
    pub fn from_id(id: u16) -> Option<Code> {
        let n = std::num::NonZeroU16::new(id)?;
        CODE_TEXT.get(usize::from(id))?.get().map(|_| Code(n))
    }

    pub fn as_str(self) -> &'static str {
        CODE_TEXT[usize::from(self.0.get())]
            .get()
            .copied()
            .unwrap_or("")
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
